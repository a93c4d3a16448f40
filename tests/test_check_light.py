"""``focalbot check`` validates every channel section without importing a platform SDK.

Each check runs in its own interpreter: other tests have long since imported the SDKs into
this one, so only a fresh ``sys.modules`` can show what ``check`` itself loads.
"""

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.harness import ROOT, SHIPPED_CONFIG

SDKS = ("telegram", "slack_bolt", "slack_sdk", "linebot", "aiosmtplib", "aioimaplib", "aiosmtpd")
PLATFORM_LIBRARIES = (*SDKS, "aiohttp")  # the webhook channels' HTTP library too

CHECK_IN_PROCESS = f"""
import json, sys
from click.testing import CliRunner
from bot.cli import main

result = CliRunner().invoke(main, ["check", "--config", sys.argv[1]])
loaded = sorted(m for m in sys.modules if m.partition(".")[0] in {PLATFORM_LIBRARIES!r})
print(json.dumps({{"exit_code": result.exit_code, "output": result.output, "loaded": loaded}}))
"""

WRONG = {  # one wrong value or key per channel: (shipped line, its replacement, the key named)
    "telegram": ('mode = "polling"', 'mode = "htp"', "channels.telegram.mode"),
    "slack": ('mode = "http"', 'mode = "sockets"', "channels.slack.mode"),
    "line": ("port = 8081", "port = -5", "channels.line.port"),
    "email": ("smtp_port = 587", 'smtp_port = "eighty"', "channels.email.smtp_port"),
    "whatsapp": ('api_version = "v21.0"', 'api_version = "21"', "channels.whatsapp.api_version"),
    "viber": (
        'sender_name = "FocalPoint"',
        f'sender_name = "{"v" * 29}"',
        "channels.viber.sender_name",
    ),
    "sms": ("max_length = 480", "max_length = 5", "channels.sms.max_length"),
}


def check_alone(config: Path) -> dict[str, object]:
    """``focalbot check`` of ``config`` in a fresh interpreter with no channel token set."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("FOCALBOT_")}
    done = subprocess.run(
        [sys.executable, "-c", CHECK_IN_PROCESS, str(config)],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    report: dict[str, object] = json.loads(done.stdout)
    return report


def test_checking_the_shipped_file_imports_no_platform_library() -> None:
    report = check_alone(SHIPPED_CONFIG)
    assert report["exit_code"] == 0, report["output"]
    assert report["loaded"] == []


def test_the_shipped_file_enables_every_platform_channel() -> None:
    """So the test above really checks each channel's section."""
    from adapters.channels import ADAPTERS
    from bot.config import load_settings

    channels = load_settings(SHIPPED_CONFIG).channels
    assert all(channels[name].enabled for name in ADAPTERS)


def test_wrong_options_are_named_by_key_and_line_without_importing_a_library(
    tmp_path: Path,
) -> None:
    text = SHIPPED_CONFIG.read_text()
    for shipped, wrong, _ in WRONG.values():
        assert text.count(shipped) == 1, shipped
        text = text.replace(shipped, wrong)
    config = tmp_path / "bot.toml"
    config.write_text(text)
    report = check_alone(config)
    assert report["exit_code"] != 0
    lines = text.splitlines()
    for _, wrong, key in WRONG.values():
        where = next(i + 1 for i, line in enumerate(lines) if line.startswith(wrong))
        assert f"bot.toml:{where}: {key}" in str(report["output"]), (key, report["output"])
    assert report["loaded"] == []


@pytest.mark.parametrize("name", list(WRONG))
def test_the_running_channel_parses_its_options_as_check_does(name: str) -> None:
    """The adapter's ``parse_options`` is the very one ``focalbot check`` calls."""
    from adapters.channels import ADAPTERS, options_module

    adapter_module = importlib.import_module(ADAPTERS[name].partition(":")[0])
    assert adapter_module.parse_options is options_module(name).parse_options
