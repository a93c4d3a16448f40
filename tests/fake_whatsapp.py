"""A local stand-in for WhatsApp: the Cloud API's messages endpoint on 127.0.0.1, and the
signed webhook calls Meta's servers make to the bot.

:class:`FakeGraph` answers ``POST /{version}/{phone_number_id}/messages`` the way the Cloud API
does where the bot depends on it: it checks the bearer token (401, code 190), knows which
templates are approved (code 132001 otherwise), and keeps the 24-hour window: a free-form
message to someone who has not written in the last 24 hours is accepted with a ``wamid`` and
then reported failed with code 131047 in a signed delivery report to the bot's webhook, as
Meta does. ``fail_next`` scripts the next answers (429, 5xx, a Meta error code).

:class:`WhatsAppSide` is the person's phone and Meta's webhook sender: it builds message,
button-reply and status payloads, signs them with the app secret
(``X-Hub-Signature-256: sha256=…``) and POSTs them to the running adapter, and performs the
``GET`` set-up handshake. A message may be a reply (a swipe) to an earlier one: Meta then
quotes it in ``context``, with its ``wamid`` and its sender's number (ours: the business
number, as the ``display_phone_number`` of the payload's metadata gives it).
"""

from __future__ import annotations

import asyncio
import contextlib
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

TOKEN = "EAAG-test-access-token"
APP_SECRET = "test-app-secret"
VERIFY_TOKEN = "test-verify-token"
PHONE_NUMBER_ID = "106540352242922"
DISPLAY_NUMBER = "15550001234"  # the business number itself, as Meta writes it in payloads
VERSION = "v21.0"
TEMPLATE = "focalpoint_notice"
RECHECK = 0.05  # seconds: wait_for also notices changes made outside the fake


@dataclass
class Call:
    """One messages call as the fake received it."""

    body: dict[str, Any]
    token: str
    wamid: str = ""

    @property
    def to(self) -> str:
        return str(self.body.get("to", ""))

    @property
    def kind(self) -> str:
        return str(self.body.get("type", ""))

    @property
    def text(self) -> str:
        """What the person reads: the text, the interactive body, or the template parameter."""
        if self.kind == "text":
            return str(self.body["text"]["body"])
        if self.kind == "interactive":
            return str(self.body["interactive"]["body"]["text"])
        if self.kind == "template":
            components = self.body["template"].get("components") or []
            return " ".join(p["text"] for c in components for p in c.get("parameters", []))
        return ""


@dataclass
class Failure:
    """A scripted answer for the next messages call."""

    status: int
    code: int
    retry_after: str | None = None


