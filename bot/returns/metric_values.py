"""One figure's value: read from what a person typed, shown back, stored.

Counts are whole numbers; money is stored in hundredths with an ISO 4217 currency code that
some country uses (a ``$`` alone is refused: the member countries use several dollars; so is a
code such as ``XXX``, which would add a report column of its own); text is short free text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from babel.core import get_global

from bot.errors import UserError
from bot.i18n import Localised, ShownNumber, Text, _, join, number
from bot.numbers import latin_digits, parse_whole, reader_digits, without_lakhs
from bot.returns.metrics import Metric

MAX_COUNT = 10_000_000
MAX_MONEY = 10**15
MAX_TEXT = 300
_MONEY = re.compile(
    r"^(?:(?P<c1>[A-Za-z]{3})\s*(?P<a1>[0-9][0-9.,]*)|(?P<a2>[0-9][0-9.,]*)\s*(?P<c2>[A-Za-z]{3}))$"
)
_AMOUNT = re.compile(r"^(?P<whole>[0-9][0-9,]*)(?:\.(?P<cents>[0-9]{1,2}))?$")  # English style
_DOT_GROUPED = re.compile(r"^[0-9]{1,3}(?:\.[0-9]{3})+$")
"""``1.500``: a thousand and a half grouped with dots, or one and a half written with three
decimals; a reader whose language groups with commas is asked which (an Indonesian's dots are
read as their grouping before this)."""
_SYMBOLS = "$€£¥₱฿₹Rp"
_UNSPACED = "\u0e01-\u0e3a\u0e40-\u0e4e\u1000-\u103f\u1050-\u108f\u109a-\u109f"
"""Letters and marks of the shipped scripts that put no spaces between words: Thai (its
digits and ``฿`` left out) and Myanmar (its digits and punctuation left out)."""
GLUED = rf"(?<=[{_UNSPACED}])(?=\d)|(?<=\d)(?=[{_UNSPACED}])"
"""Where a word of such a script meets a number typed against it (``จับกุม10``, ``๑๐ราย``):
a word boundary without a space, as the reader sees it. Latin script has none
(``arrests10`` stays one word): its words are spaced, and codes such as ``W1`` hold digits."""
WORD = re.compile(rf"\S(?:(?!{GLUED})\S)*")
"""A word of a return line: no space inside, and no :data:`GLUED` boundary either."""
_GLUED_AT = re.compile(GLUED)
EXAMPLE_CURRENCIES = ("USD",)
"""The codes an unknown currency's refusal suggests where none are configured."""


@dataclass(frozen=True)
class Value:
    """A figure: ``amount`` for counts and money (in hundredths), ``text`` for text."""

    amount: int | None = None
    currency: str = ""
    text: str = ""
    op: str = ""  # a joint operation's reference (``SONGKHLA-3``), with the partner country
    partner: str = ""

    def as_json(self) -> list[object]:
        """Compact form for drafts (the joint part only when there is one)."""
        joint = [self.op, self.partner] if self.op else []
        return [self.amount, self.currency, self.text, *joint]

    @classmethod
    def from_json(cls, data: list[object]) -> Value:
        """Back from :meth:`as_json`."""
        joint = [str(d) for d in data[3:5]]
        return cls(data[0], str(data[1]), str(data[2]), *joint)  # type: ignore[arg-type]


ZERO = Value(0)


def parse_value(
    metric: Metric, raw: str, language: str = "en", currencies: tuple[str, ...] = ()
) -> Value:
    """Read ``raw`` as a value of ``metric``; UserError names the metric and the problem.

    ``currencies`` are the configured ones, suggested when a currency code is unknown.
    """
    try:
        return parse_kind(metric.kind, raw, language, currencies)
    except UserError as exc:
        raise UserError(_("{metric}: {problem}", metric=metric.text, problem=exc.text)) from None


def parse_kind(
    kind: str, raw: str, language: str = "en", currencies: tuple[str, ...] = ()
) -> Value:
    """Read ``raw`` as a value of a metric ``kind``; UserError says what is wrong, unnamed.

    ``language`` is the reader's, whose number words are read besides English; ``currencies``
    the configured ones, the example when a currency code is unknown (else
    :data:`EXAMPLE_CURRENCIES`). Used as is for a form field, where the error is shown next to
    the field's own label.
    """
    if kind == "money":
        return _money(raw.strip(), language, currencies or EXAMPLE_CURRENCIES)
    parser = _PARSERS.get(kind)
    if parser is None:
        raise UserError(_("this field takes no answers (unknown kind '{kind}')", kind=kind[:20]))
    return parser(raw.strip(), language)


