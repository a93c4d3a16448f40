"""Requests in each reader's language: a Thai focal point reads the bot's words through the
Thai catalog, an Australian officer reads English, and what people wrote is never translated.

The Thai catalog here marks each string it translates with ⟦…⟧ (catalogs are built later), so
a test sees exactly which words came through it and which were passed through as data.
"""

from __future__ import annotations

import gettext
from collections.abc import AsyncIterator
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from babel import Locale

from bot.clock import parse_iso
from bot.i18n.catalogs import install_override
from tests.harness import Harness, shipped_settings

THAI = ("th-fp", "th-deputy", "th-officer")


class MarkedThai(gettext.NullTranslations):
    """Every translated string in ⟦…⟧; plurals say which form the catalog was asked for."""

    def gettext(self, message: str) -> str:
        return f"⟦{message}⟧"

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return f"⟦{msgid1 if n == 1 else msgid2}⟧"


@pytest.fixture
async def bot(tmp_path) -> AsyncIterator[Harness]:  # type: ignore[no-untyped-def]
    """The shipped configuration with Thailand's focal point and officer reading Thai, and a
    routine request's time to acknowledge of one hour."""
    install_override("th", MarkedThai())
    shipped = shipped_settings()
    people = tuple(
        p.model_copy(update={"language": "th"}) if p.id in THAI else p for p in shipped.people
    )
    limits = {"urgent": timedelta(minutes=30), "routine": timedelta(hours=1)}
    requests = shipped.requests.model_copy(update={"ack_limits": limits})
    harness = Harness(
        tmp_path / "bot.db",
        settings=shipped.model_copy(update={"people": people, "requests": requests}),
    )
    await harness.start()
    yield harness
    await harness.stop()
    install_override("th", None)


async def test_each_side_reads_the_request_in_its_own_language(bot: Harness) -> None:
    answer = await bot.say("au-officer", "/request TH urgent #victim Two women need shelter")
    assert answer == [
        "Request R-2026-0001 sent to Thailand (urgent, victim support). Their focal point has "
        "30 minutes to acknowledge; I will tell you here when they do."
    ]
    routed = [d.message for d in bot.chat.sent if d.message.address == "th-fp"]
    assert routed[0].text.split("\n") == [
        # countries by their names in the reader's language (CLDR); people's names as written
        "⟦URGENT Request R-2026-0001 from ⟦Alexo Officer-Example (ออสเตรเลีย)⟧ to ไทย · "
        "⟦victim support⟧⟧",
        "",
        "Two women need shelter",  # what the officer wrote, as written
    ]
    assert routed[0].buttons[0].label == "⟦Acknowledge⟧"

    await bot.say("th-fp", "/ack R-2026-0001")
    assert bot.last("au-officer") == ("R-2026-0001 was acknowledged by Niran Example (Thailand).")
    await bot.say("au-officer", "/reply R-2026-0001 Thank you, sending names")
    assert bot.last("th-fp") == (
        "⟦R-2026-0001 · ⟦Alexo Officer-Example (ออสเตรเลีย)⟧ wrote:\nThank you, sending names\n\n"
        "(/reply R-2026-0001 <text> to answer)⟧"
    )


async def test_the_time_to_acknowledge_is_counted_in_the_readers_plural(bot: Harness) -> None:
    urgent = await bot.say("th-officer", "/request MY urgent Vessel KM Jaya 7")
    routine = await bot.say("th-officer", "/request MY Vessel KM Jaya 8")
    english = await bot.say("au-officer", "/request MY Vessel KM Jaya 9")
    assert "has ⟦30 minutes⟧ to acknowledge" in urgent[0]
    assert "(⟦routine⟧, ⟦information⟧)" in routine[0]
    assert "has ⟦1 hour⟧ to acknowledge" in routine[0]  # the singular, asked of the catalog
    assert "Their focal point has 1 hour to acknowledge" in english[0]


async def test_show_gives_dates_and_the_bots_notes_in_the_readers_language(
    bot: Harness,
) -> None:
    rid = await bot.file_request("TH routine Check vessel KM Jaya 7")
    [(due_at,)] = await bot.rows("SELECT ack_due_at FROM requests")
    in_sydney = parse_iso(due_at).astimezone(ZoneInfo("Australia/Sydney"))
    in_bangkok = parse_iso(due_at).astimezone(ZoneInfo("Asia/Bangkok"))

    hours = round(in_sydney.utcoffset().total_seconds() / 3600)  # type: ignore[union-attr]
    english = (await bot.say("au-officer", f"/show {rid}"))[0].split("\n")
    assert english[1:3] == [
        "Status: open",
        f"Acknowledge by: {in_sydney:%b} {in_sydney.day}, {in_sydney:%Y, %H:%M} UTC+{hours}",
    ]

    thai = (await bot.say("th-fp", f"/show {rid}"))[0].split("\n")
    month = Locale.parse("th").months["format"]["abbreviated"][in_bangkok.month]
    assert thai[1] == "⟦Status: ⟦open⟧⟧"
    assert thai[2].startswith("⟦Acknowledge by: ") and month in thai[2]
    assert f"{in_bangkok:%H:%M}" in thai[2] and thai[2].endswith(" UTC+7⟧")
    assert f"{in_bangkok:%Y-%m-%d}" not in thai[2]  # no longer the ISO stamp
    assert thai[-1].endswith(" · ⟦request⟧: Check vessel KM Jaya 7⟧")

    await bot.say("th-fp", f"/ack {rid}")
    english = (await bot.say("au-officer", f"/show {rid}"))[0]
    assert english.endswith("Niran Example (Thailand) · ack: acknowledged")
    thai_thread = (await bot.say("th-fp", f"/show {rid}"))[0]
    assert thai_thread.endswith("⟦Niran Example (ไทย)⟧ · ⟦ack⟧: ⟦acknowledged⟧⟧")


async def test_a_listing_names_its_filters_and_counts_in_the_readers_language(
    bot: Harness,
) -> None:
    rid = await bot.file_request("TH urgent #victim Two women need shelter")
    thai = (await bot.say("th-fp", "/requests #victim shelter"))[0].split("\n")
    assert thai[0] == '⟦Open requests you can see matching #⟦victim support⟧, "shelter" (1):⟧'
    assert thai[1].startswith(f"⟦{rid}  URGENT ⟦open⟧, ⟦ack due ")  # when, in Thai time
    assert thai[1].endswith(" UTC+7⟧  AU→TH  ⟦victim support⟧  Two women need shelter⟧")
    assert thai[-1] == "⟦/show <id> for the whole thread.⟧"
    english = (await bot.say("au-officer", "/requests closed #victim"))[0]
    assert english == "Closed requests you can see: none match #victim support."


async def test_an_escalation_reaches_the_deputy_in_their_language(bot: Harness) -> None:
    rid = await bot.file_request("TH urgent #victim Two women need shelter")
    assert await bot.advance(timedelta(minutes=31)) == 1
    assert bot.last("th-deputy").split("\n") == [
        "⟦Not acknowledged in time — escalated to the deputy focal point.⟧",
        f"⟦URGENT Request {rid} from ⟦Alexo Officer-Example (ออสเตรเลีย)⟧ to ไทย · "
        "⟦victim support⟧⟧",
        "",
        "Two women need shelter",
    ]
    assert bot.last("au-officer") == (
        f"{rid} was not acknowledged in time; I escalated it to the deputy focal point."
    )
