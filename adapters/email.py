"""The email channel: mail out with aiosmtplib, mail in as an SMTP receiver or from IMAP.

Outbound, each outbox message is one mail sent over SMTP (STARTTLS, implicit TLS, or plain
for a relay on localhost), authenticated with a user and password from the environment when
those variables are named. Mail about a request carries a reply token (see
:mod:`adapters.email_convert`), so a reply can be matched to its request and proves the
request was sent to the replying address.

Inbound comes one of two ways, by ``inbound`` in the config:

- ``"smtp"``: an aiosmtpd server in the bot's own event loop on ``listen:port``, normally
  behind the organisation's mail server, which relays the bot's address to it and adds
  ``Authentication-Results``. A mail is answered ``250`` only once the core has committed it
  (:meth:`bot.app.App.submit`); if that fails the answer is ``451`` and the relaying server
  tries again later. The Message-ID de-duplicates such redeliveries.
- ``"imap"``: the mailbox is polled with aioimaplib; a mail is marked ``\\Seen`` only once
  the core has committed it, so a crash in between means it is read again (and de-duplicated).

A mail that cannot be read (beyond the bounds of :func:`adapters.email_convert.oversized`, or
one the standard library's parser fails on) is logged and dropped for good: answered ``554``,
or marked ``\\Seen``, so no relay offers it for ever and no poll stops at it.

Mail is easy to forge. Only the verdicts of our own receiving server are believed: the topmost
Authentication-Results header naming ``authserv_id``, and over SMTP only on mail handed to us by
one of ``relay_hosts`` (mail written straight to our listener carries whatever headers its
sender wrote). They are logged with every mail and, by ``auth_policy``, a failing (or not
passing) mail is dropped. Unless ``trust_sender`` is set and DMARC passed, an address alone may
only reply to or acknowledge a request, or acknowledge a broadcast, that was sent to it;
anything else is refused. A reply token proves something for ``token_days`` after its mail
was sent; a reply to older mail is refused with a request to answer the latest mail. The same
reply (sender, command and files) arriving again under another Message-ID within ten minutes
is a replay and is dropped: the event carries its :func:`replay_key`, which the core keeps
(:data:`bot.inbound_store.REPLAY_WINDOW`), so on any replica and after a restart too. A mail
with no new text (all quote) is answered that nothing was sent. A refusal, or that answer, is
mailed only to a sender DMARC vouches for, and at most ``refusals_per_hour`` in all, so
forged mail cannot make the bot send mail to the forged addresses (backscatter). Without
``authserv_id`` no verdict is read at all: the start says so in a warning.

Configured by ``[channels.email]`` in ``bot.toml``; the token-signing secret and the passwords
come from the environment variables named there and are never logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import re
import secrets
import ssl
import time
from collections.abc import AsyncIterator, Callable, Mapping
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import aioimaplib
import aiosmtplib
from aiolimiter import AsyncLimiter
from aiosmtpd.smtp import SMTP, Envelope, Session
from pydantic import BaseModel, ConfigDict

from adapters.email_convert import (
    CHANNEL,
    MAX_LINES,
    BotAddress,
    Mail,
    Unreadable,
    attachments_of,
    command_for,
    compose,
    expired_token,
    issue_day,
    map_error,
    mentioned_request,
    named_ids,
    oversized,
    parse_mail,
    proven_requests,
    read_message,
    refusal,
    replay_key,
    sender_domain,
    subject_line,
    text_event,
)
from adapters.email_options import EmailOptions, parse_options, unchecked_senders
from adapters.env import required_secret
from bot.clock import Clock
from bot.errors import ConfigError, PermanentError, TransientError
from bot.events import IncomingFile, Outbound, Sender
from bot.i18n import Msg, _
from bot.ports import Adapter, EventSink, Pacing

log = logging.getLogger(__name__)

EMAIL_PACING = Pacing(per_chat_interval=0.0, overall_rate=5.0, max_attempts=8)
"""A few mails a second keeps a relay's anti-abuse limits quiet; mail has no buttons."""

