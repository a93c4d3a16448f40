"""The email channel reading an IMAP mailbox: the real aioimaplib client against a small IMAP
server on 127.0.0.1 that speaks just the commands the adapter uses (CAPABILITY, LOGIN,
SELECT, UID SEARCH, UID FETCH, UID STORE, LOGOUT). A mail is marked ``\\Seen`` only once the
core has committed it."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import pytest

from adapters.email import EmailAdapter
from bot.events import Inbound
from tests.fake_email import Correspondent, MailServer
from tests.harness import Harness
from tests.test_email import AINA, BOT, ENV, email_options, settings_by_email

IMAP_ENV = {**ENV, "FOCALBOT_IMAP_USER": "focalpoint", "FOCALBOT_IMAP_PASSWORD": 'p"w d'}
RECHECK = 0.05


@dataclass
class Stored:
    uid: int
    raw: bytes
    flags: set[str] = field(default_factory=set)


@dataclass
class FakeImap:
    """One mailbox (INBOX) for one user, served over plain IMAP on a local port."""

    user: str = "focalpoint"
    password: str = 'p"w d'
    mails: list[Stored] = field(default_factory=list)
    fetched: list[int] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    port: int = 0
    _server: asyncio.Server | None = None
    _next_uid: int = 1
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    async def start(self) -> FakeImap:
        self._server = await asyncio.start_server(self._session, "127.0.0.1", 0)
        self.port = int(self._server.sockets[0].getsockname()[1])
        return self

    async def stop(self) -> None:
        if self._server:
            self._server.close()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._server.wait_closed(), 2)

    def deliver(self, mail: EmailMessage) -> int:
        uid, self._next_uid = self._next_uid, self._next_uid + 1
        self.mails.append(Stored(uid, mail.as_bytes()))
        return uid

    def seen(self, uid: int) -> bool:
        return any(m.uid == uid and "\\Seen" in m.flags for m in self.mails)

    async def wait_for(self, check: Callable[[], Any], within: float = 10.0) -> Any:
        """Wait until ``check()`` is truthy; ``within`` only bounds a hung test."""
        async with asyncio.timeout(within):
            while not (result := check()):
                self._changed.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), RECHECK)
            return result

    async def _session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"* OK fake IMAP ready\r\n")
        with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError):
            while line := await reader.readline():
                tag, _, rest = line.decode().rstrip("\r\n").partition(" ")
                answer = self._answer(tag, rest)
                writer.write(answer)
                await writer.drain()
                self._changed.set()
                if rest.upper().startswith("LOGOUT"):
                    break
        writer.close()

    def _answer(self, tag: str, command: str) -> bytes:
        name = command.split(" ", 1)[0].upper()
        if name == "UID":
            name = "UID " + command.split(" ", 2)[1].upper()
        handler = {
            "CAPABILITY": lambda: b"* CAPABILITY IMAP4rev1 UIDPLUS\r\n",
            "LOGIN": lambda: self._login(command),
            "SELECT": lambda: f"* {len(self.mails)} EXISTS\r\n".encode(),
            "UID SEARCH": self._search,
            "UID FETCH": lambda: self._fetch(command),
            "UID STORE": lambda: self._store(command),
            "LOGOUT": lambda: b"* BYE\r\n",
        }.get(name)
        if handler is None:
            return f"{tag} BAD unknown command\r\n".encode()
        try:
            untagged = handler()
        except PermissionError:
            return f"{tag} NO [AUTHENTICATIONFAILED] invalid credentials\r\n".encode()
        return untagged + f"{tag} OK {name} completed\r\n".encode()

    def _login(self, command: str) -> bytes:
        match = re.match(r'LOGIN (\S+) "((?:[^"\\]|\\.)*)"$', command)
        given = (match[1], re.sub(r"\\(.)", r"\1", match[2])) if match else None
        if given != (self.user, self.password):
            raise PermissionError
        self.logins.append(self.user)
        return b""

    def _search(self) -> bytes:
        unseen = " ".join(str(m.uid) for m in self.mails if "\\Seen" not in m.flags)
        return f"* SEARCH {unseen}\r\n".encode()

    def _fetch(self, command: str) -> bytes:
        uid = int(command.split()[2])
        mail = next(m for m in self.mails if m.uid == uid)
        self.fetched.append(uid)
        head = f"* 1 FETCH (UID {uid} BODY[] {{{len(mail.raw)}}}\r\n".encode()
        return head + mail.raw + b")\r\n"

    def _store(self, command: str) -> bytes:
        uid = int(command.split()[2])
        for mail in self.mails:
            if mail.uid == uid:
                mail.flags.add("\\Seen")
        return f"* 1 FETCH (UID {uid} FLAGS (\\Seen))\r\n".encode()


def imap_options(smtp_port: int, imap_port: int, **changes: object) -> dict[str, object]:
    return email_options(
        smtp_port,
        inbound="imap",
        imap_host="127.0.0.1",
        imap_port=imap_port,
        imap_security="none",
        imap_user_env="FOCALBOT_IMAP_USER",
        imap_password_env="FOCALBOT_IMAP_PASSWORD",
        poll_interval=0.1,
        **changes,
    )


async def test_a_reply_is_read_from_the_mailbox_and_then_marked_seen(tmp_path) -> None:  # type: ignore[no-untyped-def]
    relay, imap = await MailServer().start(), await FakeImap().start()
    adapter = EmailAdapter.from_settings(imap_options(relay.port, imap.port), IMAP_ENV)
    bot = Harness(tmp_path / "bot.db", settings_by_email("my-fp"), [adapter])
    await bot.start()
    try:
        await bot.say("au-officer", "/request MY urgent Please check passport A1234567.")
        await bot.settle()
        mail = (await relay.wait_for(lambda: relay.to(AINA)))[0]
        aina = Correspondent(AINA, BOT, 0)
        reply = imap.deliver(aina.reply(mail, "Checked, it is genuine."))
        bounce = imap.deliver(aina.new_mail("Undelivered", "x", Auto_Submitted="auto-replied"))

        await imap.wait_for(lambda: imap.seen(reply) and imap.seen(bounce))
        await bot.settle()
        assert any("Checked, it is genuine." in t for t in bot.inbox("au-officer"))
        assert imap.logins[0] == "focalpoint"
        rows = await bot.rows("SELECT COUNT(*) FROM inbound WHERE event_key LIKE 'email:%'")
        assert rows == [(1,)]
    finally:
        await bot.stop()
        await imap.stop()
        await relay.stop()


@pytest.mark.expects_errors
async def test_a_mail_the_core_could_not_take_stays_unseen(tmp_path) -> None:  # type: ignore[no-untyped-def]
    relay, imap = await MailServer().start(), await FakeImap().start()
    options = imap_options(relay.port, imap.port, trust_sender=True)
    adapter = EmailAdapter.from_settings(options, IMAP_ENV)
    attempts: list[Inbound] = []

    async def failing_core(event: Inbound) -> None:
        attempts.append(event)
        raise RuntimeError("store unavailable")

    verdict = "mx.bot.example; dmarc=pass header.from=police.example"  # our server's
    uid = imap.deliver(
        Correspondent(AINA, BOT, 0).new_mail("x", "/ping", Authentication_Results=verdict)
    )
    await adapter.start(failing_core)
    try:
        await imap.wait_for(lambda: len(attempts) >= 2)  # read again at the next poll
        assert not imap.seen(uid)
        assert {e.event_id for e in attempts} == {attempts[0].event_id}
    finally:
        await adapter.stop()
        await imap.stop()
        await relay.stop()
