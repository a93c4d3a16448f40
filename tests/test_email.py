"""The email channel, end to end: real SMTP both ways, the real core, a temporary database.

The bot sends through aiosmtplib to :class:`tests.fake_email.MailServer` (aiosmtpd's real
protocol on 127.0.0.1) and receives on its own aiosmtpd receiver, into which
:class:`tests.fake_email.Correspondent` delivers mail with aiosmtplib: through
:class:`tests.fake_email.InboundRelay` (our receiving server, which adds its verdict and
connects from 127.0.0.2, the bot's ``relay_hosts``) or, as a forger would, straight to it.
Officers speak on the in-memory ``console`` channel; Malaysia's focal point (``my-fp``) is
reachable by email only.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import ssl
import subprocess
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiosmtplib
import pytest

from adapters.email import EmailAdapter
from bot.config import Settings
from bot.errors import TransientError
from bot.events import Inbound, Outbound
from tests.broadcast_support import broadcast
from tests.fake_email import NO_VERDICT, Caught, Correspondent, InboundRelay, MailServer, free_port
from tests.harness import Harness, shipped_settings
from tests.marked_catalog import marked
from tests.returns_support import MID_JANUARY, PERIOD, as_configured, move_to

BOT = "focalpoint@bot.example"
AINA = "aina@police.example"  # my-fp's email identity in the shipped bot.toml
NIRAN = "niran@police.example"  # th-fp's
SECRET = "test-reply-token-secret-of-32-characters"
ENV = {"FOCALBOT_EMAIL_SECRET": SECRET}


def email_options(smtp_port: int, **changes: object) -> dict[str, object]:
    """The ``[channels.email]`` keys, pointed at the fake relay and a free local port."""
    return {
        "token_env": "FOCALBOT_EMAIL_SECRET",
        "address": BOT,
        "smtp_host": "127.0.0.1",
        "smtp_port": smtp_port,
        "smtp_security": "none",
        "inbound": "smtp",
        "listen": "127.0.0.1",
        "port": free_port(),
        "authserv_id": "mx.bot.example",
        "relay_hosts": ["127.0.0.2"],  # where tests.fake_email.InboundRelay connects from
        **changes,
    }


def settings_by_email(*person_ids: str) -> Settings:
    """Shipped settings where ``person_ids`` have only their email identity and prefer it."""
    settings = shipped_settings()
    people = tuple(
        p.model_copy(
            update={"preferred_channel": "email", "identities": {"email": p.identities["email"]}}
        )
        if p.id in person_ids
        else p
        for p in settings.people
    )
    return settings.model_copy(update={"people": people})


@dataclass
class World:
    """A running bot with an email channel, the relay it sends through, our receiving server in
    front of it, and two people writing through that server."""

    bot: Harness
    adapter: EmailAdapter
    relay: MailServer
    mx: InboundRelay
    aina: Correspondent
    niran: Correspondent

    def direct(self, address: str) -> Correspondent:
        """Someone writing straight to the bot's listener, around our receiving server."""
        return Correspondent(address, BOT, self.adapter.port)

    async def stop(self) -> None:
        await self.bot.stop()
        await self.mx.stop()
        await self.relay.stop()

    async def mail_to(self, address: str, count: int = 1) -> Caught:
        """Wait for the ``count``-th mail to ``address``; return the latest."""
        await self.bot.settle()
        caught = await self.relay.wait_for(lambda: len(self.relay.to(address)) >= count)
        assert caught
        return self.relay.to(address)[-1]

    async def deliver(self, who: Correspondent, mail: object) -> None:
        await who.send(mail)  # type: ignore[arg-type]
        await self.bot.settle()


