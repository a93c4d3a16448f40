"""Reliability of delivery and lifecycle: restarts on one database, adapters that misbehave,
ports that are taken, reports written atomically, Ctrl-C in the console, and webhook servers
that hold nothing for long.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pty
import select
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from click.testing import CliRunner

from adapters.memory import MemoryAdapter
from adapters.slack import SlackAdapter
from adapters.webhook import Limits, WebhookServer
from bot.app import App
from bot.cli import main
from bot.events import Outbound
from bot.factory import build_app
from bot.ports import Adapter, EventSink, Pacing
from tests.fake_slack import FakeSlack, SlackSide
from tests.harness import SHIPPED_CONFIG, Harness, ManualTimers, database_for, execute_on
from tests.test_slack import ENV, TH_FP, settings_preferring_slack, slack_options

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 10.0  # seconds any single wait in these tests may take


def focalbot(*args: str) -> list[str]:
    """The ``focalbot`` command line as a child process, on the shipped config."""
    return [sys.executable, "-m", "bot.cli", *args, "--config", str(SHIPPED_CONFIG)]


async def until(condition) -> None:  # type: ignore[no-untyped-def]
    """Wait until ``condition()`` holds, failing after ``TIMEOUT`` seconds."""
    for _ in range(int(TIMEOUT / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"not so after {TIMEOUT:g}s")


# --- 1. event ids are unique across runs on one database ---------------------------------
def test_a_second_console_run_on_the_same_database_answers_every_command(tmp_path: Path) -> None:
    scenario = "as au-officer\n/ping first\n/ping second\n"
    for _ in range(2):
        done = subprocess.run(
            focalbot("run", "--database", database_for(tmp_path / "bot.db")),
            input=scenario,
            capture_output=True,
            text=True,
            timeout=60,
            cwd=tmp_path,  # a PostgreSQL database's audit anchors go to the working directory
        )
        assert done.returncode == 0, done.stderr
        assert "[to au-officer via console] pong first" in done.stdout
        assert "[to au-officer via console] pong second" in done.stdout


def test_memory_event_ids_differ_between_adapters() -> None:
    first, second = MemoryAdapter("console"), MemoryAdapter("console")
    assert (
        first.event("au-officer", "/ping").event_id != second.event("au-officer", "/ping").event_id
    )


# --- 2. an unexpected error from send does not kill the chat's delivery ------------------
class Clumsy(MemoryAdapter):
    """A channel whose ``send`` has a defect that shows once."""

    def __init__(self, channel: str) -> None:
        super().__init__(channel, Pacing(max_attempts=3))
        self.defects = 1

    async def send(self, message: Outbound) -> str:
        if self.defects:
            self.defects -= 1
            raise ValueError("a defect in the adapter")
        return await super().send(message)


@pytest.mark.expects_errors
async def test_an_unexpected_send_error_is_logged_retried_and_the_lane_lives_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    bot = await Harness(tmp_path / "bot.db", chat_factory=Clumsy).start()
    chat = bot.chat
    await chat.say("au-officer", "/ping 1")
    await asyncio.wait_for(bot.settle(), TIMEOUT)
    await chat.say("au-officer", "/ping 2")
    await asyncio.wait_for(bot.settle(), TIMEOUT)
    assert chat.to("au-officer") == ["pong 1", "pong 2"]
    assert await bot.rows("SELECT status, attempts FROM outbox ORDER BY id") == [
        ("sent", 2),
        ("sent", 1),
    ]
    [report] = [r for r in caplog.records if r.exc_info and r.exc_info[0] is ValueError]
    assert "unexpected error" in report.getMessage()
    await bot.stop()


# --- 3. a channel that cannot start does not stop the others -----------------------------
@contextlib.contextmanager
def occupied() -> Iterator[socket.socket]:
    """A listening socket holding a local port."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield holder


async def started(tmp_path: Path, adapters: list[Adapter]) -> App:
    chat = MemoryAdapter("console")
    settings = settings_preferring_slack("th-fp")
    app = build_app(settings, [chat, *adapters], ManualTimers(), database_for(tmp_path / "bot.db"))
    app.adapter_retry = 0.05
    await app.start()
    return app


