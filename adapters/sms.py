"""The SMS channel: a Twilio-compatible REST API over aiohttp, and an aiohttp webhook.

Sending is one ``POST /2010-04-01/Accounts/{sid}/Messages.json`` per outbox message (basic auth
with the account SID and auth token), a short notification whose buttons become reply hints
("Acknowledge: reply ACK R-2026-0042"). The outbox owns pacing and retries; nothing here
retries. The API has no idempotency key, so a send whose answer is lost may, when retried,
arrive twice; on a pointer-only channel that repeats one short line.

Incoming SMS and delivery-status callbacks arrive on ``webhook_url`` and ``webhook_url/status``.
Both must carry ``X-Twilio-Signature`` (base64 HMAC-SHA1 of the exact public URL and the sorted
POST parameters, keyed with the auth token) and our account SID, or they are refused (403). An
incoming SMS is answered (with empty TwiML, so the provider sends no reply of its own) only once
:meth:`bot.app.App.submit` has returned, i.e. once its unit of work (with the de-duplication
record keyed by ``MessageSid``) has committed. Short commands (``ACK R-2026-0042``) become
command lines; opt-out words (STOP, START, …) are the provider's and are not passed on.

Status callbacks are recorded in :attr:`SmsAdapter.statuses` and logged; a failed or
undelivered message is logged as a warning. The core has no entry point for a delivery that
fails after the platform accepted it, so it is not re-routed (see the README).

Configured by ``[channels.sms]`` in ``bot.toml``; the account SID and auth token come from the
environment variables named there and are never logged, and neither are phone numbers.
"""

from __future__ import annotations

import base64
import json
import logging
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

from adapters.env import required_secret
from adapters.sms_convert import CHANNEL, inbound_event, signed_by, sms_body, translate_error
from adapters.sms_options import SmsOptions, parse_options
from adapters.webhook import WebhookServer
from bot.errors import TransientError
from bot.events import ChatRef, DeliveryReport, Outbound, Sender
from bot.factory import default_registry
from bot.ports import Adapter, EventSink, Pacing

log = logging.getLogger(__name__)

API_TIMEOUT = 15  # seconds for one API call
SIGNATURE_HEADER = "X-Twilio-Signature"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
FAILED_STATUSES = frozenset({"failed", "undelivered"})
KEEP_STATUSES = 10_000  # status callbacks remembered (message sid -> last status)
_NETWORK_ERRORS = (aiohttp.ClientError, TimeoutError, OSError)


