"""Words typed in answer to a question whose buttons the chat shows as words (console, SMS,
email) or that people answer by typing anyway: ``confirm``, a button's label, ``yes``."""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta

from bot.clock import iso, parse_iso
from bot.delivery.outbox import last_message_buttons, recent_buttons
from bot.i18n import _, render
from bot.storage.sql import Db

YES = _("yes")
"""A question answered as people answer one: it confirms, as the Confirm button does."""
YES_WORDS = frozenset({"yes", "y", "ok", "okay"})


def folded(text: str) -> str:
    """``text`` as typed answers compare: NFC, case-folded, single spaces, no closing full
    stop or exclamation mark (``Yes.``, ``Close it!``)."""
    stripped = text.strip().rstrip(".!。")
    return " ".join(unicodedata.normalize("NFC", stripped).casefold().split())


def said_yes(text: str, language: str) -> bool:
    """Whether ``text`` is a plain yes, in English or in ``language`` (``ใช่``, ``có``)."""
    typed = folded(text)
    return typed in YES_WORDS or typed == folded(render(YES, language))


LABEL_TYPED_WITHIN = timedelta(hours=12)
"""A question older than that is not answered by typing one of its buttons' labels."""


def pressed_by_label(db: Db, person_id: str, text: str, now: datetime) -> str | None:
    """The command of the button whose label ``text`` is, on the last message ``person_id``
    was sent if it had buttons (of the last :data:`LABEL_TYPED_WITHIN`): typed where chat
    shows buttons as words, ``Acknowledge`` or ``Send`` does what pressing it does. None when
    the text is no label of that message's buttons."""
    last = last_message_buttons(db, person_id)
    if last is None or parse_iso(last[1]) < now - LABEL_TYPED_WITHIN:
        return None
    typed = folded(text)
    return next((b.command for b in last[0] if folded(str(b.label)) == typed), None)


EARLIER_QUESTIONS = 20
"""How many earlier messages with buttons a typed label is looked for on."""


def pressed_earlier(db: Db, person_id: str, text: str, now: datetime) -> list[str]:
    """The commands of the buttons labelled ``text`` on the messages about a request or a
    broadcast ``person_id`` was sent in the last :data:`LABEL_TYPED_WITHIN` (newest first,
    each once): ``Acknowledge`` typed after a later message still acknowledges. Those
    buttons name what they act on; a dialogue's (a return's Cancel, a draft's Send) act on
    its state now, so they answer only while their question is the last message."""
    typed = folded(text)
    since = iso(now - LABEL_TYPED_WITHIN)
    commands: list[str] = []
    for buttons in recent_buttons(db, person_id, since, EARLIER_QUESTIONS):
        for button in buttons:
            if folded(str(button.label)) == typed and button.command not in commands:
                commands.append(button.command)
    return commands
