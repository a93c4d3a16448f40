"""National sign-off when a country has no focal point, and what /return refuses, named.

Where a period asks for national sign-off, a deputy's return counts once the country's focal
point approves it. After a handover to the deputy (or a revocation) the country has no focal
point, and its returns waited for ever: now its deputy acts as its focal point for sign-off (a
return they confirm counts at once; they approve those already waiting), until a focal point
is named again. Also: an approval a co-chair may not give is refused as an approval, and a
period code that names no period is refused as one, before a window label too.
"""

from __future__ import annotations

from pathlib import Path

from bot.config import Person
from tests.harness import Harness
from tests.returns_support import PERIOD, counts, running

SIGNOFF = PERIOD.model_copy(update={"signoff": True})
RESTS = (
    "Malaysia has no focal point now: national sign-off of its returns in JPA-9 rests with its "
    "deputy, Ainaa Deputy-Example, whose returns count at once."
)
SUCCESSOR = Person(
    id="my-fp2",
    name="Siti Successor-Example",
    country="MY",
    roles=("focal_point",),
    preferred_channel="console",
)


async def signed(bot: Harness) -> list[tuple[object, ...]]:
    return await bot.rows(
        "SELECT window_seq, awaiting_signoff, signed_off_by FROM returns WHERE country = 'MY' "
        "ORDER BY window_seq"
    )


async def test_after_a_handover_the_deputys_return_counts_at_once(tmp_path: Path) -> None:
    """The trial's case: Malaysia's focal point hands over to the deputy; the deputy's
    return said it waited for the focal point's approval, which nobody could give."""
    bot = await running(tmp_path, periods=(SIGNOFF,))
    [kept] = await bot.say("nz-cochair", "/handover th-deputy th-fp")  # a focal point stays
    assert "sign-off" not in kept, kept
    [done] = await bot.say("nz-cochair", "/handover my-fp my-deputy")
    assert done.endswith("my-fp is revoked.\n" + RESTS), done
    await bot.say("my-deputy", "/return W1 arrests 3, victims assisted 2")
    [sent] = await bot.say("my-deputy", "/return confirm")
    assert sent == (
        "Thank you. The return of Malaysia for JPA-9 · W1 (Jan 1, 2027 – Jan 31, 2027) is "
        "submitted. /return show displays it."
    ), sent
    assert await signed(bot) == [(1, 0, "my-deputy")]
    [status] = await bot.say("nz-cochair", "/status W1")
    assert "• Malaysia — submitted" in status and "awaiting" not in status, status
    await bot.stop()


async def test_the_deputy_approves_a_return_sent_before_the_handover(tmp_path: Path) -> None:
    bot = await running(tmp_path, periods=(SIGNOFF,))
    await bot.say("my-deputy", "/return W1 arrests 3, victims assisted 2")
    [sent] = await bot.say("my-deputy", "/return confirm")
    assert "It counts once the national focal point approves it." in sent, sent
    await bot.say("nz-cochair", "/handover my-fp my-deputy")
    [approved] = await bot.say("my-deputy", "/return JPA-9 W1 approve")
    assert approved == (
        "Thank you. Malaysia · JPA-9 W1 (Jan 1, 2027 – Jan 31, 2027) is signed off by Ainaa "
        "Deputy-Example and now counts in the report."
    ), approved
    assert await signed(bot) == [(1, 0, "my-deputy")]
    await bot.stop()


async def test_after_a_revocation_too(tmp_path: Path) -> None:
    bot = await running(tmp_path, periods=(SIGNOFF,))
    await bot.say("admin", "/revoke my-fp")
    await bot.say("my-deputy", "/return W1 arrests 3, victims assisted 2")
    [sent] = await bot.say("my-deputy", "/return confirm")
    assert "is submitted." in sent and "approves" not in sent, sent
    assert await signed(bot) == [(1, 0, "my-deputy")]
    await bot.stop()


async def test_with_a_focal_point_named_again_the_deputy_waits_again(tmp_path: Path) -> None:
    bot = await running(tmp_path, periods=(SIGNOFF,))
    await bot.say("nz-cochair", "/handover my-fp my-deputy")
    await bot.say("my-deputy", "/return W1 arrests 3, victims assisted 2")
    await bot.say("my-deputy", "/return confirm")  # counts at once
    await bot.stop()
    people = (*bot.settings.people, SUCCESSOR)  # a new focal point, named in bot.toml
    bot.settings = bot.settings.model_copy(update={"people": people})
    await bot.start()
    await bot.say("my-deputy", "/return W1 arrests 4")
    [sent] = await bot.say("my-deputy", "/return confirm")
    assert "It counts once the national focal point approves it." in sent, sent
    assert await signed(bot) == [(1, 1, None)]
    [refused] = await bot.say("my-deputy", "/return approve")
    assert refused == (
        "/return approve is not available to you: Malaysia's focal point, Siti "
        "Successor-Example, signs off its returns. A deputy does only while the country has "
        "no focal point."
    ), refused
    assert "is signed off by Siti" in (await bot.say("my-fp2", "/return approve"))[0]
    await bot.stop()


async def test_a_deputy_with_a_focal_point_cannot_approve(tmp_path: Path) -> None:
    bot = await running(tmp_path, periods=(SIGNOFF,))
    await bot.say("th-deputy", "/return W1 arrests 3, victims assisted 2")
    await bot.say("th-deputy", "/return confirm")
    before = await counts(bot)
    [refused] = await bot.say("th-deputy", "/return JPA-9 W1 approve")
    assert refused.startswith(
        "/return approve is not available to you: Thailand's focal point, Niran Example, "
        "signs off its returns."
    ), refused
    assert await counts(bot) == before
    await bot.stop()


# --- what is refused, named -----------------------------------------------------------------
async def test_a_cochairs_approval_is_refused_as_an_approval(tmp_path: Path) -> None:
    bot = await running(tmp_path, periods=(SIGNOFF,))
    before = await counts(bot)
    [refused] = await bot.say("nz-cochair", "/return JPA-9 W1 approve MY")
    assert refused.startswith("/return JPA-9 W1 approve is not available to you"), refused
    [usage] = await bot.say("my-fp", "/return JPA-9 W1 approve MY")  # not how it is said
    assert usage.startswith("Use /return approve"), usage
    assert await counts(bot) == before
    await bot.stop()


async def test_an_unknown_period_before_a_window_is_refused_as_a_period(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    before = await counts(bot)
    [answer] = await bot.say("th-fp", "/return XYZ W1 arrests 4")
    assert answer == "There is no period XYZ; you can send returns for JPA-9.", answer
    [status] = await bot.say("nz-cochair", "/status XYZ W1")
    assert status == "There is no period XYZ; the open period is JPA-9.", status
    [figure] = await bot.say("th-fp", "/return arrests W1 4")  # a figure's name: no period
    assert "There is no period" not in figure, figure
    [usage] = await bot.say("th-fp", "/return show W1")  # nor an action
    assert "There is no period" not in usage, usage
    assert await counts(bot) == before
    await bot.stop()
