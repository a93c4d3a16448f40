"""Which commands run on the event loop: the ones marked quick, and the ones measured short.

A unit on the loop costs no hop to the store thread, which on some virtual machines is a
millisecond or more of waiting for the thread to wake and the loop to be woken back (W2's
/requests, /show and /countries waited about 2.5 ms for 0.3–0.5 ms of work). A long unit
there would hold every chat up, so a command not marked quick starts on the thread, and
comes to the loop once its recent units all took less than :data:`INLINE_UNDER`; one slow
unit sends it back until its cost has decayed under the bar again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from bot.commands import CommandSpec
from bot.storage.sql import Db

T = TypeVar("T")

INLINE_UNDER = 0.001
"""Seconds: a command whose recent units each took less than this runs on the loop."""
DECAY = 0.8
"""How much of a slow unit's cost is still remembered one unit later."""


class UnitCosts:
    """The recent cost of each command's units (by spec), measured where they ran."""

    def __init__(self) -> None:
        self._cost: dict[int, float] = {}  # by id(): specs live as long as the registry

    def short(self, spec: CommandSpec) -> bool:
        """Whether ``spec``'s next unit may run on the loop (unmeasured: not yet)."""
        return spec.quick or self._cost.get(id(spec), INLINE_UNDER) < INLINE_UNDER

    def timed(self, spec: CommandSpec, unit: Callable[[Db], T]) -> Callable[[Db], T]:
        """``unit``, noting what it cost (on whichever thread runs it)."""
        if spec.quick:  # known short: nothing to learn
            return unit

        def measured(db: Db) -> T:
            started = time.perf_counter()
            try:
                return unit(db)
            finally:
                self.note(spec, time.perf_counter() - started)

        return measured

    def note(self, spec: CommandSpec, seconds: float) -> None:
        """``spec``'s unit took ``seconds``; a slower one than remembered counts at once."""
        before = self._cost.get(id(spec))
        self._cost[id(spec)] = seconds if before is None else max(seconds, before * DECAY)