class SmsAdapter(Adapter):
    """Sends the core's messages as SMS and takes short commands back."""

    channel = CHANNEL
    terse = True  # each 70 characters in another script is a paid segment

    def __init__(self, options: SmsOptions, account_sid: str, token: str) -> None:
        self.options = options
        self.pacing = Pacing(
            per_chat_interval=options.per_user_interval,
            overall_rate=options.messages_per_second,
            max_attempts=6,
        )
        self._sid, self._token = account_sid, token
        self._commands = frozenset(spec.name for spec in default_registry())
        self._session: aiohttp.ClientSession | None = None
        self._server = WebhookServer(CHANNEL)
        self._sink: EventSink | None = None
        self.statuses: OrderedDict[str, str] = OrderedDict()  # message sid -> last status
        self.port = 0

    @classmethod
    def from_settings(cls, options: Mapping[str, object], env: Mapping[str, str]) -> SmsAdapter:
        """Build from ``[channels.sms]`` and the environment that holds the credentials."""
        parsed = parse_options(options)
        token = required_secret(env, "sms", "token_env", parsed.token_env)
        return cls(
            parsed, required_secret(env, "sms", "account_sid_env", parsed.account_sid_env), token
        )

    # --- lifecycle ------------------------------------------------------------------------
    async def start(self, sink: EventSink) -> None:
        """Open the API session and serve the webhook for incoming SMS and status callbacks."""
        await self.stop()
        await self.close()
        self._session = aiohttp.ClientSession(
            headers={"Authorization": _basic_auth(self._sid, self._token)},
            timeout=aiohttp.ClientTimeout(total=API_TIMEOUT),
        )
        self._sink = sink
        await self._serve()
        log.info("sms: receiving on port %s", self.port)

    async def stop(self) -> None:
        """Stop taking webhook calls; sending still works until ``close``."""
        await self._server.stop()
        self._sink = None

    async def close(self) -> None:
        """Close the HTTP session once nothing more will be sent."""
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    async def _serve(self) -> None:
        routes = [
            ("POST", urlsplit(self.options.webhook_url).path or "/", self._on_sms),
            ("POST", urlsplit(self.options.status_url).path, self._on_status),
        ]
        self.port = await self._server.start(self.options.host, self.options.port, routes)

    # --- receiving ------------------------------------------------------------------------
    async def _verified_form(self, request: web.Request, url: str) -> dict[str, str] | None:
        """The POST parameters, or None unless signed for ``url`` and from our account."""
        form = await request.post()
        params = [(name, str(value)) for name, value in form.items()]
        given = request.headers.get(SIGNATURE_HEADER, "")
        if not signed_by(self._token, url, params, given) or form.get("AccountSid") != self._sid:
            log.warning("sms: refused a webhook call without a valid signature")
            return None
        return {name: value for name, value in params}

    async def _on_sms(self, request: web.Request) -> web.Response:
        """One incoming SMS; answered only once the core has committed it."""
        form = await self._verified_form(request, self.options.webhook_url)
        if form is None:
            return web.Response(status=403)
        event = inbound_event(form, self._commands)
        if event is not None:
            try:
                if self._sink is None:
                    raise RuntimeError("sms channel is not receiving")
                await self._sink(event)
            except Exception:
                log.exception("sms: message %s not handed over", event.event_id)
                return web.Response(status=500)
        return web.Response(text=EMPTY_TWIML, content_type="text/xml")

    async def _on_status(self, request: web.Request) -> web.Response:
        """A delivery-status callback: recorded, and logged when delivery failed."""
        form = await self._verified_form(request, self.options.status_url)
        if form is None:
            return web.Response(status=403)
        sid, status = form.get("MessageSid", ""), form.get("MessageStatus", "")
        self._record(sid, status)
        if status in FAILED_STATUSES:
            log.warning("sms: message %s %s (error %s)", sid, status, form.get("ErrorCode", "?"))
            report = DeliveryReport(
                f"status:{sid}:{status}",
                Sender(CHANNEL, "provider"),
                ChatRef(CHANNEL, form.get("To", "")),
                sid,
                f"{status} (error {form.get('ErrorCode', '?')})",
            )
            try:
                if self._sink is not None:
                    await self._sink(report)  # the core marks it failed and falls back
            except Exception:
                log.exception("sms: status of %s not handed over", sid)
                return web.Response(status=500)
        return web.Response(status=204)

    def _record(self, sid: str, status: str) -> None:
        self.statuses[sid] = status
        self.statuses.move_to_end(sid)
        while len(self.statuses) > KEEP_STATUSES:
            self.statuses.popitem(last=False)

    # --- sending --------------------------------------------------------------------------
    async def send(self, message: Outbound) -> str:
        """One API call creating the SMS; failures mapped to the core's error classes."""
        if self._session is None:
            raise TransientError("sms channel is not running")
        url = f"{self.options.api_url.rstrip('/')}/2010-04-01/Accounts/{self._sid}/Messages.json"
        try:
            async with self._session.post(url, data=self._form(message)) as response:
                status, retry_after = response.status, response.headers.get("Retry-After")
                answer = _json(await response.text())
        except _NETWORK_ERRORS as exc:
            raise TransientError(f"sms: API unreachable: {type(exc).__name__}") from exc
        if status not in (200, 201):
            raise translate_error(status, answer, retry_after)
        return str(answer.get("sid", ""))

    def _form(self, message: Outbound) -> dict[str, Any]:
        sender = (
            {"From": self.options.from_number}
            if self.options.from_number
            else {"MessagingServiceSid": self.options.messaging_service_sid}
        )
        return {
            "To": message.address,
            "Body": sms_body(
                message.text,
                message.buttons,
                self.options.max_length,
                self.language_of(message.person_id),
            ),
            "StatusCallback": self.options.status_url,
            **sender,
        }


def _json(text: str) -> dict[str, Any]:
    """The answer's JSON object, or an empty one (an error page from a proxy, say)."""
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _basic_auth(user: str, password: str) -> str:
    """HTTP basic credentials (aiohttp's own helper changes between versions)."""
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
