"""``focalbot report`` in a format other than xlsx does not import openpyxl (~0.2–0.4 s);
the workbook writer, once asked for, still loads it without numpy."""

from __future__ import annotations

import subprocess
import sys

from tests.harness import ROOT

WITHOUT_WORKBOOK = """
import sys
import bot.cli
from bot.reports.figures import load_report
from bot.reports.render import RENDERERS
from bot.reports.xlsx import XLSX_MIME, to_xlsx
print("openpyxl" in sys.modules)
"""

WORKBOOK = """
import sys
from bot.reports.workbook import STATUS_FILLS
print("openpyxl" in sys.modules, sys.modules.get("numpy") is None, len(STATUS_FILLS))
"""


def probe(code: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_the_report_command_imports_no_openpyxl_until_a_workbook_is_made() -> None:
    assert probe(WITHOUT_WORKBOOK) == ["False"]


def test_the_workbook_writer_loads_openpyxl_without_numpy() -> None:
    assert probe(WORKBOOK) == ["True", "True", "6"]
