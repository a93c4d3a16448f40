"""Starting a coroutine at once (bot.eager): it behaves as a task would."""

import asyncio

import pytest

from bot.eager import start_eagerly


async def test_a_coroutine_that_never_waits_finishes_at_once_without_a_task() -> None:
    tasks: set[asyncio.Task[None]] = set()
    seen: list[str] = []

    async def prints() -> None:
        seen.append("done")

    start_eagerly(prints(), tasks)
    assert seen == ["done"] and not tasks


async def test_one_that_waits_runs_to_its_first_wait_then_goes_on_in_a_task() -> None:
    tasks: set[asyncio.Task[None]] = set()
    seen: list[str] = []

    async def waits() -> None:
        seen.append("before")
        await asyncio.sleep(0.01)
        seen.append("after a timer")
        await asyncio.sleep(0)
        seen.append("after a bare yield")

    start_eagerly(waits(), tasks)
    assert seen == ["before"] and len(tasks) == 1
    await asyncio.wait_for(asyncio.gather(*tasks), 5)
    assert seen == ["before", "after a timer", "after a bare yield"] and not tasks


async def test_an_error_set_on_the_awaited_future_reaches_the_coroutine() -> None:
    tasks: set[asyncio.Task[None]] = set()
    seen: list[str] = []

    async def fails_later() -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        asyncio.get_running_loop().call_later(0.01, future.set_exception, ValueError("no"))
        try:
            await future
        except ValueError as exc:
            seen.append(f"caught {exc}")

    start_eagerly(fails_later(), tasks)
    await asyncio.wait_for(asyncio.gather(*tasks), 5)
    assert seen == ["caught no"]


@pytest.mark.parametrize("after_start", [False, True])
async def test_cancelling_the_task_runs_the_coroutines_finally(after_start: bool) -> None:
    tasks: set[asyncio.Task[None]] = set()
    seen: list[str] = []

    async def long_wait() -> None:
        try:
            await asyncio.sleep(30)
        finally:
            seen.append("finally")

    start_eagerly(long_wait(), tasks)
    [task] = tasks
    if after_start:
        await asyncio.sleep(0.01)  # the task is running and waits on the timer's future
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, 5)
    assert seen == ["finally"] and not tasks
