"""The ``[channels.whatsapp]`` section of ``bot.toml``: its model and ``parse_options``.

Kept apart from :mod:`adapters.whatsapp` and free of its platform libraries, so that
``focalbot check`` validates the section without importing them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from adapters.options import validated


class WhatsAppOptions(BaseModel):
    """The ``[channels.whatsapp]`` section, checked by ``focalbot check`` and at build."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    enabled: bool = True
    content: Literal["full", "pointer"] = "pointer"  # the core's; accepted here for completeness
    token_env: str = Field(min_length=1)
    app_secret_env: str = Field(min_length=1)
    verify_token_env: str = Field(min_length=1)
    api_host: str = "https://graph.facebook.com"
    api_version: str = Field(default="v21.0", pattern=r"^v\d+\.\d+$")
    phone_number_id: str = Field(default="", validate_default=True)
    host: str = "127.0.0.1"
    port: int = Field(default=8444, ge=0, le=65535)
    path: str = Field(default="/whatsapp/webhook", pattern=r"^/[\w./-]*$")
    template_name: str = Field(pattern=r"^[a-z0-9_]{1,512}$")
    template_language: str = Field(default="en", pattern=r"^[a-z]{2,3}(_[A-Z]{2})?$")
    # Further languages the template is approved in (Meta's codes: "th", "id", "fil", …): a
    # reader whose language is one of them gets the template in it, others template_language.
    template_languages: tuple[str, ...] = ()

    @field_validator("phone_number_id")
    @classmethod
    def _number_id(cls, value: str) -> str:
        if not re.fullmatch(r"\d+", value):
            what = "is empty" if not value else f"{value!r} is not a phone number id"
            raise ValueError(
                f"{what}: set the id Meta gives the bot's sending number (digits only, e.g. "
                "106540352242922; not the phone number itself). Find it in Meta's WhatsApp "
                "Manager under Phone numbers (the number's ID), or on your app's WhatsApp > "
                "API Setup page as 'Phone number ID'"
            )
        return value

    @field_validator("template_languages")
    @classmethod
    def _language_codes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for code in value:
            if not re.fullmatch(r"[a-z]{2,3}(_[A-Z]{2})?", code):
                raise ValueError(f"{code!r} is not a language code such as th or pt_BR")
        return value

    @field_validator("api_host")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("must be an http(s) URL such as https://graph.facebook.com")
        return value.rstrip("/")

    @property
    def messages_url(self) -> str:
        """Where messages are sent."""
        return f"{self.api_host}/{self.api_version}/{self.phone_number_id}/messages"


def parse_options(options: Mapping[str, object]) -> WhatsAppOptions:
    """Validate the section; a ConfigError names ``channels.whatsapp.<key>``."""
    return validated(WhatsAppOptions, options, "whatsapp")
