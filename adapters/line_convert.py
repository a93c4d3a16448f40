"""Pure conversions between LINE's webhook events and push requests and the core's, for
:mod:`adapters.line`.

Nothing here does I/O, so the rules that matter (which events reach the core, how a message is
split and given its quick replies, which retry key a message gets, which failures are worth
retrying) can be read and tested on their own.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence

from linebot.v3.messaging import (
    PostbackAction,
    PushMessageRequest,
    QuickReply,
    QuickReplyItem,
)
from linebot.v3.messaging import TextMessage as LineText
from linebot.v3.messaging.exceptions import ApiException
from linebot.v3.webhooks import (
    AudioMessageContent,
    Event,
    FileMessageContent,
    FollowEvent,
    GroupSource,
    ImageMessageContent,
    MessageEvent,
    PostbackEvent,
    RoomSource,
    TextMessageContent,
    UserMentionee,
    UserSource,
)

from adapters.buttons import buttons_independent, short_labels, typed_lines, with_typed
from adapters.text_parts import cluster_start, fitting
from bot.errors import AdapterError, PermanentError, RateLimited, TransientError
from bot.events import (
    Button,
    ButtonPress,
    ChatRef,
    Inbound,
    IncomingFile,
    Outbound,
    Sender,
    TextMessage,
    drawn,
)
from bot.i18n import DEFAULT_LANGUAGE, _, render

CHANNEL = "line"
MAX_TEXT = 5000  # characters in one text message (counted in UTF-16 units, to be safe)
MAX_MESSAGES = 5  # message objects in one push request
MAX_QUICK_REPLIES = 13
MAX_LABEL = 20
MAX_POSTBACK_DATA = 300
CUT_NOTE = _("[…cut: the rest is on an approved channel]")  # on a line of its own
RETRY_KEY_NAMESPACE = uuid.UUID("6f0c1d7e-2b1a-5c3e-9d4f-8a7b6c5d4e3f")
"""Fixed, so one outbox message always gets the same ``X-Line-Retry-Key``."""

DEFAULT_RETRY_AFTER = 10.0  # seconds, when a 429 names no Retry-After
MONTHLY_LIMIT = "monthly limit"  # a 429 that waiting a few seconds cannot fix


# --- inbound ------------------------------------------------------------------------------
def inbound_event(event: Event) -> Inbound | None:
    """The core's event for a webhook event, or None for events the bot does not act on.

    Events in ``standby`` mode belong to another channel's bot (module mode); LINE redelivers
    with the same ``webhookEventId``, which the core de-duplicates.
    """
    if getattr(event, "mode", None) is not None and event.mode.value != "active":
        return None
    if isinstance(event, PostbackEvent):
        return postback_press(event)
    if isinstance(event, MessageEvent):
        return text_message(event)
    if isinstance(event, FollowEvent):
        return _as_text(event, "/help")  # someone added the bot: tell them what it does
    return None


def postback_press(event: PostbackEvent) -> ButtonPress | None:
    """A tap on a quick reply: its postback data is the command line it carries."""
    user, chat = _who_and_where(event)
    if not user or not event.postback.data:
        return None
    return ButtonPress(
        event.webhook_event_id,
        Sender(CHANNEL, user),
        chat,
        event.postback.data,
    )


def text_message(event: MessageEvent) -> TextMessage | None:
    """A typed text; in groups only commands and mentions of the bot count as addressed.
    A photo, file or voice note (LINE gives them no caption) comes as a file alone: the core
    keeps it until its sender names the request."""
    if isinstance(event.message, (ImageMessageContent, FileMessageContent, AudioMessageContent)):
        return media_message(event)
    if not isinstance(event.message, TextMessageContent):
        return None
    user, chat = _who_and_where(event)
    if not user:
        return None
    text = event.message.text
    addressed = chat.private or text.startswith("/") or _mentions_bot(event.message)
    return TextMessage(
        event.webhook_event_id,
        Sender(CHANNEL, user),
        chat,
        _strip_mention(event.message),
        addressed,
    )


def media_message(event: MessageEvent) -> TextMessage | None:
    """A photo, file or voice note in a private chat, by its message id (the adapter fetches
    the content from the Messaging API); content hosted elsewhere is not taken."""
    user, chat = _who_and_where(event)
    content = event.message
    provider = getattr(content, "content_provider", None)
    if not user or not chat.private or (provider is not None and provider.type != "line"):
        return None
    if isinstance(content, FileMessageContent):
        file = IncomingFile(content.id, content.file_name or "", "document", content.file_size or 0)
    else:
        kind = "photo" if isinstance(content, ImageMessageContent) else "voice"
        file = IncomingFile(str(content.id), "", kind)
    return TextMessage(event.webhook_event_id, Sender(CHANNEL, user), chat, "", files=(file,))


def _as_text(event: Event, text: str) -> TextMessage | None:
    user, chat = _who_and_where(event)
    if not user:
        return None
    return TextMessage(event.webhook_event_id, Sender(CHANNEL, user), chat, text)


def _who_and_where(event: Event) -> tuple[str, ChatRef]:
    """The acting user's id and the chat to answer in (a group or room is not private)."""
    source = event.source
    user = getattr(source, "user_id", None) or ""
    if isinstance(source, GroupSource):
        return user, ChatRef(CHANNEL, source.group_id, private=False)
    if isinstance(source, RoomSource):
        return user, ChatRef(CHANNEL, source.room_id, private=False)
    if isinstance(source, UserSource):
        return user, ChatRef(CHANNEL, user, private=True)
    return "", ChatRef(CHANNEL, "", private=True)


