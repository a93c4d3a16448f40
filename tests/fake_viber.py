"""A local stand-in for Viber: the REST bot API on 127.0.0.1, and the signed callbacks Viber's
servers make to the bot.

:class:`FakeViber` answers ``set_webhook`` (calling the webhook back to check it, as Viber does)
and ``send_message``, which it refuses with status 6 for anyone who has not subscribed. It
records every call, can be told to fail the next sends (a Viber status or an HTTP status), and
speaks for Viber users: :meth:`FakeViber.message` and friends sign a callback with the auth token
(hex HMAC-SHA256 of the body) and POST it to the registered webhook.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from adapters.webhook import WebhookServer

TOKEN = "viber-test-auth-token"


@dataclass
class Call:
    """One API call as the fake received it."""

    method: str
    body: dict[str, Any]
    token: str


@dataclass
class Failure:
    """A scripted answer for the next ``send_message``: a Viber status or an HTTP status."""

    status: int = 0
    http: int = 200
    message: str = ""


@dataclass
class Reply:
    """The bot's HTTP answer to a callback."""

    status: int
    body: str


@dataclass
class FakeViber:
    """The fake API; ``api_url`` is what the adapter's ``api_url`` option gets."""

    calls: list[Call] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    subscribers: set[str] = field(default_factory=set)
    webhook: str = ""
    webhook_checked: int = 0  # HTTP status the webhook answered Viber's check with
    port: int = 0
    media: dict[str, bytes] = field(default_factory=dict)  # pictures users sent, by id
    downloads: list[str] = field(default_factory=list)
    _tokens: Any = field(default_factory=lambda: itertools.count(5_000_000_000_000_000_001))
    _server: WebhookServer = field(default_factory=lambda: WebhookServer("fake", grace=1))
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/pa/"

    async def start(self) -> FakeViber:
        routes = [
            ("POST", "/pa/{method}", self._api),
            ("GET", "/media/{media_id}", self._media),
        ]
        self.port = await self._server.start("127.0.0.1", 0, routes)
        return self

    async def stop(self) -> None:
        await self._server.stop()

    # --- scripting and reading ------------------------------------------------------------
    def fail_next(self, status: int = 0, http: int = 200, message: str = "") -> None:
        """Answer the next ``send_message`` with a failure."""
        self.failures.append(Failure(status, http, message))

    def sends(self) -> list[dict[str, Any]]:
        """Bodies of every ``send_message`` call."""
        return [c.body for c in self.calls if c.method == "send_message"]

    def sent_to(self, user: str) -> list[dict[str, Any]]:
        """``send_message`` bodies for ``user`` that Viber accepted."""
        return [b for b in self.sends() if b.get("receiver") == user and "_token" in b]

    def texts_to(self, user: str) -> list[str]:
        """Texts Viber accepted for ``user``."""
        return [b["text"] for b in self.sent_to(user)]

    async def wait_for(self, check: Callable[[], Any], within: float = 10.0) -> Any:
        """Wait until ``check()`` is truthy; fail the test after ``within`` seconds."""
        async with asyncio.timeout(within):
            while not (result := check()):
                self._changed.clear()
                await self._changed.wait()
            return result

    # --- the API ----------------------------------------------------------------------------
    async def _api(self, request: web.Request) -> web.Response:
        method, body = request.match_info["method"], await request.json()
        call = Call(method, body, request.headers.get("X-Viber-Auth-Token", ""))
        self.calls.append(call)
        self._changed.set()
        if call.token != TOKEN:
            return _status(2, "invalidAuthToken")
        if method == "set_webhook":
            return await self._set_webhook(body)
        if method == "send_message":
            return self._send(body)
        return _status(3, "badData")

    async def _set_webhook(self, body: dict[str, Any]) -> web.Response:
        self.webhook = str(body.get("url", ""))
        check = await self.callback({"event": "webhook", "timestamp": _now()})
        self.webhook_checked = check.status
        if check.status != 200:
            return _status(1, "invalidUrl")
        return web.json_response({"status": 0, "status_message": "ok", "event_types": []})

    def _send(self, body: dict[str, Any]) -> web.Response:
        failure = self.failures.pop(0) if self.failures else None
        if failure is not None and failure.http != 200:
            wait = {"Retry-After": "0"} if failure.http == 429 else None
            return web.json_response({}, status=failure.http, headers=wait)
        if failure is not None:
            return _status(failure.status, failure.message)
        if body.get("receiver") not in self.subscribers:
            return _status(6, "receiverNotSubscribed")
        body["_token"] = next(self._tokens)
        return web.json_response(
            {"status": 0, "status_message": "ok", "message_token": body["_token"]}
        )

    # --- what Viber's servers send the bot ------------------------------------------------
    async def callback(self, payload: dict[str, Any], token: str = TOKEN) -> Reply:
        """POST ``payload`` to the webhook, signed with ``token`` (default: the right one)."""
        body = json.dumps(payload).encode()
        headers = {
            "Content-Type": "application/json",
            "X-Viber-Content-Signature": hmac.new(token.encode(), body, hashlib.sha256).hexdigest(),
        }
        async with (
            aiohttp.ClientSession() as session,
            session.post(self.webhook, data=body, headers=headers) as response,
        ):
            return Reply(response.status, await response.text())

    def message_payload(self, user: str, text: str, token: int | None = None) -> dict[str, Any]:
        """A ``message`` callback: ``user`` typed ``text`` (or tapped a reply button)."""
        return {
            "event": "message",
            "timestamp": _now(),
            "chat_hostname": "SN-CHAT-01_",
            "message_token": token if token is not None else next(self._tokens),
            "sender": {"id": user, "name": "Someone", "language": "en", "api_version": 10},
            "message": {"type": "text", "text": text},
            "silent": False,
        }

    def picture_payload(self, user: str, content: bytes, caption: str = "") -> dict[str, Any]:
        """A ``message`` callback with a picture (hosted here, as Viber hosts it)."""
        media_id = f"m{len(self.media) + 1}"
        self.media[media_id] = content
        payload = self.message_payload(user, caption)
        payload["message"] = {
            "type": "picture",
            "text": caption,
            "media": f"http://127.0.0.1:{self.port}/media/{media_id}",
            "thumbnail": f"http://127.0.0.1:{self.port}/media/{media_id}",
            "file_name": "",
            "size": len(content),
        }
        return payload

    async def _media(self, request: web.Request) -> web.Response:
        media_id = request.match_info["media_id"]
        if media_id not in self.media:
            return web.Response(status=404)
        self.downloads.append(media_id)
        return web.Response(body=self.media[media_id])

    async def message(self, user: str, text: str, token: int | None = None) -> Reply:
        """``user`` sends ``text``, which (as on Viber) makes them a subscriber."""
        self.subscribers.add(user)
        return await self.callback(self.message_payload(user, text, token))

    async def tap(self, user: str, sent: dict[str, Any], index: int = 0) -> Reply:
        """``user`` taps keyboard button ``index`` of a message the fake accepted."""
        button = sent["keyboard"]["Buttons"][index]
        return await self.message(user, button["ActionBody"])

    async def subscribe(self, user: str) -> Reply:
        """``user`` subscribes to the bot."""
        self.subscribers.add(user)
        return await self.callback(
            {
                "event": "subscribed",
                "timestamp": _now(),
                "user": {"id": user, "name": "Someone"},
                "message_token": next(self._tokens),
            }
        )

    async def unsubscribe(self, user: str) -> Reply:
        """``user`` leaves the bot."""
        self.subscribers.discard(user)
        return await self.callback(
            {
                "event": "unsubscribed",
                "timestamp": _now(),
                "user_id": user,
                "message_token": next(self._tokens),
            }
        )

    async def open_conversation(self, user: str) -> Reply:
        """``user`` opens the chat with the bot for the first time."""
        return await self.callback(
            {
                "event": "conversation_started",
                "timestamp": _now(),
                "message_token": next(self._tokens),
                "type": "open",
                "user": {"id": user, "name": "Someone"},
                "subscribed": user in self.subscribers,
            }
        )


def _status(status: int, message: str) -> web.Response:
    return web.json_response({"status": status, "status_message": message})


def _now() -> int:
    return int(time.time() * 1000)
