"""Pure conversions between the WhatsApp Cloud API and the core, for :mod:`adapters.whatsapp`.

Nothing here does I/O, so each rule that matters (who signed a webhook call, which messages
become which events, what may be sent outside the 24-hour window, which errors are worth
retrying) can be read and tested on its own.

Identities: WhatsApp names a person by their ``wa_id``, the phone number in digits. The
directory holds it in E.164 form (``+639170000037``), so inbound senders get a ``+`` and
outbound addresses lose it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from adapters import text_parts
from adapters.buttons import end_cut, short_labels, typed_lines, with_typed
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

CHANNEL = "whatsapp"
SIGNATURE_HEADER = "X-Hub-Signature-256"
MAX_TEXT = 4096  # characters in a text message
MAX_INTERACTIVE_TEXT = 1024  # characters in an interactive message's body
MAX_BUTTONS = 3
MAX_TITLE = 20  # characters in a reply button's title
MAX_BUTTON_ID = 256
MAX_PARAMETER = 1024  # characters in one template parameter (kept well inside Meta's limit)
MIN_HEAD = 200  # characters of text a cut template keeps before the typed commands
REPLY_WITH = _("Reply with:")
CUT_SHORT = _("(Shortened: reply to this message and it follows in full.)")
IGNORED_TYPES = frozenset({"reaction", "system", "unsupported", "request_welcome"})

REENGAGEMENT = 131047
"""Meta's code for a free-form message outside the 24-hour window: send a template instead."""
RATE_WAITS = {130429: 1.0, 131056: 6.0, 4: 60.0, 80007: 60.0, 613: 60.0}
"""Seconds to wait for each rate-limit code: throughput, per-recipient pair, app, account."""
TRANSIENT_CODES = frozenset({1, 2, 131000, 131016, 133004})
"""Unknown or temporary errors and "service unavailable": worth another try."""


class ReEngagementRequired(PermanentError):
    """A free-form message was refused because the 24-hour window is closed."""


# --- webhook --------------------------------------------------------------------------------
def signature_valid(app_secret: str, body: bytes, header: str) -> bool:
    """Whether ``header`` is ``sha256=`` + HMAC-SHA256 of the raw body under the app secret."""
    expected = "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return bool(header) and hmac.compare_digest(header.strip().encode(), expected.encode())


def handshake_answer(query: Mapping[str, str], verify_token: str) -> str | None:
    """The challenge to echo when Meta checks the webhook with our verify token, else None."""
    given = query.get("hub.verify_token", "")
    if query.get("hub.mode") != "subscribe" or not verify_token:
        return None
    if not hmac.compare_digest(given.encode(), verify_token.encode()):
        return None
    return query.get("hub.challenge", "")


@dataclass(frozen=True)
class Status:
    """A delivery report: one message we sent failed, with Meta's error code."""

    message_id: str
    recipient: str
    code: int


def changes_for(payload: Mapping[str, Any], phone_number_id: str) -> list[dict[str, Any]]:
    """The ``value`` objects of message changes addressed to our number only.

    One app may serve several numbers; calls for another number are none of our business.
    """
    if payload.get("object") != "whatsapp_business_account":
        return []
    values = [
        change.get("value") or {}
        for entry in payload.get("entry") or []
        for change in entry.get("changes") or []
        if change.get("field") == "messages"
    ]
    return [
        v for v in values if (v.get("metadata") or {}).get("phone_number_id") == phone_number_id
    ]


def inbound_events(value: Mapping[str, Any]) -> list[Inbound]:
    """The core's events for the messages in one change (to the number in its metadata)."""
    ours = wa_id(str((value.get("metadata") or {}).get("display_phone_number") or ""))
    events = [message_event(m, ours) for m in value.get("messages") or []]
    return [e for e in events if e is not None]


def message_event(message: Mapping[str, Any], business_number: str = "") -> Inbound | None:
    """A text becomes a TextMessage; a press on a reply button (or a template's quick reply
    carrying a command) becomes a ButtonPress; other media become an empty text, which the
    core answers with how to use it. Reactions and system notices are dropped.

    A text or media sent as a reply to one of our messages (sent from ``business_number``,
    the digits of our number) carries that message's ``wamid`` as ``replied_to`` (see
    :func:`replied_to`); a tap on a template's quick reply, though it quotes the template,
    is no typed reply."""
    kind, sender = str(message.get("type", "")), str(message.get("from", ""))
    if not sender or not message.get("id") or kind in IGNORED_TYPES:
        return None
    who, chat = Sender(CHANNEL, "+" + sender), ChatRef(CHANNEL, "+" + sender, private=True)
    event_id = str(message["id"])
    command = _pressed(message)
    if command:
        context = str((message.get("context") or {}).get("id", ""))
        return ButtonPress(event_id, who, chat, command, context)
    text = str((message.get("text") or {}).get("body", "")) if kind == "text" else ""
    if kind == "button":
        text = str((message.get("button") or {}).get("text", ""))
    files = media_of(message)
    if files:
        text = str((message.get(kind) or {}).get("caption", ""))
    replied = replied_to(message, business_number) if kind == "text" or files else ""
    return TextMessage(event_id, who, chat, text, files=files, replied_to=replied)


