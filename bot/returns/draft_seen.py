"""What a person confirming a country's shared draft return has not seen.

A country's focal points and deputies share its draft. A Confirm names the revision its
summary showed; typed without one, it stands for a draft its sender changed last. Otherwise
nothing is submitted: the confirmer is told who changed which figure since, from what to what,
and shown the draft again (bot.returns.handlers.confirm).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bot.i18n import Text, _
from bot.returns import repo as store
from bot.returns.metric_values import shown, stored_value
from bot.returns.metrics import Metric
from bot.returns.repo import Draft
from bot.work import Work


def unseen(
    work: Work,
    key: tuple[str, int, str],
    metrics: Sequence[Metric],
    draft: Draft,
    shown: int | None,
) -> list[Text]:
    """Why ``draft`` is not submitted now, and what changed since the confirmer saw it (or
    changed it last); nothing when they saw it as it is."""
    actor = work.actor
    assert actor is not None
    since: int | None = shown
    if shown is not None:
        if shown == draft.revision:
            return []
        head = _("Not submitted: the return's draft changed after it was shown to you.")
    else:
        last = draft.changed_by or draft.person_id  # not changed since it was started
        if last == actor.id:
            return []
        head = _(
            "Not submitted: {name} changed the draft last. Please check it, then confirm.",
            name=person_name(work, last),
        )
        since = store.latest_revision(work.db, key, by=actor.id)
    changes = store.draft_changes(work.db, key, since) if since is not None else []
    return [head, *_changed_lines(work, metrics, changes)]


def submitted_since(
    work: Work, key: tuple[str, int, str], metrics: Sequence[Metric], shown: int | None
) -> list[Text]:
    """Why a form filled from the draft at revision ``shown`` is not submitted, now that the
    draft is gone (someone confirmed it since): what changed after it was shown. Nothing when
    the form was filled from the submitted figures (a form shown with no draft carries the
    revision a new draft would have, above every earlier one) or carries no revision."""
    if shown is None or shown > (store.latest_revision(work.db, key) or 0):
        return []
    head = _("Not submitted: the return's draft changed after it was shown to you.")
    return [head, *_changed_lines(work, metrics, store.draft_changes(work.db, key, shown))]


def _changed_lines(
    work: Work, metrics: Sequence[Metric], changes: list[store.DraftChange]
) -> list[Text]:
    """``• Arrests 10 → 12 by Nirana``: one line per figure someone changed (see
    :func:`_merged`)."""
    by_key = {m.key: m for m in metrics}
    return [
        "• "
        + _(
            "{figure} {old} → {new} by {name}",
            figure=by_key[c.metric].text if c.metric in by_key else c.metric,
            old=as_shown(by_key.get(c.metric), c.old),
            new=as_shown(by_key.get(c.metric), c.new),
            name=person_name(work, c.by),
        )
        for c in _merged(changes, list(by_key))
    ]


def _merged(changes: list[store.DraftChange], keys: list[str]) -> list[store.DraftChange]:
    """``changes`` in the order they were made (the figures of one change in the order of
    ``keys``, as the form asks them); a figure one person changed again before anyone else
    did, once, from its first value to its last."""
    order = {key: n for n, key in enumerate(keys)}
    merged: list[store.DraftChange] = []
    for change in sorted(changes, key=lambda c: (c.revision, order.get(c.metric, len(order)))):
        same = [n for n, earlier in enumerate(merged) if earlier.metric == change.metric]
        if same and merged[same[-1]].by == change.by:
            merged[same[-1]] = replace(merged[same[-1]], new=change.new)
        else:
            merged.append(change)
    return merged


def person_name(work: Work, person_id: str) -> str:
    """A person's name from the directory (the id of one no longer in it)."""
    person = work.directory.people.get(person_id)
    return person.name if person else person_id


def as_shown(metric: Metric | None, stored: str | None) -> Text:
    """A figure as history stored it, shown as the summary shows figures (the reader's
    digits and separators); as stored where it cannot be read back."""
    if not stored:
        return "—"
    value = stored_value(metric.kind, stored) if metric else None
    return shown(value) if value is not None else stored
