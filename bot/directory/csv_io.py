"""The directory as CSV: one file of people, one of countries, for import and export.

Names and identities are people's text: every cell is written through
:mod:`bot.spreadsheet_safety` so a spreadsheet never runs one as a formula, and read back
through it so an exported file imports unchanged.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from bot.config import CHANNELS, ROLES, Country, Person, directory_problems
from bot.directory.repo import Directory
from bot.errors import ConfigError
from bot.i18n import DEFAULT_LANGUAGE
from bot.i18n.languages import resolve_language
from bot.spreadsheet_safety import csv_row, from_csv_cell
from bot.text import counted

M = TypeVar("M", bound=BaseModel)

PEOPLE_FIELDS = ["id", "name", "country", "roles", "language", "preferred_channel", "active"]
COUNTRY_FIELDS = ["code", "name", "timezone"]
IDENTITY_PREFIX = "identity:"
REMOVE = "-"  # an identity cell of just this removes that identity; an empty one keeps it
MAX_PROBLEMS = 20  # wrong rows named in one go

Lined = list[tuple[int | None, M]]  # rows and the line each came from (None: already known)
Problem = tuple[int | None, str, str]  # at a line of the file (None: at none), column, what
# a row's problems are named in the order of its columns
COLUMNS = ["id", "code", "name", "country", "roles", "language", "preferred_channel", "active"]


def export_people(directory: Directory) -> str:
    """People as CSV; roles separated by ``;``, one ``identity:<channel>`` column per channel."""
    channels = sorted({ch for p in directory.people.values() for ch in p.identities})
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(csv_row([*PEOPLE_FIELDS, *(IDENTITY_PREFIX + ch for ch in channels)]))
    for p in directory.people.values():
        writer.writerow(
            csv_row(
                [
                    p.id,
                    p.name,
                    p.country,
                    ";".join(p.roles),
                    p.language,
                    p.preferred_channel,
                    "yes" if p.active else "no",
                    *[p.identities.get(ch, "") for ch in channels],
                ]
            )
        )
    return out.getvalue()


def export_countries(directory: Directory) -> str:
    """Countries as CSV."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COUNTRY_FIELDS)
    for c in directory.countries.values():
        writer.writerow(csv_row([c.code, c.name, c.timezone]))
    return out.getvalue()


