"""Requests as users met them in a trial: a request sent twice is filed once; the time to
acknowledge says when it really ends over a weekend or a holiday; /requests shows each
request's state in time and reads country codes in any case, several countries as "any of
them" and quoted words as one phrase; an id followed by punctuation is still an id;
contradictory urgency words or two categories are asked about; a handover reads in each
reader's language."""

from __future__ import annotations

import gettext
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.config import Person, load_settings
from bot.i18n.catalogs import install_override
from tests.harness import SHIPPED_CONFIG, Harness, shipped_settings
from tests.returns_support import move_to

SHIPPED = load_settings(SHIPPED_CONFIG)
SHELTER = "TH #victim Two minors found at Don Mueang need interpreter"


async def counts(bot: Harness) -> tuple[int, int, int, int]:
    """Requests, thread messages, audit rows, outbox rows: what 'changes nothing' is checked on."""
    rows = await bot.rows(
        "SELECT (SELECT COUNT(*) FROM requests), (SELECT COUNT(*) FROM request_messages), "
        "(SELECT COUNT(*) FROM audit), (SELECT COUNT(*) FROM outbox)"
    )
    return rows[0]


async def working_clock(tmp_path: Path, at: datetime) -> Harness:
    """The shipped working-day escalation clock (quiet hours off), the clock at ``at``."""
    bot = Harness(tmp_path / "bot.db", shipped_settings(requests=SHIPPED.requests))
    move_to(bot, at)
    return await bot.start()


# --- 1. a request sent twice ----------------------------------------------------------------
async def test_the_same_request_sent_again_is_not_filed_twice(bot: Harness) -> None:
    rid = await bot.file_request(SHELTER)
    before, paged = await counts(bot), len(bot.inbox("th-fp"))
    [again] = await bot.say(
        "au-officer", "/request  th #victim two minors FOUND at Don Mueang\nneed   interpreter"
    )
    assert f"as {rid}, which is still open, so I did not file it again" in again, again
    assert f"/reply {rid} <text>" in again and "tells the two apart" in again
    assert await counts(bot) == (before[0], before[1], before[2], before[3] + 1)  # the answer
    assert len(bot.inbox("th-fp")) == paged  # not paged twice
    # safe to send yet again: the same answer, nothing filed
    assert (await bot.say("au-officer", f"/request {SHELTER}"))[0].startswith("You sent this")
    assert await bot.rows("SELECT COUNT(*) FROM requests") == [(1,)]


async def test_a_different_text_a_later_time_or_a_closed_one_is_filed(bot: Harness) -> None:
    first = await bot.file_request(SHELTER)
    assert await bot.file_request(SHELTER + " (Thai and Lao)") != first  # told apart
    assert await bot.file_request(SHELTER.replace("TH", "MY")) != first  # another country
    await bot.advance(timedelta(minutes=11))
    later = await bot.file_request(SHELTER)  # the first is not recent any more
    await bot.say("au-officer", f"/close {later} Sent twice")
    assert await bot.file_request(SHELTER) != later  # the recent one is closed
    # someone else sending the same words files their own
    assert await bot.file_request(SHELTER, by="nz-officer")


# --- 2. the time to acknowledge over a weekend or a holiday -------------------------------
async def test_a_weekend_and_a_holiday_move_the_time_to_acknowledge_and_say_why(
    tmp_path: Path,
) -> None:
    # Friday 4 December 2026, 17:35 in Bangkok; Monday 7th is a Thai public holiday
    bot = await working_clock(tmp_path, datetime(2026, 12, 4, 10, 35, tzinfo=UTC))
    [filed] = await bot.say("au-officer", "/request TH #info Please check passport AB123456")
    assert "24 hours to acknowledge" not in filed
    assert "has 24 hours of working time to acknowledge, until Dec 8, 2026, 21:35 UTC+11" in (
        filed
    ), filed
    assert "days off in Thailand do not count: weekend, HM King Bhumibol" in filed
    [shown] = await bot.say("au-officer", "/show R-2026-0001")
    assert "Acknowledge by: Dec 8, 2026, 21:35 UTC+11" in shown  # the same moment
    await bot.stop()


