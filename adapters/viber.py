"""The Viber channel: Viber's REST bot API over aiohttp, and an aiohttp webhook.

At start the webhook is served, then registered with ``set_webhook`` (Viber calls it back at
once to check it). Every callback is signed in ``X-Viber-Content-Signature`` (hex HMAC-SHA256 of
the raw body, keyed with the bot's auth token); one without the right signature is refused
(401). A ``message`` callback goes to the core and is answered 200 only once
:meth:`bot.app.App.submit` has returned, i.e. once its unit of work (with the de-duplication
record keyed by ``message_token``) has committed; a failure answers 500 so Viber tries again,
and a repeat has no second effect.

Viber lets a bot message only its subscribers: a user subscribes by sending a message (or the
``subscribed`` event) and leaves with ``unsubscribed``. The adapter keeps what it has seen; a
message to someone known to have left fails at once with ``PermanentError`` (so the core falls
back to their next channel) without calling Viber, and for anyone else Viber's own answer
(status 6) decides, since what was seen before a restart is not kept.

Sending is one ``send_message`` per outbox message, with buttons as a reply keyboard whose
ActionBody is the command line: a tap sends it back as the user's text. The keyboard holds 24
and goes with the bot's next message, so buttons beyond it, and all of them where they are
independent actions (see :mod:`adapters.buttons`), are also spelled out as commands to type.
The outbox owns pacing
(``per_user_interval``, ``messages_per_second``) and retries; nothing here retries.

Configured by ``[channels.viber]`` in ``bot.toml``; the auth token comes from the environment
variable named there and is never logged.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Mapping
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

from adapters.viber_convert import (
    CHANNEL,
    OK,
    RECEIVER_NOT_SUBSCRIBED,
    WELCOME,
    event_type,
    inbound_event,
    send_payload,
    signed_by,
    subscription,
    translate_http,
    translate_status,
    user_of,
    welcome,
)
from adapters.viber_options import ViberOptions, parse_options
from adapters.webhook import WebhookServer
from bot.errors import ConfigError, PermanentError, TransientError, Unreachable
from bot.events import ChatRef, DeliveryReport, IncomingFile, Outbound, Sender
from bot.ports import Adapter, EventSink, Pacing

log = logging.getLogger(__name__)

API_TIMEOUT = 15  # seconds for one API call
FILE_CHUNK = 256 * 1024
SIGNATURE_HEADER = "X-Viber-Content-Signature"
TOKEN_HEADER = "X-Viber-Auth-Token"
EVENT_TYPES = ["subscribed", "unsubscribed", "conversation_started", "delivered", "failed"]
_NETWORK_ERRORS = (aiohttp.ClientError, TimeoutError, OSError)


class ViberAdapter(Adapter):
    """Receives Viber callbacks and sends the core's messages to Viber subscribers."""

    channel = CHANNEL
    max_download = 50 * 1024 * 1024  # the largest file a Viber user can send

    def __init__(self, options: ViberOptions, token: str) -> None:
        self.options = options
        self.pacing = Pacing(
            per_chat_interval=options.per_user_interval,
            overall_rate=options.messages_per_second,
            max_attempts=8,
        )
        self._token = token
        self._session: aiohttp.ClientSession | None = None
        self._server = WebhookServer(CHANNEL)
        self._sink: EventSink | None = None
        self.subscribed: dict[str, bool] = {}  # user id -> subscribed, as last seen
        self.port = 0

    @classmethod
    def from_settings(cls, options: Mapping[str, object], env: Mapping[str, str]) -> ViberAdapter:
        """Build from ``[channels.viber]`` and the environment that holds the token."""
        parsed = parse_options(options)
        token = env.get(parsed.token_env, "")
        if not token:
            raise ConfigError(f"channels.viber.token_env: {parsed.token_env} is not set")
        return cls(parsed, token)

    async def fetch_file(self, file: IncomingFile) -> AsyncIterator[bytes]:
        """A picture or file a user sent, from its media URL (Viber's hosts only: the URL
        comes in a signed callback, but nothing else should be fetched on its say-so)."""
        host = urlsplit(file.remote).hostname or ""
        if not (host.endswith(".viber.com") or host == urlsplit(self.options.api_url).hostname):
            raise PermanentError("viber: a media URL outside Viber was refused")
        timeout = aiohttp.ClientTimeout(sock_connect=10, sock_read=30)
        try:
            async with (
                aiohttp.ClientSession(timeout=timeout) as session,
                session.get(file.remote, allow_redirects=False) as response,
            ):
                if response.status >= 500 or response.status == 429:
                    raise TransientError(f"viber: media download answered {response.status}")
                if response.status != 200:
                    raise PermanentError(f"viber: media download answered {response.status}")
                async for chunk in response.content.iter_chunked(FILE_CHUNK):
                    yield chunk
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise TransientError(f"viber: media download failed ({type(exc).__name__})") from exc

    # --- lifecycle ------------------------------------------------------------------------
    async def start(self, sink: EventSink) -> None:
        """Serve the webhook, then register it with Viber (which calls it to check)."""
        await self.stop()
        await self.close()
        self._session = aiohttp.ClientSession(
            headers={TOKEN_HEADER: self._token},
            timeout=aiohttp.ClientTimeout(total=API_TIMEOUT),
        )
        self._sink = sink
        await self._serve()
        answer = await self._call(
            "set_webhook", {"url": self.options.webhook_url, "event_types": EVENT_TYPES}
        )
        if answer.get("status") != OK:
            await self.stop()
            raise translate_status(int(answer.get("status", -1)), answer.get("status_message", ""))
        log.info("viber: webhook registered; receiving on port %s", self.port)

    async def stop(self) -> None:
        """Stop taking callbacks; sending still works until ``close``."""
        await self._server.stop()
        self._sink = None

    async def close(self) -> None:
        """Close the HTTP session once nothing more will be sent."""
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    async def _serve(self) -> None:
        routes = [("POST", self.options.path, self._on_callback)]
        self.port = await self._server.start(self.options.host, self.options.port, routes)

    # --- receiving ------------------------------------------------------------------------
    async def _on_callback(self, request: web.Request) -> web.Response:
        """One signed callback; a message is answered 200 only once the core committed it."""
        body = await request.read()
        if not signed_by(self._token, body, request.headers.get(SIGNATURE_HEADER, "")):
            log.warning("viber: refused a callback without a valid signature")
            return web.Response(status=401)
        try:
            payload = json.loads(body)
        except ValueError:
            return web.Response(status=400)
        if not isinstance(payload, dict):
            return web.Response(status=400)
        self._note_subscription(payload)
        return await self._answer(payload)

    def _note_subscription(self, payload: dict[str, Any]) -> None:
        state, user = subscription(payload), user_of(payload)
        if state is not None and user:
            self.subscribed[user] = state

    async def _delivery_failed(self, payload: dict[str, Any]) -> web.Response:
        """Viber could not deliver a message it accepted: the core marks it failed and falls
        back to the person's next channel."""
        token, why = str(payload.get("message_token", "")), str(payload.get("desc", ""))[:200]
        log.warning("viber: message %s was not delivered: %s", token, why)
        report = DeliveryReport(
            f"failed:{token}",
            Sender(CHANNEL, "viber"),
            ChatRef(CHANNEL, user_of(payload) or ""),
            token,
            f"not delivered ({why or 'no reason given'})",
        )
        try:
            if self._sink is None:
                raise RuntimeError("viber channel is not receiving")
            await self._sink(report)
        except Exception:
            log.exception("viber: failure of %s not handed over", token)
            return web.Response(status=500)
        return web.Response(status=200)

    async def _answer(self, payload: dict[str, Any]) -> web.Response:
        kind = event_type(payload)
        if kind == "conversation_started" and not payload.get("subscribed"):
            text = self.for_reader(WELCOME, Sender(CHANNEL, user_of(payload)))
            return web.json_response(welcome(self.options.sender_name, text))
        if kind == "failed":
            return await self._delivery_failed(payload)
        event = inbound_event(payload)
        if event is None:
            return web.Response(status=200)
        try:
            if self._sink is None:
                raise RuntimeError("viber channel is not receiving")
            await self._sink(event)
        except Exception:
            log.exception("viber: message %s not handed over", event.event_id)
            return web.Response(status=500)  # Viber tries again; the core de-duplicates
        return web.Response(status=200)

    # --- sending --------------------------------------------------------------------------
    async def send(self, message: Outbound) -> str:
        """One ``send_message`` attempt; only subscribers can be reached."""
        if self.subscribed.get(message.address) is False:
            raise Unreachable("viber: the user has unsubscribed from the bot")
        answer = await self._call(
            "send_message",
            send_payload(message, self.options.sender_name, self.language_of(message.person_id)),
        )
        status = int(answer.get("status", -1))
        if status != OK:
            error = translate_status(status, str(answer.get("status_message") or ""))
            if status == RECEIVER_NOT_SUBSCRIBED:
                self.subscribed[message.address] = False
            raise error
        return str(answer.get("message_token", ""))

    async def _call(self, method: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST one API method; HTTP and network failures become the core's errors."""
        if self._session is None:
            raise TransientError("viber channel is not running")
        url = self.options.api_url.rstrip("/") + "/" + method
        try:
            async with self._session.post(url, json=body) as response:
                if response.status != 200:
                    raise translate_http(response.status, response.headers.get("Retry-After"))
                answer = await response.json(content_type=None)
        except _NETWORK_ERRORS as exc:
            raise TransientError(f"viber unreachable: {type(exc).__name__}") from exc
        except ValueError as exc:
            raise TransientError("viber: the answer was not JSON") from exc
        return answer if isinstance(answer, dict) else {}