def decode_csv(data: bytes) -> str:
    """The text of a CSV file: UTF-8, with or without the byte-order mark Excel puts first."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ConfigError(
            f"line {line}: byte 0x{data[exc.start]:02x} is not UTF-8; the file must be saved as "
            "UTF-8 (Excel: Save As, 'CSV UTF-8 (Comma delimited)'; LibreOffice: Save As, Text "
            "CSV, Edit filter settings, character set 'Unicode (UTF-8)'; Google Sheets' "
            "Download as CSV is UTF-8 already)"
        ) from exc


def parse_csv(
    text: str, known: Directory, default_language: str = DEFAULT_LANGUAGE
) -> tuple[list[Country], list[Person]]:
    """Read a people or countries CSV (told apart by its header), validated against ``known``.

    Every wrong row is named by its line (up to :data:`MAX_PROBLEMS` of them), so one import
    attempt shows all there is to fix; nothing is returned unless every row is right. Someone
    new without a language gets ``default_language`` (the bot's, ``[bot] language``).
    """
    text = text.removeprefix("\ufeff")
    reader = csv.DictReader(io.StringIO(text), delimiter=_delimiter(text))
    header = set(reader.fieldnames or ())
    rows = [(line, row) for line, row in _lined(reader) if not _emptied(row)]
    if {"code", "timezone"} <= header:
        _refuse_unknown(header, COUNTRY_FIELDS)
        countries, wrong_countries, problems = _rows(Country, rows, _country)
        people: Lined[Person] = []
        wrong_people: Lined[Person] = []
    elif {"id", "country", "roles"} <= header:
        _refuse_unknown(header, PEOPLE_FIELDS, identities=True)
        countries, wrong_countries = [], []
        people, wrong_people, problems = _rows(
            Person, rows, lambda row: _person(row, known, default_language)
        )
    else:
        raise ConfigError(
            "the CSV needs a header: id,name,country,roles,… for people or "
            "code,name,timezone for countries"
        )
    # the rows refused are checked against the directory too: every problem named at once
    problems += _contradictions(
        known, _by_line(countries + wrong_countries), _by_line(people + wrong_people)
    )
    if problems:
        raise ConfigError(_listed(problems))
    return [c for _, c in countries], [p for _, p in people]


DELIMITERS = ",;\t"
"""What separates a CSV's cells: commas, or the semicolons Excel writes where a comma is the
decimal mark (much of Europe, Indonesia, Vietnam), or tabs (a sheet copied as text)."""


def _delimiter(text: str) -> str:
    """The separator of ``text``'s cells, told by its header line (a roles cell holds ``;``
    between roles, but the header holds no values)."""
    header = text.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(header, delimiters=DELIMITERS).delimiter
    except csv.Error:  # one column, or nothing to tell by: the header check says what is wrong
        return ","


def _refuse_unknown(header: set[str], fields: list[str], identities: bool = False) -> None:
    """Refuse a column the import would ignore: a header ``telegram`` (meant as
    ``identity:telegram``) imported its people with no identity and no word. A blank header
    (a spreadsheet's trailing comma) is no column."""
    unknown = sorted(
        name
        for name in header
        if name.strip()
        and name not in fields
        and not (identities and name.startswith(IDENTITY_PREFIX))
    )
    if unknown:
        said = "; ".join(_unknown_column(name, fields, identities) for name in unknown)
        raise ConfigError(f"{said}; nothing imported")


def _unknown_column(name: str, fields: list[str], identities: bool) -> str:
    """What is wrong with the column ``name``, with the name it may have meant."""
    channel = name.strip().lower().removeprefix("identity").strip(" :_-")
    if identities and channel in CHANNELS:
        return (
            f"unknown column {name!r}: a {channel} identity goes in a column named "
            f"{IDENTITY_PREFIX}{channel}"
        )
    known = ", ".join(fields)
    if identities:
        known += f" and {IDENTITY_PREFIX}<channel> for each channel ({', '.join(CHANNELS)})"
    return f"unknown column {name!r} (the columns are {known})"


def _lined(reader: csv.DictReader[str]) -> list[tuple[int, dict[str, Any]]]:
    """Each row with the file's line it starts on (the reader skips blank lines and a quoted
    cell may span lines: counting rows named the wrong line), its cells read back."""
    lined = []
    for row in reader:
        spans = sum(v.count("\n") for v in row.values() if isinstance(v, str))
        cells = {k: from_csv_cell(v) if isinstance(v, str) else v for k, v in row.items()}
        lined.append((reader.line_num - spans, cells))
    return lined


def _emptied(row: Mapping[Any, Any]) -> bool:
    """A row of separators only (``;;;;``), as a spreadsheet saves a row it emptied."""
    cells = [row.get(k) for k in row if k is not None] + list(row.get(None) or [])
    return all(not (cell or "").strip() for cell in cells)


def _rows(
    model: type[M],
    rows: list[tuple[int, dict[str, Any]]],
    shape: Callable[[dict[str, str]], dict[str, Any]],
) -> tuple[Lined[M], Lined[M], list[Problem]]:
    """Each valid row with the line it starts on (the header is line 1); each invalid row as
    it reads, unvalidated (for the directory checks), and its problems in plain words."""
    valid: Lined[M] = []
    invalid: Lined[M] = []
    problems: list[Problem] = []
    for line, row in rows:
        problems += [(line, "", why) for why in _extra_cells(row)]
        cells = shape(row)
        try:
            valid.append((line, model.model_validate(cells)))
        except ValidationError as exc:
            invalid.append((line, model.model_construct(**cells)))
            problems += [(line, column, why) for column, why in _plain_errors(exc.errors())]
    return valid, invalid, problems


def _extra_cells(row: Mapping[Any, Any]) -> list[str]:
    """The row's cells past the header's last column, which no column would keep (the reader
    puts them under the key None): refused, as a role typed one cell too far to the right
    was dropped without a word."""
    extra = row.get(None) or []
    if not extra:
        return []
    shown = ", ".join(repr(cell[:SHOWN_CELL]) for cell in extra[:SHOWN_CELLS])
    more = ", …" if len(extra) > SHOWN_CELLS else ""
    cells = "1 cell" if len(extra) == 1 else f"{len(extra):,} cells"
    return [f"{cells} past the header's last column, which no column keeps ({shown}{more})"]


SHOWN_CELLS = 3  # extra cells of a row quoted in its problem
SHOWN_CELL = 40  # characters of each


def _by_line(rows: Lined[M]) -> Lined[M]:
    return sorted(rows, key=lambda row: row[0] or 0)


def _plain_errors(errors: list[ErrorDetails]) -> list[tuple[str, str]]:
    """pydantic's errors on a row as (column, what is wrong) in words for whoever keeps the
    spreadsheet; roles refused one by one are not said again as "no role"."""
    refused_within = {error["loc"][:-1] for error in errors if len(error["loc"]) > 1}
    return [
        (str(error["loc"][0]) if error["loc"] else "", _plain(error))
        for error in errors
        if not (error["type"] == "too_short" and error["loc"] in refused_within)
    ]


def _roles() -> str:
    return f"roles: {', '.join(ROLES)}"


_PLAIN: dict[tuple[str, str], Callable[[Any], str]] = {
    ("roles", "literal_error"): lambda value: f"unknown role {value!r} ({_roles()})",
    ("roles", "too_short"): lambda _value: f"no role given ({_roles()})",
    ("active", "bool_parsing"): lambda value: f"active must be yes or no, not {value!r}",
    ("id", "string_pattern_mismatch"): lambda value: (
        f"id {value!r} may hold only lowercase letters, digits, '.', '_' and '-' (at most 40, "
        "starting with a letter or digit)"
    ),
    ("code", "string_pattern_mismatch"): lambda value: (
        f"code {value!r} must be two capital letters (ISO 3166 alpha-2, e.g. TH)"
    ),
}


def _plain(error: ErrorDetails) -> str:
    """One pydantic error in plain words; pydantic's own (without "Value error, ") else."""
    column = str(error["loc"][0]) if error["loc"] else ""
    value = error.get("input")
    if value == "" and error["type"] != "too_short":
        return f"{column} is empty"
    if column == "identities" and error["type"] == "value_error":
        return error["msg"].removeprefix("Value error, ")  # it names each channel's column
    plain = _PLAIN.get((column, error["type"]))
    if plain is not None:
        return plain(value)
    return f"{_where(error['loc'])}: {error['msg'].removeprefix('Value error, ')}"


def _where(loc: tuple[int | str, ...]) -> str:
    return ".".join(map(str, loc))


def _contradictions(
    known: Directory, countries: Lined[Country], people: Lined[Person]
) -> list[Problem]:
    """What the directory would contradict once the rows are in (unknown country, duplicate
    id or identity, unknown language), each on the line of the row that brings it."""
    all_countries = _after_import(known.countries, countries, lambda c: c.code)
    all_people = _after_import(known.people, people, lambda p: p.id)
    found = directory_problems(tuple(c for _, c in all_countries), tuple(p for _, p in all_people))
    problems: list[Problem] = []
    for loc, why in found:  # worded as for bot.toml: "person 'x' has unknown country 'XX'"
        line = (all_countries if loc[0] == "countries" else all_people)[int(loc[1])][0]
        problems.append((line, str(loc[2]) if len(loc) > 2 else "", why))
    return problems


def _after_import(known: dict[str, M], rows: Lined[M], key: Callable[[M], str]) -> Lined[M]:
    """The known entries the rows leave as they are, then the rows (which replace the others)."""
    replaced = {key(item) for _, item in rows}
    kept: Lined[M] = [(None, item) for item in known.values() if key(item) not in replaced]
    return kept + rows


def _listed(problems: list[Problem]) -> str:
    """The problems by line, a row's in the order of its columns, those of no row of the file
    (already in the directory) last."""
    by_line: dict[int, list[tuple[int, str]]] = {}
    for line, column, why in problems:
        if line is not None:
            by_line.setdefault(line, []).append((_rank(column), why))
    lines = [
        f"line {line}: " + "; ".join(dict.fromkeys(why for _, why in sorted(found)))
        for line, found in sorted(by_line.items())
    ]
    lines += [why for line, _column, why in problems if line is None]
    if len(lines) == 1:
        return lines[0]
    shown = lines[:MAX_PROBLEMS]
    if len(lines) > MAX_PROBLEMS:
        shown.append(f"… and {len(lines) - MAX_PROBLEMS} more")
    return f"{len(lines)} problems, nothing imported:\n  " + "\n  ".join(shown)


def _rank(column: str) -> int:
    return COLUMNS.index(column) if column in COLUMNS else len(COLUMNS)


def import_summary(
    before: Directory, after: Directory, countries: list[Country], people: list[Person]
) -> str:
    """``Imported 34 people: 28 added (27 with a telegram identity), 1 changed, 5
    unchanged.``: the rows of the file compared with the directory before and after (a
    revoked person listed stays revoked: unchanged, unless something else of theirs changed);
    then, one line per person already in the directory, the identities added, changed or
    removed, so an administrator sees a channel lost before the person does. New people's
    identities are only counted by channel: a list of each would be as long as the file."""
    if countries:
        keys = [c.code for c in countries]
        return _counted(("country", "countries"), before.countries, after.countries, keys)
    new = [p for p in people if p.id not in before.people]
    summary = _counted(
        ("person", "people"), before.people, after.people, [p.id for p in people], _by_channel(new)
    )
    return "\n".join([summary, *_identity_changes(before, after)])


def _counted(
    what: tuple[str, str],
    before: Mapping[str, M],
    after: Mapping[str, M],
    keys: list[str],
    note: str = "",
) -> str:
    added = sum(key not in before for key in keys)
    changed = sum(key in before and before[key] != after.get(key) for key in keys)
    unchanged = len(keys) - added - changed
    noted = f" ({note})" if note else ""
    return (
        f"Imported {counted(len(keys), *what)}: {added} added{noted}, {changed} changed, "
        f"{unchanged} unchanged."
    )


def _by_channel(people: list[Person]) -> str:
    """``27 with a telegram identity, 3 with an email identity``; "" when none has one."""
    counts = Counter(ch for p in people for ch in p.identities)
    return ", ".join(
        f"{n} with {'an' if ch[0] in 'aeiou' else 'a'} {ch} identity"
        for ch, n in sorted(counts.items())
    )


def _identity_changes(before: Directory, after: Directory) -> list[str]:
    """``  th-officer: telegram identity removed (reachable on console only now)``, for each
    person whose identities differ (anyone's: one taken over by another row shows too)."""
    lines = []
    for person_id, was in before.people.items():
        now = after.people.get(person_id)
        if now is None or now.identities == was.identities:
            continue
        channels = sorted({*was.identities, *now.identities})
        said = [
            f"{ch} identity {_how(was.identities.get(ch), now.identities.get(ch))}"
            for ch in channels
            if was.identities.get(ch) != now.identities.get(ch)
        ]
        alone = "" if now.identities else " (reachable on console only now)"
        lines.append(f"  {person_id}: {', '.join(said)}{alone}")
    return lines


def _how(was: str | None, now: str | None) -> str:
    if was is None:
        return "added"
    return "removed" if now is None else "changed"


def _country(row: dict[str, str]) -> dict[str, object]:
    return {k: (row.get(k) or "").strip() for k in COUNTRY_FIELDS}


def _person(row: dict[str, str], known: Directory, default_language: str) -> dict[str, object]:
    """A person row. An empty or missing cell keeps what the directory has for someone already
    in it (re-imported to change one channel, a Thai focal point was reset to English) and
    gives someone new the default; identities too (see :func:`_identities`)."""
    person_id = _cell(row, "id")
    before = known.people.get(person_id)
    unsaid = _unsaid(before, default_language)
    cells = {key: _cell(row, key) or value for key, value in unsaid.items()}
    return {
        "id": person_id,
        "name": cells["name"],
        "country": cells["country"].upper(),
        "roles": _split(cells["roles"]),
        "language": cells["language"],
        "language_given": _language_given(_cell(row, "language"), before),
        "preferred_channel": cells["preferred_channel"],
        "active": cells["active"].lower(),  # yes/no, true/false, 1/0 or refused
        "identities": _identities(row, before),
    }


def _language_given(cell: str, before: Person | None) -> bool:
    """Whether the row leaves the person a language given (see Person's ``language_given``):
    one written in its cell for someone new, or other than they have; given before and not
    changed. A cell saying the language they have already says nothing new: an export
    imported again does not give everyone the language they were left at."""
    if before is None:
        return bool(cell)
    said = resolve_language(cell) or cell
    return before.language_given or bool(cell) and said != before.language


def _identities(row: dict[str, str], before: Person | None) -> dict[str, str]:
    """The identities a row leaves a person: an id in an ``identity:<channel>`` cell sets it,
    a cell of just :data:`REMOVE` removes it, an empty cell or no column keeps what they have
    (an Excel round trip that emptied a cell quietly cut a focal point off their channel)."""
    identities = dict(before.identities) if before else {}
    for key in row:
        if not (key and key.startswith(IDENTITY_PREFIX)):
            continue  # an ordinary column, or the cells past the header's last (key None)
        channel, cell = key[len(IDENTITY_PREFIX) :], _cell(row, key)
        if cell == REMOVE:
            identities.pop(channel, None)
        elif cell:
            identities[channel] = cell
    return identities


def _unsaid(before: Person | None, default_language: str) -> dict[str, str]:
    """What each column means when its cell is empty or missing: what ``before`` has, or
    for someone new the default (none for the cells a person cannot do without)."""
    if before is None:
        return {
            "name": "",
            "country": "",
            "roles": "",
            "language": default_language,
            "preferred_channel": "console",
            "active": "yes",
        }
    return {
        "name": before.name,
        "country": before.country,
        "roles": ";".join(before.roles),
        "language": before.language,
        "preferred_channel": before.preferred_channel,
        "active": "yes" if before.active else "no",
    }


def _cell(row: dict[str, str], key: str) -> str:
    """A cell without its surrounding blanks; "" when empty or the column is missing."""
    value = row.get(key)
    return value.strip() if isinstance(value, str) else ""


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.replace(",", ";").split(";") if part.strip()]
