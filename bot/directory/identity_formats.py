"""What a person's user id looks like on each channel, so the directory refuses one that the
platform can never send.

People are recognised by the id their platform sends with each message (SECURITY.md), never
by a username or a phone number typed in its place: an identity in another form looks fine
in the directory and its person is silently never recognised. Viber's user ids are opaque
tokens with no documented form, and the console's identity is the person id, so neither is
checked here.
"""

from __future__ import annotations

import re

_E164 = re.compile(r"\+[1-9][0-9]{7,14}")
_FIND_IT = "(the administrators' alert names it when the person writes to the bot)"
_PHONE = (
    "the phone number in E.164 form: + and the country code, 8 to 15 digits, no spaces "
    "(e.g. +66812345678)"
)

FORMATS: dict[str, tuple[re.Pattern[str], str]] = {  # each matched whole (fullmatch)
    # Telegram user ids have at most 52 significant bits: up to 16 digits.
    "telegram": (
        re.compile(r"[1-9][0-9]{0,15}"),
        "Telegram identities are the numeric user id (e.g. 123456789), not a username or a "
        f"phone number {_FIND_IT}",
    ),
    # The form adapters.slack_convert recognises as a user (member) id.
    "slack": (
        re.compile(r"[UW][A-Z0-9]{2,}"),
        "Slack identities are the member id: U or W then capital letters and digits "
        "(e.g. U01AB2CD3EF; in Slack: the person's profile, More, Copy member ID)",
    ),
    "line": (
        re.compile(r"U[0-9a-f]{32}"),
        "LINE identities are the user id: U and 32 lowercase hexadecimal digits, not the LINE "
        f"ID people search by {_FIND_IT}",
    ),
    "email": (
        re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+"),
        "email identities are one address with a single @ and a domain (e.g. niran@police.example)",
    ),
    "sms": (_E164, f"SMS identities are {_PHONE}"),
    "whatsapp": (_E164, f"WhatsApp identities are {_PHONE}"),
}


def identity_problem(channel: str, user_id: str) -> str | None:
    """Why ``user_id`` cannot be a person's id on ``channel``; None when it can, or when the
    channel has no documented form (an unknown channel is the directory check's to name)."""
    found = FORMATS.get(channel)
    if found is None or found[0].fullmatch(user_id):
        return None
    return f"{channel} identity {user_id!r} is refused: {found[1]}"


def normalised(channel: str, user_id: str) -> str:
    """``user_id`` as the channel's adapter sends it: the email adapter lowercases each
    sender's address, so ``Niran@Police.example`` would otherwise never match."""
    return user_id.lower() if channel == "email" else user_id
