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
    assert kept.read_bytes() == b"%PDF-1.4 crew list"
    assert stat.S_IMODE(kept.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert kept.parent.name.startswith("focalpoint-console-")  # this run's own folder
    await console.stop()
    assert not kept.exists() and not kept.parent.exists()
