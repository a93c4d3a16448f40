"""/ack with several ids acknowledges each, and says in one answer what it did not and why.

``/ack R-2026-0001 R-2026-0002`` acknowledged the first and silently ignored the second,
which then escalated. Each id is checked as a single /ack checks it; what is refused changes
nothing and is named with its reason.
"""

from __future__ import annotations

from datetime import timedelta

from tests.harness import Harness


async def statuses(bot: Harness) -> list[tuple[str, str, str | None]]:
    return await bot.rows("SELECT id, status, acknowledged_by FROM requests ORDER BY id")


async def test_both_are_acknowledged_and_neither_escalates(bot: Harness) -> None:
    first = await bot.file_request("TH urgent #arrest vessel one")
    second = await bot.file_request("TH urgent #arrest vessel two")
    assert await bot.say("th-fp", f"/ack {first} {second}") == [
        f"You acknowledged {first}, {second}. Answer each with /reply <id> <text>."
    ]
    assert await statuses(bot) == [
        (first, "acknowledged", "th-fp"),
        (second, "acknowledged", "th-fp"),
    ]
    told = bot.inbox("au-officer")
    assert all(any(f"{rid} was acknowledged by" in m for m in told) for rid in (first, second))
    await bot.advance(timedelta(hours=2))
    assert not bot.inbox("th-deputy") and not bot.inbox("lk-cochair")


async def test_those_refused_are_named_with_why(bot: Harness) -> None:
    mine = await bot.file_request("TH urgent #arrest vessel one")
    malaysian = await bot.file_request("MY urgent #arrest vessel two")
    closed = await bot.file_request("TH urgent #arrest vessel three")
    await bot.say("au-officer", f"/close {closed}")
    answer = await bot.say("th-fp", f"/ack {mine}, {malaysian} {closed} R-๒๐๒๖-๐๐๐๑ thanks")
    assert answer == [
        f"You acknowledged {mine}. Answer with /reply {mine} <text>.\n"
        "Not acknowledged:\n"
        f"No such request: {malaysian}. /requests lists the ones you can see.\n"
        f"{closed} is closed; it cannot be changed. File a new request if needed."
    ], answer
    assert await statuses(bot) == [
        (mine, "acknowledged", "th-fp"),
        (malaysian, "open", None),
        (closed, "closed", None),
    ]


async def test_sent_again_nothing_changes(bot: Harness) -> None:
    first = await bot.file_request("TH urgent #arrest vessel one")
    second = await bot.file_request("TH urgent #arrest vessel two")
    await bot.say("th-fp", f"/ack {first} {second}")
    before = len(bot.inbox("au-officer"))
    assert await bot.say("th-deputy", f"/ack {first} {second}") == [
        "Not acknowledged:\n"
        f"{first} was already acknowledged by Niran Example (Thailand). Nothing changed.\n"
        f"{second} was already acknowledged by Niran Example (Thailand). Nothing changed."
    ]
    assert len(bot.inbox("au-officer")) == before


async def test_one_id_as_before(bot: Harness) -> None:
    rid = await bot.file_request("MY urgent #arrest vessel one")
    assert await bot.say("th-fp", f"/ack {rid} thanks") == [
        f"No such request: {rid}. /requests lists the ones you can see."
    ]
    assert await bot.say("my-fp", f"/ack {rid} thanks") == [
        f"You acknowledged {rid}. Answer with /reply {rid} <text>."
    ]


async def test_too_many_at_once(bot: Harness) -> None:
    ids = " ".join(f"R-2026-{n:04d}" for n in range(1, 30))
    answer = (await bot.say("th-fp", f"/ack {ids}"))[0]
    assert answer.startswith("Please acknowledge at most 20 requests at a time."), answer
