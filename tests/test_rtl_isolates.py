"""Commands in right-to-left text display as typed: each one, from its slash through its
arguments, sits in a left-to-right isolate (U+2066 … U+2069) for a reader of Arabic, Urdu,
Dari, Pashto or Dhivehi, whether the catalog's template or a parameter wrote it. Without them
the bidirectional algorithm shows ``/reply R-1 <text>`` as ``>text< R-1 reply/``. Readers of
left-to-right languages get the text byte for byte as before, and a command copied back with
its isolates runs, since inbound text drops them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.commands import command_hints
from bot.i18n import LANGUAGES, Msg, _, is_rtl, render, render_for_reader
from bot.i18n.message import (
    FSI,
    LRI,
    PDI,
    RLM,
    isolate_command,
    isolate_commands,
    placeholders,
)
from bot.returns.joint import USAGE
from bot.text import clean
from tests.harness import Harness, shipped_settings
from tests.test_catalogs import source_messages

RIGHT_TO_LEFT = [code for code in LANGUAGES if is_rtl(code)]
LEFT_TO_RIGHT = [code for code in LANGUAGES if not is_rtl(code)]
RTL_LETTER = re.compile("[\u0590-\u08ff\u0780-\u07bf\ufb1d-\ufdff\ufe70-\ufeff]")
COMMAND = re.compile(r"(?<![\w/<.])/[A-Za-z]")  # where a command starts (as command_hints)


def every_message() -> list[Msg]:
    """Each message the code says, its parameters filled with ids (``count`` with 2)."""
    made = []
    for msgid, plural in source_messages().items():
        names = placeholders(msgid) | placeholders(plural or "")
        params: dict[str, object] = {name: f"{name.upper()}-1" for name in names}
        if plural is not None:
            made.append(Msg(msgid, {**params, "count": 2}, plural, 2))
        else:
            made.append(Msg(msgid, params))
    return made


def without_isolates(text: str) -> str:
    return text.replace(LRI, "").replace(FSI, "").replace(PDI, "")


def isolated_spans(text: str) -> list[tuple[int, int]]:
    """Where each outermost left-to-right isolate's content starts and ends (an FSI inside
    one keeps a translated placeholder in its own direction); fails on an unclosed one."""
    spans, start, depth = [], 0, 0
    for i, char in enumerate(text):
        if char in (LRI, FSI):
            if depth == 0:
                assert char == LRI, f"a first-strong isolate outside a command in {text!r}"
                start = i + 1
            depth += 1
        elif char == PDI:
            assert depth > 0, f"isolate closed but not opened in {text!r}"
            depth -= 1
            if depth == 0:
                spans.append((start, i))
    assert depth == 0, f"unclosed isolate in {text!r}"
    return spans


def test_commands_in_an_arabic_line_are_isolated_as_typed() -> None:
    text = _("/file {id} {n} sends it again; /reply {id} <text> to answer.", id="R-2027-0001", n=2)
    assert render_for_reader(text, "ar") == (
        f"{RLM}{LRI}/file R-2027-0001 2{PDI} يعيد إرساله؛ {LRI}/reply R-2027-0001 <النص>{PDI} للرد."
    )


def test_a_parameter_that_is_a_command_is_isolated_too() -> None:
    text = render_for_reader(_("Use {usage}, e.g. /joint SONGKHLA-3 arrests 4.", usage=USAGE), "ar")
    assert f"{LRI}/joint [CODE] OP [W<n>] <figure> <number>{PDI} | " in text
    assert f"{LRI}/joint [CODE] OP [W<n>] accept <COUNTRY>{PDI}" in text
    assert text.endswith(f"{LRI}/joint SONGKHLA-3 arrests 4{PDI}.")


def test_arguments_run_to_where_the_prose_resumes() -> None:
    lines = {
        "مثال: /return arrests 10, victims assisted 6": "/return arrests 10, victims assisted 6",
        "اكتب: /request TH urgent <ما تحتاجه>": "/request TH urgent <ما تحتاجه>",
        "(/period cancel للإيقاف.)": "/period cancel",
        "• الطلب R-1 (/show R-1)": "/show R-1",
        "/report JPA-4، /report chart JPA-4.": "/report JPA-4",
        "مثل /help. `people` يعرض": "/help",
        "/period foo؟ استخدم /period": "/period foo",
        # a figure named with a colon is still the command; prose after a colon is not
        "مثال: /return W1 warrants: 5, arrests 2": "/return W1 warrants: 5, arrests 2",
        "/joint W1: <ما تحتاجه>": "/joint W1: <ما تحتاجه>",
        "/help: يعرض الأوامر": "/help",
        "/report xlsx JPA-4: a chart": "/report xlsx JPA-4",
        "/return W1: ٣ أرقام": "/return W1",
        "/report xlsx JPA-4; a chart: /report chart JPA-4": "/report xlsx JPA-4",
        "/status W1؛ ثم /return": "/status W1",
    }
    for line, first in lines.items():
        spans = isolated_spans(isolated := isolate_commands(line, "ar"))
        assert isolated[slice(*spans[0])] == first, isolated


@pytest.mark.parametrize("language", RIGHT_TO_LEFT)
def test_every_command_a_right_to_left_reader_gets_is_isolated(language: str) -> None:
    commands = 0
    for message in every_message():
        shown = render_for_reader(message, language)
        plain = render(message, language)
        assert without_isolates(shown) == "\n".join(
            RLM + line if line else line for line in plain.split("\n")
        )
        spans = isolated_spans(shown)
        for start, end in spans:
            inside = re.sub(r"<[^<>]*>", "", shown[start:end])  # a placeholder may be translated
            inside = re.sub(f"{FSI}[^{PDI}]*{PDI}", "", inside)  # and isolated in its direction
            assert not RTL_LETTER.search(inside), (message.msgid, shown[start:end])
            assert not shown[end - 1].isspace() and shown[end - 1] not in ".,;:!?(", shown
        for found in COMMAND.finditer(shown):
            assert any(s <= found.start() < e for s, e in spans), (message.msgid, shown)
            commands += 1
    assert commands > 100  # the catalogs are full of them


@pytest.mark.parametrize("language", LEFT_TO_RIGHT)
def test_left_to_right_readers_get_the_same_bytes_as_before(language: str) -> None:
    for message in every_message():
        shown = render_for_reader(message, language)
        assert shown == render(message, language)
        assert LRI not in shown and PDI not in shown and RLM not in shown
        assert isolate_commands(shown, language) == shown
    assert isolate_command("/broadcast ack B-3", language) == "/broadcast ack B-3"


def test_helpers_for_the_lines_adapters_write() -> None:
    line = "تأكيد الاستلام: /broadcast ack B-3"
    assert isolate_commands(line, "ar") == f"تأكيد الاستلام: {LRI}/broadcast ack B-3{PDI}"
    assert isolate_commands(isolate_commands(line, "ar"), "ar") == isolate_commands(line, "ar")
    assert isolate_command("ACK R-2026-0001", "ur") == f"{LRI}ACK R-2026-0001{PDI}"
    assert isolate_command("", "ur") == ""


def test_a_channel_that_spells_commands_its_own_way_still_finds_them() -> None:
    shown = render_for_reader(
        _("You acknowledged {id}. Answer with /reply {id} <text>.", id="R-2026-0001"), "ar"
    )
    spelled = command_hints(shown, "/focal ", ["reply"])
    assert f"{LRI}/focal reply R-2026-0001 <النص>{PDI}" in spelled  # what to type, in Arabic


def test_a_copied_command_drops_its_isolates_on_the_way_in() -> None:
    copied = f"{RLM}{LRI}/reply R-2026-0001 No record found{PDI}"
    assert clean(copied) == "/reply R-2026-0001 No record found"


async def test_an_arabic_reader_copies_a_command_back_and_it_runs(tmp_path: Path) -> None:
    base = shipped_settings()
    people = tuple(
        p.model_copy(update={"language": "ar"}) if p.id == "th-fp" else p for p in base.people
    )
    bot = await Harness(tmp_path / "bot.db", base.model_copy(update={"people": people})).start()
    request_id = await bot.file_request("TH routine Passport check for A1234567")
    [acked] = await bot.press("th-fp", f"/ack {request_id}")
    shown = re.search(f"{LRI}(/reply {request_id}) <[^<>]+>{PDI}", acked)
    assert shown, acked
    # selected from the displayed line, isolates and the line's mark included
    copied = f"{RLM}{LRI}{shown[1]} The passport is genuine{PDI}"
    [sent] = await bot.say("th-fp", copied)
    assert request_id in sent
    assert any("The passport is genuine" in m for m in bot.inbox("au-officer"))
    await bot.stop()
