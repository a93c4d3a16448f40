"""/joint: co-chairs resolve a joint operation whose countries' returns disagree.

``/joint [CODE] OP [W<n>] <figure> <number>`` sets the figure the totals count once for one
window; ``/joint [CODE] OP [W<n>] accept <COUNTRY>`` takes that country's figures for the
operation (in each window it reported, or the one named). A resolution is for one window,
so it cannot erase another window's figure: the window may go unsaid only where the
operation's figure is in one window. Each resolution is audited and can be given again to
correct it.
"""

from __future__ import annotations

from bot.commands import CommandSpec
from bot.errors import UserError
from bot.i18n import Msg, Text, _, join
from bot.periods.handlers import example_code, today
from bot.periods.repo import WINDOW_TYPED, Period, current_period, load_period, window_label
from bot.reports.figures import JointOp, load_report, resolution_key
from bot.returns.metric_values import parse_kind
from bot.text import country_code
from bot.work import Work

USAGE = "/joint [CODE] OP [W<n>] <figure> <number> | /joint [CODE] OP [W<n>] accept <COUNTRY>"


def joint_command(work: Work, text: str) -> None:
    """Resolve a joint operation's figure(s) for the period."""
    words = text.split()
    period = load_period(work.db, words[0]) if len(words) > 2 else None
    if period is not None:
        words = words[1:]
    period = period or current_period(work.db, today(work))
    if period is None:
        raise UserError(
            _(
                "No period of action is open; name one: /joint {code} SONGKHLA-3 …",
                code=example_code(work),
            )
        )
    if len(words) < 3:
        raise UserError(_("Use {usage}, e.g. /joint SONGKHLA-3 arrests 4.", usage=USAGE))
    op = words[0].upper().removeprefix("OP:")
    joints = _joints_of(work, period, op)
    window, words = _window(period, joints, words[1:])
    if window is not None:
        joints = [j for j in joints if j.window == window]
    if len(words) < 2:  # only a window after the operation
        raise UserError(_("Use {usage}, e.g. /joint SONGKHLA-3 arrests 4.", usage=USAGE))
    if words[0].lower() == "accept":
        settled = _accept(joints, country_code(" ".join(words[1:])))
    else:
        language = work.language_of(work.actor.id if work.actor else None)  # its number words
        settled = _figure(period, joints, " ".join(words), language)
    for joint, amount in settled:
        _resolve(work, period, joint, amount)
    told = join([_told(period, joint, amount) for joint, amount in settled], ", ")
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


def _window(
    period: Period, joints: list[JointOp], words: list[str]
) -> tuple[int | None, list[str]]:
    """The window named first in ``words`` (``W2``), if any, and the words after it. A window
    the period lacks, or in which no return names the operation, is refused."""
    if not words or not WINDOW_TYPED.match(words[0]):
        return None, words
    label = window_label(words[0])
    seq = period.window_named(label).seq
    if all(j.window != seq for j in joints):
        raise UserError(
            _(
                "No return of {code} names op:{op} in {window}; it is reported in {windows}.",
                code=period.code,
                op=joints[0].op,
                window=label,
                windows=join(_labels(period, joints), ", "),
            )
        )
    return seq, words[1:]


def _labels(period: Period, joints: list[JointOp]) -> list[str]:
    """The labels of the windows ``joints`` are in, in order."""
    seqs = {j.window for j in joints}
    return [w.label for w in period.windows if w.seq in seqs]


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
    found = [j for j in joints if j.metric == metric.key]
    if not found:
        raise UserError(
            _(
                "No return gives {figure} for this joint operation.",
                figure=metric.lower_text,
            )
        )
    if len(found) > 1:  # one figure for several windows would erase the others' figures
        raise UserError(
            _(
                "op:{op} {figure} is reported in {windows}, and each window's figure counts "
                "apart: name the window, e.g. /joint {op} {window} {name} <number>.",
                op=found[0].op,
                figure=metric.lower_text,
                windows=join(_labels(period, found), ", "),
                window=_labels(period, found)[-1],
                name=name[:40],
            )
        )
    amount = parse_kind("count", number, language).amount
    assert amount is not None
    return [(found[0], amount)]


def _resolve(work: Work, period: Period, joint: JointOp, amount: int) -> None:
    """Store the window's figure; a figure set for the whole period before resolutions named
    a window (``op`` alone) gives way to it."""
    actor = work.actor
    assert actor is not None
    work.db.execute(
        "INSERT INTO joint_resolutions (period, op, metric, amount, resolved_by, resolved_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (period, op, metric) DO UPDATE SET "
        "amount = excluded.amount, resolved_by = excluded.resolved_by, "
        "resolved_at = excluded.resolved_at",
        [
            period.code,
            resolution_key(joint.op, joint.window),
            joint.metric,
            amount,
            actor.id,
            work.stamp,
        ],
    )
    work.db.execute(
        "DELETE FROM joint_resolutions WHERE period = ? AND op = ? AND metric = ?",
        [period.code, joint.op, joint.metric],
    )
    reported = ", ".join(f"{c} {a}" for c, a in sorted(joint.claims.items()))
    window = _labels(period, [joint])
    subject = ":".join([period.code, joint.op, joint.metric, *window])
    work.audit("joint.resolved", subject, f"{amount} ({reported})")


def _told(period: Period, joint: JointOp, amount: int) -> Msg:
    """``Arrests 6 in W2``: a figure as resolved, in the reply."""
    return _(
        "{figure} {amount} in {window}",
        figure=_label(period, joint.metric),
        amount=amount,
        window=" ".join(_labels(period, [joint])) or f"W{joint.window}",
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
            "one reported) in a reporting window: the figure counted once in that window's "
            "totals, or one country's figures. Name the window (W2) when the operation is "
            "reported in more than one."
        ),
        USAGE,
        "/joint SONGKHLA-3 W2 arrests 4",
        joint_command,
        roles=frozenset({"co_chair"}),
    ),
]
