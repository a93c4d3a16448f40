"""/joint: co-chairs resolve a joint operation whose countries' returns disagree.

``/joint [CODE] OP <figure> <number>`` sets the figure the totals count once;
``/joint [CODE] OP accept <COUNTRY>`` takes that country's figures for the operation. Each
resolution is audited and can be given again to correct it.
"""

from __future__ import annotations

from bot.commands import CommandSpec
from bot.errors import UserError
from bot.i18n import Text, _, join
from bot.periods.handlers import today
from bot.periods.repo import Period, current_period, load_period
from bot.reports.figures import JointOp, load_report
from bot.returns.metric_values import parse_kind
from bot.work import Work

USAGE = "/joint [CODE] OP <figure> <number> | /joint [CODE] OP accept <COUNTRY>"


def joint_command(work: Work, text: str) -> None:
    """Resolve a joint operation's figure(s) for the period."""
    words = text.split()
    period = load_period(work.db, words[0]) if len(words) > 2 else None
    if period is not None:
        words = words[1:]
    period = period or current_period(work.db, today(work))
    if period is None:
        raise UserError(_("No period of action is open; name one: /joint JPA-4 SONGKHLA-3 …"))
    if len(words) < 3:
        raise UserError(_("Use {usage}, e.g. /joint SONGKHLA-3 arrests 4.", usage=USAGE))
    op = words[0].upper().removeprefix("OP:")
    joints = _joints_of(work, period, op)
    if words[1].lower() == "accept":
        settled = _accept(joints, " ".join(words[2:]).upper())
    else:
        language = work.language_of(work.actor.id if work.actor else None)  # its number words
        settled = _figure(period, joints, " ".join(words[1:]), language)
    for joint, amount in settled:
        _resolve(work, period, joint, amount)
    told = join(
        (_("{figure} {amount}", figure=_label(period, j.metric), amount=a) for j, a in settled),
        ", ",
    )
    work.reply(
        _(
            "op:{op} in {code} is resolved: {figures}, counted once in the totals.",
            op=op,
            code=period.code,
            figures=told,
        )
    )


def _joints_of(work: Work, period: Period, op: str) -> list[JointOp]:
    data = load_report(work.db, period.code)
    found = [j for j in data.joints if j.op == op] if data else []
    if not found:
        raise UserError(
            _(
                "No return of {code} names the joint operation op:{op}.",
                code=period.code,
                op=op[:32],
            )
        )
    return found


def _accept(joints: list[JointOp], country: str) -> list[tuple[JointOp, int]]:
    settled = [(j, j.claims[country]) for j in joints if country in j.claims]
    if not settled:
        named = sorted({c for j in joints for c in j.claims})
        raise UserError(
            _(
                "{country} reported no figure for this operation; {countries} did.",
                country=country[:10],
                countries=join(named, ", "),
            )
        )
    return settled


def _figure(
    period: Period, joints: list[JointOp], rest: str, language: str
) -> list[tuple[JointOp, int]]:
    name, _sep, number = rest.rpartition(" ")
    metric = period.schema.find(name)
    if metric is None:
        raise UserError(
            _("I don't know the figure {name}. Use {usage}.", name=repr(name[:40]), usage=USAGE)
        )
    joint = next((j for j in joints if j.metric == metric.key), None)
    if joint is None:
        raise UserError(
            _(
                "No return gives {figure} for this joint operation.",
                figure=metric.lower_text,
            )
        )
    amount = parse_kind("count", number, language).amount
    assert amount is not None
    return [(joint, amount)]


def _resolve(work: Work, period: Period, joint: JointOp, amount: int) -> None:
    actor = work.actor
    assert actor is not None
    work.db.execute(
        "INSERT INTO joint_resolutions (period, op, metric, amount, resolved_by, resolved_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (period, op, metric) DO UPDATE SET "
        "amount = excluded.amount, resolved_by = excluded.resolved_by, "
        "resolved_at = excluded.resolved_at",
        [period.code, joint.op, joint.metric, amount, actor.id, work.stamp],
    )
    reported = ", ".join(f"{c} {a}" for c, a in sorted(joint.claims.items()))
    work.audit(
        "joint.resolved", f"{period.code}:{joint.op}:{joint.metric}", f"{amount} ({reported})"
    )


def _label(period: Period, key: str) -> Text:
    """The figure's label in the reader's language (its key when the set lacks it)."""
    metric = period.schema.find(key)
    return metric.text if metric else key


COMMANDS = [
    CommandSpec(
        "joint",
        _(
            "Co-chairs: settle a joint operation the countries reported differently (or only "
            "one reported): the figure counted once in the totals, or one country's figures."
        ),
        USAGE,
        "/joint SONGKHLA-3 arrests 4",
        joint_command,
        roles=frozenset({"co_chair"}),
    ),
]
