"""A long message sent as several parts, resumed after the parts already sent.

Telegram, WhatsApp and Slack each post a text too long for one message in parts, a chat
interval apart; when a part fails and the outbox retries the message, the parts that went are
not sent again, and their ids still count as the message's. What went is remembered per outbox
id in this process only: a restart, or another replica taking the chat over, sends the message
again from its first part.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

T = TypeVar("T")


class PartsSent:
    """What each message (by outbox id) has sent so far: each part's result, in order."""

    def __init__(self) -> None:
        self._sent: dict[int, list[Any]] = {}

    async def send(
        self,
        message_id: int,
        count: int,
        post: Callable[[int], Awaitable[T]],
        pause: Callable[[], Awaitable[None]],
    ) -> T:
        """``post(index)`` each part from the first not yet sent, ``pause()`` between two;
        the last part's result."""
        return (await self.send_each(message_id, count, post, pause))[-1]

    async def send_each(
        self,
        message_id: int,
        count: int,
        post: Callable[[int], Awaitable[T]],
        pause: Callable[[], Awaitable[None]],
    ) -> list[T]:
        """As :meth:`send`; every part's result, those of parts sent before a retry too."""
        sent: list[T] = self._sent.setdefault(message_id, [])
        del sent[count - 1 :]  # every part went before (or more than there are now): the last again
        first = len(sent)
        for index in range(first, count):
            if index > first:
                await pause()
            sent.append(await post(index))
        self._sent.pop(message_id, None)
        return sent

    def forget(self, message_id: int) -> None:
        """The message failed for good: a later send of it starts again."""
        self._sent.pop(message_id, None)
