"""A co-chair's broadcast in the two steps people take: the preview, then its Send button."""

from __future__ import annotations

from bot.events import Button
from tests.harness import Harness


def buttons_to(bot: Harness, person_id: str, since: int = 0) -> list[Button]:
    """The buttons on the messages ``person_id`` received (from the ``since``-th one sent)."""
    return [
        button
        for delivery in bot.chat.sent[since:]
        if delivery.message.address == person_id
        for button in delivery.message.buttons
    ]


def send_button(bot: Harness, person_id: str, since: int = 0) -> Button | None:
    """The Send button of the latest broadcast preview ``person_id`` was shown, if any."""
    found = [
        b for b in buttons_to(bot, person_id, since) if b.command.startswith("/broadcast send")
    ]
    return found[-1] if found else None


async def broadcast(bot: Harness, person_id: str, line: str) -> list[str]:
    """``person_id`` types ``line`` (``/broadcast …``) and presses Send on the preview it shows:
    what Send answered, or what the line answered when it showed no preview (a refusal)."""
    since = len(bot.chat.sent)
    answers = await bot.say(person_id, line)
    button = send_button(bot, person_id, since)
    if button is None:
        return answers
    return await bot.press(person_id, button.command)
