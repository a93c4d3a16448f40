"""The collector pause around a workbook build leaves the collector as it found it; settling
after start collects what starting left, then exempts the rest from later passes."""

from __future__ import annotations

import gc
import weakref

import pytest

from bot.gc_pause import gc_paused, settle_after_start


def test_paused_inside_and_running_again_after_even_on_error() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), gc_paused():
        raise ValueError("the build failed")
    assert gc.isenabled()


def test_a_collector_disabled_before_stays_disabled() -> None:
    gc.disable()
    try:
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


class _Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the collector frees it


def test_settling_collects_the_garbage_then_freezes_what_lives_on() -> None:
    garbage, kept = _Node(), _Node()
    gone = weakref.ref(garbage)
    del garbage
    try:
        settle_after_start()
        assert gone() is None  # collected first, not frozen forever
        assert gc.get_freeze_count() > 0 and kept.me is kept
    finally:
        gc.unfreeze()  # the rest of the test session collects as usual
