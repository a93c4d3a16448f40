"""A local stand-in for LINE: the Messaging API on 127.0.0.1, and the signed webhook calls
LINE's servers make to the bot.

:class:`FakeLine` answers ``GET /v2/bot/info`` and ``POST /v2/bot/message/push`` the way LINE
does, including the retry-key rule: a second push with a key already accepted is answered 409
with ``x-line-accepted-request-id`` and is not delivered again. It records every call and can be
told to fail the next pushes (a 429, a 5xx, a 400), or to accept a push and then lose the answer,
so the real line-bot-sdk client runs through the real failure paths. :class:`LineSide` signs
webhook bodies (base64 HMAC-SHA256 with the channel secret) and POSTs them into the adapter.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from adapters.webhook import WebhookServer

TOKEN = "line-test-access-token"
SECRET = "line-test-channel-secret"
BOT_USER = "U0000000000000000000000000000b0t"


@dataclass
class Push:
    """One push call as the fake received it."""

    body: dict[str, Any]
    retry_key: str
    token: str

    @property
    def to(self) -> str:
        return str(self.body.get("to", ""))

    @property
    def texts(self) -> list[str]:
        return [m.get("text", "") for m in self.body.get("messages", [])]

    @property
    def quick_replies(self) -> list[dict[str, Any]]:
        last = (self.body.get("messages") or [{}])[-1]
        return [item["action"] for item in (last.get("quickReply") or {}).get("items", [])]


@dataclass
class Failure:
    """A scripted answer for the next push. ``accept``: deliver it, then lose the answer."""

    status: int
    message: str = ""
    retry_after: str | None = None
    accept: bool = False


@dataclass
class FakeLine:
    """The fake Messaging API. ``host`` is what the SDK's ``Configuration(host=…)`` gets."""

    pushes: list[Push] = field(default_factory=list)
    contents: dict[str, bytes] = field(default_factory=dict)  # what people sent, by message id
    downloads: list[str] = field(default_factory=list)
    delivered: list[Push] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    port: int = 0
    _accepted: dict[str, str] = field(default_factory=dict)  # retry key -> request id
    _ids: Any = field(default_factory=lambda: itertools.count(1))
    _server: WebhookServer = field(default_factory=lambda: WebhookServer("fake", grace=1))
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def host(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> FakeLine:
        routes = [
            ("GET", "/v2/bot/info", self._bot_info),
            ("POST", "/v2/bot/message/push", self._push),
            ("GET", "/v2/bot/message/{message_id}/content", self._content),
        ]
        self.port = await self._server.start("127.0.0.1", 0, routes)
        return self

    async def stop(self) -> None:
        await self._server.stop()

    # --- scripting and reading ------------------------------------------------------------
    def fail_next(self, status: int, message: str = "", **kwargs: Any) -> None:
        """Answer the next push with a failure instead of success."""
        self.failures.append(Failure(status, message, **kwargs))

    def delivered_to(self, user: str) -> list[Push]:
        """Pushes LINE accepted for ``user`` (each retry key once)."""
        return [p for p in self.delivered if p.to == user]

    def texts_to(self, user: str) -> list[str]:
        """Every text part delivered to ``user``."""
        return [t for p in self.delivered_to(user) for t in p.texts]

    async def wait_for(self, check: Callable[[], Any], within: float = 10.0) -> Any:
        """Wait until ``check()`` is truthy; fail the test after ``within`` seconds."""
        async with asyncio.timeout(within):
            while not (result := check()):
                self._changed.clear()
                await self._changed.wait()
            return result

    # --- the API ----------------------------------------------------------------------------
    def _authorized(self, request: web.Request) -> bool:
        return request.headers.get("Authorization") == f"Bearer {TOKEN}"

    async def _bot_info(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return web.json_response({"message": "Authentication failed"}, status=401)
        return web.json_response(
            {
                "userId": BOT_USER,
                "basicId": "@focal",
                "displayName": "FocalPoint",
                "chatMode": "bot",
                "markAsReadMode": "auto",
            }
        )

    async def _content(self, request: web.Request) -> web.Response:
        """The content of a message a person sent (api-data.line.me in real life)."""
        if not self._authorized(request):
            return web.json_response({"message": "Authentication failed"}, status=401)
        message_id = request.match_info["message_id"]
        if message_id not in self.contents:
            return web.json_response({"message": "Not found"}, status=404)
        self.downloads.append(message_id)
        return web.Response(body=self.contents[message_id], content_type="image/png")

    async def _push(self, request: web.Request) -> web.Response:
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        push = Push(await request.json(), request.headers.get("X-Line-Retry-Key", ""), token)
        self.pushes.append(push)
        self._changed.set()
        if not self._authorized(request):
            return web.json_response({"message": "Authentication failed"}, status=401)
        if push.retry_key in self._accepted:
            headers = {"x-line-accepted-request-id": self._accepted[push.retry_key]}
            body = {"message": "The retry key is already accepted"}
            return web.json_response(body, status=409, headers=headers)
        failure = self.failures.pop(0) if self.failures else None
        if failure is None:
            return self._accept(push)
        if failure.accept:
            self._accept(push)  # delivered, but the answer is lost on the way back
        return _failure(failure)

    def _accept(self, push: Push) -> web.Response:
        request_id = f"req-{next(self._ids)}"
        if push.retry_key:
            self._accepted[push.retry_key] = request_id
        self.delivered.append(push)
        sent = [{"id": f"{next(self._ids):018d}"} for _ in push.texts]
        return web.json_response({"sentMessages": sent}, headers={"x-line-request-id": request_id})


def _failure(failure: Failure) -> web.Response:
    headers = {"Retry-After": failure.retry_after} if failure.retry_after else None
    body = {"message": failure.message or "error"}
    return web.json_response(body, status=failure.status, headers=headers)


# --- what LINE's servers send the bot -------------------------------------------------------


def signature(secret: str, body: str) -> str:
    """``x-line-signature`` for ``body``."""
    digest = hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


@dataclass
class LineSide:
    """Speaks to the adapter's webhook as LINE would."""

    url: str
    secret: str = SECRET
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    async def post(self, body: str, secret: str | None = None) -> int:
        """POST ``body`` signed with ``secret`` (default: the right one); the HTTP status."""
        headers = {
            "Content-Type": "application/json",
            "x-line-signature": signature(secret or self.secret, body),
        }
        async with (
            aiohttp.ClientSession() as session,
            session.post(self.url, data=body.encode(), headers=headers) as response,
        ):
            return response.status

    def body(self, *events: dict[str, Any]) -> str:
        """A webhook body holding ``events``."""
        return json.dumps({"destination": BOT_USER, "events": list(events)})

    async def deliver(self, *events: dict[str, Any]) -> int:
        """Deliver ``events`` in one signed call."""
        return await self.post(self.body(*events))

    def _event(self, kind: str, user: str, event_id: str = "", **extra: Any) -> dict[str, Any]:
        return {
            "type": kind,
            "mode": "active",
            "timestamp": 1_700_000_000_000,
            "source": {"type": "user", "userId": user},
            "webhookEventId": event_id or f"01HFAKE{next(self._ids):019d}",
            "deliveryContext": {"isRedelivery": False},
            "replyToken": f"reply-{next(self._ids)}",
            **extra,
        }

    def text(self, user: str, text: str, event_id: str = "", **extra: Any) -> dict[str, Any]:
        """A text message from ``user`` in their chat with the bot."""
        message = {"type": "text", "id": str(next(self._ids)), "text": text, "quoteToken": "q"}
        return self._event("message", user, event_id, message=message, **extra)

    def image(self, api: FakeLine, user: str, content: bytes) -> dict[str, Any]:
        """A photo from ``user`` (its content kept by ``api``, as LINE keeps it)."""
        message_id = str(next(self._ids) + 10_000)
        api.contents[message_id] = content
        message = {
            "type": "image",
            "id": message_id,
            "contentProvider": {"type": "line"},
            "quoteToken": "q",
        }
        return self._event("message", user, "", message=message)

    def postback(self, user: str, data: str, event_id: str = "") -> dict[str, Any]:
        """A tap on a quick reply carrying ``data``."""
        return self._event("postback", user, event_id, postback={"data": data})

    def tap(self, user: str, push: Push, index: int = 0) -> dict[str, Any]:
        """``user`` taps quick reply ``index`` of a push the fake received."""
        return self.postback(user, push.quick_replies[index]["data"])

    def follow(self, user: str) -> dict[str, Any]:
        """``user`` adds the bot as a friend."""
        return self._event("follow", user, follow={"isUnblocked": False})
