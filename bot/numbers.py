"""Whole numbers as people type them, and as the group's statements write them.

Reading is strict on purpose: a figure in a return goes into a published total, so anything
that could mean two things to its reader (``10,5``, ``1.200`` in English, ``1,200`` in
Indonesian, ``1e9``, ``+5``, ``-0``) is refused with a clear reason instead of guessed; what
the reader's language writes one way only is read as written (``1.200`` in Indonesian,
``1,50,000`` in Hindi), as the bot shows that reader numbers. Digits may be those of any
script (Thai ``๑๒``, Arabic-Indic ``١٢``, Extended Arabic-Indic ``۱۲``, Bengali ``১২``,
Devanagari, Burmese, Tamil, Sinhala …), one script per number. Number words are read in
English for everyone, and in the reader's language where num2words knows it
(:mod:`bot.number_words`). Writing follows the seeds' style: numbers under ten are spelled
out ("seven search warrants"), larger ones keep digits ("63 suspects").
"""

from __future__ import annotations

import functools
import re
import unicodedata

from bot.errors import UserError
from bot.i18n import ShownNumber, _, number
from bot.number_words import read_words, word_languages

UNITS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
ZERO_WORDS = {"none", "nil", "nothing", "zero"}
_GROUPED = re.compile(r"^[0-9]{1,3}(,[0-9]{3})+$")
_DOTTED = re.compile(r"^[0-9]{1,3}(\.[0-9]{3}){2,}$")  # 1.200.000: two dots, no decimal
_SPACED = re.compile(r"^[0-9]{1,3}([ \u00a0\u202f][0-9]{3})+$")  # 1 200, 1\u202f200 (French)
_LAKHS = re.compile(r"^[0-9]{1,2}(,[0-9]{2})*,[0-9]{3}$")  # 1,50,000: Indian grouping
_SWAP = str.maketrans(".,", ",.")
_PLAIN = re.compile(r"^[0-9]+$")
_HEDGES = {"over", "about", "around", "approx", "approximately", "more", "less", "under", "~"}
_WORD_SPLIT = re.compile(r"[\s-]+")
_SEPARATORS = {"\u066c": ",", "\u066b": ".", "\u2212": "-"}
"""Arabic thousands and decimal separators and the minus sign, read as ``,`` ``.`` ``-``."""


def parse_whole(text: str, limit: int = 10**9, language: str = "en") -> int:
    """Read a whole number ≥ 0 from digits (``1,200``, ``๑,๒๐๐``) or words (``ninety-nine``).

    Args:
        text: what the person typed for one figure.
        limit: the largest figure accepted (a typo guard).
        language: the reader's language, whose number words are read besides English.

    Raises:
        UserError: with a short reason the person can act on.
    """
    raw = unicodedata.normalize("NFC", text.strip())
    if not raw:
        raise UserError(_("a number is missing"))
    latin = without_lakhs(reader_digits(raw, language), language)
    value = (
        _from_digits(raw, latin) if latin[0] in "0123456789+-.,$" else _from_words(raw, language)
    )
    if value > limit:
        raise UserError(
            _(
                "{number} is larger than I accept ({limit}); please check it",
                number=raw,
                limit=limit,
            )
        )
    return value


def latin_digits(raw: str) -> str:
    """``raw`` with the decimal digits of any one script as 0-9 (and Arabic separators).

    Raises:
        UserError: when one number mixes the digits of two scripts (``1٣``).
    """
    zeros = {ord(ch) - d for ch in raw if (d := unicodedata.decimal(ch, -1)) >= 0}
    if len(zeros) > 1:
        raise UserError(
            _("{number} mixes digits of different scripts; please use one kind", number=raw)
        )
    return "".join(_latin(ch) for ch in raw)


def _latin(ch: str) -> str:
    digit = unicodedata.decimal(ch, -1)
    return str(digit) if digit >= 0 else _SEPARATORS.get(ch, ch)


@functools.cache
def number_style(language: str) -> tuple[str, str, bool]:
    """How ``language`` writes numbers (as :func:`bot.i18n.number` shows them): its thousands
    separator, its decimal separator, and whether it groups by lakh and crore (12,34,567).
    ``(",", ".", False)`` in English; ``(".", ",", False)`` in Indonesian."""
    shown = latin_digits(number(1234567.5, language, "#,##0.0"))
    lakhs = latin_digits(number(1234567, language)) == "12,34,567"
    return shown[1], shown[-2], lakhs