COUNTING_WORDS = frozenset(
    {
        "persons", "people", "person",  # en
        "คน", "ราย", "ครั้ง", "ลำ", "คดี",  # th: people, cases, times, boats, lawsuits
        "orang", "kali", "kes", "kasus",  # id, ms
        "người", "vụ", "lần",  # vi
        "tao", "beses",  # fil
        "জন", "টি",  # bn
        "लोग", "व्यक्ति",  # hi
        "ဦး", "ယောက်", "ခု",  # my
    }
)  # fmt: skip
"""Words that may follow a count as its unit (Thai and Myanmar classifiers): ``จับกุม 5 คน``
is 5 arrests, as people write it in those languages (and "5 people" in English)."""


def unglued(text: str) -> str:
    """``text`` with a space at each :data:`GLUED` boundary (``จับกุม10คน`` → ``จับกุม 10 คน``)."""
    return _GLUED_AT.sub(" ", text)


def _count(raw: str, language: str) -> Value:
    number, _sep, unit = unglued(raw).rpartition(" ")  # ``5คน`` is ``5 คน``
    if number and unit.lower() in COUNTING_WORDS:
        raw = number.rstrip()
    return Value(parse_whole(raw, MAX_COUNT, language))


def _money(raw: str, language: str, currencies: tuple[str, ...]) -> Value:
    if raw and (raw[0] in _SYMBOLS or raw.startswith("Rp")):
        raise UserError(
            _(
                "{amount}: please write the currency code instead of a symbol, "
                "e.g. USD {example} or AUD {example}",
                amount=raw,
                example=ShownNumber(25_000),
            )
        )
    if parse_zero(raw):
        return Value(0, "")
    # THB ๑,๕๐๐ as THB 1,500; IDR 1.500.000,50 (an Indonesian's) as 1,500,000.50
    match = _MONEY.match(reader_digits(raw, language))
    amount = _AMOUNT.match(without_lakhs(match["a1"] or match["a2"], language)) if match else None
    typed = (match["a1"] or match["a2"]) if match else ""
    if match and not amount and _DOT_GROUPED.match(typed):
        head, _dot, rest = typed.partition(".")
        raise UserError(
            _(
                "{amount} is ambiguous: write {currency} {whole} for the whole amount, or "
                "{currency} {cents} for an amount with cents",
                amount=raw[:40],
                currency=(match["c1"] or match["c2"]).upper(),
                whole=ShownNumber(int(typed.replace(".", ""))),
                cents=ShownNumber(float(f"{head}.{rest[:2]}"), "#,##0.00"),
            )
        )
    if not match or not amount:
        raise UserError(
            _(
                "I can't read '{amount}'; write the currency code and the amount, "
                "e.g. USD {example} or THB {cents}",
                amount=raw[:40],
                example=ShownNumber(25_000),
                cents=ShownNumber(1_500_000.5, "#,##0.00"),
            )
        )
    currency = (match["c1"] or match["c2"]).upper()
    if currency not in currencies_in_use():
        raise UserError(
            _(
                "'{code}' is not a currency code I know; please write the ISO 4217 code of "
                "the currency, e.g. {codes}",
                code=currency,
                codes=join(currencies, ", "),
            )
        )
    units = parse_whole(amount["whole"], MAX_MONEY)  # checks the grouping (1,500,000)
    return Value(units * 100 + int((amount["cents"] or "0").ljust(2, "0")), currency)


@cache
def currencies_in_use() -> frozenset[str]:
    """The ISO 4217 codes some territory still holds as legal tender, per CLDR (Babel).

    Not :func:`babel.numbers.list_currencies`, which also names the codes for no currency,
    testing and metals (``XXX``, ``XTS``, ``XAU``) and withdrawn currencies (``DEM``).
    """
    spans = get_global("territory_currencies").values()  # (code, from, until, tender)
    return frozenset(
        code for span in spans for code, _from, until, tender in span if tender and not until
    )


def parse_zero(raw: str) -> bool:
    """Whether ``raw`` says nothing at all (0 in any script, none, nil)."""
    try:
        latin = latin_digits(raw)
    except UserError:
        return False
    return latin.lower() in {"0", "none", "nil", "zero", "nothing"}