REFUSAL_INTERVAL = 3600.0  # seconds: at most one refusal per address in this time
REFUSALS_REMEMBERED = 10_000  # addresses; older ones are forgotten beyond this
NOTHING_NEW = _(
    "I found no new text in your reply above the quoted message; nothing was sent."
)  # the answer to a mail that is all quote (or empty)
PLAIN_ADDRESS = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+$")
MAX_FILE = 15 * 1024 * 1024  # bytes of one file sent by mail
MIN_SECRET_LENGTH = 32  # characters of FOCALBOT_EMAIL_SECRET (token_env); fewer: a warning
SHORTEST_SECRET = 16  # fewer than this: the email channel is refused
FILE_CHUNK = 256 * 1024
MAX_IMAP_BACKOFF = 300.0  # seconds between IMAP attempts while the server is unreachable
_SMTP_ERRORS = (aiosmtplib.SMTPException, OSError, TimeoutError)
Attached = tuple[IncomingFile, bytes]  # a file of an inbound mail, and its bytes
_IMAP_ERRORS = (aioimaplib.Abort, aioimaplib.CommandTimeout, OSError, TimeoutError, IndexError)


def _from_env(env: Mapping[str, str], name: str, key: str, required: bool = False) -> str:
    if required:
        return required_secret(env, "email", key, name)
    return env.get(name, "") if name else ""


def _long_enough(secret: str, name: str) -> None:
    """The reply tokens are only as hard to forge as this secret is to guess. A warning, not
    a refusal: changing the secret voids the reply tokens in every mail already sent, so an
    existing deployment chooses its moment."""
    if len(secret) < SHORTEST_SECRET:  # a guessable secret forges every reply token
        raise ConfigError(
            f"channels.email.token_env: {name} is too short to sign the reply tokens in mail: "
            f"it must be a random string of at least {MIN_SECRET_LENGTH} characters (e.g. the "
            "output of `openssl rand -base64 32`)"
        )
    if len(secret) < MIN_SECRET_LENGTH:
        log.warning(
            "channels.email.token_env: %s is too short: it signs the reply tokens in mail, so "
            "it should be a random string of at least %d characters (e.g. the output of "
            "`openssl rand -base64 32`); a new one voids the reply tokens of mail already sent",
            name,
            MIN_SECRET_LENGTH,
        )


class Credentials(BaseModel):
    """Secrets read from the environment once, at build time (never logged)."""

    model_config = ConfigDict(frozen=True)

    token_secret: str
    smtp_user: str = ""
    smtp_password: str = ""
    imap_user: str = ""
    imap_password: str = ""

    def __repr__(self) -> str:
        return "Credentials(<hidden>)"

    __str__ = __repr__


