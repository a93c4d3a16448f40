"""The assistance request lifecycle: which action is allowed from which status.

open ──ack──▶ acknowledged ──reply──▶ answered ──close──▶ closed
  │                                                      ▲
  └──refer──▶ referred ──ack──▶ acknowledged …           │
(close is allowed from any status but closed)  ──────────┘
"""

from __future__ import annotations

from bot.errors import UserError

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

_WHY_NOT = {
    ("ack", ACKNOWLEDGED): "{id} is already acknowledged.",
    ("ack", ANSWERED): "{id} is already acknowledged and answered.",
}


def transition(request_id: str, status: str, action: str) -> str:
    """The status after ``action``; a UserError explains why it is not allowed now."""
    allowed_from, leads_to = _ALLOWED[action]
    if status not in allowed_from:
        why = _WHY_NOT.get((action, status), "{id} is {status}; it cannot be changed now.")
        if status == CLOSED:
            why = "{id} is closed; it cannot be changed. File a new request if needed."
        raise UserError(why.format(id=request_id, status=status))
    return leads_to or status
