"""Report files on Slack: ``/focal report chart`` and ``/focal report xlsx`` reach a co-chair
as files in their direct message (slack-sdk's ``files_upload_v2``: an upload URL, the bytes,
the completion that shares the file), through slack-bolt with signed requests against the
fake Web API; a failed upload is retried or given up like any failed send."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from matplotlib import image
from openpyxl import load_workbook

from adapters.slack import SlackAdapter
from bot.errors import PermanentError, RateLimited, TransientError
from bot.events import Attachment, Outbound
from tests.fake_slack import FakeSlack, SlackSide, Upload
from tests.harness import Harness, shipped_settings
from tests.test_report import SMALL_JPA
from tests.test_slack import ENV, World, slack_options

COCHAIR = "U0NZCOCHAIR"  # Slack's ids are longer than the shipped directory's examples
DM = "D0NZCOCHAIR"  # the fake opens a user's DM as D + the rest of their id


def cochair_on_slack():  # type: ignore[no-untyped-def]
    base = shipped_settings(periods=(SMALL_JPA,))
    people = tuple(
        p.model_copy(update={"preferred_channel": "slack", "identities": {"slack": COCHAIR}})
        if p.id == "nz-cochair"
        else p
        for p in base.people
    )
    return base.model_copy(update={"people": people})


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    api = await FakeSlack().start()
    adapter = SlackAdapter.from_settings(slack_options(api.base_url), ENV)
    bot = Harness(tmp_path / "bot.db", cochair_on_slack(), [adapter])
    await bot.start()
    slack = SlackSide(f"http://127.0.0.1:{adapter.port}/slack/events")
    yield World(bot, adapter, api, slack)
    await bot.stop()
    await api.stop()


async def shared_file(world: World, command: str) -> Upload:
    """The co-chair types ``/focal <command>`` in their DM; return the one file shared."""
    reply = await world.slack.command(COCHAIR, command)
    assert reply.status == 200, reply
    [upload] = await world.api.wait_for(world.api.shared, within=30)
    await world.settle()
    return upload


async def test_chart_is_uploaded_as_a_png_into_the_direct_message(world: World) -> None:
    upload = await shared_file(world, "report chart JPA-9")
    assert upload.channel == DM and upload.filename.endswith(".png")
    assert "JPA-9: figures by country" in upload.caption and not upload.initial_comment
    assert upload.content is not None and len(upload.content) > 10_000
    pixels = image.imread(io.BytesIO(upload.content), format="png")
    assert pixels.shape[1] >= 800 and pixels[..., :3].std() > 0.05  # drawn, not blank
    [announced] = world.api.of("files.getUploadURLExternal")
    assert int(announced["length"]) == len(upload.content)
    assert not any("cannot be sent on this channel" in t for t in world.api.texts_to(DM))
    [status] = await world.bot.rows("SELECT status FROM outbox WHERE channel = 'slack'")
    assert status == ("sent",)


async def test_workbook_is_uploaded_as_a_file(world: World) -> None:
    upload = await shared_file(world, "report xlsx JPA-9")
    assert upload.filename.endswith(".xlsx") and upload.channel == DM
    assert upload.content is not None
    book = load_workbook(io.BytesIO(upload.content))
    assert book.sheetnames[:2] == ["Summary", "By country"] and "Status" in book.sheetnames


async def test_a_failed_upload_is_sent_again(world: World) -> None:
    world.api.fail_next("upload", status=500)  # the bytes did not arrive: a transient error
    upload = await shared_file(world, "report chart JPA-9")
    assert upload.content is not None and len(upload.content) == upload.length
    assert len(world.api.of("files.getUploadURLExternal")) == 2  # a fresh URL for the retry
    [(status, attempts)] = await world.bot.rows(
        "SELECT status, attempts FROM outbox WHERE channel = 'slack'"
    )
    assert status == "sent" and attempts == 2


async def test_an_upload_slack_refuses_is_given_up(world: World) -> None:
    world.api.fail_next("files.completeUploadExternal", error="file_uploads_disabled")
    reply = await world.slack.command(COCHAIR, "report chart JPA-9")
    assert reply.status == 200

    async def failed() -> list[tuple]:  # type: ignore[type-arg]
        sql = "SELECT status, error FROM outbox WHERE channel = 'slack' AND status = 'failed'"
        return await world.bot.rows(sql)

    async with asyncio.timeout(30):
        while not (rows := await failed()):
            await world.settle()
    [(_, error)] = rows
    assert "file_uploads_disabled" in error
    assert world.api.shared() == []


@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        ({"method": "upload", "status": 500}, TransientError),
        ({"method": "files.getUploadURLExternal", "status": 429, "retry_after": "7"}, RateLimited),
        ({"method": "files.completeUploadExternal", "error": "channel_not_found"}, PermanentError),
        ({"method": "files.completeUploadExternal", "status": 503}, TransientError),
    ],
)
async def test_upload_failures_map_to_the_adapter_errors(
    tmp_path: Path, failure: dict[str, object], expected: type[Exception]
) -> None:
    api = await FakeSlack().start()
    adapter = SlackAdapter.from_settings(slack_options(api.base_url), ENV)
    chart = tmp_path / "chart.png"
    chart.write_bytes(b"\x89PNG\r\n\x1a\n" + b"x" * 2048)
    message = Outbound(
        1, "slack", COCHAIR, "JPA-9 chart", attachment=Attachment(str(chart), "c.png", "image/png")
    )
    try:
        api.fail_next(**failure)  # type: ignore[arg-type]
        with pytest.raises(expected) as raised:
            await adapter.send(message)
        if expected is RateLimited:
            assert raised.value.retry_after == 7.0  # type: ignore[attr-defined]
        assert api.shared() == []
        chart.unlink()  # a file that is gone cannot be sent, however often tried
        with pytest.raises(PermanentError, match="gone"):
            await adapter.send(message)
    finally:
        await api.stop()
