"""Frozen events made through their slots behave as the dataclass made them: the same
parameters, defaults and factories, still frozen, equal, hashable and copyable."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from dataclasses import dataclass, field

import pytest

from bot.events import ChatRef, Outbound, Sender, TextMessage
from bot.frozen import made_quickly
from bot.i18n import Msg


@made_quickly
@dataclass(frozen=True, slots=True)
class _Point:
    x: int
    y: int = 2
    tags: list[str] = field(default_factory=list)


def test_parameters_defaults_and_factories_as_the_dataclass_had_them() -> None:
    assert _Point(1) == _Point(1, 2, [])
    assert _Point(y=5, x=1).y == 5
    assert _Point(1).tags is not _Point(1).tags  # a fresh list each time, as a factory makes
    with pytest.raises(TypeError):
        _Point()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        _Point(1, 2, [], 4)  # type: ignore[call-arg]


def test_still_frozen_equal_hashable_and_copyable() -> None:
    event = TextMessage("e1", Sender("console", "u1"), ChatRef("console", "c1"), text="/ping")
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.text = "changed"  # type: ignore[misc]
    twin = TextMessage("e1", Sender("console", "u1"), ChatRef("console", "c1"), text="/ping")
    assert event == twin and hash(event.sender) == hash(twin.sender)
    assert pickle.loads(pickle.dumps(event)) == event and copy.deepcopy(event) == event
    assert dataclasses.replace(event, text="/help").text == "/help"
    message = Outbound(1, "console", "c1", "pong")
    assert (message.person_id, message.buttons, message.attempts) == (None, (), 0)
    assert Msg("hello").params == {} and Msg("a").params is not Msg("b").params


def test_a_class_it_cannot_make_exactly_is_refused() -> None:
    with pytest.raises(TypeError):

        @made_quickly
        @dataclass(frozen=True)  # no slots
        class _NoSlots:
            x: int

    with pytest.raises(TypeError):

        @made_quickly
        @dataclass(frozen=True, slots=True)
        class _Later:
            x: int
            y: int = field(default=0, init=False)
