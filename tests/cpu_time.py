"""CPU time of one piece of work, for tests that compare two costs measured side by side
(never against a fixed number of seconds: a slower or busier machine moves both sides)."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable


def cpu_seconds(work: Callable[[], object]) -> float:
    """CPU time of this thread spent on ``work``, the collector held off (a collection of
    the other tests' garbage would be counted to whichever run it fell in)."""
    gc.collect()
    gc.disable()
    try:
        start = time.thread_time()
        work()
        return time.thread_time() - start
    finally:
        gc.enable()
