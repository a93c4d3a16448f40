"""The Slack channel: a slack-bolt ``AsyncApp`` in the bot's event loop.

Two modes: the Events API over HTTP (Bolt verifies each request's signature and refuses a bad
or stale one with 401) served by aiohttp on ``host:port``, or Socket Mode. Either way the
listeners here are thin: convert the payload with :mod:`adapters.slack_convert`, hand the
event to the core and acknowledge Slack once the core has committed it (nothing acknowledged is
lost; a commit takes milliseconds, well inside Slack's 3 seconds). An event that cannot be
stored is not acknowledged, so Slack sends it again; the core de-duplicates Slack's retries by
``event_id``. A direct message posted in a thread under one of the bot's messages (any
part of one sent in parts) answers that message: the core takes it as ``/reply`` to the
request the message was about, and answers in the DM itself, not in the thread. Forms (the
return as a modal) are drawn and checked by :mod:`adapters.slack_modal`: a form button opens
its modal at once, and a submitted modal is answered with errors on its fields, or accepted
and handed to the core as one command.
Delivery is one ``chat.postMessage`` attempt per call (a text too long for one message goes
as several, a chat interval apart): the core's outbox owns pacing and retries, so the Web API
client retries nothing itself.

Configured by ``[channels.slack]`` in ``bot.toml``; tokens and the signing secret come from the
environment variables named there and are never logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.env import required_secret
from adapters.parts_sent import PartsSent
from adapters.slack_convert import (
    ACTION_PREFIX,
    CHANNEL,
    NameOf,
    command_event,
    completion_form,
    in_direct_message,
    is_user_id,
    map_error,
    mention_event,
    message_event,
    post_messages,
    press_event,
    pressed_blocks,
    split_address,
    team_of,
    upload_arguments,
    view_event,
)
from adapters.slack_modal import FORM_ACTION, FORM_VIEW, decode_form, modal_view, submitted_values
from adapters.slack_options import SlackOptions, parse_options
from adapters.webhook import Limits, Route, WebhookServer
from bot.errors import ConfigError, PermanentError, TransientError
from bot.events import Attachment, Inbound, IncomingFile, Outbound, Sender
from bot.i18n import _
from bot.ports import Adapter, EventSink, Pacing
from bot.returns.parse import field_errors, filled_line

log = logging.getLogger(__name__)

SLACK_PACING = Pacing(per_chat_interval=1.0, overall_rate=0.0, max_attempts=8)
"""About one message per second per channel, as Slack documents for chat.postMessage."""

API_TIMEOUT = 15  # seconds for one Web API call
SHUTDOWN_GRACE = 5.0  # seconds stop() waits for listeners already running
ANSWERED_IN_DM = _("I've answered you in our direct messages.")
NOT_STORED = _(
    "FocalPoint is restarting and could not take that; nothing was changed. "
    "Please try again in a moment."
)
WRONG_WORKSPACE = _("Sorry, this workspace is not connected to FocalPoint.")
_API_ERRORS = (SlackClientError, aiohttp.ClientError, TimeoutError, OSError)
FILE_TIMEOUT = aiohttp.ClientTimeout(sock_connect=10, sock_read=30)
FILE_CHUNK = 256 * 1024
SLACK_LIMITS = Limits(max_body=256 * 1024)  # events, commands and views are a few KB
_OAUTH_VARIABLES = ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET")
TOKEN_REFUSED = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "not_allowed_token_type",
    }
)
"""auth.test errors that mean the bot token itself is wrong."""


def _secret(env: Mapping[str, str], options: SlackOptions, key: str) -> str:
    name = str(getattr(options, key))
    return required_secret(env, "slack", key, name, f" (mode {options.mode!r})")


class SlackAdapter(Adapter):
    """Receives Slack events, slash commands and button presses; posts the core's messages."""

    channel = CHANNEL
    pacing = SLACK_PACING
    sends_files = True  # uploaded into the conversation, the text as the comment
    opens_forms = True  # a button's form opens as a modal

    def __init__(
        self, options: SlackOptions, token: str, signing_secret: str = "", app_token: str = ""
    ) -> None:
        self.options = options
        # A message starting with "/" is a slash command to the Slack client, so hints name
        # the bot's own slash command; plain "reply …" also works in a direct message.
        self.command_hint = f"{options.command} "
        self._app_token = app_token
        self.client = AsyncWebClient(
            token=token, base_url=options.base_url, timeout=API_TIMEOUT, retry_handlers=[]
        )
        self.bolt = build_bolt_app(self.client, signing_secret, options.mode == "http")
        self._sink: EventSink | None = None
        self._server = WebhookServer(CHANNEL, grace=SHUTDOWN_GRACE, limits=SLACK_LIMITS)
        self._socket: AsyncSocketModeHandler | None = None
        self._inflight: set[asyncio.Task[Any]] = set()
        self._parts_sent = PartsSent()  # of a long text posted as several messages
        self.port = 0
        # where shared files may be fetched from: Slack's file hosts, or the API's own host
        api_host = urlsplit(options.base_url).hostname or ""
        self._file_hosts = {"files.slack.com", "files.slack-gov.com", api_host}
        self._register()

    @classmethod
    def from_settings(cls, options: Mapping[str, object], env: Mapping[str, str]) -> SlackAdapter:
        """Build from ``[channels.slack]`` and the environment that holds the secrets."""
        parsed = parse_options(options)
        token = _secret(env, parsed, "token_env")
        if parsed.mode == "http":
            return cls(parsed, token, signing_secret=_secret(env, parsed, "signing_secret_env"))
        return cls(parsed, token, app_token=_secret(env, parsed, "app_token_env"))

    # --- lifecycle ------------------------------------------------------------------------
    async def start(self, sink: EventSink) -> None:
        """Check the bot token (auth.test), then serve the Events API endpoint or connect to
        Socket Mode."""
        await self._check_token()
        self._sink = sink
        if self.options.mode == "http":
            await self._serve()
        else:
            self._socket = AsyncSocketModeHandler(self.bolt, self._app_token)
            await self._socket.connect_async()  # type: ignore[no-untyped-call]  # untyped in slack-bolt
        log.info("slack started (%s mode)", self.options.mode)

    async def _check_token(self) -> None:
        """A refused token is a configuration error (retrying cannot help); an unreachable
        Slack is transient. Otherwise a wrong token shows only when the first event comes."""
        try:
            await self.client.auth_test()
        except SlackApiError as exc:
            code = str(exc.response.get("error") or "")
            if code in TOKEN_REFUSED:
                raise ConfigError(
                    f"channels.slack.token_env: Slack refused the token in "
                    f"{self.options.token_env} ({code})"
                ) from exc
            raise map_error(exc) from exc
        except _API_ERRORS as exc:
            raise map_error(exc) from exc

    async def stop(self) -> None:
        """Stop taking requests, then let listeners already running hand their events over."""
        socket, self._socket = self._socket, None
        await self._server.stop()
        if socket is not None:
            await socket.close_async()  # type: ignore[no-untyped-call]  # untyped in slack-bolt
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.drain(), SHUTDOWN_GRACE)
        self._sink = None

    async def drain(self) -> None:
        """Return once every listener already running has handed its event to the core."""
        while self._inflight:
            await asyncio.wait(list(self._inflight))  # unlike gather, never cancels them

    async def _serve(self) -> None:
        routes: list[Route] = [("POST", self.options.path, self._handle_http)]
        self.port = await self._server.start(self.options.host, self.options.port, routes)

    async def _handle_http(self, request: web.Request) -> web.Response:
        """The thin HTTP handler: aiohttp request in, Bolt dispatch, aiohttp response out."""
        response = await self.bolt.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(response)

    # --- outbound -------------------------------------------------------------------------
    async def send(self, message: Outbound) -> str:
        """One ``chat.postMessage`` attempt, several for a long text (or one upload, for a
        message with a file); failures mapped to the core's error classes."""
        try:
            if message.attachment is not None:
                return await self._upload(message, message.attachment)
            calls = post_messages(message, self.command_hint, self.language_of(message.person_id))
            return await self._post(message, calls)
        except _API_ERRORS as exc:
            raise self._parts_sent.failed(message.id, map_error(exc)) from exc

    async def _post(self, message: Outbound, calls: list[dict[str, Any]]) -> str:
        """Post a message's parts in order, a chat interval apart; a retry resumes after the
        parts already posted. Each part's id is ``<conversation>:<ts>``; the last part's is
        the message's (it carries the buttons), and with several parts all of them count, so
        that a thread under any part answers the message."""

        async def post(index: int) -> str:
            response = await self.client.chat_postMessage(**calls[index])
            return f"{response.get('channel', '')}:{response.get('ts', '')}"

        async def pause() -> None:
            await asyncio.sleep(self.chat_interval(message.address))

        return await self._parts_sent.send(message, len(calls), post, pause, self.part_went)

    async def _upload(self, message: Outbound, file: Attachment) -> str:
        """Slack's upload in three steps, as ``files_upload_v2`` takes them (an upload URL, the
        bytes, the completion that shares the file), but with the bytes streamed from disk:
        ``files_upload_v2`` reads the whole file and the HTTP client copies it again, so a
        10 MB file would sit in memory twice. A person's address becomes their direct message."""
        args = upload_arguments(message, "", b"")
        try:
            length = (await asyncio.to_thread(Path(file.path).stat)).st_size
        except OSError as exc:
            raise PermanentError(f"slack: the file to send is gone ({exc.strerror})") from exc
        conversation, _ = split_address(message.address)
        if is_user_id(conversation):
            opened = await self.client.conversations_open(users=conversation)
            conversation = str(opened["channel"]["id"])
        announced = {"filename": file.filename, "length": length}
        if args.get("alt_txt"):
            announced["alt_txt"] = args["alt_txt"]
        # in the body: the SDK's method puts them in the URL, and 1,000 characters of alt text
        # in Thai pass the 8 KB request line servers take
        url = await self.client.api_call("files.getUploadURLExternal", data=announced)
        await self._stream_upload(str(url["upload_url"]), Path(file.path))
        form = completion_form(args, conversation, str(url["file_id"]))
        done = await self.client.api_call("files.completeUploadExternal", data=form)
        return f"{conversation}:file:{done['files'][0]['id']}"

    async def _stream_upload(self, url: str, path: Path) -> None:
        """POST the file to Slack's upload URL in chunks (aiohttp reads it off the loop)."""
        try:
            handle = await asyncio.to_thread(path.open, "rb")
        except OSError as exc:
            raise PermanentError(f"slack: the file to send is gone ({exc.strerror})") from exc
        try:
            async with (
                aiohttp.ClientSession(timeout=FILE_TIMEOUT) as session,
                session.post(url, data=handle) as response,
            ):
                if response.status >= 500 or response.status == 429:
                    raise TransientError(f"slack: file upload answered {response.status}")
                if response.status != 200:
                    raise PermanentError(f"slack: file upload answered {response.status}")
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise TransientError(f"slack: file upload failed ({type(exc).__name__})") from exc
        finally:
            await asyncio.to_thread(handle.close)

    async def fetch_file(self, file: IncomingFile) -> AsyncIterator[bytes]:
        """A shared file's bytes from its private URL, with the bot token (files:read), only
        from Slack's own hosts so the token never goes anywhere else."""
        if urlsplit(file.remote).hostname not in self._file_hosts:
            raise PermanentError("slack: a file URL outside Slack was refused")
        headers = {"Authorization": f"Bearer {self.client.token}"}
        try:
            async with (
                aiohttp.ClientSession(timeout=FILE_TIMEOUT) as session,
                session.get(file.remote, headers=headers, allow_redirects=False) as response,
            ):
                if response.status >= 500 or response.status == 429:
                    raise TransientError(f"slack: file download answered {response.status}")
                if response.status != 200:
                    raise PermanentError(f"slack: file download answered {response.status}")
                async for chunk in response.content.iter_chunked(FILE_CHUNK):
                    yield chunk
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise TransientError(f"slack: file download failed ({type(exc).__name__})") from exc

    # --- inbound --------------------------------------------------------------------------
    def _register(self) -> None:
        self.bolt.use(self._only_our_team)
        self.bolt.event("message")(self._on_message)
        self.bolt.event("app_mention")(self._on_mention)
        self.bolt.command(self.options.command)(self._on_command)
        self.bolt.action(re.compile("^" + re.escape(ACTION_PREFIX)))(self._on_press)
        self.bolt.action(re.compile("^" + re.escape(FORM_ACTION)))(self._on_form_press)
        self.bolt.view(FORM_VIEW)(self._on_form_submit)
        self.bolt.event(re.compile(".*"))(self._on_other_event)
        self.bolt.error(self._on_error)

    async def _only_our_team(
        self, body: dict[str, Any], context: Any, next: Callable[[], Awaitable[BoltResponse]]
    ) -> BoltResponse:
        """Refuse payloads from any workspace but ours, before any listener sees them."""
        authorized = context.authorize_result
        expected = self.options.team_id or (authorized.team_id if authorized else "")
        team = team_of(body)
        if team and team == expected:
            return await next()
        log.warning("slack: refused a request from workspace %r", team[:20])
        text = self.for_reader(WRONG_WORKSPACE) if body.get("command") else ""
        return BoltResponse(status=200, body=text)

    async def _on_message(self, body: dict[str, Any]) -> None:
        with self._tracked():
            await self._store_or_retry(message_event(body, self._names(body)))

    async def _on_mention(self, body: dict[str, Any]) -> None:
        with self._tracked():
            await self._store_or_retry(mention_event(body))

    async def _on_command(self, ack: Any, body: dict[str, Any]) -> None:
        with self._tracked():
            event = command_event(body, self._names(body))
            if not await self._submit(event):
                await ack(self.for_reader(NOT_STORED, event.sender))  # never resent: say so
            elif in_direct_message(body):
                await ack()
            else:
                await ack(self.for_reader(ANSWERED_IN_DM, event.sender))

    async def _on_press(self, ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        with self._tracked():
            carried_out = await self._handed(press_event(body, action))
            await ack()
            if carried_out:  # not stored, or refused: the buttons stay live, as they were
                await self._make_inert(body, action)

    def _names(self, body: dict[str, Any]) -> NameOf | None:
        """Who a mention in ``body`` names: people of the payload's workspace, by directory."""
        person_name, team = self.person_name, team_of(body)
        if person_name is None:
            return None
        return lambda user_id: person_name(Sender(CHANNEL, user_id, team))

    async def _store_or_retry(self, event: Inbound | None) -> None:
        """Store an event before Slack hears "received"; if it cannot be stored, fail the
        request so that Slack delivers it again (to this or another replica)."""
        if event is not None and not await self._submit(event):
            raise TransientError(f"slack event {event.event_id} not stored; Slack will retry")

    async def _on_form_press(self, ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        """Open the form the button carries; its trigger is good for 3 seconds only.

        The button stays live, so a form closed by mistake can be opened again. If Slack
        refuses the modal, the button's command runs instead and shows the form as text.
        """
        with self._tracked():
            await ack()
            decoded = decode_form(str(action.get("value") or ""))
            if decoded is None:
                log.warning("slack: a form button without a readable form was pressed")
                return
            try:
                await self.client.views_open(
                    trigger_id=body["trigger_id"], view=modal_view(*decoded)
                )
            except _API_ERRORS as exc:
                log.warning(
                    "slack: could not open the form (%s); showing it as text", map_error(exc)
                )
                await self._submit(press_event(body, {**action, "value": decoded[0]}))

    async def _on_form_submit(self, ack: Any, body: dict[str, Any], view: dict[str, Any]) -> None:
        """Answer a submitted form within Slack's 3 seconds: errors on the fields, or accepted.

        Nothing is saved here: the accepted answers go to the core as one command line, which
        checks them again and saves them (or says what went wrong) in a unit of work.
        """
        with self._tracked():
            decoded = decode_form(str(view.get("private_metadata") or ""))
            if decoded is None:
                log.warning("slack: a form came back without a readable form; closed")
                await ack()
                return
            values = submitted_values(view)
            reader = Sender(CHANNEL, str(body["user"]["id"]), team_of(body))
            errors = field_errors(decoded[1], values, self.language_of(reader))
            if errors:
                await ack(response_action="errors", errors=errors)
                return
            await ack()
            await self._submit(view_event(body, filled_line(decoded[1], values)))

    async def _on_other_event(self, body: dict[str, Any]) -> None:
        """Acknowledge events nobody asked for: an unanswered event is retried, then disabled."""
        log.debug("slack: ignored a %r event", (body.get("event") or {}).get("type"))

    async def _on_error(self, error: Exception) -> BoltResponse | None:
        """Bolt's error sink; the payload is not logged because it may hold casework. An
        event not stored is no defect: Slack is answered 503 and sends it again."""
        if isinstance(error, TransientError):
            log.warning("%s", error)
            return BoltResponse(status=503, body="")
        log.error("slack listener failed", exc_info=error)
        return None

    async def _submit(self, event: Inbound | None) -> bool:
        """Hand an event to the core; True once its effects are committed."""
        return await self._handed(event) is not None

    async def _handed(self, event: Inbound | None) -> bool | None:
        """Hand an event to the core: None when it was not stored, else whether the core
        carried it out (False: it refused it, and answered why)."""
        if event is None:
            return None
        sink = self._sink
        try:
            if sink is None:
                raise RuntimeError("slack adapter is not started")
            outcome = await sink(event)
        except RuntimeError as exc:
            log.warning("slack event %s not stored: %s", event.event_id, exc)
            return None
        return outcome is not False  # (a sink that says nothing: carried out)

    async def _make_inert(self, body: dict[str, Any], action: dict[str, Any]) -> None:
        """Replace the pressed message's buttons (or only the pressed one, where they are
        independent actions) with who pressed what (best effort)."""
        container, message = body.get("container") or {}, body.get("message") or {}
        if not (container.get("channel_id") and container.get("message_ts") and message):
            return
        label = str((action.get("text") or {}).get("text", ""))
        value = str(action.get("value") or "")
        language = self.language_of(Sender(CHANNEL, str(body["user"]["id"]), team_of(body)))
        try:
            await self.client.chat_update(
                channel=container["channel_id"],
                ts=container["message_ts"],
                text=message.get("text", ""),
                blocks=pressed_blocks(
                    message.get("blocks") or [], label, body["user"]["id"], value, language
                ),
            )
        except _API_ERRORS as exc:
            log.warning("slack: could not disable the pressed buttons: %s", map_error(exc))

    @contextlib.contextmanager
    def _tracked(self) -> Iterator[None]:
        """Keep a reference to the listener's task (Bolt does not) so stop() can await it."""
        task = asyncio.current_task()
        if task is not None:
            self._inflight.add(task)
        try:
            yield
        finally:
            if task is not None:
                self._inflight.discard(task)


def build_bolt_app(client: AsyncWebClient, signing_secret: str, verify: bool) -> AsyncApp:
    """The Bolt app: single workspace, acknowledging before the listener runs.

    Request verification (signature and timestamp) is on in HTTP mode; Socket Mode has no
    signatures, the app token authenticates the connection instead. Bolt reads
    ``SLACK_CLIENT_ID``/``SLACK_CLIENT_SECRET`` from the process environment and, when both are
    present, silently switches to multi-workspace OAuth and ignores our token; refuse that.
    """
    if all(os.environ.get(name) is not None for name in _OAUTH_VARIABLES):
        raise ConfigError(
            "channels.slack: SLACK_CLIENT_ID and SLACK_CLIENT_SECRET are set in the environment, "
            "which switches slack-bolt to multi-workspace OAuth; unset them "
            "(FocalPoint uses one bot token)"
        )
    return AsyncApp(
        name="focalpoint",
        client=client,
        signing_secret=signing_secret,
        request_verification_enabled=verify,
        process_before_response=True,  # acknowledge once the core has stored the event
    )