async def test_a_request_filed_on_a_holiday_names_the_holiday(tmp_path: Path) -> None:
    bot = await working_clock(tmp_path, datetime(2026, 12, 7, 3, 0, tzinfo=UTC))
    [filed] = await bot.say("au-officer", "/request TH Please check passport AB123456")
    assert "until Dec 9, 2026, 04:00 UTC+11" in filed, filed  # all of Tuesday in Bangkok
    assert "do not count: HM King Bhumibol" in filed and "weekend" not in filed
    # Tuesday 15th, a working day before a working day (Thursday 10th is Constitution Day): the
    # limit as it is, as before
    await bot.advance(timedelta(days=8))
    [plain] = await bot.say("au-officer", "/request TH Please check passport CD654321")
    assert "Their focal point has 24 hours to acknowledge; I will tell you" in plain, plain
    # an urgent request's clock never stops
    [urgent] = await bot.say("au-officer", "/request MY urgent Vessel KM Jaya 7")
    assert "has 30 minutes to acknowledge;" in urgent
    await bot.stop()


# --- 3. /requests: where each stands in time; countries in any case, any of several --------
def lines_of(answer: list[str]) -> dict[str, str]:
    """A /requests answer's request lines by id."""
    assert len(answer) == 1, answer
    return {line.split()[0]: line for line in answer[0].splitlines() if line.startswith("R-")}


async def test_a_cochair_sees_which_requests_are_overdue_and_how_far_escalated(
    bot: Harness,
) -> None:
    urgent = await bot.file_request("TH urgent #victim Two women need shelter")
    vn = await bot.file_request("VN urgent Check passport N1234567")  # VN has no deputy
    routine = await bot.file_request("MY Vessel KM Jaya 7 registration")
    acked = await bot.file_request("ID Crew list of KM Jaya 7")
    await bot.say("id-fp", f"/ack {acked}")
    await bot.advance(timedelta(minutes=31))
    [(due,)] = await bot.rows("SELECT ack_due_at FROM requests WHERE id = ?", [routine])
    lines = lines_of(await bot.say("nz-cochair", "/requests"))
    assert "URGENT open, overdue, escalated to the deputy  AU→TH" in lines[urgent]
    assert "URGENT open, overdue, escalated to the co-chairs  AU→VN" in lines[vn]
    when = datetime.fromisoformat(due).astimezone(ZoneInfo("Pacific/Auckland"))
    assert f"open, ack due {when:%b} {when.day}, {when:%Y, %H:%M} UTC+13  AU→MY" in lines[routine]
    assert f"{acked}  acknowledged  AU→ID" in lines[acked]  # nothing owed in time
    await bot.advance(timedelta(minutes=31))
    lines = lines_of(await bot.say("lk-cochair", "/requests TH"))
    assert "overdue, escalated to the co-chairs" in lines[urgent]


async def test_country_codes_in_any_case_several_as_any_and_quoted_words(bot: Harness) -> None:
    th = await bot.file_request("TH #arrest Suspect left Phuket with the vessel")
    my = await bot.file_request("MY #victim Two women need shelter")
    vn = await bot.file_request("VN #info Passport N1234567, quoted words here")
    [lower] = await bot.say("nz-cochair", "/requests th")
    assert lower.startswith("Open requests you can see matching Thailand (1):") and th in lower
    [either] = await bot.say("nz-cochair", "/requests TH my")
    assert either.startswith("Open requests you can see matching Thailand or Malaysia (2):")
    assert set(lines_of([either])) == {th, my}
    assert set(lines_of(await bot.say("nz-cochair", "/requests th MY #victim"))) == {my}
    [quoted] = await bot.say("nz-cochair", '/requests "QUOTED   words"')
    assert quoted.startswith('Open requests you can see matching "QUOTED words" (1):'), quoted
    assert set(lines_of([quoted])) == {vn}
    [curly] = await bot.say("nz-cochair", "/requests “words quoted”")
    assert curly == 'Open requests you can see: none match "words quoted".'
    [phrase] = await bot.say("nz-cochair", '/requests "th"')  # quoted: a word, not Thailand
    assert 'matching "th" (1)' in phrase and set(lines_of([phrase])) == {th}
    [unknown] = await bot.say("nz-cochair", "/requests XX")
    assert "I don't know the country 'XX'" in unknown


