"""A report file asked for in chat is drawn when it is sent, off the store: drawn inside the
command's unit, a chart (a second or two at a real period's size) held the store's
transaction, and every other person's message waited behind it."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

import bot.reports.chart as chart
from bot.events import Attachment
from tests.test_report import enter_small_jpa, report_file


async def test_others_are_answered_while_a_chart_is_drawn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = await enter_small_jpa(tmp_path)
    drawing, may_finish = threading.Event(), threading.Event()
    real = chart.to_png

    def slow(data):  # type: ignore[no-untyped-def]
        drawing.set()
        may_finish.wait(timeout=20)
        return real(data)

    monkeypatch.setattr(chart, "to_png", slow)
    asked = asyncio.create_task(bot.say("nz-cochair", "/report chart JPA-9"))
    try:
        assert await asyncio.to_thread(drawing.wait, 20), "the chart was never drawn"
        before = len(bot.chat.sent)
        # someone else's command is committed and answered while the chart is being drawn
        await asyncio.wait_for(bot.app.submit(bot.chat.event("au-officer", "/ping 5")), 5)
        # (its chat has nothing else waiting: the answer went in the same turn as the commit)
        assert [d.message.text for d in bot.chat.sent[before:]] == ["pong 5"]
    finally:
        may_finish.set()
    [caption] = await asyncio.wait_for(asked, 30)
    [attachment] = [
        d.message.attachment
        for d in bot.chat.sent
        if d.message.text == caption and d.message.attachment is not None
    ]
    assert attachment.photo and attachment.mime == "image/png"
    drawn = await asyncio.to_thread(Path(attachment.path).read_bytes)
    assert drawn.startswith(b"\x89PNG")


async def test_a_workbook_is_made_when_sent_and_kept_in_the_reports_folder(
    tmp_path: Path,
) -> None:
    bot = await enter_small_jpa(tmp_path)
    attachment = await report_file(bot, "/report xlsx JPA-9")
    made = Path(attachment.path)
    assert (await asyncio.to_thread(made.read_bytes)).startswith(b"PK")  # a zip: the workbook
    assert made.parent.name.endswith(".reports") and made.name == attachment.filename
    stored = await bot.app.store.run(
        lambda db: db.execute(
            "SELECT attachment FROM outbox WHERE attachment IS NOT NULL"
        ).fetchone()[0]
    )
    kept = Attachment.from_json(stored)
    assert kept is not None and kept.report == "JPA-9 xlsx" and kept.path == ""


async def test_a_file_that_cannot_be_made_is_said_at_once_and_frees_the_chat(
    tmp_path: Path,
) -> None:
    """Its folder cannot be written (here: a path under a file): the asker reads why at once,
    and their next command is answered (retried, the chat was held for minutes, the report
    then failing unsaid)."""
    from bot.config import ReportSettings

    (tmp_path / "not-a-folder").write_text("a file", encoding="utf-8")
    folder = tmp_path / "not-a-folder" / "reports"
    bot = await enter_small_jpa(tmp_path, reports=ReportSettings(directory=str(folder)))
    [answer] = await asyncio.wait_for(bot.say("nz-cochair", "/report chart JPA-9"), 20)
    assert answer.startswith("JPA-9: figures by country")
    assert answer.endswith(".png could not be made; please ask for it again.)")
    assert await asyncio.wait_for(bot.say("nz-cochair", "/ping 2"), 5) == ["pong 2"]


def test_two_chats_sent_one_report_file_at_once_both_get_it_whole(tmp_path: Path) -> None:
    """Two co-chairs asking in the same second get files of the same name, made on threads
    at once: each is written under a temporary name of its own before it takes its name."""
    from concurrent.futures import ThreadPoolExecutor

    from bot.reports.files import save

    body = b"\x89PNG" + bytes(200_000)

    def made(_: int) -> int:
        return len(Path(save(tmp_path, "JPA-9-chart.png", body, "image/png").path).read_bytes())

    with ThreadPoolExecutor(4) as pool:
        assert set(pool.map(made, range(100))) == {len(body)}
    assert [p.name for p in tmp_path.iterdir()] == ["JPA-9-chart.png"]  # nothing left behind


def test_a_refused_connection_never_shows_the_password() -> None:
    """libpq quotes the part of a URL it cannot read: here, the password."""
    from bot.errors import StoreUnavailable
    from bot.storage.postgres import PostgresStore

    for url in (
        "postgresql://bot:50%off!@127.0.0.1:1/focal",
        "postgresql://bot:s3cret%zz@127.0.0.1:1/focal",
    ):
        with pytest.raises(StoreUnavailable) as refused:
            PostgresStore(url).read(lambda conn: None)
        said = str(refused.value)
        secret = url.split(":")[2].split("@")[0]
        assert secret not in said and "off!" not in said and "zz" not in said, said