async def ping(app: App, number: int) -> list[str]:
    chat: MemoryAdapter = app.adapters["console"]  # type: ignore[assignment]
    await chat.say("au-officer", f"/ping {number}")
    await asyncio.wait_for(app.idle(), TIMEOUT)
    return chat.to("au-officer")


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    api = await FakeSlack().start()
    yield api
    await api.stop()


@pytest.mark.expects_errors
async def test_a_taken_port_leaves_the_other_channels_running(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    with occupied() as holder:
        port = holder.getsockname()[1]
        slack = SlackAdapter.from_settings(slack_options(fake_slack.base_url, port=port), ENV)
        app = await started(tmp_path, [slack])
        assert await ping(app, 1) == ["pong 1"]  # the console serves while Slack cannot listen
    await until(lambda: slack.port == port)  # port freed: Slack starts in the background
    reply = await SlackSide(f"http://127.0.0.1:{port}/slack/events").command(TH_FP, "ping 2")
    assert reply.status == 200
    await until(lambda: "pong 2" in fake_slack.texts_to(TH_FP))
    await app.stop()


class Broken(MemoryAdapter):
    """A channel whose ``start`` fails with a defect the first time."""

    def __init__(self) -> None:
        super().__init__("slack")
        self.starts = 0

    async def start(self, sink: EventSink) -> None:
        self.starts += 1
        if self.starts == 1:
            raise KeyError("a defect in start")
        await super().start(sink)


@pytest.mark.expects_errors
async def test_an_unexpected_start_error_is_logged_and_retried(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    broken = Broken()
    app = await started(tmp_path, [broken])
    assert await ping(app, 1) == ["pong 1"]
    await until(lambda: broken.starts == 2)
    assert any(r.exc_info and r.exc_info[0] is KeyError for r in caplog.records)
    await app.stop()


# --- 4. report --output is written atomically --------------------------------------------
def test_a_failed_report_leaves_the_old_file_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.reports import render as report_render

    asyncio.run(seeded(tmp_path / "bot.db"))  # the shipped config's period JPA-4
    target = tmp_path / "report.md"
    target.write_text("last week's report")
    target.chmod(0o640)
    args = ["report", "JPA-4", "--output", str(target), "--config", str(SHIPPED_CONFIG)]
    args += ["--database", database_for(tmp_path / "bot.db")]

    def broken(_data: object) -> str:
        raise RuntimeError("renderer crashed")

    with monkeypatch.context() as patch:
        patch.setitem(report_render.RENDERERS, "md", broken)
        failed = CliRunner().invoke(main, args)
    assert failed.exit_code != 0
    assert target.read_text() == "last week's report"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".report")]  # no leftovers
    written = CliRunner().invoke(main, args)
    assert written.exit_code == 0, written.output
    assert target.read_text().startswith("# JPA-4")
    assert target.stat().st_mode & 0o777 == 0o640


async def seeded(database: Path) -> None:
    bot = await Harness(database).start()
    await bot.stop()


# --- 5. Ctrl-C stops the console at once --------------------------------------------------
def read_until(terminal: int, wanted: bytes) -> bytes:
    """What the bot printed on its terminal up to ``wanted`` (within ``TIMEOUT``)."""
    seen, deadline = b"", time.monotonic() + TIMEOUT
    while wanted not in seen:
        assert time.monotonic() < deadline, seen
        if select.select([terminal], [], [], 0.1)[0]:
            seen += os.read(terminal, 4096)
    return seen


def test_ctrl_c_in_the_console_stops_at_once_and_keeps_accepted_work(tmp_path: Path) -> None:
    database = database_for(tmp_path / "bot.db")
    terminal, side = pty.openpty()  # a terminal, as a person at the keyboard has
    bot = subprocess.Popen(
        focalbot("run", "--database", database), stdin=side, stdout=side, cwd=tmp_path
    )
    os.close(side)
    try:
        os.write(terminal, b"as au-officer\n/ping 7\n")
        seen = read_until(terminal, b"pong 7")
        if b"au-officer> " not in seen.partition(b"pong 7")[2]:
            read_until(terminal, b"au-officer> ")  # the console waits for the next line
        bot.send_signal(signal.SIGINT)
        code = bot.wait(timeout=TIMEOUT)
    finally:
        bot.kill()
        os.close(terminal)
    assert code == 0  # as on SIGTERM: a clean stop
    rows = execute_on(database, "SELECT text, status FROM outbox")
    assert rows == [("pong 7", "sent")]