async def start_world(tmp_path, settings: Settings | None = None, **changes: object) -> World:  # type: ignore[no-untyped-def]
    relay = await MailServer().start()
    adapter = EmailAdapter.from_settings(email_options(relay.port, **changes), ENV)
    bot = Harness(tmp_path / "bot.db", settings or settings_by_email("my-fp", "th-fp"), [adapter])
    if settings is not None and settings.periods:
        move_to(bot, MID_JANUARY)  # inside the period, so broadcasts go out
    await bot.start()
    mx = await InboundRelay(adapter.port).start()
    return World(
        bot,
        adapter,
        relay,
        mx,
        Correspondent(AINA, BOT, mx.port, "Aina Example"),
        Correspondent(NIRAN, BOT, mx.port, "Niran Example"),
    )


@pytest.fixture
async def world(tmp_path) -> AsyncIterator[World]:  # type: ignore[no-untyped-def]
    w = await start_world(tmp_path)
    yield w
    await w.stop()


async def file_request(world: World, text: str = "urgent Please check passport A1234567.") -> str:
    """An officer on the console files a request to Malaysia; return its id."""
    return await world.bot.file_request(f"MY {text}")


# --- the main scenario -----------------------------------------------------------------------
async def test_a_request_arrives_by_mail_and_the_reply_comes_back(world: World) -> None:
    request_id = await file_request(world, "urgent Please check passport A1234567 <b>&</b>")
    mail = await world.mail_to(AINA)

    assert mail.mail_from == BOT and str(mail.message["From"]) == f"FocalPoint <{BOT}>"
    assert re.match(rf"^\[FocalPoint {request_id} #[a-z2-7]{{10}}\] URGENT Request", mail.subject)
    assert "Please check passport A1234567 <b>&</b>" in mail.body  # plain text, nothing escaped
    assert f"/ack {request_id}" in mail.body
    assert mail.message["Auto-Submitted"] == "auto-generated"
    assert str(mail.message["Message-ID"]).startswith(f"<fp.{request_id}.")

    await world.deliver(world.aina, world.aina.reply(mail, f"/ack {request_id}"))
    assert any("acknowledged by Aina Example" in t for t in world.bot.inbox("au-officer"))
    confirmation = await world.mail_to(AINA, 2)
    assert confirmation.body.startswith(f"You acknowledged {request_id}")

    answer = "Checked: the passport is genuine.\nIt was issued in 2021.\n\n-- \nAina, PDRM"
    await world.deliver(world.aina, world.aina.reply(confirmation, answer))
    relayed = world.bot.last("au-officer")
    assert "Checked: the passport is genuine.\nIt was issued in 2021." in relayed
    assert "On Mon" not in relayed and "\n> " not in relayed and "PDRM" not in relayed
    assert (await world.mail_to(AINA, 3)).body.startswith(f"Sent on {request_id}.")


async def test_a_reply_too_long_is_refused_in_its_thread_with_what_to_do_by_mail(
    world: World,
) -> None:
    request_id = await file_request(world)
    mail = await world.mail_to(AINA)
    await world.deliver(world.aina, world.aina.reply(mail, "Checked. " * 400))  # 3,600
    refusal = await world.mail_to(AINA, 2)
    thread = str(mail.message["References"])  # the request's thread, as its other answers
    assert thread.startswith(f"<fp.{request_id}.")
    assert refusal.message["In-Reply-To"] == refusal.message["References"] == thread
    assert refusal.body.startswith(
        f"{request_id}: your reply is 3,599 characters; the limit is 3,000. Nothing was sent: "
        "please shorten it and send it again, or send it in parts."
    )
    assert f"Reply to this email to write on {request_id}" in refusal.body
    assert "/reply" not in refusal.body
    assert not [t for t in world.bot.inbox("au-officer") if "Checked." in t]  # nothing relayed

    await world.deliver(world.aina, world.aina.reply(refusal, "Checked: genuine."))  # shortened
    assert any("Checked: genuine." in t for t in world.bot.inbox("au-officer"))


