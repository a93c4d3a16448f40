"""What a pointer-only channel says awaits someone: the thing named in their language (a
handover, a roster check, the audit log head, a return), or a request, broadcast or period by
its id; never the bot's own key for it ("handover awaits you"). And a handover's buttons to
acknowledge broadcasts come in the order of their numbers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.memory import MemoryAdapter
from bot.config import (
    AuditSettings,
    ChannelSettings,
    LimitSettings,
    QuietHoursSettings,
    Settings,
    load_settings,
)
from bot.i18n import render
from bot.work import awaiting
from tests.broadcast_support import broadcast, buttons_to
from tests.harness import Harness
from tests.marked_catalog import marked
from tests.returns_support import MID_JANUARY, PERIOD, move_to
from tests.test_roster import ROSTER, config_with_successor

SMS = {"th-fp": "+66800000001", "th-fp2": "+66800000002", "nz-cochair": "+64210000001"}
"""Numbers on a pointer-only SMS channel; the console stays everyone's approved channel."""


def on_pointer_only_sms(settings: Settings, *person_ids: str) -> Settings:
    """``person_ids`` prefer SMS, a channel that may carry only pointers."""
    people = tuple(
        p.model_copy(
            update={"preferred_channel": "sms", "identities": {**p.identities, "sms": SMS[p.id]}}
        )
        if p.id in person_ids
        else p
        for p in settings.people
    )
    channels = {**settings.channels, "sms": ChannelSettings(content="pointer")}
    return settings.model_copy(update={"people": people, "channels": channels})


async def started(
    tmp_path: Path, sms: MemoryAdapter, *on_sms: str, thai: str = "", **overrides: object
) -> Harness:
    """The shipped directory with th-fp's successor (th-fp2), ``on_sms`` reached by SMS,
    ``thai`` reading Thai, notices sent at once whatever the hour, the clock in mid-January
    2027."""
    settings = load_settings(config_with_successor(tmp_path))
    people = [
        p.model_copy(update={"language": "th"}) if p.id == thai else p for p in settings.people
    ]
    settings = settings.model_copy(update={"people": tuple(people)})
    audit = settings.audit.model_copy(update={"anchor_daily": False})
    quiet = QuietHoursSettings(default="")
    update = {"audit": audit, "periods": (PERIOD,), "quiet_hours": quiet, **overrides}
    settings = on_pointer_only_sms(settings.model_copy(update=update), *on_sms)
    bot = Harness(tmp_path / "bot.db", settings, extra_adapters=[sms])
    move_to(bot, MID_JANUARY)
    return await bot.start()


@pytest.mark.parametrize(
    ("subject", "shown"),
    [
        ("R-2026-0001", "R-2026-0001"),  # requests (bot.requests, bot.files, handover)
        ("B-3", "B-3"),  # broadcasts
        ("JPA-4", "JPA-4"),  # periods, their co-chairs' digests
        ("JPA-4:W1", "The return for JPA-4 W1"),  # a return's reminder
        ("JPA-4:W1:TH", "The return for JPA-4 W1"),  # a return submitted or signed off
        ("handover", "A handover of open work"),
        ("roster", "A roster check"),
        ("audit.anchor", "The audit log head"),
    ],
)
def test_each_subject_kind_is_named_as_a_reader_knows_it(subject: str, shown: str) -> None:
    what = awaiting(subject)
    assert what is not None and render(what, "en") == shown


@pytest.mark.parametrize("subject", ["some.internal.key", "lowercase", "JPA-4:", "R-1|x"])
def test_a_subject_it_cannot_name_is_not_shown(subject: str) -> None:
    assert awaiting(subject) is None


async def test_a_handover_pointer_names_the_handover_in_the_readers_language(
    tmp_path: Path,
) -> None:
    sms = MemoryAdapter("sms")
    bot = await started(tmp_path, sms, "th-fp", "th-fp2", thai="th-fp2")
    with marked("th"):
        [done] = await bot.say("nz-cochair", "/handover th-fp th-fp2")
    assert "0 open requests, 0 draft returns and 0 broadcasts" in done
    assert sms.to(SMS["th-fp"]) == ["A handover of open work awaits you — open it on console."]
    # and it is there: the outgoing person's notice was sent by SMS whole, casework and all
    [notice] = bot.inbox("th-fp")
    assert notice.startswith("Your open work is handed over to Somchai Successor-Example"), notice
    [successor] = sms.to(SMS["th-fp2"])
    assert successor == (
        "‹th›‹th›A handover of open work‹/th› awaits you — open it on console.‹/th›"
    ), successor
    await bot.stop()


async def test_roster_pointers_name_a_roster_check(tmp_path: Path) -> None:
    sms = MemoryAdapter("sms")
    bot = await started(tmp_path, sms, "th-fp", "nz-cochair", roster=ROSTER)
    await bot.advance(timedelta(days=90, minutes=1))  # th-fp is asked to confirm
    pointers = sms.to(SMS["th-fp"])
    assert "A roster check awaits you — open it on console." in pointers
    assert "The return for JPA-9 W1 awaits you — open it on console." in pointers  # reminded
    assert not any(text.startswith(("roster", "JPA-9:")) for text in pointers), pointers
    await bot.press("th-deputy", "/stillhere")
    await bot.press("my-fp", "/stillhere")
    await bot.advance(timedelta(days=7, minutes=1))  # th-fp did not answer: co-chairs told
    assert "A roster check awaits you — open it on console." in sms.to(SMS["nz-cochair"])
    assert not any(text.startswith("roster") for text in sms.to(SMS["nz-cochair"]))
    await bot.stop()


async def test_the_daily_audit_anchor_pointer_names_the_audit_log_head(tmp_path: Path) -> None:
    sms = MemoryAdapter("sms")
    daily = AuditSettings(anchor_daily=True, anchor_to_cochairs=True)
    bot = await started(tmp_path, sms, "nz-cochair", audit=daily)
    midnight = datetime(2027, 1, 21, tzinfo=UTC)
    assert await bot.advance(midnight - bot.clock.now()) == 1
    assert sms.to(SMS["nz-cochair"]) == ["The audit log head awaits you — open it on console."]
    await bot.stop()


async def test_handed_over_broadcasts_are_listed_and_buttoned_by_number(tmp_path: Path) -> None:
    sms = MemoryAdapter("sms")
    bot = await started(tmp_path, sms, limits=LimitSettings(broadcasts_per_hour=11))
    for n in range(1, 12):
        await broadcast(bot, "nz-cochair", f"/broadcast Notice number {n} for the period.")
    since = len(bot.chat.sent)
    await bot.say("nz-cochair", "/handover th-fp th-fp2")
    expected = [f"B-{n}" for n in range(1, 12)]
    labels = [b.label for b in buttons_to(bot, "th-fp2", since)]
    assert labels == [f"Acknowledge {b}" for b in expected], labels
    listed = [
        line.split()[2] for line in bot.last("th-fp2").splitlines() if line.startswith("• broad")
    ]
    assert listed == expected, listed
    await bot.stop()
