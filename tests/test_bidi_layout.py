"""Mixed text laid out for a right-to-left reader (Arabic, Urdu, Dari, Pashto, Dhivehi): what
a message quotes keeps together and in the order it was written.

A trial in Arabic found four kinds of line displayed out of order: a usage line whose two
Arabic placeholders swapped places inside the command's left-to-right isolate; a Latin reply
shown as ``.Passport AB123456 is valid until 2030`` (the line's right-to-left mark pulled its
full stop to the other end); lists of Latin items (``console، slack``) read as one
left-to-right run; and a window label that ran into the date after it (``W1 01‏/11‏/2026``).
These tests assert the isolates in the produced text (the layout follows from the bidi
algorithm); readers of left-to-right languages get the same bytes as before.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from bot.config import Person
from bot.factory import default_registry
from bot.i18n import LANGUAGES, Msg, _, is_rtl, join, language_list, render, render_for_reader
from bot.i18n.message import FSI, LRI, PDI, RLM, CountryName
from bot.periods.windows import date_span
from bot.usage import PLACEHOLDERS, shown_usage
from tests.harness import shipped_settings
from tests.returns_support import running

RIGHT_TO_LEFT = [code for code in LANGUAGES if is_rtl(code)]
LEFT_TO_RIGHT = [code for code in LANGUAGES if not is_rtl(code)]
ISOLATES = str.maketrans("", "", LRI + FSI + PDI)
RTL_LETTER = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
REPLY = "Passport AB123456 is valid until 2030."


def reading_arabic(person_id: str) -> tuple[Person, ...]:
    """The shipped people, ``person_id`` reading Arabic."""
    arabic = {"language": "ar"}
    people = shipped_settings().people
    return tuple(p.model_copy(update=arabic) if p.id == person_id else p for p in people)


def top_level(text: str) -> list[tuple[int, int]]:
    """Where each outermost isolate starts and ends (its opening and closing mark)."""
    spans, depth, start = [], 0, 0
    for i, char in enumerate(text):
        if char in (LRI, FSI):
            start = i if depth == 0 else start
            depth += 1
        elif char == PDI:
            assert depth, f"an isolate closed but not opened in {text!r}"
            depth -= 1
            if depth == 0:
                spans.append((start, i))
    assert depth == 0, f"an isolate left open in {text!r}"
    return spans


def usage_lines() -> list[str]:
    return [form.usage for spec in default_registry() for form in spec.variants()]


def test_the_handover_usage_keeps_giver_before_taker() -> None:
    shown = render_for_reader(
        _("Usage: {usage}", usage=shown_usage("/handover <from-person-id> <to-person-id>")), "ar"
    )
    giver = render(PLACEHOLDERS["<from-person-id>"], "ar")
    taker = render(PLACEHOLDERS["<to-person-id>"], "ar")
    assert shown.endswith(f"{LRI}/handover {FSI}{giver}{PDI} {FSI}{taker}{PDI}{PDI}"), shown


@pytest.mark.parametrize("language", RIGHT_TO_LEFT)
def test_every_placeholder_of_a_usage_line_is_isolated_inside_its_command(
    language: str,
) -> None:
    for usage in usage_lines():
        shown = render_for_reader(_("Usage: {usage}", usage=shown_usage(usage)), language)
        plain = render(_("Usage: {usage}", usage=shown_usage(usage)), language)
        assert shown.translate(ISOLATES) == RLM + plain  # marks added, nothing else
        commands = [(s, e) for s, e in top_level(shown) if shown[s + 1] == "/"]
        for key in PLACEHOLDERS:
            if key not in usage:
                continue
            word = render(PLACEHOLDERS[key], language)
            found = [m.start() for m in re.finditer(re.escape(f"{FSI}{word}{PDI}"), shown)]
            assert found, (usage, word, shown)
            assert all(any(s < at < e for s, e in commands) for at in found), shown


@pytest.mark.parametrize("language", RIGHT_TO_LEFT)
def test_a_catalog_line_isolates_a_placeholder_another_one_follows(language: str) -> None:
    """``/request <COUNTRY> <text>`` from a template: the first placeholder is isolated; the
    last one ends the command's isolate, which ends its run as well."""
    message = _("No open requests for you. File one with /request <COUNTRY> <text>.")
    first, last = re.findall(r"<[^<>]+>", render(message, language))
    shown = render_for_reader(message, language)
    assert f"{LRI}/request {FSI}{first}{PDI} {last}{PDI}" in shown, shown
    hint = _(
        "Still needed: {figures}. Add them with {command} <figure> <number>, "
        "or {command} to answer step by step.",
        figures=join(["arrests"], ", "),
        command="/return JPA-9 W2",
    )
    name, number = re.findall(r"<[^<>]+>", render(hint, language))
    shown = render_for_reader(hint, language)
    assert f"{LRI}/return JPA-9 W2 {FSI}{name}{PDI} {number}{PDI}" in shown, shown


