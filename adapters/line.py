"""The LINE channel: line-bot-sdk v3's async Messaging API client and an aiohttp webhook.

LINE calls the webhook with a batch of events signed in ``x-line-signature`` (base64 of the
HMAC-SHA256 of the raw body, keyed with the channel secret); the SDK's ``WebhookParser``
checks it and a call without the right signature is refused (401). Each event goes to the core
in order, and the webhook is answered 200 only once :meth:`bot.app.App.submit` has returned,
i.e. once the event's unit of work (with its de-duplication record keyed by
``webhookEventId``) has committed. A failure answers 500 so LINE redelivers (with webhook
redelivery on); a redelivered event has no second effect.

Sending is one push request per outbox message, carrying up to five text parts and the
buttons as quick replies (a tap posts back the command line). LINE removes every quick reply
at the first tap, so buttons that are independent actions (see :mod:`adapters.buttons`), like
those beyond the thirteen quick replies, are also spelled out as commands to type. Each push
has an ``X-Line-Retry-Key`` derived from the outbox message, so when an answer is lost and the
outbox retries, LINE answers 409 instead of sending twice, and the message counts as sent. The
outbox owns pacing and retries; nothing here retries.

Configured by ``[channels.line]`` in ``bot.toml``; the channel access token and the channel
secret come from the environment variables named there and are never logged.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Mapping
from urllib.parse import quote

import aiohttp
from aiohttp import web
from linebot.v3 import WebhookParser
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.messaging import AsyncApiClient, AsyncMessagingApi, Configuration
from linebot.v3.messaging.exceptions import ApiException

from adapters.env import required_secret
from adapters.line_convert import (
    CHANNEL,
    already_accepted,
    inbound_event,
    push_request,
    retry_key,
    sent_id,
    translate_error,
)
from adapters.line_options import LineOptions, parse_options
from adapters.webhook import WebhookServer
from bot.errors import PermanentError, TransientError
from bot.events import IncomingFile, Outbound
from bot.ports import Adapter, EventSink, Pacing

log = logging.getLogger(__name__)

LINE_PACING = Pacing(per_chat_interval=0.5, overall_rate=100.0, max_attempts=8)
"""Well inside LINE's 2,000 pushes a second; a person gets at most two messages a second."""

API_TIMEOUT = 15  # seconds for one API call
FILE_CHUNK = 256 * 1024
SIGNATURE_HEADER = "x-line-signature"
_NETWORK_ERRORS = (aiohttp.ClientError, TimeoutError, OSError)


