"""``focalbot directory import`` says what it changed (added, changed, unchanged, compared
with the directory before) and names each problem of a refused row in plain words, all of
them at once: an unknown country or language of a row that also has a wrong role was not
said at all, and the rest came as pydantic's "roles.0: Input should be …"."""

from pathlib import Path

import pytest

from tests.cli_support import Operator
from tests.conftest import ENGINES
from tests.harness import execute_on

both_engines = pytest.mark.parametrize("engine", ENGINES, indirect=True)


@both_engines
def test_an_import_says_how_many_were_added_changed_and_unchanged(tmp_path: Path) -> None:
    operator = Operator(tmp_path)
    exported = operator.run("directory", "export").output
    assert len(exported.splitlines()) == 34  # the header and bot.toml's 33 people
    one_more = exported.replace(
        "\nth-officer,Nirano Officer-Example,TH,officer,",
        "\nth-officer,Nirano Officer-Example,TH,officer;deputy_focal_point,",
    )
    assert one_more != exported
    one_more += "vn-officer,Minh Example,VN,officer,en,console,yes\n"
    done = operator.imports(one_more)
    assert done.exit_code == 0, done.output
    assert done.output == "Imported 34 people: 1 added, 1 changed, 32 unchanged.\n"
    again = operator.imports(one_more)
    assert again.output == "Imported 34 people: 0 added, 0 changed, 34 unchanged.\n"

    countries = operator.run("directory", "export", "--countries").output
    renamed = countries.replace("TH,Thailand,", "TH,Kingdom of Thailand,")
    done = operator.imports(renamed + "KH,Cambodia,Asia/Phnom_Penh\n")
    assert done.output == "Imported 17 countries: 1 added, 1 changed, 15 unchanged.\n"


@both_engines
def test_every_problem_of_a_row_is_named_plainly(tmp_path: Path) -> None:
    operator = Operator(tmp_path)
    refused = operator.imports(
        "id,name,country,roles,language,preferred_channel,active\n"
        "xx-fp,Someone Example,XX,chief,zz,console,maybe\n"
        "Bad Id,,TH,,en,console,yes\n"
    )
    assert refused.exit_code == 1
    said = refused.output
    assert "Input should" not in said and "roles.0" not in said, said
    [wrong] = [line for line in said.splitlines() if "line 2:" in line]
    problems = wrong.split("line 2: ")[1].split("; ")
    assert problems == [
        "person 'xx-fp' has unknown country 'XX'",
        "unknown role 'chief' (roles: officer, focal_point, deputy_focal_point, co_chair, admin)",
        "person 'xx-fp' has unknown language 'zz' (known: en, ar, bn, dv, fa_AF, fil, hi, id, "
        "ms, my, ps, si, ta, th, ur, vi)",
        "active must be yes or no, not 'maybe'",
    ], wrong
    assert (
        "line 3: id 'Bad Id' may hold only lowercase letters, digits, '.', '_' and '-' (at most "
        "40, starting with a letter or digit); name is empty; no role given (roles: " in said
    ), said
    assert "2 problems, nothing imported" in said
    unknown = "SELECT COUNT(*) FROM people WHERE id = 'xx-fp'"
    assert execute_on(operator.database, unknown) == [(0,)]

    refused = operator.imports("code,name,timezone\nTH2,Thai,Asia/Nowhere\n")
    assert refused.exit_code == 1
    assert (
        "line 2: code 'TH2' must be two capital letters (ISO 3166 alpha-2, e.g. TH); "
        "timezone: unknown IANA time zone 'Asia/Nowhere'"
    ) in refused.output, refused.output


@both_engines
def test_a_file_saved_with_semicolons_or_tabs_imports_as_with_commas(tmp_path: Path) -> None:
    """Excel saves "CSV" with semicolons where the comma is the decimal mark, and a sheet
    copied as text has tabs: both were refused as having no header."""
    operator = Operator(tmp_path)
    semicolons = (
        "id;name;country;roles;language;preferred_channel;active\n"
        'vn-officer;Minh Example;VN;"officer;deputy_focal_point";en;console;yes\n'
    )
    done = operator.imports(semicolons)
    assert done.exit_code == 0, done.output
    assert done.output.endswith("1 added, 0 changed, 0 unchanged.\n"), done.output
    tabs = "code\tname\ttimezone\nKH\tCambodia\tAsia/Phnom_Penh\n"
    done = operator.imports(tabs)
    assert done.exit_code == 0, done.output
    assert "1 added" in done.output
    exported = operator.run("directory", "export").output
    assert "vn-officer,Minh Example,VN,officer;deputy_focal_point,en,console,yes" in exported


@both_engines
def test_a_row_with_more_cells_than_the_header_is_refused(tmp_path: Path) -> None:
    """A cell past the header's last column belongs to no column: a co-chair role typed one
    cell too far was dropped without a word ("Imported 1 people: 1 added"), and a row of
    100,000 extra cells went in too. Now the row is named and nothing is imported."""
    operator = Operator(tmp_path)
    refused = operator.imports(
        "id,name,country,roles\n"
        "new-e,Nina Example,TH,officer,co_chair\n"
        "new-f,Ploy Example,TH,officer\n"
        "new-g,Somsak Example,TH,officer" + ",x" * 100_000 + "\n"
    )
    assert refused.exit_code == 1
    said = refused.output
    assert "2 problems, nothing imported" in said, said
    assert (
        "line 2: 1 cell past the header's last column, which no column keeps ('co_chair')"
    ) in said, said
    assert (
        "line 4: 100,000 cells past the header's last column, which no column keeps "
        "('x', 'x', 'x', …)"
    ) in said, said
    assert "line 3" not in said
    added = "SELECT COUNT(*) FROM people WHERE id LIKE 'new-%'"
    assert execute_on(operator.database, added) == [(0,)]

    refused = operator.imports("code,name,timezone\nKH,Cambodia,Asia/Phnom_Penh,UTC+7\n")
    assert refused.exit_code == 1
    assert "line 2: 1 cell past the header's last column" in refused.output, refused.output

    done = operator.imports("id,name,country,roles\nnew-e,Nina Example,TH,officer;co_chair\n")
    assert done.exit_code == 0, done.output
    assert "new-e,Nina Example,TH,officer;co_chair," in operator.exported()


def test_a_wrong_row_is_named_by_its_own_line_and_emptied_rows_are_skipped(
    tmp_path: Path,
) -> None:
    """Blank lines and a name typed over two lines in one cell (Alt+Enter) shifted the line
    named ("line 3" for a row on line 6); rows of separators only, as a spreadsheet saves
    the rows it emptied, refused the whole import."""
    operator = Operator(tmp_path)
    refused = operator.imports(
        'id,name,country,roles\n\n\nnew-a,A,TH,officer\n\nnew-b,"Two\nLines",XX,officer\n'
    )
    assert refused.exit_code == 1
    said = refused.output
    assert "line 6: " in said and "person 'new-b' has unknown country 'XX'" in said, said
    done = operator.imports("id;name;country;roles\nnew-c;C;TH;officer\n;;;\n;;;\n")
    assert done.exit_code == 0, done.output
    added = "SELECT COUNT(*) FROM people WHERE id = 'new-c'"
    assert execute_on(operator.database, added) == [(1,)]