def replied_to(message: Mapping[str, Any], business_number: str) -> str:
    """The ``wamid`` of our message this one replies to (a swipe-reply quotes it in
    ``context``), '' for none or for a reply to the person's own message.

    Meta gives the quoted message's sender as the number's digits; the webhook's metadata
    names our number. Should a payload lack either, the id is passed on all the same: the
    core finds only a message it sent to this very chat under that id, so an id not ours
    answers nothing."""
    context = message.get("context")
    if not isinstance(context, Mapping) or not context.get("id"):
        return ""
    author = wa_id(str(context.get("from") or ""))
    ours = not (author and business_number) or author == business_number
    return str(context["id"]) if ours else ""


MEDIA_KINDS = {"image": "photo", "document": "document", "audio": "voice"}


def media_of(message: Mapping[str, Any]) -> tuple[IncomingFile, ...]:
    """A photo, document or voice note sent with a message, by its media id (the adapter
    asks the Graph API for its URL, then fetches it with the access token)."""
    kind = str(message.get("type", ""))
    media = message.get(kind) if kind in MEDIA_KINDS else None
    if not isinstance(media, Mapping) or not media.get("id"):
        return ()
    name = str(media.get("filename") or "")
    return (IncomingFile(str(media["id"]), name, MEDIA_KINDS[kind]),)


def _pressed(message: Mapping[str, Any]) -> str:
    """The command line a pressed button carries ('' when it is not a press of ours)."""
    if message.get("type") == "interactive":
        interactive = message.get("interactive") or {}
        reply = interactive.get("button_reply") or interactive.get("list_reply") or {}
        return str(reply.get("id", ""))
    if message.get("type") == "button":
        payload = str((message.get("button") or {}).get("payload", ""))
        return payload if payload.startswith("/") else ""
    return ""


def failed_statuses(value: Mapping[str, Any]) -> list[Status]:
    """Delivery reports of messages that failed, with their first error code."""
    found = []
    for status in value.get("statuses") or []:
        if status.get("status") != "failed":
            continue
        errors = status.get("errors") or [{}]
        code = int(errors[0].get("code") or 0)
        found.append(Status(str(status.get("id", "")), str(status.get("recipient_id", "")), code))
    return found


# --- outbound -------------------------------------------------------------------------------
def wa_id(address: str) -> str:
    """The digits WhatsApp wants from an E.164 address (``+63 917…`` → ``63917…``)."""
    return re.sub(r"\D", "", address)


def fits_button(button: Button) -> bool:
    """Whether a button can be a reply button (its command is its id, at most 256 chars)."""
    return 0 < len(button.command) <= MAX_BUTTON_ID


