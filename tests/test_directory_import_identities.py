"""A directory import keeps a person's channel identities unless told otherwise: an emptied
``identity:telegram`` cell (an Excel round trip) cut th-officer off Telegram without a word,
the summary counting them among the "changed". Removing one takes a cell of just ``-``, and
the summary names each identity added, changed or removed; the audit chain still verifies."""

import csv
import io
from pathlib import Path

import pytest

from tests.cli_support import Operator
from tests.conftest import ENGINES

both_engines = pytest.mark.parametrize("engine", ENGINES, indirect=True)


def edited(exported: str, cells: dict[str, dict[str, str]]) -> str:
    """The export with some people's cells set (``{person: {column: cell}}``) as a
    spreadsheet would save it; a column not in the export is added, empty for the others."""
    rows = list(csv.DictReader(io.StringIO(exported)))
    columns = list(rows[0])
    columns += [c for person in cells.values() for c in person if c not in columns]
    for row in rows:
        row.update(cells.get(row["id"], {}))
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, restval="", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


@both_engines
def test_an_emptied_identity_cell_keeps_the_identity(tmp_path: Path) -> None:
    operator = Operator(tmp_path)
    exported = operator.exported()
    assert operator.identities("th-officer") == [("telegram", "300043")]
    emptied = edited(exported, {"th-officer": {"identity:telegram": ""}})
    assert "300043" not in emptied and emptied.count("\n") == exported.count("\n")

    done = operator.imports(emptied)
    assert done.exit_code == 0, done.output
    assert done.output == "Imported 33 people: 0 added, 0 changed, 33 unchanged.\n"
    assert operator.identities("th-officer") == [("telegram", "300043")]
    assert "300043" in operator.exported()
    operator.verifies()


@both_engines
def test_a_dash_removes_an_identity_and_the_summary_names_every_change(tmp_path: Path) -> None:
    operator = Operator(tmp_path)
    exported = operator.exported()
    assert operator.identities("au-fp") == [("slack", "U0AUFP01"), ("telegram", "100018")]
    changed = edited(
        exported,
        {
            "th-officer": {"identity:telegram": "-"},
            "au-fp": {
                "identity:slack": "-",
                "identity:telegram": "100099",
                "identity:whatsapp": "+61400000001",
            },
        },
    )

    done = operator.imports(changed)
    assert done.exit_code == 0, done.output
    assert done.output == (
        "Imported 33 people: 0 added, 2 changed, 31 unchanged.\n"
        "  au-fp: slack identity removed, telegram identity changed, whatsapp identity added\n"
        "  th-officer: telegram identity removed (reachable on console only now)\n"
    )
    assert operator.identities("th-officer") == []
    assert operator.identities("au-fp") == [("telegram", "100099"), ("whatsapp", "+61400000001")]
    [row] = [r for r in csv.DictReader(io.StringIO(operator.exported())) if r["id"] == "th-officer"]
    assert not any(cell for column, cell in row.items() if column.startswith("identity:")), row
    operator.verifies()

    again = operator.imports(changed)  # a dash where there is nothing: nothing to say
    assert again.output == "Imported 33 people: 0 added, 0 changed, 33 unchanged.\n"
    operator.verifies()


@both_engines
def test_a_missing_identity_column_or_cell_keeps_the_identity(tmp_path: Path) -> None:
    operator = Operator(tmp_path)
    done = operator.imports(
        "id,name,country,roles,preferred_channel\nth-officer,Nirano Example,TH,officer,console\n"
    )
    assert done.exit_code == 0, done.output
    assert done.output == "Imported 1 person: 0 added, 1 changed, 0 unchanged.\n"  # the name
    assert operator.identities("th-officer") == [("telegram", "300043")]
    # a row shorter than the header (a spreadsheet dropping trailing empty cells)
    done = operator.imports(
        "id,name,country,roles,identity:slack,identity:telegram\n"
        "th-officer,Nirano Example,TH,officer\n"
        "au-fp,Alex Example,AU,focal_point,U0AUFP02\n"
    )
    assert done.exit_code == 0, done.output
    assert done.output == (
        "Imported 2 people: 0 added, 1 changed, 1 unchanged.\n  au-fp: slack identity changed\n"
    )
    assert operator.identities("th-officer") == [("telegram", "300043")]
    assert operator.identities("au-fp") == [("slack", "U0AUFP02"), ("telegram", "100018")]
    operator.verifies()


@both_engines
def test_an_identity_someone_keeps_is_still_refused_to_another(tmp_path: Path) -> None:
    operator = Operator(tmp_path)
    refused = operator.imports(  # th-officer keeps 300043: not listed, or listed with no cell
        "id,name,country,roles,identity:telegram\n"
        "th-officer,Nirano Officer-Example,TH,officer,\n"
        "au-fp,Alex Example,AU,focal_point,300043\n"
    )
    assert refused.exit_code == 1
    assert "line 3: duplicate identity 'telegram:300043'" in refused.output, refused.output
    assert operator.identities("au-fp") == [("slack", "U0AUFP01"), ("telegram", "100018")]

    # given up with a dash in the same file, it moves: both are told and bound in the chain
    moved = operator.imports(
        "id,name,country,roles,identity:telegram\n"
        "au-fp,Alex Example,AU,focal_point,300043\n"
        "th-officer,Nirano Officer-Example,TH,officer,-\n"
    )
    assert moved.exit_code == 0, moved.output
    assert "  au-fp: telegram identity changed\n" in moved.output, moved.output
    assert "  th-officer: telegram identity removed" in moved.output
    assert operator.identities("th-officer") == []
    assert operator.identities("au-fp") == [("slack", "U0AUFP01"), ("telegram", "300043")]
    operator.verifies()
