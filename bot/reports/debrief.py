"""The draft debrief statement, in the group's own style.

From the seeds: "In total, authorities in the eight countries: assisted 59 trafficked persons;
executed seven search warrants and identified 63 suspects; …" — numbers under ten in words,
countries listed with a serial "and" (and "the" where a name takes it), related figures joined
in one clause with "and", figures of zero left out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TypeVar

from babel.lists import format_list

from bot.i18n import DEFAULT_LANGUAGE, Msg, _, join, listed, n_, render_for_reader
from bot.i18n.languages import locale_of
from bot.i18n.message import with_article
from bot.numbers import in_text, sentence_start
from bot.periods.repo import CLOSED
from bot.reports.figures import ReportData, totals
from bot.returns.metric_values import money_amount, money_shown
from bot.returns.metrics import Metric

_CHOICE = re.compile(r"\{([^{}|]*)\|([^{}|]*)\}")


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
    by_metric = amounts_by_metric(data)
    grouped = grouped_clauses(data, lambda m: clause(m, by_metric.get(m.key, {})))
    return [" and ".join(parts) for parts in grouped]


def amounts_by_metric(data: ReportData) -> dict[str, dict[str, int]]:
    """metric -> currency ("" for a count) -> its total."""
    found: dict[str, dict[str, int]] = {}
    for (key, currency), amount in totals(data).items():
        found.setdefault(key, {})[currency] = amount
    return found


Clause = TypeVar("Clause", str, Msg)


def grouped_clauses(
    data: ReportData, clause_of: Callable[[Metric], Clause | None]
) -> list[list[Clause]]:
    """Each metric's clause (None: it adds nothing) with those of its group, groups in the
    order of their first metric: the statement's structure, in English or another language."""
    groups: dict[str, list[Clause]] = {}
    for metric in data.metrics:
        part = clause_of(metric)
        groups.setdefault(metric.group or metric.key, [])
        if part:
            groups[metric.group or metric.key].append(part)
    return [parts for parts in groups.values() if parts]


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


# --- The statement in another language, for national use ------------------------------------
# The group's statements are English (above, with the phrases configured in bot.toml); a country
# may draft its own in its language: the sentences below are catalog entries, the figures are
# listed by their configured labels, grouped as the English clauses are (a label once, its
# currencies and its group's figures in the reader's list style), numbers under ten are
# spelled where num2words can.

NUM2WORDS_CODES = {"fa_AF": "fa"}
"""num2words' code for a language when it differs (Dari writes numbers as Persian does)."""


def spelled(count: int, language: str) -> str | int:
    """Numbers under ten in words (``เจ็ด``), where num2words knows the language; otherwise the
    number itself, which the message formats with the language's digits."""
    from num2words import CONVERTER_CLASSES, num2words  # type: ignore[import-untyped,unused-ignore]

    code = NUM2WORDS_CODES.get(language, language)
    if 0 <= count < 10 and code in CONVERTER_CLASSES:
        return str(num2words(count, lang=code))
    return count


def country_names(data: ReportData, codes: Sequence[str], language: str) -> str:
    """Countries as the language names and lists them (CLDR), ``ไทย และมัลดีฟส์``."""
    locale = locale_of(language)
    names = [locale.territories.get(code, data.names[code]) for code in codes]
    return format_list(names, locale=locale) if names else ""


def _figures(data: ReportData, language: str) -> Msg:
    """Every non-zero total by its configured label, structured as the English statement:
    a metric once, its currencies listed after it; the metrics of one group listed together
    ("and" as the reader's language lists); the groups apart."""
    by_metric = amounts_by_metric(data)
    grouped = grouped_clauses(data, lambda m: _clause(m, by_metric.get(m.key, {}), language))
    return join([listed(parts) for parts in grouped], "; ")