async def test_no_command_is_suggested_to_someone_who_cannot_file(bot: Harness) -> None:
    assert await bot.say("admin", "/requests") == ["No open requests for you."]
    [officer] = await bot.say("au-officer", "/requests")
    assert officer == "No open requests for you. File one with /request <COUNTRY> <text>."


# --- 4. punctuation after an id -------------------------------------------------------------
async def test_an_id_followed_by_punctuation_is_still_the_id(bot: Harness) -> None:
    rid = await bot.file_request("TH urgent #victim Two women need shelter")
    assert "You acknowledged" in (await bot.say("th-fp", f"/ack {rid}."))[0]
    assert (await bot.say("th-fp", f"/reply {rid}: noted, on it")) == [f"Sent on {rid}."]
    assert bot.last("au-officer").endswith(
        f"wrote:\nnoted, on it\n\n(/reply {rid} <text> to answer)"
    )
    assert (await bot.say("au-officer", "/show r-2026-1;"))[0].startswith(f"URGENT Request {rid}")
    [refused] = await bot.say("th-fp", f"/refer {rid}:")
    assert f"/refer {rid} MY <note>" in refused  # the id as it is, in the example
    assert (await bot.say("au-officer", f"/close {rid}, done")) == [f"{rid} is closed."]
    assert await bot.rows("SELECT status, outcome FROM requests") == [("closed", "done")]
    [still] = await bot.say("au-officer", f"/show {rid}:-")
    assert f"'{rid}:-' is not a request id" in still


# --- 5. contradictory urgency words, two categories -----------------------------------------
async def test_urgent_and_routine_together_are_asked_about_and_change_nothing(
    bot: Harness,
) -> None:
    before = await counts(bot)
    for words in ("routine urgent", "URGENT routine!", "urgent, routine"):
        [asked] = await bot.say("au-officer", f"/request th {words} Vessel KM Jaya 7 check")
        assert asked.startswith("Urgent or routine? You wrote both"), asked
        assert "/request TH urgent <what you need>" in asked
    assert (await counts(bot))[:3] == before[:3]
    assert bot.inbox("th-fp") == []
    [urgent] = await bot.say("au-officer", "/request TH urgent urgent Vessel KM Jaya 7 check")
    assert "(urgent, information)" in urgent  # the same word twice is no contradiction


async def test_two_categories_are_asked_about_and_change_nothing(bot: Harness) -> None:
    before = await counts(bot)
    [asked] = await bot.say("au-officer", "/request TH #info #Arrest Passport check")
    assert asked.startswith(
        "One category per request, please: #info or #arrest? Send it again with the one that "
        "fits best: /request TH #info <what you need>"
    ), asked
    assert (await counts(bot))[:3] == before[:3] and bot.inbox("th-fp") == []
    [once] = await bot.say("au-officer", "/request TH #info #information Passport check")
    assert "(routine, information)" in once
    [(text,)] = await bot.rows("SELECT text FROM requests")
    assert text == "Passport check"  # the tag said twice is taken once
    [tagged] = await bot.say("au-officer", "/request MY #info #KMJaya7 crew list")
    assert "sent to Malaysia" in tagged  # a hashtag that names no category is text
    assert ("#KMJaya7 crew list",) in await bot.rows("SELECT text FROM requests")