# --- 6. webhook servers hold nothing for long ---------------------------------------------
async def echo(request: web.Request) -> web.Response:
    return web.Response(text=f"{len(await request.read())} bytes")


@pytest.fixture
async def server() -> AsyncIterator[WebhookServer]:
    limits = Limits(max_body=1000, idle_timeout=0.5, read_timeout=0.5, max_connections=3)
    listener = WebhookServer("test", grace=1, limits=limits)
    await listener.start("127.0.0.1", 0, [("POST", "/hook", echo)])
    yield listener
    await listener.stop()


async def connect(server: WebhookServer) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.open_connection("127.0.0.1", server.port)


async def closed_after(reader: asyncio.StreamReader) -> tuple[float, bytes]:
    """Seconds until the server closes the connection, and what it said before."""
    loop = asyncio.get_running_loop()
    began = loop.time()
    said = await asyncio.wait_for(reader.read(), TIMEOUT)
    return loop.time() - began, said


async def test_an_idle_connection_is_closed_within_the_timeout(server: WebhookServer) -> None:
    reader, writer = await connect(server)
    waited, said = await closed_after(reader)
    assert said == b"" and waited < 3
    writer.close()


async def test_a_request_trickling_in_is_cut_off(server: WebhookServer) -> None:
    reader, writer = await connect(server)
    writer.write(b"POST /hook HTTP/1.1\r\nHost: x\r\n")  # the headers never end
    waited, _ = await closed_after(reader)
    assert waited < 3
    reader, writer = await connect(server)
    writer.write(b"POST /hook HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly ten..")
    waited, said = await closed_after(reader)  # the body never ends
    assert said.startswith(b"HTTP/1.1 408") and waited < 3


async def test_a_large_body_is_refused_before_it_is_sent(server: WebhookServer) -> None:
    reader, writer = await connect(server)
    writer.write(b"POST /hook HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n")
    _, said = await closed_after(reader)  # not one byte of the 100 MB was sent
    assert said.startswith(b"HTTP/1.1 413")
    url = f"http://127.0.0.1:{server.port}/hook"
    async with aiohttp.ClientSession() as session, session.post(url, data=b"x" * 900) as r:
        assert (r.status, await r.text()) == (200, "900 bytes")  # within the cap: served


async def test_connections_over_the_cap_are_refused(server: WebhookServer) -> None:
    held = [await connect(server) for _ in range(3)]
    await asyncio.sleep(0.05)  # let the server register them
    reader, _ = await connect(server)
    waited, said = await closed_after(reader)
    assert said == b"" and waited < 0.4  # at once, not after the idle timeout
    for _, writer in held:
        writer.close()


async def test_a_submitter_cancelled_mid_event_does_not_cut_the_event_short(
    tmp_path: Path,
) -> None:
    """An adapter that waits for its event's commit has the event handled in its own turn of
    the loop; if it is cancelled meanwhile (a client hung up), the event still commits and
    its answers still go out: a task of the app's finishes it, not the submitter's."""
    bot = await Harness(tmp_path / "bot.db").start()
    assert bot.app is not None
    event = bot.chat.event("au-officer", "/request TH routine Vessel registry extract please")
    submitting = asyncio.create_task(bot.app.submit(event))
    await asyncio.sleep(0)  # it runs up to the store (a /request is not quick: the thread)
    assert not submitting.done()
    submitting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await submitting
    await asyncio.wait_for(bot.settle(), TIMEOUT)
    assert bot.last("au-officer").startswith("Request R-2026-0001 sent to Thailand")
    assert "R-2026-0001" in bot.last("th-fp")
    assert {s for (s,) in await bot.rows("SELECT status FROM outbox")} == {"sent"}
    await bot.stop()
