"""A fake Telegram Bot API server on 127.0.0.1, driven by the real python-telegram-bot client.

It implements the methods the bot uses, records every call, and behaves like Telegram where
the bot's correctness depends on it:

- ``getUpdates`` long-polls and honours ``offset`` (updates below it are confirmed and never
  served again); ``unconfirm`` rewinds that, as if the confirmation was lost in a crash.
- ``sendMessage`` enforces the limits: a token bucket of ``overall_rate`` messages a second
  (bursts up to the same number) and at least ``per_chat_interval`` seconds between two
  messages to one chat. Over either, it answers 429 with ``retry_after`` as Telegram does.
  ``storm(n)`` makes the next ``n`` sends fail with 429 whatever the pace; ``outage`` makes
  calls of one method fail with 502.
- HTML parse mode is checked: an unknown tag or a bare ``&`` is a 400, and the length limit
  (4096, counted in UTF-16 units after parsing) is enforced on the visible text.
- ``setWebhook`` is stored, and ``deliver`` posts an update to it with the secret header.

Run on its own (for the W4 benchmark, in a separate process)::

    python -m tests.fake_telegram --port 8081 [--no-limits]

which prints ``ready <port>`` and serves ``GET /_fake/stats`` with what it accepted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import copy
import html
import itertools
import json
import math
import re
import socket
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

TOKEN = "123456:TEST-fake-token-for-tests"
BOT_USER = {
    "id": 900001,
    "is_bot": True,
    "first_name": "FocalPoint",
    "username": "focalpoint_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
JSON_FIELDS = {
    "reply_markup",
    "entities",
    "allowed_updates",
    "commands",
    "scope",
    "link_preview_options",
    "reply_parameters",
}
HTML_TAG = re.compile(
    r"^</?(b|strong|i|em|u|ins|s|strike|del|code|pre|a|span|tg-spoiler|blockquote)(\s[^>]*)?>$"
)
BARE_AMPERSAND = re.compile(r"&(?!(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)")
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
RECHECK = 0.05  # seconds: wait_for also notices changes made outside the fake


class ApiError(Exception):
    """An error answer, in Telegram's shape."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.retry_after = code, description, retry_after

    def response(self) -> web.Response:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return web.json_response(body, status=self.code)


@dataclass
class Call:
    """One request the fake received, with its parameters decoded."""

    method: str
    params: dict[str, Any]
    at: float
    status: int = 200
    result: Any = None


@dataclass
class Limits:
    """Telegram's sending limits: overall token bucket, per-chat spacing."""

    overall_rate: float = 30.0
    per_chat_interval: float = 1.0
    tokens: float = 30.0
    refilled_at: float = field(default_factory=time.monotonic)
    last_to_chat: dict[int, float] = field(default_factory=dict)

    def wait_needed(self, chat_id: int, now: float) -> float:
        """Seconds until a message to ``chat_id`` would be accepted (0: now)."""
        self.tokens = min(
            self.overall_rate, self.tokens + (now - self.refilled_at) * self.overall_rate
        )
        self.refilled_at = now
        overall = 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.overall_rate
        last = self.last_to_chat.get(chat_id)
        per_chat = 0.0 if last is None else max(0.0, last + self.per_chat_interval - now)
        return max(overall, per_chat)

    def take(self, chat_id: int, now: float) -> None:
        """Count an accepted message."""
        self.tokens -= 1
        self.last_to_chat[chat_id] = now


