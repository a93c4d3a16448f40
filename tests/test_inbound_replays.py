"""A message's replay key: a copy offered again under another event id within the window is
dropped, by whichever process takes it; keys are kept for the window only.

The email channel sets the key (tests/test_email_security.py runs it through mail); here the
core is offered events carrying one, on both engines.
"""

from dataclasses import replace
from datetime import timedelta

from bot.events import TextMessage
from bot.inbound_store import REPLAY_WINDOW, first_of_its_kind
from tests.harness import Harness

EDGE = timedelta(seconds=5)


def pinging(bot: Harness, key: str, person: str = "au-officer") -> TextMessage:
    """A /ping from ``person`` under a new event id, carrying ``key``."""
    return replace(bot.chat.event(person, "/ping"), replay_key=key)


async def offer(bot: Harness, event: TextMessage) -> int:
    """Offer ``event``; how many answers its sender got."""
    assert bot.app is not None
    before = len(bot.inbox(event.sender.user_id))
    await bot.app.submit(event)
    await bot.settle()
    return len(bot.inbox(event.sender.user_id)) - before


async def test_a_copy_under_another_id_within_the_window_is_dropped(bot: Harness) -> None:
    assert await offer(bot, pinging(bot, "k1")) == 1
    # (times are kept to the second, and the wall clock runs on between two offers: a few
    # seconds inside the window, so a second boundary crossed meanwhile changes nothing)
    await bot.advance(REPLAY_WINDOW - EDGE)
    assert await offer(bot, pinging(bot, "k1")) == 0  # a copy: nothing done, nothing said
    assert await offer(bot, pinging(bot, "k2")) == 1  # another message
    assert await offer(bot, pinging(bot, "")) == 1  # no key: every one is a message
    assert await offer(bot, pinging(bot, "")) == 1
    await bot.advance(EDGE)  # the window after the first has passed
    assert await offer(bot, pinging(bot, "k1")) == 1
    assert await offer(bot, pinging(bot, "k1")) == 0  # the window runs from the latest taken


async def test_a_copy_is_dropped_after_a_restart(bot: Harness) -> None:
    assert await offer(bot, pinging(bot, "k1")) == 1
    await bot.restart()
    assert await offer(bot, pinging(bot, "k1")) == 0


async def test_a_redelivery_of_the_first_is_a_duplicate_not_a_replay(bot: Harness) -> None:
    first = pinging(bot, "k1")
    assert await offer(bot, first) == 1
    assert await offer(bot, first) == 0
    assert await bot.rows("SELECT COUNT(*) FROM replays") == [(1,)]


async def test_keys_are_per_channel(bot: Harness) -> None:
    """Only the channel's own key is compared: another channel's equal key is its own."""
    assert bot.app is not None
    now = bot.clock.now()
    assert await bot.app.store.run(lambda db: first_of_its_kind(db, "email", "k1", now))
    assert await bot.app.store.run(lambda db: first_of_its_kind(db, "console", "k1", now))
    assert not await bot.app.store.run(lambda db: first_of_its_kind(db, "email", "k1", now))


async def test_keys_past_their_window_are_forgotten_as_new_ones_come(bot: Harness) -> None:
    assert await offer(bot, pinging(bot, "old")) == 1
    await bot.advance(REPLAY_WINDOW - EDGE)
    assert await offer(bot, pinging(bot, "newer")) == 1
    await bot.advance(EDGE)
    assert await offer(bot, pinging(bot, "newest")) == 1
    keys = await bot.rows("SELECT replay_key FROM replays ORDER BY replay_key")
    assert keys == [("console:newer",), ("console:newest",)]
