"""A long text on Slack: every message within Slack's limits, every word delivered, the buttons
kept.

Slack takes 50 blocks in a message, 3,000 characters in a section, 40,000 in a message's text,
and is reported to refuse about 13,000 characters of text in a message's blocks; the fake Web
API (:mod:`tests.fake_slack`) refuses the same. A text too long for one message goes as several
(the earlier ones plain, the last with the buttons), driven through slack-sdk against the fake.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError

from adapters.slack import SlackAdapter
from adapters.slack_convert import message_blocks, plain_text, pressed_blocks
from bot.errors import TransientError
from bot.events import Button, Outbound
from bot.ports import Pacing
from tests.fake_slack import FakeSlack, SlackSide
from tests.harness import Harness
from tests.test_slack import ENV, TH_FP, World, settings_preferring_slack, slack_options
from tests.test_slack import world as slack_world  # noqa: F401 (the fixture below wraps it)

FAST = Pacing(per_chat_interval=0.01, overall_rate=0.0, max_attempts=8)
BUTTONS = (Button("Acknowledge", "/ack R-2026-0001"), Button("Reply", "/reply R-2026-0001"))


def long_text(size: int) -> str:
    """Paragraphs of casework, with characters Slack needs escaped: ``size`` characters."""
    line = "Call record {n:05d}: +66 81 555 {n:04d} & <subscriber> *details* withheld.\n"
    lines = [line.format(n=n) + ("\n" if n % 4 == 3 else "") for n in range(size // 70 + 1)]
    return "".join(lines)[:size]


@pytest.fixture
async def world(slack_world: World) -> AsyncIterator[World]:  # noqa: F811
    """The Slack world, its parts a moment apart rather than Slack's second."""
    slack_world.adapter.pacing = FAST
    yield slack_world


def posted_within_limits(post: dict[str, Any]) -> bool:
    blocks = post.get("blocks") or []
    return len(str(post["text"])) <= 40_000 and len(blocks) <= 50


def buttons_of(post: dict[str, Any]) -> list[str]:
    actions = [b for b in post.get("blocks") or [] if b["type"] == "actions"]
    return [str(e["value"]) for b in actions for e in b["elements"]]


# --- end to end ---------------------------------------------------------------------------
async def test_a_200000_character_text_with_buttons_arrives_whole_with_its_buttons(
    world: World,
) -> None:
    text = long_text(200_000)
    assert len(text) > 190_000
    sent = await world.adapter.send(Outbound(91, "slack", TH_FP, text, "th-fp", BUTTONS))

    posts = world.api.posts_to(TH_FP)
    assert len(posts) > 1 and all(posted_within_limits(p) for p in posts)
    assert [bool(p.get("blocks")) for p in posts] == [False] * (len(posts) - 1) + [True]
    assert buttons_of(posts[-1]) == ["/ack R-2026-0001", "/reply R-2026-0001"]
    assert sent == f"{posts[-1]['_channel']}:{posts[-1]['_ts']}"  # the one with the buttons
    delivered = " ".join(plain_text(str(p["text"])) for p in posts)
    assert delivered.split() == text.split()  # every word, in order
    sections = [b["text"]["text"] for b in posts[-1]["blocks"] if b["type"] == "section"]
    assert plain_text("".join(sections)) == plain_text(str(posts[-1]["text"]))


async def test_a_long_text_without_buttons_goes_in_plain_messages(world: World) -> None:
    text = long_text(100_000)
    await world.adapter.send(Outbound(92, "slack", TH_FP, text, "th-fp"))

    posts = world.api.posts_to(TH_FP)
    assert len(posts) > 1 and all(posted_within_limits(p) for p in posts)
    assert not any(p.get("blocks") for p in posts)
    assert " ".join(plain_text(str(p["text"])) for p in posts).split() == text.split()


async def test_a_retry_resumes_after_the_parts_already_posted(world: World) -> None:
    text = long_text(100_000)
    world.api.fail_next("chat.postMessage", status=503, error="service_unavailable", after=1)
    message = Outbound(93, "slack", TH_FP, text, "th-fp", BUTTONS)
    with pytest.raises(TransientError) as failed:
        await world.adapter.send(message)
    assert len(failed.value.sent_parts) == 1  # what went, for the outbox to keep
    await world.adapter.send(replace(message, sent_parts=failed.value.sent_parts))  # the retry

    texts = world.api.texts_to(TH_FP)
    assert texts[1] == texts[2]  # the part that failed, posted again
    delivered = [texts[0], *texts[2:]]
    assert len(set(delivered)) == len(delivered)  # nothing else twice
    assert " ".join(plain_text(t) for t in delivered).split() == text.split()