def test_text_someone_wrote_is_set_apart_line_by_line() -> None:
    relay = _(
        "{id} · {who} wrote:\n{text}\n\n(/reply {id} <text> to answer)",
        id="R-2026-0001",
        who="Aina Example",
        text=f"{REPLY}\nHolder left on 3 May.",
    )
    lines = render_for_reader(relay, "ar").split("\n")
    assert lines[1:3] == [f"{RLM}{LRI}{REPLY}{PDI}", f"{RLM}{LRI}Holder left on 3 May.{PDI}"]
    assert f"{LRI}Aina Example{PDI}" in lines[0]
    assert f"{LRI}/reply R-2026-0001 <" in lines[4]  # an id in a command is the command's
    arabic = _("{id} · {who} wrote:\n{text}", id="R-1", who="x", text="تم التحقق.")
    assert render_for_reader(arabic, "ar").endswith(f"\n{RLM}تم التحقق.")  # already RTL


def test_list_items_are_isolated_each() -> None:
    channels = _(
        "Reachable on: {channels}; preferred: {preferred}.",
        channels=join(["console", "slack", "telegram"], ", "),
        preferred="console",
    )
    shown = render_for_reader(channels, "ar")
    assert f"{LRI}console{PDI}\u060c {LRI}slack{PDI}\u060c {LRI}telegram{PDI}" in shown
    languages = render_for_reader(_("Available: {languages}.", languages=language_list()), "ar")
    assert f"{LRI}en (English){PDI}\u060c {LRI}ar (العربية){PDI}\u060c " in languages
    countries = join([CountryName("Thailand", "TH"), CountryName("Malaysia", "MY")], ", ")
    shown = render_for_reader(_("Countries: {names}.", names=countries), "ar")
    assert LRI not in shown and render(countries, "ar") in shown  # in the reader's script


def test_a_window_label_and_its_dates_keep_apart() -> None:
    line = _(
        "{label} {dates}: due {due}",
        label="W1",
        dates=date_span(date(2026, 11, 1), date(2026, 11, 30)),
        due=date(2026, 12, 7),
    )
    shown = render_for_reader(line, "ar")
    assert shown.startswith(f"{RLM}{LRI}W1{PDI} "), shown
    assert shown.translate(ISOLATES) == RLM + render(line, "ar")


def test_a_command_named_by_a_parameter_is_still_one_command() -> None:
    refused = _(
        "/{command} is not available to you (it is for {roles}). /help lists yours.",
        command="handover",
        roles="co-chairs",
    )
    assert f" {LRI}/handover{PDI} " in render_for_reader(refused, "ar")
    usage = _("Use {usage}.", usage="/joint [CODE] OP [W<n>] <figure> <number>")
    assert f"{LRI}/joint [CODE] OP [W<n>] <figure> <number>{PDI}." in render_for_reader(usage, "ar")