def _mentions_bot(message: TextMessageContent) -> bool:
    mentionees = message.mention.mentionees if message.mention else []
    return any(isinstance(m, UserMentionee) and m.is_self for m in mentionees)


def _strip_mention(message: TextMessageContent) -> str:
    """``@FocalPoint /help`` becomes ``/help``, so a mention followed by a command works."""
    text = str(message.text)
    mentionees = message.mention.mentionees if message.mention else []
    for mentionee in mentionees:
        if isinstance(mentionee, UserMentionee) and mentionee.is_self and mentionee.index == 0:
            return text[mentionee.length :].lstrip()
    return text


# --- outbound -----------------------------------------------------------------------------
def retry_key(message: Outbound) -> str:
    """The ``X-Line-Retry-Key`` for a message: the same on every attempt, unique per message.

    The creation time is part of the name so a fresh database whose outbox ids start again
    at 1 cannot collide with keys LINE still remembers (it keeps them for 24 hours).
    """
    return str(uuid.uuid5(RETRY_KEY_NAMESPACE, f"focalpoint:{message.id}:{message.created_at}"))


def push_request(message: Outbound, language: str = DEFAULT_LANGUAGE) -> PushMessageRequest:
    """One push holding the whole message (up to five parts), quick replies on the last part;
    what the adapter adds (a cut note) is in the reader's ``language``.

    A single request is all or nothing, so with the retry key a retry never sends half twice.
    Text too long for five parts is cut, never the typed commands: they take the last part.
    """
    note = "\n" + render(CUT_NOTE, language)
    typed = typed_lines(spelled_out(message.buttons), language=language)
    pieces = split_text(with_typed(message.text, typed), note=note)
    if typed and pieces[-1].endswith(note):
        pieces = [*split_text(message.text, parts=MAX_MESSAGES - 1, note=note), "\n".join(typed)]
    *first, last = pieces
    texts = [LineText(text=part) for part in first]
    texts.append(LineText(text=last, quickReply=quick_reply(message.buttons)))
    return PushMessageRequest(to=message.address, messages=texts)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units (an emoji may count twice)."""
    return len(text.encode("utf-16-le")) // 2


def split_text(
    text: str,
    limit: int = MAX_TEXT,
    parts: int = MAX_MESSAGES,
    note: str | None = None,
) -> list[str]:
    """Cut ``text`` at line or word breaks into at most ``parts`` pieces LINE accepts.

    What does not fit in five messages is cut with ``note`` (by default :data:`CUT_NOTE` in
    the default language) saying so; on pointer-only channels the text is one short line.
    """
    note = "\n" + render(CUT_NOTE, DEFAULT_LANGUAGE) if note is None else note
    pieces: list[str] = []
    rest = text.strip() or "…"
    while utf16_len(rest) > limit and len(pieces) < parts - 1:
        cut = _cut_point(rest, limit)
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if utf16_len(rest) > limit:
        rest = rest[: _fitting(rest, limit - utf16_len(note))] + note
    return [*pieces, rest]


def _fitting(text: str, limit: int) -> int:
    """How many characters of ``text`` fit in ``limit`` UTF-16 units, ending between two
    grapheme clusters (a Thai vowel or tone mark stays on its letter)."""
    return cluster_start(text, fitting(text, limit, utf16_len))


def _cut_point(text: str, limit: int) -> int:
    head = text[: _fitting(text, limit)]
    for separator in ("\n\n", "\n", " "):
        found = head.rfind(separator, len(head) // 2)
        if found > 0:
            return found
    return len(head)


def fits_postback(button: Button) -> bool:
    """Whether a button's command fits LINE's 300-character postback data."""
    return 0 < len(button.command) <= MAX_POSTBACK_DATA


def chips(buttons: Sequence[Button]) -> list[tuple[Button, str]]:
    """The buttons that become quick replies, each with its chip label: those whose command
    fits a postback, at most 13, labels cut to 20 characters and still told apart (none at
    all when they cannot be: the commands are typed instead)."""
    fitting = [b for b in buttons if fits_postback(b)][:MAX_QUICK_REPLIES]
    labels = short_labels([drawn(b.label) for b in fitting], MAX_LABEL)
    return list(zip(fitting, labels, strict=True)) if labels is not None else []


def quick_reply(buttons: Sequence[Button]) -> QuickReply | None:
    """Quick-reply chips for the buttons: a tap posts back the command, showing the label."""
    items = [
        QuickReplyItem(
            action=PostbackAction(label=label, data=button.command, displayText=drawn(button.label))
        )
        for button, label in chips(buttons)
    ]
    return QuickReply(items=items) if items else None


def spelled_out(buttons: Sequence[Button]) -> list[Button]:
    """The buttons also offered as typed commands: those that are no chip, and every one when
    they are independent actions, since LINE removes all chips at the first tap."""
    if buttons_independent(buttons):
        return list(buttons)
    shown = [button for button, _label in chips(buttons)]
    return [b for b in buttons if b not in shown]


def with_typed_commands(
    text: str, buttons: Sequence[Button], language: str = DEFAULT_LANGUAGE
) -> str:
    """``text`` plus a typed alternative for the buttons :func:`spelled_out` names."""
    return with_typed(text, typed_lines(spelled_out(buttons), language=language))


def sent_id(message_ids: Sequence[str]) -> str:
    """The platform id recorded for a push: its last message's id."""
    return message_ids[-1] if message_ids else ""