@dataclass
class FakeGraph:
    """The fake Cloud API. ``api_host`` is what the adapter's ``api_host`` points at."""

    webhook_url: str = ""  # where delivery reports go (the adapter's webhook), once known
    calls: list[Call] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    templates: set[str] = field(default_factory=lambda: {TEMPLATE})
    last_inbound: dict[str, float] = field(default_factory=dict)  # wa_id -> when they wrote
    port: int = 0
    media: dict[str, bytes] = field(default_factory=dict)
    downloads: list[str] = field(default_factory=list)
    _runner: web.AppRunner | None = None
    _ids: Any = field(default_factory=lambda: itertools.count(1))
    _changed: asyncio.Event = field(default_factory=asyncio.Event)
    _reports: set[asyncio.Task[None]] = field(default_factory=set)

    @property
    def api_host(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> FakeGraph:
        app = web.Application()
        app.router.add_post("/{version}/{phone}/messages", self._messages)
        app.router.add_get("/_media/{media_id}", self._media_bytes)  # before the pattern below
        app.router.add_get("/{version}/{media_id}", self._media_info)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = int(self._runner.addresses[0][1])
        return self

    async def stop(self) -> None:
        await asyncio.gather(*self._reports, return_exceptions=True)
        if self._runner:
            await self._runner.cleanup()

    # --- scripting and reading --------------------------------------------------------
    def fail_next(self, status: int, code: int, retry_after: str | None = None) -> None:
        """Answer the next messages call with an error instead of success."""
        self.failures.append(Failure(status, code, retry_after))

    def wrote(self, wa_id: str) -> None:
        """The person wrote to the business: their 24-hour window opens."""
        self.last_inbound[wa_id] = time.time()

    def to(self, wa_id: str) -> list[Call]:
        """Every accepted messages call to ``wa_id``."""
        return [c for c in self.calls if c.to == wa_id and c.wamid]

    def texts_to(self, wa_id: str) -> list[str]:
        return [c.text for c in self.to(wa_id)]

    async def wait_for(self, check: Callable[[], Any], within: float = 10.0) -> Any:
        """Wait until ``check()`` is truthy; ``within`` only bounds a hung test."""
        async with asyncio.timeout(within):
            while not (result := check()):
                self._changed.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), RECHECK)
            return result

    async def reports_sent(self) -> None:
        """Return once every delivery report the fake started has reached the bot."""
        while self._reports:
            await asyncio.wait(list(self._reports))

    # --- the API ----------------------------------------------------------------------
    def add_media(self, content: bytes) -> str:
        """Media a person sent, kept as Meta keeps it; its media id."""
        media_id = f"{len(self.media) + 1:016d}"
        self.media[media_id] = content
        return media_id

    def _authorised(self, request: web.Request) -> bool:
        return request.headers.get("Authorization") == f"Bearer {TOKEN}"

    async def _media_info(self, request: web.Request) -> web.Response:
        """``GET /{version}/{media-id}``: the media's short-lived URL."""
        media_id = request.match_info["media_id"]
        if not self._authorised(request):
            return _error(401, 190, "Invalid OAuth access token")
        if media_id not in self.media:
            return _error(400, 100, "Unsupported get request")
        return web.json_response(
            {
                "url": f"{self.api_host}/_media/{media_id}",
                "mime_type": "application/octet-stream",
                "file_size": len(self.media[media_id]),
                "id": media_id,
                "messaging_product": "whatsapp",
            }
        )

    async def _media_bytes(self, request: web.Request) -> web.Response:
        """The media URL: the bytes, only with the access token."""
        if not self._authorised(request):
            return web.Response(status=401)
        self.downloads.append(request.match_info["media_id"])
        return web.Response(body=self.media[request.match_info["media_id"]])

    async def _messages(self, request: web.Request) -> web.Response:
        body = await request.json()
        call = Call(body, request.headers.get("Authorization", "").removeprefix("Bearer "))
        self.calls.append(call)
        self._changed.set()
        if call.token != TOKEN:
            return _error(401, 190, "Invalid OAuth access token.")
        if request.match_info["phone"] != PHONE_NUMBER_ID:
            return _error(400, 100, "Unsupported post request: unknown phone number id")
        if self.failures:
            failure = self.failures.pop(0)
            return _error(failure.status, failure.code, "scripted failure", failure.retry_after)
        if call.kind == "template" and body["template"]["name"] not in self.templates:
            return _error(404, 132001, "Template name does not exist in the translation")
        wamid = f"wamid.TEST{next(self._ids):06d}"
        if call.kind == "template" or self._in_window(call.to):
            call.wamid = wamid  # delivered
        else:
            self._report_failure(wamid, call.to, 131047)
        return web.json_response(
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": call.to, "wa_id": call.to}],
                "messages": [{"id": wamid}],
            }
        )

    def _in_window(self, wa_id: str) -> bool:
        last = self.last_inbound.get(wa_id)
        return last is not None and time.time() - last < 24 * 3600

    def _report_failure(self, wamid: str, wa_id: str, code: int) -> None:
        """Meta accepts the call, then reports the failure to the webhook, a moment later."""
        if not self.webhook_url:
            return
        side = WhatsAppSide(self.webhook_url)
        payload = side.payload(statuses=[side.failed_status(wamid, wa_id, code)])
        task = asyncio.create_task(side.post(payload))
        self._reports.add(task)
        task.add_done_callback(self._reports.discard)


def _error(status: int, code: int, message: str, retry_after: str | None = None) -> web.Response:
    headers = {"Retry-After": retry_after} if retry_after else None
    body = {
        "error": {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "AbC"}
    }
    return web.json_response(body, status=status, headers=headers)


@dataclass
class Reply:
    status: int
    text: str


