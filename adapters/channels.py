"""Chooses the channels to run from settings and the environment.

A platform channel runs when it is enabled and its token variable is set; its SDK is imported
only then, so the embedded default (console only) starts fast and needs no platform at all.
Each channel is one line in :data:`ADAPTERS`: its name and the adapter class that serves it,
which offers ``from_settings(options, env)``. Beside each adapter module ``adapters.<name>``,
``adapters.<name>_options`` holds the section's model and ``parse_options(options)``, which
validates the section alone and imports no platform library: :func:`check_channels` checks
every section with it, token set or not, without loading a single SDK.
"""

from __future__ import annotations

import importlib
import logging
import os
import re
from collections.abc import Mapping
from types import ModuleType

from pydantic import ValidationError

from bot.config import CHANNELS, Loc, Settings, describe, validation_problems
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
            raise ConfigError(_unknown(name))
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


def options_module(name: str) -> ModuleType:
    """The module that validates ``[channels.<name>]``: the adapter module's name plus
    ``_options``, SDK-free so that checking a section loads no platform library."""
    return importlib.import_module(ADAPTERS[name].partition(":")[0] + "_options")


def _unknown(name: str) -> str:
    return f"channels.{name}: no adapter for this channel (known: {', '.join(CHANNELS)})"


def check_channels(
    settings: Settings, text: str, source: str, env: Mapping[str, str] | None = None
) -> None:
    """Validate every enabled channel section, token set or not; one ConfigError naming each
    wrong key and its line in ``text`` (the ``bot.toml`` that was read from ``source``).

    A section whose token is not set may still be unfinished: a value left empty or out is
    not an error yet (it is once the token is set), a wrong one is.
    """
    env = os.environ if env is None else env
    problems: list[tuple[Loc, str]] = []
    for name, section in settings.channels.items():
        if name == "console" or not section.enabled:
            continue
        if name not in ADAPTERS:
            problems.append((("channels", name), _unknown(name).partition(": ")[2]))
            continue
        module = options_module(name)
        unfinished_allowed = not (section.token_env and env.get(section.token_env))
        try:
            module.parse_options(section.model_dump(exclude=CORE_KEYS))
        except ConfigError as exc:
            problems += _located(name, exc, unfinished_allowed)
    if problems:
        raise ConfigError(describe(problems, text, source))


_KEYED = re.compile(r"^channels\.[\w-]+\.([\w.]+): (.*)$", re.S)


def _located(name: str, exc: ConfigError, unfinished_allowed: bool) -> list[tuple[Loc, str]]:
    """Where in ``[channels.<name>]`` a section's error is: every pydantic error, or the key
    its message starts with (``channels.telegram.webhook_url: …``). With
    ``unfinished_allowed``, values left empty or out and the checks that only run on a
    complete section are not reported."""
    cause = exc.__cause__
    if isinstance(cause, ValidationError):
        errors = [
            e
            for e in cause.errors()
            if not (unfinished_allowed and (e["type"] == "missing" or e["input"] == ""))
        ]
        return validation_problems(errors, ("channels", name))
    if unfinished_allowed:
        return []
    match = _KEYED.match(str(exc))
    if match:
        return [(("channels", name, *match[1].split(".")), match[2])]
    return [(("channels", name), str(exc))]
