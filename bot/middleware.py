"""Cross-cutting work around the handler, each a small async callable.

A middleware takes the event and the next step; it may stop the event (return without
calling ``call_next``) or pass it on.
"""

from __future__ import annotations

import inspect
from collections import deque
from collections.abc import Awaitable, Callable

from bot.events import Inbound, TextMessage

Step = Callable[[Inbound], Awaitable[None]]
Middleware = Callable[[Inbound, Step], Awaitable[None]]


def chain(middlewares: list[Middleware], final: Step) -> Step:
    """Compose ``middlewares`` around ``final``; the first listed runs first."""
    step = final
    for middleware in reversed(middlewares):
        step = _bind(middleware, step)
    return step


def _bind(middleware: Middleware, call_next: Step) -> Step:
    """A middleware with its next step: calling it starts the middleware's own coroutine
    (no wrapper coroutine per middleware and event). An object's ``__call__`` is taken as a
    bound method: calling the object itself goes through a slower path, for every event."""
    run = _fast_callable(middleware)

    def step(event: Inbound) -> Awaitable[None]:
        return run(event, call_next)

    return step


def _fast_callable(middleware: Middleware) -> Middleware:
    if inspect.isfunction(middleware):
        return middleware
    bound: Middleware = getattr(middleware, "__call__")  # noqa: B004, B009 (for mypy)
    return bound


async def ignore_chatter(event: Inbound, call_next: Step) -> None:
    """Group chatter not addressed to the bot has no effect, so it is not even recorded."""
    if isinstance(event, TextMessage) and not event.addressed and not event.text.startswith("/"):
        return
    await call_next(event)


class RecentEvents:
    """Drops redeliveries seen recently without a database round trip.

    The database's ``inbound`` table stays the authority; this only saves work.
    """

    def __init__(self, size: int = 4096) -> None:
        self._seen: set[tuple[str, str]] = set()
        self._order: deque[tuple[str, str]] = deque()  # oldest first, forgotten first
        self._size = size

    async def __call__(self, event: Inbound, call_next: Step) -> None:
        key = (event.sender.channel, event.event_id)
        if key in self._seen:
            return
        await call_next(event)  # remembered only once handled, so a failed try can be retried
        if key in self._seen:
            return  # (the same event, handled twice at once: remembered once)
        self._seen.add(key)
        self._order.append(key)
        if len(self._order) > self._size:
            self._seen.discard(self._order.popleft())
