"""The console channel: try every feature in a terminal, or script a scenario through a pipe.

Type ``as <person-id>`` to speak as anyone in the directory, then commands as they would.
Every message the bot sends to anyone through this channel prints as
``[to <person> via console] …``. ``time +30m`` moves the bot's clock forward (to see
escalations) and ``wait`` lets queued work finish. At end of input the console finishes
what it started and ends.
"""

from __future__ import annotations

import asyncio
import itertools
import shutil
import sys
import tempfile
import threading
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TextIO

from adapters.buttons import typed_lines
from adapters.local_files import local_file, read_local
from bot.config import parse_duration
from bot.events import ChatRef, IncomingFile, Outbound, Sender, TextMessage
from bot.i18n import Text, _, n_
from bot.ports import Adapter, EventSink

CONSOLE_HELP = _(
    "Console: `as <person-id>` to speak as someone (e.g. `as th-fp`), then commands\n"
    "such as /help. `people` lists who you can be; `time` shows the clock and `time +30m` "
    "moves it\nforward; `wait` lets queued work finish; `quit` (or end of input) ends. A file "
    "goes with a\ncommand as `+file <path>` at the end: "
    "`/attach R-2026-0001 +file ~/crew-list.pdf`."
)
FILE_MARK = " +file "

Advance = Callable[[timedelta], Awaitable[int]]
Idle = Callable[[], Awaitable[None]]


