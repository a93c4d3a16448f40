"""A local stand-in for Slack: its Web API (and a Socket Mode endpoint) on 127.0.0.1, and
the signed requests its servers send to the bot.

:class:`FakeSlack` answers the Web API methods the bot uses, records every call with its
arguments, and can be told to fail the next calls of a method (a 429 with ``Retry-After``, a
5xx, or a Slack error code), so tests drive the real slack-sdk client through the real failure
paths. :class:`SlackSide` signs Events API, slash-command and interaction requests the way Slack
does (``v0=`` + HMAC-SHA256 of ``v0:{timestamp}:{body}``) and POSTs them into the running app.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp import WSMsgType, web

BOT_USER = "UBOT"
BOT_ID = "BBOT"
TEAM = "T0FOCAL"
SIGNING_SECRET = "test-signing-secret"


@dataclass
class Call:
    """One Web API call as the fake received it."""

    method: str
    args: dict[str, Any]
    token: str


@dataclass
class Failure:
    """A scripted answer for the next call of a method."""

    status: int
    error: str
    retry_after: str | None = None
    after: int = 0  # calls of the method still answered as usual first


@dataclass
class Upload:
    """One file as ``files.getUploadURLExternal`` announced it, then as it arrived and was
    shared (``channel`` stays '' until ``files.completeUploadExternal``)."""

    file_id: str
    filename: str
    length: int
    content: bytes | None = None
    channel: str = ""
    title: str = ""
    initial_comment: str = ""
    blocks: list[dict[str, Any]] = field(default_factory=list)  # as shown: none under a comment
    thread_ts: str = ""

    @property
    def caption(self) -> str:
        """The texts of the share's section blocks, joined (escaped, as sent)."""
        return "".join(str(b["text"]["text"]) for b in self.blocks if b.get("type") == "section")


CONVERSATION_ID = re.compile(r"^[CGDZ][A-Z0-9]{8,}$")
"""What ``files.completeUploadExternal`` takes as ``channel_id``: a conversation, not a user."""


