"""Broadcasts end to end: co-chairs reach every focal point of the current period; each
acknowledges; status shows delivered, failed and acknowledged per recipient."""

import gettext
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from adapters.memory import MemoryAdapter
from bot.broadcasts.handlers import send
from bot.delivery.routing import Router
from bot.directory.repo import CONSOLE, Directory
from bot.errors import PermanentError
from bot.events import ChatRef, Outbound
from bot.i18n.catalogs import install_override
from bot.periods.handlers import sync_configured
from bot.storage.sqlite import atomic
from bot.work import Work
from tests.broadcast_support import broadcast
from tests.dispatch_world import DispatchWorld
from tests.harness import Harness, shipped_settings
from tests.returns_support import EIGHT, MID_JANUARY, PERIOD, counts, move_to, running

TEXT = "/broadcast Returns for W1 are due on 7 February; please send them by then."


async def test_broadcast_reaches_every_focal_point_and_is_acknowledged(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    [answer] = await broadcast(bot, "nz-cochair", TEXT)
    assert answer.startswith("Broadcast B-1 queued for 8 focal points in 8 countries.")
    for code in EIGHT:
        received = bot.last(f"{code.lower()}-fp")
        assert received.startswith("JPA-9 · message from Aroha Cochair-Example, co-chair (B-1)")
        assert "Returns for W1 are due on 7 February" in received
    assert bot.inbox("us-fp") == [] and bot.inbox("th-deputy") == []  # not in the period
    ack = [b for d in bot.chat.sent for b in d.message.buttons if d.message.address == "th-fp"]
    assert [(b.label, b.command) for b in ack] == [("Acknowledge", "/broadcast ack B-1")]

    assert await bot.press("th-fp", "/broadcast ack B-1") == ["Thank you; B-1 is acknowledged."]
    assert "already acknowledged" in (await bot.press("th-fp", "/broadcast ack B-1"))[0]
    assert "no broadcast" in (await bot.say("us-fp", "/broadcast ack B-1"))[0]
    [status] = await bot.say("lk-cochair", "/broadcast status")
    assert status.startswith("B-1 (JPA-9): 8 of 8 delivered, 1 acknowledged.")
    # in the viewer's zone (Sri Lanka, UTC+5:30), like every other screen
    assert (
        "• Thailand · Niran Example — delivered, acknowledged Jan 20, 2027, 17:30 UTC+5:30"
        in status
    )
    [unknown] = await bot.say("nz-cochair", "/broadcast status 2")  # a preview's number
    assert unknown == "There is no broadcast B-2. The latest is B-1: /broadcast status B-1."
    [seen_in_wellington] = await bot.say("nz-cochair", "/broadcast status B-1")
    assert "acknowledged Jan 21, 2027, 01:00 UTC+13" in seen_in_wellington
    assert "• Malaysia · Aina Example — delivered, not acknowledged" in status
    await bot.stop()


async def test_only_cochairs_broadcast_and_need_an_open_period(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    before = await counts(bot)
    assert "/broadcast is not available to you" in (await bot.say("th-fp", TEXT))[0]
    refused = (await bot.say("th-fp", "/broadcast status"))[0]
    assert "/broadcast status is not available to you" in refused
    assert "not available to you" in (await bot.say("th-officer", TEXT))[0]
    assert "What should I send?" in (await bot.say("nz-cochair", "/broadcast"))[0]
    assert "Nothing was broadcast yet." in (await bot.say("nz-cochair", "/broadcast status"))[0]
    assert await counts(bot) == before
    await bot.stop()
    (tmp_path / "quiet").mkdir()
    quiet = await running(tmp_path / "quiet", periods=())
    assert "No period of action is open" in (await quiet.say("nz-cochair", TEXT))[0]
    await quiet.stop()


class Refusing(MemoryAdapter):
    """A channel whose platform refuses every message (a blocked bot)."""

    async def send(self, message: Outbound) -> str:
        raise PermanentError("bot was blocked by the user")


async def test_a_failed_delivery_shows_as_failed(tmp_path: Path) -> None:
    base = shipped_settings()
    people = tuple(
        p.model_copy(update={"preferred_channel": "telegram"}) if p.id == "th-fp" else p
        for p in base.people
    )
    bot = Harness(
        tmp_path / "bot.db",
        shipped_settings(periods=(PERIOD,), people=people),
        extra_adapters=[Refusing("telegram")],
    )
    move_to(bot, MID_JANUARY)
    await bot.start()
    await broadcast(bot, "nz-cochair", TEXT)
    [status] = await bot.say("nz-cochair", "/broadcast status B-1")
    assert status.startswith("B-1 (JPA-9): 7 of 8 delivered, 0 acknowledged.")
    assert "• Thailand · Niran Example — failed, not acknowledged" in status
    await bot.stop()


async def test_an_expired_delivery_shows_as_expired_not_as_no_channel(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    await broadcast(bot, "nz-cochair", TEXT)
    assert bot.app is not None  # as the outbox leaves a message it could not send within a day
    await bot.app.store.run(
        lambda db: db.execute("UPDATE outbox SET status = 'expired' WHERE address = 'th-fp'")
    )
    [status] = await bot.say("nz-cochair", "/broadcast status B-1")
    assert "• Thailand · Niran Example — not delivered (expired), not acknowledged" in status
    await bot.stop()


async def test_broadcasts_are_limited_per_person_per_hour(tmp_path: Path) -> None:
    from bot.config import LimitSettings

    bot = await running(tmp_path, limits=LimitSettings(broadcasts_per_hour=2))
    for i in range(2):
        assert "queued for 8 focal points" in (await broadcast(bot, "nz-cochair", f"{TEXT} {i}"))[0]
    refused = (await bot.say("nz-cochair", f"{TEXT} again"))[0]  # refused before its preview
    assert "2 broadcasts in the last hour, the most allowed" in refused
    assert (
        "queued for 8 focal points" in (await broadcast(bot, "lk-cochair", TEXT))[0]
    )  # the limit is per person
    assert (
        "8 of 8 delivered" in (await bot.say("nz-cochair", "/broadcast status"))[0]
    )  # not limited
    await bot.advance(timedelta(minutes=61))
    assert "queued for 8 focal points" in (await broadcast(bot, "nz-cochair", TEXT))[0]
    await bot.stop()


class Vietnamese(gettext.NullTranslations):
    """A small Vietnamese catalog: the broadcast's frame, its button and the status words."""

    ENTRIES = {
        "{code} · message from {name}, co-chair ({id}):\n\n{text}": (
            "{code} · tin nhắn từ {name}, đồng chủ tịch ({id}):\n\n{text}"
        ),
        "Acknowledge": "Xác nhận",
        "• {who} — {delivery}, acknowledged {when} {zone}": (
            "• {who} — {delivery}, đã xác nhận {when} {zone}"
        ),
        "delivered": "đã gửi",
    }

    def gettext(self, message: str) -> str:
        return self.ENTRIES.get(message, message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return self.gettext(msgid1 if n == 1 else msgid2)


@pytest.fixture
def vietnamese() -> Iterator[None]:
    install_override("vi", Vietnamese())
    yield
    install_override("vi", None)


async def test_each_reader_gets_the_frame_in_their_language(
    tmp_path: Path, vietnamese: None
) -> None:
    readers = {"th-fp", "lk-cochair"}
    people = tuple(
        p.model_copy(update={"language": "vi"}) if p.id in readers else p
        for p in shipped_settings().people
    )
    one_country = PERIOD.model_copy(update={"countries": ("TH",)})
    bot = await running(tmp_path, periods=(one_country,), people=people)
    [answer] = await broadcast(bot, "nz-cochair", TEXT)
    assert answer == (
        "Broadcast B-1 queued for 1 focal point in 1 country. /broadcast status B-1 shows "
        "delivery and acknowledgements."
    )
    body = "Returns for W1 are due on 7 February; please send them by then."  # as written
    assert bot.last("th-fp") == (
        f"JPA-9 · tin nhắn từ Aroha Cochair-Example, đồng chủ tịch (B-1):\n\n{body}"
    )
    [button] = bot.chat.sent[-1].message.buttons
    assert (button.label, button.command) == ("Xác nhận", "/broadcast ack B-1")
    await bot.press("th-fp", "/broadcast ack B-1")
    [status] = await bot.say("lk-cochair", "/broadcast status B-1")
    # 17:30 in Colombo on 20 January 2027, as Vietnamese readers write it (time first)
    assert (
        "• Thái Lan · Niran Example — đã gửi, đã xác nhận 17:30 20 thg 1, 2027 UTC+5:30" in status
    )
    [english] = await bot.say("nz-cochair", "/broadcast status B-1")
    assert "— delivered, acknowledged Jan 21, 2027, 01:00 UTC+13" in english
    await bot.stop()


async def test_cancel_is_not_broadcast_as_a_message(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    await broadcast(bot, "nz-cochair", TEXT)
    for line in ("/broadcast cancel B-1", "/broadcast cancel", "/broadcast send it"):
        [answer] = await bot.say("nz-cochair", line)  # nothing waits: a sent one stays sent
        assert "A broadcast goes out as soon as it is sent and cannot be taken" in answer, line
    assert await bot.rows("SELECT COUNT(*) FROM broadcasts") == [(1,)]  # no B-2 "cancel B-1"
    assert await bot.rows("SELECT COUNT(*) FROM broadcast_drafts") == [(1,)]  # nor its draft
    [news] = await broadcast(
        bot, "nz-cochair", "/broadcast Cancel the meeting on Friday; it is Monday"
    )
    assert news.startswith("Broadcast B-2 queued"), news  # a message that starts with a verb
    await bot.stop()


# --- preview, then Send ------------------------------------------------------------------

PREVIEW = (
    "Your broadcast to 8 focal points in 8 countries of JPA-9, as they will read it:\n"
    "\n"
    "JPA-9 · message from Aroha Cochair-Example, co-chair (B-…):\n"
    "\n"
    "Returns for W1 are due on 7 February; please send them by then.\n"
    "\n"
    "Not sent yet. /broadcast send sends it; /broadcast cancel drops it. "
    "Unsent, it lapses in an hour."
)


async def copies(bot: Harness, like: str) -> int:
    """How many messages to anyone the outbox holds with text like ``like``."""
    return (await bot.rows("SELECT COUNT(*) FROM outbox WHERE text LIKE ?", [like]))[0][0]


async def tap(bot: Harness, person_id: str, command: str, event_id: str) -> list[str]:
    """``person_id`` presses a button carrying ``command``, as platform event ``event_id``
    (the same id twice is the platform delivering one press again)."""
    assert bot.app is not None
    before = len(bot.chat.sent)
    await bot.app.submit(bot.chat.press(person_id, command, event_id=event_id))
    await bot.settle()
    return [d.message.text for d in bot.chat.sent[before:] if d.message.address == person_id]


async def test_a_broadcast_is_shown_first_and_goes_once_on_send(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    assert await bot.say("nz-cochair", TEXT) == [PREVIEW]
    buttons = [(b.label, b.command) for b in bot.chat.sent[-1].message.buttons]
    assert buttons == [("Send", "/broadcast send 1"), ("Cancel", "/broadcast cancel 1")]
    assert bot.inbox("th-fp") == [] and await bot.rows("SELECT COUNT(*) FROM broadcasts") == [(0,)]

    [sent] = await tap(bot, "nz-cochair", "/broadcast send 1", "tap-1")
    assert sent == (
        "Broadcast B-1 queued for 8 focal points in 8 countries. /broadcast status B-1 shows "
        "delivery and acknowledgements."
    )
    assert bot.last("th-fp").startswith(
        "JPA-9 · message from Aroha Cochair-Example, co-chair (B-1)"
    )
    assert await tap(bot, "nz-cochair", "/broadcast send 1", "tap-1") == []  # redelivered
    assert await tap(bot, "nz-cochair", "/broadcast send 1", "tap-2") == [  # tapped twice
        "That broadcast was already sent, as B-1. /broadcast status B-1 shows delivery and "
        "acknowledgements."
    ]
    assert "already sent, as B-1" in (await bot.say("nz-cochair", "/broadcast send"))[0]
    assert await bot.rows("SELECT id, author_id FROM broadcasts") == [("B-1", "nz-cochair")]
    assert await bot.rows("SELECT COUNT(*) FROM broadcast_recipients") == [(8,)]
    assert await copies(bot, "%Returns for W1 are due on 7 February%") == 1 + 8  # preview, each
    assert await bot.rows(
        "SELECT action, COUNT(*) FROM audit WHERE action LIKE 'broadcast.%' GROUP BY action "
        "ORDER BY action"
    ) == [("broadcast.drafted", 1), ("broadcast.sent", 1)]
    await bot.stop()


async def test_cancel_drops_the_broadcast_and_nothing_is_sent(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    await bot.say("nz-cochair", TEXT)
    assert await bot.press("nz-cochair", "/broadcast cancel 1") == [
        "Cancelled; the broadcast was not sent."
    ]
    assert await bot.press("nz-cochair", "/broadcast cancel 1") == [  # tapped twice
        "Cancelled; the broadcast was not sent."
    ]
    assert await bot.press("nz-cochair", "/broadcast send 1") == [
        "That broadcast was cancelled; it was not sent."
    ]
    assert await bot.say("nz-cochair", "/broadcast send") == [
        "You have no broadcast waiting to be sent.\n"
        "/broadcast <text> shows you a broadcast before it goes out."
    ]
    assert await bot.rows("SELECT COUNT(*) FROM broadcasts") == [(0,)]
    assert await copies(bot, "%Returns for W1%") == 1  # the preview to the co-chair alone
    assert await bot.rows("SELECT status, text FROM broadcast_drafts") == [("cancelled", "")]
    await bot.say("nz-cochair", TEXT)  # typed, a bare cancel drops the one waiting
    assert await bot.say("nz-cochair", "/broadcast cancel") == [
        "Cancelled; the broadcast was not sent."
    ]
    audit = await bot.rows("SELECT COUNT(*) FROM audit WHERE action = 'broadcast.cancelled'")
    assert audit == [(2,)]
    await bot.stop()


async def test_a_waiting_broadcast_is_named_when_asked_to_undo_one(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    await broadcast(bot, "nz-cochair", TEXT)
    await bot.say("nz-cochair", "/broadcast Meeting moved to Monday")
    [answer] = await bot.say("nz-cochair", "/broadcast cancel B-1")
    assert answer == (
        "A broadcast goes out as soon as it is sent and cannot be taken back; /broadcast status "
        "shows who has it. To correct one, broadcast the correction.\n"
        "You have a broadcast waiting to be sent: /broadcast send sends it, /broadcast cancel "
        "drops it."
    )
    assert await bot.rows("SELECT COUNT(*) FROM broadcasts") == [(1,)]
    assert await bot.rows("SELECT n, status FROM broadcast_drafts ORDER BY n") == [
        (1, "sent"),
        (2, "pending"),  # still waiting
    ]
    await bot.stop()


async def test_a_broadcast_not_sent_within_the_hour_lapses(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    await bot.say("nz-cochair", TEXT)
    await bot.advance(timedelta(minutes=61))
    lapsed = (
        "That broadcast waited more than an hour, so it was not sent: it may be out of date. "
        "Please write /broadcast with the text again, and send it."
    )
    assert await bot.press("nz-cochair", "/broadcast send 1") == [lapsed]
    assert await bot.say("nz-cochair", "/broadcast send") == [lapsed]
    assert await bot.rows("SELECT COUNT(*) FROM broadcasts") == [(0,)]
    assert not any("Returns for W1" in m for m in bot.inbox("th-fp"))

    [again] = await bot.say("nz-cochair", TEXT)
    assert again == PREVIEW  # the lapsed one is not "replaced": it could not be sent anyway
    await bot.advance(timedelta(minutes=59))
    [sent] = await bot.press("nz-cochair", "/broadcast send 2")
    assert sent.startswith("Broadcast B-1 queued for 8 focal points")
    await bot.stop()


async def test_only_its_author_sends_or_cancels_a_broadcast(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    await bot.say("nz-cochair", TEXT)
    nothing = "You have no broadcast waiting to be sent."
    assert (await bot.press("lk-cochair", "/broadcast send 1"))[0].startswith(nothing)
    assert (await bot.say("lk-cochair", "/broadcast send"))[0].startswith(nothing)
    assert (await bot.press("lk-cochair", "/broadcast cancel 1"))[0].startswith(nothing)
    assert await bot.rows("SELECT COUNT(*) FROM broadcasts") == [(0,)]
    assert await bot.rows("SELECT author_id, status FROM broadcast_drafts") == [
        ("nz-cochair", "pending")
    ]

    await bot.say("lk-cochair", "/broadcast Meeting moved to Monday")  # lk-cochair's own
    assert "B-1 queued" in (await bot.press("nz-cochair", "/broadcast send 1"))[0]
    assert "Returns for W1" in bot.last("th-fp")  # nz-cochair's text, not lk-cochair's
    assert "B-2 queued" in (await bot.press("lk-cochair", "/broadcast send 1"))[0]
    assert "Meeting moved to Monday" in bot.last("th-fp")
    authors = await bot.rows("SELECT id, author_id FROM broadcasts ORDER BY seq")
    assert authors == [("B-1", "nz-cochair"), ("B-2", "lk-cochair")]
    await bot.stop()


async def test_a_new_broadcast_replaces_the_one_waiting_and_says_so(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    await bot.say("nz-cochair", "/broadcast Returns for W1 are due on 7 Febuary")
    [second] = await bot.say("nz-cochair", TEXT)
    assert second == (
        "This replaces your unsent broadcast “Returns for W1 are due on 7 Febuary”.\n" + PREVIEW
    )
    assert [b.command for b in bot.chat.sent[-1].message.buttons] == [
        "/broadcast send 2",
        "/broadcast cancel 2",
    ]
    assert await bot.press("nz-cochair", "/broadcast send 1") == [  # the first preview's button
        "That preview was replaced by a newer one and was not sent."
    ]
    assert await bot.press("nz-cochair", "/broadcast cancel 1") == [
        "That preview was replaced by a newer one and was not sent."
    ]
    assert "B-1 queued" in (await bot.press("nz-cochair", "/broadcast send 2"))[0]
    assert await copies(bot, "%Febuary%") == 2  # the two previews to the co-chair, no more
    assert await copies(bot, "%7 February; please send%") == 1 + 8
    drafts = await bot.rows("SELECT n, status, text, broadcast_id FROM broadcast_drafts ORDER BY n")
    assert drafts == [(1, "replaced", "", None), (2, "sent", "", "B-1")]  # texts not kept
    await bot.stop()


async def test_a_waiting_broadcast_survives_a_restart(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    await bot.say("nz-cochair", TEXT)
    await bot.restart()
    [sent] = await bot.say("nz-cochair", "BROADCAST SEND")  # as typed by SMS, where no buttons
    assert sent.startswith("Broadcast B-1 queued for 8 focal points in 8 countries.")
    assert "Returns for W1 are due on 7 February" in bot.last("th-fp")
    await bot.stop()


async def test_a_broadcast_waiting_when_its_period_closes_is_not_sent(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    await bot.say("nz-cochair", TEXT)
    assert "is closed" in (await bot.say("lk-cochair", "/period close confirm"))[0]
    assert await bot.press("nz-cochair", "/broadcast send 1") == [
        "JPA-9 is no longer open, so the broadcast was not sent."
    ]
    assert await bot.rows("SELECT COUNT(*) FROM broadcasts") == [(0,)]
    await bot.stop()


async def test_the_preview_says_which_countries_have_no_one_to_receive_it(
    tmp_path: Path,
) -> None:
    gone = {"th-fp", "th-deputy"}  # no one answers for Thailand
    people = tuple(p for p in shipped_settings().people if p.id not in gone)
    bot = await running(tmp_path, people=people)
    [preview] = await bot.say("nz-cochair", TEXT)
    assert preview.startswith(
        "Your broadcast to 7 focal points in 8 countries of JPA-9, as they will read it:\n"
        "No focal point or deputy in: Thailand.\n\n"
    )
    await bot.stop()


@pytest.fixture
def open_world(tmp_path: Path) -> DispatchWorld:
    """The real dispatch with the shipped JPA-4 open (no app around it)."""
    world = DispatchWorld(tmp_path / "bot.db")
    with world.db.database.atomic(), atomic(world.db):
        sync_configured(Work(world.db, world.ctx, world.now))
    assert "is open" in world.answers("nz-cochair", "/period open JPA-4 confirm")[0]
    return world


@pytest.mark.sqlite_only
def test_the_preview_names_whom_no_channel_reaches(open_world: DispatchWorld) -> None:
    open_world.ctx = replace(open_world.ctx, router=Router({}))  # no channel running at all
    [preview] = open_world.answers("nz-cochair", "/broadcast Returns are due Friday")
    assert preview.startswith(
        "Your broadcast to 9 focal points in 9 countries of JPA-4, as they will read it:\n"
        "No channel reaches: Australia · "
    )
    assert "Thailand · Niran Example, United States · " in preview


@pytest.mark.sqlite_only
def test_a_broadcast_sent_from_code_goes_at_once(open_world: DispatchWorld) -> None:
    cochair = open_world.ctx.directory.people["nz-cochair"]
    chat = ChatRef(CONSOLE, cochair.id, True)
    work = Work(open_world.db, open_world.ctx, open_world.now, cochair, chat)
    with open_world.db.database.atomic(), atomic(open_world.db):
        send(work, "Returns are due Friday")
        work.write_replies()  # as dispatch does once the handler is done
    assert [m.text for m in work.outbound if m.address == "nz-cochair"][0].startswith(
        "Broadcast B-1 queued for 9 focal points in 9 countries."
    )
    assert sum("Returns are due Friday" in m.text for m in work.outbound) == 9
    assert list(open_world.db.execute("SELECT COUNT(*) FROM broadcast_drafts")) == [(0,)]


async def test_the_preview_says_which_languages_the_focal_points_read(tmp_path: Path) -> None:
    """The preview is in the co-chair's language; the others read the bot's words in theirs."""
    bot = await running(tmp_path)
    [preview] = await bot.say("nz-cochair", TEXT)
    assert "own language" not in preview  # every focal point reads English, as the co-chair
    await bot.say("th-fp", "/language th")
    await bot.say("my-fp", "/language ar")
    [preview] = await bot.say("nz-cochair", TEXT)
    assert (
        "Each reads the bot's words in their own language (English: 6, Arabic (العربية): 1, "
        "Thai (ไทย): 1); your text goes as you wrote it."
    ) in preview.split("\n")
    await bot.stop()


@pytest.mark.sqlite_only
def test_the_languages_line_counts_only_those_reached(open_world: DispatchWorld) -> None:
    directory = open_world.ctx.directory
    arabic = directory.people["my-fp"].model_copy(update={"language": "ar"})
    people = [arabic if p.id == "my-fp" else p for p in directory.people.values()]
    open_world.ctx = replace(
        open_world.ctx, directory=Directory.build(list(directory.countries.values()), people)
    )
    [preview] = open_world.answers("nz-cochair", "/broadcast Returns are due Friday")
    assert "Arabic" in preview  # reached: the line names the language
    open_world.ctx = replace(open_world.ctx, router=Router({}))  # no channel running at all
    [preview] = open_world.answers("nz-cochair", "/broadcast Returns are due Friday")
    assert "No channel reaches: " in preview and "own language" not in preview, preview


async def test_send_with_a_number_no_draft_has_does_not_replace_the_waiting_one(
    tmp_path: Path,
) -> None:
    """`/broadcast send 1234567890` (ten digits) was taken as the news "send 1234567890" and
    silently replaced the broadcast waiting; a number no draft has names the waiting one."""
    bot = await running(tmp_path)
    await bot.say("nz-cochair", "/broadcast Returns for W1 are due Friday")
    for line in (
        "/broadcast send 1234567890",
        "/broadcast send 999999",
        "/broadcast cancel 12345678901",
    ):
        [answer] = await bot.say("nz-cochair", line)
        assert "You have a broadcast waiting to be sent: /broadcast send sends it" in answer, answer
    [sent] = await bot.say("nz-cochair", "/broadcast send")
    assert sent.startswith("Broadcast B-1 queued"), sent
    assert any("Returns for W1 are due Friday" in m for m in bot.inbox("th-fp"))
    await bot.stop()


async def test_ack_with_a_broadcasts_id_points_to_broadcast_ack(tmp_path: Path) -> None:
    """/ack takes requests; a broadcast's id there is named as one, with the command that
    acknowledges it (it said "'B-1' is not a request id; ids look like R-2026-0042")."""
    bot = await running(tmp_path)
    await broadcast(bot, "nz-cochair", TEXT)
    [told] = await bot.say("th-fp", "/ack B-1")
    assert told == "B-1 is a broadcast, not a request: /broadcast ack B-1 acknowledges it.", told
    assert await bot.rows(
        "SELECT COUNT(*) FROM broadcast_recipients WHERE acknowledged_at IS NOT NULL"
    ) == [(0,)]
    await bot.stop()