class EmailAdapter(Adapter):
    """Sends the core's messages as mail; turns replies into the core's commands."""

    channel = CHANNEL
    pacing = EMAIL_PACING
    sends_files = True  # as attachments
    max_upload = MAX_FILE  # base64 makes a file a third larger; most servers take 25 MB

    def __init__(self, options: EmailOptions, credentials: Credentials) -> None:
        self.options, self._credentials = options, credentials
        self.max_download = options.max_message_bytes  # a file cannot be larger than its mail
        self._attached: dict[str, bytes] = {}  # files of mails being handed over, by remote
        self.me = BotAddress(options.address.lower(), options.display_name)
        self._sink: EventSink | None = None
        self._server: asyncio.Server | None = None
        self._poller: asyncio.Task[None] | None = None
        self._refused_at: dict[str, float] = {}
        # a leaky bucket: refusals_per_hour at once, then refilled over the hour
        self._refusals = AsyncLimiter(max(options.refusals_per_hour, 1), REFUSAL_INTERVAL)
        self._tls = _tls_context(options.smtp_ca_file)
        self._warned = False
        self.clock: Callable[[], datetime] = Clock().now  # tokens' days; tests move it
        self.port = 0

    @classmethod
    def from_settings(cls, options: Mapping[str, object], env: Mapping[str, str]) -> EmailAdapter:
        """Build from ``[channels.email]`` and the environment holding the secrets."""
        parsed = parse_options(options)
        imap = parsed.inbound == "imap"
        credentials = Credentials(
            token_secret=_from_env(env, parsed.token_env, "token_env", required=True),
            smtp_user=_from_env(env, parsed.smtp_user_env, "smtp_user_env"),
            smtp_password=_from_env(env, parsed.smtp_password_env, "smtp_password_env"),
            imap_user=_from_env(env, parsed.imap_user_env, "imap_user_env", required=imap),
            imap_password=_from_env(env, parsed.imap_password_env, "imap_password_env", imap),
        )
        _long_enough(credentials.token_secret, parsed.token_env)
        return cls(parsed, credentials)

    # --- lifecycle ----------------------------------------------------------------------
    async def start(self, sink: EventSink) -> None:
        """Start receiving: serve SMTP, or poll the IMAP mailbox."""
        self._sink = sink
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every address
        if not self._warned and (warning := unchecked_senders(self.options)):
            log.warning("%s", warning)  # once: a start retried in the background says it again
            self._warned = True
        if self.options.inbound == "smtp":
            await self._serve_smtp()
        elif self.options.inbound == "imap" and not self.intake_on_demand:
            await self.start_intake()
        log.info("email: receiving by %s as %s", self.options.inbound, self.me.address)

    @property
    def exclusive_intake(self) -> bool:
        """IMAP polling runs on one replica at a time; the SMTP listener on every one."""
        return self.options.inbound == "imap"

    async def start_intake(self) -> None:
        """Begin polling the mailbox (this replica holds the intake lease)."""
        if self.options.inbound != "imap" or self._poller is not None:
            return
        self._poller = asyncio.create_task(self._poll_imap(), name="email-imap")
        self._poller.add_done_callback(_report_end)

    async def stop_intake(self) -> None:
        """Stop polling; a mail being handed over finishes first. Sending goes on."""
        poller, self._poller = self._poller, None
        if poller is not None:
            poller.cancel()
            await asyncio.gather(poller, return_exceptions=True)

    async def stop(self) -> None:
        """Stop receiving; a mail being handed over finishes first. Sending still works."""
        await self.stop_intake()
        server, self._server = self._server, None
        if server is not None:
            server.close()
            await server.wait_closed()
        self._sink = None

    async def _serve_smtp(self) -> None:
        receiver = _Receiver(self)
        loop = asyncio.get_running_loop()
        try:
            self._server = await loop.create_server(
                lambda: SMTP(
                    receiver,
                    hostname=self.me.domain,
                    data_size_limit=self.options.max_message_bytes,
                    enable_SMTPUTF8=True,
                ),
                self.options.listen,
                self.options.port,
            )
        except OSError as exc:
            raise TransientError(f"email: cannot listen on port {self.options.port}") from exc
        self.port = int(self._server.sockets[0].getsockname()[1])

    # --- sending ------------------------------------------------------------------------
    async def send(self, message: Outbound) -> str:
        """One mail per message; returns its Message-ID."""
        if not PLAIN_ADDRESS.match(message.address):
            raise PermanentError("email: not a plain mail address")
        body = None
        if message.attachment is not None:
            try:
                body = await asyncio.to_thread(Path(message.attachment.path).read_bytes)
            except OSError as exc:
                raise PermanentError(f"email: the file to send is gone ({exc.strerror})") from exc
        secret, nonce = self._credentials.token_secret, secrets.token_hex(6)
        language, day = self.language_of(message.person_id), issue_day(self.clock())
        mail = compose(message, self.me, secret, nonce, language, body, day)
        await self._deliver(mail, message.address)
        return str(mail["Message-ID"])

    async def _deliver(self, mail: EmailMessage, to: str) -> None:
        options, credentials = self.options, self._credentials
        try:
            await aiosmtplib.send(
                mail,
                sender=self.me.address,
                recipients=[to],
                hostname=options.smtp_host,
                port=options.smtp_port,
                username=credentials.smtp_user or None,
                password=credentials.smtp_password or None,
                use_tls=options.smtp_security == "tls",
                start_tls=options.smtp_security == "starttls",
                tls_context=self._tls,
                timeout=options.smtp_timeout,
            )
        except _SMTP_ERRORS as exc:
            raise map_error(exc) from exc

    # --- receiving ----------------------------------------------------------------------
    async def receive(
        self, raw: bytes, envelope_from: str | None = None, from_relay: bool = True
    ) -> None:
        """Act on one inbound mail; return once the core has committed it (or it was dropped).

        ``envelope_from`` is the SMTP ``MAIL FROM`` when we are the receiving server: empty
        for bounces. ``from_relay`` is false for mail that did not come through our own mail
        server (its headers are all the sender's, so no verdict in them is believed). Raises
        when the core could not take the mail, so it is offered again, and
        :class:`~adapters.email_convert.Unreadable` (logged here) when it cannot be read, so it
        is dropped for good.
        """
        # parsing and cutting the quoted history of a large mail is CPU work: on a thread,
        # so a hostile 2 MB body does not stall the event loop for everyone else
        try:
            mail, request_id, command, attached = await asyncio.to_thread(
                _read_mail, raw, self.options.authserv_id if from_relay else ""
            )
        except Unreadable as exc:
            domain, size = sender_domain(raw), len(raw)
            log.warning("email: a mail from %s (%d bytes) dropped unread: %s", domain, size, exc)
            raise
        if envelope_from in ("", "<>"):
            mail = dataclasses.replace(mail, automatic=True)
        if not self._acceptable(mail):
            return
        if not command:
            log.info("email %s: nothing new in the body; nothing passed on", mail.message_id[:80])
            await self._answer(mail, NOTHING_NEW)  # or they wait for an answer that never comes
            return
        # reading every id of a long command, and the HMACs of its tokens: CPU work too
        reason = await asyncio.to_thread(self._refusal, mail, command, request_id)
        if reason is not None:
            await self._refuse(mail, reason)
            return
        if self._sink is None:
            raise RuntimeError("email channel is not receiving")
        key = replay_key(mail.sender, command, (body for _file, body in attached))
        token, files = secrets.token_hex(8), []
        for file, body in attached:
            file = dataclasses.replace(file, remote=f"{token}:{file.remote}")
            self._attached[file.remote] = body
            files.append(file)
        try:
            await self._sink(text_event(mail, command, tuple(files), key))
        finally:
            for file in files:
                self._attached.pop(file.remote, None)

    def _refusal(self, mail: Mail, command: str, about: str) -> Msg | None:
        """Why this sender may not run ``command`` by mail (None when they may); a token that
        expired is looked for only then, as it costs hundreds of HMACs."""
        secret, days = self._credentials.token_secret, self.options.token_days
        today = issue_day(self.clock())
        proven = proven_requests(secret, mail.sender, mail.thread, mail.subject, today, days)
        trusted = self.options.trust_sender and mail.auth.sender_verified
        reason = refusal(command, proven, trusted, about, days=days)
        if reason is None:
            return None
        target = next((item for item in named_ids(command) if item not in proven), "")
        if not target:
            return reason
        old = expired_token(secret, mail.sender, mail.thread, mail.subject, target, today, days)
        return refusal(command, proven, trusted, about, stale={target} if old else (), days=days)

    async def fetch_file(self, file: IncomingFile) -> AsyncIterator[bytes]:
        """An attachment of the mail being handed over."""
        body = self._attached.get(file.remote)
        if body is None:
            raise PermanentError("email: the attachment is no longer at hand")
        for start in range(0, len(body), FILE_CHUNK):
            yield body[start : start + FILE_CHUNK]

    def _acceptable(self, mail: Mail) -> bool:
        """Log the verdicts; drop automatic mail and mail the policy does not believe."""
        log.info("email %s: %s", mail.message_id[:80], mail.auth)
        if not mail.sender or mail.sender == self.me.address:
            log.warning("email %s: no single sender address; ignored", mail.message_id[:80])
            return False
        if mail.automatic:
            log.info(
                "email %s: automatic mail (bounce, auto-reply, list); ignored", mail.message_id[:80]
            )
            return False
        policy_name = self.options.auth_policy
        if (policy_name == "reject_fail" and mail.auth.failed) or (
            policy_name == "require_pass" and not mail.auth.passed
        ):
            log.warning(
                "email %s: refused by auth_policy %s (%s); not answered",
                mail.message_id[:80],
                policy_name,
                mail.auth,
            )
            return False
        return True

    async def _refuse(self, mail: Mail, reason: Msg) -> None:
        """Answer a refused mail politely if we may (see :meth:`_may_answer`)."""
        log.info("email %s: command refused (sender not trusted for it)", mail.message_id[:80])
        await self._answer(mail, reason)

    async def _answer(self, mail: Mail, reason: Msg) -> None:
        """Tell the sender, in their language, why their mail went nowhere, if we may (see
        :meth:`_may_answer`)."""
        if not await self._may_answer(mail):
            return
        answer = EmailMessage()
        answer["From"], answer["To"] = str(self.me_header()), mail.sender
        reader = Sender(CHANNEL, mail.sender)  # a person in the directory, or a stranger
        subject = mail.subject or self.for_reader(_("your message"), reader)
        answer["Subject"] = "Re: " + subject_line(subject)
        answer["Auto-Submitted"] = "auto-replied"
        if mail.message_id:
            answer["In-Reply-To"] = answer["References"] = mail.message_id
        answer["Message-ID"] = f"<fp.refusal.{secrets.token_hex(8)}@{self.me.domain}>"
        answer.set_content(self.for_reader(reason, reader) + "\n")
        try:
            await self._deliver(answer, mail.sender)
        except (PermanentError, TransientError) as exc:
            log.warning("email: could not send an answer: %s", exc)

    async def _may_answer(self, mail: Mail) -> bool:
        """Whether a refusal may be mailed back (each answer taken here counts).

        Never to a sender DMARC does not vouch for: the address may be forged, and answering
        would mail an innocent third party. Then at most once an hour per address, and at most
        ``refusals_per_hour`` in all, whatever the number of senders.
        """
        if not mail.auth.sender_verified:
            log.info("email %s: sender not authenticated; not answered", mail.message_id[:80])
            return False
        now = time.monotonic()
        if now - self._refused_at.get(mail.sender, -REFUSAL_INTERVAL) < REFUSAL_INTERVAL:
            return False
        if self.options.refusals_per_hour == 0 or not self._refusals.has_capacity():
            log.warning("email: refusals_per_hour reached; %s not answered", mail.message_id[:80])
            return False
        await self._refusals.acquire()  # there is room, so this takes it without waiting
        self._refused_at[mail.sender] = now
        if len(self._refused_at) > REFUSALS_REMEMBERED:  # a flood of senders
            self._refused_at = {
                a: t for a, t in self._refused_at.items() if now - t < REFUSAL_INTERVAL
            }
        return True

    def me_header(self) -> str:
        """The bot's From header."""
        return f'"{self.me.display_name}" <{self.me.address}>'

    # --- IMAP ---------------------------------------------------------------------------
    async def _poll_imap(self) -> None:
        """Read unseen mail, hand each to the core, then mark it seen; repeat."""
        failures = 0
        while True:
            try:
                await self._imap_session()
                failures = 0
            except _IMAP_ERRORS as exc:
                failures += 1
                delay = min(MAX_IMAP_BACKOFF, self.options.poll_interval * 2 ** (failures - 1))
                log.warning("email: IMAP failed (%s); retrying in %.0fs", type(exc).__name__, delay)
                await asyncio.sleep(delay)

    async def _imap_session(self) -> None:
        client = self._imap_client()
        await client.wait_hello_from_server()
        try:
            await _ok(client.login(self._credentials.imap_user, self._credentials.imap_password))
            await _ok(client.select(self.options.imap_mailbox))
            while True:
                await self._read_unseen(client)
                await asyncio.sleep(self.options.poll_interval)
        finally:
            with contextlib.suppress(*_IMAP_ERRORS):
                await client.logout()

    def _imap_client(self) -> aioimaplib.IMAP4:
        host, port = self.options.imap_host, self.options.imap_port
        if self.options.imap_security == "tls":
            return aioimaplib.IMAP4_SSL(host, port, timeout=self.options.smtp_timeout)
        return aioimaplib.IMAP4(host, port, timeout=self.options.smtp_timeout)

    async def _read_unseen(self, client: aioimaplib.IMAP4) -> None:
        found = await _ok(client.uid_search("UNSEEN"))
        for uid in found.lines[0].decode().split():
            fetched = await _ok(client.uid("fetch", uid, "(BODY.PEEK[])"))
            raw = next((bytes(line) for line in fetched.lines if isinstance(line, bytearray)), b"")
            if len(raw) <= self.options.max_message_bytes:
                try:
                    await self.receive(raw)
                except Unreadable:
                    pass  # logged, and never readable: marked seen below, so polling moves on
                except Exception:
                    log.exception("email: mail %s not handed over; left unseen for later", uid)
                    return
            await _ok(client.uid("store", uid, "+FLAGS", "(\\Seen)"))