def _text(raw: str, language: str) -> Value:
    if not raw:
        raise UserError(_("the text is empty"))
    if len(raw) > MAX_TEXT:
        raise UserError(
            _(
                "please keep it under {limit} characters (it has {length})",
                limit=MAX_TEXT,
                length=len(raw),
            )
        )
    return Value(None, "", raw)


_PARSERS = {"count": _count, "text": _text}


def show(value: Value) -> str:
    """How a value reads in chat and in history: ``12``, ``USD 25,000``, ``the text``,
    ``4 joint with MY op:SONGKHLA-3``."""
    if value.amount is None:
        return value.text
    if value.currency:
        return f"{value.currency} {money_amount(value.amount)}"
    return f"{value.amount:,}" + joint_suffix(value)


_SHOWN_WHOLE = r"(?P<whole>[0-9]{1,3}(?:,[0-9]{3})*)"
_SHOWN_MONEY = re.compile(rf"^(?P<currency>[A-Z]{{3}}) {_SHOWN_WHOLE}(?:\.(?P<cents>[0-9]{{2}}))?$")
_SHOWN_COUNT = re.compile(rf"^{_SHOWN_WHOLE}(?: joint with (?P<partner>\S+) op:(?P<op>\S+))?$")


def stored_value(kind: str, stored: str) -> Value | None:
    """A value back from what :func:`show` wrote (history keeps figures so), to show it again
    as each reader writes numbers; None when ``stored`` is not such a value."""
    if kind == "text":
        return Value(None, "", stored)
    if money := _SHOWN_MONEY.match(stored):
        units = int(money["whole"].replace(",", ""))
        return Value(units * 100 + int(money["cents"] or "0"), money["currency"])
    if count := _SHOWN_COUNT.match(stored):
        amount = int(count["whole"].replace(",", ""))
        return Value(amount, "", "", count["op"] or "", count["partner"] or "")
    return None


class ShownValue(Localised):
    """:func:`show` for chat: the number written as the reader's language writes numbers
    (``১২`` for a Bengali reader, ``USD ২৫,০০০``); as a ``str``, and when stored, the English."""

    value: Value

    def __new__(cls, value: Value) -> ShownValue:
        made = super().__new__(cls, show(value))
        made.value = value
        return made

    def in_language(self, language: str) -> str:
        value = self.value
        if value.amount is None:
            return value.text
        if value.currency:
            return money_shown(value.amount, value.currency, language)
        return number(value.amount, language) + joint_suffix(value)


def money_shown(hundredths: int, currency: str, language: str) -> str:
    """An amount of money for a reader: the ISO code, then the number as ``language`` writes
    numbers, cents only when there are some (``THB ๕๐๐,๐๐๐``, ``USD 1,250.50``). The code, not
    a symbol: readers in several countries take ``$`` for their own dollar."""
    units, cents = divmod(hundredths, 100)
    amount = number(units, language) if not cents else money_in(hundredths, language)
    return f"{currency} {amount}"


def money_in(hundredths: int, language: str) -> str:
    """:func:`money_amount` as ``language`` writes numbers (two decimals when there are cents)."""
    return number(Decimal(hundredths).scaleb(-2), language, "#,##0.00")


def shown(value: Value | None) -> Text:
    """A value for a chat message (each reader's digits); "—" for none."""
    return ShownValue(value) if value is not None else "—"


def joint_suffix(value: Value) -> str:
    """`` joint with MY op:SONGKHLA-3`` for a joint figure, else nothing."""
    return f" joint with {value.partner} op:{value.op}" if value.op else ""


def typed(value: Value) -> str:
    """A value as a person would type it back, to pre-fill a form field: ``1234``, not
    ``1,234`` (number fields take plain digits); money and text as :func:`show` writes them."""
    if value.amount is not None and not value.currency:
        return str(value.amount)
    return show(value)


def money_number(hundredths: int) -> int | ShownNumber:
    """:func:`money_amount` for a message, written as each reader writes numbers: whole units
    as a count is (its grouping too: Bengali ``১,০০,০০০``), cents with two decimals."""
    units, cents = divmod(hundredths, 100)
    if not cents:
        return units
    return ShownNumber(Decimal(hundredths).scaleb(-2), "#,##0.00")  # type: ignore[arg-type]


def money_amount(hundredths: int) -> str:
    """``2500050`` → ``25,000.50``; whole amounts without decimals."""
    units, cents = divmod(hundredths, 100)
    return f"{units:,}" + (f".{cents:02d}" if cents else "")
