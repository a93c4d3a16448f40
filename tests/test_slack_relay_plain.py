"""Slack shows relayed text as written, and a Slack mention reads as a person's name elsewhere.

What an officer types (``*bold*``, ``_it_``, `` `code` ``, ``~strike~``) reaches a Slack member
literally: sections are ``plain_text`` and the top-level text goes with ``mrkdwn`` off. A
Slack member's ``<@U…>`` reaches the officer as the directory name of the person mentioned.
A file's caption is shown as written too: it goes as plain_text section blocks, never as the
upload's ``initial_comment`` (which Slack renders as mrkdwn). Driven through slack-bolt and
slack-sdk against the fake Web API (:mod:`tests.test_slack`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from adapters.slack import SlackAdapter
from adapters.slack_convert import (
    completion_form,
    message_event,
    plain_text,
    post_arguments,
    upload_arguments,
)
from bot.events import Attachment, Button, Outbound
from tests.fake_slack import TEAM, FakeSlack, SlackSide
from tests.files_support import png, write
from tests.harness import Harness
from tests.test_slack import (
    ENV,
    TH_FP,
    World,
    file_request,
    routed,
    settings_preferring_slack,
    slack_options,
)
from tests.test_slack import world as slack_world  # noqa: F401 (the fixture below wraps it)

MARKUP = "Need *bold* _it_ `code` ~strike~ :smile: @here"
AROHA = "U0NZCC01"  # nz-cochair in the shipped directory


@pytest.fixture
async def world(slack_world: World) -> AsyncIterator[World]:  # noqa: F811
    """The Slack world as the app wires it (the app hands the adapter its name lookup)."""
    assert slack_world.adapter.person_name is not None
    yield slack_world


def sections(post: dict[str, object]) -> list[dict[str, object]]:
    blocks = post.get("blocks") or []
    assert isinstance(blocks, list)
    return [b["text"] for b in blocks if b["type"] == "section"]


# --- outbound: literal text --------------------------------------------------------------
async def test_an_officers_markup_reaches_slack_as_plain_text(world: World) -> None:
    request_id = await file_request(world, f"urgent {MARKUP}")
    post = routed(world)  # the notification, with its Acknowledge button
    [section] = sections(post)
    assert section["type"] == "plain_text" and section["emoji"] is False
    assert MARKUP in str(section["text"]) and request_id in str(section["text"])
    assert "verbatim" not in section
    assert post["mrkdwn"] is False and MARKUP in str(post["text"])  # the notification's text


async def test_a_message_without_buttons_goes_with_mrkdwn_off(world: World) -> None:
    request_id = await file_request(world)
    await world.bot.say("au-officer", f"/reply {request_id} {MARKUP} <!channel> & more")
    await world.settle()
    [relayed] = [p for p in world.api.posts_to(TH_FP) if MARKUP in str(p.get("text"))]
    assert "blocks" not in relayed and relayed["mrkdwn"] is False
    assert "&lt;!channel&gt; &amp; more" in str(relayed["text"])  # still inert
    assert all(p["mrkdwn"] is False for p in world.api.posts_to(TH_FP))


def test_sections_are_plain_text_so_a_relayed_here_stays_text() -> None:
    message = Outbound(1, "slack", "U0THFP01", "@here *look*", buttons=(Button("Ack", "/ack R-1"),))
    [section, _actions] = post_arguments(message)["blocks"]
    assert section["text"] == {"type": "plain_text", "text": "@here *look*", "emoji": False}


def test_plain_text_sections_keep_slacks_limits() -> None:
    long = "&<> *x* " * 1200  # 9,600 characters, 24,000 once escaped
    blocks = post_arguments(Outbound(1, "slack", "U1", long, buttons=(Button("Ack", "/ack"),)))[
        "blocks"
    ]
    texts = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert len(blocks) <= 50 and all(len(t) <= 3000 for t in texts)
    assert plain_text("".join(texts)) == long


# --- outbound: a file's caption --------------------------------------------------------
CAPTION = "*URGENT* _bank_ ~statement~ `x` <!channel> <https://evil.example|here> & co"


TH_FOCAL = "U0THFOCAL1"  # th-fp: ids as long as Slack's, so the DM is one files may go to


@pytest.fixture
async def files_world(tmp_path: Path, files_key: str) -> AsyncIterator[World]:
    """The Slack world with files on, Thailand's focal point on Slack as ``TH_FOCAL``."""
    base = settings_preferring_slack("th-fp")
    people = tuple(
        p.model_copy(update={"identities": {"slack": TH_FOCAL}}) if p.id == "th-fp" else p
        for p in base.people
    )
    api = await FakeSlack().start()
    adapter = SlackAdapter.from_settings(slack_options(api.base_url), ENV)
    bot = Harness(tmp_path / "bot.db", base.model_copy(update={"people": people}), [adapter])
    await bot.start()
    try:
        yield World(bot, adapter, api, SlackSide(f"http://127.0.0.1:{adapter.port}/slack/events"))
    finally:
        await bot.stop()
        await api.stop()


