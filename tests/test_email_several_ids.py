"""A reply by email acts only on the requests it proves: every id a command acts on (``/ack``
takes several) must be covered by a reply token for the sender, or nothing is done.

A trial found that a reply to one request's mail could acknowledge any number of others with
``/ack <proven id> <other id> …``: only the first id was checked. Scenarios run through the
real SMTP stand-ins of :mod:`tests.test_email`; the rule itself is checked on the commands
the core would read, in every way a mail can name several requests.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.email_convert import named_ids, refusal
from bot.errors import UserError
from bot.i18n import render
from bot.requests import repo
from bot.requests.handlers import parse_ids
from tests.test_email import AINA, World, file_request, start_world

R1, R2, R3 = "R-2026-0001", "R-2026-0002", "R-2026-0003"
NOT_ANSWERED = "this email does not answer"


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    w = await start_world(tmp_path)
    yield w
    await w.stop()


async def statuses(world: World) -> list[tuple[str, str]]:
    return await world.bot.rows("SELECT id, status FROM requests ORDER BY id")


async def test_a_reply_to_one_request_cannot_acknowledge_others(world: World) -> None:
    first = await file_request(world, "urgent first")
    mail = await world.mail_to(AINA)
    second, third = await file_request(world, "urgent second"), await file_request(world, "third")
    await world.mail_to(AINA, 3)

    several = f"/ack {first} {second} {third}"
    await world.deliver(world.aina, world.aina.reply(mail, several, quote=False))

    assert await statuses(world) == [(first, "open"), (second, "open"), (third, "open")]
    refused = await world.mail_to(AINA, 4)
    assert f"{NOT_ANSWERED} those about {second}, {third}: nothing was done" in refused.body
    assert not any("acknowledged by" in t for t in world.bot.inbox("au-officer"))


async def test_a_reply_proving_each_request_acknowledges_them_all(world: World) -> None:
    """Aina answers with both requests' mails in the thread (each token verifies for her)."""
    first = await file_request(world, "urgent first")
    second = await file_request(world, "urgent second")
    await world.mail_to(AINA, 2)
    one, two = world.relay.to(AINA)
    reply = world.aina.reply(one, f"/ack {first} {second}", quote=False)
    del reply["References"]
    reply["References"] = f"{one.message['Message-ID']} {two.message['Message-ID']}"
    await world.deliver(world.aina, reply)
    assert await statuses(world) == [(first, "acknowledged"), (second, "acknowledged")]


@pytest.mark.parametrize(
    "command",
    [
        f"/ack {R1} {R2}",
        f"/ack {R1} {R2} {R3}",
        f"/ack {R1}, {R2}.",  # as a sentence writes them
        f"/ack {R1} r-2026-2",
        f"/ack {R1} Ｒ-２０２６-０００２",  # fullwidth, as a phone types it
        f"/ack {R1} R-๒๐๒๖-๒",  # a Thai keyboard's digits
        f"/ack {R1} thanks, and {R2} too",
        f"/ACK {R1} {R2}",
        f"/ack {R1}\n/ack {R2}",  # two command lines: the core reads one command
        f"/ack {R1}\n\nFrom the earlier mail:\n  /ack {R2}    (Acknowledge)",  # pasted, no >
        f"ack {R1} {R2}",  # typed without its slash, on a mail that names no request
        f"/ack {R2} {R1}",
    ],
)
def test_every_id_a_command_acts_on_must_be_proven(command: str) -> None:
    reason = refusal(command, {R1}, False)
    assert reason is not None
    assert refusal(command, {R1, R2, R3}, False) is None


@pytest.mark.parametrize(
    "command",
    [
        f"/ack {R1} {R2}",
        f"/ack {R1} Ｒ-２０２６-０００２:",
        f"/ack {R1} R-๒๐๒๖-๒",
        f"/ack {R1}\n/ack {R2} R-2026-00003",
        f"/ack {R1} R-2x R-2026-0002;",
        f"ack {R1} ok R-2026-3",
    ],
)
def test_the_mail_reads_each_id_the_core_acts_on(command: str) -> None:
    """Whatever ids the core's /ack reads, the email channel names too, written alike (so a
    token proves exactly the request the core acts on)."""
    typed = command.partition(" ")[2]
    core = {repo.normalise_id(word, "R") for word in parse_ids(typed) if _is_id(word)}
    assert core <= set(named_ids(command))
    assert len(core) >= 2


def _is_id(word: str) -> bool:
    try:
        repo.normalise_id(word, "R")
    except UserError:
        return False
    return True


def test_the_refusal_names_what_it_cannot_take() -> None:
    one = refusal(f"/ack {R1} {R2}", {R1}, False)
    assert one is not None
    assert f"does not answer the one about {R2}: nothing was done" in render(one, "en")
    many = refusal("/ack " + " ".join(f"R-2026-{n:04d}" for n in range(1, 30)), {R1}, False)
    assert many is not None
    assert "R-2026-0002, R-2026-0003" in render(many, "en")
    assert "R-2026-0011, …: nothing was done" in render(many, "en")


def test_a_reply_acts_on_its_first_id_only() -> None:
    """The text of a reply may name other requests: it is relayed on the first alone."""
    assert named_ids(f"/reply {R1} Same boat as in {R2}.") == (R1,)
    assert refusal(f"/reply {R1} Same boat as in {R2}.", {R1}, False) is None
    assert refusal(f"/reply {R2} hello", {R1}, False) is not None


def test_what_an_address_alone_may_not_do_stays_refused_whatever_it_proves() -> None:
    proven = {R1, R2}
    for command in (
        f"/close {R1} done",
        f"/refer {R1} TH",
        f"/attach {R1}",
        f"/file {R1} 1",
        f"/show {R1}",
    ):
        assert refusal(command, proven, False) is not None, command
    assert refusal("/broadcast ack B-1 B-2", {"B-1"}, False) is not None
