"""A local stand-in for a Twilio-compatible SMS provider: its REST API on 127.0.0.1, and the
signed webhook calls it makes to the bot.

:class:`FakeSms` answers ``POST /2010-04-01/Accounts/{sid}/Messages.json`` (basic auth with the
account SID and auth token), records every message, and can be told to fail the next ones (a
429, a 5xx, a 400 with an error code). It also plays the phone network: :meth:`FakeSms.text`
delivers an incoming SMS to the bot's webhook and :meth:`FakeSms.report` a delivery status to
the message's ``StatusCallback``, both signed the way Twilio signs (base64 HMAC-SHA1 of the URL
and the sorted POST parameters, keyed with the auth token).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

from adapters.webhook import WebhookServer

ACCOUNT_SID = "AC" + "0" * 31 + "1"
TOKEN = "sms-test-auth-token"
BOT_NUMBER = "+15550100000"


@dataclass
class Failure:
    """A scripted answer for the next message."""

    status: int
    code: int = 0
    message: str = ""
    retry_after: str | None = None


def twilio_signature(token: str, url: str, params: dict[str, str]) -> str:
    """The provider's signature, written independently of the adapter's."""
    data = url
    for name in sorted(params):
        data += name + params[name]
    return base64.b64encode(hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()).decode()


@dataclass
class FakeSms:
    """The fake provider; ``api_url`` is what the adapter's ``api_url`` option gets.

    ``webhook`` is the bot's public URL for incoming SMS (what a number is configured with),
    which the provider signs; ``proxy`` is where that URL's host really is (the adapter's
    local server), as a reverse proxy in front of the bot would forward it.
    """

    webhook: str = ""
    proxy: str = ""
    messages: list[dict[str, str]] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    refused_logins: int = 0
    port: int = 0
    _ids: Any = field(default_factory=lambda: itertools.count(1))
    _server: WebhookServer = field(default_factory=lambda: WebhookServer("fake", grace=1))
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> FakeSms:
        routes = [
            ("POST", "/2010-04-01/Accounts/{sid}/Messages.json", self._create),
        ]
        self.port = await self._server.start("127.0.0.1", 0, routes)
        return self

    async def stop(self) -> None:
        await self._server.stop()

    # --- scripting and reading ------------------------------------------------------------
    def fail_next(self, status: int, code: int = 0, message: str = "", **kwargs: Any) -> None:
        """Answer the next message with a failure."""
        self.failures.append(Failure(status, code, message, **kwargs))

    def sent_to(self, number: str) -> list[dict[str, str]]:
        """Messages the provider accepted for ``number``."""
        return [m for m in self.messages if m.get("To") == number and "_sid" in m]

    def bodies_to(self, number: str) -> list[str]:
        """Bodies of the messages accepted for ``number``."""
        return [m["Body"] for m in self.sent_to(number)]

    async def wait_for(self, check: Callable[[], Any], within: float = 10.0) -> Any:
        """Wait until ``check()`` is truthy; fail the test after ``within`` seconds."""
        async with asyncio.timeout(within):
            while not (result := check()):
                self._changed.clear()
                await self._changed.wait()
            return result

    # --- the API ----------------------------------------------------------------------------
    async def _create(self, request: web.Request) -> web.Response:
        expected = "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{TOKEN}".encode()).decode()
        if request.match_info["sid"] != ACCOUNT_SID or request.headers.get("Authorization") != (
            expected
        ):
            self.refused_logins += 1
            return _error(401, 20003, "Authenticate")
        message = {name: str(value) for name, value in (await request.post()).items()}
        self.messages.append(message)
        self._changed.set()
        if self.failures:
            failure = self.failures.pop(0)
            headers = {"Retry-After": failure.retry_after} if failure.retry_after else None
            return _error(failure.status, failure.code, failure.message, headers)
        message["_sid"] = f"SM{next(self._ids):032x}"
        return web.json_response(
            {"sid": message["_sid"], "status": "queued", "to": message["To"]}, status=201
        )

    # --- what the provider sends the bot --------------------------------------------------
    async def post(self, url: str, params: dict[str, str], token: str = TOKEN) -> int:
        """POST ``params`` to ``url`` signed with ``token`` (default: the right one)."""
        headers = {"X-Twilio-Signature": twilio_signature(token, url, params)}
        target = self.proxy + urlsplit(url).path if self.proxy else url
        async with (
            aiohttp.ClientSession() as session,
            session.post(target, data=params, headers=headers) as response,
        ):
            return response.status

    def incoming(self, sender: str, body: str, sid: str = "") -> dict[str, str]:
        """The parameters of an incoming SMS from ``sender``."""
        return {
            "MessageSid": sid or f"SM{next(self._ids):032x}",
            "SmsSid": sid or f"SM{next(self._ids):032x}",
            "AccountSid": ACCOUNT_SID,
            "From": sender,
            "To": BOT_NUMBER,
            "Body": body,
            "NumMedia": "0",
            "FromCountry": "TH",
        }

    async def text(self, sender: str, body: str, sid: str = "", token: str = TOKEN) -> int:
        """``sender`` texts ``body`` to the bot's number."""
        return await self.post(self.webhook, self.incoming(sender, body, sid), token)

    async def report(
        self, message: dict[str, str], status: str, error: str = "", token: str = TOKEN
    ) -> int:
        """Call a message's ``StatusCallback`` with ``status`` (delivered, undelivered, …)."""
        params = {
            "MessageSid": message["_sid"],
            "MessageStatus": status,
            "AccountSid": ACCOUNT_SID,
            "To": message["To"],
            "From": message.get("From", BOT_NUMBER),
            "ApiVersion": "2010-04-01",
        }
        if error:
            params["ErrorCode"] = error
        return await self.post(message["StatusCallback"], params, token)


def _error(
    status: int, code: int, message: str, headers: dict[str, str] | None = None
) -> web.Response:
    body = {"code": code or None, "message": message or "error", "status": status}
    return web.json_response(body, status=status, headers=headers)