@dataclass
class FakeSlack:
    """The fake server. ``base_url`` is what the bot's ``AsyncWebClient`` points at."""

    calls: list[Call] = field(default_factory=list)
    failures: dict[str, list[Failure]] = field(default_factory=dict)
    envelopes: asyncio.Queue[dict[str, Any]] = field(default_factory=asyncio.Queue)
    acks: list[dict[str, Any]] = field(default_factory=list)
    uploads: dict[str, Upload] = field(default_factory=dict)
    hosted: dict[str, bytes] = field(default_factory=dict)  # files people shared, by id
    downloads: list[str] = field(default_factory=list)  # file ids fetched with a good token
    token: str = "xoxb-test-token"
    port: int = 0
    _runner: web.AppRunner | None = None
    _ts: Any = field(default_factory=lambda: itertools.count(1))
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    async def start(self) -> FakeSlack:
        app = web.Application(client_max_size=100 * 1024 * 1024)  # uploads of files
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_get("/socket", self._socket)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/files-pri/{file_id}/{name}", self._download)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        return self

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    # --- scripting and reading --------------------------------------------------------
    def fail_next(
        self,
        method: str,
        status: int = 200,
        error: str = "",
        retry_after: str | None = None,
        after: int = 0,
    ) -> None:
        """Answer the next call of ``method`` (or the one ``after`` calls later) with a
        failure instead of success."""
        self.failures.setdefault(method, []).append(Failure(status, error, retry_after, after))

    def of(self, method: str) -> list[dict[str, Any]]:
        """Arguments of every call of ``method`` so far."""
        return [c.args for c in self.calls if c.method == method]

    def posts_to(self, channel: str) -> list[dict[str, Any]]:
        """Every chat.postMessage to ``channel`` (a user id for DMs)."""
        return [a for a in self.of("chat.postMessage") if a.get("channel") == channel]

    def texts_to(self, channel: str) -> list[str]:
        """The texts posted to ``channel``."""
        return [a.get("text", "") for a in self.posts_to(channel)]

    async def wait_for(self, check: Callable[[], Any], within: float = 10.0) -> Any:
        """Wait until ``check()`` is truthy (a call arrived); fail the test after ``within`` s."""
        async with asyncio.timeout(within):
            while not (result := check()):
                self._changed.clear()
                await self._changed.wait()
            return result

    # --- Web API ------------------------------------------------------------------------
    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await _arguments(request)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        self.calls.append(Call(method, args, token))
        self._changed.set()
        pending = self.failures.get(method)
        if pending and pending[0].after:
            pending[0].after -= 1
        elif pending:
            return _failure(pending.pop(0))
        answer = getattr(self, "_" + method.replace(".", "_"), None)
        body = answer(args) if answer else {"ok": False, "error": "unknown_method"}
        return web.json_response(body)

    def _auth_test(self, _args: dict[str, Any]) -> dict[str, Any]:
        if self.calls[-1].token != self.token:  # the call being answered
            return {"ok": False, "error": "invalid_auth"}
        return {
            "ok": True,
            "user_id": BOT_USER,
            "bot_id": BOT_ID,
            "team_id": TEAM,
            "team": "Focal",
            "user": "focalpoint",
            "url": "https://focal.example/",
        }

    def _chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        refused = _refusal(args)
        if refused:
            return {"ok": False, "error": refused}
        channel = str(args.get("channel", ""))
        dm = "D" + channel[1:] if channel.startswith("U") else channel
        ts = f"1700000000.{next(self._ts):06d}"
        # recorded with the call, for pressing its buttons; _at: when it was accepted
        args.update(_channel=dm, _ts=ts, _at=time.monotonic())
        return {
            "ok": True,
            "channel": dm,
            "ts": ts,
            "message": {"text": args.get("text"), "blocks": args.get("blocks"), "ts": ts},
        }

    def _chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        refused = _refusal(args)
        if refused:
            return {"ok": False, "error": refused}
        return {"ok": True, "channel": args.get("channel"), "ts": args.get("ts")}

    def _conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        users = str(args.get("users", ""))
        return {"ok": True, "channel": {"id": "D" + users[1:]}}

    def _views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        view_id = f"V{next(self._ts):08d}"
        args.update(_view_id=view_id)  # recorded with the call, for submitting the view
        return {"ok": True, "view": {"id": view_id, **dict(args.get("view") or {})}}

    def _users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = str(args.get("user", ""))
        return {"ok": True, "user": {"id": user, "team_id": TEAM, "name": user.lower()}}

    # --- file uploads (files_upload_v2: URL, bytes, completion) ---------------------------
    def shared(self) -> list[Upload]:
        """Files uploaded and shared into a conversation, in order."""
        return [u for u in self.uploads.values() if u.channel]

    def _files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        filename, length = str(args.get("filename") or ""), str(args.get("length") or "")
        if not filename or not length.isdigit() or int(length) < 1:
            return {"ok": False, "error": "invalid_arguments"}
        file_id = f"F{next(self._ts):010d}"
        self.uploads[file_id] = Upload(file_id, filename, int(length))
        url = f"http://127.0.0.1:{self.port}/upload/{file_id}"
        return {"ok": True, "upload_url": url, "file_id": file_id}

    async def _upload(self, request: web.Request) -> web.Response:
        """The upload URL: Slack takes the bytes (and answers in plain text)."""
        upload = self.uploads.get(request.match_info["file_id"])
        body = await request.read()
        self.calls.append(Call("upload", {"file_id": request.match_info["file_id"]}, ""))
        self._changed.set()
        pending = self.failures.get("upload")
        if pending:
            failure = pending.pop(0)
            return web.Response(status=failure.status, text=failure.error or "upload failed")
        if upload is None or len(body) != upload.length:
            return web.Response(status=400, text="length does not match")
        upload.content = body
        return web.Response(text=f"OK - {len(body)}")

    def _files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        channel = str(args.get("channel_id") or "")
        if channel and not CONVERSATION_ID.match(channel):
            return {"ok": False, "error": "invalid_arguments"}
        if not _blocks_fit(args.get("blocks") or []):
            return {"ok": False, "error": "invalid_blocks"}
        files = json.loads(str(args.get("files") or "[]"))
        uploads = [self.uploads.get(str(f.get("id"))) for f in files]
        if not files or any(u is None or u.content is None for u in uploads):
            return {"ok": False, "error": "file_not_found"}
        done = []
        for upload, requested in zip(uploads, files, strict=True):
            assert upload is not None
            upload.channel, upload.title = channel, str(requested.get("title") or "")
            upload.initial_comment = str(args.get("initial_comment") or "")
            # Slack ignores the blocks when a comment is set (and renders the comment as mrkdwn)
            upload.blocks = [] if upload.initial_comment else list(args.get("blocks") or [])
            upload.thread_ts = str(args.get("thread_ts") or "")
            done.append({"id": upload.file_id, "name": upload.filename, "title": upload.title})
        return {"ok": True, "files": done}

    def host_file(self, content: bytes, name: str, mimetype: str) -> dict[str, Any]:
        """A file a person shared: the ``files`` entry of its message event."""
        file_id = f"F{next(self._ts):010d}"
        self.hosted[file_id] = content
        url = f"http://127.0.0.1:{self.port}/files-pri/{file_id}/{name}"
        return {
            "id": file_id,
            "name": name,
            "mimetype": mimetype,
            "size": len(content),
            "url_private": url,
            "url_private_download": url + "?download=1",
        }

    async def _download(self, request: web.Request) -> web.Response:
        """A private file URL: only with the bot token, as Slack's file servers do."""
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return web.Response(status=302, headers={"Location": "https://focal.example/login"})
        file_id = request.match_info["file_id"]
        if file_id not in self.hosted:
            return web.Response(status=404)
        self.downloads.append(file_id)
        self._changed.set()
        return web.Response(body=self.hosted[file_id], content_type="application/octet-stream")

    def _apps_connections_open(self, _args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/socket"}

    # --- Socket Mode ----------------------------------------------------------------------
    async def push(self, payload: dict[str, Any], kind: str = "events_api") -> str:
        """Send one Socket Mode envelope to the connected bot; return its envelope id."""
        envelope_id = f"env-{next(self._ts)}"
        await self.envelopes.put(
            {
                "envelope_id": envelope_id,
                "type": kind,
                "payload": payload,
                "accepts_response_payload": False,
            }
        )
        return envelope_id

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"type": "hello", "num_connections": 1})
        reader = asyncio.create_task(self._read_acks(ws))
        try:
            while not ws.closed:
                getter = asyncio.ensure_future(self.envelopes.get())
                done, _ = await asyncio.wait({getter, reader}, return_when=asyncio.FIRST_COMPLETED)
                if getter not in done:
                    getter.cancel()
                    break
                await ws.send_json(getter.result())
        finally:
            reader.cancel()
        return ws

    async def _read_acks(self, ws: web.WebSocketResponse) -> None:
        async for message in ws:
            if message.type == WSMsgType.TEXT:
                self.acks.append(json.loads(message.data))
                self._changed.set()