# --- 6. a handover in the thread, in each reader's language ---------------------------------
class MarkedThai(gettext.NullTranslations):
    """Every translated string in ⟦…⟧ (as in tests/test_requests_languages.py)."""

    def gettext(self, message: str) -> str:
        return f"⟦{message}⟧"

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return f"⟦{msgid1 if n == 1 else msgid2}⟧"


async def test_a_handover_in_the_thread_is_written_in_the_readers_language_with_names(
    tmp_path: Path,
) -> None:
    shipped = shipped_settings()
    thai = tuple(
        p.model_copy(update={"language": "th"}) if p.id == "th-deputy" else p
        for p in shipped.people
    )
    successor = Person(
        id="th-fp2", name="Somchai Successor-Example", country="TH", roles=("focal_point",)
    )
    bot = Harness(tmp_path / "bot.db", shipped_settings(people=(*thai, successor)))
    await bot.start()
    install_override("th", MarkedThai())
    try:
        rid = await bot.file_request("TH #info Passport check for a suspect")
        await bot.say("th-fp", f"/ack {rid}")
        [done] = await bot.say("nz-cochair", "/handover th-fp th-fp2")
        assert "1 open request" in done, done
        [english] = await bot.say("au-officer", f"/show {rid}")
        assert english.endswith(
            "FocalPoint · handover: handed over from Niran Example (Thailand) to "
            "Somchai Successor-Example (Thailand)"
        ), english
        [in_thai] = await bot.say("th-deputy", f"/show {rid}")
        assert in_thai.endswith(
            "FocalPoint · ⟦handover⟧: ⟦handed over from ⟦Niran Example (ไทย)⟧ to "
            "⟦Somchai Successor-Example (ไทย)⟧⟧⟧"
        ), in_thai
        assert "th-fp" not in in_thai.splitlines()[-1]
        # the row keeps only the two ids (as rows written before did): names come at read time
        stored = "SELECT text FROM request_messages WHERE kind = 'handover'"
        assert await bot.rows(stored) == [("handed over from th-fp to th-fp2",)]
    finally:
        install_override("th", None)
        await bot.stop()


async def test_urgency_may_follow_the_category(bot: Harness) -> None:
    [urgent] = await bot.say("au-officer", "/request TH #arrest urgent Suspect boarding TG402")
    assert "(urgent, arrest/warrant)" in urgent, urgent
    stored = await bot.rows("SELECT urgency, text FROM requests")
    assert stored == [("urgent", "Suspect boarding TG402")], stored
    [asked] = await bot.say("au-officer", "/request TH #arrest urgent routine Passport check")
    assert asked.startswith("Urgent or routine? You wrote both"), asked
    [routine] = await bot.say("au-officer", "/request TH #info Routine check on a boat")
    assert "(routine, information)" in routine, routine  # "Routine check" is what they wrote
    assert (await bot.rows("SELECT text FROM requests"))[-1] == ("Routine check on a boat",)


async def test_a_tab_after_the_category_parts_it_from_the_text(bot: Harness) -> None:
    """Pasted text keeps its tabs: "#info<TAB>Passport …" was an unknown category."""
    [filed] = await bot.say("au-officer", "/request TH #info\tPassport A1234567\tcheck")
    assert "(routine, information)" in filed, filed
    assert (await bot.rows("SELECT text FROM requests"))[-1] == ("Passport A1234567\tcheck",)


async def test_sent_again_as_urgent_is_a_new_urgent_request(bot: Harness) -> None:
    text = "Suspect John Doe boarding MV Sea Star"
    await bot.say("au-officer", f"/request TH #arrest {text}")
    [again] = await bot.say("au-officer", f"/request TH urgent #arrest {text}")
    assert "(urgent, arrest/warrant)" in again, again
    rows = await bot.rows("SELECT urgency FROM requests ORDER BY id")
    assert rows == [("routine",), ("urgent",)], rows
