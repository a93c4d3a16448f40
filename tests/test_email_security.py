"""The email channel against someone who saw one mail: the operator is told when no sender
verdict is read, a reply token expires after ``token_days``, and the same reply sent again
under a new Message-ID is relayed once.

Scenarios run through the real SMTP stand-ins of :mod:`tests.test_email` (its ``World``); the
adapter's ``clock`` is moved to make a mail old.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from adapters.email import EmailAdapter
from adapters.email_convert import reply_tag
from bot.cli import main
from bot.errors import TransientError
from bot.events import Inbound
from tests.conftest import ENGINES
from tests.fake_email import Caught, MailServer, free_port
from tests.harness import SHIPPED_CONFIG
from tests.test_email import AINA, ENV, SECRET, World, email_options, file_request, start_world

UNCHECKED = "authserv_id is empty, so the sender checks (SPF, DKIM, DMARC)"
TOO_OLD = "replies to the email you answered about"


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    w = await start_world(tmp_path)
    yield w
    await w.stop()


def days_later(world: World, days: int) -> None:
    """Move the email channel's clock (its tokens' days) forward."""
    later = datetime.now(UTC) + timedelta(days=days)
    world.adapter.clock = lambda: later


def relayed(world: World, text: str) -> int:
    """How many of the officer's messages carry ``text``."""
    return sum(text in t for t in world.bot.inbox("au-officer"))


async def status(world: World, request_id: str) -> str:
    rows = await world.bot.rows("SELECT status FROM requests WHERE id = ?", [request_id])
    return str(rows[0][0])


# --- the operator is told when no verdict is read ------------------------------------------------
def check(config: Path, **env: str | None) -> str:
    result = CliRunner().invoke(main, ["check", "--config", str(config)], env=env)
    assert result.exit_code == 0, result.output
    return result.output


def test_check_warns_when_email_runs_without_authserv_id(tmp_path: Path) -> None:
    shipped = check(SHIPPED_CONFIG, FOCALBOT_EMAIL_SECRET=SECRET)
    assert "channels that would run now: console, email" in shipped
    assert f"warning: email: {UNCHECKED}" in shipped
    assert 'auth_policy = "reject_fail" cannot drop forged mail' in shipped
    assert "Set [channels.email] authserv_id to your receiving mail server's name" in shipped
    assert UNCHECKED not in check(SHIPPED_CONFIG, FOCALBOT_EMAIL_SECRET=None)  # email off
    named = tmp_path / "bot.toml"
    text = SHIPPED_CONFIG.read_text()
    assert text.count('\nauthserv_id = ""') == 1
    named.write_text(text.replace('\nauthserv_id = ""', '\nauthserv_id = "mx.bot.example"'))
    assert UNCHECKED not in check(named, FOCALBOT_EMAIL_SECRET=SECRET)


async def start_warnings(
    caplog: pytest.LogCaptureFixture, retried: bool = True, **changes: object
) -> list[str]:
    """The warnings an email channel logs while starting; with ``retried`` its listener's port
    is busy at first, so the start is tried again, as the app does in the background."""
    relay = await MailServer().start()
    port = free_port()
    adapter = EmailAdapter.from_settings(email_options(relay.port, port=port, **changes), ENV)

    async def core(event: Inbound) -> None: ...

    busy = socket.create_server(("127.0.0.1", port))
    try:
        with caplog.at_level(logging.WARNING, logger="adapters.email"):
            if retried:
                with pytest.raises(TransientError):
                    await adapter.start(core)
            busy.close()
            await adapter.start(core)
        return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    finally:
        busy.close()
        await adapter.stop()
        await relay.stop()


async def test_the_start_warns_once_without_authserv_id(caplog: pytest.LogCaptureFixture) -> None:
    warnings = await start_warnings(caplog, authserv_id="")
    assert [w for w in warnings if UNCHECKED in w] == [
        f"email: {UNCHECKED} of your mail server are not read and auth_policy = "
        '"reject_fail" cannot drop forged mail. Set [channels.email] authserv_id to your '
        "receiving mail server's name, as it writes it in the Authentication-Results header of "
        "the mail it delivers (see the README's email paragraph)."
    ]