@dataclass
class WhatsAppSide:
    """People's phones and Meta's webhook sender, pointed at the bot's webhook URL."""

    url: str
    secret: str = APP_SECRET
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    def text(
        self, wa_id: str, body: str, message_id: str = "", reply_to: Call | None = None
    ) -> dict[str, Any]:
        """A text message from ``wa_id``; with ``reply_to``, a reply to that bot's message."""
        quoted = self.quoting(reply_to) if reply_to else {}
        return self._message(wa_id, message_id, type="text", text={"body": body}, **quoted)

    def image(
        self, wa_id: str, media_id: str, caption: str = "", reply_to: Call | None = None
    ) -> dict[str, Any]:
        """A photo from ``wa_id`` (its media id from ``FakeGraph.add_media``); with
        ``reply_to``, sent as a reply to that bot's message."""
        image = {"id": media_id, "mime_type": "image/jpeg", "sha256": "x", "caption": caption}
        quoted = self.quoting(reply_to) if reply_to else {}
        return self._message(wa_id, "", type="image", image=image, **quoted)

    def quoting(self, call: Call, sender: str = DISPLAY_NUMBER) -> dict[str, Any]:
        """The ``context`` of a reply to the message ``call`` sent (by ``sender``: the
        business number unless told otherwise)."""
        return {"context": {"from": sender, "id": call.wamid}}

    def press(self, wa_id: str, call: Call, index: int = 0) -> dict[str, Any]:
        """A press on a reply button of a message the bot sent."""
        button = call.body["interactive"]["action"]["buttons"][index]["reply"]
        return self._message(
            wa_id,
            "",
            type="interactive",
            **self.quoting(call),
            interactive={"type": "button_reply", "button_reply": dict(button)},
        )

    def failed_status(self, wamid: str, wa_id: str, code: int) -> dict[str, Any]:
        return {
            "id": wamid,
            "status": "failed",
            "timestamp": str(int(time.time())),
            "recipient_id": wa_id,
            "errors": [{"code": code, "title": "Re-engagement message"}],
        }

    def _message(self, wa_id: str, message_id: str, **content: Any) -> dict[str, Any]:
        return {
            "from": wa_id,
            "id": message_id or f"wamid.IN{next(self._ids):06d}",
            "timestamp": str(int(time.time())),
            **content,
        }

    def payload(
        self,
        messages: list[dict[str, Any]] | None = None,
        statuses: list[dict[str, Any]] | None = None,
        phone_number_id: str = PHONE_NUMBER_ID,
    ) -> dict[str, Any]:
        """A webhook call as Meta sends it, with the messages or statuses in one change."""
        value: dict[str, Any] = {
            "messaging_product": "whatsapp",
            "metadata": {
                "display_phone_number": DISPLAY_NUMBER,
                "phone_number_id": phone_number_id,
            },
        }
        if messages:
            value["contacts"] = [
                {"profile": {"name": "Someone"}, "wa_id": m["from"]} for m in messages
            ]
            value["messages"] = messages
        if statuses:
            value["statuses"] = statuses
        return {
            "object": "whatsapp_business_account",
            "entry": [{"id": "WABA-1", "changes": [{"field": "messages", "value": value}]}],
        }

    def sign(self, body: bytes, secret: str | None = None) -> str:
        key = (secret if secret is not None else self.secret).encode()
        return "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()

    async def post(
        self, payload: dict[str, Any], secret: str | None = None, signature: str | None = None
    ) -> Reply:
        """POST a webhook call, signed with the app secret unless told otherwise."""
        body = json.dumps(payload).encode()
        headers = {"Content-Type": "application/json"}
        sig = signature if signature is not None else self.sign(body, secret)
        if sig:
            headers["X-Hub-Signature-256"] = sig
        async with (
            aiohttp.ClientSession() as session,
            session.post(self.url, data=body, headers=headers) as response,
        ):
            return Reply(response.status, await response.text())

    async def send(self, *messages: dict[str, Any]) -> Reply:
        """People's messages, in one signed webhook call."""
        return await self.post(self.payload(list(messages)))

    async def handshake(self, **query: str) -> Reply:
        """Meta's GET when the webhook is set up."""
        async with (
            aiohttp.ClientSession() as session,
            session.get(self.url, params=query) as response,
        ):
            return Reply(response.status, await response.text())