class FakeTelegram:
    """The fake server. ``await FakeTelegram().start()``; point the bot at ``base_url``."""

    def __init__(self, token: str = TOKEN, limits: bool = True, port: int = 0) -> None:
        self.token, self.port = token, port or free_port()
        self.limits: Limits | None = Limits() if limits else None
        self.calls: list[Call] = []
        self.updates: list[dict[str, Any]] = []
        self.confirmed = 0  # lowest update id still to be served
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.blocked: set[int] = set()
        self.webhook: dict[str, Any] = {}
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.rejected_429 = 0
        self._storm = (0, 1)
        # method -> (calls to let by, calls to fail, the chat they are to or 0 for any)
        self._outages: dict[str, tuple[int, int, int]] = {}
        self._ids = itertools.count(1)
        self._update_ids = itertools.count(1000)
        self._queries: set[str] = set()
        self._answered: set[str] = set()
        self._changed = asyncio.Event()  # replaced by a fresh one after each change
        self._closing = False
        self._runner: web.AppRunner | None = None
        self.files: dict[str, bytes] = {}  # file_id -> content, served by getFile's URL
        self.downloads: list[str] = []  # file paths fetched (completely or not)
        self.cut_downloads = 0  # the next downloads stop half way (a dropped connection)

    # --- lifecycle ----------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """What the bot's ``base_url`` should be (the token is appended by the client)."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """What the bot's ``base_file_url`` should be."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    async def start(self) -> FakeTelegram:
        """Listen on 127.0.0.1:``port``."""
        app = web.Application(client_max_size=100 * 1024 * 1024)  # uploads of files
        app.router.add_route("*", "/bot{token}/{method}", self._dispatch)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        app.router.add_get("/_fake/stats", self._stats)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        return self

    async def stop(self) -> None:
        """Wake pending long polls and stop listening."""
        self._closing = True
        self._bump()
        if self._runner is not None:
            await self._runner.cleanup()

    # --- what a test does ---------------------------------------------------------------
    def push(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue a raw update (given an ``update_id`` if it has none)."""
        update.setdefault("update_id", next(self._update_ids))
        self.updates.append(update)
        self._bump()
        return update

    def message(
        self,
        user_id: int,
        text: str,
        chat_id: int | None = None,
        chat_type: str = "private",
        reply_to: dict[str, Any] | None = None,
        topic: int | None = None,
        language: str | None = None,
    ) -> dict[str, Any]:
        """Queue a text message from ``user_id`` (a command gets its ``bot_command`` entity);
        ``topic``: written in that forum topic of a group with topics; ``language``: the
        ``language_code`` of the sender's app."""
        body: dict[str, Any] = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "from": person(user_id),
            "chat": chat(chat_id or user_id, chat_type, user_id),
            "text": text,
        }
        if text.startswith("/"):
            body["entities"] = [
                {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
            ]
        if reply_to is not None:
            body["reply_to_message"] = reply_to
        if language is not None:
            body["from"]["language_code"] = language
        if topic is not None:
            body["chat"]["is_forum"] = True
            body.update(message_thread_id=topic, is_topic_message=True)
        return self.push({"message": body})

    def add_file(self, content: bytes) -> str:
        """Keep ``content`` as Telegram would after a user sent it; its file_id."""
        file_id = f"AgAC{len(self.files) + 1:04d}"
        self.files[file_id] = content
        return file_id

    def media(
        self,
        user_id: int,
        content: bytes,
        kind: str = "photo",
        caption: str = "",
        file_name: str = "",
        update_id: int | None = None,
        reply_to: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Queue a photo, document or voice note from ``user_id`` with ``caption`` (sent with
        Telegram's Reply on ``reply_to``, a message as :meth:`sent` lists them)."""
        file_id = self.add_file(content)
        item = {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": len(content)}
        body: dict[str, Any] = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "from": person(user_id),
            "chat": chat(user_id, "private", user_id),
        }
        if kind == "photo":  # Telegram sends several sizes; the last is the largest
            thumb = {**item, "file_id": self.add_file(content[:100]), "width": 90, "height": 90}
            body["photo"] = [thumb, {**item, "width": 1280, "height": 960}]
        elif kind == "voice":
            body["voice"] = {**item, "duration": 3, "mime_type": "audio/ogg"}
        else:
            body["document"] = {**item, "file_name": file_name or "document"}
        if caption:
            body["caption"] = caption
        if reply_to is not None:
            body["reply_to_message"] = reply_to
        update: dict[str, Any] = {"message": body}
        if update_id is not None:
            update["update_id"] = update_id
        return self.push(update)

    def press(
        self,
        user_id: int,
        message: dict[str, Any],
        data: str | None = None,
    ) -> dict[str, Any]:
        """Queue a press on ``message``'s first inline button (or on one carrying ``data``)."""
        if data is None:
            data = message["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        query_id = f"q{next(self._ids)}"
        self._queries.add(query_id)
        return self.push(
            {
                "callback_query": {
                    "id": query_id,
                    "from": person(user_id),
                    "chat_instance": "ci-1",
                    "message": message,
                    "data": data,
                }
            }
        )

    def unconfirm(self, update_id: int) -> None:
        """Serve ``update_id`` and later ones again, as if the bot's confirmation was lost."""
        self.confirmed = min(self.confirmed, update_id)

    def storm(self, count: int, retry_after: int = 1) -> None:
        """Answer the next ``count`` sendMessage calls with 429 ``retry_after``."""
        self._storm = (count, retry_after)

    def outage(self, method: str, count: int = 1, after: int = 0, chat_id: int = 0) -> None:
        """Answer ``count`` calls of ``method`` with 502 Bad Gateway, once ``after`` got by
        (only calls to ``chat_id`` count, when one is given)."""
        self._outages[method] = (after, count, chat_id)

    async def deliver(self, update: dict[str, Any], secret: str | None = None) -> int:
        """POST ``update`` to the webhook as Telegram would; return the HTTP status."""
        headers = {SECRET_HEADER: self.webhook.get("secret_token", "")}
        if secret is not None:
            headers = {SECRET_HEADER: secret} if secret else {}
        update.setdefault("update_id", next(self._update_ids))
        async with (
            aiohttp.ClientSession() as session,
            session.post(self.webhook["url"], json=update, headers=headers) as response,
        ):
            return response.status

    # --- what a test reads --------------------------------------------------------------
    def sent(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        """Messages accepted by sendMessage (to ``chat_id`` if given), as Telegram stored them."""
        return [
            c.result
            for c in self.calls
            if c.method == "sendMessage"
            and c.status == 200
            and (chat_id is None or c.result["chat"]["id"] == chat_id)
        ]

    def failed(self, method: str, chat_id: int) -> list[Call]:
        """Calls of ``method`` to ``chat_id`` that were answered with an error."""
        return [
            c
            for c in self.calls
            if c.method == method
            and c.status != 200
            and str(c.params.get("chat_id")) == str(chat_id)
        ]

    def texts(self, chat_id: int) -> list[str]:
        """Visible texts accepted for ``chat_id``, in order."""
        return [m["text"] for m in self.sent(chat_id)]

    def called(self, method: str) -> list[Call]:
        """Every call of ``method``."""
        return [c for c in self.calls if c.method == method]

    async def wait_for(self, condition: Callable[[], Any], patience: float = 15.0) -> Any:
        """Wait until ``condition()`` is truthy (checked on every change); return its value.

        ``patience`` only bounds a hung test; it asserts nothing about speed.
        """
        deadline = asyncio.get_running_loop().time() + patience
        while not (value := condition()):
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise TimeoutError(f"fake Telegram: condition not met in {patience:g}s")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(remaining, RECHECK))
        return value

    async def wait_for_text(self, chat_id: int, fragment: str, count: int = 1) -> list[str]:
        """Wait until ``count`` messages to ``chat_id`` contain ``fragment``; return them."""

        def found() -> list[str]:
            hits = [t for t in self.texts(chat_id) if fragment in t]
            return hits if len(hits) >= count else []

        return await self.wait_for(found)

    # --- the API ------------------------------------------------------------------------
    async def _dispatch(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await read_params(request)
        call = Call(method, params, time.monotonic())
        self.calls.append(call)
        try:
            if request.match_info["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            handler = self._methods().get(method)
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            self._check_outage(method, params)
            call.result = copy.deepcopy(await handler(params))  # as it was at the time
            response = web.json_response({"ok": True, "result": call.result})
        except ApiError as exc:
            call.status = exc.code
            response = exc.response()
        self._bump()
        return response

    def _methods(self) -> dict[str, Callable[[dict[str, Any]], Awaitable[Any]]]:
        return {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "deleteWebhook": self._delete_webhook,
            "setWebhook": self._set_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_file,
            "sendDocument": self._send_file,
            "editMessageReplyMarkup": self._edit_markup,
            "editMessageText": self._edit_text,
            "answerCallbackQuery": self._answer_callback,
            "getFile": self._get_file,
            "setMyCommands": self._set_commands,
        }

    async def _get_me(self, params: dict[str, Any]) -> Any:
        return BOT_USER

    async def _get_updates(self, params: dict[str, Any]) -> Any:
        if self.webhook.get("url"):
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        self.confirmed = max(self.confirmed, int(params.get("offset", 0)))
        limit, timeout = int(params.get("limit", 100)), float(params.get("timeout", 0))
        with contextlib.suppress(TimeoutError):
            await self.wait_for(lambda: self._closing or self._pending(), timeout)
        return self._pending()[:limit]

    def _pending(self) -> list[dict[str, Any]]:
        return [u for u in self.updates if u["update_id"] >= self.confirmed]

    async def _delete_webhook(self, params: dict[str, Any]) -> Any:
        self.webhook = {}
        return True

    async def _set_webhook(self, params: dict[str, Any]) -> Any:
        secret = params.get("secret_token", "")
        if secret and not re.match(r"^[A-Za-z0-9_-]{1,256}$", secret):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        self.webhook = {
            "url": params["url"],
            "secret_token": secret,
            "allowed_updates": params.get("allowed_updates"),
        }
        return True

    async def _get_webhook_info(self, params: dict[str, Any]) -> Any:
        return {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending()),
        }

    async def _send_message(self, params: dict[str, Any]) -> Any:
        chat_id = int(params["chat_id"])
        self._check_storm()
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        text = visible_text(params.get("text", ""), params.get("parse_mode"))
        self._check_limits(chat_id)
        message = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": chat(chat_id, "private" if chat_id > 0 else "group", chat_id),
            "from": BOT_USER,
            "text": text,
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        if topic := params.get("message_thread_id"):  # as Telegram tells it: in that topic
            message.update(message_thread_id=int(topic), is_topic_message=True)
        self.messages[(chat_id, message["message_id"])] = message
        return message

    async def _send_file(self, params: dict[str, Any]) -> Any:
        """sendPhoto / sendDocument: the upload is kept under ``file`` with the message."""
        chat_id = int(params["chat_id"])
        upload = params.get("photo") or params.get("document")
        if not isinstance(upload, dict):
            raise ApiError(400, "Bad Request: there is no file in the request")
        self._check_limits(chat_id)
        message = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": chat(chat_id, "private" if chat_id > 0 else "group", chat_id),
            "from": BOT_USER,
            "caption": visible_text(params.get("caption", ""), params.get("parse_mode")),
            "file": upload,
        }
        self.messages[(chat_id, message["message_id"])] = message
        return {k: v for k, v in message.items() if k != "file"}

    async def _get_file(self, params: dict[str, Any]) -> Any:
        file_id = str(params.get("file_id", ""))
        if file_id not in self.files:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_size": len(self.files[file_id]),
            "file_path": f"documents/{file_id}.bin",
        }

    async def _download(self, request: web.Request) -> web.StreamResponse:
        """The file URL getFile points at; ``cut_downloads`` drops the connection half way."""
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        path = request.match_info["path"]
        self.downloads.append(path)
        file_id = path.rsplit("/", 1)[-1].removesuffix(".bin")
        content = self.files.get(file_id)
        if content is None:
            return web.Response(status=404)
        response = web.StreamResponse()
        response.content_length = len(content)
        await response.prepare(request)
        if self.cut_downloads > 0:
            self.cut_downloads -= 1
            await response.write(content[: len(content) // 2])
            assert request.transport is not None
            request.transport.close()  # the rest never comes
            return response
        for start in range(0, len(content), 65536):
            await response.write(content[start : start + 65536])
        await response.write_eof()
        return response

    def documents(self, chat_id: int) -> list[dict[str, Any]]:
        """Files the bot sent to ``chat_id`` (sendPhoto, sendDocument): caption, method, file."""
        return [
            {**self.messages[(chat_id, c.result["message_id"])], "method": c.method}
            for c in self.calls
            if c.method in ("sendPhoto", "sendDocument")
            and c.status == 200
            and c.result["chat"]["id"] == chat_id
        ]

    def _check_outage(self, method: str, params: dict[str, Any]) -> None:
        spare, left, chat = self._outages.get(method, (0, 0, 0))
        if chat and str(params.get("chat_id")) != str(chat):
            return
        if spare > 0:
            self._outages[method] = (spare - 1, left, chat)
        elif left > 0:
            self._outages[method] = (0, left - 1, chat)
            raise ApiError(502, "Bad Gateway")

    def _check_storm(self) -> None:
        left, retry_after = self._storm
        if left > 0:
            self._storm = (left - 1, retry_after)
            self.rejected_429 += 1
            raise ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)

    def _check_limits(self, chat_id: int) -> None:
        if self.limits is None:
            return
        now = time.monotonic()
        wait = self.limits.wait_needed(chat_id, now)
        if wait > 0:
            self.rejected_429 += 1
            retry_after = max(1, math.ceil(wait))
            raise ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)
        self.limits.take(chat_id, now)

    async def _edit_markup(self, params: dict[str, Any]) -> Any:
        message = self._stored(params)
        markup = params.get("reply_markup") or None
        if message.get("reply_markup") == markup:
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message "
                "content and reply markup are exactly the same",
            )
        message.pop("reply_markup", None)
        if markup:
            message["reply_markup"] = markup
        return message

    async def _edit_text(self, params: dict[str, Any]) -> Any:
        message = self._stored(params)
        message["text"] = visible_text(params.get("text", ""), params.get("parse_mode"))
        return await self._edit_markup(params) if "reply_markup" in params else message

    def _stored(self, params: dict[str, Any]) -> dict[str, Any]:
        key = (int(params.get("chat_id", 0)), int(params.get("message_id", 0)))
        if key not in self.messages:
            raise ApiError(400, "Bad Request: message to edit not found")
        return self.messages[key]

    async def _answer_callback(self, params: dict[str, Any]) -> Any:
        query_id = params.get("callback_query_id", "")
        if query_id not in self._queries or query_id in self._answered:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        self._answered.add(query_id)
        return True

    async def _set_commands(self, params: dict[str, Any]) -> Any:
        for command in params.get("commands", []):
            if not re.match(r"^[a-z0-9_]{1,32}$", command.get("command", "")):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(command.get("description", "")) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        scope = (params.get("scope") or {"type": "default"})["type"]
        language = params.get("language_code")  # a list for clients in that language
        self.commands[f"{scope}:{language}" if language else scope] = params.get("commands", [])
        return True

    async def _stats(self, request: web.Request) -> web.Response:
        accepted = [c for c in self.called("sendMessage") if c.status == 200]
        per_chat = Counter(c.result["chat"]["id"] for c in accepted)
        return web.json_response(
            {
                "accepted": len(accepted),
                "rejected_429": self.rejected_429,
                "chats": len(per_chat),
                "max_per_chat": max(per_chat.values(), default=0),
                "min_per_chat": min(per_chat.values(), default=0),
                "first_at": accepted[0].at if accepted else 0.0,
                "last_at": accepted[-1].at if accepted else 0.0,
            }
        )

    def _bump(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()


def person(user_id: int) -> dict[str, Any]:
    """A Telegram User object for a test person."""
    return {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}


def chat(chat_id: int, chat_type: str, user_id: int) -> dict[str, Any]:
    """A Telegram Chat object."""
    if chat_type == "private":
        return {"id": chat_id, "type": "private", "first_name": f"User{user_id}"}
    return {"id": chat_id, "type": chat_type, "title": "Operation room"}


def visible_text(text: str, parse_mode: str | None) -> str:
    """The text as a client shows it; raises 400 for what Telegram would refuse to parse."""
    if parse_mode == "HTML":
        text = _parse_html(text)
    if not text.strip():
        raise ApiError(400, "Bad Request: message text is empty")
    if len(text.encode("utf-16-le")) // 2 > 4096:
        raise ApiError(400, "Bad Request: message is too long")
    return text


def _parse_html(text: str) -> str:
    shown = []
    for token in re.split(r"(<[^>]*>)", text):
        if token.startswith("<") and token.endswith(">"):
            if not HTML_TAG.match(token):
                raise ApiError(400, f"Bad Request: can't parse entities: unsupported tag {token}")
            continue
        if "<" in token or ">" in token or BARE_AMPERSAND.search(token):
            raise ApiError(400, "Bad Request: can't parse entities: unescaped character")
        shown.append(html.unescape(token))
    return "".join(shown)


async def read_params(request: web.Request) -> dict[str, Any]:
    """Parameters from the query, a form body or a JSON body; JSON-valued fields decoded."""
    params: dict[str, Any] = dict(request.query)
    if request.can_read_body:
        if request.content_type == "application/json":
            params.update(await request.json())
        else:
            for key, value in (await request.post()).items():
                if isinstance(value, str):
                    params[key] = value
                else:  # an upload (sendPhoto, sendDocument): its name and bytes
                    params[key] = {"filename": value.filename, "content": value.file.read()}
    for key in JSON_FIELDS & params.keys():
        if isinstance(params[key], str):
            params[key] = json.loads(params[key])
    return params


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _serve(port: int, limits: bool) -> None:
    fake = await FakeTelegram(limits=limits, port=port).start()
    print(f"ready {fake.port}", flush=True)
    await asyncio.Event().wait()


def main() -> None:
    """Run the fake on its own until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--no-limits", action="store_true")
    args = parser.parse_args()
    asyncio.run(_serve(args.port, not args.no_limits))


if __name__ == "__main__":
    main()
