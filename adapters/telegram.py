"""The Telegram channel: python-telegram-bot's ``Application`` inside the bot's event loop.

The ``Application`` holds the bot and its HTTP clients (``initialize`` calls ``getMe``;
``shutdown`` closes them); its base URL is configurable for a self-hosted Bot API server.
Updates are fetched here rather than by PTB's ``Updater``: the Updater confirms an update to
Telegram (the next ``getUpdates`` offset, or the webhook's HTTP 200) as soon as it is queued,
so a crash before the core commits it would lose it. Here an update is confirmed only after
:meth:`bot.app.App.submit` returns, i.e. after its unit of work (with the de-duplication record
keyed by ``update_id``) has committed; a redelivery after a crash therefore has no second
effect.

Long polling is the default. In webhook mode an aiohttp route takes Telegram's calls and
refuses any without the ``X-Telegram-Bot-Api-Secret-Token`` set with ``setWebhook``.

Sending is one ``sendMessage`` attempt per call: the core's outbox owns pacing (about one
message a second per chat, just under 30 a second overall) and retries, deciding by the class
of error raised here. Text from the core is plain; it is escaped for HTML parse mode and split
at 4096 characters, the parts spaced by the chat's own interval (a group's is longer) and held
back by a flood-control pause that began meanwhile; every part's id is returned
(:class:`~bot.ports.SentParts`), so that pressing Reply on any part answers the message.
Buttons become an inline keyboard whose callback data is the command line; a press answers the
callback query and, once the core carried it out, removes the keyboard so it cannot be pressed
twice, or only the pressed button where the others are independent actions (see
:mod:`adapters.buttons`); a refused press leaves it as it was.

Configured by ``[channels.telegram]`` in ``bot.toml``; the token and the webhook secret come
from the environment variables named there and are never logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import re
import time
import warnings
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from aiohttp import web
from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    CallbackQuery,
    InputFile,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import InvalidToken, RetryAfter, TelegramError
from telegram.ext import Application, ExtBot
from telegram.warnings import PTBDeprecationWarning

from adapters.parts_sent import PartsSent
from adapters.telegram_convert import (
    CHANNEL,
    COMMAND_NAME,
    address_parts,
    after_press,
    described_languages,
    escape,
    inbound_event,
    keyboard,
    retry_after_seconds,
    split_text,
    translate_error,
    with_typed_commands,
)
from adapters.telegram_options import TelegramOptions, parse_options
from adapters.webhook import Limits, Route, WebhookServer
from bot.errors import ConfigError, PermanentError, RateLimited, TransientError
from bot.events import IncomingFile, Outbound
from bot.factory import default_registry
from bot.i18n import render
from bot.ports import Adapter, EventSink, Pacing

log = logging.getLogger(__name__)

TELEGRAM_PACING = Pacing(per_chat_interval=1.0, overall_rate=29.0, max_attempts=8)
"""About one message a second per chat and just under Telegram's ~30 a second overall."""
GROUP_INTERVAL = 3.0  # Telegram allows about 20 messages a minute in a group

ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
MAX_POLL_BACKOFF = 30.0  # seconds between getUpdates attempts while Telegram is unreachable
TELEGRAM_LIMITS = Limits(max_body=256 * 1024)  # an update is a few KB
FILE_TIMEOUT = httpx.Timeout(30.0, connect=10.0)  # per read: a large file may take minutes
FILE_CHUNK = 256 * 1024
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)  # relayed links are not fetched for previews
# PTB 22 warns from inside RetryAfter's own constructor, once per 429; nothing of ours to change.
warnings.filterwarnings("ignore", r".*`retry_after` will be of type", PTBDeprecationWarning)
Application_ = Application[Any, Any, Any, Any, Any, Any]


def _secret_from(options: TelegramOptions, env: Mapping[str, str]) -> str:
    if options.mode != "webhook":
        return ""
    secret = env.get(options.webhook_secret_env, "")
    if not SECRET_PATTERN.match(secret):
        raise ConfigError(
            f"channels.telegram.webhook_secret_env: {options.webhook_secret_env} must hold "
            "1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule for secret_token)"
        )
    return secret


