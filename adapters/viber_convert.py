"""Pure conversions between Viber's REST bot API and the core's events and messages, for
:mod:`adapters.viber`.

Nothing here does I/O: the callback signature rule, which callbacks reach the core, how a
message and its keyboard are written, and which failures are worth retrying can be read and
tested on their own.
"""

from __future__ import annotations

import hashlib
import hmac
import html
from collections.abc import Sequence
from typing import Any

from adapters.buttons import buttons_independent, typed_lines, with_typed
from bot.errors import AdapterError, PermanentError, RateLimited, TransientError
from bot.events import Button, ChatRef, IncomingFile, Outbound, Sender, TextMessage, drawn
from bot.i18n import DEFAULT_LANGUAGE, _, render

CHANNEL = "viber"
MAX_TEXT = 7000  # characters in one text message
MAX_ACTION_BODY = 250  # characters Viber keeps of a reply button's ActionBody
MAX_BUTTONS = 24
CUT_NOTE = _("[…cut: the rest is on an approved channel]")  # on a line of its own
RATE_LIMIT_WAIT = 10.0  # seconds to wait on status 12 (Viber names no time)

OK = 0
TOO_MANY_REQUESTS = 12
RECEIVER_NOT_SUBSCRIBED = 6
PERMANENT_STATUSES = {
    1: "invalidUrl",
    2: "invalidAuthToken",
    3: "badData",
    4: "missingData",
    5: "receiverNotRegistered",
    6: "receiverNotSubscribed",
    7: "publicAccountBlocked",
    8: "publicAccountNotFound",
    9: "publicAccountSuspended",
    11: "noSuitableDevice",
    13: "apiVersionNotSupported",
    14: "incompatibleWithVersion",
}
"""Statuses retrying cannot fix; any other failure (10 webhookNotSet, general errors) may pass."""


# --- signatures ---------------------------------------------------------------------------
def signature(token: str, body: bytes) -> str:
    """``X-Viber-Content-Signature``: hex HMAC-SHA256 of the raw body, keyed with the token."""
    return hmac.new(token.encode(), body, hashlib.sha256).hexdigest()


def signed_by(token: str, body: bytes, given: str) -> bool:
    """Whether ``given`` is the signature of ``body`` (compared in constant time)."""
    return hmac.compare_digest(signature(token, body).encode(), given.strip().lower().encode())


# --- inbound ------------------------------------------------------------------------------
def event_type(payload: dict[str, Any]) -> str:
    """The callback's ``event`` ('message', 'subscribed', 'webhook', …)."""
    return str(payload.get("event") or "")


def user_of(payload: dict[str, Any]) -> str:
    """The Viber user a callback is about, whichever field this event type uses."""
    for holder in (payload.get("sender"), payload.get("user")):
        if isinstance(holder, dict) and holder.get("id"):
            return str(holder["id"])
    return str(payload.get("user_id") or "")


def subscription(payload: dict[str, Any]) -> bool | None:
    """What a callback says about the user's subscription: True, False, or None (nothing).

    Sending the bot a message subscribes a user, as does the ``subscribed`` event;
    ``unsubscribed`` ends it, and from then on the bot may not message them.
    """
    kind = event_type(payload)
    if kind in ("subscribed", "message"):
        return True
    if kind == "unsubscribed":
        return False
    if kind == "conversation_started" and payload.get("subscribed"):
        return True
    return None


def inbound_event(payload: dict[str, Any]) -> TextMessage | None:
    """A text the user typed or a keyboard reply (its text is the button's command line).

    Chats with a Viber bot are one to one, so every message is private and addressed.
    """
    message = payload.get("message")
    user, token = user_of(payload), payload.get("message_token")
    if event_type(payload) != "message" or not isinstance(message, dict) or not user:
        return None
    kind = message.get("type")
    if kind not in ("text", *MEDIA_KINDS) or token is None:
        return None
    return TextMessage(
        str(token),
        Sender(CHANNEL, user),
        ChatRef(CHANNEL, user, private=True),
        str(message.get("text") or ""),  # a picture's caption is its text
        files=media_of(message),
    )


WELCOME = _("Hello. Send me any message (for example /help) so I can reach you here.")

MEDIA_KINDS = {"picture": "photo", "file": "document"}


def media_of(message: dict[str, Any]) -> tuple[IncomingFile, ...]:
    """A picture or file sent with a message, by the media URL Viber gives (the adapter
    fetches it, from Viber's hosts only)."""
    kind, url = str(message.get("type", "")), str(message.get("media") or "")
    if kind not in MEDIA_KINDS or not url:
        return ()
    size = message.get("size")
    name = str(message.get("file_name") or "")
    return (IncomingFile(url, name, MEDIA_KINDS[kind], size if isinstance(size, int) else 0),)


