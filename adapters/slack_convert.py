"""Pure conversions between Slack payloads and the core's events and messages.

Nothing here does I/O: the Slack adapter (:mod:`adapters.slack`) hands these functions the
payloads Bolt parsed and sends what they return. Keeping them pure lets tests pin the
security-relevant details (mrkdwn escaping, who a payload comes from, which errors are worth
retrying) without a server.

Addresses: a person is addressed by their Slack user id (``chat.postMessage`` with a user id
posts in the app's DM with them), so direct messages use the user id as ``chat_id`` and a
reply and a notification to the same person share one outbox lane. A reply to a mention in
a channel goes in the mention's thread, written ``<channel>/<thread_ts>``.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from slack_sdk.errors import SlackApiError

from adapters.buttons import remaining, typed_lines, with_typed
from adapters.slack_modal import form_button
from adapters.text_parts import cluster_start, split_text
from bot.errors import AdapterError, PermanentError, RateLimited, TransientError, Unreachable
from bot.events import (
    Button,
    ButtonPress,
    ChatRef,
    IncomingFile,
    Outbound,
    Sender,
    TextMessage,
    drawn,
)
from bot.i18n import DEFAULT_LANGUAGE, _, render

CHANNEL = "slack"
ACTION_PREFIX = "fp:"
"""Every button the bot sends has an ``action_id`` starting with this; the listener matches it."""

SECTION_LIMIT = 3000  # characters of (escaped) text in one section block
BUTTON_LABEL_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000
ACTIONS_LIMIT = 25  # elements in one actions block
MAX_BLOCKS = 50  # blocks in one message (or one file share)
MAX_ACTION_BLOCKS = 4  # 100 buttons leave room for 46 sections
TEXT_LIMIT = 40_000  # characters of (escaped) text Slack keeps in one message
BUTTONS_TEXT_LIMIT = 10_000
"""Characters of (escaped) text in a message with buttons. Slack is reported to refuse blocks
of about 13,000 characters in all (``msg_blocks_too_long``, undocumented); this leaves room
for a form button's value of up to 2,000."""

UNREACHABLE_ERRORS = frozenset(  # the person's conversation is gone, whatever is sent
    {"channel_not_found", "is_archived", "account_inactive", "user_not_found", "user_disabled"}
)
PERMANENT_ERRORS = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "account_inactive",
        "user_not_found",
        "user_disabled",
        "cannot_dm_bot",
        "invalid_auth",
        "not_authed",
        "token_revoked",
        "token_expired",
        "missing_scope",
        "no_permission",
        "restricted_action",
        "team_access_not_granted",
        "msg_too_long",
        "msg_blocks_too_long",
        "no_text",
        "invalid_blocks",
        "invalid_arguments",
        "too_many_attachments",
        "file_uploads_disabled",
        "file_uploads_except_images_disabled",
    }
)
"""Web API errors that retrying cannot fix; anything else is retried, a bounded number of times."""

_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))
_MARKUP = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_PARTIAL_ENTITY = re.compile(r"&[a-z]{0,3}$")  # an escape cut short: "&", "&a", "&am", "&amp"

NameOf = Callable[[str], str | None]
"""The directory name of the person behind a Slack user id (None: not in the directory)."""


# --- text -------------------------------------------------------------------------------
def escape_mrkdwn(text: str) -> str:
    """Escape ``&``, ``<`` and ``>`` so relayed text cannot ping ``@channel`` or mention anyone.

    Slack treats ``<!channel>``, ``<!here>`` and ``<@U…>`` as live mentions only when the angle
    brackets are literal; escaped, they show as typed.
    """
    for raw, escaped in _ESCAPES:
        text = text.replace(raw, escaped)
    return text


def plain_text(text: str, name_of: NameOf | None = None) -> str:
    """Turn Slack's markup in a user's message into the plain text the core works with.

    Links, mentions and channel references become readable text; a mention of someone
    ``name_of`` knows reads as their directory name (a raw user id means nothing on another
    channel). Entities are unescaped last so an ``&lt;`` the user typed stays a ``<`` and is
    escaped again on the way out.
    """
    text = _MARKUP.sub(lambda match: _readable(match, name_of), text)
    for raw, escaped in reversed(_ESCAPES):
        text = text.replace(escaped, raw)
    return text


