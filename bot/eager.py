"""Start a coroutine at once, in the caller's turn of the event loop (Python 3.12's eager tasks).

A delivery that completes without waiting (a send that needs no network round trip, or one
that fails at once) then costs no task and no extra trip around the loop, which is a
system call each on some machines. Only a coroutine that really waits is handed to a task,
which goes on from where it stopped.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Coroutine
from typing import Any


def start_eagerly(coro: Coroutine[Any, Any, None], tasks: set[asyncio.Task[None]]) -> None:
    """Run ``coro`` now up to its first real wait; a task (kept in ``tasks`` until it ends,
    so that it can be cancelled) finishes it from there."""
    try:
        waiting_on = coro.send(None)
    except StopIteration:
        return  # finished without waiting
    task = asyncio.get_running_loop().create_task(_finish(coro, waiting_on))
    tasks.add(task)

    def ended(task: asyncio.Task[None]) -> None:
        tasks.discard(task)
        if inspect.getcoroutinestate(coro) != inspect.CORO_CLOSED:  # cancelled before it ran
            if asyncio.isfuture(waiting_on):
                waiting_on.cancel()
            coro.close()  # its finally blocks run

    task.add_done_callback(ended)


async def _finish(coro: Coroutine[Any, Any, None], waiting_on: Any) -> None:
    """Drive ``coro`` on from a wait, as a task would: resume it once what it waits on is
    done. The coroutine reads the outcome (result, error or cancellation) from that future
    itself; cancelling this task cancels the future, as cancelling a task does."""
    while True:
        try:
            if waiting_on is None:  # a bare yield (asyncio.sleep(0)): one turn of the loop
                try:
                    await asyncio.sleep(0)
                except asyncio.CancelledError:
                    waiting_on = coro.throw(asyncio.CancelledError())
                    continue
            elif asyncio.isfuture(waiting_on):
                waiting_on._asyncio_future_blocking = False  # taken over, as a task does
                try:
                    await waiting_on
                except asyncio.CancelledError:
                    waiting_on.cancel()  # no-op when it is what was cancelled
                except Exception:
                    pass  # the coroutine raises it itself when it reads the future
            else:
                error = RuntimeError(f"a coroutine waited on {waiting_on!r}, not a future")
                waiting_on = coro.throw(error)
                continue
            waiting_on = coro.send(None)
        except StopIteration:
            return
