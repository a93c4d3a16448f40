"""Pure conversions between a Twilio-compatible SMS API and the core's events and messages,
for :mod:`adapters.sms`.

Nothing here does I/O: the request-signature rule, how a short SMS command becomes a command
line, how a notification is shortened and given its reply hints, and which failures are worth
retrying can be read and tested on their own.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping, Sequence

from adapters.text_parts import cluster_start
from bot.errors import AdapterError, PermanentError, RateLimited, TransientError
from bot.events import Button, ChatRef, Sender, TextMessage, drawn
from bot.i18n import DEFAULT_LANGUAGE, _, n_, render
from bot.text import clean

CHANNEL = "sms"
MAX_BODY = 1600  # characters the API accepts in one message
MIN_TEXT = 40  # characters of the text kept beside the reply hints, however many they are
DEFAULT_RETRY_AFTER = 1.0
CARRIER_KEYWORDS = frozenset(
    {"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "start", "unstop", "yes"}
)
"""Opt-out and opt-in words the SMS provider acts on itself; the core never sees them."""

REQUEST_ID = re.compile(r"^[a-z]{1,4}-\d{4}-\d+$", re.IGNORECASE)
_GSM_FRIENDLY = str.maketrans(
    {"—": "-", "–": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...", "\u00a0": " "}
)


# --- signatures ---------------------------------------------------------------------------
def signature(token: str, url: str, params: Iterable[tuple[str, str]]) -> str:
    """``X-Twilio-Signature``: base64 HMAC-SHA1 of the URL followed by every POST parameter,
    sorted, each as name then value, keyed with the auth token."""
    data = url + "".join(name + value for name, value in sorted(params))
    digest = hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def signed_by(token: str, url: str, params: Iterable[tuple[str, str]], given: str) -> bool:
    """Whether ``given`` signs this URL and these parameters (compared in constant time)."""
    return hmac.compare_digest(signature(token, url, params).encode(), given.strip().encode())


# --- inbound ------------------------------------------------------------------------------
def command_line(body: str, commands: frozenset[str]) -> str | None:
    """The core's text for an SMS, or None for what only the provider acts on.

    ``ACK R-2026-0042`` (any case, slash optional) becomes ``/ack R-2026-0042``: a first word
    that names a command gets its slash, and a request id after it is upper-cased. Anything
    else goes to the core as typed, which answers what it understands.
    """
    text = clean(body).strip()  # a command copied with its direction marks too
    if not text:
        return None
    first, *rest = text.split(None, 1)
    word = first.lower().removeprefix("/")
    if not rest and word in CARRIER_KEYWORDS:
        return None
    if word not in commands:
        return text
    return " ".join(["/" + word, *_upper_first_id(rest)])


def _upper_first_id(rest: Sequence[str]) -> list[str]:
    if not rest:
        return []
    head, *tail = rest[0].split(None, 1)
    return [" ".join([head.upper() if REQUEST_ID.match(head) else head, *tail])]


def inbound_event(form: Mapping[str, str], commands: frozenset[str]) -> TextMessage | None:
    """An incoming SMS as the core's text message (``MessageSid`` de-duplicates it)."""
    sender, sid = form.get("From", ""), form.get("MessageSid") or form.get("SmsSid", "")
    text = command_line(form.get("Body", ""), commands)
    if not sender or not sid or text is None:
        return None
    return TextMessage(sid, Sender(CHANNEL, sender), ChatRef(CHANNEL, sender, private=True), text)


# --- outbound -----------------------------------------------------------------------------
def short_form(command: str) -> str:
    """A button's command as someone types it by SMS: ``/ack R-1`` becomes ``ACK R-1``."""
    name, _sep, args = command.removeprefix("/").partition(" ")
    return " ".join(part for part in (name.upper(), args) if part)


def reply_hints(buttons: Sequence[Button], language: str = DEFAULT_LANGUAGE) -> list[str]:
    """One line per button saying what to text back, since SMS has no buttons (in the
    reader's ``language``; the words to text back stay as they are)."""
    return [
        render(
            _("{label}: reply {command}", label=drawn(b.label), command=short_form(b.command)),
            language,
        )
        for b in buttons
        if b.command
    ]


def sms_body(
    text: str, buttons: Sequence[Button], max_length: int, language: str = DEFAULT_LANGUAGE
) -> str:
    """A short notification: text in GSM-friendly characters, then the reply hints.

    The hints are how the person answers, so they are kept and the text is cut to make room:
    to ``max_length``, and shorter still if the hints need it (the API takes 1,600
    characters). Only when the hints alone would leave less than :data:`MIN_TEXT` are the
    last ones left out, and a last line says how many.
    """
    hints = hints_that_fit(reply_hints(buttons, language), language)
    room = MAX_BODY - (len("\n".join(hints)) + 1 if hints else 0)
    text = text.translate(_GSM_FRIENDLY).strip()
    limit = min(max_length, room)
    if len(text) > limit:
        text = text[: cluster_start(text, max(limit - 3, 1))].rstrip() + "..."
    return "\n".join([text, *hints])


def hints_that_fit(hints: list[str], language: str = DEFAULT_LANGUAGE) -> list[str]:
    """``hints``, or as many as leave :data:`MIN_TEXT` characters for the text and a line
    saying how many more there are (in ``language``)."""
    budget = MAX_BODY - MIN_TEXT - 1
    if len("\n".join(hints)) <= budget:
        return hints
    for kept in range(len(hints) - 1, -1, -1):
        left = len(hints) - kept
        more = n_(
            "{count} more action could not fit in this SMS.",
            "{count} more actions could not fit in this SMS.",
            left,
        )
        lines = [*hints[:kept], render(more, language)]
        if len("\n".join(lines)) <= budget:
            return lines
    return []


# --- errors -------------------------------------------------------------------------------
def translate_error(status: int, body: object, retry_after: str | None) -> AdapterError:
    """The core's error class for a failed API call, so the outbox retries by class.

    429 (code 20429) waits; 5xx may pass; the rest (an invalid or unsubscribed number, a bad
    login, a region not allowed) cannot be fixed by sending again.
    """
    code, message = _code_and_message(body)
    detail = (
        f"sms: HTTP {status}"
        + (f" code {code}" if code else "")
        + (f": {message}" if message else "")
    )
    if status == 429:
        return RateLimited(_seconds(retry_after), detail)
    if status >= 500 or status == 408:
        return TransientError(detail)
    return PermanentError(detail)


def _code_and_message(body: object) -> tuple[str, str]:
    if not isinstance(body, dict):
        return "", ""
    return str(body.get("code") or ""), str(body.get("message") or "")[:200]


def _seconds(value: str | None) -> float:
    try:
        return max(float(value or DEFAULT_RETRY_AFTER), 0.0)
    except ValueError:
        return DEFAULT_RETRY_AFTER