def message_body(message: Outbound, language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    """The free-form message, when it fits in one (see :func:`message_bodies`)."""
    return message_bodies(message, language)[0]


def message_bodies(message: Outbound, language: str = DEFAULT_LANGUAGE) -> list[dict[str, Any]]:
    """The free-form message: reply buttons when they fit, else text with typed commands
    (introduced in the reader's ``language``), in as many text messages as it takes.

    Reply buttons need at most three of them, each command at most 256 characters, titles that
    stay different once cut to 20 characters (Meta refuses a message with two alike) and a
    body of at most 1,024 characters. Long text is split at paragraph, line or word breaks
    into messages of 4,096 characters; the typed commands come last and are never cut.
    """
    to, buttons = wa_id(message.address), message.buttons
    titles = reply_titles(buttons)
    if titles and len(message.text) <= MAX_INTERACTIVE_TEXT:
        action = {"buttons": [_reply_button(b, t) for b, t in zip(buttons, titles, strict=True)]}
        content = {"type": "button", "body": {"text": message.text}, "action": action}
        return [_envelope(to, "interactive", content)]
    text = with_typed_commands(message.text, buttons, language)
    return [
        _envelope(to, "text", {"preview_url": False, "body": part})
        for part in text_parts.split_text(text, MAX_TEXT)
    ]


def reply_titles(buttons: Sequence[Button]) -> list[str] | None:
    """The reply buttons' titles, or None when the buttons cannot be reply buttons."""
    if not buttons or len(buttons) > MAX_BUTTONS or not all(fits_button(b) for b in buttons):
        return None
    return short_labels([drawn(b.label) for b in buttons], MAX_TITLE)


def template_body(
    message: Outbound, name: str, language: str, reader: str = DEFAULT_LANGUAGE
) -> dict[str, Any]:
    """The approved template that stands in outside the 24-hour window (``language``: the
    template's approved language; ``reader``: the language the reader reads).

    Its one body parameter is the message on one line (see :func:`template_parameter`).
    """
    text, _whole = template_parameter(message, reader)
    template = {
        "name": name,
        "language": {"code": language},
        "components": [{"type": "body", "parameters": [{"type": "text", "text": text}]}],
    }
    return _envelope(wa_id(message.address), "template", template)


def template_parameter(message: Outbound, reader: str = DEFAULT_LANGUAGE) -> tuple[str, bool]:
    """The template's parameter, and whether it holds the whole message.

    Parameters may hold no line breaks, so the text and its typed commands go on one line. When
    that is longer than a parameter, the text is cut and says so (:data:`CUT_SHORT`, in the
    ``reader``'s language: the outbox row keeps the promise, and the whole message goes once
    the person writes and the window opens), keeping the typed commands if they fit beside a
    useful part of the text.
    """
    typed = typed_lines(message.buttons, language=reader)
    commands = f"{render(REPLY_WITH, reader)} {' · '.join(typed)}" if typed else ""
    whole = _flat(" ".join(part for part in (message.text, commands) if part))
    if len(whole) <= MAX_PARAMETER:
        return whole or "-", True
    tail = render(CUT_SHORT, reader)
    if commands and len(tail) + len(commands) + MIN_HEAD + 2 <= MAX_PARAMETER:
        tail = f"{tail} {commands}"
    head = end_cut(_flat(message.text), MAX_PARAMETER - len(tail) - 1)
    return f"{head} {tail}", False


def one_line(text: str) -> str:
    """Text fit for a template parameter: one line, single spaces, not too long."""
    return end_cut(_flat(text), MAX_PARAMETER) or "-"


def _flat(text: str) -> str:
    """``text`` on one line: each line break a middle dot, each run of spaces one space."""
    return re.sub(r"\s+", " ", re.sub(r"\s*\n\s*", " · ", text.strip())).strip()


def with_typed_commands(
    text: str, buttons: Sequence[Button], language: str = DEFAULT_LANGUAGE
) -> str:
    """``text`` plus how to type what the buttons would do (introduced in ``language``)."""
    return with_typed(text, typed_lines(buttons, language=language), render(REPLY_WITH, language))


def _reply_button(button: Button, title: str) -> dict[str, Any]:
    return {"type": "reply", "reply": {"id": button.command, "title": title}}


def _envelope(to: str, kind: str, content: dict[str, Any]) -> dict[str, Any]:
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": kind,
        kind: content,
    }


def sent_id(answer: Mapping[str, Any]) -> str:
    """The ``wamid`` of a message the API accepted."""
    messages = answer.get("messages") or [{}]
    return str(messages[0].get("id", ""))


# --- errors ---------------------------------------------------------------------------------
def map_error(status: int, answer: Mapping[str, Any], retry_after: str | None) -> AdapterError:
    """The core's error class for a refused call: the outbox retries by class alone.

    Rate limits (HTTP 429 or Meta's rate codes) wait; 5xx and Meta's temporary codes are
    retried; a closed 24-hour window asks for a template; anything else (invalid number,
    revoked token, a template that does not exist) cannot be fixed by trying again.
    """
    found = answer.get("error")
    error: Mapping[str, Any] = found if isinstance(found, dict) else {}
    code = int(error.get("code") or 0)
    what = f"whatsapp: {code or status} {str(error.get('message', ''))[:120]}".rstrip()
    if status == 429 or code in RATE_WAITS:
        return RateLimited(_wait(retry_after, RATE_WAITS.get(code, 5.0)), what)
    if code == REENGAGEMENT:
        return ReEngagementRequired(what)
    if status >= 500 or code in TRANSIENT_CODES:
        return TransientError(what)
    return PermanentError(what)


def _wait(header: str | None, default: float) -> float:
    try:
        return max(float(header), 0.0) if header else default
    except ValueError:
        return default