def _readable(match: re.Match[str], name_of: NameOf | None = None) -> str:
    target, label = match[1], match[2]
    name = _directory_name(target, name_of)
    if name:
        return "@" + escape_mrkdwn(name)  # escaped: the unescaping after must give it back
    if target[:1] in ("@", "#"):
        return target[0] + (label or target[1:]).lstrip("@#")
    if target.startswith("!date"):
        return label or ""
    if target.startswith("!"):
        return "@" + (label or target[1:].split("^")[0]).lstrip("@")
    target = target.removeprefix("mailto:")
    if not label:
        return target
    return label if label in target else f"{label} ({target})"


def _directory_name(target: str, name_of: NameOf | None) -> str | None:
    """The directory name for a user mention ``@U…`` (None for anything else or a stranger)."""
    user_id = target[1:]
    if name_of is None or target[:1] != "@" or not _USER_ID.match(user_id):
        return None
    return name_of(user_id)


def section_chunks(text: str, limit: int = SECTION_LIMIT) -> list[str]:
    """Split plain ``text`` into escaped pieces that each fit one section block, at the last
    paragraph, line or word break in the second half of each piece (hard only for a word
    longer than half a piece).

    Splitting before escaping keeps an entity such as ``&amp;`` from being cut in half; each
    break stays at the end of its piece, so the pieces rejoin to the whole text.
    """
    chunks: list[str] = []
    rest = text
    while len(escape_mrkdwn(rest)) > limit:
        head = rest[: cluster_start(rest, _fitting(rest, limit))]  # a mark stays on its letter
        cut = _break_in(head)
        chunks.append(escape_mrkdwn(rest[:cut]))
        rest = rest[cut:]
    chunks.append(escape_mrkdwn(rest))
    return chunks


def _fitting(text: str, limit: int) -> int:
    """How many characters of ``text`` fit in ``limit`` once escaped (at least one)."""
    size = 0
    for end, char in enumerate(text):
        size += len(escape_mrkdwn(char))
        if size > limit:
            return max(end, 1)
    return len(text)