@pytest.mark.parametrize("language", LEFT_TO_RIGHT)
def test_left_to_right_readers_get_what_they_got(language: str) -> None:
    messages: list[Msg] = [
        _("{id} · {who} wrote:\n{text}", id="R-1", who="Aina Example", text=f"{REPLY}\nOk."),
        _("Available: {languages}.", languages=language_list()),
        _("{label} {dates}", label="W1", dates=date_span(date(2026, 11, 1), date(2026, 11, 5))),
        *(_("Usage: {usage}", usage=shown_usage(usage)) for usage in usage_lines()),
    ]
    for message in messages:
        shown = render_for_reader(message, language)
        assert shown == render(message, language)
        assert not {LRI, FSI, PDI, RLM} & set(shown)


async def test_an_arabic_focal_point_reads_a_latin_request_and_reply_in_order(
    tmp_path: Path,
) -> None:
    bot = await running(tmp_path, people=reading_arabic("th-fp"))
    try:
        request_id = await bot.file_request("TH routine Passport check for A1234567, urgent.")
        [notice] = [m for m in bot.inbox("th-fp") if "A1234567" in m]
        assert f"\n{RLM}{LRI}Passport check for A1234567, urgent.{PDI}" in notice, notice
        await bot.press("th-fp", f"/ack {request_id}")
        await bot.say("au-officer", f"/reply {request_id} {REPLY}")
        relayed = bot.last("th-fp")
        assert f"\n{RLM}{LRI}{REPLY}{PDI}\n" in relayed, relayed
        assert RTL_LETTER.search(relayed)  # the frame around it is Arabic
    finally:
        await bot.stop()


async def test_an_arabic_reader_sees_lists_and_window_labels_set_apart(tmp_path: Path) -> None:
    bot = await running(tmp_path, people=reading_arabic("th-fp"))
    try:
        [who] = await bot.say("th-fp", "/whoami")
        [shown] = await bot.say("th-fp", "/language")
        [deadlines] = await bot.say("th-fp", "/deadline")
    finally:
        await bot.stop()
    assert f"{LRI}console{PDI}\u060c {LRI}email{PDI}\u060c " in who, who
    assert f"{LRI}en (English){PDI}\u060c " in shown, shown
    w1 = next(line for line in deadlines.split("\n") if "W1" in line)
    assert w1.startswith(f"{RLM}{LRI}W1{PDI} "), w1


async def test_the_consoles_button_lines_isolate_their_command_for_a_right_to_left_reader() -> None:
    """`↳ فتحها: /period confirm` displayed as `period confirm/ :فتحها ↳`."""
    import io

    from adapters.console import ConsoleAdapter
    from bot.events import Button, Outbound

    out = io.StringIO()
    console = ConsoleAdapter(stdin=io.StringIO(""), stdout=out)
    console.reader_language = lambda reader: "ar" if reader == "ae-fp" else "en"
    buttons = (Button("Confirm", "/period confirm"),)
    await console.send(Outbound(1, "console", "ae-fp", "…", person_id="ae-fp", buttons=buttons))
    await console.send(Outbound(2, "console", "au-fp", "…", person_id="au-fp", buttons=buttons))
    arabic, english = [line for line in out.getvalue().splitlines() if "↳" in line]
    assert arabic.endswith(": \u2066/period confirm\u2069"), arabic
    assert english.endswith("↳ Confirm: /period confirm"), english


async def test_a_referral_note_is_set_apart_for_an_arabic_reader(tmp_path: Path) -> None:
    """The reply above it was isolated, the referral note was not: its full stop showed first."""
    bot = await running(tmp_path, people=reading_arabic("th-fp"))
    try:
        request_id = await bot.file_request("TH routine Passport check for A1234567")
        await bot.press("th-fp", f"/ack {request_id}")
        await bot.say("th-fp", f"/refer {request_id} MY {REPLY}")
        [shown] = await bot.say("th-fp", f"/show {request_id}")
        assert f": {LRI}{REPLY}{PDI}" in shown, shown
    finally:
        await bot.stop()
