"""The WhatsApp channel: the Cloud API over plain HTTP (aiohttp), with a webhook for inbound.

There is no official async SDK, and the API is small: one ``POST
/{version}/{phone_number_id}/messages`` to send, one webhook to receive. The API host is
configurable (an on-premises proxy, or a local fake in tests).

Receiving: the webhook answers Meta's set-up handshake (``GET`` with ``hub.mode=subscribe``
and our verify token: echo ``hub.challenge``, else 403) and takes ``POST`` calls only with a
valid ``X-Hub-Signature-256`` (HMAC-SHA256 of the raw body under the app secret; 401
without, 403 wrong). A call is answered 200 only once every event in it has been committed by
the core (:meth:`bot.app.App.submit`); otherwise 503, and Meta delivers it again, which the
message id (``wamid``) makes harmless. A reply (a swipe) to one of the bot's messages goes
to the core with the quoted message's ``wamid``, the id our send returned (for a message sent
in parts, each part's counts), and the core takes it as ``/reply`` to the request that
message was about.

Sending: free-form messages (text, or up to three reply buttons whose id is the command line)
are allowed only within 24 hours of the person's last message to us; a long text goes as
several messages (split at breaks, a second apart; a retry resumes after the parts sent) and
buttons that cannot be reply buttons are typed out at its end. Outside the window only an
approved template may be sent, so there the configured template carries the text and typed
commands as its one parameter (1,024 characters). A message too long for that goes cut, saying
so, and :meth:`send` returns a :class:`~bot.ports.SentInPart`: the core keeps the promise in
the outbox row (bot.delivery.followup) and, once the person writes (which opens the window),
hands the whole message back as a :class:`~bot.ports.FollowUp`, sent free-form before the
answer to what they wrote, also after a restart or from another replica. When each person
last wrote is kept in memory:
after a restart the window counts as closed, so the first messages go out as templates
(always allowed; the cost is a plainer message). Should Meta still refuse a free-form message
as outside the window (code 131047, in the answer or later in a delivery report), it is sent
again as the template. The core's outbox owns pacing and retries, deciding by the error class
raised here.

Configured by ``[channels.whatsapp]`` in ``bot.toml``; the access token, app secret and
verify token come from the environment variables named there and are never logged.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

from adapters.env import required_secret
from adapters.parts_sent import PartsSent
from adapters.webhook import WebhookServer
from adapters.whatsapp_convert import (
    CHANNEL,
    REENGAGEMENT,
    SIGNATURE_HEADER,
    ReEngagementRequired,
    changes_for,
    failed_statuses,
    handshake_answer,
    inbound_events,
    map_error,
    message_bodies,
    sent_id,
    signature_valid,
    template_body,
    template_parameter,
    wa_id,
)
from adapters.whatsapp_options import WhatsAppOptions, parse_options
from bot.errors import PermanentError, TransientError
from bot.events import ChatRef, DeliveryReport, Inbound, IncomingFile, Outbound, Sender
from bot.i18n.languages import nearest_tag
from bot.ports import Adapter, EventSink, FollowUp, Pacing, SentInPart

log = logging.getLogger(__name__)

WHATSAPP_PACING = Pacing(per_chat_interval=1.0, overall_rate=20.0, max_attempts=8)
"""One message a second per person stays inside Meta's pair rate limit; 20 a second overall
is well under the default throughput of a registered number."""

WINDOW = 24 * 3600.0  # seconds after a person's last message in which free-form is allowed
WINDOW_MARGIN = 300.0  # seconds: a message queued near the end would arrive too late
API_TIMEOUT = 20.0  # seconds for one API call
FILE_CHUNK = 256 * 1024
REMEMBERED_SENDS = 2000  # free-form messages remembered, to re-send as templates if refused


class WhatsAppAdapter(Adapter):
    """Receives WhatsApp messages by webhook; sends the core's messages with the Cloud API."""

    channel = CHANNEL
    pacing = WHATSAPP_PACING
    max_download = 100 * 1024 * 1024  # the Cloud API's largest media (documents)
    sends_in_part = True  # a template holds 1,024 characters; the rest follows (see above)

    def __init__(
        self,
        options: WhatsAppOptions,
        token: str,
        app_secret: str,
        verify_token: str,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.options = options
        self._token, self._app_secret, self._verify_token = token, app_secret, verify_token
        self._clock = clock
        self._last_inbound: dict[str, float] = {}  # wa_id -> when they last wrote (memory only)
        self._free_form: OrderedDict[str, Outbound] = OrderedDict()  # wamid -> what was sent
        self._parts_sent = PartsSent()  # of a split message
        self._session: aiohttp.ClientSession | None = None
        self._server = WebhookServer(CHANNEL)
        self._sink: EventSink | None = None
        self.port = 0
        api_host = urlsplit(options.api_host).hostname or ""
        self._media_hosts = {"lookaside.fbsbx.com", api_host}  # where media may be fetched

    @classmethod
    def from_settings(
        cls, options: Mapping[str, object], env: Mapping[str, str]
    ) -> WhatsAppAdapter:
        """Build from ``[channels.whatsapp]`` and the environment holding the secrets."""
        parsed = parse_options(options)
        return cls(
            parsed,
            required_secret(env, "whatsapp", "token_env", parsed.token_env),
            required_secret(env, "whatsapp", "app_secret_env", parsed.app_secret_env),
            required_secret(env, "whatsapp", "verify_token_env", parsed.verify_token_env),
        )

    # --- lifecycle ----------------------------------------------------------------------
    async def start(self, sink: EventSink) -> None:
        """Serve the webhook on ``host:port`` + ``path``."""
        self._sink = sink
        routes = [
            ("GET", self.options.path, self._on_handshake),
            ("POST", self.options.path, self._on_webhook),
        ]
        self.port = await self._server.start(self.options.host, self.options.port, routes)
        log.info("whatsapp: webhook on %s:%s%s", self.options.host, self.port, self.options.path)

    async def stop(self) -> None:
        """Stop taking webhook calls (a call being handled finishes first). Sending works."""
        await self._server.stop()
        self._sink = None

    async def close(self) -> None:
        """Close the HTTP client once nothing more will be sent."""
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    # --- receiving ----------------------------------------------------------------------
    async def _on_handshake(self, request: web.Request) -> web.Response:
        """Meta's check when the webhook is set up: echo the challenge to our verify token."""
        challenge = handshake_answer(request.query, self._verify_token)
        if challenge is None:
            log.warning("whatsapp: refused a webhook handshake without the right verify token")
            return web.Response(status=403)
        return web.Response(text=challenge)

    async def _on_webhook(self, request: web.Request) -> web.Response:
        """One signed call from Meta; 200 only once every event in it is committed."""
        body = await request.read()
        signature = request.headers.get(SIGNATURE_HEADER, "")
        if not signature_valid(self._app_secret, body, signature):
            log.warning("whatsapp: refused a webhook call with a missing or wrong signature")
            return web.Response(status=403 if signature else 401)
        try:
            payload = json.loads(body)
        except ValueError:
            return web.Response(status=400)
        if not isinstance(payload, dict):
            return web.Response(status=400)
        try:
            await self.receive(payload)
        except Exception:
            log.exception("whatsapp: a webhook call was not handed over; Meta will retry")
            return web.Response(status=503)
        return web.Response(status=200)

    async def receive(self, payload: Mapping[str, Any]) -> None:
        """Hand the call's messages to the core in order; act on failed delivery reports."""
        for value in changes_for(payload, self.options.phone_number_id):
            for event in inbound_events(value):
                self._last_inbound[wa_id(event.sender.user_id)] = self._clock()
                await self._submit(event)
            for status in failed_statuses(value):
                await self._on_failed_status(status.message_id, status.code)

    async def fetch_file(self, file: IncomingFile) -> AsyncIterator[bytes]:
        """A media file people sent: its URL from the Graph API, then the bytes with the
        access token, only from Meta's hosts (the token goes nowhere else)."""
        api = f"{self.options.api_host}/{self.options.api_version}/{file.remote}"
        try:
            async with self._client().get(api) as response:
                answer = await _json(response)
                if response.status >= 500 or response.status == 429:
                    raise TransientError(f"whatsapp: media lookup answered {response.status}")
                if response.status != 200 or not answer.get("url"):
                    raise PermanentError(f"whatsapp: media lookup answered {response.status}")
            url = str(answer["url"])
            if urlsplit(url).hostname not in self._media_hosts:
                raise PermanentError("whatsapp: a media URL outside Meta was refused")
            timeout = aiohttp.ClientTimeout(sock_connect=10, sock_read=30)
            async with self._client().get(url, timeout=timeout, allow_redirects=False) as response:
                if response.status >= 500 or response.status == 429:
                    raise TransientError(f"whatsapp: media download answered {response.status}")
                if response.status != 200:
                    raise PermanentError(f"whatsapp: media download answered {response.status}")
                async for chunk in response.content.iter_chunked(FILE_CHUNK):
                    yield chunk
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise TransientError(f"whatsapp: media download failed ({type(exc).__name__})") from exc

    async def _submit(self, event: Inbound) -> None:
        if self._sink is None:
            raise RuntimeError("whatsapp channel is not receiving")
        await self._sink(event)

    async def _on_failed_status(self, message_id: str, code: int) -> None:
        """A free-form message refused later as outside the window goes again as template;
        any other failure goes to the core, which marks it failed and falls back."""
        sent = self._free_form.pop(message_id, None)
        if sent is None or code != REENGAGEMENT:
            log.warning("whatsapp: message %s failed (code %s)", message_id[:80], code)
            await self._submit(
                DeliveryReport(
                    f"status:{message_id}:failed",
                    Sender(CHANNEL, "meta"),
                    ChatRef(CHANNEL, sent.address if sent else ""),
                    message_id,
                    f"not delivered (code {code})",
                )
            )
            return
        self._last_inbound.pop(wa_id(sent.address), None)
        for other in [k for k, v in self._free_form.items() if v.id == sent.id]:
            self._free_form.pop(other)  # its other parts: one template stands for them all
        try:
            await self._send_template(sent)
        except Exception as exc:
            log.warning("whatsapp: could not re-send outbox %s as template: %s", sent.id, exc)

    # --- sending ------------------------------------------------------------------------
    def in_window(self, address: str) -> bool:
        """Whether the person wrote to us recently enough for a free-form message."""
        last = self._last_inbound.get(wa_id(address))
        return last is not None and self._clock() - last < WINDOW - WINDOW_MARGIN

    async def send(self, message: Outbound) -> str:
        """One message: free-form inside the window, the template outside it. A follow-up
        goes free-form: its reader has just written (perhaps to another replica, or before a
        restart), and should Meta find the window closed after all, it goes as the template,
        cut again, and stays owed."""
        if not (isinstance(message, FollowUp) or self.in_window(message.address)):
            return await self._send_template(message)
        try:
            return await self._send_free_form(message)
        except ReEngagementRequired:
            self._last_inbound.pop(wa_id(message.address), None)
            return await self._send_template(message)

    async def _send_free_form(self, message: Outbound) -> str:
        """The message in one or more parts, a chat interval apart; a retry resumes after the
        parts already sent (each remembered, to go again as the template if Meta refuses).
        Several parts' ids all count as the message's (a reply to any part answers it)."""
        bodies = message_bodies(message, self.language_of(message.person_id))

        async def post(index: int) -> str:
            sent = await self._post(bodies[index])
            self._remember(sent, message)
            return sent

        async def pause() -> None:
            await asyncio.sleep(self.chat_interval(message.address))

        return await self._parts_sent.send(message, len(bodies), post, pause, self.part_went)

    async def _send_template(self, message: Outbound) -> str:
        """The template; for a message it cannot hold whole, a :class:`SentInPart` (the core
        hands it back whole once the person writes)."""
        reader = self.language_of(message.person_id)
        template = template_body(
            message, self.options.template_name, self._template_language(message), reader
        )
        sent = await self._post(template)
        return sent if template_parameter(message, reader)[1] else SentInPart(sent)

    def _template_language(self, message: Outbound) -> str:
        """The approved language of the template nearest the reader's (``fa_AF`` reads the
        ``fa`` one), else the configured default: the text inside is already theirs."""
        options = self.options
        if not options.template_languages or not message.person_id:
            return options.template_language
        approved = (options.template_language, *options.template_languages)
        found = nearest_tag(self.language_of(message.person_id), approved)
        return found or options.template_language

    def _remember(self, message_id: str, message: Outbound) -> None:
        self._free_form[message_id] = message
        while len(self._free_form) > REMEMBERED_SENDS:
            self._free_form.popitem(last=False)

    async def _post(self, body: dict[str, Any]) -> str:
        """One API call; failures mapped to the core's error classes."""
        session = self._client()
        try:
            async with session.post(self.options.messages_url, json=body) as response:
                answer = await _json(response)
                if response.status >= 400 or "error" in answer:
                    raise map_error(response.status, answer, response.headers.get("Retry-After"))
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise TransientError(f"whatsapp unreachable: {type(exc).__name__}") from exc
        return sent_id(answer)

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                headers={"Authorization": f"Bearer {self._token}"},
                timeout=aiohttp.ClientTimeout(total=API_TIMEOUT),
            )
        return self._session


async def _json(response: aiohttp.ClientResponse) -> dict[str, Any]:
    try:
        answer = await response.json(content_type=None)
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}
