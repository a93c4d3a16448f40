"""Who hears what as a request moves on: the other focal points when one takes it, whoever
was working on it when it is referred, everyone on the answering side who took part in the
conversation; pages held through someone's night withdrawn once the request no longer needs
them; everything about an urgent request at once; a referral only to someone who can take it;
a request filed when files are off. The real core on a real database, with quiet hours on
where they matter (a fixed clock)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.config import Person, Settings, load_settings
from tests.files_support import png, write
from tests.harness import SHIPPED_CONFIG, Harness, shipped_settings
from tests.returns_support import move_to
from tests.test_requests import counts, file

SHIPPED = load_settings(SHIPPED_CONFIG)
COLLEAGUES = (
    Person(
        id="th-fp2",
        name="Somchai Example",
        country="TH",
        roles=("focal_point",),
        quiet_hours="",  # reads the bot at any hour
    ),
    Person(id="us-officer", name="Jordy Officer-Example", country="US", roles=("officer",)),
)
WITHDRAWN = "SELECT person_id, error FROM outbox WHERE status = 'withdrawn' ORDER BY id"


def settings(quiet: bool = False, colleagues: bool = False) -> Settings:
    """The shipped settings; with the shipped quiet hours, and with a second Thai focal point
    and a US officer."""
    chosen = shipped_settings(quiet_hours=SHIPPED.quiet_hours) if quiet else shipped_settings()
    if colleagues:
        chosen = chosen.model_copy(update={"people": (*chosen.people, *COLLEAGUES)})
    return chosen


async def started(
    tmp_path: Path, at: datetime | None = None, quiet: bool = False, colleagues: bool = False
) -> Harness:
    bot = Harness(tmp_path / "bot.db", settings(quiet, colleagues))
    if at is not None:
        move_to(bot, at)
    return await bot.start()


def about(bot: Harness, person: str, rid: str) -> list[str]:
    """What ``person`` received that mentions ``rid``."""
    return [m for m in bot.inbox(person) if rid in m]


# --- 1. the other focal points -----------------------------------------------------------
async def test_when_one_focal_point_acknowledges_the_others_are_told_who_took_it(
    tmp_path: Path,
) -> None:
    bot = await started(tmp_path, colleagues=True)
    rid = await bot.file_request("TH #arrest Suspect John Doe, is he in custody?", by="us-officer")
    assert about(bot, "th-fp", rid) and about(bot, "th-fp2", rid)
    await bot.say("th-fp2", f"/ack {rid}")
    assert bot.last("th-fp") == (
        f"{rid} was taken by Somchai Example (Thailand); no need for you to act on it."
    )
    assert not any("taken by" in m for m in bot.inbox("th-fp2"))  # not the one who took it
    await bot.stop()


async def test_a_co_chair_answering_a_request_nobody_acknowledged_tells_its_handlers_once(
    tmp_path: Path,
) -> None:
    bot = await started(tmp_path)
    rid = await bot.file_request(
        "TH urgent #victim Two women need shelter contacts", by="au-officer"
    )
    before = len(about(bot, "th-fp", rid))
    await bot.say("nz-cochair", f"/reply {rid} The shelter in Hat Yai can take them")
    told = about(bot, "th-fp", rid)[before:]
    assert told == [
        f"{rid} · Aroha Cochair-Example (New Zealand) answered it:\n"
        "The shelter in Hat Yai can take them\n\n"
        f"(No need for you to act on it; /reply {rid} <text> to add to the answer.)"
    ]  # one message: not "taken by … no need to act" and then "/reply … to answer"
    assert bot.last("au-officer").endswith(f"(/reply {rid} <text> to answer)")
    [(status, by)] = await bot.rows(
        "SELECT status, acknowledged_by FROM requests WHERE id = ?", [rid]
    )
    assert (status, by) == ("answered", "nz-cochair")
    await bot.say("th-fp", f"/reply {rid} Confirmed, the contact is Khun Somchai")
    assert "Khun Somchai" in bot.last("nz-cochair")  # the thread goes on, both ways
    await bot.stop()


async def test_a_page_held_for_the_night_is_withdrawn_once_a_colleague_took_the_request(
    tmp_path: Path,
) -> None:
    # Wed 10 Mar 2027 00:30 in Bangkok: th-fp's page waits for 07:00; th-fp2 reads it now
    bot = await started(tmp_path, datetime(2027, 3, 9, 17, 30, tzinfo=UTC), True, True)
    rid = await bot.file_request("TH #arrest Suspect John Doe, is he in custody?", by="us-officer")
    assert about(bot, "th-fp2", rid) and not about(bot, "th-fp", rid)
    await bot.say("th-fp2", f"/ack {rid}")
    await bot.say("th-fp2", f"/close {rid} done")
    await bot.advance(timedelta(hours=8))  # 08:30 in Bangkok
    assert about(bot, "th-fp", rid) == []  # no page, no "taken by", no "closed" for a closed one
    assert await bot.rows(WITHDRAWN) == [
        ("th-fp", f"withdrawn: {rid} was acknowledged before it was delivered")
    ]
    [(held,)] = await bot.rows("SELECT COUNT(*) FROM outbox WHERE status = 'queued'")
    assert held == 0  # nothing looks lost: the page ended withdrawn, with its reason
    await bot.stop()


async def test_a_request_closed_at_night_leaves_no_page_or_notice_for_the_morning(
    tmp_path: Path,
) -> None:
    bot = await started(tmp_path, datetime(2027, 3, 9, 17, 30, tzinfo=UTC), quiet=True)
    rid = await bot.file_request("TH #info Vessel owner, please", by="id-officer")
    await bot.say("id-officer", f"/close {rid} found it myself")
    await bot.advance(timedelta(hours=8))
    assert about(bot, "th-fp", rid) == []
    assert await bot.rows(WITHDRAWN) == [
        ("th-fp", f"withdrawn: {rid} was closed before it was delivered")
    ]
    await bot.stop()


# --- 2. urgent means at once ---------------------------------------------------------------
async def test_everything_about_an_urgent_request_goes_at_once_at_night(tmp_path: Path) -> None:
    # 05:35 in Sydney, 01:35 in Bangkok, 00:05 in Colombo: everyone but Auckland asleep
    bot = await started(tmp_path, datetime(2027, 3, 9, 18, 35, tzinfo=UTC), quiet=True)
    rid = await file(bot, "TH urgent #arrest Suspect boarding flight TG402 at 14:00, please hold")
    await bot.advance(timedelta(minutes=31))
    assert "escalated it to the deputy focal point" in bot.last("au-officer")
    await bot.advance(timedelta(minutes=16))
    await bot.advance(timedelta(minutes=31))
    assert "escalated it to the co-chairs" in bot.last("au-officer")
    assert "escalated to the co-chairs" in bot.last("lk-cochair")
    await bot.say("th-deputy", f"/ack {rid}")
    assert bot.last("au-officer") == f"{rid} was acknowledged by Nirana Deputy-Example (Thailand)."
    assert "no need to act on it" in bot.last("lk-cochair")  # paged in the night, stood down too
    [sent_on] = await bot.say("th-deputy", f"/reply {rid} Immigration alerted")
    assert sent_on == f"Sent on {rid}."  # no "within their quiet hours"
    assert "Immigration alerted" in bot.last("au-officer")
    assert await bot.rows("SELECT COUNT(*) FROM outbox WHERE not_before IS NOT NULL") == [(0,)]
    await bot.stop()


# --- 3. an answer acknowledges ---------------------------------------------------------------
async def test_answering_without_acknowledging_stands_down_the_deputy_and_co_chairs(
    bot: Harness,
) -> None:
    rid = await file(bot, "TH urgent #victim Child found, need guardian check")
    await bot.advance(timedelta(minutes=31))
    await bot.advance(timedelta(minutes=31))
    assert "escalated to the co-chairs" in bot.last("nz-cochair")
    await bot.say("th-fp", f"/reply {rid} Child is safe")
    stood_down = (
        f"{rid} was acknowledged by Niran Example (Thailand). It was escalated to you; "
        "no need to act on it."
    )
    for person in ("th-deputy", "nz-cochair", "lk-cochair"):
        assert bot.last(person) == stood_down, person
    assert "Child is safe" in bot.last("au-officer")
    assert not any("was acknowledged by" in m for m in bot.inbox("au-officer"))  # the answer says
    assert await bot.rows("SELECT status, acknowledged_by FROM requests") == [("answered", "th-fp")]
    kinds = await bot.rows(
        "SELECT kind FROM request_messages WHERE author_id = 'th-fp' ORDER BY id"
    )
    assert kinds == [("ack",), ("reply",)]  # open → acknowledged → answered
    assert "already acknowledged by Niran Example" in (await bot.say("th-deputy", f"/ack {rid}"))[0]


# --- 4. held news the request has overtaken --------------------------------------------------
async def test_an_escalation_held_for_the_night_is_withdrawn_once_the_request_is_acknowledged(
    tmp_path: Path,
) -> None:
    # Tue 9 Mar 2027 22:40 in Bangkok (02:40 in Sydney): a routine request, 24 hours to answer
    bot = await started(tmp_path, datetime(2027, 3, 9, 15, 40, tzinfo=UTC), quiet=True)
    rid = await file(bot, "TH #info Routine check on a fishing boat")
    await bot.advance(timedelta(hours=9))  # 07:40: the page reached the focal point
    assert "Routine check" in bot.last("th-fp")
    await bot.advance(timedelta(hours=15))  # 22:40: escalated, held for the deputy's morning
    assert await bot.rows("SELECT COUNT(*) FROM outbox WHERE not_before IS NOT NULL") == [(2,)]
    await bot.advance(timedelta(minutes=30))
    await bot.say("th-fp", f"/ack {rid}")  # 23:10 in Bangkok
    await bot.advance(timedelta(hours=9))  # everyone's morning
    assert bot.inbox("th-deputy") == []  # neither the page nor a stand-down for it
    told = about(bot, "au-officer", rid)
    assert not any("not acknowledged in time" in m for m in told), told
    assert told[-1] == f"{rid} was acknowledged by Niran Example (Thailand)."
    reason = f"withdrawn: {rid} was acknowledged before it was delivered"
    assert await bot.rows(WITHDRAWN) == [("th-deputy", reason), ("au-officer", reason)]
    [(audited,)] = await bot.rows("SELECT detail FROM audit WHERE action = 'message.withdrawn'")
    assert audited == "2 held, acknowledged meanwhile"
    await bot.stop()


async def test_a_page_already_delivered_is_not_withdrawn_and_its_reader_is_stood_down(
    tmp_path: Path,
) -> None:
    bot = await started(tmp_path, datetime(2027, 3, 9, 15, 40, tzinfo=UTC), quiet=True)
    rid = await file(bot, "TH #info Routine check on a fishing boat")
    await bot.advance(timedelta(hours=9))  # released at 07:00 and delivered
    await bot.say("th-deputy", f"/ack {rid}")
    assert await bot.rows(WITHDRAWN) == []
    assert bot.last("th-fp") == (
        f"{rid} was taken by Nirana Deputy-Example (Thailand); no need for you to act on it."
    )
    await bot.stop()


# --- 5. whom a request may be referred to ----------------------------------------------------
async def test_a_referral_to_someone_who_cannot_take_the_request_is_refused(bot: Harness) -> None:
    rid = await file(bot, "TH #info refer edge")
    before = await counts(bot)
    refusals = {
        "admin": "Sam Admin-Example does not handle requests; refer R-2026-0001 to a country, "
        "or to an officer, focal point, deputy focal point or co-chair by id.",
        "au-fp": "R-2026-0001 comes from Australia, and Alex Example is in Australia; refer it "
        "to someone in another member country.",
    }
    for target, refusal in refusals.items():
        assert await bot.say("th-fp", f"/refer {rid} {target} please look") == [refusal]
    assert await counts(bot) == before
    assert await bot.rows("SELECT target_country, target_person, status FROM requests") == [
        ("TH", None, "open")
    ]
    assert "comes from Australia" in (await bot.say("th-fp", f"/refer {rid} au-deputy"))[0]
    # a co-chair of another country can take it on (co-chairs may act on any request)
    assert await bot.say("th-fp", f"/refer {rid} lk-cochair please decide") == [
        f"{rid} referred to Kumari Cochair-Example (Sri Lanka)."
    ]
    assert "You acknowledged" in (await bot.say("lk-cochair", f"/ack {rid}"))[0]


# --- 6. a referral tells whoever was working on it -------------------------------------------
async def test_a_referral_tells_whoever_acknowledged_the_request(bot: Harness) -> None:
    rid = await file(bot, "TH #mla Need bank records")
    await bot.say("th-deputy", f"/ack {rid}")
    await bot.say("nz-cochair", f"/refer {rid} MY bank branch is in Johor")
    assert bot.last("th-deputy") == f"{rid} was referred to Malaysia; you no longer need to act."
    assert not any("referred to Malaysia" in m for m in bot.inbox("th-fp"))  # told it was taken


async def test_a_referral_tells_those_it_was_escalated_to(bot: Harness) -> None:
    rid = await file(bot)  # urgent
    await bot.advance(timedelta(minutes=31))
    await bot.advance(timedelta(minutes=31))
    await bot.say("th-fp", f"/refer {rid} MY The vessel is registered in Malaysia")
    released = f"{rid} was referred to Malaysia; you no longer need to act."
    for person in ("th-deputy", "nz-cochair", "lk-cochair"):
        assert bot.last(person) == released, person
    assert not any(released in m for m in bot.inbox("th-fp"))  # the one who referred it
    await bot.advance(timedelta(minutes=31))  # Malaysia's round: its deputy, not the co-chairs
    assert "escalated to the deputy focal point" in bot.last("my-deputy")
    await bot.say("my-fp", f"/ack {rid}")
    assert "It was escalated to you; no need to act on it." in bot.last("my-deputy")
    for person in ("th-deputy", "nz-cochair", "lk-cochair"):  # out of it since the referral
        assert bot.last(person) == released, person


# --- 7. the whole answering side sees the conversation ---------------------------------------
async def test_everyone_on_the_answering_side_who_took_part_sees_the_conversation(
    tmp_path: Path,
) -> None:
    bot = await started(tmp_path, colleagues=True)
    rid = await bot.file_request("TH #arrest is he in custody?", by="us-officer")
    await bot.say("th-fp2", f"/ack {rid}")
    await bot.say("th-fp", f"/reply {rid} We have him")
    assert "We have him" in bot.last("th-fp2")  # the colleague who acknowledged sees the answer
    await bot.say("us-officer", f"/reply {rid} Great, please send the custody record")
    for person in ("th-fp", "th-fp2"):
        assert "please send the custody record" in bot.last(person), person
    await bot.say("th-fp2", f"/reply {rid} Record attached to the case file")
    assert "Record attached" in bot.last("th-fp")
    assert "Record attached" in bot.last("us-officer")
    await bot.say("us-officer", f"/close {rid} thanks")
    for person in ("th-fp", "th-fp2"):
        assert "was closed by Jordy Officer-Example" in bot.last(person), person
    await bot.stop()


# --- 8. files off ----------------------------------------------------------------------------
async def test_with_files_off_a_request_or_answer_is_kept_and_only_its_file_refused(
    tmp_path: Path,
) -> None:
    bot = await started(tmp_path)  # no FOCALBOT_FILES_KEY: files are off
    photo = write(tmp_path, "p.png", png())
    [filed] = await bot.say("au-officer", "/request TH #victim Passport attached", files=[photo])
    assert filed.startswith("Request R-2026-0001 sent to Thailand (routine, victim support).")
    assert filed.endswith(" Files are not enabled on this bot, so I did not keep your file.")
    assert "Passport attached" in bot.last("th-fp")
    [sent] = await bot.say("th-fp", "/reply R-2026-0001 Seen, thanks", files=[photo, photo])
    assert sent == (
        "Sent on R-2026-0001. Files are not enabled on this bot, so I did not keep your 2 files."
    )
    assert "Seen, thanks" in bot.last("au-officer")
    before = await counts(bot)
    off = "Files are not enabled on this bot, so I did not keep yours; nothing was changed."
    assert await bot.say("au-officer", "/attach R-2026-0001", files=[photo]) == [off]
    assert await bot.say("au-officer", "", files=[photo]) == [off]  # nothing to do but keep it
    assert await counts(bot) == before
    assert await bot.rows("SELECT COUNT(*) FROM request_files") == [(0,)]
    await bot.stop()
