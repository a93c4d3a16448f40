"""Configuration of periods of action, their metric sets and return reminders (``bot.toml``).

``[returns]`` holds the reminder policy and defaults, ``[[metric_sets.<name>]]`` the metric
schemas, ``[[periods]]`` the periods the file opens (or plans). Validated at start like the
rest of the settings; an error names the key.
"""

from __future__ import annotations

import re
from datetime import date, time
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.returns.metrics import Metric
from reminders.returns import Policy

Cadence = Literal["final", "monthly", "quarterly"]
CODE_PATTERN = r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$"
_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ReminderSettings(_Frozen):
    """``[returns.reminders]``: when focal points are reminded about a return."""

    before_days: tuple[int, ...] = (7, 1)
    on_due_day: bool = True
    overdue_every_days: int = Field(default=2, ge=1, le=31)
    overdue_max: int = Field(default=5, ge=0, le=50)
    local_time: str = "09:00"
    cochair_digest: bool = True
    working_days: bool = True  # only on the country's working days ("the day before": the last)

    @field_validator("before_days")
    @classmethod
    def _positive_days(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if any(d < 1 or d > 90 for d in value):
            raise ValueError("days before must be between 1 and 90")
        return value

    @field_validator("local_time")
    @classmethod
    def _clock_time(cls, value: str) -> str:
        if not _CLOCK.match(value):
            raise ValueError(f"{value!r} is not a time like '09:00'")
        return value

    def policy(self) -> Policy:
        """The pure policy the schedule functions take."""
        hour, minute = map(int, self.local_time.split(":"))
        return Policy(
            tuple(self.before_days),
            self.on_due_day,
            self.overdue_every_days,
            self.overdue_max,
            time(hour, minute),
            self.working_days,
        )


class ReturnsSettings(_Frozen):
    """``[returns]``: reminders, and the due date of a window (days after it ends)."""

    reminders: ReminderSettings = ReminderSettings()
    due_after_days: int = Field(default=7, ge=0, le=90)
    # A due date on a reporting country's weekend, holiday or closure: "move" it to that
    # country's next working day, or "warn" (keep it; the co-chair opening the period is told).
    non_working_due: Literal["move", "warn"] = "move"


class WindowConfig(_Frozen):
    """One reporting window given explicitly: its dates and due date."""

    label: str = Field(default="", max_length=20)
    starts_on: date
    ends_on: date
    due_on: date

    @model_validator(mode="after")
    def _ordered(self) -> WindowConfig:
        if not self.starts_on <= self.ends_on <= self.due_on:
            raise ValueError("a window needs starts_on ≤ ends_on ≤ due_on")
        return self


class PeriodConfig(_Frozen):
    """A period in ``bot.toml``; ``status = "planned"`` waits for a co-chair to open it."""

    code: str = Field(pattern=CODE_PATTERN, min_length=3, max_length=16)
    name: str = Field(min_length=1, max_length=120)
    starts_on: date
    ends_on: date
    countries: tuple[str, ...] = Field(min_length=1)
    windows: Cadence | tuple[WindowConfig, ...] = "final"
    due_after_days: int | None = Field(default=None, ge=0, le=90)
    metrics: str = "default"
    status: Literal["open", "planned"] = "open"
    signoff: bool = False  # a deputy's return counts once the focal point approves it

    @model_validator(mode="after")
    def _dates(self) -> PeriodConfig:
        if self.ends_on < self.starts_on:
            raise ValueError("ends_on is before starts_on")
        if (self.ends_on - self.starts_on).days > 3 * 366:
            raise ValueError("a period lasts at most three years")
        return self


def period_problems(
    periods: tuple[PeriodConfig, ...],
    metric_sets: dict[str, tuple[Metric, ...]],
    country_codes: set[str],
) -> list[tuple[tuple[str | int, ...], str]]:
    """Where periods repeat a code or name unknown countries or metric sets: (key, problem)."""
    problems: list[tuple[tuple[str | int, ...], str]] = []
    seen: set[str] = set()
    for i, period in enumerate(periods):
        if period.code in seen:
            problems.append((("periods", i, "code"), f"duplicate period code {period.code!r}"))
        seen.add(period.code)
        if period.metrics not in metric_sets:
            problems.append((("periods", i, "metrics"), f"unknown metric set {period.metrics!r}"))
        unknown = sorted(set(period.countries) - country_codes)
        if unknown and country_codes:
            problems.append(
                (("periods", i, "countries"), f"unknown countries {', '.join(unknown)}")
            )
    return problems
