"""The assistance request lifecycle: which action is allowed from which status.

open ──ack──▶ acknowledged ──reply──▶ answered ──close──▶ closed
  │                                                      ▲
  └──refer──▶ referred ──ack──▶ acknowledged …           │
(close is allowed from any status but closed)  ──────────┘

The answering side's first ``/reply`` to an open or referred request also acknowledges it
(open → acknowledged → answered in one step, with the same notices as ``/ack``); a reply from
the requester's side is a follow-up and leaves the status as it is.
"""

from __future__ import annotations

from bot.errors import UserError
from bot.i18n import Msg, _

OPEN, ACKNOWLEDGED, ANSWERED, REFERRED, CLOSED = (
    "open",
    "acknowledged",
    "answered",
    "referred",
    "closed",
)
AWAITING_ACK = frozenset({OPEN, REFERRED})

_ALLOWED: dict[str, tuple[frozenset[str], str | None]] = {
    # action: (statuses it may start from, status it leads to; None keeps the status)
    "ack": (frozenset({OPEN, REFERRED}), ACKNOWLEDGED),
    "answer": (frozenset({OPEN, REFERRED, ACKNOWLEDGED, ANSWERED}), ANSWERED),
    "follow_up": (frozenset({OPEN, REFERRED, ACKNOWLEDGED, ANSWERED}), None),
    "refer": (frozenset({OPEN, REFERRED, ACKNOWLEDGED, ANSWERED}), REFERRED),
    "close": (frozenset({OPEN, REFERRED, ACKNOWLEDGED, ANSWERED}), CLOSED),
}

STATUS_NAMES: dict[str, Msg] = {
    OPEN: _("open"),
    ACKNOWLEDGED: _("acknowledged"),
    ANSWERED: _("answered"),
    REFERRED: _("referred"),
    CLOSED: _("closed"),
}
"""A status as people read it (the stored value stays the English word)."""


def _why_not(request_id: str, action: str, status: str) -> Msg:
    """Why ``action`` cannot be done to a request in ``status``."""
    if status == CLOSED:
        return _(
            "{id} is closed; it cannot be changed. File a new request if needed.", id=request_id
        )
    if (action, status) == ("ack", ACKNOWLEDGED):
        return _("{id} is already acknowledged.", id=request_id)
    if (action, status) == ("ack", ANSWERED):
        return _("{id} is already acknowledged and answered.", id=request_id)
    return _(
        "{id} is {status}; it cannot be changed now.",
        id=request_id,
        status=STATUS_NAMES.get(status, status),
    )


def transition(request_id: str, status: str, action: str) -> str:
    """The status after ``action``; a UserError explains why it is not allowed now."""
    allowed_from, leads_to = _ALLOWED[action]
    if status not in allowed_from:
        raise UserError(_why_not(request_id, action, status))
    return leads_to or status
