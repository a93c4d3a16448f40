"""Importing libraries that load numpy (and pandas) only to recognise their number types.

sqlite-utils and openpyxl both import numpy if it is installed, to map numpy's types when they
infer a column type or write a cell. FocalPoint never hands them numpy values, and numpy costs
~14 MiB and ~60 ms at every import; it stays importable for what needs it (charts).
"""

from __future__ import annotations

import importlib
import sys

HIDDEN = ("numpy", "pandas")


def import_without_numpy(name: str) -> None:
    """Import module ``name`` while ``import numpy`` (and pandas) fails, unless one of them is
    loaded already (then the library may as well use it) or ``name`` is loaded already."""
    if name in sys.modules or any(sys.modules.get(h) is not None for h in HIDDEN):
        return
    hidden = {h: sys.modules.get(h, ...) for h in HIDDEN}
    for h in HIDDEN:
        sys.modules[h] = None  # type: ignore[assignment]  # "import numpy" fails meanwhile
    try:
        importlib.import_module(name)
    finally:
        for h, module in hidden.items():
            if module is ...:
                del sys.modules[h]
            else:
                sys.modules[h] = module
