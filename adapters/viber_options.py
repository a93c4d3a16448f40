"""The ``[channels.viber]`` section of ``bot.toml``: its model and ``parse_options``.

Kept apart from :mod:`adapters.viber` and free of its platform libraries, so that
``focalbot check`` validates the section without importing them.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from adapters.options import validated


class ViberOptions(BaseModel):
    """The ``[channels.viber]`` section, checked by ``focalbot check`` and at build."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    enabled: bool = True
    token_env: str = Field(min_length=1)
    api_url: str = "https://chatapi.viber.com/pa/"
    webhook_url: str = Field(min_length=1)
    host: str = "127.0.0.1"
    port: int = Field(default=8082, ge=0, le=65535)
    sender_name: str = Field(default="FocalPoint", min_length=1, max_length=28)
    per_user_interval: float = Field(default=1.0, ge=0)
    messages_per_second: float = Field(default=10.0, ge=0)

    @field_validator("api_url", "webhook_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if urlsplit(value).scheme not in ("http", "https") or not urlsplit(value).netloc:
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value

    @property
    def path(self) -> str:
        """Where the webhook is served: the path of the public URL."""
        return urlsplit(self.webhook_url).path or "/"


def parse_options(options: Mapping[str, object]) -> ViberOptions:
    """Validate the section; a ConfigError names ``channels.viber.<key>``."""
    return validated(ViberOptions, options, "viber")
