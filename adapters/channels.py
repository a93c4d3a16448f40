"""Chooses the channels to run from settings and the environment.

A platform channel runs when it is enabled and its token variable is set; its SDK is imported
only then, so the embedded default (console only) starts fast and needs no platform at all.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

from bot.config import Settings
from bot.errors import ConfigError
from bot.ports import Adapter

log = logging.getLogger(__name__)
PLATFORMS = ("telegram", "slack")


def platform_adapters(settings: Settings, env: Mapping[str, str] | None = None) -> list[Adapter]:
    """The platform adapters whose tokens are present in ``env``."""
    env = os.environ if env is None else env
    built: list[Adapter] = []
    for name, section in settings.channels.items():
        if name == "console" or not section.enabled:
            continue
        if name not in PLATFORMS:
            raise ConfigError(
                f"channels.{name}: no adapter for this channel (known: "
                f"console, {', '.join(PLATFORMS)})"
            )
        if not section.token_env or not env.get(section.token_env):
            log.info("%s not started: %s is not set", name, section.token_env or "its token")
            continue
        built.append(_build(name, section.model_dump(), env))
    return built


def _build(name: str, options: dict[str, object], env: Mapping[str, str]) -> Adapter:
    if name == "telegram":
        from adapters.telegram import TelegramAdapter

        return TelegramAdapter.from_settings(options, env)
    from adapters.slack import SlackAdapter

    return SlackAdapter.from_settings(options, env)
