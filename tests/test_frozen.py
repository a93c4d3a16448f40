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
from bot.ports import FollowUp
from bot.returns.metrics import Label


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


def test_made_with_its_own_class_and_layout() -> None:
    event = TextMessage("e1", Sender("console", "u1"), ChatRef("console", "c1"), text="/ping")
    assert type(event) is TextMessage and type(event.sender) is Sender
    assert (event.event_id, event.chat.chat_id, event.text, event.files) == (
        "e1",
        "c1",
        "/ping",
        (),
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        del event.text


def test_subclasses_are_made_as_their_dataclass_makes_them() -> None:
    again = FollowUp(7, "whatsapp", "+1", "the rest", attempts=1)
    assert type(again) is FollowUp and isinstance(again, Outbound) and again.attempts == 1
    assert pickle.loads(pickle.dumps(again)) == again and copy.copy(again) == again
    label = Label("Arrests", labels=(("fr", "Arrestations"),))
    assert type(label) is Label and label.render("fr") == "Arrestations"
    assert label.params == {} and copy.deepcopy(label) == label
    with pytest.raises(dataclasses.FrozenInstanceError):
        again.text = "changed"  # type: ignore[misc]


def test_a_subclass_that_is_no_dataclass_is_refused() -> None:
    class _Bare(Sender):
        __slots__ = ()

    with pytest.raises(TypeError):
        _Bare("console", "u1")


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
