"""Which period a /return that names none is about, when the country is in more than one.

A country may take part in two open periods at once (JPA-4 and JPA-6 over the same months).
A command that names no period is then settled only by what the person is evidently doing (a
draft they are writing, the one return awaiting their approval); otherwise the bot asks, with
the same command once per period as a button, and files nothing: figures never go into a
period the person did not choose.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.events import Button
from bot.i18n import Msg, _, join, n_
from bot.periods.repo import Period


def settled(found: Sequence[Period], hints: Iterable[Iterable[str]]) -> Period | None:
    """The one period of ``found`` that the first telling hint names: each hint is a set of
    period codes (those with the person's draft, say); one naming none or several of
    ``found`` tells nothing, and the next is tried."""
    for codes in hints:
        named = [p for p in found if p.code in set(codes)]
        if len(named) == 1:
            return named[0]
    return None


def which_period(
    country_name: str, found: Sequence[Period], label: str | None, rest: str
) -> tuple[Msg, tuple[Button, ...]]:
    """The question and its buttons: ``/return JPA-4 <the rest of the command>`` per period."""
    lines = [
        _("• {code} — {name} ({dates})", code=p.code, name=p.name, dates=p.dates) for p in found
    ]
    head = n_(
        "{country} takes part in {count} open period; which one is this for?",
        "{country} takes part in {count} open periods; which one is this for?",
        len(found),
        country=country_name,
    )
    tail = _("Put its code after /return, e.g. /return {code}.", code=found[0].code)
    buttons = tuple(Button(p.code, command(p.code, label, rest)) for p in found)
    return join([head, *lines, tail]), buttons


def command(code: str, label: str | None, rest: str) -> str:
    """``/return JPA-4 W1 arrests 3``: the command as typed, with the period's code."""
    return " ".join(part for part in ("/return", code, label or "", rest) if part)