class ConsoleAdapter(Adapter):
    """Reads lines from ``stdin``, prints outbound messages on ``stdout``."""

    channel = "console"
    sends_files = True  # prints the file's path
    sends_at_once = True  # prints to the terminal

    def __init__(
        self,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        people: Callable[[], list[tuple[str, Text]]] | None = None,
        advance: Advance | None = None,
        idle: Idle | None = None,
        speaker: str = "",
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.stdin, self.stdout = stdin or sys.stdin, stdout or sys.stdout
        self._people, self._advance, self._idle = people, advance, idle
        self._now = now  # the bot's (simulated) clock, which `time` alone shows
        self.speaker = speaker
        self.finished = asyncio.Event()
        self._reader: asyncio.Task[None] | None = None
        self._ids = itertools.count(1)
        self._run = uuid.uuid4().hex[:8]  # ids stay unique across runs on one database
        self._interactive = self.stdin.isatty()
        # files received on the console are kept decrypted while it runs, in a folder of
        # this run's own (a fixed shared path could be planted or read by another account)
        self.downloads: Path | None = None

    async def start(self, sink: EventSink) -> None:
        self._say(CONSOLE_HELP if self._interactive else "")
        self._reader = asyncio.create_task(self._read(sink), name="console-reader")

    async def stop(self) -> None:
        if self._reader and not self._reader.done():
            self._reader.cancel()
        if self.downloads is not None:  # no decrypted copy outlives the console
            await asyncio.to_thread(shutil.rmtree, self.downloads, True)
            self.downloads = None
        self.finished.set()

    async def send(self, message: Outbound) -> str:
        text = message.text.replace("\n", "\n    ")
        self._print(f"[to {message.address} via {self.channel}] {text}")
        # isolated for a right-to-left reader, so the command shows as it is typed
        for line in typed_lines(message.buttons, "/", self.language_of(message.person_id)):
            self._print(f"    ↳ {line}")
        file = message.attachment
        if file and file.blob:  # the decrypted copy is deleted after the send: keep one
            if self.downloads is None:
                self.downloads = Path(tempfile.mkdtemp(prefix="focalpoint-console-"))  # 0700
            path = await asyncio.to_thread(_keep, Path(file.path), self.downloads, file.filename)
            self._print(f"    📎 {file.filename}: {path} (until the console stops)")
        elif file:  # a terminal shows where the file is, to open it there
            self._print(f"    📎 {file.filename}: {file.path}")
        return f"console-{message.id}"

    def fetch_file(self, file: IncomingFile) -> AsyncIterator[bytes]:
        """A file typed as ``+file <path>``."""
        return read_local(file)

    def _print(self, text: str) -> None:
        if text:
            print(text, file=self.stdout, flush=True)

    def _say(self, text: Text) -> None:
        """Print the console's own words in the language of whoever is speaking."""
        self._print(
            self.for_reader(text, Sender(self.channel, self.speaker) if self.speaker else None)
        )

    async def _read(self, sink: EventSink) -> None:
        lines = self._pump()
        try:
            while True:
                if self._interactive:
                    self._print_prompt()
                line = await lines.get()
                if not line or line.strip() in ("quit", "exit"):
                    break
                await self._handle(line.strip(), sink)
            await self._settle()
        finally:
            self.finished.set()

    def _pump(self) -> asyncio.Queue[str]:
        """Lines of ``stdin`` ('' at its end), read by a daemon thread.

        Not ``asyncio.to_thread``: the executor is joined at exit, so a thread blocked on
        ``readline`` would hold up Ctrl-C or SIGTERM until the user pressed Enter.
        """
        lines: asyncio.Queue[str] = asyncio.Queue()
        loop = asyncio.get_running_loop()

        def pump() -> None:
            try:
                for line in iter(self.stdin.readline, ""):
                    loop.call_soon_threadsafe(lines.put_nowait, line)
                loop.call_soon_threadsafe(lines.put_nowait, "")
            except (RuntimeError, ValueError):
                return  # the loop or stdin closed while reading: the bot is stopping

        threading.Thread(target=pump, name="console-stdin", daemon=True).start()
        return lines

    def _print_prompt(self) -> None:
        print(f"{self.speaker or '(nobody)'}> ", end="", file=self.stdout, flush=True)

    async def _handle(self, line: str, sink: EventSink) -> None:
        if not line or line.startswith("#"):
            return
        if not self._interactive:
            self._print(f"{self.speaker or '(nobody)'}> {line}")
        word, _sep, rest = line.partition(" ")
        local = {
            "as": self._become,
            "time": self._move_time,
            "people": self._list_people,
            "wait": self._wait,
            "help": self._help,
        }.get(word.lower())
        if local is not None and not line.startswith("/"):
            await local(rest.strip())
            return
        if not self.speaker:
            self._say(_("Say who you are first: `as <person-id>` (try `people`)."))
            return
        line, *paths = line.split(FILE_MARK)
        event = TextMessage(
            f"c{self._run}-{next(self._ids)}",
            Sender(self.channel, self.speaker),
            ChatRef(self.channel, self.speaker, True),
            line.strip(),
            files=tuple(local_file(p.strip()) for p in paths if p.strip()),
        )
        await sink(event)
        await self._settle()

    async def _settle(self) -> None:
        if self._idle is not None:
            try:
                await asyncio.wait_for(self._idle(), timeout=5)
            except TimeoutError:
                self._say(_("(still delivering on other channels; carrying on)"))

    async def _become(self, person_id: str) -> None:
        known = dict(self._people()) if self._people else {}
        if person_id.lower() not in known:
            self._say(
                _(
                    "No one called {name} in the directory. `people` lists them.",
                    name=repr(person_id),
                )
            )
            return
        self.speaker = person_id.lower()
        self._say(_("(you are now {person})", person=known[self.speaker]))

    async def _move_time(self, amount: str) -> None:
        if not amount:
            self._show_time()
            return
        if self._advance is None:
            self._say(_("The clock cannot be moved in this setup."))
            return
        try:
            delta = parse_duration(amount.lstrip("+"))
        except ValueError as exc:
            self._say(_("{problem}. Try `time +31m`.", problem=str(exc)))
            return
        fired = await self._advance(delta)
        moved = amount.lstrip("+")
        self._say(
            n_(
                "(clock moved forward {amount}; {count} timer fired)",
                "(clock moved forward {amount}; {count} timers fired)",
                fired,
                amount=moved,
            )
        )
        await self._settle()

    def _show_time(self) -> None:
        if self._now is None:
            self._say(_("The clock is not shown in this setup. `time +30m` moves it."))
            return
        reads = f"{self._now():%Y-%m-%d %H:%M}"  # as `time` takes it: a readout, not prose
        self._say(_("(the clock reads {time} UTC; `time +30m` moves it)", time=reads))

    async def _list_people(self, _rest: str) -> None:
        for person_id, label in self._people() if self._people else []:
            self._print(f"  {person_id:<14} {self.for_reader(label)}")

    async def _wait(self, _rest: str) -> None:
        await self._settle()

    async def _help(self, _rest: str) -> None:
        self._say(CONSOLE_HELP)


def _keep(source: Path, folder: Path, name: str) -> Path:
    """A copy of a received file in ``folder``, readable by its owner only."""
    target = folder / Path(name).name
    shutil.copyfile(source, target)
    target.chmod(0o600)
    return target
