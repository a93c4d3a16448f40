"""One exception tree for FocalPoint.

    BotError                 anything the bot raises on purpose
    ├── ConfigError          bot.toml is invalid (names the key and, where known, the line)
    ├── StoreUnavailable     the database cannot be reached; the event must not be confirmed
    ├── UserError            the user's input is wrong; the message is the polite answer
    └── AdapterError         a channel failed to deliver or receive
        ├── RateLimited      the platform asked us to wait ``retry_after`` seconds
        ├── TransientError   worth retrying (network, 5xx, timeouts)
        └── PermanentError   retrying cannot help (blocked, unknown chat, revoked token)
            └── Unreachable  the person cannot be reached there at all (blocked, left)

Adapters map their SDK's errors onto the AdapterError branch with ``raise … from exc``, so
the outbox can decide retries by class alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.i18n import Text


class BotError(Exception):
    """Base of every error the bot raises on purpose."""


class ConfigError(BotError):
    """The configuration is invalid; the message names the key (and line when known)."""


class StoreUnavailable(BotError):
    """The database cannot be reached: nothing was stored, so nothing may be acknowledged."""


class UserError(BotError):
    """Bad input from a user. The message is the clear, polite answer to send back: a
    :class:`bot.i18n.Msg` (rendered in the sender's language) or plain text."""

    def __init__(self, message: Text) -> None:
        super().__init__(message)
        self.text = message


class AdapterError(BotError):
    """A channel could not deliver or receive.

    ``sent_parts``: of a message sent as several platform messages, the ids of the parts that
    went before this failure (the outbox keeps them, and the retry sends the rest only).
    """

    sent_parts: tuple[str, ...] = ()


class RateLimited(AdapterError):
    """The platform throttled us; wait ``retry_after`` seconds before the next attempt."""

    def __init__(self, retry_after: float, message: str = "rate limited") -> None:
        super().__init__(f"{message} (retry after {retry_after:g}s)")
        self.retry_after = retry_after


class TransientError(AdapterError):
    """A failure that may pass: network trouble, a 5xx, a timeout."""


class PermanentError(AdapterError):
    """A failure retrying cannot fix: the user blocked the bot, the chat is gone."""


class Unreachable(PermanentError):
    """The person cannot be reached at this address at all, whatever is sent (they blocked
    the bot or left; the chat is gone): not this message's fault. Their next messages go on
    their next channel until they write from this one again."""