async def test_a_reply_matched_by_the_subject_alone_still_works(world: World) -> None:
    request_id = await file_request(world)
    mail = await world.mail_to(AINA)
    reply = world.aina.new_mail("RE: " + mail.subject, "Acknowledged, on it.")  # no thread headers
    await world.deliver(world.aina, reply)
    assert any(
        f"{request_id} · Aina Example" in t and "Acknowledged, on it." in t
        for t in world.bot.inbox("au-officer")
    )


async def test_ack_as_one_word_acknowledges(world: World) -> None:
    request_id = await file_request(world)
    await world.deliver(world.aina, world.aina.reply(await world.mail_to(AINA), "Ack."))
    rows = await world.bot.rows("SELECT status FROM requests WHERE id = ?", [request_id])
    assert rows == [("acknowledged",)]


async def test_the_readers_own_word_for_ack_acknowledges(world: World) -> None:
    """The mail shows the Acknowledge button's label in the reader's language: a Thai focal
    point answering with just that word acknowledges (it was relayed as a reply, and the
    request went on escalating)."""
    await world.bot.say("my-fp", "/language th")
    request_id = await file_request(world)
    mail = await world.mail_to(AINA)
    assert "(ตอบรับ)" in mail.body
    await world.deliver(world.aina, world.aina.reply(mail, "ตอบรับ"))
    rows = await world.bot.rows("SELECT status FROM requests WHERE id = ?", [request_id])
    assert rows == [("acknowledged",)]
    assert not any("ตอบรับ" in t for t in world.bot.inbox("au-officer"))  # not relayed


async def test_a_redelivered_mail_is_handled_once(world: World) -> None:
    await file_request(world)
    reply = world.aina.reply(await world.mail_to(AINA), "Noted, looking into it.")
    await world.deliver(world.aina, reply)
    await world.deliver(world.aina, reply)  # the relay retried: same Message-ID
    relayed = [t for t in world.bot.inbox("au-officer") if "Noted, looking into it." in t]
    assert len(relayed) == 1
    keys = await world.bot.rows("SELECT event_key FROM inbound WHERE event_key LIKE 'email:%'")
    assert keys == [(f"email:{reply['Message-ID']}",)]