def shown_as_written(blocks: list[dict[str, Any]]) -> bool:
    """Every block a plain_text section without emoji codes: Slack shows it as sent."""
    return all(
        b["type"] == "section" and b["text"]["type"] == "plain_text" and b["text"]["emoji"] is False
        for b in blocks
    )


async def test_a_files_caption_reaches_slack_as_plain_text(
    files_world: World, tmp_path: Path
) -> None:
    name = "~bank~ _statement_ `x`.png"  # kept as named: only unsafe characters are replaced
    answer = await files_world.bot.say(
        "au-officer", "/request TH urgent Who is this?", files=[write(tmp_path, name, png())]
    )
    assert "1 file attached" in answer[0], answer
    [upload] = await files_world.api.wait_for(files_world.api.shared, within=30)
    await files_world.settle()
    assert upload.initial_comment == ""  # Slack would render it as mrkdwn, and drop the blocks
    assert upload.blocks and shown_as_written(upload.blocks)
    assert upload.channel == "D" + TH_FOCAL[1:]
    assert name in upload.caption and "R-2026-0001" in upload.caption
    rows = await files_world.bot.rows("SELECT status FROM outbox WHERE channel = 'slack'")
    assert rows == [("sent",), ("sent",)]  # the notification, then the photo


def test_a_caption_is_escaped_plain_text_in_blocks() -> None:
    attachment = Attachment("/tmp/c.png", "c.png", "image/png", photo=True)
    message = Outbound(1, "slack", "C0OPS1234/1700000000.000100", CAPTION, attachment=attachment)
    arguments = upload_arguments(message, "", b"")
    assert "initial_comment" not in arguments
    [section] = arguments["blocks"]
    assert section["text"] == {
        "type": "plain_text",
        "text": "*URGENT* _bank_ ~statement~ `x` &lt;!channel&gt; "
        "&lt;https://evil.example|here&gt; &amp; co",  # mentions and links stay inert
        "emoji": False,
    }
    form = completion_form(arguments, "C0OPS1234", "F1")
    assert form["thread_ts"] == "1700000000.000100" and "initial_comment" not in form
    assert form["files"] == '[{"id": "F1", "title": "c.png"}]'
    empty = Outbound(1, "slack", "U1", "", attachment=attachment)
    assert "blocks" not in completion_form(upload_arguments(empty, "", b""), "D1", "F2")


def test_a_huge_caption_keeps_slacks_limits() -> None:
    huge = "&<> *x* " * 30_000  # 240,000 characters, 600,000 once escaped
    attachment = Attachment("/tmp/r.pdf", "r.pdf", "application/pdf")
    blocks = upload_arguments(Outbound(1, "slack", "U1", huge, attachment=attachment), "", b"")[
        "blocks"
    ]
    texts = [b["text"]["text"] for b in blocks]
    assert len(blocks) == 50 and all(0 < len(t) <= 3000 for t in texts)
    assert texts[-1].endswith("…") and plain_text("".join(texts)[:-1]) in huge
    assert shown_as_written(blocks)


