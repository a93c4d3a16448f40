"""Metric schemas: what a period's returns count, and every name people may use for a figure.

A schema is configuration (``[[metric_sets.<name>]]`` in ``bot.toml``); each period keeps a
snapshot of its own, so changing the file never rewrites what a closed period collected. The
shipped default is the set the group's statements report, including "follow the money".
"""

from __future__ import annotations

import re
from difflib import get_close_matches
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

MetricKind = Literal["count", "money", "text"]
KIND_HELP = {
    "count": "a whole number, 0 if none",
    "money": "an amount with its currency code, e.g. USD 25,000",
    "text": "a short text",
}


class Metric(BaseModel):
    """One figure in a return.

    ``phrase`` writes the figure into the debrief statement: ``{n}`` is the number and
    ``{one|many}`` picks a word by it, e.g. ``"executed {n} search {warrant|warrants}"``.
    Metrics sharing a ``group`` join into one clause with "and".
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    label: str = Field(min_length=1, max_length=80)
    aliases: tuple[str, ...] = ()
    kind: MetricKind = "count"
    required: bool = False
    phrase: str = Field(default="", max_length=200)
    group: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        """Every normalised name that means this metric."""
        return tuple(dict.fromkeys(normalise(n) for n in (self.key, self.label, *self.aliases)))


def normalise(name: str) -> str:
    """Lower case, ``_`` and ``-`` as spaces, single spaces: how names are compared."""
    return " ".join(re.sub(r"[_\-]+", " ", name.lower()).split())


class Schema:
    """A period's metrics in order, with lookup by any name and a "did you mean"."""

    def __init__(self, metrics: tuple[Metric, ...]) -> None:
        self.metrics = metrics
        self.by_key = {m.key: m for m in metrics}
        self._by_name = {name: m for m in metrics for name in m.names}

    def find(self, name: str) -> Metric | None:
        """The metric called ``name`` (key, label or alias, any case), if any."""
        return self._by_name.get(normalise(name))

    def suggest(self, name: str) -> Metric | None:
        """The metric whose name is closest to ``name``, for a "did you mean"."""
        found = get_close_matches(normalise(name), list(self._by_name), n=1, cutoff=0.6)
        return self._by_name[found[0]] if found else None

    @property
    def required(self) -> tuple[Metric, ...]:
        """The metrics a return must answer."""
        return tuple(m for m in self.metrics if m.required)


def duplicate_name(metrics: tuple[Metric, ...]) -> str | None:
    """A name (key, label or alias) used by two metrics of one set, if any."""
    seen: dict[str, str] = {}
    for metric in metrics:
        for name in metric.names:
            if seen.setdefault(name, metric.key) != metric.key:
                return name
    return None


def _m(key: str, label: str, aliases: str, phrase: str, group: str = "", **kw: object) -> Metric:
    return Metric(
        key=key,
        label=label,
        aliases=tuple(a.strip() for a in aliases.split(",") if a.strip()),
        phrase=phrase,
        group=group,
        **kw,  # type: ignore[arg-type]
    )


DEFAULT_METRICS: tuple[Metric, ...] = (
    _m(
        "persons_convicted",
        "Persons convicted",
        "convicted, convictions, persons convicted",
        "secured the conviction of {n} {person|persons}",
    ),
    _m(
        "victims_rescued",
        "Trafficked persons rescued",
        "rescued, victims rescued, persons rescued",
        "rescued {n} trafficked {victim|victims}",
    ),
    _m(
        "victims_assisted",
        "Trafficked persons assisted",
        "victims assisted, victims, assisted, persons assisted",
        "assisted {n} trafficked {person|persons}",
        required=True,
    ),
    _m(
        "search_warrants",
        "Search warrants executed",
        "search warrants, warrants, warrants executed",
        "executed {n} search {warrant|warrants}",
        "warrants",
    ),
    _m(
        "suspects_identified",
        "Suspects identified",
        "suspects, suspects identified",
        "identified {n} {suspect|suspects}",
        "warrants",
    ),
    _m(
        "arrests",
        "Arrests",
        "arrest, arrested",
        "made {n} {arrest|arrests}",
        "arrests",
        required=True,
    ),
    _m(
        "new_investigations",
        "New investigations launched",
        "investigations, new investigations, investigations launched",
        "launched {n} new {investigation|investigations}",
        "arrests",
    ),
    _m(
        "extradition_requests",
        "Extradition requests",
        "extraditions, extradition requests",
        "made {n} extradition {request|requests}",
    ),
    _m(
        "enquiries",
        "Bilateral and international enquiries",
        "enquiries, inquiries, bilateral enquiries, international enquiries",
        "made {n} bilateral and international {enquiry|enquiries}",
    ),
    _m(
        "awareness_activities",
        "Awareness-raising activities",
        "awareness, awareness activities, awareness raising",
        "conducted {n} awareness-raising {activity|activities}",
    ),
    _m(
        "training_sessions",
        "Training sessions",
        "training, trainings, sessions",
        "carried out {n} training {session|sessions}",
        "training",
    ),
    _m(
        "officers_trained",
        "Officers trained",
        "officers, trained, people trained",
        "trained {n} {officer|officers}",
        "training",
    ),
    _m(
        "financial_investigations",
        "Financial (follow the money) investigations",
        "financial investigations, financial, follow the money",
        "launched {n} financial {investigation|investigations} to follow the money",
    ),
    _m(
        "assets_restrained",
        "Assets restrained",
        "assets, assets restrained, restrained, seized",
        "restrained assets worth {n}",
        kind="money",
    ),
    _m(
        "mla_requests",
        "Mutual legal assistance requests",
        "mla, mla requests, mutual legal assistance",
        "made {n} mutual legal assistance {request|requests}",
    ),
    _m("notes", "Notes", "note, comment, comments", "", kind="text"),
)
"""The shipped set, mirrored by ``[[metric_sets.default]]`` in the shipped ``bot.toml``."""
