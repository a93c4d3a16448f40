"""A long message sent as several parts, resumed after the parts already sent.

Telegram, WhatsApp and Slack each post a text too long for one message in parts, a chat
interval apart; when a part fails and the outbox retries the message, the parts that went are
not sent again, and their ids still count as the message's. What went is remembered per outbox
id in this process only: a restart, or another replica taking the chat over, sends the message
again from its first part.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.ports import SentParts


class PartsSent:
    """What each message (by outbox id) has sent so far: each part's id, in order."""

    def __init__(self) -> None:
        self._sent: dict[int, list[str]] = {}

    async def send(
        self,
        message_id: int,
        count: int,
        post: Callable[[int], Awaitable[str]],
        pause: Callable[[], Awaitable[None]],
    ) -> str:
        """``post(index)`` each part from the first not yet sent, ``pause()`` between two;
        the message's id: the last part's, which carries the buttons, with every part's
        (:class:`~bot.ports.SentParts`) when it went as several, those sent before a retry
        too, so that the platform's own reply to any part answers the message."""
        sent = self._sent.setdefault(message_id, [])
        del sent[count - 1 :]  # every part went before (or more than there are now): the last again
        first = len(sent)
        for index in range(first, count):
            if index > first:
                await pause()
            sent.append(await post(index))
        self._sent.pop(message_id, None)
        return SentParts(sent) if len(sent) > 1 else sent[0]

    def forget(self, message_id: int) -> None:
        """The message failed for good: a later send of it starts again."""
        self._sent.pop(message_id, None)
