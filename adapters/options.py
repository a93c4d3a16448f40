"""Validating one ``[channels.<name>]`` section: what every channel's ``parse_options`` does.

A ConfigError names the first offending key as ``channels.<name>.<key>``, with pydantic's
message (its "Value error, " prefix dropped: a validator's own words stand alone).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from bot.errors import ConfigError

M = TypeVar("M", bound=BaseModel)


def validated(model: type[M], options: Mapping[str, object], channel: str) -> M:
    """``options`` as ``model``; a ConfigError naming ``channels.<channel>.<key>`` if not."""
    try:
        return model.model_validate(dict(options))
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(part) for part in first["loc"]) or "(section)"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"channels.{channel}.{key}: {message}") from exc
