"""The ``[channels.line]`` section of ``bot.toml``: its model and ``parse_options``.

Kept apart from :mod:`adapters.line` and free of its platform libraries, so that
``focalbot check`` validates the section without importing them.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field

from adapters.options import validated


class LineOptions(BaseModel):
    """The ``[channels.line]`` section, checked by ``focalbot check`` and at build."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    enabled: bool = True
    token_env: str = Field(min_length=1)
    secret_env: str = Field(min_length=1)
    api_host: str = Field(default="https://api.line.me", pattern=r"^https?://[^/\s]+")
    host: str = "127.0.0.1"
    port: int = Field(default=8081, ge=0, le=65535)
    path: str = Field(default="/line/webhook", pattern=r"^/[\w./-]*$")


def parse_options(options: Mapping[str, object]) -> LineOptions:
    """Validate the section; a ConfigError names ``channels.line.<key>``."""
    return validated(LineOptions, options, "line")