def _break_in(head: str) -> int:
    """Just after the last paragraph, line or word break in the second half of ``head``."""
    for separator in ("\n\n", "\n", " "):
        found = head.rfind(separator, len(head) // 2)
        if found > 0:
            return found + len(separator)
    return len(head)


# --- addresses ----------------------------------------------------------------------------
def thread_address(channel: str, thread_ts: str) -> str:
    """The address of a thread in a channel (where replies to a mention go)."""
    return f"{channel}/{thread_ts}" if thread_ts else channel


def split_address(address: str) -> tuple[str, str]:
    """``(channel, thread_ts)`` from an address; ``thread_ts`` is '' outside threads."""
    channel, _, thread_ts = address.partition("/")
    return channel, thread_ts


# --- inbound ------------------------------------------------------------------------------
def team_of(body: dict[str, Any]) -> str:
    """The workspace the acting user belongs to, from any kind of payload.

    In shared channels an event's ``user_team`` differs from the receiving workspace, and that
    is the one that must match the directory's team.
    """
    event = body.get("event") or {}
    user: dict[str, Any] = body["user"] if isinstance(body.get("user"), dict) else {}
    team: dict[str, Any] = body["team"] if isinstance(body.get("team"), dict) else {}
    for candidate in (
        event.get("user_team"),
        event.get("team"),
        user.get("team_id"),
        body.get("team_id"),
        team.get("id"),
    ):
        if candidate:
            return str(candidate)
    return ""


def message_event(body: dict[str, Any], name_of: NameOf | None = None) -> TextMessage | None:
    """A direct message to the bot, or None for anything the core should not see.

    Edits, deletions, bot posts and channel chatter are dropped here: mentions in channels
    arrive separately as ``app_mention`` events. Mentions in the text read as ``name_of``
    names them (see :func:`plain_text`). A message posted in a thread of the DM answers the
    thread's first message (see :func:`thread_parent`).
    """
    event = body.get("event") or {}
    subtype = event.get("subtype")
    if subtype == "message_changed":
        return _edit(body, event, name_of)
    if event.get("channel_type") != "im" or subtype not in (None, "file_share", "thread_broadcast"):
        return None
    user = event.get("user")
    if not user or event.get("bot_id"):
        return None
    text = plain_text(event.get("text") or "", name_of)
    return _direct(body, event, user, text, files_of(event), replied_to=thread_parent(event))


def thread_parent(event: dict[str, Any]) -> str:
    """The message a DM posted in a thread answers, the thread's first, by the id the adapter's
    send returns (``<DM channel>:<ts>``); '' outside threads.

    Whose message it is goes unchecked: the core finds only a message it sent to this person
    under that id, so a thread under the person's own message answers nothing.
    """
    thread_ts, channel = str(event.get("thread_ts") or ""), str(event.get("channel") or "")
    if not thread_ts or not channel or thread_ts == event.get("ts"):
        return ""
    return f"{channel}:{thread_ts}"


def _edit(
    body: dict[str, Any], event: dict[str, Any], name_of: NameOf | None
) -> TextMessage | None:
    """A person's edit of a direct message (the core tells them edits change nothing); None
    for Slack's own changes (a link preview added: no ``edited`` mark, the same text)."""
    message = event.get("message") or {}
    before = event.get("previous_message") or {}
    user = message.get("user")
    if (
        event.get("channel_type") != "im"
        or not user
        or message.get("bot_id")
        or not message.get("edited")
        or message.get("text") == before.get("text")
    ):
        return None
    return _direct(body, event, user, plain_text(message.get("text") or "", name_of), edited=True)


def _direct(
    body: dict[str, Any],
    event: dict[str, Any],
    user: str,
    text: str,
    files: tuple[IncomingFile, ...] = (),
    edited: bool = False,
    replied_to: str = "",
) -> TextMessage:
    """A direct message from ``user``, keyed by Slack's event id. The chat is the person's
    user id, as the bot addresses them, also for a message posted in a thread: answers go to
    the DM itself, where notifications arrive, not into the thread."""
    return TextMessage(
        str(body.get("event_id") or f"{event.get('channel')}:{event.get('ts')}"),
        Sender(CHANNEL, user, team_of(body)),
        ChatRef(CHANNEL, user, private=True),
        text,
        files=files,
        edited=edited,
        replied_to=replied_to,
    )


def files_of(event: dict[str, Any]) -> tuple[IncomingFile, ...]:
    """Files shared in a direct message, by their private download URL (fetched with the bot
    token by the adapter)."""
    found = []
    for file in event.get("files") or []:
        url = str(file.get("url_private_download") or file.get("url_private") or "")
        if not url:
            continue
        mime = str(file.get("mimetype") or "")
        kind = (
            "photo"
            if mime.startswith("image/")
            else "voice"
            if mime.startswith("audio/")
            else "document"
        )
        size = file.get("size")
        found.append(
            IncomingFile(
                url, str(file.get("name") or ""), kind, size if isinstance(size, int) else 0
            )
        )
    return tuple(found)


def mention_event(body: dict[str, Any]) -> TextMessage | None:
    """A mention in a channel, which the bot answers with help only (in the mention's thread).

    The text is replaced by ``/help`` so nothing said in a channel can start casework there.
    """
    event = body.get("event") or {}
    user = event.get("user")
    if not user or event.get("bot_id"):
        return None
    thread = event.get("thread_ts") or event.get("ts") or ""
    return TextMessage(
        str(body.get("event_id") or f"{event.get('channel')}:{event.get('ts')}"),
        Sender(CHANNEL, user, team_of(body)),
        ChatRef(CHANNEL, thread_address(event.get("channel", ""), thread), private=False),
        "/help",
    )


def command_event(body: dict[str, Any], name_of: NameOf | None = None) -> TextMessage:
    """``/focal request TH urgent …`` as the core's ``/request TH urgent …``.

    A slash command is seen only by the person who typed it, and the answer goes to their
    direct messages, so it is private wherever it was typed. Mentions read as ``name_of``
    names them (see :func:`plain_text`).
    """
    user = body["user_id"]
    text = plain_text(body.get("text") or "", name_of).strip().removeprefix("/")
    # Slack never resends a slash command, so one without Slack's ids gets an id of its own:
    # an empty one would make every such command after the first a "redelivery".
    made_up = f"local-{uuid.uuid4().hex}"
    return TextMessage(
        f"command:{body.get('trigger_id') or body.get('command_ts') or made_up}",
        Sender(CHANNEL, user, team_of(body)),
        ChatRef(CHANNEL, user, private=True),
        "/" + (text or "help"),
    )


def in_direct_message(body: dict[str, Any]) -> bool:
    """Whether a slash command or interaction came from a DM (channel ids of DMs start 'D')."""
    channel = body.get("channel_id") or (body.get("channel") or {}).get("id") or ""
    return str(channel).startswith("D") or body.get("channel_name") == "directmessage"


def press_event(body: dict[str, Any], action: dict[str, Any]) -> ButtonPress:
    """A press on one of the bot's buttons; ``value`` carries the command line to run."""
    user = body["user"]["id"]
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id") or ""
    trigger = body.get("trigger_id") or f"{action.get('action_ts')}:{user}"
    return ButtonPress(
        f"action:{trigger}",
        Sender(CHANNEL, user, team_of(body)),
        ChatRef(CHANNEL, user, private=True),
        str(action.get("value") or ""),
        f"{channel}:{container.get('message_ts', '')}",
    )


def view_event(body: dict[str, Any], command: str) -> ButtonPress:
    """A submitted form (modal) as a press of its Submit button, carrying ``command``.

    The view's id is the event id: Slack accepts one successful submission per view, so a
    resent submission is a duplicate the core drops.
    """
    user = body["user"]["id"]
    view_id = str((body.get("view") or {}).get("id") or "")
    return ButtonPress(
        f"view:{view_id}",
        Sender(CHANNEL, user, team_of(body)),
        ChatRef(CHANNEL, user, private=True),
        command,
        view_id,
    )


# --- outbound -----------------------------------------------------------------------------
def post_messages(
    message: Outbound, hint: str = "/", language: str = DEFAULT_LANGUAGE
) -> list[dict[str, Any]]:
    """The ``chat.postMessage`` calls for one outbound message, in order: one, or for a text
    too long for one message, several (each a call of :func:`post_arguments`).

    A long text is cut at paragraph, line or word breaks (see :mod:`adapters.text_parts`)
    into plain messages of up to 40,000 characters, and the last one, which carries the
    buttons, holds at most 10,000: every word reaches the reader, and the buttons come after
    the whole text, as they would in one message.
    """
    text = _full_text(message, hint, language)
    parts = _parts(text, TEXT_LIMIT)
    if message.buttons:
        parts[-1:] = _parts(parts[-1], BUTTONS_TEXT_LIMIT)
    plain = replace(message, buttons=())
    return [
        *(post_arguments(plain, text=part) for part in parts[:-1]),
        post_arguments(message, hint, language, text=parts[-1]),
    ]


def _full_text(message: Outbound, hint: str = "/", language: str = DEFAULT_LANGUAGE) -> str:
    """The message's text and, after it, the buttons that cannot be drawn, typed out."""
    return with_typed(message.text, typed_lines(unshown(message.buttons), hint, language))


def _parts(text: str, limit: int) -> list[str]:
    """``text`` whole if it fits ``limit`` once escaped, else cut at breaks into parts that do."""
    if _escaped_length(text) <= limit:
        return [text]
    return split_text(text, limit, _escaped_length)


def _escaped_length(text: str) -> int:
    return len(escape_mrkdwn(text))


def post_arguments(
    message: Outbound,
    hint: str = "/",
    language: str = DEFAULT_LANGUAGE,
    text: str | None = None,
) -> dict[str, Any]:
    """The ``chat.postMessage`` arguments for one outbound message, or for ``text``, a part
    of it (see :func:`post_messages`, which keeps each within Slack's limits).

    The text is shown as written: ``mrkdwn`` is off, so a relayed ``*bold*`` or `` `code` ``
    stays as typed (the core's own texts use no markup, only line breaks and "•"), and
    ``&``, ``<`` and ``>`` are escaped, so nothing in it can ping ``@channel`` or mention
    anyone. Buttons become actions blocks whose values are the command lines, and a button
    that cannot be one is typed out in the text (as commands are typed on Slack: ``hint`` is
    "/focal "). Link previews stay off so casework URLs are not fetched by Slack's unfurler.
    """
    channel, thread_ts = split_address(message.address)
    if text is None:
        text = _full_text(message, hint, language)
    arguments: dict[str, Any] = {
        "channel": channel,
        "text": escape_mrkdwn(text),
        "mrkdwn": False,
        "unfurl_links": False,
        "unfurl_media": False,
        "link_names": False,
    }
    if thread_ts:
        arguments["thread_ts"] = thread_ts
    if message.buttons:
        arguments["blocks"] = message_blocks(message, text)
    return arguments


def is_user_id(channel: str) -> bool:
    """A person's ``U…``/``W…`` id: messages may be posted to it, files only to a
    conversation (``C``, ``G``, ``D`` ids), so their direct message is opened first."""
    return bool(_USER_ID.match(channel))


def upload_arguments(message: Outbound, conversation: str, body: bytes) -> dict[str, Any]:
    """The ``files_upload_v2`` arguments: the file shared into ``conversation`` (in the
    message's thread, if any), the message's text as its caption.

    The caption goes as ``blocks`` of plain_text sections, never as ``initial_comment``:
    Slack renders a comment as mrkdwn (a relayed ``*URGENT*`` would show bold) and ignores
    ``blocks`` when a comment is set. No text, no blocks.
    """
    file = message.attachment
    assert file is not None, "upload_arguments needs a message with a file"
    _, thread_ts = split_address(message.address)
    arguments: dict[str, Any] = {
        "channel": conversation,
        "file": body,
        "filename": file.filename,
        "title": file.filename,
    }
    blocks = caption_blocks(message.text)
    if blocks:
        arguments["blocks"] = blocks
    if file.photo:
        arguments["alt_txt"] = " ".join(message.text.split())[:1000]  # Slack's limit
    if thread_ts:
        arguments["thread_ts"] = thread_ts
    return arguments


def completion_form(arguments: dict[str, Any], conversation: str, file_id: str) -> dict[str, str]:
    """The ``files.completeUploadExternal`` form that shares an uploaded file, from
    :func:`upload_arguments`: its caption blocks and ``files`` as JSON, as Slack takes them.

    The adapter posts this as the request body: slack-sdk's method would put it in the URL,
    where a caption of about a thousand Thai characters (nine bytes each, encoded) already
    passes the 8 KB request line that common HTTP servers accept.
    """
    form = {
        "files": json.dumps([{"id": file_id, "title": arguments["title"]}]),
        "channel_id": conversation,
    }
    if arguments.get("blocks"):
        form["blocks"] = json.dumps(arguments["blocks"])
    if arguments.get("thread_ts"):
        form["thread_ts"] = str(arguments["thread_ts"])
    return form


def caption_blocks(text: str) -> list[dict[str, Any]]:
    """A file's caption as plain_text sections, at most 50 (Slack's limit for a message).

    Only a caption longer than about 150,000 characters once escaped is cut: its last
    section ends with "…" so the reader can tell.
    """
    return _within(_sections(text), MAX_BLOCKS)


def _within(sections: list[dict[str, Any]], room: int) -> list[dict[str, Any]]:
    """The first ``room`` sections; if some are left out, the last kept ends with "…"."""
    if len(sections) <= room:
        return sections
    kept = sections[: max(room, 0)]
    if not kept:
        return kept
    last = kept[-1]
    head = _PARTIAL_ENTITY.sub("", last["text"]["text"][: SECTION_LIMIT - 1])  # no "&am" left
    kept[-1] = {**last, "text": {**last["text"], "text": head + "…"}}
    return kept


def _sections(text: str) -> list[dict[str, Any]]:
    """Plain_text section blocks for ``text``, each within Slack's 3,000 characters."""
    return [
        {"type": "section", "text": {"type": "plain_text", "text": chunk, "emoji": False}}
        for chunk in section_chunks(text)
        if chunk.strip()
    ]


def message_blocks(message: Outbound, text: str | None = None) -> list[dict[str, Any]]:
    """Section blocks for the text (``text``: with typed commands added), then actions blocks
    of up to 25 buttons each, one button per core Button that fits. The buttons always stay:
    a text too long for the 50 blocks Slack takes loses its tail, marked "…" (the adapter
    sends such a text in several messages, see :func:`post_messages`).

    Sections are ``plain_text`` without emoji codes: Slack shows a relayed ``*bold*``,
    ``_it_``, ``~strike~``, `` `code` ``, ``:smile:``, "@here" or "#channel" exactly as typed
    (a ``verbatim`` mrkdwn section would still render the formatting). The text is escaped
    all the same, as Slack asks of every text object, which keeps ``<@U…>`` inert.
    """
    sections = _sections(message.text if text is None else text)
    drawn_ones = shown(message.buttons)
    buttons = [_button(b, i) for i, b in enumerate(message.buttons) if b in drawn_ones]
    rows = [buttons[i : i + ACTIONS_LIMIT] for i in range(0, len(buttons), ACTIONS_LIMIT)]
    actions = [
        {"type": "actions", "block_id": f"fp-actions-{n}", "elements": row}
        for n, row in enumerate(rows)
    ]
    return [*_within(sections, MAX_BLOCKS - len(actions)), *actions]


def shown(buttons: tuple[Button, ...]) -> list[Button]:
    """The buttons drawn as buttons: those that fit (a form, or a command of at most 2,000
    characters), up to four actions blocks' worth."""
    fitting = [b for b in buttons if form_button(b, 0) or 0 < len(b.command) <= BUTTON_VALUE_LIMIT]
    return fitting[: ACTIONS_LIMIT * MAX_ACTION_BLOCKS]


def unshown(buttons: tuple[Button, ...]) -> list[Button]:
    """The buttons offered as typed commands instead (see :func:`shown`)."""
    drawn_ones = shown(buttons)
    return [b for b in buttons if b not in drawn_ones]


def _button(button: Button, index: int) -> dict[str, Any]:
    """A button that opens its form as a modal, or else one that runs its command."""
    return form_button(button, index) or {
        "type": "button",
        "action_id": f"{ACTION_PREFIX}{index}",
        "text": {"type": "plain_text", "text": drawn(button.label)[:BUTTON_LABEL_LIMIT]},
        "value": button.command,
    }


def pressed_blocks(
    blocks: list[dict[str, Any]],
    label: str,
    user_id: str,
    value: str = "",
    language: str = DEFAULT_LANGUAGE,
) -> list[dict[str, Any]]:
    """The message's blocks once ``user_id`` pressed the button ``label`` carrying ``value``,
    with a line saying who pressed what, in the presser's ``language``.

    When the buttons are one choice, the actions blocks are replaced by that line: removing
    them makes the buttons inert, so a second click cannot happen. When they are independent
    actions (see :mod:`adapters.buttons`), only the pressed button goes and the others stay.
    Past Slack's 50 blocks, the text loses its tail (see :func:`message_blocks`).
    """
    who = f"<@{user_id}>" if _USER_ID.match(user_id) else escape_mrkdwn(user_id)
    line = render(_("✓ {action} by {name}", action=escape_mrkdwn(label), name=who), language)
    done = {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": line, "verbatim": True}],
    }
    if remaining(_commands_in(blocks), value):
        return _fitted(_without_button(blocks, value, done))
    kept = [block for block in blocks if block.get("type") != "actions"]
    first = next((i for i, b in enumerate(blocks) if b.get("type") == "actions"), len(blocks))
    return _fitted([*kept[:first], done, *kept[first:]])


def _fitted(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``blocks`` within Slack's 50: the leading sections give way, never what follows."""
    if len(blocks) <= MAX_BLOCKS:
        return blocks
    count = next((i for i, b in enumerate(blocks) if b.get("type") != "section"), len(blocks))
    rest = blocks[count:]
    return [*_within(blocks[:count], MAX_BLOCKS - len(rest)), *rest]


def _commands_in(blocks: list[dict[str, Any]]) -> list[str]:
    """The values of the message's buttons: command lines (a form button's is its form, which
    makes the set one choice)."""
    return [
        str(element.get("value") or "")
        for block in blocks
        if block.get("type") == "actions"
        for element in block.get("elements") or []
    ]


def _without_button(
    blocks: list[dict[str, Any]], value: str, done: dict[str, Any]
) -> list[dict[str, Any]]:
    """``blocks`` less the button carrying ``value``, ``done`` just before the buttons left."""
    result: list[dict[str, Any]] = []
    for block in blocks:
        if block.get("type") != "actions":
            result.append(block)
            continue
        if done not in result:
            result.append(done)
        elements = [e for e in block.get("elements") or [] if e.get("value") != value]
        if elements:
            result.append({**block, "elements": elements})
    return result


# --- errors -------------------------------------------------------------------------------
def map_error(exc: Exception) -> AdapterError:
    """The core's error class for a failed Web API call: it decides whether to retry.

    A 429 becomes ``RateLimited`` with Slack's ``Retry-After``; 5xx and network trouble are
    transient; errors that name a missing chat or a dead token are permanent.
    """
    if not isinstance(exc, SlackApiError):
        return TransientError(f"slack unreachable: {type(exc).__name__}: {exc}")
    response = exc.response
    status = getattr(response, "status_code", 0)
    data = getattr(response, "data", None)
    code = str(data.get("error") or "") if isinstance(data, dict) else ""
    if status == 429:
        return RateLimited(_retry_after(response), f"slack: {code or 'ratelimited'}")
    if code in UNREACHABLE_ERRORS:
        return Unreachable(f"slack: {code}")
    if code in PERMANENT_ERRORS:
        return PermanentError(f"slack: {code}")
    return TransientError(f"slack: {code or 'error'} (HTTP {status})")


def _retry_after(response: Any) -> float:
    headers = getattr(response, "headers", None) or {}
    try:
        return max(float(headers.get("Retry-After", "1")), 0.0)
    except (TypeError, ValueError):
        return 1.0
