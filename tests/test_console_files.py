"""A file received on the console is kept decrypted only while the console runs, in a folder
of its own run (a fixed shared path in /tmp could be planted or read by another account)."""

from __future__ import annotations

import io
import re
import stat
from pathlib import Path

from adapters.console import ConsoleAdapter
from bot.events import Attachment, Outbound


async def test_a_received_file_is_private_to_the_run_and_gone_after_it(tmp_path: Path) -> None:
    decrypted = tmp_path / "export.pdf"  # what the outbox decrypts for the send
    decrypted.write_bytes(b"%PDF-1.4 crew list")
    out = io.StringIO()
    console = ConsoleAdapter(stdin=io.StringIO(""), stdout=out)
    file = Attachment(str(decrypted), "crew.pdf", "application/pdf", blob="ab" * 32, size=18)
    await console.send(Outbound(1, "console", "th-fp", "R-2026-0001 · a file", attachment=file))
    [shown] = re.findall(r"📎 crew\.pdf: (\S+) \(until the console stops\)", out.getvalue())
    kept = Path(shown)
    assert kept.parent.name.startswith("focalpoint-console-")  # this run's own folder
    assert state(kept) == (b"%PDF-1.4 crew list", 0o600, 0o700)
    await console.stop()
    assert state(kept) is None and not kept.parent.exists()


def state(path: Path) -> tuple[bytes, int, int] | None:
    """The file's bytes and modes (its own, its folder's); None once it is gone."""
    if not path.exists():
        return None
    modes = (stat.S_IMODE(p.stat().st_mode) for p in (path, path.parent))
    return (path.read_bytes(), *modes)