async def _arguments(request: web.Request) -> dict[str, Any]:
    args: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        args.update(await request.json())
    elif request.can_read_body:
        args.update(dict(await request.post()))
    for key in ("blocks", "view"):
        if isinstance(args.get(key), str):
            args[key] = json.loads(args[key])
    return args


def _blocks_fit(blocks: list[dict[str, Any]]) -> bool:
    """Slack's limits for a message's blocks: 50 of them, a section's text 1 to 3,000
    characters, 25 elements in an actions block."""
    texts = [str((b.get("text") or {}).get("text") or "") for b in blocks if b["type"] == "section"]
    rows = [b.get("elements") or [] for b in blocks if b["type"] == "actions"]
    return (
        len(blocks) <= 50
        and all(0 < len(t) <= 3000 for t in texts)
        and all(len(row) <= 25 for row in rows)
    )


MESSAGE_TEXT_LIMIT = 40_000
BLOCKS_TEXT_LIMIT = 13_000
"""What Slack is reported to refuse as ``msg_blocks_too_long`` (undocumented): about 13,000
characters of text in a message's blocks; counted here as the texts and button values."""


def _refusal(args: dict[str, Any]) -> str:
    """The error Slack answers a message (posted or updated) with; '' when it takes it."""
    blocks = list(args.get("blocks") or [])
    if len(str(args.get("text") or "")) > MESSAGE_TEXT_LIMIT:
        return "msg_too_long"
    if not _blocks_fit(blocks):
        return "invalid_blocks"
    if _blocks_text(blocks) > BLOCKS_TEXT_LIMIT:
        return "msg_blocks_too_long"
    return ""


