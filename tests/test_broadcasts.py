"""Broadcasts end to end: co-chairs reach every focal point of the current period; each
acknowledges; status shows delivered, failed and acknowledged per recipient."""

import gettext
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.memory import MemoryAdapter
from bot.errors import PermanentError
from bot.events import Outbound
from bot.i18n.catalogs import install_override
from tests.harness import Harness, shipped_settings
from tests.returns_support import EIGHT, MID_JANUARY, PERIOD, counts, move_to, running

TEXT = "/broadcast Returns for W1 are due on 7 February; please send them by then."


async def test_broadcast_reaches_every_focal_point_and_is_acknowledged(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    [answer] = await bot.say("nz-cochair", TEXT)
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
    await bot.say("nz-cochair", TEXT)
    [status] = await bot.say("nz-cochair", "/broadcast status B-1")
    assert status.startswith("B-1 (JPA-9): 7 of 8 delivered, 0 acknowledged.")
    assert "• Thailand · Niran Example — failed, not acknowledged" in status
    await bot.stop()


async def test_an_expired_delivery_shows_as_expired_not_as_no_channel(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    await bot.say("nz-cochair", TEXT)
    assert bot.app is not None  # as the outbox leaves a message it could not send within a day
    await bot.app.store.run(
        lambda db: db.execute("UPDATE outbox SET status = 'expired' WHERE address = 'th-fp'")
    )
    [status] = await bot.say("nz-cochair", "/broadcast status B-1")
    assert "• Thailand · Niran Example — not delivered (expired), not acknowledged" in status
    await bot.stop()


async def test_broadcasts_are_limited_per_person_per_hour(tmp_path: Path) -> None:
    from datetime import timedelta

    from bot.config import LimitSettings

    bot = await running(tmp_path, limits=LimitSettings(broadcasts_per_hour=2))
    for i in range(2):
        assert "queued for 8 focal points" in (await bot.say("nz-cochair", f"{TEXT} {i}"))[0]
    refused = (await bot.say("nz-cochair", f"{TEXT} again"))[0]
    assert "2 broadcasts in the last hour, the most allowed" in refused
    assert (
        "queued for 8 focal points" in (await bot.say("lk-cochair", TEXT))[0]
    )  # the limit is per person
    assert (
        "8 of 8 delivered" in (await bot.say("nz-cochair", "/broadcast status"))[0]
    )  # not limited
    await bot.advance(timedelta(minutes=61))
    assert "queued for 8 focal points" in (await bot.say("nz-cochair", TEXT))[0]
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
    [answer] = await bot.say("nz-cochair", TEXT)
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
    await bot.say("nz-cochair", TEXT)
    [answer] = await bot.say("nz-cochair", "/broadcast cancel B-1")
    assert answer.startswith("A broadcast goes out as soon as it is sent and cannot be taken")
    assert await bot.rows("SELECT COUNT(*) FROM broadcasts") == [(1,)]  # no B-2 "cancel B-1"
    [news] = await bot.say("nz-cochair", "/broadcast Cancel the meeting on Friday; it is Monday")
    assert news.startswith("Broadcast B-2 queued"), news  # a message that starts with a verb
    await bot.stop()