async def test_no_start_warning_when_our_server_is_named_or_no_mail_comes_in(
    caplog: pytest.LogCaptureFixture,
) -> None:
    assert not [w for w in await start_warnings(caplog) if UNCHECKED in w]
    sending_only = await start_warnings(caplog, False, authserv_id="", inbound="none")
    assert not [w for w in sending_only if UNCHECKED in w]


# --- reply tokens expire --------------------------------------------------------------------------
async def test_a_reply_to_mail_older_than_token_days_is_refused(world: World) -> None:
    request_id = await file_request(world)
    mail = await world.mail_to(AINA)
    days_later(world, 31)
    await world.deliver(world.aina, world.aina.reply(mail, "Case closed, ignore it."))
    await world.deliver(world.aina, world.aina.reply(mail, "ack"))
    assert relayed(world, "Case closed") == 0
    assert await status(world, request_id) == "open"
    refusal = await world.mail_to(AINA, 2)
    assert f"Sorry, {TOO_OLD} {request_id} are no longer taken" in refusal.body
    assert "a reply counts for 30 days after the email was sent" in refusal.body
    assert f"Please answer the latest email about {request_id}" in refusal.body


async def test_a_reply_within_token_days_works_and_the_latest_mail_renews_it(world: World) -> None:
    request_id = await file_request(world)
    first = await world.mail_to(AINA)
    days_later(world, 30)  # the last day the first mail's token counts
    await world.deliver(world.aina, world.aina.reply(first, "Still checking."))
    assert relayed(world, "Still checking.") == 1
    latest = await world.mail_to(AINA, 2)  # "Sent on R-…", issued today (30 days on)
    days_later(world, 55)
    await world.deliver(world.aina, world.aina.reply(latest, "Passport is genuine."))
    assert relayed(world, "Passport is genuine.") == 1
    await world.deliver(world.aina, world.aina.reply(first, "ack"))  # the first one: 55 days
    assert await status(world, request_id) == "answered"  # not acknowledged
    assert TOO_OLD in (await world.mail_to(AINA, 4)).body


async def test_token_days_is_configurable(tmp_path: Path) -> None:
    w = await start_world(tmp_path, token_days=2)
    try:
        request_id = await file_request(w)
        mail = await w.mail_to(AINA)
        days_later(w, 3)
        await w.deliver(w.aina, w.aina.reply(mail, "Too late."))
        assert relayed(w, "Too late.") == 0
        assert "a reply counts for 2 days" in (await w.mail_to(AINA, 2)).body
        assert await status(w, request_id) == "open"
    finally:
        await w.stop()


def legacy_tag(address: str, request_id: str) -> str:
    """A tag as mail sent before this change carried it: no day in the HMAC."""
    digest = hmac.new(SECRET.encode(), f"{address}\n{request_id}".encode(), hashlib.sha256)
    return base64.b32encode(digest.digest()).decode().lower()[:10]


async def test_mail_sent_before_tokens_carried_their_day_is_refused(world: World) -> None:
    request_id = await file_request(world)
    mail = await world.mail_to(AINA)
    new_tag = reply_tag(SECRET, AINA, request_id)
    old = legacy_tag(AINA, request_id)
    for header in ("Subject", "Message-ID", "References", "In-Reply-To"):
        value = str(mail.message[header]).replace(new_tag, old)
        del mail.message[header]
        mail.message[header] = value
    await world.deliver(world.aina, world.aina.reply(mail, "Old thread answer."))
    assert relayed(world, "Old thread answer.") == 0
    refusal = await world.mail_to(AINA, 2)
    assert f"Please answer the latest email about {request_id}" in refusal.body