async def test_answering_a_broadcast_never_reaches_a_request_its_words_name(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The co-chair's broadcast names a request Aina works on. Her "Noted, thank you." to the
    broadcast is relayed nowhere, and her "ack" acknowledges the broadcast, not the request."""
    settings = settings_by_email("my-fp", "th-fp").model_copy(
        update={"periods": (PERIOD,), "returns": as_configured(shipped_settings().returns)}
    )
    w = await start_world(tmp_path, settings)
    try:
        request_id = await file_request(w)
        await w.mail_to(AINA)
        sent = await broadcast(w.bot, "nz-cochair", f"/broadcast {request_id} is closed, thanks.")
        assert sent[0].startswith("Broadcast B-1 queued")
        news = await w.mail_to(AINA, 2)
        assert re.match(r"^\[FocalPoint B-1 #[a-z2-7]{10}\] JPA-9 · message from", news.subject)

        await w.deliver(w.aina, w.aina.reply(news, "Noted, thank you."))
        assert not any("Noted" in t for t in w.bot.inbox("au-officer"))
        assert "B-1 is a broadcast: to acknowledge it" in (await w.mail_to(AINA, 3)).body
        await w.deliver(w.aina, w.aina.reply(news, "ack"))
        assert (await w.mail_to(AINA, 4)).body.startswith("Thank you; B-1 is acknowledged.")
        acked = "SELECT acknowledged_at IS NOT NULL FROM broadcast_recipients WHERE person_id = ?"
        assert await w.bot.rows(acked, ["my-fp"]) == [(1,)]
        status = "SELECT status FROM requests WHERE id = ?"
        assert await w.bot.rows(status, [request_id]) == [("open",)]
    finally:
        await w.stop()


# --- mail is easy to forge ---------------------------------------------------------------------
async def test_an_address_alone_cannot_open_a_request(world: World) -> None:
    mail = world.aina.new_mail("New request", "/request TH urgent Please trace this number.")
    await world.deliver(world.aina, mail)
    assert await world.bot.rows("SELECT COUNT(*) FROM requests") == [(0,)]
    refusal = await world.mail_to(AINA)
    assert "only take a reply" in refusal.body
    assert refusal.message["In-Reply-To"] == mail["Message-ID"]
    assert refusal.message["Auto-Submitted"] == "auto-replied"


async def test_what_the_mail_adds_is_in_the_readers_language(world: World) -> None:
    with marked("ms"):
        await world.bot.say("my-fp", "/language ms")
        request_id = await file_request(world)
        mail = await world.mail_to(AINA)
        await world.deliver(world.aina, world.aina.new_mail("New", "/request TH urgent x"))
        refusal = await world.mail_to(AINA, 2)
    assert "‹ms›To act, reply with one of these lines as the first line:‹/ms›" in mail.body
    assert f"\n  /ack {request_id}    (‹ms›Acknowledge‹/ms›)" in mail.body  # commands kept
    assert f"‹ms›Reply to this email to write on {request_id}: " in mail.body
    assert refusal.body.startswith("‹ms›Sorry, by email I can only take a reply")


async def test_an_address_alone_cannot_submit_a_return(world: World) -> None:
    await world.deliver(world.aina, world.aina.new_mail("Return", "/return arrests 3"))
    assert "only take a reply" in (await world.mail_to(AINA)).body
    assert await world.bot.rows("SELECT COUNT(*) FROM inbound") == [(0,)]


async def test_a_reply_without_the_token_is_refused(world: World) -> None:
    request_id = await file_request(world)
    await world.mail_to(AINA)
    forged = world.aina.new_mail(f"Re: {request_id}", f"/reply {request_id} Case closed, ignore.")
    await world.deliver(world.aina, forged)
    assert not any("Case closed" in t for t in world.bot.inbox("au-officer"))
    assert "only take a reply" in (await world.mail_to(AINA, 2)).body


async def test_a_token_works_only_for_the_address_it_was_sent_to(world: World) -> None:
    """Thailand's focal point forwards nothing: copying Aina's headers proves nothing for him."""
    request_id = await file_request(world)
    mail = await world.mail_to(AINA)
    copied = world.niran.reply(mail, f"/ack {request_id}")
    await world.deliver(world.niran, copied)
    rows = await world.bot.rows("SELECT status FROM requests WHERE id = ?", [request_id])
    assert rows == [("open",)]
    assert "only take a reply" in (await world.mail_to(NIRAN)).body


async def test_refusals_are_sent_at_most_once_an_hour_per_address(world: World) -> None:
    for n in range(3):
        await world.deliver(world.aina, world.aina.new_mail("hi", f"hello {n}"))
    await world.mail_to(AINA)
    assert len(world.relay.to(AINA)) == 1


async def test_with_trust_sender_an_address_may_open_a_request(tmp_path) -> None:  # type: ignore[no-untyped-def]
    w = await start_world(tmp_path, trust_sender=True)
    try:
        await w.deliver(w.aina, w.aina.new_mail("x", "/request TH routine Please trace a car."))
        assert await w.bot.rows("SELECT requester_id, target_country FROM requests") == [
            ("my-fp", "TH")
        ]
        assert "Request R-" in (await w.mail_to(AINA)).body
    finally:
        await w.stop()


async def test_a_failing_dmarc_verdict_from_our_server_drops_the_mail(world: World) -> None:
    request_id = await file_request(world)
    reply = world.aina.reply(await world.mail_to(AINA), "Forged answer.")
    world.mx.verdicts[AINA] = "spf=pass; dkim=fail; dmarc=fail"
    await world.deliver(world.aina, reply)
    assert not any("Forged answer" in t for t in world.bot.inbox("au-officer"))
    assert len(world.relay.to(AINA)) == 1  # nothing sent back to the forged address
    rows = await world.bot.rows("SELECT status FROM requests WHERE id = ?", [request_id])
    assert rows == [("open",)]


async def test_verdicts_written_by_anyone_else_are_not_believed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    w = await start_world(tmp_path, auth_policy="require_pass")
    try:
        await file_request(w)
        mail = await w.mail_to(AINA)
        w.mx.verdicts[AINA] = NO_VERDICT
        claimed = "mx.attacker.example; spf=pass; dkim=pass; dmarc=pass"
        await w.deliver(w.aina, w.aina.reply(mail, "Claimed pass.", Authentication_Results=claimed))
        ours_below = "mx.bot.example; spf=pass; dkim=pass; dmarc=pass"  # under our server's
        await w.deliver(w.aina, w.aina.reply(mail, "Below.", Authentication_Results=ours_below))
        direct = w.direct(AINA)  # straight to the listener: no server of ours wrote anything
        await w.deliver(direct, direct.reply(mail, "Direct.", Authentication_Results=ours_below))
        assert not any(
            word in t for t in w.bot.inbox("au-officer") for word in ("Claimed", "Below", "Direct")
        )
        del w.mx.verdicts[AINA]  # our server checks and DMARC passes
        await w.deliver(w.aina, w.aina.reply(mail, "Real answer."))
        assert any("Real answer." in t for t in w.bot.inbox("au-officer"))
    finally:
        await w.stop()


# --- trust_sender only for mail our server authenticated ---------------------------------------
@pytest.fixture
async def trusting(tmp_path) -> AsyncIterator[World]:  # type: ignore[no-untyped-def]
    w = await start_world(tmp_path, trust_sender=True)
    yield w
    await w.stop()


async def nothing_filed(w: World) -> None:
    assert await w.bot.rows("SELECT COUNT(*) FROM requests") == [(0,)]
    assert await w.bot.rows("SELECT COUNT(*) FROM inbound") == [(0,)]
    assert w.relay.to(AINA) == []  # and nothing mailed to the (maybe forged) address


async def test_trusted_mail_without_any_verdict_files_nothing(trusting: World) -> None:
    trusting.mx.verdicts[AINA] = NO_VERDICT
    await trusting.deliver(trusting.aina, trusting.aina.new_mail("x", "/request TH routine A."))
    await trusting.deliver(trusting.aina, trusting.aina.new_mail("x", "/return arrests 3"))
    await nothing_filed(trusting)


async def test_trusted_mail_passing_only_spf_files_nothing(trusting: World) -> None:
    """SPF may pass for the forger's own envelope domain; only DMARC speaks for From."""
    trusting.mx.verdicts[AINA] = "spf=pass smtp.mailfrom=forger.example; dmarc=none"
    await trusting.deliver(trusting.aina, trusting.aina.new_mail("x", "/request TH routine A."))
    await nothing_filed(trusting)


async def test_a_verdict_forged_below_ours_is_not_believed(trusting: World) -> None:
    trusting.mx.verdicts[AINA] = NO_VERDICT  # our server found nothing to check
    forged = "mx.bot.example; spf=pass; dkim=pass; dmarc=pass header.from=police.example"
    mail = trusting.aina.new_mail("x", "/request TH routine A.", Authentication_Results=forged)
    await trusting.deliver(trusting.aina, mail)
    await nothing_filed(trusting)


async def test_a_verdict_written_straight_to_our_listener_is_not_believed(trusting: World) -> None:
    forger = trusting.direct(AINA)
    forged = "mx.bot.example; spf=pass; dkim=pass; dmarc=pass header.from=police.example"
    await trusting.deliver(
        forger, forger.new_mail("x", "/return arrests 3", Authentication_Results=forged)
    )
    await trusting.deliver(forger, forger.new_mail("x", "/request TH routine A."))
    await nothing_filed(trusting)


# --- no backscatter ----------------------------------------------------------------------------
async def deliver_all(who: list[Correspondent], body: str) -> None:
    """Each correspondent sends one mail, a few at a time; returns once the bot took them all
    (its answer to each, if any, is sent before it answers 250)."""
    gate = asyncio.Semaphore(10)

    async def one(c: Correspondent) -> None:
        async with gate:
            await c.send(c.new_mail("hello", body))

    await asyncio.gather(*(one(c) for c in who))


async def test_forged_mail_gets_no_refusal_at_all(world: World) -> None:
    """200 mails in forged names: straight to the listener, or failing or unchecked at our
    server. None is answered, so none reaches the people whose addresses were forged."""
    failing = "spf=fail smtp.mailfrom=elsewhere.example; dmarc=fail header.from=elsewhere.example"
    forgers = [world.direct(f"direct{n}@elsewhere.example") for n in range(100)]
    for n in range(100):
        forgers.append(Correspondent(f"relayed{n}@elsewhere.example", BOT, world.mx.port))
        world.mx.verdicts[forgers[-1].address] = failing if n % 2 else NO_VERDICT
    await deliver_all(forgers, "/request TH urgent Please trace this number.")
    await world.bot.settle()
    assert world.relay.caught == []
    assert await world.bot.rows("SELECT COUNT(*) FROM requests") == [(0,)]


async def test_refusals_are_capped_across_all_senders(tmp_path) -> None:  # type: ignore[no-untyped-def]
    w = await start_world(tmp_path, refusals_per_hour=5)
    try:
        senders = [Correspondent(f"u{n}@elsewhere.example", BOT, w.mx.port) for n in range(200)]
        await deliver_all(senders, "/request TH urgent Please trace this number.")
        await w.bot.settle()
        assert len(w.relay.caught) == 5
        assert all("only take a reply" in c.body for c in w.relay.caught)
    finally:
        await w.stop()


async def test_automatic_mail_is_never_answered(world: World) -> None:
    auto = world.aina.new_mail(
        "Out of office", "I am away until Monday.", Auto_Submitted="auto-replied"
    )
    bounce = world.aina.new_mail("Undelivered Mail", "The mail could not be delivered.")
    await world.deliver(world.aina, auto)
    await world.aina.send(bounce, mail_from="")
    await world.bot.settle()
    assert world.relay.caught == []
    assert await world.bot.rows("SELECT COUNT(*) FROM inbound") == [(0,)]


async def test_a_stranger_replying_with_a_copied_token_is_refused(world: World) -> None:
    await file_request(world)
    mail = await world.mail_to(AINA)
    stranger = Correspondent("someone@elsewhere.example", BOT, world.mx.port)
    await world.deliver(stranger, stranger.reply(mail, "Let me help."))
    assert "only take a reply" in (await world.mail_to("someone@elsewhere.example")).body
    assert not any("Let me help" in t for t in world.bot.inbox("au-officer"))


# --- the receiver ------------------------------------------------------------------------------
async def test_the_receiver_takes_mail_for_the_bot_only(world: World) -> None:
    mail = world.aina.new_mail("hi", "hello")
    with pytest.raises(aiosmtplib.SMTPRecipientsRefused):
        await aiosmtplib.send(
            mail,
            sender=AINA,
            recipients=["someone@bot.example"],
            hostname="127.0.0.1",
            port=world.adapter.port,
            start_tls=False,
        )


@pytest.mark.expects_errors
async def test_mail_is_answered_250_only_once_the_core_has_it(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """If the core cannot take a mail, the relay hears 451 and keeps it to try again."""
    relay = await MailServer().start()
    adapter = EmailAdapter.from_settings(email_options(relay.port, trust_sender=True), ENV)
    received: list[Inbound] = []
    mx = InboundRelay(0)

    async def failing_core(event: Inbound) -> None:
        received.append(event)
        raise RuntimeError("store unavailable")

    await adapter.start(failing_core)
    mx.bot_port = adapter.port
    await mx.start()
    try:
        sender = Correspondent(AINA, BOT, mx.port)
        with pytest.raises(aiosmtplib.SMTPDataError) as refused:
            await sender.send(sender.new_mail("x", "/ping"))
        assert refused.value.code == 451 and len(received) == 1
    finally:
        await mx.stop()
        await adapter.stop()
        await relay.stop()


# --- sending failures --------------------------------------------------------------------------
async def test_a_temporary_smtp_failure_is_retried(world: World) -> None:
    world.relay.fail_next("451 4.7.1 Greylisted, try again")
    request_id = await file_request(world)
    mail = await world.mail_to(AINA)
    assert request_id in mail.subject
    rows = await world.bot.rows("SELECT status, attempts FROM outbox WHERE channel = 'email'")
    assert rows[0][0] == "sent" and rows[0][1] >= 1


async def test_an_unknown_mailbox_fails_for_good_and_falls_back(world: World) -> None:
    world.relay.fail_next("550 5.1.1 No such user here")
    await file_request(world)
    rows = await world.bot.rows("SELECT status, error FROM outbox WHERE channel = 'email'")
    assert rows[0][0] == "failed" and rows[0][1].startswith("email refused (550)")
    # no other channel of hers: the console standing in for everyone is no place she reads
    assert "Please check passport" not in world.bot.last("my-fp")
    assert "could not deliver your message to Aina Example on email" in world.bot.last("au-officer")


async def test_the_relay_login_comes_from_the_environment(tmp_path) -> None:  # type: ignore[no-untyped-def]
    relay = await MailServer(user="bot", password="relay-pass").start()
    env = {**ENV, "FOCALBOT_SMTP_USER": "bot", "FOCALBOT_SMTP_PASSWORD": "relay-pass"}
    options = email_options(
        relay.port, smtp_user_env="FOCALBOT_SMTP_USER", smtp_password_env="FOCALBOT_SMTP_PASSWORD"
    )
    adapter = EmailAdapter.from_settings(options, env)
    bot = Harness(tmp_path / "bot.db", settings_by_email("my-fp"), [adapter])
    await bot.start()
    try:
        await bot.say("au-officer", "/request MY routine Please check a plate.")
        await bot.settle()
        await relay.wait_for(lambda: relay.to(AINA))
        assert relay.logins == ["bot"]
        assert "relay-pass" not in repr(adapter.__dict__)
    finally:
        await bot.stop()
        await relay.stop()


def self_signed(directory: Path) -> tuple[ssl.SSLContext, str]:
    """A certificate for ``localhost`` made with the openssl tool; the server's context and the
    file the bot trusts."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl tool is not installed")
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost"]
        + ["-addext", "subjectAltName=DNS:localhost"],
        check=True,
        capture_output=True,
        timeout=30,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context, str(cert)


async def test_mail_goes_out_over_starttls_with_the_certificate_verified(tmp_path) -> None:  # type: ignore[no-untyped-def]
    context, ca_file = self_signed(tmp_path)
    relay = await MailServer(user="bot", password="relay-pass", tls=context).start()
    env = {**ENV, "FOCALBOT_SMTP_USER": "bot", "FOCALBOT_SMTP_PASSWORD": "relay-pass"}
    options = email_options(
        relay.port,
        smtp_host="localhost",
        smtp_security="starttls",
        smtp_ca_file=ca_file,
        smtp_user_env="FOCALBOT_SMTP_USER",
        smtp_password_env="FOCALBOT_SMTP_PASSWORD",
    )
    adapter = EmailAdapter.from_settings(options, env)
    untrusting = EmailAdapter.from_settings({**options, "smtp_ca_file": ""}, env)
    try:
        await adapter.send(Outbound(1, "email", AINA, "Request R-2026-0001 for you"))
        caught = await relay.wait_for(lambda: relay.to(AINA))
        assert caught[0].encrypted and relay.logins == ["bot"]
        with pytest.raises(TransientError):  # an unknown certificate is never accepted
            await untrusting.send(Outbound(2, "email", AINA, "x"))
        assert len(relay.to(AINA)) == 1
    finally:
        await relay.stop()
