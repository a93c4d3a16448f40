"""The other side of the email channel: a real SMTP server catching what the bot sends, and
people writing mail into the bot's receiver.

:class:`MailServer` is aiosmtpd's real SMTP protocol on 127.0.0.1 (a free port chosen first),
standing in for the organisation's outgoing relay. It records every mail with its envelope,
checks the login when given credentials, and can be told to answer the next mails with an
SMTP error (``fail_next("550 5.1.1 No such user")``), so the bot's aiosmtplib client goes
through the real failure paths. :class:`Correspondent` is a person's mail client: it writes new
mail or replies (with the quoted history and headers a client adds) and delivers them with
aiosmtplib, either straight to the bot's receiver or to :class:`InboundRelay`, the
organisation's receiving server, which adds its Authentication-Results header on top and hands
the mail on to the bot from its own address (the bot's ``relay_hosts``).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, make_msgid
from typing import Any

import aiosmtplib
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

RECHECK = 0.05  # seconds: wait_for also notices changes made outside the fake


def free_port() -> int:
    """A port nobody listens on now (aiosmtpd's Controller cannot take port 0)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Caught:
    """One mail the server accepted."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    encrypted: bool = False  # whether the session had switched to TLS (STARTTLS)

    @property
    def to(self) -> str:
        return self.rcpt_tos[0]

    @property
    def body(self) -> str:
        return str(self.message.get_body(preferencelist=("plain",)).get_content())  # type: ignore[union-attr]

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])


@dataclass
class MailServer:
    """A real SMTP server that keeps what it is sent."""

    user: str = ""
    password: str = ""
    tls: ssl.SSLContext | None = None  # offer STARTTLS with this, and require it
    caught: list[Caught] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    port: int = 0
    _server: asyncio.Server | None = None
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    async def start(self) -> MailServer:
        self.port = free_port()
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(self._protocol, "127.0.0.1", self.port)
        return self

    def _protocol(self) -> SMTP:
        with warnings.catch_warnings():  # login without TLS: fine on 127.0.0.1 in a test
            warnings.simplefilter("ignore", UserWarning)
            return SMTP(
                self,
                hostname="relay.test",
                auth_required=bool(self.user),
                auth_require_tls=False,
                authenticator=self._authenticate if self.user else None,
                tls_context=self.tls,
                require_starttls=self.tls is not None,
            )

    async def stop(self) -> None:
        if self._server:
            self._server.close()
            await self._server.wait_closed()

    def fail_next(self, answer: str) -> None:
        """Answer the next mail's DATA with ``answer`` (e.g. ``"451 4.7.1 Try later"``)."""
        self.failures.append(answer)

    def to(self, address: str) -> list[Caught]:
        """Every mail sent to ``address``."""
        return [c for c in self.caught if address in c.rcpt_tos]

    async def wait_for(self, check: Callable[[], Any], within: float = 10.0) -> Any:
        """Wait until ``check()`` is truthy (checked on every mail); return its value.

        ``within`` only bounds a hung test; it asserts nothing about speed.
        """
        async with asyncio.timeout(within):
            while not (result := check()):
                self._changed.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), RECHECK)
            return result

    # --- aiosmtpd hooks ---------------------------------------------------------------
    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (
            data.login.decode(),
            data.password.decode(),
        ) == (self.user, self.password)
        if ok:
            self.logins.append(data.login.decode())
        return AuthResult(success=ok)

    async def handle_DATA(  # noqa: N802
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        if self.failures:
            return self.failures.pop(0)
        content = envelope.original_content or b""
        message = BytesParser(policy=policy.default).parsebytes(content)
        encrypted = session.ssl is not None
        self.caught.append(
            Caught(str(envelope.mail_from), list(envelope.rcpt_tos), message, encrypted)
        )  # type: ignore[arg-type]
        self._changed.set()
        return "250 OK"


PASS = (
    "spf=pass smtp.mailfrom={domain}; dkim=pass header.d={domain}; dmarc=pass header.from={domain}"
)
NO_VERDICT = "none"  # RFC 8601: the server checked nothing it could report


@dataclass
class InboundRelay:
    """The organisation's receiving mail server in front of the bot's receiver.

    It takes mail with aiosmtpd's real protocol, writes its verdict (by default a DMARC pass;
    per sender in ``verdicts``) into an Authentication-Results header above all the others, as
    a real server does, and hands the mail on over SMTP from ``source``. An answer other than
    250 from the bot is passed back to the sender.
    """

    bot_port: int
    authserv_id: str = "mx.bot.example"
    source: str = "127.0.0.2"  # the address the bot sees this server connect from
    verdicts: dict[str, str] = field(default_factory=dict)  # sender address -> results
    port: int = 0
    _server: asyncio.Server | None = None

    async def start(self) -> InboundRelay:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            lambda: SMTP(self, hostname="mx.test"), "127.0.0.1", 0
        )
        self.port = int(self._server.sockets[0].getsockname()[1])
        return self

    async def stop(self) -> None:
        if self._server:
            self._server.close()
            await self._server.wait_closed()

    def stamp(self, content: bytes) -> bytes:
        """The mail with this server's verdict on top."""
        message = BytesParser(policy=policy.default).parsebytes(content, headersonly=True)
        sender = getaddresses([str(message.get("From", ""))])[0][1].lower()
        default = PASS.format(domain=sender.rpartition("@")[2] or "unknown.example")
        verdict = self.verdicts.get(sender, default)
        return f"Authentication-Results: {self.authserv_id}; {verdict}\r\n".encode() + content

    async def handle_DATA(  # noqa: N802
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        stamped = self.stamp(envelope.original_content or b"")
        client = aiosmtplib.SMTP(
            hostname="127.0.0.1",
            port=self.bot_port,
            start_tls=False,
            source_address=(self.source, 0),
            timeout=10,
        )
        try:
            async with client:
                sender = str(envelope.mail_from or "").strip("<>")  # "<>": a bounce
                await client.sendmail(sender, envelope.rcpt_tos, stamped)
        except aiosmtplib.SMTPResponseException as exc:
            return f"{exc.code} {exc.message}"
        except aiosmtplib.SMTPRecipientsRefused as exc:
            return f"{exc.recipients[0].code} {exc.recipients[0].message}"
        return "250 OK"


@dataclass
class Correspondent:
    """A person's mail client, delivering to the bot's SMTP receiver."""

    address: str
    bot_address: str
    port: int
    name: str = ""

    def new_mail(self, subject: str, body: str, **headers: str) -> EmailMessage:
        """A fresh mail to the bot."""
        mail = EmailMessage()
        mail["From"] = f"{self.name} <{self.address}>" if self.name else self.address
        mail["To"] = self.bot_address
        mail["Subject"] = subject
        mail["Message-ID"] = make_msgid(domain=self.address.rpartition("@")[2])
        for name, value in headers.items():
            mail[name.replace("_", "-")] = value
        mail.set_content(body)
        return mail

    def reply(self, to: Caught, body: str, quote: bool = True, **headers: str) -> EmailMessage:
        """A reply to a mail from the bot, as a client writes it: Re:, thread headers, quote."""
        original = to.message
        quoted = "\n".join("> " + line for line in to.body.splitlines())
        text = (
            f"{body}\n\nOn Mon, 4 May 2026 at 10:02, FocalPoint wrote:\n{quoted}\n"
            if quote
            else body
        )
        mail = self.new_mail("Re: " + str(original["Subject"]), text, **headers)
        mail["In-Reply-To"] = str(original["Message-ID"])
        mail["References"] = f"{original.get('References', '')} {original['Message-ID']}".strip()
        return mail

    async def send(self, mail: EmailMessage, mail_from: str | None = None) -> None:
        """Deliver to the bot's receiver; raises what aiosmtplib raises on a refusal.

        ``mail_from=""`` sends with the empty envelope sender of a bounce.
        """
        if mail_from == "":
            client = aiosmtplib.SMTP(hostname="127.0.0.1", port=self.port, start_tls=False)
            async with client:
                await client.sendmail("", [self.bot_address], mail.as_bytes())
            return
        await aiosmtplib.send(
            mail,
            sender=mail_from or self.address,
            recipients=[self.bot_address],
            hostname="127.0.0.1",
            port=self.port,
            start_tls=False,
            timeout=10,
        )
