"""Whole numbers as people type them, and as the group's statements write them.

Reading is strict on purpose: a figure in a return goes into a published total, so anything
that could mean two things (``10,5``, ``1.200``, ``1e9``, ``+5``, ``-0``, non-Latin digits) is
refused with a clear reason instead of guessed. Writing follows the seeds' style: numbers under
ten are spelled out ("seven search warrants"), larger ones keep digits ("63 suspects").
"""

from __future__ import annotations

import re

from bot.errors import UserError

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
_PLAIN = re.compile(r"^[0-9]+$")
_HEDGES = {"over", "about", "around", "approx", "approximately", "more", "less", "under", "~"}
_WORD_SPLIT = re.compile(r"[\s-]+")


def parse_whole(text: str, limit: int = 10**9) -> int:
    """Read a whole number ≥ 0 from digits (``1,200``) or English words (``ninety-nine``).

    Args:
        text: what the person typed for one figure.
        limit: the largest figure accepted (a typo guard).

    Raises:
        UserError: with a short reason the person can act on.
    """
    raw = text.strip()
    if not raw:
        raise UserError("a number is missing")
    digits = raw[0] in "0123456789+-−.,$"
    value = _from_digits(raw) if digits else _from_words(raw)
    if value > limit:
        raise UserError(f"{raw} is larger than I accept ({limit:,}); please check it")
    return value


def _from_digits(raw: str) -> int:
    _refuse_doubtful(raw)
    if _PLAIN.match(raw):
        return int(raw)
    if _GROUPED.match(raw):
        return int(raw.replace(",", ""))
    if re.match(r"^[0-9]+(,[0-9]+)+$", raw):
        raise UserError(
            f"{raw} is ambiguous: commas separate thousands in groups of three (1,200), "
            "and returns take whole numbers only"
        )
    if re.match(r"^[0-9]{1,3}\.[0-9]{3}$", raw):
        raise UserError(
            f"{raw} is ambiguous: write 1200 or 1,200 for a thousand, "
            "and returns take whole numbers only"
        )
    if re.match(r"^[0-9]*\.[0-9]+$|^[0-9]+\.[0-9]*$|^[0-9]+/[0-9]+$", raw):
        raise UserError(f"{raw} is not a whole number; returns count whole numbers (e.g. 12)")
    raise UserError(f"I can't read {raw!r} as a number; write it with digits, e.g. 1,200")


def _refuse_doubtful(raw: str) -> None:
    """Refuse the forms that look like numbers but could be read two ways."""
    if raw[0] in "-−":
        raise UserError(f"{raw} is negative; figures are 0 or more (write 0 for none)")
    if raw[0] == "+":
        raise UserError(
            f"{raw}: please give the total itself, not a change to add (write {raw[1:]})"
        )
    if raw[0] == "$":
        raise UserError(f"{raw}: a count takes no currency; just the number")
    if re.match(r"^[0-9]+(\.[0-9]+)?[eE][+-]?[0-9]+$", raw):
        raise UserError(f"{raw}: please write the number in full (e.g. 1,000,000), not as 1e9")


def _from_words(raw: str) -> int:
    if raw.split()[0].lower() in _HEDGES:
        raise UserError(f"{raw[:40]!r}: a return needs the exact figure, e.g. 70")
    _refuse_foreign_digits(raw)
    words = [w for w in _WORD_SPLIT.split(raw.lower()) if w and w != "and"]
    if len(words) == 1 and words[0] in ZERO_WORDS:
        return 0
    value = words_to_int(words)
    if value is None:
        raise UserError(f"I can't read {raw[:40]!r} as a number; use digits (12) or words (twelve)")
    return value


def _refuse_foreign_digits(raw: str) -> None:
    if any(ch.isdigit() and not ch.isascii() for ch in raw) or any(
        ch.isnumeric() and not ch.isascii() for ch in raw
    ):
        raise UserError(
            f"{raw[:20]!r}: please type numbers with the digits 0-9 "
            "so that every country's figures read the same"
        )
    if any(ch.isdigit() for ch in raw):
        raise UserError(f"I can't read {raw[:40]!r} as one number; e.g. 12 or twelve")


def words_to_int(words: list[str]) -> int | None:
    """``["two", "thousand", "forty", "one"]`` → 2041; None when the words are not a number."""
    if "thousand" in words:
        at = words.index("thousand")
        high = _below_thousand(words[:at]) if words[:at] else None
        low = _below_thousand(words[at + 1 :]) if words[at + 1 :] else 0
        return None if high is None or low is None or high == 0 else high * 1000 + low
    return _below_thousand(words)


def _below_thousand(words: list[str]) -> int | None:
    if "hundred" in words:
        at = words.index("hundred")
        head = words[:at] or None
        high = 1 if head == ["a"] else (_below_hundred(head) if head else None)
        rest = _below_hundred(words[at + 1 :]) if words[at + 1 :] else 0
        ok = high is not None and 0 < high < 10 and rest is not None
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
