"""The ``[channels.slack]`` section of ``bot.toml``: its model and ``parse_options``.

Kept apart from :mod:`adapters.slack` and free of its platform libraries, so that
``focalbot check`` validates the section without importing them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from adapters.options import validated


class SlackOptions(BaseModel):
    """The ``[channels.slack]`` section, checked by ``focalbot check`` and once at start."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    enabled: bool = True
    token_env: str = Field(min_length=1)
    signing_secret_env: str = ""
    app_token_env: str = ""
    base_url: str = "https://slack.com/api/"
    mode: Literal["http", "socket"] = "http"
    host: str = "127.0.0.1"
    port: int = Field(default=3000, ge=0, le=65535)
    path: str = Field(default="/slack/events", pattern=r"^/[\w./-]*$")
    team_id: str = Field(default="", pattern=r"^(T[A-Z0-9]+)?$")
    command: str = Field(default="/focal", pattern=r"^/[a-z0-9_-]{1,31}$")

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError("must be an http(s) URL such as https://slack.com/api/")
        return value if value.endswith("/") else value + "/"


def parse_options(options: Mapping[str, object]) -> SlackOptions:
    """Validate the section; a ConfigError names the offending ``channels.slack`` key."""
    return validated(SlackOptions, options, "slack")
