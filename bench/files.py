"""Files: one 10 MB document relayed end to end, from an officer on Telegram to a focal point
on Slack, through the real adapters and the encrypted store.

The fake Bot API and the fake Slack Web API run in their own process (their copies of the file
are not counted as the bot's). The officer's document arrives as a Telegram update with
``/request TH …`` as its caption; the bot fetches it (getFile, then the file URL, streamed),
encrypts it into the blob store, commits the request, decrypts the file to a temporary copy and
uploads it to Slack with ``files_upload_v2``. Reported: seconds from the update being
available to the upload being recorded as sent, throughput, whether Slack received exactly
the bytes sent, and the bot process's peak RSS before and after the relay (the growth shows
how often the file was held whole in memory).

    .venv/bin/python bench/files.py [--mb 10] [--runs 3] [--json FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import subprocess
import sys
import tempfile
import time

from common import ROOT, NoTimers, main, peak_rss_mib, temp_db

from adapters.slack import SlackAdapter
from adapters.telegram import TelegramAdapter
from bot.config import Settings, load_settings
from bot.factory import build_app
from bot.files.blobs import new_key

OFFICER = 300020
TH_SLACK = "U0THFOCAL1"
SLACK_TOKEN = "xoxb-test-token"
SIGNING = "bench-signing-secret"


def document(mb: float) -> bytes:
    """A PDF of ``mb`` MiB that does not compress (so nothing is smaller than it looks)."""
    body = b"%PDF-1.4\n%" + os.urandom(int(mb * 1024 * 1024) - 32) + b"\n%%EOF\n"
    return body


async def serve(mb: float) -> None:
    """The fakes' process: print the ports, wait for "go", queue the officer's document,
    then print what Slack received once it is shared."""
    from tests.fake_slack import FakeSlack
    from tests.fake_telegram import FakeTelegram

    telegram = await FakeTelegram(limits=False).start()
    slack = await FakeSlack().start()
    print(f"ready {telegram.port} {slack.port}", flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.readline)  # "go"
    body = document(mb)
    digest = hashlib.sha256(body).hexdigest()
    telegram.media(OFFICER, body, "document", "/request TH Ledger scan", "ledger.pdf")
    del body
    shared = await slack.wait_for(lambda: [u for u in slack.shared() if u.content], within=600)
    received = shared[0].content or b""
    same = hashlib.sha256(received).hexdigest() == digest
    print(f"shared {len(received)} {int(same)}", flush=True)
    await loop.run_in_executor(None, sys.stdin.readline)  # "stop"
    await telegram.stop()
    await slack.stop()


def settings() -> Settings:
    base = load_settings(ROOT / "bot.toml")
    people = []
    for p in base.people:
        if p.id == "au-officer":
            p = p.model_copy(update={"preferred_channel": "telegram"})
        elif p.id == "th-fp":
            p = p.model_copy(
                update={"preferred_channel": "slack", "identities": {"slack": TH_SLACK}}
            )
        people.append(p)
    quiet = base.quiet_hours.model_copy(update={"default": ""})
    audit = base.audit.model_copy(update={"anchor_daily": False})
    files = base.files.model_copy(update={"directory": tempfile.mkdtemp(prefix="fp-bench-files-")})
    return base.model_copy(
        update={"people": tuple(people), "quiet_hours": quiet, "audit": audit, "files": files}
    )


def start_fakes(mb: float) -> subprocess.Popen[str]:
    """The fakes in their own process, so their copies of the file are not the bot's."""
    return subprocess.Popen(
        [sys.executable, __file__, "--serve", "--mb", str(mb)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


async def run(args: argparse.Namespace) -> dict[str, float]:
    os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
    os.environ["FOCALBOT_FILES_KEY"] = new_key()
    fakes = start_fakes(args.mb)
    assert fakes.stdin is not None and fakes.stdout is not None
    try:
        _, tg_port, slack_port = fakes.stdout.readline().split()
        return await measure(fakes, int(tg_port), int(slack_port))
    finally:
        fakes.kill()
        fakes.wait(timeout=10)


async def measure(fakes: subprocess.Popen[str], tg_port: int, slack_port: int) -> dict[str, float]:
    assert fakes.stdin is not None and fakes.stdout is not None
    base = f"http://127.0.0.1:{tg_port}"
    telegram = TelegramAdapter.from_settings(
        {
            "token_env": "T",
            "base_url": f"{base}/bot",
            "base_file_url": f"{base}/file/bot",
            "poll_timeout": 1,
        },
        {"T": "123456:TEST-fake-token-for-tests"},
    )
    slack = SlackAdapter.from_settings(
        {
            "token_env": "S",
            "signing_secret_env": "G",
            "base_url": f"http://127.0.0.1:{slack_port}/api/",
            "port": 0,
            "team_id": "T0FOCAL",
        },
        {"S": SLACK_TOKEN, "G": SIGNING},
    )
    app = build_app(settings(), [telegram, slack], NoTimers(), temp_db())
    await app.start()
    await app.idle()
    rss_before = peak_rss_mib()
    started = time.perf_counter()
    fakes.stdin.write("go\n")
    fakes.stdin.flush()
    while True:  # until the upload to Slack is recorded as sent
        rows = await app.store.run(
            lambda db: db.execute(
                "SELECT status FROM outbox WHERE channel = 'slack' AND attachment IS NOT NULL"
            ).fetchall()
        )
        if rows and rows[0][0] in ("sent", "failed"):
            break
        await asyncio.sleep(0.01)
    seconds = time.perf_counter() - started
    line = await asyncio.to_thread(fakes.stdout.readline)
    _, size, same = line.split()
    fakes.stdin.write("stop\n")
    fakes.stdin.flush()
    await app.stop()
    mib = int(size) / 1024 / 1024
    return {
        "file_mib": mib,
        "seconds_end_to_end": seconds,
        "mib_per_s": mib / seconds,
        "bytes_identical": float(same),
        "delivered": 1.0 if rows[0][0] == "sent" else 0.0,
        "peak_rss_before_mib": rss_before,
        "peak_rss_after_mib": peak_rss_mib(),
        "peak_rss_growth_mib": peak_rss_mib() - rss_before,
    }


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--mb", type=float, default=10.0, help="size of the file in MiB")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)


if __name__ == "__main__":
    if "--serve" in sys.argv:  # the fakes' own process (see serve)
        mb = float(sys.argv[sys.argv.index("--mb") + 1]) if "--mb" in sys.argv else 10.0
        asyncio.run(serve(mb))
    else:
        main("Files: a 10 MB document from Telegram to Slack", run, options)
