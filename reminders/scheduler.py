"""APScheduler as the core's timer.

The core's ``timers`` table is the durable record (written in the same transaction as the
decision that armed the timer), so the scheduler keeps only an in-memory job per pending timer:
after a restart the app re-arms every unfired timer from the table, and a timer whose time
passed while the bot was down fires at once. Firing is idempotent in the core (a timer is
claimed by ``fired_at``), so a job that runs twice has one effect.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import UTC, datetime

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger

from bot.ports import TimerCallback, TimerScheduler

log = logging.getLogger(__name__)


class APSchedulerTimers(TimerScheduler):
    """Timers on an ``AsyncIOScheduler`` in the running loop."""

    def __init__(self) -> None:
        self._scheduler: AsyncIOScheduler | None = None
        self._fire: TimerCallback | None = None

    async def start(self, fire: TimerCallback) -> None:
        self._fire = fire
        self._scheduler = AsyncIOScheduler(
            timezone=UTC,
            job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
        )
        self._scheduler.start()

    def schedule(self, timer_id: str, due_at: datetime) -> None:
        if self._scheduler is None or self._fire is None:
            raise RuntimeError("scheduler is not started")
        run_at = max(due_at, datetime.now(UTC))
        self._scheduler.add_job(
            self._fire,
            DateTrigger(run_date=run_at, timezone=UTC),
            args=[timer_id],
            id=timer_id,
            replace_existing=True,
            name=timer_id,
        )

    def cancel(self, timer_id: str) -> None:
        """Forget a timer's job (the table still decides whether it fires)."""
        if self._scheduler:
            with contextlib.suppress(JobLookupError):
                self._scheduler.remove_job(timer_id)

    def pending(self) -> list[str]:
        """Ids of the timers currently waiting."""
        return [job.id for job in self._scheduler.get_jobs()] if self._scheduler else []

    async def stop(self) -> None:
        if self._scheduler and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        self._scheduler = None
