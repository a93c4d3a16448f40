"""The draft debrief statement, in the group's own style.

From the seeds: "In total, authorities in the eight countries: assisted 59 trafficked persons;
executed seven search warrants and identified 63 suspects; …" — numbers under ten in words,
countries listed with a serial "and" (and "the" where a name takes it), related figures joined
in one clause with "and", figures of zero left out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.numbers import in_text, sentence_start
from bot.periods.repo import CLOSED
from bot.reports.figures import ReportData, totals
from bot.returns.metric_values import money_amount
from bot.returns.metrics import Metric

TAKES_THE = {
    "Bahamas",
    "Central African Republic",
    "Comoros",
    "Czech Republic",
    "Dominican Republic",
    "Gambia",
    "Maldives",
    "Marshall Islands",
    "Netherlands",
    "Philippines",
    "Solomon Islands",
    "United Arab Emirates",
    "United Kingdom",
    "United States",
    "USA",
}
_CHOICE = re.compile(r"\{([^{}|]*)\|([^{}|]*)\}")


def with_article(name: str) -> str:
    """``Maldives`` → ``the Maldives``; most names take no article."""
    return f"the {name}" if name in TAKES_THE else name


def join_and(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b, and c`` (the seeds use the serial comma)."""
    if len(items) <= 2:
        return " and ".join(items)
    return f"{', '.join(items[:-1])}, and {items[-1]}"


def phrase(template: str, count: int, number: str) -> str:
    """Fill ``{n}`` with ``number`` and ``{one|many}`` by ``count``."""
    text = _CHOICE.sub(lambda m: m[1] if count == 1 else m[2], template)
    return text.replace("{n}", number)


def clause(metric: Metric, amounts: dict[str, int]) -> str | None:
    """One metric's part of the statement, or None when it adds nothing (zero, or text)."""
    if metric.kind == "text" or not metric.phrase:
        return None
    if metric.kind == "money":
        money = [f"{c} {money_amount(a)}".strip() for c, a in sorted(amounts.items()) if a]
        return phrase(metric.phrase, 2, join_and(money)) if money else None
    count = amounts.get("", 0)
    return phrase(metric.phrase, count, in_text(count)) if count else None


def results(data: ReportData) -> list[str]:
    """The statement's clauses, metrics of one group joined with "and", in schema order."""
    by_metric: dict[str, dict[str, int]] = {}
    for (key, currency), amount in totals(data).items():
        by_metric.setdefault(key, {})[currency] = amount
    groups: dict[str, list[str]] = {}
    for metric in data.metrics:
        part = clause(metric, by_metric.get(metric.key, {}))
        groups.setdefault(metric.group or metric.key, [])
        if part:
            groups[metric.group or metric.key].append(part)
    return [" and ".join(parts) for parts in groups.values() if parts]


def debrief(data: ReportData) -> str:
    """The draft statement: who took part, when, and what they achieved in total."""
    period, names = data.period, [data.names[c] for c in data.countries]
    count = len(names)
    ran = "ran" if period.status == CLOSED else "runs"
    name = re.sub(r"^the\s+", "", period.name, flags=re.IGNORECASE)
    intro = (
        f"{sentence_start(count)} countr{'y' if count == 1 else 'ies'} participated in the "
        f"{name} ({period.code}), which {ran} from {period.span}. During this period, "
        f"law enforcement and immigration agencies from "
        f"{join_and([with_article(n) for n in names])} took part in separate, but coordinated "
        "law enforcement operations against people smuggling and trafficking in persons networks."
    )
    parts = results(data)
    if not parts:
        return f"{intro}\n\nNo results have been reported yet."
    return f"{intro}\n\nIn total, authorities in {reporters(data)}: {'; '.join(parts)}."


def reporters(data: ReportData) -> str:
    """Who the totals come from: only countries that reported, said so when some did not."""
    reported = [data.names[c] for c in data.reported]
    if len(reported) == 1:
        return with_article(reported[0])
    everyone = len(reported) == len(data.countries)
    return f"the {in_text(len(reported))} countries" + ("" if everyone else " that reported")
