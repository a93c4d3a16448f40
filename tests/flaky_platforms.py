"""Unreliable platforms: the fake Telegram and fake Slack failing a share of calls at random.

Subclasses rather than edits, so the fakes other tests rely on stay as they are. A seeded
:class:`Faults` decides each call's fate: served normally, or one of

- ``error``: a 5xx (502 for Telegram, 503 for Slack); nothing is delivered;
- ``hang``: no answer until the client has given up (a timeout); nothing is delivered;
- ``lost``: delivered, but the answer comes after the client gave up, so the bot cannot
  know the message arrived (the platforms offer no idempotency key to send it safely again);
- ``slow``: delivered, answered late but in time;
- ``throttle``: a 429 asking the bot to wait ``retry_after`` seconds.

Each fake keeps a timeline of the calls it answered, for checking that 429 waits were kept.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from adapters.telegram import TelegramAdapter
from tests.fake_slack import FakeSlack
from tests.fake_telegram import ApiError, Call, FakeTelegram, read_params

CLIENT_TIMEOUT = 1.0  # seconds the adapters' HTTP clients wait in these tests
HANG = CLIENT_TIMEOUT + 0.5  # longer than the client waits for a send
LATE = 2 * HANG  # longer than it waits for a long poll too (its timeout comes on top)
SLOW = 0.3
RETRY_AFTER = 1
KINDS = ("error", "hang", "lost", "slow", "throttle")


@dataclass
class Faults:
    """Seeded choice of which calls fail, and how: one random stream per method, so the n-th
    poll or the n-th send meets the same fate on every run, whatever the interleaving."""

    seed: int
    rate: float = 0.3
    methods: frozenset[str] = frozenset()
    counts: dict[str, int] = field(default_factory=dict)
    _streams: dict[str, tuple[random.Random, list[str]]] = field(default_factory=dict)

    def draw(self, method: str) -> str | None:
        """The fault for this call of ``method``, or None to serve it normally.

        The calls that fail are drawn at random; the kinds take turns (in a seeded order) so
        that even a short test meets every kind.
        """
        if method not in self.methods:
            return None
        rng, kinds = self._stream(method)
        if rng.random() >= self.rate:
            return None
        kind = kinds.pop(0)
        kinds.append(kind)
        self.counts[kind] = self.counts.get(kind, 0) + 1
        return kind

    def _stream(self, method: str) -> tuple[random.Random, list[str]]:
        if method not in self._streams:
            rng = random.Random(f"{self.seed}:{method}")
            self._streams[method] = (rng, rng.sample(KINDS, len(KINDS)))
        return self._streams[method]


@dataclass(frozen=True)
class Answered:
    """One call as the fake answered it: when it arrived and was answered, and the outcome."""

    at: float
    method: str
    status: int
    retry_after: float = 0.0
    answered: float = 0.0


class FlakyTelegram(FakeTelegram):
    """The fake Telegram, failing ``faults.rate`` of the calls of ``faults.methods``."""

    def __init__(self, faults: Faults, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.faults = faults
        self.timeline: list[Answered] = []

    async def _dispatch(self, request: web.Request) -> web.Response:
        method, arrived = request.match_info["method"], time.monotonic()
        fault = self.faults.draw(method)
        if fault in ("error", "hang", "throttle"):
            response = await self._refuse(request, method, fault)
        else:
            if fault == "slow":
                await asyncio.sleep(SLOW)
            response = await super()._dispatch(request)
            if fault == "lost":
                await asyncio.sleep(LATE)
        status = response.status
        self.timeline.append(
            Answered(arrived, method, status, _retry_after(status), time.monotonic())
        )
        return response

    async def _refuse(self, request: web.Request, method: str, fault: str) -> web.Response:
        params = await read_params(request)
        error = {
            "error": ApiError(502, "Bad Gateway"),
            "hang": ApiError(504, "Gateway Timeout"),
            "throttle": ApiError(429, f"Too Many Requests: retry after {RETRY_AFTER}", RETRY_AFTER),
        }[fault]
        if fault == "hang":
            await asyncio.sleep(LATE)
        self.calls.append(Call(method, params, time.monotonic(), status=error.code))
        self._bump()
        return error.response()


def _retry_after(status: int) -> float:
    return float(RETRY_AFTER) if status == 429 else 0.0


class FlakySlack(FakeSlack):
    """The fake Slack Web API, failing ``faults.rate`` of the calls of ``faults.methods``."""

    def __init__(self, faults: Faults) -> None:
        super().__init__()
        self.faults = faults
        self.timeline: list[Answered] = []
        self.accepted: list[tuple[str, str]] = []  # (channel, text) of delivered posts, in order

    async def _api(self, request: web.Request) -> web.Response:
        method, arrived = request.match_info["method"], time.monotonic()
        fault = self.faults.draw(method)
        if fault is not None:  # the whole (JSON) body now: a client giving up cannot cut it
            await request.read()
        if fault in ("hang", "slow"):
            await asyncio.sleep(HANG if fault == "hang" else SLOW)
        if fault in ("error", "hang", "throttle"):
            self.fail_next(method, *_slack_failure(fault))
        response = await super()._api(request)
        if response.status == 200 and method == "chat.postMessage":
            self._accept(request)
        if fault == "lost":
            await asyncio.sleep(LATE)
        status = response.status
        self.timeline.append(
            Answered(arrived, method, status, _retry_after(status), time.monotonic())
        )
        return response

    def _accept(self, request: web.Request) -> None:
        """Note a delivered post (the call just recorded: nothing awaited since)."""
        args = self.calls[-1].args
        self.accepted.append((str(args.get("channel", "")), str(args.get("text", ""))))


def _slack_failure(fault: str) -> tuple[int, str, str | None]:
    """(status, Slack error code, Retry-After) for a scripted failure."""
    if fault == "throttle":
        return 429, "ratelimited", str(RETRY_AFTER)
    return 503, "service_unavailable", None


class QuickTelegram(TelegramAdapter):
    """The real Telegram adapter, its HTTP client waiting only ``CLIENT_TIMEOUT`` seconds.

    Telegram's client waits 5 s by default; a hung call should not stall the test that long.
    """

    def _builder(self):  # type: ignore[no-untyped-def]
        return (
            super()
            ._builder()
            .read_timeout(CLIENT_TIMEOUT)
            .write_timeout(CLIENT_TIMEOUT)
            .get_updates_read_timeout(CLIENT_TIMEOUT)
        )


def waits_broken(timeline: list[Answered], grace: float) -> list[tuple[Answered, Answered]]:
    """Pairs (429, later call of the same kind) where the later call came too early.

    The wait runs from when the 429 was answered. A send after a throttled send, or a poll
    after a throttled poll, must wait ``retry_after``. Sends arriving within ``grace`` of the
    answer were already on their way (to other chats, before the bot could know): allowed.
    """
    broken = []
    for limited in (c for c in timeline if c.status == 429):
        start, end = limited.answered + grace, limited.answered + limited.retry_after
        broken += [
            (limited, c)
            for c in timeline
            if start < c.at < end and _kind(c.method) == _kind(limited.method)
        ]
    return broken


def _kind(method: str) -> str:
    return "send" if method in ("sendMessage", "chat.postMessage") else method