class TelegramAdapter(Adapter):
    """Receives updates from the Bot API and delivers the core's messages to Telegram."""

    channel = CHANNEL
    pacing = TELEGRAM_PACING
    sends_files = True  # photos and documents
    max_download = 20 * 1024 * 1024  # what the Bot API lets a bot fetch (getFile)
    max_upload = 50 * 1024 * 1024  # what it lets a bot send

    def __init__(self, token: str, options: TelegramOptions, webhook_secret: str = "") -> None:
        self.options = options
        self._token, self._secret = token, webhook_secret
        self._application: Application_ | None = None
        self._sink: EventSink | None = None
        self._poller: asyncio.Task[None] | None = None
        self._server = WebhookServer(CHANNEL, limits=TELEGRAM_LIMITS, screen=self._screen)
        self._offset = 0  # next update id to ask for; everything below it is handled
        self._confirmed = 0  # the offset Telegram was last told
        self._parts_sent = PartsSent()  # of a split message
        self._paused_until = 0.0  # monotonic time until which Telegram asked for a pause
        self.username = ""

    @classmethod
    def from_settings(
        cls, options: Mapping[str, object], env: Mapping[str, str]
    ) -> TelegramAdapter:
        """Build from ``[channels.telegram]`` and the environment holding the secrets."""
        parsed = parse_options(options)
        token = env.get(parsed.token_env, "")
        if not token:
            raise ConfigError(f"channels.telegram.token_env: {parsed.token_env} is not set")
        return cls(token, parsed, _secret_from(parsed, env))

    # --- lifecycle ----------------------------------------------------------------------
    async def start(self, sink: EventSink) -> None:
        """Check the token (getMe), register the commands, then poll or serve the webhook."""
        logging.getLogger("httpx").setLevel(logging.WARNING)  # its INFO lines carry the token
        await self.close()  # a restart on the same adapter begins with fresh HTTP clients
        self._application = self._build()
        self._sink = sink
        bot = await self._initialize(self._application)
        self.username = bot.username or ""
        await self._register_commands(bot)
        try:
            await self._begin_receiving(bot)
        except TelegramError as exc:
            raise translate_error(exc) from exc
        log.info("telegram: receiving as @%s by %s", self.username, self.options.mode)

    async def _begin_receiving(self, bot: ExtBot[Any]) -> None:
        if self.options.mode == "webhook":
            await self._serve_webhook(bot)
            return
        if not self.intake_on_demand:
            await self.start_intake()

    @property
    def exclusive_intake(self) -> bool:
        """Long polling runs on one replica at a time; a webhook is served by every one."""
        return self.options.mode == "polling"

    async def start_intake(self) -> None:
        """Begin long polling (the first poll without an offset picks up what a replica
        that died had not confirmed; the core's de-duplication makes that harmless)."""
        if self.options.mode != "polling" or self._poller is not None:
            return
        if self._application is None:
            raise RuntimeError("telegram channel is not started")
        bot = self._application.bot
        try:
            await bot.delete_webhook(drop_pending_updates=False)  # getUpdates refuses otherwise
        except TelegramError as exc:
            raise translate_error(exc) from exc
        self._poller = asyncio.create_task(self._poll(bot), name="telegram-poll")
        self._poller.add_done_callback(_report_end)

    async def stop_intake(self) -> None:
        """Stop polling and confirm what was handled; sending goes on."""
        poller, self._poller = self._poller, None
        if poller is not None:
            poller.cancel()
            await asyncio.gather(poller, return_exceptions=True)
            await self._confirm_offset()

    async def stop(self) -> None:
        """Stop receiving and tell Telegram which updates were handled. Sending still works."""
        await self.stop_intake()
        await self._server.stop()
        self._sink = None

    async def close(self) -> None:
        """Close the HTTP clients once nothing more will be sent."""
        application, self._application = self._application, None
        if application is not None:
            with contextlib.suppress(TelegramError, RuntimeError):
                await application.shutdown()

    def _build(self) -> Application_:
        application: Application_ = self._builder().build()
        return application

    def _builder(self) -> Any:
        """The configured ApplicationBuilder (tests add shorter client timeouts to it)."""
        return (
            Application.builder()
            .token(self._token)
            .base_url(self.options.base_url)
            .base_file_url(self.options.base_file_url)
            .updater(None)
            .job_queue(None)
        )

    async def _initialize(self, application: Application_) -> ExtBot[Any]:
        try:
            await application.initialize()
        except InvalidToken as exc:
            raise ConfigError(
                f"channels.telegram.token_env: Telegram refused the token in "
                f"{self.options.token_env}"
            ) from exc
        except TelegramError as exc:
            raise TransientError(f"telegram: cannot reach the Bot API: {exc.message}") from exc
        bot: ExtBot[Any] = application.bot
        return bot

    async def _register_commands(self, bot: ExtBot[Any]) -> None:
        """Let Telegram clients offer the core's commands (only group-safe ones in groups),
        described in the language of the person's Telegram app where a catalog has it."""
        specs = [s for s in default_registry() if COMMAND_NAME.match(s.name)][:100]
        try:
            for language, code in described_languages():
                private = [BotCommand(s.name, render(s.summary, language)[:256]) for s in specs]
                groups = [c for c, s in zip(private, specs, strict=True) if s.in_groups]
                await bot.set_my_commands(
                    private, scope=BotCommandScopeAllPrivateChats(), language_code=code
                )
                await bot.set_my_commands(
                    groups, scope=BotCommandScopeAllGroupChats(), language_code=code
                )
        except TelegramError as exc:
            log.warning("telegram: could not register the command list: %s", exc.message)

    # --- receiving ----------------------------------------------------------------------
    async def _poll(self, bot: ExtBot[Any]) -> None:
        """Long-poll getUpdates; each call also confirms the updates handled before it."""
        failures = 0
        while True:
            try:
                updates = await bot.get_updates(
                    offset=self._offset or None,
                    timeout=self.options.poll_timeout,
                    allowed_updates=ALLOWED_UPDATES,
                )
            except InvalidToken:
                log.error("telegram: the token was revoked; no longer receiving")
                return
            except TelegramError as exc:
                failures += 1
                await asyncio.sleep(_poll_delay(exc, failures))
                continue
            failures = 0
            self._confirmed = self._offset
            await self._handle_batch(updates)

    async def _handle_batch(self, updates: tuple[Update, ...]) -> None:
        """Hand updates over in order; on failure leave the rest for the next poll."""
        for update in updates:
            try:
                await self.receive(update)
            except Exception:
                log.exception("telegram: update %s not handed over; retrying", update.update_id)
                await asyncio.sleep(1.0)
                return
            self._offset = max(self._offset, update.update_id + 1)

    async def receive(self, update: Update) -> None:
        """Translate one update and hand it to the core; return once it is committed."""
        if self._sink is None or self._application is None:
            raise RuntimeError("telegram channel is not receiving")
        event = inbound_event(update, self.username)
        if event is None:
            return
        query = update.callback_query
        if query is None:
            await self._sink(event)
            return
        with contextlib.suppress(TelegramError):  # the spinner stops at once
            await self._application.bot.answer_callback_query(query.id)
        if await self._sink(event) is not False:  # carried out: a refused press keeps its keys
            await self._settle_press(query)

    async def _settle_press(self, query: CallbackQuery) -> None:
        """Remove the keyboard of a press carried out, so a second press cannot happen; where
        the buttons are independent actions only the pressed one goes (:func:`after_press`).

        This may fail on a redelivered update (the keyboard is gone); the press went to the
        core, which de-duplicated it.
        """
        assert self._application is not None
        bot = self._application.bot
        if query.message is not None:
            with contextlib.suppress(TelegramError):
                kept = after_press(getattr(query.message, "reply_markup", None), query.data or "")
                await bot.edit_message_reply_markup(
                    chat_id=query.message.chat.id,
                    message_id=query.message.message_id,
                    reply_markup=kept,
                )

    async def _confirm_offset(self) -> None:
        """Tell Telegram the last updates were handled, so a restart does not fetch them."""
        if self._application is None or self._offset <= self._confirmed:
            return
        with contextlib.suppress(TelegramError):
            await self._application.bot.get_updates(offset=self._offset, timeout=0, limit=1)
            self._confirmed = self._offset

    async def _serve_webhook(self, bot: ExtBot[Any]) -> None:
        routes: list[Route] = [
            ("POST", urlsplit(self.options.webhook_url).path or "/", self._on_webhook)
        ]
        await self._server.start(self.options.listen, self.options.port, routes)
        await bot.set_webhook(
            url=self.options.webhook_url,
            secret_token=self._secret,
            allowed_updates=ALLOWED_UPDATES,
        )

    def _screen(self, request: web.Request) -> web.Response | None:
        """Refuse a call without the secret token before its body is read."""
        given = request.headers.get(SECRET_HEADER, "").encode()
        if hmac.compare_digest(given, self._secret.encode()):
            return None
        log.warning("telegram: refused a webhook call without the right secret token")
        return web.Response(status=403)

    async def _on_webhook(self, request: web.Request) -> web.Response:
        """One update from Telegram (its secret checked by ``_screen``); answered 200 only once
        the core has committed it."""
        if request.content_type != "application/json":
            return web.Response(status=415)  # what Telegram sends, and all PTB's server takes
        try:
            update = Update.de_json(await request.json(), None)
        except (ValueError, TypeError, KeyError):
            return web.Response(status=400)
        try:
            await self.receive(update)
        except Exception:
            log.exception("telegram: update %s not handed over", update.update_id)
            return web.Response(status=503)  # Telegram delivers it again later
        return web.Response(status=200)

    async def fetch_file(self, file: IncomingFile) -> AsyncIterator[bytes]:
        """getFile, then the bytes from the file URL, streamed (its URL holds the token: it is
        never logged). Network trouble and 5xx are worth a retry; a refusal is not."""
        if self._application is None:
            raise TransientError("telegram channel is not running")
        try:
            found = await self._application.bot.get_file(file.remote)
        except TelegramError as exc:
            raise translate_error(exc) from exc
        if not found.file_path:
            raise PermanentError("telegram: the file is not available to the bot")
        try:
            async with (
                httpx.AsyncClient(timeout=FILE_TIMEOUT) as client,
                client.stream("GET", found.file_path) as response,
            ):
                if response.status_code >= 500:
                    raise TransientError(f"telegram: file download answered {response.status_code}")
                if response.status_code >= 400:
                    raise PermanentError(f"telegram: file download answered {response.status_code}")
                async for chunk in response.aiter_bytes(FILE_CHUNK):
                    yield chunk
        except httpx.HTTPError as exc:
            raise TransientError(f"telegram: file download failed ({type(exc).__name__})") from exc

    # --- sending ------------------------------------------------------------------------
    def chat_interval(self, address: str) -> float:
        """Groups (negative chat ids) take about 20 messages a minute; private chats one a
        second."""
        return GROUP_INTERVAL if address.startswith("-") else self.pacing.per_chat_interval

    def pacing_key(self, address: str) -> str:
        """A forum topic is paced as its group: Telegram's 20 messages a minute are the
        group's, whichever topics they go to."""
        return address_parts(address)[0]

    async def send(self, message: Outbound) -> str:
        """Deliver one message (in parts if long); a retry resumes after the parts sent."""
        if self._application is None:
            raise TransientError("telegram channel is not running")
        language = self.language_of(message.person_id)
        parts = split_text(with_typed_commands(message.text, message.buttons, language))
        if not parts[0]:
            raise PermanentError("telegram: empty message")
        try:
            if message.attachment:
                return await self._send_file(self._application.bot, message, parts[0])
            return await self._send_parts(self._application.bot, message, parts)
        except TelegramError as exc:
            error = self._parts_sent.failed(message.id, translate_error(exc))
            if isinstance(error, RateLimited):  # one 429 pauses every chat (see _between_parts)
                self._paused_until = max(self._paused_until, time.monotonic() + error.retry_after)
            raise error from exc

    async def _send_file(self, bot: ExtBot[Any], message: Outbound, caption: str) -> str:
        """A picture as a photo (shown inline), anything else as a document; the text is its
        caption (report captions are short, far below Telegram's 1,024 characters)."""
        file = message.attachment
        assert file is not None
        try:
            body = await asyncio.to_thread(Path(file.path).read_bytes)
        except OSError as exc:
            raise PermanentError(f"telegram: the file to send is gone ({exc.strerror})") from exc
        send = bot.send_photo if file.photo else bot.send_document
        chat_id, topic = address_parts(message.address)
        sent = await send(
            chat_id,
            InputFile(body, filename=file.filename),
            message_thread_id=topic,
            caption=escape(caption[:1000]),
            parse_mode=ParseMode.HTML,
        )
        return str(sent.message_id)

    async def _send_parts(self, bot: ExtBot[Any], message: Outbound, parts: list[str]) -> str:
        chat_id, topic = address_parts(message.address)  # a group's forum topic, if any

        async def post(index: int) -> str:
            last = index == len(parts) - 1
            sent = await bot.send_message(
                chat_id=chat_id,
                message_thread_id=topic,
                text=escape(parts[index]),
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard(message.buttons) if last else None,
                link_preview_options=NO_PREVIEW,
            )
            return str(sent.message_id)

        async def pause() -> None:
            await self._between_parts(message.address)

        return await self._parts_sent.send(message, len(parts), post, pause, self.part_went)

    async def _between_parts(self, address: str) -> None:
        """Wait the chat's own interval (a group's is longer); then, if a 429 on any chat has
        paused the channel meanwhile, leave the rest to the outbox, which waits the pause out
        and retries: the parts sent are remembered, so the retry resumes after them."""
        await asyncio.sleep(self.chat_interval(address))
        pause = self._paused_until - time.monotonic()
        if pause > 0:
            raise RateLimited(pause, "telegram flood control (paused between two parts)")


def _poll_delay(exc: TelegramError, failures: int) -> float:
    """How long to wait before polling again: Telegram's word, else a bounded backoff."""
    if isinstance(exc, RetryAfter):
        return retry_after_seconds(exc)
    delay = min(MAX_POLL_BACKOFF, 2.0 ** (failures - 1))
    log.warning("telegram: getUpdates failed (%s); retrying in %.0fs", exc.message, delay)
    return delay


def _report_end(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("telegram: polling stopped", exc_info=task.exception())
