"""The core stays platform-free: nothing in bot/ or reminders/ imports a chat SDK."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLATFORM_SDKS = {"telegram", "slack_bolt", "slack_sdk", "linebot", "aiosmtplib", "aioimaplib"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_core_imports_no_platform_sdk() -> None:
    for package in ("bot", "reminders"):
        for path in (ROOT / package).rglob("*.py"):
            leaked = imported_modules(path) & PLATFORM_SDKS
            assert not leaked, f"{path.relative_to(ROOT)} imports {leaked}"


def test_core_does_not_import_platform_adapters() -> None:
    allowed = {"bot/runner.py", "bot/cli.py"}  # the entry points choose the channels
    for path in (ROOT / "bot").rglob("*.py"):
        if str(path.relative_to(ROOT)) in allowed:
            continue
        assert "adapters" not in imported_modules(path), path


def sql_calls(path: Path) -> list[int]:
    """Lines of ``path`` that run SQL themselves (``….execute(…)``/``….executemany(…)``)."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("execute", "executemany")
    ]


def test_handlers_leave_the_sql_to_their_repositories() -> None:
    """Handlers decide; each domain's repo.py (or a core store module) keeps the SQL."""
    for path in (ROOT / "bot").rglob("*handlers.py"):
        assert not sql_calls(path), f"{path.relative_to(ROOT)} runs SQL at {sql_calls(path)}"


def test_units_see_the_storage_port_not_the_sqlite_library() -> None:
    """Units of work get a Db (either engine); only the storage package knows sqlite-utils."""
    for path in (ROOT / "bot").rglob("*.py"):
        relative = str(path.relative_to(ROOT))
        if relative.startswith("bot/storage/"):
            continue
        assert "sqlite_utils" not in imported_modules(path), relative