class _Receiver:
    """aiosmtpd's handler: only our address is taken, and 250 means committed."""

    def __init__(self, adapter: EmailAdapter) -> None:
        self.adapter = adapter

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook name)
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if address.strip().lower() != self.adapter.me.address:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 (aiosmtpd's hook name)
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        content = envelope.original_content or envelope.content or b""
        raw = content if isinstance(content, bytes) else content.encode()
        try:
            relayed = self.adapter.options.from_relay(session.peer)
            await self.adapter.receive(raw, str(envelope.mail_from or ""), relayed)
        except Unreadable:
            return "554 5.6.0 Message refused: too large or too complex to read"  # logged
        except Exception:
            log.exception("email: a mail was not handed over; the sender will retry")
            return "451 4.3.0 Not processed, please try again later"
        return "250 OK"


def _tls_context(ca_file: str) -> ssl.SSLContext | None:
    """Certificates are always verified; a private CA may be named instead of the system's."""
    if not ca_file:
        return None
    try:
        return ssl.create_default_context(cafile=ca_file)
    except (OSError, ssl.SSLError) as exc:
        raise ConfigError(f"channels.email.smtp_ca_file: cannot read {ca_file!r}") from exc


async def _ok(call: Any) -> aioimaplib.Response:
    """Await an IMAP command; an answer other than OK is a failure worth reconnecting for."""
    response = await call
    if response.result != "OK":
        raise aioimaplib.Abort(f"IMAP answered {response.result}")
    return response


def _report_end(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("email: IMAP polling stopped", exc_info=task.exception())


def _read_mail(raw: bytes, authserv_id: str) -> tuple[Mail, str, str, list[Attached]]:
    """What a raw mail says, the request it is about, the command it stands for and its files.

    Raises :class:`Unreadable` for a mail beyond the bounds, and for any failure to read it:
    the standard library's parser recurses on nested input and raises ValueError, LookupError
    or IndexError on malformed headers, and a mail that failed once fails every time.
    """
    if bound := oversized(raw):
        raise Unreadable(bound)
    try:
        message = read_message(raw)
        mail = parse_mail(message, authserv_id)
        if mail.body.count("\n") > MAX_LINES:  # decoded from base64: not counted in the raw
            raise Unreadable(f"its text has over {MAX_LINES:,} lines")
        request_id = mentioned_request(mail.thread, mail.subject)
        return mail, request_id, command_for(mail.body, request_id), attachments_of(message)
    except Unreadable:
        raise
    except Exception as exc:
        raise Unreadable(f"the parser failed on it ({type(exc).__name__})") from exc