def test_a_tag_proves_its_request_only_within_token_days() -> None:
    from adapters.email_convert import expired_token, proven_requests

    tag = reply_tag(SECRET, AINA, "R-2026-0042", day=20_000)
    headers = [f"<fp.R-2026-0042.{tag}.17.abc@bot.example>"]
    for today, fresh in ((19_999, True), (20_000, True), (20_030, True), (20_031, False)):
        assert proven_requests(SECRET, AINA, headers, "", today, 30) == (
            {"R-2026-0042"} if fresh else set()
        )
        assert expired_token(SECRET, AINA, headers, "", "R-2026-0042", today, 30) is not fresh
    assert proven_requests(SECRET, AINA, headers, "", 20_005, 4) == set()
    assert not expired_token(SECRET, "niran@police.example", headers, "", "R-2026-0042", 20_031)


# --- the same reply again is relayed once ---------------------------------------------------------
async def test_a_replayed_reply_is_relayed_once(world: World) -> None:
    await file_request(world)
    mail = await world.mail_to(AINA)
    original = world.aina.reply(mail, "Case closed, ignore it.")
    copy = world.aina.reply(mail, "Case closed, ignore it.")
    assert original["Message-ID"] != copy["Message-ID"]
    await world.deliver(world.aina, original)
    await world.deliver(world.aina, copy)
    await world.deliver(world.aina, original)  # a redelivery: the core's de-duplication
    assert relayed(world, "Case closed, ignore it.") == 1
    await world.deliver(world.aina, world.aina.reply(mail, "Something else."))
    assert relayed(world, "Something else.") == 1  # other text is not a replay
    # each Message-ID is recorded (a redelivery of the copy is a duplicate too)
    assert await world.bot.rows("SELECT COUNT(*) FROM inbound WHERE event_key LIKE 'email:%'") == [
        (3,)
    ]


async def test_the_same_reply_after_the_replay_window_is_relayed_again(world: World) -> None:
    await file_request(world)
    mail: Caught = await world.mail_to(AINA)
    await world.deliver(world.aina, world.aina.reply(mail, "Yes."))
    world.bot.clock.advance(timedelta(minutes=9))
    await world.deliver(world.aina, world.aina.reply(mail, "Yes."))
    assert relayed(world, "Yes.") == 1  # within the window: a replay
    world.bot.clock.advance(timedelta(minutes=2))  # ten minutes after the first was taken
    await world.deliver(world.aina, world.aina.reply(mail, "Yes."))
    assert relayed(world, "Yes.") == 2


@pytest.mark.parametrize("engine", ENGINES, indirect=True)
async def test_a_reply_replayed_after_a_restart_is_still_dropped(world: World) -> None:
    """The replay key is the store's, not the process's: a copy offered after a restart (or
    to another replica) within the window is dropped all the same."""
    await file_request(world)
    mail = await world.mail_to(AINA)
    await world.deliver(world.aina, world.aina.reply(mail, "Seized 40 kg."))
    assert relayed(world, "Seized 40 kg.") == 1
    await world.bot.restart()  # (the in-memory chat starts empty again)
    world.bot.clock.advance(timedelta(minutes=5))
    await world.deliver(world.aina, world.aina.reply(mail, "Seized 40 kg."))
    assert relayed(world, "Seized 40 kg.") == 0
    world.bot.clock.advance(timedelta(minutes=5))  # the window has passed: a new message
    await world.deliver(world.aina, world.aina.reply(mail, "Seized 40 kg."))
    assert relayed(world, "Seized 40 kg.") == 1
    assert len(await world.bot.rows("SELECT replay_key FROM replays")) == 1


async def test_a_trusted_senders_question_asked_twice_is_answered_twice(tmp_path: Path) -> None:
    """Only what a reply token allows (reply, ack) is held back as a replay."""
    w = await start_world(tmp_path, trust_sender=True)
    try:
        await w.deliver(w.aina, w.aina.new_mail("ping", "/ping"))
        await w.deliver(w.aina, w.aina.new_mail("ping", "/ping"))
        await w.mail_to(AINA, 2)  # each answered (mail_to fails when the second never comes)
    finally:
        await w.stop()
