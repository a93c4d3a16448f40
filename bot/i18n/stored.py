"""A message kept to be said later: the words of a message held for its reader's quiet hours,
so that it goes in the language they read when their hours end (bot.delivery.held).

:func:`dump` writes a :data:`~bot.i18n.Text` as JSON: text, booleans and numbers as JSON
writes them, every other value as ``[tag, field, …]``, its tag one of a fixed table of the
types messages carry (:func:`_kinds`). :func:`load` builds only those types, from those
fields: nothing stored is unpickled, evaluated or imported by name, so a row someone altered
can at worst say other words, and one :func:`load` cannot read raises :class:`Unreadable`
(its reader then gets the text queued with it).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from decimal import Decimal
from functools import cache
from typing import Any, NamedTuple, TypeVar
from zoneinfo import ZoneInfo

from bot.i18n.message import (
    CountryInSentence,
    CountryName,
    LanguageName,
    Msg,
    ShownNumber,
    Text,
    ZoneOffset,
)

_T = TypeVar("_T")
_PLAIN = (str, bool, int, float, type(None))
"""Parameter types JSON keeps as they are (exact types: a subclass needs its own tag)."""

_OFFSET = re.compile(r"UTC([+-])([0-9]+)(?::([0-9]{2}))?")
"""What :class:`ZoneOffset` writes (``UTC+7``, ``UTC-3:30``)."""

_READ_ERRORS = (ValueError, TypeError, KeyError, IndexError, ArithmeticError, OSError)
"""What building a value from altered fields may raise (a bad date, an unknown zone…)."""


class Unreadable(ValueError):
    """Stored data that is not a message :func:`dump` wrote (altered, cut short)."""


class _Unstorable(Exception):
    """A value of a type :func:`dump` has no tag for."""


class _Kind(NamedTuple):
    """One storable type: its tag, its fields, and how to build it again from them."""

    tag: str
    type: type
    fields: Callable[[Any], list[Any]]
    build: Callable[[list[Any]], Any]


def dump(text: Text) -> str | None:
    """``text`` as JSON to :func:`load` later; None when a parameter has a type it cannot
    store (the message then keeps only its text as rendered when queued)."""
    return _written(lambda: _encode(text))


def dump_all(texts: Iterable[Text]) -> str | None:
    """Several texts (a message and its buttons' labels) as one JSON list; None as :func:`dump`."""
    return _written(lambda: [_encode(text) for text in texts])


def load(data: str) -> Text:
    """The text :func:`dump` wrote as ``data``; :class:`Unreadable` when it is not such."""
    return _read(data, lambda value: _text(_decode(value)))


def load_all(data: str) -> tuple[Text, ...]:
    """The texts :func:`dump_all` wrote as ``data``; :class:`Unreadable` when it is not such."""
    return _read(data, _texts)


def _written(encoded: Callable[[], Any]) -> str | None:
    try:
        return json.dumps(encoded(), ensure_ascii=False)
    except (_Unstorable, TypeError, ValueError):  # a type without a tag; a loop of messages
        return None


def _read(data: str, built: Callable[[Any], _T]) -> _T:
    """``built`` from the JSON ``data``, any failure to read it as :class:`Unreadable`."""
    try:
        return built(json.loads(data))
    except Unreadable:
        raise
    except (*_READ_ERRORS, RecursionError) as exc:  # JSON cut short, a bad date, no such zone
        raise Unreadable(f"{type(exc).__name__}: {exc}") from exc


def _texts(values: Any) -> tuple[Text, ...]:
    if type(values) is not list:
        raise Unreadable("not a list of texts")
    return tuple(_text(_decode(value)) for value in values)


def _text(value: Any) -> Text:
    if not isinstance(value, str | Msg):
        raise Unreadable(f"not a text: {type(value).__name__}")
    return value


def _encode(value: Any) -> Any:
    kind = type(value)
    if kind in _PLAIN:
        return value
    found = _by_type().get(kind)
    if found is None:
        raise _Unstorable(kind.__name__)
    return [found.tag, *found.fields(value)]


def _decode(data: Any) -> Any:
    if type(data) in _PLAIN:
        return data
    if type(data) is not list or not data or type(data[0]) is not str:
        raise Unreadable("not a stored value")
    found = _by_tag().get(data[0])
    if found is None:
        raise Unreadable(f"unknown tag {data[0][:20]!r}")
    return found.build(data[1:])


def _need(fields: list[Any], *types: tuple[type, ...]) -> list[Any]:
    """``fields`` when there are as many as ``types`` and each has one of its types exactly."""
    if type(fields) is not list or len(fields) != len(types):
        raise Unreadable(f"not the {len(types)} fields that belong")
    for value, allowed in zip(fields, types, strict=True):
        if type(value) not in allowed:
            raise Unreadable(f"a field of type {type(value).__name__}")
    return fields


_STR, _INT, _LIST = (str,), (int,), (list,)
_MAYBE_STR, _MAYBE_INT, _MAYBE_LIST = (str, type(None)), (int, type(None)), (list, type(None))


def _msg_fields(msg: Msg) -> list[Any]:
    """A message's fields, those left at their defaults at the end left out."""
    if any(type(name) is not str for name in msg.params):
        raise _Unstorable("a parameter name that is not text")
    params = {name: _encode(value) for name, value in msg.params.items()}
    parts = None if msg.parts is None else [_encode(part) for part in msg.parts]
    fields = [msg.msgid, params, msg.plural, msg.count, parts, msg.sep, msg.typed]
    while fields and _same(fields[-1], _MSG_DEFAULTS[len(fields) - 1]):
        fields.pop()
    return fields


def _same(value: Any, default: Any) -> bool:
    return type(value) is type(default) and value == default


_MSG_TYPES = (_STR, (dict,), _MAYBE_STR, _MAYBE_INT, _MAYBE_LIST, _STR, (bool,))
_MSG_DEFAULTS: tuple[Any, ...] = ("", {}, None, None, None, "", False)


def _msg_args(fields: list[Any]) -> dict[str, Any]:
    if len(fields) > len(_MSG_DEFAULTS):
        raise Unreadable(f"{len(fields)} fields of a message")
    whole = [*fields, *_MSG_DEFAULTS[len(fields) :]]
    msgid, params, plural, count, parts, sep, typed = _need(whole, *_MSG_TYPES)
    return {
        "msgid": msgid,
        "params": {str(name): _decode(value) for name, value in params.items()},
        "plural": plural,
        "count": count,
        "parts": None if parts is None else tuple(_text(_decode(part)) for part in parts),
        "sep": sep,
        "typed": typed,
    }


def _zone(zone: tzinfo | None) -> str | int | None:
    """A time's zone: its IANA key, a fixed offset in microseconds, or None (naive)."""
    if zone is None:
        return None
    if type(zone) is ZoneInfo and zone.key:
        return zone.key
    if type(zone) is timezone:
        return zone.utcoffset(None) // timedelta(microseconds=1)
    raise _Unstorable(f"a time zone of type {type(zone).__name__}")


def _zone_from(stored: str | int | None) -> tzinfo | None:
    if stored is None:
        return None
    if isinstance(stored, str):
        return ZoneInfo(stored)  # reads tzdata for a valid key; refuses paths
    return timezone(timedelta(microseconds=stored))


def _moment_fields(value: datetime | time) -> list[Any]:
    return [value.replace(tzinfo=None).isoformat(), _zone(value.tzinfo), value.fold]


_MOMENT_TYPES = (_STR, (str, int, type(None)), _INT)
_Moment = TypeVar("_Moment", datetime, time)


def _datetime(fields: list[Any]) -> datetime:
    return _moment(fields, datetime.fromisoformat)


def _time(fields: list[Any]) -> time:
    return _moment(fields, time.fromisoformat)


def _moment(fields: list[Any], parse: Callable[[str], _Moment]) -> _Moment:
    """A wall time (a datetime's or a time of day's) put back in its zone."""
    wall, zone, fold = _need(fields, *_MOMENT_TYPES)
    naive = parse(wall)
    if naive.tzinfo is not None:
        raise Unreadable("a zone inside the wall time")
    return naive.replace(tzinfo=_zone_from(zone), fold=fold)


def _offset_minutes(offset: ZoneOffset) -> list[Any]:
    found = _OFFSET.fullmatch(str(offset))
    if found is None:
        raise _Unstorable("an offset ZoneOffset does not write")
    minutes = int(found[2]) * 60 + int(found[3] or 0)
    return [-minutes if found[1] == "-" else minutes]


def _zone_offset(fields: list[Any]) -> ZoneOffset:
    [minutes] = _need(fields, _INT)
    return ZoneOffset(datetime(2000, 1, 1, tzinfo=timezone(timedelta(minutes=minutes))))


def _shown_number(fields: list[Any]) -> ShownNumber:
    value, pattern = _need(fields, (int, float, list), _STR)  # a Decimal is [tag, digits]
    value = _decode(value)
    if type(value) not in (int, float, Decimal):
        raise Unreadable(f"a number of type {type(value).__name__}")
    return ShownNumber(value, pattern)


@cache
def _kinds() -> tuple[_Kind, ...]:
    """Every type a message may carry besides text and plain numbers: this table, and only
    it, says what :func:`load` may build. The domains' own types are imported on first use:
    they build on bot.i18n, which stays below them."""
    from bot.returns.metric_values import ShownValue, Value
    from bot.returns.metrics import Label
    from bot.workdays import HolidayName

    def label(fields: list[Any]) -> Label:
        if not fields or type(fields[0]) is not list:
            raise Unreadable("a label without its languages")
        pairs = tuple((str(p[0]), str(p[1])) for p in (_need(p, _STR, _STR) for p in fields[0]))
        return Label(**_msg_args(fields[1:]), labels=pairs)

    def shown_value(fields: list[Any]) -> ShownValue:
        amount, currency, text, op, partner = _need(fields, _MAYBE_INT, _STR, _STR, _STR, _STR)
        return ShownValue(Value(amount, currency, text, op, partner))

    def holiday(fields: list[Any]) -> HolidayName:
        name, code, day = _need(fields, _STR, _STR, _STR)
        return HolidayName(name, code, date.fromisoformat(day))

    def shown_fields(shown: ShownValue) -> list[Any]:
        value = shown.value
        return [value.amount, value.currency, value.text, value.op, value.partner]

    return (
        _Kind("msg", Msg, _msg_fields, lambda fields: Msg(**_msg_args(fields))),
        _Kind("label", Label, lambda m: [[list(p) for p in m.labels], *_msg_fields(m)], label),
        _Kind("decimal", Decimal, lambda d: [str(d)], lambda f: Decimal(*_need(f, _STR))),
        _Kind("datetime", datetime, _moment_fields, _datetime),
        _Kind(
            "date", date, lambda d: [d.isoformat()], lambda f: date.fromisoformat(*_need(f, _STR))
        ),
        _Kind("time", time, _moment_fields, _time),
        _Kind("number", ShownNumber, lambda n: [_encode(n.value), n.pattern], _shown_number),
        _Kind("offset", ZoneOffset, _offset_minutes, _zone_offset),
        _Kind(
            "country",
            CountryName,
            lambda c: [str(c), c.code],
            lambda f: CountryName(*_need(f, _STR, _STR)),
        ),
        _Kind(
            "country in a sentence",  # "the Philippines" in English
            CountryInSentence,
            lambda c: [str(c), c.code],
            lambda f: CountryInSentence(*_need(f, _STR, _STR)),
        ),
        _Kind(
            "language", LanguageName, lambda n: [n.code], lambda f: LanguageName(*_need(f, _STR))
        ),
        _Kind("holiday", HolidayName, lambda h: [str(h), h.code, h.day.isoformat()], holiday),
        _Kind("shown", ShownValue, shown_fields, shown_value),
    )


@cache
def _by_type() -> dict[type, _Kind]:
    return {kind.type: kind for kind in _kinds()}


@cache
def _by_tag() -> dict[str, _Kind]:
    return {kind.tag: kind for kind in _kinds()}