def reader_digits(raw: str, language: str) -> str:
    """``raw`` with Western digits and the English separators, read as the reader writes
    numbers: an Indonesian's ``1.200,5`` as ``1,200.5``. Arabic separators (``٬`` ``٫``) say
    what they are in any language; digits of one script only (:func:`latin_digits`)."""
    group, decimal, _lakhs = number_style(language)
    if group == "." and decimal == ",":
        raw = raw.translate(_SWAP)
    return latin_digits(raw)


def without_lakhs(latin: str, language: str) -> str:
    """A Hindi, Bengali, Tamil or Dhivehi reader's ``1,50,000.50`` as ``150000.50`` (grouped
    by lakh and crore, as their language writes it); anything else as it is."""
    whole, dot, fraction = latin.partition(".")
    if number_style(language)[2] and _LAKHS.match(whole):
        return whole.replace(",", "") + dot + fraction
    return latin


def _from_digits(raw: str, latin: str) -> int:
    _refuse_doubtful(raw, latin)
    if _PLAIN.match(latin):
        return int(latin)
    if _GROUPED.match(latin):
        return int(latin.replace(",", ""))
    if _SPACED.match(latin):  # 1 200: grouped by spaces, as many languages print numbers
        return int(re.sub(r"\D", "", latin))
    if _DOTTED.match(latin):  # grouped by dots (or, read as the reader writes, by commas)
        return int(latin.replace(".", ""))
    thousand = ShownNumber(1200)
    if re.match(r"^[0-9]+(,[0-9]+)+$", latin):
        raise UserError(
            _(
                "{number} is ambiguous: thousands are grouped in threes ({example}), and "
                "returns take whole numbers only",
                number=raw,
                example=thousand,
            )
        )
    if re.match(r"^[0-9]{1,3}\.[0-9]{3}$", latin):
        thousands = int(latin.replace(".", ""))  # the reading the hint offers: 1.000 is 1000
        raise UserError(
            _(
                "{number} is ambiguous: write {plain} or {grouped} if you mean thousands, "
                "and returns take whole numbers only",
                number=raw,
                plain=ShownNumber(thousands, "0"),
                grouped=ShownNumber(thousands),
            )
        )
    if re.match(r"^[0-9]*\.[0-9]+$|^[0-9]+\.[0-9]*$|^[0-9]+/[0-9]+$", latin):
        raise UserError(
            _("{number} is not a whole number; returns count whole numbers (e.g. 12)", number=raw)
        )
    raise UserError(
        _(
            "I can't read '{number}' as a number; write it with digits, e.g. {example}",
            number=raw,
            example=thousand,
        )
    )


def _refuse_doubtful(raw: str, latin: str) -> None:
    """Refuse the forms that look like numbers but could be read two ways."""
    if latin[0] == "-" and any(c.isdigit() for c in latin):  # "-" alone is no number at all
        raise UserError(
            _("{number} is negative; figures are 0 or more (write 0 for none)", number=raw)
        )
    if latin[0] == "+" and any(c.isdigit() for c in latin):
        raise UserError(
            _(
                "{number}: please give the total itself, not a change to add (write {total})",
                number=raw,
                total=raw[1:],
            )
        )
    if latin[0] == "$":
        raise UserError(_("{number}: a count takes no currency; just the number", number=raw))
    if re.match(r"^[0-9]+(\.[0-9]+)?[eE][+-]?[0-9]+$", latin):
        meant = float(latin)  # shown in full when whole and of a size a return could hold
        whole = meant.is_integer() and meant < 10**12
        raise UserError(
            _(
                "{number}: please write the number in full, with digits only (e.g. {example})",
                number=raw,
                example=ShownNumber(int(meant) if whole else 1_000_000),
            )
        )


def _from_words(raw: str, language: str) -> int:
    shown = raw[:40]
    if raw.split()[0].lower() in _HEDGES:
        raise UserError(_("'{text}': a return needs the exact figure, e.g. 70", text=shown))
    _refuse_stray_digits(raw, language)
    words = [w for w in _WORD_SPLIT.split(raw.lower()) if w and w != "and"]
    if len(words) == 1 and words[0] in ZERO_WORDS:
        return 0
    value = words_to_int(words)
    if value is None:
        value = read_words(raw, language)
    if value is None and _reads_own_words(language):
        raise UserError(
            _("I can't read '{text}' as a number; use digits (12) or words (twelve)", text=shown)
        )
    if value is None:
        raise UserError(
            _(
                "I can't read '{text}' as a number; use digits (12) or English words (twelve)",
                text=shown,
            )
        )
    return value


