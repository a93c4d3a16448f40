"""The ``[channels.sms]`` section of ``bot.toml``: its model and ``parse_options``.

Kept apart from :mod:`adapters.sms` and free of its platform libraries, so that
``focalbot check`` validates the section without importing them.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from adapters.options import validated
from bot.errors import ConfigError


class SmsOptions(BaseModel):
    """The ``[channels.sms]`` section, checked by ``focalbot check`` and at build."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    enabled: bool = True
    token_env: str = Field(min_length=1)
    account_sid_env: str = Field(min_length=1)
    api_url: str = "https://api.twilio.com"
    from_number: str = Field(default="", pattern=r"^(\+[1-9]\d{6,14})?$")
    messaging_service_sid: str = Field(default="", pattern=r"^(MG[0-9a-fA-F]{32})?$")
    webhook_url: str = Field(min_length=1)
    host: str = "127.0.0.1"
    port: int = Field(default=8083, ge=0, le=65535)
    max_length: int = Field(default=480, ge=70, le=1400)
    per_user_interval: float = Field(default=1.0, ge=0)
    messages_per_second: float = Field(default=1.0, ge=0)

    @field_validator("api_url", "webhook_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
            raise ValueError(f"{value!r} is not an http(s) URL without a query string")
        return value  # kept exactly: the provider signs the very URL it was given

    @property
    def status_url(self) -> str:
        """Where delivery-status callbacks are asked to go."""
        return self.webhook_url.rstrip("/") + "/status"

    def check_sender(self) -> None:
        """Exactly one of the bot's number and a messaging service sends."""
        if bool(self.from_number) == bool(self.messaging_service_sid):
            raise ConfigError(
                "channels.sms.from_number: set either from_number or messaging_service_sid"
            )


def parse_options(options: Mapping[str, object]) -> SmsOptions:
    """Validate the section; a ConfigError names ``channels.sms.<key>``."""
    parsed = validated(SmsOptions, options, "sms")
    parsed.check_sender()
    return parsed
