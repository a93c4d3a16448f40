"""The ``[channels.telegram]`` section of ``bot.toml``: its model and ``parse_options``.

Kept apart from :mod:`adapters.telegram` and free of its platform libraries, so that
``focalbot check`` validates the section without importing them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.config import ChannelSettings
from bot.errors import ConfigError


class TelegramOptions(BaseModel):
    """The ``[channels.telegram]`` section, checked by ``focalbot check`` and at build."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    enabled: bool = True
    token_env: str = Field(min_length=1)
    base_url: str = "https://api.telegram.org/bot"
    base_file_url: str = "https://api.telegram.org/file/bot"
    mode: Literal["polling", "webhook"] = "polling"
    poll_timeout: int = Field(default=30, ge=0, le=50)
    webhook_url: str = ""
    webhook_secret_env: str = ""
    listen: str = "127.0.0.1"
    port: int = Field(default=8443, ge=1, le=65535)

    @field_validator("base_url", "base_file_url", "webhook_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if value and urlsplit(value).scheme not in ("http", "https"):
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value

    def check_webhook(self) -> None:
        """Webhook mode needs the public URL and the secret's variable."""
        if self.mode != "webhook":
            return
        for key in ("webhook_url", "webhook_secret_env"):
            if not getattr(self, key):
                raise ConfigError(f"channels.telegram.{key}: required when mode is 'webhook'")


def parse_options(options: Mapping[str, object]) -> TelegramOptions:
    """Validate the section; a ConfigError names ``channels.telegram.<key>``.

    Keys every channel has (``bot.config.ChannelSettings``) belong to the core and pass
    through; any other unknown key is refused, so a typo does not go unnoticed.
    """
    mine = {
        key: value
        for key, value in options.items()
        if key in TelegramOptions.model_fields or key not in ChannelSettings.model_fields
    }
    try:
        parsed = TelegramOptions.model_validate(mine)
    except ValidationError as exc:
        problems = [
            f"channels.telegram.{'.'.join(str(p) for p in error['loc'])}: "
            f"{error['msg'].removeprefix('Value error, ')}"
            for error in exc.errors()
        ]
        raise ConfigError("\n".join(problems)) from exc
    parsed.check_webhook()
    return parsed