def _reads_own_words(language: str) -> bool:
    """Whether number words in ``language`` are read (English words are, for everyone): a
    refusal's example word must be one the bot then reads."""
    return language == "en" or language in word_languages()


def _refuse_stray_digits(raw: str, language: str) -> None:
    """Numbers that are not decimal digits (``½``, ``Ⅻ``), or digits among words."""
    if any(ch.isnumeric() and unicodedata.decimal(ch, -1) < 0 for ch in raw):
        raise UserError(
            _(
                "'{text}': please type the figure with digits (12, ๑๒, ١٢ …) or words",
                text=raw[:20],
            )
        )
    if any(ch.isdigit() for ch in raw) and _reads_own_words(language):
        raise UserError(_("I can't read '{text}' as one number; e.g. 12 or twelve", text=raw[:40]))
    if any(ch.isdigit() for ch in raw):
        raise UserError(
            _("I can't read '{text}' as one number; e.g. 12 or twelve (in English)", text=raw[:40])
        )


def words_to_int(words: list[str]) -> int | None:
    """``["two", "thousand", "forty", "one"]`` → 2041; None when the words are not a number."""
    if words and words[-1] == "dozen":
        return _dozens(words[:-1])
    if "thousand" in words:
        at = words.index("thousand")
        high = _below_thousand(words[:at]) if words[:at] else None
        low = _below_thousand(words[at + 1 :]) if words[at + 1 :] else 0
        return None if high is None or low is None or high == 0 else high * 1000 + low
    return _below_thousand(words, hundreds_over_ten=True)


def _dozens(head: list[str]) -> int | None:
    """``a dozen`` 12, ``half a dozen`` 6, ``three dozen`` 36 (as a count is said); ``dozens``
    says no number and is not read."""
    if head in (["a"], ["one"]):
        return 12
    if head == ["half", "a"]:
        return 6
    count = _below_hundred(head) if head else None
    return count * 12 if count else None


def _below_thousand(words: list[str], hundreds_over_ten: bool = False) -> int | None:
    """Up to 999; with ``hundreds_over_ten``, also ``twelve hundred`` (1,200) and ``twenty-one
    hundred and five`` (2,105), as English counts hundreds where no thousand is named."""
    if "hundred" in words:
        at = words.index("hundred")
        head = words[:at] or None
        high = 1 if head == ["a"] else (_below_hundred(head) if head else None)
        rest = _below_hundred(words[at + 1 :]) if words[at + 1 :] else 0
        over_ten = hundreds_over_ten and high is not None and high > 10 and high % 10 != 0
        ok = high is not None and (0 < high < 10 or over_ten) and rest is not None
        return high * 100 + rest if ok else None  # type: ignore[operator]
    return _below_hundred(words)


def _below_hundred(words: list[str]) -> int | None:
    if len(words) == 1 and words[0] in UNITS:
        return UNITS.index(words[0])
    if not words or words[0] not in TENS[2:] or len(words) > 2:
        return None
    tens = TENS.index(words[0]) * 10
    if len(words) == 1:
        return tens
    unit = UNITS.index(words[1]) if words[1] in UNITS[1:10] else None
    return tens + unit if unit else None


def words(n: int) -> str:
    """English words for 0 ≤ n < 1000 (``ninety-nine``), digits beyond."""
    if n < 20:
        return UNITS[n]
    if n < 100:
        tens, unit = divmod(n, 10)
        return TENS[tens] + (f"-{UNITS[unit]}" if unit else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return f"{UNITS[hundreds]} hundred" + (f" and {words(rest)}" if rest else "")
    return f"{n:,}"


def in_text(n: int) -> str:
    """A number inside a sentence, the seeds' way: under ten in words, then digits (1,200)."""
    return UNITS[n] if 0 <= n < 10 else f"{n:,}"


def sentence_start(n: int) -> str:
    """A number opening a sentence, in words with a capital ("Sixty-two people were…")."""
    text = words(n)
    return text[0].upper() + text[1:]