# --- errors -------------------------------------------------------------------------------
def already_accepted(exc: ApiException) -> str | None:
    """The accepted request id when a 409 says this retry key was already accepted.

    That happens when an earlier attempt reached LINE but its answer was lost: the message was
    sent, so the outbox should record it as sent, not send it again.
    """
    if exc.status != 409:
        return None
    headers = {k.lower(): v for k, v in dict(exc.headers or {}).items()}
    return str(headers.get("x-line-accepted-request-id") or "accepted")


def translate_error(exc: ApiException) -> AdapterError:
    """The core's error class for a failed API call, so the outbox retries by class.

    429 is a rate limit, except the monthly message quota, which waiting cannot fix; 5xx may
    pass; 400 (bad request, unknown user), 401 (bad token), 403 (not allowed) and the rest
    cannot be fixed by trying again.
    """
    status, detail = exc.status or 0, error_detail(exc)
    if status == 429 and MONTHLY_LIMIT not in detail.lower():
        return RateLimited(_retry_after(exc), f"line: {detail or 'rate limited'}")
    if status >= 500 or status in (0, 408):
        return TransientError(f"line: HTTP {status} {detail}".rstrip())
    return PermanentError(f"line refused (HTTP {status}): {detail}".rstrip(": "))


def error_detail(exc: ApiException) -> str:
    """LINE's ``message`` from an error body, else the HTTP reason."""
    body = exc.body.decode() if isinstance(exc.body, bytes) else exc.body
    try:
        data = json.loads(body or "{}")
    except ValueError:
        data = {}
    message = data.get("message") if isinstance(data, dict) else None
    return str(message or exc.reason or "")[:300]


def _retry_after(exc: ApiException) -> float:
    headers = {k.lower(): v for k, v in dict(exc.headers or {}).items()}
    try:
        return max(float(headers.get("retry-after", DEFAULT_RETRY_AFTER)), 0.0)
    except (TypeError, ValueError):
        return DEFAULT_RETRY_AFTER