def welcome(sender_name: str, text: str) -> dict[str, Any]:
    """The answer to ``conversation_started``: the one message Viber lets a bot send a user
    who has not subscribed, saying how to begin (``text``: :data:`WELCOME` in their
    language)."""
    return {"sender": {"name": sender_name}, "type": "text", "text": text}


# --- outbound -----------------------------------------------------------------------------
def send_payload(
    message: Outbound, sender_name: str, language: str = DEFAULT_LANGUAGE
) -> dict[str, Any]:
    """The ``send_message`` body: the text, cut to Viber's limit (with a note in the reader's
    ``language``; the typed commands are kept whole), and a reply keyboard."""
    typed = typed_lines(spelled_out(message.buttons), language=language)
    room = MAX_TEXT - (len("\n".join(typed)) + 2 if typed else 0)
    payload: dict[str, Any] = {
        "receiver": message.address,
        "sender": {"name": sender_name},
        "type": "text",
        "text": with_typed(fit(message.text, room, language), typed),
    }
    board = keyboard(message.buttons)
    if board:
        payload["keyboard"] = board
    return payload


def fit(text: str, limit: int = MAX_TEXT, language: str = DEFAULT_LANGUAGE) -> str:
    """``text`` within ``limit`` characters, saying so (in ``language``) when it was cut."""
    text = text.strip() or "…"
    note = "\n" + render(CUT_NOTE, language)
    return text if len(text) <= limit else text[: max(limit - len(note), 0)] + note


def fits_button(button: Button) -> bool:
    """Whether a button's command fits in a reply button's ActionBody."""
    return 0 < len(button.command) <= MAX_ACTION_BODY


def keyboard(buttons: Sequence[Button]) -> dict[str, Any] | None:
    """A keyboard of reply buttons: a tap sends the command line back as the user's text.

    Two buttons share a row (three columns each); labels are escaped because Viber reads
    HTML-like tags in them.
    """
    fitting = on_keyboard(buttons)
    if not fitting:
        return None
    columns = 6 if len(fitting) == 1 else 3
    return {
        "Type": "keyboard",
        "DefaultHeight": False,
        "Buttons": [
            {
                "ActionType": "reply",
                "ActionBody": button.command,
                "Text": html.escape(drawn(button.label)),
                "Columns": columns,
                "Rows": 1,
            }
            for button in fitting
        ],
    }


def on_keyboard(buttons: Sequence[Button]) -> list[Button]:
    """The buttons the keyboard holds: those whose command fits, at most 24."""
    return [b for b in buttons if fits_button(b)][:MAX_BUTTONS]


def spelled_out(buttons: Sequence[Button]) -> list[Button]:
    """The buttons also offered as typed commands: those not on the keyboard, and every one
    when they are independent actions, since the keyboard goes with the bot's next message
    (its answer to the first tap)."""
    if buttons_independent(buttons):
        return list(buttons)
    keyboard_ones = on_keyboard(buttons)
    return [b for b in buttons if b not in keyboard_ones]


def with_typed_commands(
    text: str, buttons: Sequence[Button], language: str = DEFAULT_LANGUAGE
) -> str:
    """``text`` plus a typed alternative for the buttons :func:`spelled_out` names."""
    return with_typed(text, typed_lines(spelled_out(buttons), language=language))


# --- errors -------------------------------------------------------------------------------
def translate_status(status: int, message: str) -> AdapterError:
    """The core's error class for a non-zero Viber status, so the outbox retries by class."""
    if status == TOO_MANY_REQUESTS:
        return RateLimited(RATE_LIMIT_WAIT, f"viber: {message or 'tooManyRequests'}")
    name = PERMANENT_STATUSES.get(status)
    if name:
        detail = f" ({message})" if message and message != name else ""
        return PermanentError(f"viber refused: {name}{detail}")
    return TransientError(f"viber: status {status} {message}".rstrip())


def translate_http(status: int, retry_after: str | None) -> AdapterError:
    """The core's error class for an HTTP failure before Viber's own status is known."""
    if status == 429:
        try:
            wait = max(float(retry_after or RATE_LIMIT_WAIT), 0.0)
        except ValueError:
            wait = RATE_LIMIT_WAIT
        return RateLimited(wait, "viber: HTTP 429")
    if status >= 500 or status == 408:
        return TransientError(f"viber: HTTP {status}")
    return PermanentError(f"viber refused: HTTP {status}")
