"""The directory as CSV: one file of people, one of countries, for import and export.

Names and identities are people's text: every cell is written through
:mod:`bot.spreadsheet_safety` so a spreadsheet never runs one as a formula, and read back
through it so an exported file imports unchanged.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from bot.config import Country, Person, check_directory
from bot.directory.repo import Directory
from bot.errors import ConfigError
from bot.spreadsheet_safety import csv_row, from_csv_cell

M = TypeVar("M", bound=BaseModel)

PEOPLE_FIELDS = ["id", "name", "country", "roles", "language", "preferred_channel", "active"]
COUNTRY_FIELDS = ["code", "name", "timezone"]
IDENTITY_PREFIX = "identity:"


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


def parse_csv(text: str, known: Directory) -> tuple[list[Country], list[Person]]:
    """Read a people or countries CSV (told apart by its header), validated against ``known``."""
    rows = [
        {k: from_csv_cell(v) if isinstance(v, str) else v for k, v in row.items()}
        for row in csv.DictReader(io.StringIO(text))
    ]
    header = set(rows[0]) if rows else set()
    if {"code", "timezone"} <= header:
        countries: list[Country] = [
            _row(Country, r, i, _country) for i, r in enumerate(rows, start=2)
        ]
        people: list[Person] = []
    elif {"id", "country", "roles"} <= header:
        countries = []
        people = [_row(Person, r, i, _person) for i, r in enumerate(rows, start=2)]
    else:
        raise ConfigError(
            "the CSV needs a header: id,name,country,roles,… for people or "
            "code,name,timezone for countries"
        )
    merged_countries = {**known.countries, **{c.code: c for c in countries}}
    merged_people = {**known.people, **{p.id: p for p in people}}
    try:
        check_directory(tuple(merged_countries.values()), tuple(merged_people.values()))
    except ValueError as exc:
        raise ConfigError(str(exc)) from exc
    return countries, people


def _row(
    model: type[M], row: dict[str, str], line: int, shape: Callable[[dict[str, str]], object]
) -> M:
    try:
        return model.model_validate(shape(row))
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"line {line}: {problems}") from exc


def _country(row: dict[str, str]) -> dict[str, object]:
    return {k: (row.get(k) or "").strip() for k in COUNTRY_FIELDS}


def _person(row: dict[str, str]) -> dict[str, object]:
    identities = {
        k[len(IDENTITY_PREFIX) :]: v.strip()
        for k, v in row.items()
        if k and k.startswith(IDENTITY_PREFIX) and v and v.strip()
    }
    return {
        "id": (row.get("id") or "").strip(),
        "name": (row.get("name") or "").strip(),
        "country": (row.get("country") or "").strip().upper(),
        "roles": _split(row.get("roles") or ""),
        "language": (row.get("language") or "en").strip(),
        "preferred_channel": (row.get("preferred_channel") or "console").strip(),
        "active": (row.get("active") or "yes").strip().lower() not in ("no", "false", "0"),
        "identities": identities,
    }


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.replace(",", ";").split(";") if part.strip()]