def _clause(metric: Metric, amounts: dict[str, int], language: str) -> Msg | None:
    """``label: figure``, money in each currency listed under one label; None when it adds
    nothing (zero, or text)."""
    if metric.kind == "money":  # as chat writes money
        money = [money_shown(a, c, language) for c, a in sorted(amounts.items()) if a]
        return _("{metric}: {figure}", metric=metric.text, figure=listed(money)) if money else None
    count = amounts.get("", 0) if metric.kind == "count" else 0
    # a figure in a list stays digits; prose spells
    return _("{metric}: {figure}", metric=metric.text, figure=count) if count else None


def _intro(data: ReportData, language: str) -> Msg:
    period, count = data.period, len(data.countries)
    params = {
        "number": spelled(count, language),
        "name": period.name,
        "code": period.code,
        "start": period.starts_on,
        "end": period.ends_on,
        "countries": country_names(data, data.countries, language),
    }
    if period.status == CLOSED:
        return n_(
            "{number} country participated in the {name} ({code}), which ran from {start} to "
            "{end}. During this period, law enforcement and immigration agencies from "
            "{countries} took part in separate, but coordinated law enforcement operations "
            "against people smuggling and trafficking in persons networks.",
            "{number} countries participated in the {name} ({code}), which ran from {start} to "
            "{end}. During this period, law enforcement and immigration agencies from "
            "{countries} took part in separate, but coordinated law enforcement operations "
            "against people smuggling and trafficking in persons networks.",
            count,
            **params,
        )
    return n_(
        "{number} country participated in the {name} ({code}), which runs from {start} to "
        "{end}. During this period, law enforcement and immigration agencies from "
        "{countries} took part in separate, but coordinated law enforcement operations "
        "against people smuggling and trafficking in persons networks.",
        "{number} countries participated in the {name} ({code}), which runs from {start} to "
        "{end}. During this period, law enforcement and immigration agencies from "
        "{countries} took part in separate, but coordinated law enforcement operations "
        "against people smuggling and trafficking in persons networks.",
        count,
        **params,
    )


def _results(data: ReportData, language: str) -> Msg:
    figures = _figures(data, language)
    if not figures.parts:
        return _("No results have been reported yet.")
    reported = data.reported
    if len(reported) == 1:
        return _(
            "In total, authorities in {country}: {results}.",
            country=country_names(data, reported, language),
            results=figures,
        )
    number = spelled(len(reported), language)
    if len(reported) == len(data.countries):
        return n_(
            "In total, authorities in the {number} country: {results}.",
            "In total, authorities in the {number} countries: {results}.",
            len(reported),
            number=number,
            results=figures,
        )
    return n_(
        "In total, authorities in the {number} country that reported: {results}.",
        "In total, authorities in the {number} countries that reported: {results}.",
        len(reported),
        number=number,
        results=figures,
    )


def _capitalised(text: str) -> str:
    """A paragraph that opens with a spelled number starts with a capital (where the script
    has capitals; a right-to-left mark may come first)."""
    return _SENTENCE_START.sub(lambda m: m[1] + m[2].upper(), text, count=1)


_SENTENCE_START = re.compile(r"^(\u200f?)(\w)")


def debrief_in(data: ReportData, language: str) -> str:
    """The draft statement in ``language`` (English: :func:`debrief`)."""
    if language == DEFAULT_LANGUAGE:
        return debrief(data)
    paragraphs = (_intro(data, language), _results(data, language))
    text = "\n\n".join(_capitalised(render_for_reader(p, language)) for p in paragraphs)
    return _joined_to_words(text, language)


WITHOUT_SPACES = frozenset({"th"})
"""Languages whose words run together: the catalog's spaces around ``{number}`` suit digits
(``มี 12 ประเทศ``), not a spelled number (``มีแปดประเทศ``, not ``มี แปด ประเทศ``)."""


_THAI = "[\u0e00-\u0e7f]"  # letters and their vowel marks (which \w does not match)


def _joined_to_words(text: str, language: str) -> str:
    if language not in WITHOUT_SPACES:
        return text
    for count in range(10):
        word = re.escape(str(spelled(count, language)))
        text = re.sub(rf"(?<={_THAI}) ({word}) (?={_THAI})", r"\1", text)
    return text
