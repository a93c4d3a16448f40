"""Words typed in answer to a question whose buttons the chat shows as words (console, SMS,
email) or that people answer by typing anyway: ``confirm``, a button's label, ``yes``."""

from __future__ import annotations

import unicodedata

from bot.i18n import _, render

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
