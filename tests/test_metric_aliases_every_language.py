"""Every figure of the shipped return can be named in every language the bot speaks.

A label is long ("ผู้เสียหายจากการค้ามนุษย์ที่ได้รับการคุ้มครองช่วยเหลือ"), so people type an
alias ("ผู้เสียหาย"); a metric without aliases in someone's language left them only the long
label or English. The shipped bot.toml gives every metric aliases in every language, none of
them another metric's name, and a Thai or Arabic focal point files a one-line return with them.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from bot.config import load_settings
from bot.errors import UserError
from bot.i18n import LANGUAGES, render, resolve_language
from bot.returns.metrics import Schema, duplicate_name
from bot.returns.parse import parse_line
from tests.conftest import ENGINES
from tests.harness import SHIPPED_CONFIG
from tests.returns_support import running

if TYPE_CHECKING:  # imported, it would run every test here on both engines (conftest)
    from tests.harness import Harness

THAI = re.compile("[\u0e00-\u0e7f]")
ARABIC = re.compile("[\u0600-\u06ff]")
RLM = "\u200f"


def shipped_metrics() -> list[dict[str, Any]]:
    """The ``[[metric_sets.default]]`` tables of the shipped bot.toml, as written."""
    with SHIPPED_CONFIG.open("rb") as config:
        metrics: list[dict[str, Any]] = tomllib.load(config)["metric_sets"]["default"]
    return metrics


def test_every_shipped_metric_has_aliases_in_every_language() -> None:
    missing: dict[str, list[str]] = {}
    for metric in shipped_metrics():
        aliases = metric.get("aliases")
        assert isinstance(aliases, dict), f"{metric['key']}: aliases by language"
        given = {resolve_language(code) for code, names in aliases.items() if names}
        if lacking := [lang for lang in LANGUAGES if lang not in given]:
            missing[str(metric["key"])] = lacking
    assert missing == {}


def test_each_alias_names_its_own_metric_only() -> None:
    metrics = load_settings(SHIPPED_CONFIG).metric_sets["default"]
    assert duplicate_name(metrics) is None
    schema = Schema(metrics)
    for metric in shipped_metrics():
        for language, names in metric["aliases"].items():
            for name in names:
                found = schema.find(name)
                assert found is not None and found.key == metric["key"], (language, name)


def test_thai_victims_are_the_victims_assisted_as_in_english() -> None:
    schema = Schema(load_settings(SHIPPED_CONFIG).metric_sets["default"])
    assert schema.find("ผู้เสียหาย") is schema.find("victims") is schema.by_key["victims_assisted"]
    # "assisting victims", as a focal point typed it against its number
    found_glued = parse_line(schema, "จับกุม10 ช่วยเหลือผู้เสียหาย6", "th")
    assert {key: value.amount for key, value in found_glued.items()} == {
        "arrests": 10,
        "victims_assisted": 6,
    }
    found = parse_line(schema, "จับกุม ๑๒, ผู้เสียหาย สาม", "th")  # refused in the trial
    assert {key: value.amount for key, value in found.items()} == {
        "arrests": 12,
        "victims_assisted": 3,
    }


@pytest.mark.parametrize(
    ("language", "line", "note"),
    [
        (
            "th",
            "ลงโทษ ๑, เข้าช่วยเหลือ ๒, ผู้เสียหาย ๓, ผู้ร้ายข้ามแดน ๔, สอบถาม ๕, รณรงค์ ๖, "
            "เจ้าหน้าที่ ๗, ช่วยเหลือซึ่งกันและกัน ๘, บันทึก ปฏิบัติการร่วม",
            "ปฏิบัติการร่วม",
        ),
        (
            "ar",
            "المدانون ١، إنقاذ ٢، الضحايا ٣، تسليم المجرمين ٤، استفسارات ٥، توعية ٦، "
            "الضباط ٧، المساعدة القانونية ٨، ملاحظة عملية مشتركة",
            "عملية مشتركة",
        ),
        (
            "bn",
            "দণ্ডিত ১, উদ্ধার ২, ভুক্তভোগী ৩, প্রত্যর্পণ ৪, অনুসন্ধান ৫, সচেতনতা ৬, "
            "কর্মকর্তা ৭, আইনি সহায়তা ৮, নোট যৌথ অভিযান",
            "যৌথ অভিযান",
        ),
    ],
    ids=["th", "ar", "bn"],
)
def test_the_newly_named_figures_in_one_line(language: str, line: str, note: str) -> None:
    """The nine figures that had no Thai, Arabic or Bengali aliases, each by a short one."""
    schema = Schema(load_settings(SHIPPED_CONFIG).metric_sets["default"])
    found = parse_line(schema, line, language)
    assert [(key, value.amount or value.text) for key, value in found.items()] == [
        ("persons_convicted", 1),
        ("victims_rescued", 2),
        ("victims_assisted", 3),
        ("extradition_requests", 4),
        ("enquiries", 5),
        ("awareness_activities", 6),
        ("officers_trained", 7),
        ("mla_requests", 8),
        ("notes", note),
    ]


async def draft(bot: Harness) -> dict[str, object]:
    """The open draft's figures by metric key: the amount, or a note's text."""
    rows = await bot.rows("SELECT answers FROM return_drafts")
    answers = json.loads(rows[0][0]) if rows else {}  # none: the return was refused
    return {key: value[2] if value[0] is None else value[0] for key, value in answers.items()}


@pytest.mark.parametrize("engine", ENGINES, indirect=True)
async def test_a_thai_focal_point_names_the_figures_in_thai(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    try:
        await bot.say("th-fp", "/language th")
        [summary] = await bot.say(
            "th-fp", "/return W1 จับกุม ๑๒, ผู้เสียหาย ๓, เจ้าหน้าที่ ๔๐, เข้าช่วยเหลือ ๕"
        )
        assert await draft(bot) == {
            "arrests": 12,
            "victims_assisted": 3,
            "officers_trained": 40,
            "victims_rescued": 5,
        }, summary
        lines = summary.split("\n")
        assert THAI.search(lines[0])
        assert lines[1:5] == [  # in the schema's order, labelled in Thai
            "ผู้เสียหายจากการค้ามนุษย์ที่ได้รับการช่วยเหลือ: 5",
            "ผู้เสียหายจากการค้ามนุษย์ที่ได้รับการคุ้มครองช่วยเหลือ: 3",
            "การจับกุม: 12",
            "เจ้าหน้าที่ที่ได้รับการฝึกอบรม: 40",
        ]
    finally:
        await bot.stop()


@pytest.mark.parametrize("engine", ENGINES, indirect=True)
async def test_an_arabic_reader_names_the_figures_in_arabic(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    try:
        await bot.say("my-fp", "/language ar")
        [summary] = await bot.say(
            "my-fp", "/return W1 اعتقالات ٧، الضحايا ٤، المدانون ٢، ملاحظة عملية مشتركة"
        )
        assert await draft(bot) == {
            "arrests": 7,
            "victims_assisted": 4,
            "persons_convicted": 2,
            "notes": "عملية مشتركة",
        }, summary
        lines = [line.removeprefix(RLM) for line in summary.split("\n")]
        assert ARABIC.search(lines[0])
        assert lines[1:5] == [
            "الأشخاص المدانون: 2",
            "الأشخاص المتاجر بهم الذين تمت مساعدتهم: 4",
            "الاعتقالات: 7",
            "ملاحظات: عملية مشتركة",
        ]
    finally:
        await bot.stop()


def test_each_readers_example_name_reads_back_as_its_figure() -> None:
    """The form's one-line example names figures as the reader types them (it showed the
    keys, ``persons_convicted 3``, in every language): each name it may show is read back."""
    metrics = load_settings(SHIPPED_CONFIG).metric_sets["default"]
    schema = Schema(metrics)
    for metric in metrics:
        for language in LANGUAGES:
            name = metric.typed_name.render(language)
            assert "_" not in name, (metric.key, language, name)
            example = "none" if metric.kind == "text" else "3"
            if metric.kind == "money":
                example = "USD 1000"
            found = parse_line(schema, f"{name} {example}", language)
            assert list(found) == [metric.key], (language, name)


@pytest.mark.parametrize("engine", ENGINES, indirect=True)
async def test_the_form_as_text_gives_a_thai_example(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    try:
        await bot.say("th-fp", "/language th")
        [form] = await bot.say("th-fp", "/return form")
        example = form.split("\n")[-1]
        assert "/return JPA-9 W1 ผู้เสียหาย 3, จับกุม 3" in example, example  # the required two
        await bot.say("th-fp", "/return JPA-9 W1 ผู้เสียหาย 3, จับกุม 3")
        assert await draft(bot) == {"victims_assisted": 3, "arrests": 3}
    finally:
        await bot.stop()


def example_figures(line: str, language: str) -> dict[str, int | None]:
    """The figures a line of an example gives, read as a reader of ``language`` types it."""
    schema = Schema(load_settings(SHIPPED_CONFIG).metric_sets["default"])
    return {key: value.amount for key, value in parse_line(schema, line, language).items()}


def refusal(line: str, language: str) -> str:
    """What the bot answers a reader of ``language`` for a return line it cannot take."""
    schema = Schema(load_settings(SHIPPED_CONFIG).metric_sets["default"])
    with pytest.raises(UserError) as refused:
        parse_line(schema, line, language)
    return render(refused.value.text, language)


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_the_examples_of_a_return_name_the_figures_in_the_readers_words(language: str) -> None:
    """`/help return` showed a Thai focal point `/return arrests 10, victims assisted 6, …`:
    each example is now in the reader's own words, and stays a line the bot takes."""
    from bot.returns.handlers import COMMANDS

    [spec] = [c for c in COMMANDS if c.name == "return"]
    example = render(spec.example, language).removeprefix("/return ")
    assert example_figures(example, language) == {
        "arrests": 10,
        "victims_assisted": 6,
        "search_warrants": 5,
    }
    if language != "en":
        assert not {"arrests", "victims", "warrants"} & set(example.split())
    first_name = example.split(" 10")[0]
    for hint in (refusal("", language), refusal("arrests 10 victims", language)):
        shown = hint[hint.rindex(first_name) :]  # each hint ends with its example
        assert example_figures(shown, language) == {"arrests": 10, "victims_assisted": 6}
