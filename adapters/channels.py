"""Chooses the channels to run from settings and the environment.

A platform channel runs when it is enabled and its token variable is set; its SDK is imported
only then, so the embedded default (console only) starts fast and needs no platform at all.
Each channel is one line in :data:`ADAPTERS`: its name and the adapter class that serves it,
which offers ``from_settings(options, env)``.
"""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Mapping

from bot.config import Settings
from bot.errors import ConfigError
from bot.ports import Adapter

log = logging.getLogger(__name__)

ADAPTERS: dict[str, str] = {
    "telegram": "adapters.telegram:TelegramAdapter",
    "slack": "adapters.slack:SlackAdapter",
    "line": "adapters.line:LineAdapter",
    "email": "adapters.email:EmailAdapter",
    "whatsapp": "adapters.whatsapp:WhatsAppAdapter",
    "viber": "adapters.viber:ViberAdapter",
    "sms": "adapters.sms:SmsAdapter",
}
CORE_KEYS = {"content", "answer_strangers"}  # channel keys the core itself reads


def platform_adapters(settings: Settings, env: Mapping[str, str] | None = None) -> list[Adapter]:
    """The platform adapters whose tokens are present in ``env``."""
    env = os.environ if env is None else env
    built: list[Adapter] = []
    for name, section in settings.channels.items():
        if name == "console" or not section.enabled:
            continue
        if name not in ADAPTERS:
            raise ConfigError(
                f"channels.{name}: no adapter for this channel (known: "
                f"console, {', '.join(ADAPTERS)})"
            )
        if not section.token_env or not env.get(section.token_env):
            log.info("%s not started: %s is not set", name, section.token_env or "its token")
            continue
        options = section.model_dump(exclude=CORE_KEYS)
        built.append(_build(name, options, env))
    return built


def _build(name: str, options: dict[str, object], env: Mapping[str, str]) -> Adapter:
    module_name, _, class_name = ADAPTERS[name].partition(":")
    adapter_class = getattr(importlib.import_module(module_name), class_name)
    return adapter_class.from_settings(options, env)  # type: ignore[no-any-return]