async def test_a_long_caption_is_shared_whole(tmp_path: Path) -> None:
    """A caption of 2,500 Thai characters and some markup (two section blocks) goes in the
    request body: in the URL it would pass the 8 KB request line common servers take."""
    api = await FakeSlack().start()
    adapter = SlackAdapter.from_settings(slack_options(api.base_url), ENV)
    text = ("รายงาน *ด่วน* _ธนาคาร_ " * 100)[:2500] + "\n" + CAPTION * 20
    chart = tmp_path / "chart.png"
    chart.write_bytes(png())
    attachment = Attachment(str(chart), "chart.png", "image/png", photo=True)
    try:
        sent = await adapter.send(Outbound(1, "slack", TH_FOCAL, text, attachment=attachment))
        [upload] = api.shared()
        assert sent == f"{upload.channel}:file:{upload.file_id}"
        assert len(upload.blocks) > 1 and shown_as_written(upload.blocks)
        assert plain_text(upload.caption) == text and upload.initial_comment == ""
    finally:
        await api.stop()


# --- inbound: mentions read as names -----------------------------------------------------
async def test_a_slack_mention_reaches_the_officer_as_the_persons_name(world: World) -> None:
    request_id = await file_request(world)
    text = (
        f"reply {request_id} Ask <@{AROHA}>, <@U0NOBODY1|Pat Guest> or <@U0NOBODY2> &amp; "
        "<@U0NZCC01|aroha.old>"
    )
    await world.slack.event(world.slack.dm(TH_FP, "x") | {"text": text})
    await world.settle()
    relayed = [t for t in world.bot.inbox("au-officer") if "Ask @" in t]
    assert relayed, world.bot.inbox("au-officer")
    assert (
        "Ask @Aroha Cochair-Example, @Pat Guest or @U0NOBODY2 & @Aroha Cochair-Example"
        in relayed[-1]
    )
    assert "U0NZCC01" not in relayed[-1]


async def test_a_mention_in_a_slash_command_reads_as_the_name_too(world: World) -> None:
    """With "escape channels, users and links" on, Slack sends ``<@U…|handle>`` in a slash
    command's text: the directory's name wins over the Slack handle."""
    request_id = await file_request(world)
    form = {
        "team_id": TEAM,
        "channel_id": "D" + TH_FP[1:],
        "channel_name": "directmessage",
        "user_id": TH_FP,
        "command": "/focal",
        "text": f"reply {request_id} cc <@{AROHA}|aroha.old> please",
        "trigger_id": "9.9.trigger",
    }
    reply = await world.slack.post(urlencode(form), "application/x-www-form-urlencoded")
    await world.settle()
    assert reply.status == 200
    assert any("cc @Aroha Cochair-Example please" in t for t in world.bot.inbox("au-officer"))


def test_names_are_used_only_for_people_the_directory_knows() -> None:
    known = {AROHA: "Aroha <Cochair> & Co"}.get
    typed = f"<@{AROHA}> <@U0OTHER1|Pat> <@U0OTHER2> <#C0OPS|ops> <!here> &lt;@{AROHA}&gt;"
    assert plain_text(typed, known) == (
        f"@Aroha <Cochair> & Co @Pat @U0OTHER2 #ops @here <@{AROHA}>"  # typed text stays text
    )
    assert plain_text(typed) == f"@U0NZCC01 @Pat @U0OTHER2 #ops @here <@{AROHA}>"
    dm = {"channel_type": "im", "user": "U1", "text": f"hi <@{AROHA}>", "channel": "D1"}
    event = message_event({"event_id": "Ev1", "team_id": "T1", "event": dm}, known)
    assert event is not None and event.text == "hi @Aroha <Cochair> & Co"


async def test_a_photos_long_thai_description_goes_in_the_body_too(tmp_path: Path) -> None:
    """A photo's alt text (its first 1,000 characters) went in the upload URL's query: 1,000
    Thai characters passed the 8 KB request line and the photo was never delivered."""
    api = await FakeSlack().start()
    adapter = SlackAdapter.from_settings(slack_options(api.base_url), ENV)
    text = "ภาพถ่ายเรือประมงที่ท่าเรือสงขลา" * 40
    photo = tmp_path / "boat.png"
    photo.write_bytes(png())
    attachment = Attachment(str(photo), "boat.png", "image/png", photo=True)
    try:
        await adapter.send(Outbound(1, "slack", TH_FOCAL, text, attachment=attachment))
        [upload] = api.shared()
        assert plain_text(upload.caption) == text
    finally:
        await api.stop()