@pytest.fixture
async def long_world(tmp_path: Path) -> AsyncIterator[World]:
    """The Slack world with requests of up to 20,000 characters (the most ``bot.toml`` takes)."""
    settings = settings_preferring_slack("th-fp")
    requests = settings.requests.model_copy(update={"max_text_length": 20_000})
    api = await FakeSlack().start()
    adapter = SlackAdapter.from_settings(slack_options(api.base_url), ENV)
    adapter.pacing = FAST
    settings = settings.model_copy(update={"requests": requests})
    bot = Harness(tmp_path / "bot.db", settings, [adapter])
    await bot.start()
    yield World(bot, adapter, api, SlackSide(f"http://127.0.0.1:{adapter.port}/slack/events"))
    await bot.stop()
    await api.stop()


async def test_a_long_request_reaches_slack_in_parts_and_its_button_works(
    long_world: World,
) -> None:
    details = " ".join(long_text(19_000).split())
    request_id = await long_world.bot.file_request(f"TH urgent {details}")

    posts = long_world.api.posts_to(TH_FP)
    assert len(posts) > 1 and all(posted_within_limits(p) for p in posts)
    assert buttons_of(posts[-1])[0] == f"/ack {request_id}"
    delivered = " ".join(plain_text(str(p["text"])) for p in posts)
    assert details in " ".join(delivered.split())

    assert (await long_world.slack.press(TH_FP, posts[-1])).status == 200
    await long_world.settle()
    assert any("acknowledged by Niran" in t for t in long_world.bot.inbox("au-officer"))
    update = long_world.api.of("chat.update")[-1]
    assert update["ts"] == posts[-1]["_ts"]
    assert "actions" not in [b["type"] for b in update["blocks"]]  # the choice is made


async def test_the_fake_refuses_what_slack_refuses(world: World) -> None:
    """The fake keeps the tests above honest: Slack's limits are checked, not assumed."""

    def section(text: str) -> dict[str, Any]:
        return {"type": "section", "text": {"type": "plain_text", "text": text}}

    for arguments, error in (
        ({"text": "x", "blocks": [section("x")] * 51}, "invalid_blocks"),
        ({"text": "x" * 40_001}, "msg_too_long"),
        ({"text": "x", "blocks": [section("x" * 3000)] * 5}, "msg_blocks_too_long"),
    ):
        with pytest.raises(SlackApiError) as refused:
            await world.adapter.client.chat_postMessage(channel=TH_FP, **arguments)
        assert refused.value.response["error"] == error


# --- the block builders -------------------------------------------------------------------
def test_message_blocks_keep_the_buttons_within_fifty_blocks() -> None:
    """Given a text too long for one message, the buttons stay and the text's tail goes."""
    text = long_text(200_000)
    blocks = message_blocks(Outbound(1, "slack", TH_FP, text, buttons=BUTTONS))

    assert len(blocks) == 50 and blocks[-1]["type"] == "actions"
    assert [e["value"] for e in blocks[-1]["elements"]] == [b.command for b in BUTTONS]
    texts = [b["text"]["text"] for b in blocks[:-1]]
    assert all(0 < len(t) <= 3000 for t in texts) and texts[-1].endswith("…")
    assert plain_text("".join(texts)[:-1]) in text


def test_a_press_keeps_a_full_message_within_fifty_blocks() -> None:
    """Independent buttons: the pressed one goes, a line saying so comes, the others stay."""
    acks = tuple(Button(f"Acknowledge B-{n}", f"/broadcast ack B-{n}") for n in range(100))
    [section, *actions] = message_blocks(Outbound(1, "slack", TH_FP, "x" * 3000, buttons=acks))
    blocks = [section] * 46 + actions  # Slack's 50: 46 sections, 4 rows of 25 buttons

    done = pressed_blocks(blocks, "Acknowledge B-7", TH_FP, "/broadcast ack B-7")
    assert len(done) == 50
    left = [e["value"] for b in done if b["type"] == "actions" for e in b["elements"]]
    assert len(left) == 99 and "/broadcast ack B-7" not in left
    assert [b["type"] for b in done][44:] == ["section", "context", *["actions"] * 4]
    assert done[44]["text"]["text"].endswith("…")  # the text's tail gave way, marked
    assert section["text"]["text"] == "x" * 3000  # the payload's blocks are left as they came


def test_post_messages_fits_each_part() -> None:
    from adapters.slack_convert import post_messages

    text = long_text(60_000)
    calls = post_messages(Outbound(1, "slack", "C0OPS/1700.000100", text, buttons=BUTTONS))
    assert [len(str(c["text"])) <= 40_000 for c in calls] == [True] * len(calls)
    assert len(str(calls[-1]["text"])) <= 10_000 and "blocks" in calls[-1]
    assert all("blocks" not in c for c in calls[:-1])
    assert {c["thread_ts"] for c in calls} == {"1700.000100"}  # all in the thread
    short = post_messages(Outbound(1, "slack", TH_FP, "Send it?\n", buttons=BUTTONS))
    assert len(short) == 1 and short[0]["text"] == "Send it?\n"  # unchanged when it fits