def _blocks_text(blocks: list[dict[str, Any]]) -> int:
    """Characters of text in ``blocks``: sections' texts, elements' texts and values."""
    size = 0
    for block in blocks:
        size += len(str((block.get("text") or {}).get("text") or ""))
        for element in block.get("elements") or []:
            text = element.get("text")
            size += len(str(text.get("text") or "") if isinstance(text, dict) else str(text or ""))
            size += len(str(element.get("value") or ""))
    return size


def _failure(failure: Failure) -> web.Response:
    headers = {"Retry-After": failure.retry_after} if failure.retry_after else None
    body = {
        "ok": False,
        "error": failure.error or ("ratelimited" if failure.status == 429 else "internal_error"),
    }
    return web.json_response(body, status=failure.status, headers=headers)


# --- what Slack's servers send the bot -------------------------------------------------


def typed(text: str) -> str:
    """Text as Slack delivers what a user typed: ``&``, ``<`` and ``>`` escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def signature(secret: str, timestamp: str, body: str) -> str:
    """Slack's request signature for ``body`` sent at ``timestamp``."""
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass
class Reply:
    """The app's HTTP answer."""

    status: int
    text: str


@dataclass
class SlackSide:
    """Speaks to the bot's endpoint as Slack would."""

    url: str
    secret: str = SIGNING_SECRET
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    async def post(
        self,
        body: str,
        content_type: str,
        headers: dict[str, str] | None = None,
        timestamp: int | None = None,
        secret: str | None = None,
    ) -> Reply:
        """POST ``body`` signed with ``secret`` (default: the right one) at ``timestamp``."""
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        signed = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": signature(secret or self.secret, stamp, body),
            **(headers or {}),
        }
        async with (
            aiohttp.ClientSession() as session,
            session.post(self.url, data=body.encode(), headers=signed) as response,
        ):
            return Reply(response.status, await response.text())

    # --- Events API -------------------------------------------------------------------------
    def event_body(self, event: dict[str, Any], event_id: str = "", team: str = TEAM) -> str:
        """An ``event_callback`` envelope around ``event``."""
        return json.dumps(
            {
                "token": "legacy",
                "team_id": team,
                "api_app_id": "A0FOCAL",
                "event": event,
                "type": "event_callback",
                "event_id": event_id or f"Ev{next(self._ids):08d}",
                "event_time": int(time.time()),
            }
        )

    async def event(
        self, event: dict[str, Any], event_id: str = "", team: str = TEAM, **kwargs: Any
    ) -> Reply:
        """Deliver one event."""
        return await self.post(self.event_body(event, event_id, team), "application/json", **kwargs)

    def dm(self, user: str, text: str, team: str = TEAM) -> dict[str, Any]:
        """A direct message event from ``user`` to the bot."""
        return {
            "type": "message",
            "channel": "D" + user[1:],
            "user": user,
            "text": typed(text),
            "ts": self._ts(),
            "channel_type": "im",
            "team": team,
        }

    def in_thread(self, user: str, text: str, posted: dict[str, Any]) -> dict[str, Any]:
        """A direct message from ``user`` posted in the thread under a message the bot posted
        (as the fake saw it), as Slack delivers a reply in a thread."""
        thread = {"thread_ts": posted["_ts"], "parent_user_id": BOT_USER}
        return {**self.dm(user, text), "channel": posted["_channel"], **thread}

    def dm_with_files(self, user: str, text: str, files: list[dict[str, Any]]) -> dict[str, Any]:
        """A direct message that shares ``files`` (``FakeSlack.host_file``), text as caption."""
        return {**self.dm(user, text), "subtype": "file_share", "files": files}

    def mention(self, user: str, text: str, channel: str = "C0GENERAL") -> dict[str, Any]:
        """An ``app_mention`` in a channel."""
        return {
            "type": "app_mention",
            "channel": channel,
            "user": user,
            "text": f"<@UBOT> {typed(text)}",
            "ts": self._ts(),
            "team": TEAM,
        }

    # --- slash commands and interactions ----------------------------------------------------
    async def command(
        self, user: str, text: str, channel: str = "", team: str = TEAM, command: str = "/focal"
    ) -> Reply:
        """``/focal <text>`` typed by ``user`` (in their DM with the bot unless ``channel``)."""
        form = {
            "token": "legacy",
            "team_id": team,
            "team_domain": "focal",
            "channel_id": channel or "D" + user[1:],
            "channel_name": "general" if channel else "directmessage",
            "user_id": user,
            "user_name": user.lower(),
            "command": command,
            "text": typed(text),
            "api_app_id": "A0FOCAL",
            "response_url": "https://hooks.slack.invalid/commands/1",
            "trigger_id": f"{next(self._ids)}.1.trigger",
        }
        return await self.post(urlencode(form), "application/x-www-form-urlencoded")

    async def press(
        self, user: str, posted: dict[str, Any], index: int = 0, team: str = TEAM
    ) -> Reply:
        """``user`` clicks button ``index`` on a message the bot posted (as the fake saw it)."""
        channel, ts = posted["_channel"], posted["_ts"]
        actions = next(b for b in posted["blocks"] if b["type"] == "actions")
        button = actions["elements"][index]
        payload = {
            "type": "block_actions",
            "user": {"id": user, "team_id": team, "username": user.lower()},
            "team": {"id": team, "domain": "focal"},
            "api_app_id": "A0FOCAL",
            "trigger_id": f"{next(self._ids)}.2.trigger",
            "container": {"type": "message", "message_ts": ts, "channel_id": channel},
            "channel": {"id": channel, "name": "directmessage"},
            "message": {
                "type": "message",
                "user": "UBOT",
                "bot_id": "BBOT",
                "ts": ts,
                "text": posted["text"],
                "blocks": posted["blocks"],
            },
            "actions": [
                {
                    "type": "button",
                    "action_id": button["action_id"],
                    "block_id": actions.get("block_id", ""),
                    "text": button["text"],
                    "value": button["value"],
                    "action_ts": self._ts(),
                }
            ],
        }
        body = urlencode({"payload": json.dumps(payload)})
        return await self.post(body, "application/x-www-form-urlencoded")

    async def submit_view(
        self, user: str, opened: dict[str, Any], values: dict[str, str], team: str = TEAM
    ) -> Reply:
        """``user`` submits a modal the bot opened (a recorded views.open call) with ``values``
        typed into its input blocks, by block id."""
        body = self.view_body(user, opened, values, team)
        return await self.post(body, "application/x-www-form-urlencoded")

    def view_body(
        self, user: str, opened: dict[str, Any], values: dict[str, str], team: str = TEAM
    ) -> str:
        """The ``view_submission`` request body (post it twice to play a resend).

        Like Slack, the state is keyed by block id and action id; unlike Slack, nothing is
        checked client-side (a number field takes any text), so a test sees the bot's checks.
        """
        view = opened["view"]
        state = {
            block["block_id"]: {
                block["element"]["action_id"]: {
                    "type": block["element"]["type"],
                    "value": values.get(block["block_id"]) or None,
                }
            }
            for block in view["blocks"]
            if block["type"] == "input"
        }
        payload = {
            "type": "view_submission",
            "team": {"id": team, "domain": "focal"},
            "user": {"id": user, "username": user.lower(), "team_id": team},
            "api_app_id": "A0FOCAL",
            "token": "legacy",
            "trigger_id": f"{next(self._ids)}.4.trigger",
            "view": {
                **view,
                "id": opened["_view_id"],
                "team_id": team,
                "state": {"values": state},
                "hash": f"{int(time.time())}.{next(self._ids):08d}",
                "app_id": "A0FOCAL",
                "bot_id": BOT_ID,
            },
            "response_urls": [],
        }
        return urlencode({"payload": json.dumps(payload)})

    def _ts(self) -> str:
        return f"{int(time.time())}.{next(self._ids):06d}"
