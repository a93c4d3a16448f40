"""The core's own inbound events and outbound messages.

Adapters translate platform payloads into these frozen types and back; nothing here knows a
platform. Platform ids travel as opaque strings inside :class:`Sender` and :class:`ChatRef`.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Sender:
    """Who sent an event: a channel name and that channel's user id (plus workspace if any)."""

    channel: str
    user_id: str
    workspace: str = ""


@dataclass(frozen=True, slots=True)
class ChatRef:
    """Where an event came from and where a reply goes back to."""

    channel: str
    chat_id: str
    private: bool = True


@dataclass(frozen=True, slots=True)
class Inbound:
    """Base of inbound events. ``event_id`` is the platform's unique id for de-duplication."""

    event_id: str
    sender: Sender
    chat: ChatRef


@dataclass(frozen=True, slots=True)
class TextMessage(Inbound):
    """A text message; the core parses commands (``/name args``) out of it."""

    text: str = ""
    addressed: bool = True  # False for group chatter not aimed at the bot


@dataclass(frozen=True, slots=True)
class ButtonPress(Inbound):
    """A press on a button the bot sent; ``command`` is the command line the button carries."""

    command: str = ""
    message_id: str = ""


@dataclass(frozen=True, slots=True)
class Button:
    """An action offered with a message. Pressing it runs ``command`` as the presser."""

    label: str
    command: str


@dataclass(frozen=True, slots=True)
class Outbound:
    """A message owed to someone, as stored in the outbox.

    ``address`` is the channel's chat or user id; ``text`` is plain text that the adapter
    escapes for its platform.
    """

    id: int
    channel: str
    address: str
    text: str
    person_id: str | None = None
    buttons: tuple[Button, ...] = field(default=())
    attempts: int = 0
    created_at: str = ""  # store format (UTC ISO); the outbox expires what waits too long
