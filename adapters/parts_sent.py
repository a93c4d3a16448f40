"""A long message sent as several parts, resumed after the parts already sent.

Telegram, WhatsApp and Slack each post a text too long for one message in parts, a chat
interval apart. When a part fails, the error the adapter raises carries the ids of the parts
that went (:attr:`bot.errors.AdapterError.sent_parts`); the outbox keeps them with the message,
in the store too, and hands them back with the retry (:attr:`bot.events.Outbound.sent_parts`),
which sends the rest only: in this process, after a restart, or on another replica. Each
part but the last is told to the outbox as it goes (:attr:`bot.ports.Adapter.part_went`), so a
crash between two parts does not send the first ones again either.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.errors import AdapterError, PermanentError
from bot.events import Outbound
from bot.ports import SentParts


class PartsSent:
    """Sends a message's parts from the first not yet sent; keeps what went of one whose send
    failed with a platform error until the adapter has translated it (:meth:`failed`)."""

    def __init__(self) -> None:
        self._failed: dict[int, tuple[str, ...]] = {}

    async def send(
        self,
        message: Outbound,
        count: int,
        post: Callable[[int], Awaitable[str]],
        pause: Callable[[], Awaitable[None]],
        went: Callable[[int, tuple[str, ...]], None] | None = None,
    ) -> str:
        """``post(index)`` each part from the first not yet sent, ``pause()`` between two,
        ``went`` told of the parts sent so far after each but the last; the message's id: the
        last part's, which carries the buttons, with every part's
        (:class:`~bot.ports.SentParts`) when it went as several, those sent before a retry
        too, so that the platform's own reply to any part answers the message."""
        self._failed.pop(message.id, None)  # a failure not handed on (a defect's) is stale now
        # every part went before (or more than there are now): the last again
        sent = list(message.sent_parts[: count - 1])
        first = len(sent)
        try:
            for index in range(first, count):
                if index > first:
                    await pause()
                sent.append(await post(index))
                if went is not None and index < count - 1:
                    went(message.id, tuple(sent))
        except AdapterError as exc:  # the core's own (a pause cut short by a 429 elsewhere)
            exc.sent_parts = tuple(sent)
            raise
        except Exception:  # the platform's, which the adapter translates (see failed())
            if sent:
                self._failed[message.id] = tuple(sent)
            raise
        return SentParts(sent) if len(sent) > 1 else sent[0]

    def failed(self, message_id: int, error: AdapterError) -> AdapterError:
        """``error``, the adapter's translation of a send's platform error, carrying the parts
        that went (none for a permanent one: the message ends there)."""
        sent = self._failed.pop(message_id, ())
        if not isinstance(error, PermanentError):
            error.sent_parts = sent
        return error
