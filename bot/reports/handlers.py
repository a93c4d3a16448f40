"""/report: a period's totals, status and draft debrief, in chat (co-chairs)."""

from __future__ import annotations

from bot.commands import CommandSpec
from bot.errors import UserError
from bot.periods.handlers import today
from bot.periods.repo import current_period
from bot.reports.figures import load_report
from bot.reports.render import to_chat
from bot.work import Work


def report_command(work: Work, code: str) -> None:
    """The report of the named period, or of the current one."""
    code = code.strip()
    if not code:
        period = current_period(work.db, today(work))
        if period is None:
            raise UserError("No period of action is open; name one: /report JPA-4.")
        code = period.code
    data = load_report(work.db, code)
    if data is None:
        raise UserError(f"There is no period {code[:20]}. /period shows the current one.")
    work.reply(to_chat(data))
    work.audit("report.viewed", data.period.code)


COMMANDS = [
    CommandSpec(
        "report",
        "Co-chairs: totals, per-country figures, who has reported, and the draft debrief "
        "statement for a period.",
        "/report [CODE]",
        "/report JPA-4",
        report_command,
        roles=frozenset({"co_chair"}),
    ),
]
