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
