"""Secrets come only from the environment: reading one, or naming the key that lacks it."""

from __future__ import annotations

from collections.abc import Mapping

from bot.errors import ConfigError


def required_secret(
    env: Mapping[str, str], channel: str, key: str, name: str, note: str = ""
) -> str:
    """The value of the variable ``name`` that ``channels.<channel>.<key>`` names, or a
    ConfigError naming that key (never the value)."""
    value = env.get(name, "") if name else ""
    if not value:
        where = f"the environment variable {name} is not set" if name else "is required"
        raise ConfigError(f"channels.{channel}.{key}: {where}{note}")
    return value
