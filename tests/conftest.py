"""Shared fixtures. Platform env vars are cleared so no test reaches a real service."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest

from tests.harness import Harness

for _name in list(os.environ):
    if _name.startswith(("SLACK_", "FOCALBOT_")):
        del os.environ[_name]
os.environ["NO_PROXY"] = "127.0.0.1,localhost"
os.environ["no_proxy"] = "127.0.0.1,localhost"


@pytest.fixture
async def bot(tmp_path) -> AsyncIterator[Harness]:  # type: ignore[no-untyped-def]
    """The shipped configuration running on a fresh database."""
    harness = Harness(tmp_path / "bot.db")
    await harness.start()
    yield harness
    await harness.stop()
