"""Text too long for a request, sent by mail: the refusal says what to do by mail.

``/reply``'s refusal already named the request first, so mail threads it under the request
and adds how to answer by mail (``tests.test_email``). A referral note or an outcome too long
(a trusted sender may ``/refer`` and ``/close`` by mail) said "send the rest as a /reply" in a
new thread; a new request's text too long said the same, with no request to reply on yet.
Scenarios through the real SMTP stand-ins of :mod:`tests.test_email`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.fake_email import Caught
from tests.test_email import AINA, World, file_request, start_world

LONG = "Checked. " * 400  # 3,599 characters once the mail's trailing space is gone


@pytest.fixture
async def trusting(tmp_path: Path) -> AsyncIterator[World]:
    w = await start_world(tmp_path, trust_sender=True)
    yield w
    await w.stop()


async def refused_in_thread(w: World, request_id: str, command: str) -> Caught:
    """Aina answers the request's mail with ``command``; its refusal, checked to be in the
    request's thread with how to answer by mail, and asking for no command."""
    mail = await w.mail_to(AINA)
    await w.deliver(w.aina, w.aina.reply(mail, command))
    refusal = await w.mail_to(AINA, 2)
    thread = str(mail.message["References"])
    assert thread.startswith(f"<fp.{request_id}.")
    assert refusal.message["In-Reply-To"] == refusal.message["References"] == thread
    assert f"Reply to this email to write on {request_id}" in refusal.body
    assert "/reply" not in refusal.body
    return refusal


async def test_a_referral_note_too_long_is_refused_in_its_thread(trusting: World) -> None:
    request_id = await file_request(trusting)
    refusal = await refused_in_thread(trusting, request_id, f"/refer {request_id} TH {LONG}")
    assert refusal.body.startswith(
        f"{request_id}: your note for the referral is 3,599 characters; the limit is 3,000. "
        "It was not referred: please shorten the note and send it again, or refer it with a "
        "shorter note and send the rest as a reply."
    )
    status = "SELECT status, target_country FROM requests WHERE id = ?"
    assert await trusting.bot.rows(status, [request_id]) == [("open", "MY")]


async def test_an_outcome_too_long_is_refused_in_its_thread(trusting: World) -> None:
    request_id = await file_request(trusting)
    refusal = await refused_in_thread(trusting, request_id, f"/close {request_id} {LONG}")
    assert refusal.body.startswith(
        f"{request_id}: your outcome is 3,599 characters; the limit is 3,000. It was not "
        "closed: please shorten the outcome and send it again, or send the rest as a reply "
        "first and then close it with a shorter outcome."
    )
    status = "SELECT status FROM requests WHERE id = ?"
    assert await trusting.bot.rows(status, [request_id]) == [("open",)]

    await trusting.deliver(trusting.aina, trusting.aina.reply(refusal, "Checked: genuine."))
    assert any("Checked: genuine." in t for t in trusting.bot.inbox("au-officer"))  # the rest


async def test_a_request_too_long_by_mail_asks_for_no_command(trusting: World) -> None:
    mail = trusting.aina.new_mail("New request", f"/request TH routine {LONG}")
    await trusting.deliver(trusting.aina, mail)
    refusal = await trusting.mail_to(AINA)
    assert refusal.body.startswith(
        "Your text is 3,599 characters; the limit is 3,000. Nothing was filed: please shorten "
        "it and send it again; once it is filed, send the rest as a reply on it."
    )
    assert "/reply" not in refusal.body
    assert await trusting.bot.rows("SELECT COUNT(*) FROM requests") == [(0,)]
