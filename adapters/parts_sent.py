"""A long message sent as several parts, resumed after the parts already sent.

Telegram, WhatsApp and Slack each post a text too long for one message in parts, a chat
interval apart; when a part fails and the outbox retries the message, the parts that went are
not sent again. What went is remembered per outbox id in this process only: a restart, or
another replica taking the chat over, sends the message again from its first part.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


class PartsSent:
    """How many parts of each message (by outbox id) have gone so far."""

    def __init__(self) -> None:
        self._sent: dict[int, int] = {}

    async def send(
        self,
        message_id: int,
        count: int,
        post: Callable[[int], Awaitable[T]],
        pause: Callable[[], Awaitable[None]],
    ) -> T:
        """``post(index)`` each part from the first not yet sent, ``pause()`` between two;
        the last part's result."""
        first = min(self._sent.get(message_id, 0), count - 1)
        for index in range(first, count):
            if index > first:
                await pause()
            result = await post(index)
            self._sent[message_id] = index + 1
        self._sent.pop(message_id, None)
        return result

    def forget(self, message_id: int) -> None:
        """The message failed for good: a later send of it starts again."""
        self._sent.pop(message_id, None)
