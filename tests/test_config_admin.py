"""Configuration mistakes ``focalbot check`` used to let through, found setting the bot up as
a new administrator would: a period code without a digit, a metric key used twice, a wrong
placeholder in a phrase, and errors that pointed at line 1 without naming what clashed."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import parse_settings
from bot.errors import ConfigError
from tests.returns_support import PERIOD, running

MEKONG = PERIOD.model_copy(
    update={"code": "JPA-MEKONG", "name": "Mekong Joint Period", "status": "planned"}
)


async def test_a_code_without_a_digit_works_in_every_command(tmp_path: Path) -> None:
    bot = await running(tmp_path, periods=(MEKONG,))
    [opened] = await bot.say("nz-cochair", "/period open JPA-MEKONG confirm")
    assert "JPA-MEKONG" in opened and "open" in opened.lower(), opened
    [summary] = await bot.say(
        "th-fp", "/return W1 arrests 5, search warrants 2, victims assisted 1"
    )
    assert "Arrests: 5" in summary, summary
    offered = [b.command for b in bot.chat.sent[-1].message.buttons]
    assert "/return JPA-MEKONG W1 confirm 2" in offered, offered  # the draft's revision
    [done] = await bot.say("th-fp", "/return JPA-MEKONG W1 confirm")
    assert "is submitted" in done, done
    assert await bot.rows("SELECT period, window_seq FROM returns") == [("JPA-MEKONG", 1)]
    [shown] = await bot.say("th-fp", "/return JPA-MEKONG W1 show")
    assert "Arrests" in shown and "5" in shown, shown
    [status] = await bot.say("nz-cochair", "/status JPA-MEKONG")
    assert "JPA-MEKONG" in status and "Use /status" not in status, status
    [deadline] = await bot.say("th-fp", "/deadline JPA-MEKONG")
    assert "JPA-MEKONG" in deadline and "W1" in deadline, deadline
    [report] = await bot.say("nz-cochair", "/report JPA-MEKONG")
    assert "JPA-MEKONG" in report and "Thailand" in report, report
    await bot.stop()


def problems(toml: str) -> str:
    """What ``check`` says about ``toml`` (the shipped file's sections are not needed)."""
    with pytest.raises(ConfigError) as caught:
        parse_settings(toml, "bad.toml")
    return str(caught.value)


COUNTRY = """
[[countries]]
code = "TH"
name = "Thailand"
"""


def metric(key: str, label: str, extra: str = "") -> str:
    return f'\n[[metric_sets.default]]\nkey = "{key}"\nlabel = "{label}"\n{extra}'


def test_two_metrics_with_one_key_are_refused_at_the_second(tmp_path: Path) -> None:
    toml = COUNTRY + metric("arrests", "Arrests") + metric("arrests", "Routes observed")
    said = problems(toml)
    assert "bad.toml:11: metric_sets.default[1].key: duplicate metric key 'arrests'" in said, said


def test_a_phrase_with_an_unknown_placeholder_is_refused() -> None:
    toml = COUNTRY + metric("boats", "Boats", 'phrase = "intercepted {count} {boat|boats}"\n')
    said = problems(toml)
    assert "bad.toml:9: metric_sets.default[0].phrase:" in said, said
    assert "'{count}' is not a placeholder" in said, said


def test_the_known_placeholders_pass() -> None:
    toml = COUNTRY + metric("boats", "Boats", 'phrase = "intercepted {n} {boat|boats}"\n')
    assert parse_settings(toml).metric_sets["default"][0].phrase.startswith("intercepted")


def test_an_alias_clash_names_its_line_and_both_metrics() -> None:
    arrests = metric("arrests", "Arrests", 'aliases = ["arrested"]\n')
    suspects = metric("suspects_arrested", "Suspects", 'aliases = ["held", "arrested"]\n')
    said = problems(COUNTRY + arrests + suspects)
    assert "bad.toml:14: metric_sets.default[1].aliases:" in said, said
    assert (
        "the name 'arrested' is used twice: it is a name of both arrests and suspects_arrested"
        in said
    ), said


def test_an_alias_equal_to_another_metrics_key_or_label() -> None:
    arrests = metric("arrests", "Arrests")
    keyed = metric("suspects", "Suspects", 'aliases = ["arrests"]\n')
    said = problems(COUNTRY + arrests + keyed)
    assert "bad.toml:13: metric_sets.default[1].aliases:" in said, said
    assert "'arrests' is used twice: it is a name of both arrests and suspects" in said, said
    labelled = metric("held", "Arrests")
    said = problems(COUNTRY + arrests + labelled)
    assert "bad.toml:12: metric_sets.default[1].label:" in said, said


def test_a_misspelt_table_names_its_line_and_the_one_meant() -> None:
    said = problems(COUNTRY + '\n[[metric_set.default]]\nkey = "arrests"\nlabel = "Arrests"\n')
    assert "bad.toml:6: metric_set: not a section or key FocalPoint has; did you mean " in said
    assert "[[metric_sets.…]]?" in said, said
    period = '\n[[period]]\ncode = "JPA-1"\n'
    said = problems(COUNTRY + period)
    assert "bad.toml:6: period: not a section or key FocalPoint has; did you mean [[periods]]?" in (
        said
    ), said
    assert "quite_wrong: not a section or key FocalPoint has (known: bot," in problems(
        "quite_wrong = 1\n" + COUNTRY
    )


async def test_a_period_coded_like_a_language_is_reported_by_its_code(tmp_path: Path) -> None:
    fil = MEKONG.model_copy(update={"code": "FIL", "name": "Filipino-led Period"})
    bot = await running(tmp_path, periods=(PERIOD, fil))
    [report] = await bot.say("nz-cochair", "/report FIL")
    assert report.startswith("FIL") or "FIL —" in report, report
    assert "JPA-9" not in report, report
    await bot.stop()