class LineAdapter(Adapter):
    """Receives LINE webhook events and pushes the core's messages to LINE users."""

    channel = CHANNEL
    pacing = LINE_PACING
    max_download = 300 * 1024 * 1024  # LINE keeps files people send up to this size

    def __init__(self, options: LineOptions, token: str, secret: str) -> None:
        self.options = options
        self._token = token
        self._parser = WebhookParser(secret)
        self._client: AsyncApiClient | None = None
        self._api: AsyncMessagingApi | None = None
        self._server = WebhookServer(CHANNEL)
        self._sink: EventSink | None = None
        self.port = 0
        self.bot_user_id = ""

    @classmethod
    def from_settings(cls, options: Mapping[str, object], env: Mapping[str, str]) -> LineAdapter:
        """Build from ``[channels.line]`` and the environment that holds the secrets."""
        parsed = parse_options(options)
        token = required_secret(env, "line", "token_env", parsed.token_env)
        return cls(parsed, token, required_secret(env, "line", "secret_env", parsed.secret_env))

    # --- lifecycle ------------------------------------------------------------------------
    async def start(self, sink: EventSink) -> None:
        """Check the token (bot info), then serve the webhook."""
        await self.close()  # a restart on the same adapter begins with a fresh HTTP client
        configuration = Configuration(host=self.options.api_host, access_token=self._token)
        self._client = AsyncApiClient(configuration)
        self._api = AsyncMessagingApi(self._client)
        self.bot_user_id = await self._bot_user_id(self._api)
        self._sink = sink
        await self._serve()
        log.info("line: receiving on port %s", self.port)

    async def stop(self) -> None:
        """Stop taking webhook calls; sending still works until ``close``."""
        await self._server.stop()
        self._sink = None

    async def close(self) -> None:
        """Close the HTTP client once nothing more will be sent."""
        client, self._client, self._api = self._client, None, None
        if client is not None:
            with contextlib.suppress(Exception):
                await client.close()

    async def _bot_user_id(self, api: AsyncMessagingApi) -> str:
        """The bot's own user id; a refused token stops this channel, not the others."""
        try:
            info = await api.get_bot_info(_request_timeout=API_TIMEOUT)
        except ApiException as exc:
            if exc.status in (401, 403):
                raise PermanentError(
                    f"line: the token in {self.options.token_env} was refused"
                ) from exc
            raise translate_error(exc) from exc
        except _NETWORK_ERRORS as exc:
            raise TransientError(f"line: cannot reach {self.options.api_host}") from exc
        return str(info.user_id)

    async def _serve(self) -> None:
        routes = [("POST", self.options.path, self._on_webhook)]
        self.port = await self._server.start(self.options.host, self.options.port, routes)

    # --- receiving ------------------------------------------------------------------------
    async def _on_webhook(self, request: web.Request) -> web.Response:
        """One webhook call; answered 200 only once every event in it is committed."""
        try:
            body = (await request.read()).decode("utf-8")
            events = self._parser.parse(body, request.headers.get(SIGNATURE_HEADER, ""))
        except InvalidSignatureError:
            log.warning("line: refused a webhook call without a valid signature")
            return web.Response(status=401)
        except (UnicodeDecodeError, ValueError, KeyError, TypeError):
            return web.Response(status=400)
        for event in events:
            if not await self._hand_over(event):
                return web.Response(status=500)  # LINE redelivers; the core de-duplicates
        return web.Response(status=200)

    async def _hand_over(self, event: object) -> bool:
        """Give one event to the core; True once it is committed (or nothing to do)."""
        converted = inbound_event(event)
        if converted is None:
            return True
        try:
            if self._sink is None:
                raise RuntimeError("line channel is not receiving")
            await self._sink(converted)
        except Exception:
            log.exception("line: event %s not handed over", converted.event_id)
            return False
        return True

    async def fetch_file(self, file: IncomingFile) -> AsyncIterator[bytes]:
        """The content of a photo, file or voice note a person sent (the Messaging API's data
        host, with the channel token)."""
        url = f"{self._data_host}/v2/bot/message/{quote(file.remote, safe='')}/content"
        headers = {"Authorization": f"Bearer {self._token}"}
        timeout = aiohttp.ClientTimeout(sock_connect=10, sock_read=30)
        try:
            async with (
                aiohttp.ClientSession(timeout=timeout) as session,
                session.get(url, headers=headers, allow_redirects=False) as response,
            ):
                if response.status >= 500 or response.status in (202, 429):  # 202: not ready yet
                    raise TransientError(f"line: content answered {response.status}")
                if response.status != 200:
                    raise PermanentError(f"line: content answered {response.status}")
                async for chunk in response.content.iter_chunked(FILE_CHUNK):
                    yield chunk
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise TransientError(f"line: content download failed ({type(exc).__name__})") from exc

    @property
    def _data_host(self) -> str:
        """Where LINE serves content: api-data.line.me beside api.line.me, else the same host
        (a proxy or a test server)."""
        host = self.options.api_host.rstrip("/")
        return "https://api-data.line.me" if host == "https://api.line.me" else host

    # --- sending --------------------------------------------------------------------------
    async def send(self, message: Outbound) -> str:
        """One push attempt, idempotent by its retry key; failures mapped to the core's."""
        if self._api is None:
            raise TransientError("line channel is not running")
        try:
            response = await self._api.push_message(
                push_request(message, self.language_of(message.person_id)),
                x_line_retry_key=retry_key(message),
                _request_timeout=API_TIMEOUT,
            )
        except ApiException as exc:
            accepted = already_accepted(exc)
            if accepted is None:
                raise translate_error(exc) from exc
            log.info("line: outbox %s was already accepted (%s)", message.id, accepted)
            return accepted
        except _NETWORK_ERRORS as exc:
            raise TransientError(f"line unreachable: {type(exc).__name__}") from exc
        return sent_id([sent.id for sent in response.sent_messages])
