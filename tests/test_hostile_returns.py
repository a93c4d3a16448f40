"""Hostile input on the metric parser, through the real `/return` path with a period open:
any text gets an answer, and nothing is saved unless every value is valid and confirmed."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import SORRY
from tests.harness import Harness
from tests.returns_support import counts, running

NAMES = [
    "arrests",
    "victims assisted",
    "search warrants",
    "suspects",
    "assets restrained",
    "trainings",
    "officers trained",
    "notes",
    "จับกุม",
    "الاعتقالات",
    "গ্রেপ্তার",
]


@pytest.fixture(scope="module")
def live(tmp_path_factory) -> Iterator[tuple[asyncio.AbstractEventLoop, Harness]]:  # type: ignore[no-untyped-def]
    """One running bot on its own loop thread, shared by every generated example."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    path = tmp_path_factory.mktemp("hostile-returns")
    bot = asyncio.run_coroutine_threadsafe(running(path), loop).result(30)
    yield loop, bot
    asyncio.run_coroutine_threadsafe(bot.stop(), loop).result(30)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)


def run(live, coro):  # type: ignore[no-untyped-def]
    return asyncio.run_coroutine_threadsafe(coro, live[0]).result(30)


figure = st.one_of(
    st.integers(-(10**12), 10**12).map(str),
    st.sampled_from(
        [
            "1,200",
            "10,5",
            "1e9",
            "-0",
            "٣",
            "1٣",
            "๑,๒๐๐",
            "١٬٢٠٠",
            "١٫٥",
            "½",
            "dua belas",
            "seven",
            "ninety-nine",
            "1.5",
            "+5",
            "over 70",
            "$5",
            "5 USD",
            "",
            "ten point five",
            "0x10",
            "NaN",
        ]
    ),
    st.text(max_size=12),
)
line = st.lists(
    st.tuples(
        st.sampled_from(NAMES + ["arests", "weather"]),
        st.sampled_from([" ", ": ", "=", " is "]),
        figure,
    ),
    max_size=5,
).map(lambda items: ", ".join(f"{k}{s}{v}" for k, s, v in items))


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.one_of(line, st.text(max_size=200)))
def test_any_return_line_is_answered_and_saves_nothing_partial(live, text: str) -> None:  # type: ignore[no-untyped-def]
    bot = live[1]
    before = run(live, counts(bot))
    answers = run(live, bot.say("th-fp", f"/return {text}"))
    assert answers and all(a.strip() for a in answers)
    assert str(SORRY) not in answers, "the error sink answered: the parser crashed"
    after = run(live, counts(bot))
    assert after[:3] == before[:3], "returns or their values changed without a confirmation"
    run(live, bot.say("th-fp", "/return cancel"))  # leave no draft for the next example
