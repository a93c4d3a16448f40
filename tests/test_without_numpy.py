"""The store and the workbook writer load without numpy, which stays importable for charts."""

from __future__ import annotations

import subprocess
import sys

from tests.harness import ROOT

PROBE = """
import sys
import bot.storage, bot.reports.xlsx
print(sys.modules.get("numpy") is None, sys.modules.get("pandas") is None)
import numpy
print(numpy.__name__)
"""


def test_store_and_workbook_writer_do_not_load_numpy() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True", "numpy"]
