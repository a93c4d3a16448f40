"""Assistance requests end to end: an Australian officer, Thailand's focal point and deputy,
Malaysia's focal point, the co-chairs — the real core on a real database."""

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import ShiftedClock
from tests.harness import Harness

RID = "R-2026-0001"


async def file(bot: Harness, text: str = "TH urgent #victim Two women need shelter") -> str:
    answer = await bot.say("au-officer", f"/request {text}")
    assert answer and answer[0].startswith("Request R-"), answer
    return answer[0].split()[1]


async def counts(bot: Harness) -> tuple[int, int, int, int]:
    """Requests, thread messages, audit rows, timers: what 'changes nothing' is checked on."""
    rows = await bot.rows(
        "SELECT (SELECT COUNT(*) FROM requests), (SELECT COUNT(*) FROM request_messages), "
        "(SELECT COUNT(*) FROM audit), (SELECT COUNT(*) FROM timers)"
    )
    return rows[0]


async def test_happy_path_file_ack_reply_close(bot: Harness) -> None:
    rid = await file(bot)
    routed = bot.last("th-fp")
    assert rid in routed and "URGENT" in routed and "Two women need shelter" in routed
    assert "victim support" in routed
    # chats are delivered side by side: the order across two chats is not promised
    [to_focal_point] = [d.message for d in bot.chat.sent if d.message.address == "th-fp"]
    assert to_focal_point.buttons[0].command == f"/ack {rid}"

    assert "You acknowledged" in (await bot.say("th-fp", f"/ack {rid}"))[0]
    assert "acknowledged by Niran Example (Thailand)" in bot.last("au-officer")

    await bot.say("th-fp", f"/reply {rid} Shelter in Hat Yai can take them")
    assert "Shelter in Hat Yai can take them" in bot.last("au-officer")
    await bot.say("au-officer", f"/reply {rid} Thank you, sending names")
    assert "Thank you, sending names" in bot.last("th-fp")

    shown = (await bot.say("au-officer", f"/show {rid}"))[0]
    assert "Status: answered" in shown
    assert shown.index("Two women") < shown.index("Hat Yai") < shown.index("sending names")

    assert (await bot.say("au-officer", f"/close {rid} Both placed in shelter")) == [
        f"{rid} is closed."
    ]
    assert "Both placed in shelter" in bot.last("th-fp")
    statuses = await bot.rows("SELECT status, outcome FROM requests")
    assert statuses == [("closed", "Both placed in shelter")]
    audited = "SELECT action FROM audit WHERE action LIKE 'request.%' ORDER BY id"
    actions = [r[0] for r in await bot.rows(audited)]
    assert actions == [
        "request.filed",
        "request.acknowledged",
        "request.reply",
        "request.reply",
        "request.closed",
    ]


async def test_ids_count_up_per_year(bot: Harness) -> None:
    assert await file(bot) == "R-2026-0001"
    assert await file(bot, "MY routine Vessel KM Jaya 7 registration") == "R-2026-0002"


async def test_escalation_to_deputy_then_co_chairs(bot: Harness) -> None:
    rid = await file(bot)
    assert await bot.advance(timedelta(minutes=29)) == 0
    assert await bot.advance(timedelta(minutes=2)) == 1
    assert "escalated to the deputy focal point" in bot.last("th-deputy")
    assert rid in bot.last("th-deputy")
    assert "escalated it to the deputy focal point" in bot.last("au-officer")
    assert bot.inbox("nz-cochair") == []

    assert await bot.advance(timedelta(minutes=31)) == 1
    assert "escalated to the co-chairs" in bot.last("nz-cochair")
    assert "escalated to the co-chairs" in bot.last("lk-cochair")
    assert "escalated it to the co-chairs" in bot.last("au-officer")
    assert await bot.advance(timedelta(days=3)) == 0  # nothing further is armed


async def test_acknowledgement_stops_escalation(bot: Harness) -> None:
    rid = await file(bot)
    await bot.press("th-fp", f"/ack {rid}")
    await bot.advance(timedelta(hours=2))
    assert bot.inbox("th-deputy") == []
    assert bot.inbox("nz-cochair") == []


async def test_escalated_deputy_can_acknowledge(bot: Harness) -> None:
    rid = await file(bot)
    await bot.advance(timedelta(minutes=31))
    assert "You acknowledged" in (await bot.press("th-deputy", f"/ack {rid}"))[0]
    await bot.advance(timedelta(hours=1))
    assert bot.inbox("nz-cochair") == []


async def test_country_without_deputy_escalates_straight_to_co_chairs(bot: Harness) -> None:
    await file(bot, "VN urgent Check passport N1234567")
    await bot.advance(timedelta(minutes=31))
    assert "escalated to the co-chairs" in bot.last("nz-cochair")


async def test_routine_limit_is_a_day(bot: Harness) -> None:
    await file(bot, "TH Check vessel owner")
    assert await bot.advance(timedelta(hours=23)) == 0
    assert await bot.advance(timedelta(hours=2)) == 1


async def test_pressing_acknowledge_twice_has_one_effect(bot: Harness) -> None:
    rid = await file(bot)
    await bot.press("th-fp", f"/ack {rid}")
    second = await bot.press("th-fp", f"/ack {rid}")
    assert "already acknowledged" in second[0]
    assert len([m for m in bot.inbox("au-officer") if "acknowledged by" in m]) == 1
    assert (await bot.rows("SELECT COUNT(*) FROM audit WHERE action = 'request.acknowledged'")) == [
        (1,)
    ]


async def test_redelivered_event_changes_nothing(bot: Harness) -> None:
    await bot.say("au-officer", "/request TH routine Vessel check", event_id="tg-1")
    await bot.say("au-officer", "/request TH routine Vessel check", event_id="tg-1")
    await bot.restart()  # the in-memory recent-events cache is gone; the database remembers
    await bot.say("au-officer", "/request TH routine Vessel check", event_id="tg-1")
    assert await bot.rows("SELECT COUNT(*) FROM requests") == [(1,)]
    assert len(bot.inbox("th-fp")) == 0  # after restart: nothing sent again


async def test_referral_to_another_country(bot: Harness) -> None:
    rid = await file(bot)
    await bot.say("th-fp", f"/ack {rid}")
    answer = await bot.say("th-fp", f"/refer {rid} MY The vessel is registered in Malaysia")
    assert answer == [f"{rid} referred to Malaysia."]
    assert "Referred to you by Niran Example" in bot.last("my-fp")
    assert "registered in Malaysia" in bot.last("my-fp")
    assert "referred to Malaysia" in bot.last("au-officer")
    assert "You acknowledged" in (await bot.say("my-fp", f"/ack {rid}"))[0]
    # Thailand still sees the request it was part of, but now only Malaysia answers it.
    assert "Status: acknowledged" in (await bot.say("th-fp", f"/show {rid}"))[0]
    await bot.say("my-fp", f"/reply {rid} Owner identified")
    assert "Owner identified" in bot.last("au-officer")
    await bot.say("th-fp", "/language th")  # the thread's note names the country in Thai
    shown = (await bot.say("th-fp", f"/show {rid}"))[0]
    assert "มาเลเซีย: The vessel is registered in Malaysia" in shown, shown
    assert "Malaysia: The vessel" not in shown


async def test_referral_restarts_the_acknowledgement_clock(bot: Harness) -> None:
    rid = await file(bot)
    await bot.advance(timedelta(minutes=20))
    await bot.say("th-fp", f"/refer {rid} MY over to you")
    await bot.advance(timedelta(minutes=15))  # the first round's timer is now stale
    assert bot.inbox("th-deputy") == []
    await bot.advance(timedelta(minutes=20))
    assert "escalated to the deputy" in bot.last("my-deputy")


async def test_referral_to_a_person(bot: Harness) -> None:
    rid = await file(bot)
    await bot.say("th-fp", f"/refer {rid} th-officer Please take this one")
    assert "Please take this one" in bot.last("th-officer")
    assert "You acknowledged" in (await bot.say("th-officer", f"/ack {rid}"))[0]


async def test_outsiders_get_no_such_request(bot: Harness) -> None:
    rid = await file(bot)
    before = await counts(bot)
    for person, command in [
        ("my-fp", f"/show {rid}"),
        ("my-fp", f"/ack {rid}"),
        ("my-fp", f"/reply {rid} hi"),
        ("my-fp", f"/close {rid}"),
        ("us-fp", f"/show {rid}"),  # (Australia's focal point sees what Australia asked)
        ("th-officer", f"/ack {rid}"),
        ("my-fp", "/show R-2026-0999"),
    ]:
        answer = await bot.say(person, command)
        assert answer[0].startswith("No such request"), (person, command, answer)
    assert await counts(bot) == before
    hidden = (await bot.say("my-fp", f"/show {rid}"))[0]
    missing = (await bot.say("my-fp", "/show R-2026-0999"))[0]
    assert hidden.replace(rid, "X") == missing.replace("R-2026-0999", "X")


async def test_requester_cannot_acknowledge_own_request(bot: Harness) -> None:
    rid = await file(bot)
    before = await counts(bot)
    assert "only they (or a co-chair)" in (await bot.say("au-officer", f"/ack {rid}"))[0]
    assert await counts(bot) == before


async def test_co_chair_sees_everything(bot: Harness) -> None:
    rid = await file(bot)
    assert rid in (await bot.say("lk-cochair", "/requests"))[0]
    assert "Two women" in (await bot.say("lk-cochair", f"/show {rid}"))[0]


async def test_focal_point_lists_country_requests(bot: Harness) -> None:
    rid = await file(bot)
    assert rid in (await bot.say("th-fp", "/requests"))[0]
    assert rid in (await bot.say("th-deputy", "/requests"))[0]
    assert "No open requests" in (await bot.say("th-officer", "/requests"))[0]
    assert "No open requests" in (await bot.say("my-fp", "/requests"))[0]


@pytest.mark.parametrize(
    ("person", "text", "expected"),
    [
        ("au-officer", "/request XX urgent help", "I don't know the country 'XX'"),
        ("au-officer", "/request AU help at home", "your own country"),
        ("au-officer", "/request TH", "Please say what you need"),
        ("au-officer", "/request", "Which country"),
        ("au-officer", "/request TH urgent    ", "Please say what you need"),
        ("au-officer", "/request th urgnet #victim help", "Did you mean urgent? Write urgent"),
        ("au-officer", "/request TH Urgen help", "/request TH urgent <what you need>"),
        ("au-officer", "/request TH urgnet! two women", "Did you mean urgent?"),
        ("au-officer", "/request TH " + "x" * 3001, "the limit is 3,000"),
        ("au-officer", "/ack", "Which request"),
        ("au-officer", "/ack R-2026-0042", "No such request: R-2026-0042"),
        ("au-officer", "/ack 42", "not a request id"),
        ("au-officer", "/reply", "Which request"),
        ("au-officer", f"/reply {RID}", "add the text"),
        ("au-officer", "/close", "Which request"),
        ("au-officer", "/refer", "Which request"),
        ("th-fp", f"/refer {RID}", "To whom? Add a country code or a person's id after the"),
        ("au-officer", "/reqest TH hi", "the closest command is /request."),
        ("au-officer", "/stauts", "I don't know /stauts. /help lists"),  # /status: co-chairs'
        ("nz-cochair", "/stauts", "the closest command is /status."),
        ("au-officer", "hello bot", "I only understand commands"),
        ("admin", "/request TH help", "not available to you"),
    ],
)
async def test_bad_input_gets_a_clear_answer_and_changes_nothing(
    bot: Harness, person: str, text: str, expected: str
) -> None:
    before = await counts(bot)
    answer = await bot.say(person, text)
    assert len(answer) == 1 and expected in answer[0], answer
    assert await counts(bot) == before


async def test_start_is_help_on_every_channel(bot: Harness) -> None:
    """The first thing many chat apps send; on the console it was "I don't know /start. Did
    you mean /status?" (a co-chairs' command) to an officer."""
    [answer] = await bot.say("au-officer", "/start")
    assert "commands you can use" in answer and "/request" in answer, answer
    [deep_link] = await bot.say("au-officer", "/start ref-42")  # a link's payload is not a topic
    assert deep_link == answer


async def test_missing_arguments_show_usage_and_example(bot: Harness) -> None:
    answer = (await bot.say("au-officer", "/request TH"))[0]
    assert "Usage: /request <COUNTRY>" in answer and "Example: /request TH urgent" in answer


async def test_refer_to_unknown_target_changes_nothing(bot: Harness) -> None:
    rid = await file(bot)
    before = await counts(bot)
    assert "I don't know 'ZZ'" in (await bot.say("th-fp", f"/refer {rid} ZZ note"))[0]
    assert await counts(bot) == before


async def test_closed_request_cannot_change(bot: Harness) -> None:
    rid = await file(bot)
    await bot.say("au-officer", f"/close {rid}")
    before = await counts(bot)
    assert "closed" in (await bot.say("th-fp", f"/reply {rid} late answer"))[0]
    assert "closed" in (await bot.say("th-fp", f"/ack {rid}"))[0]
    assert await counts(bot) == before


async def test_stranger_is_refused_politely_and_admins_told_once(bot: Harness) -> None:
    for i in range(5):
        answer = await bot.say("mallory", f"/request TH attempt {i}")
        assert answer == (
            []
            if i
            else [
                "Sorry, I can't help you here. If you work with the group, ask your administrator "
                "to add you to the directory."
            ]
        )
    alerts = [m for m in bot.inbox("admin") if "not in the directory" in m]
    assert len(alerts) == 1 and "mallory" in alerts[0]
    assert await bot.rows("SELECT COUNT(*) FROM requests") == [(0,)]


async def test_group_chat_shows_no_casework(bot: Harness) -> None:
    rid = await file(bot)
    answer = await bot.say("th-fp", f"/show {rid}", chat_id="group-1", private=False)
    assert bot.chat.to("group-1") == [
        "Please message me privately for that; I don't show casework in groups."
    ]
    assert answer == []
    await bot.say("th-fp", "/help", chat_id="group-1", private=False)
    assert "/request" in bot.chat.to("group-1")[-1]


async def test_group_chatter_is_ignored_and_not_recorded(bot: Harness) -> None:
    before = await bot.rows("SELECT COUNT(*) FROM inbound")
    await bot.say("th-fp", "lunch at noon?", chat_id="group-1", private=False, addressed=False)
    assert bot.chat.to("group-1") == []
    assert await bot.rows("SELECT COUNT(*) FROM inbound") == before


async def test_help_lists_only_what_the_person_may_run_with_examples(bot: Harness) -> None:
    officer = bot.app.ctx.directory.people["au-officer"]
    every = (await bot.say("au-officer", "/help all"))[0]
    for spec in bot.app.registry.available_to(officer):
        assert spec.usage in every and spec.example in every
    assert "/broadcast" not in every
    admin_help = (await bot.say("admin", "/help all"))[0]
    assert "/request <COUNTRY>" not in admin_help
    one = (await bot.say("au-officer", "/help request"))[0]
    assert one.startswith("/request <COUNTRY>") and "Example:" in one


async def test_help_overview_names_each_command_under_its_heading_in_one_short_message(
    bot: Harness,
) -> None:
    for person in bot.app.ctx.directory.people.values():
        [overview] = await bot.say(person.id, "/help")
        registry = bot.app.registry
        mine = {s.name for s in registry if any(v.allows(person) for v in s.variants())}
        named = set(re.findall(r"(?<=\s)/([a-z]+)\b", overview.split("\n\n")[0]))
        assert named == mine, person.id  # every command it may run, and no other
        assert len(overview) < 600, (person.id, len(overview))  # one phone screen
    [cochair] = await bot.say("nz-cochair", "/help")
    assert "\nBroadcasts and reports: /broadcast /report\n" in cochair
    assert "/help all explains them all" in cochair and "Tiếng Việt" in cochair
    [officer] = await bot.say("au-officer", "/help")
    assert "Broadcasts and reports" not in officer  # a heading with nothing for them is left out
    [admin] = await bot.say("admin", "/help")  # never a party to a request: only the listing
    assert "\nRequests: /requests\n" in admin and "/revoke" in admin


async def test_help_on_one_command_explains_each_form_the_person_may_run(bot: Harness) -> None:
    [cochair] = await bot.say("nz-cochair", "/help /period")
    forms = [form.split("\n") for form in cochair.split("\n\n")]
    assert [form[0].split(" ")[:2] for form in forms] == [
        ["/period", "[CODE]"],
        ["/period", "open"],
        ["/period", "confirm"],
        ["/period", "cancel"],
        ["/period", "close"],
        ["/period", "reopen"],
    ]
    assert all(form[2].startswith("Example: /period") for form in forms)
    [officer] = await bot.say("au-officer", "/help period")
    assert officer == (
        "/period [CODE]\nThe current period of action: dates, countries, reporting windows.\n"
        "Example: /period"
    )
    [refused] = await bot.say("au-officer", "/help broadcast")
    assert refused == "There is no command /broadcast for you. /help lists yours."


async def test_whoami_names_person_country_and_roles(bot: Harness) -> None:
    answer = (await bot.say("th-deputy", "/whoami"))[0]
    assert "deputy focal point for Thailand" in answer and "th-deputy" in answer


async def test_every_state_change_is_audited_with_actor(bot: Harness) -> None:
    rid = await file(bot)
    await bot.say("th-fp", f"/ack {rid}")
    rows = await bot.rows(
        "SELECT actor, action, subject FROM audit WHERE action NOT LIKE 'person.%' "
        "AND action NOT LIKE 'state.%' ORDER BY id"
    )  # person.* rows: the directory loaded from bot.toml at start; state.*: what is stored
    assert rows == [("au-officer", "request.filed", rid), ("th-fp", "request.acknowledged", rid)]


async def test_per_person_request_limit(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from bot.config import LimitSettings
    from tests.harness import shipped_settings

    bot = await Harness(
        tmp_path / "bot.db", shipped_settings(limits=LimitSettings(requests_per_hour=3))
    ).start()
    for i in range(3):
        await file(bot, f"TH routine vessel {i}")
    refused = (await bot.say("au-officer", "/request TH routine vessel 4"))[0]
    assert "3 requests in the last hour, the most allowed" in refused
    assert "sent to Thailand" in (await bot.say("id-officer", "/request TH routine other"))[0]
    await bot.advance(timedelta(minutes=61))
    await file(bot, "TH routine vessel 5")
    assert await bot.rows("SELECT COUNT(*) FROM requests") == [(5,)]
    await bot.stop()


class FrozenClock(ShiftedClock):
    """Time that stands still unless advanced: every event lands in the same second."""

    def __init__(self) -> None:
        super().__init__()
        self.start = datetime.now(UTC).replace(microsecond=0)

    def now(self) -> datetime:
        return self.start + self.offset


async def test_requests_filed_in_the_same_second_are_listed_newest_first(tmp_path: Path) -> None:
    """Stored times have whole seconds; the request number decides among equal ones, on
    both engines (PostgreSQL moves an updated row, SQLite keeps the insertion order)."""
    bot = Harness(tmp_path / "bot.db")
    bot.clock = FrozenClock()
    await bot.start()
    officers = ["au-officer", "id-officer", "my-officer", "nz-officer"]
    ids = [await bot.file_request("TH routine Vessel check", by=who) for who in officers]
    await bot.say("th-fp", f"/ack {ids[2]}")  # an update: PostgreSQL rewrites the row
    [listed] = await bot.say("lk-cochair", "/requests")
    shown = [line.split()[0] for line in listed.splitlines()[1:] if line.startswith("R-")]
    assert shown == ids[::-1]
    await bot.stop()


async def test_an_unknown_category_lists_the_main_tags_once(bot: Harness) -> None:
    [refused] = await bot.say("au-officer", "/request TH #weird the vessel's owner")
    assert refused.startswith(
        "I don't know the category #weird. Use one of: #info #arrest #victim #mla #extradition "
        "#financial #other."
    ), refused
    assert await bot.rows("SELECT COUNT(*) FROM requests") == [(0,)]


def test_every_shown_tag_names_a_category_and_every_category_has_one() -> None:
    from bot.requests.repo import CATEGORIES, CATEGORY_TAGS, SHOWN_TAGS

    assert {CATEGORY_TAGS[t] for t in SHOWN_TAGS} == set(CATEGORIES)
    assert len(SHOWN_TAGS) == len(CATEGORIES)


async def test_urgent_with_punctuation_is_urgent_and_urgently_is_text(bot: Harness) -> None:
    await bot.say("au-officer", "/request TH URGENT! #victim Two women need shelter")
    await bot.say("au-officer", "/request TH urgently need shelter contacts")
    await bot.say("au-officer", "/request TH Regent Hotel CCTV for 3 May")  # a letter or two
    await bot.say("au-officer", "/request TH routine Urgnet is the vessel's name")  # as said
    rows = await bot.rows("SELECT urgency, category, text FROM requests ORDER BY seq")
    assert rows == [
        ("urgent", "victim support", "Two women need shelter"),
        ("routine", "information", "urgently need shelter contacts"),
        ("routine", "information", "Regent Hotel CCTV for 3 May"),
        ("routine", "information", "Urgnet is the vessel's name"),
    ]


@pytest.mark.parametrize(
    ("person", "text", "country", "urgency", "asked"),
    [
        ("au-officer", "/request Thailand urgent Two women need shelter", "TH", "urgent", ""),
        ("au-officer", "/request sri lanka #victim Two women", "LK", "routine", "Two women"),
        ("au-officer", "/request urgent New Zealand vessel MV Example", "NZ", "urgent", ""),
        ("au-officer", "/request Viet-Nam routine Check a passport", "VN", "routine", ""),
        ("th-officer", "/request มาเลเซีย ด่วน ตรวจสอบหนังสือเดินทาง", "MY", "urgent", ""),
        ("au-officer", "/request Thailand, urgent Two women need shelter", "TH", "urgent", ""),
        # CLDR writes "Myanmar (Burma)", "เมียนมา (พม่า)": each name alone is the country
        ("au-officer", "/request Burma routine Check a passport", "MM", "routine", ""),
        ("th-officer", "/request เมียนมา ตรวจสอบหนังสือเดินทาง", "MM", "routine", ""),
    ],
)
async def test_a_country_may_be_typed_by_its_name(
    bot: Harness, person: str, text: str, country: str, urgency: str, asked: str
) -> None:
    """In English, the group's spelling, or the person's own language (Malaysia in Thai for a
    Thai reader), over several words, before or after the urgency."""
    if person == "th-officer":
        await bot.say(person, "/language th")
    [answer] = await bot.say(person, text)
    assert "R-2026-0001" in answer, answer
    [(target, stored_urgency, stored_text)] = await bot.rows(
        "SELECT target_country, urgency, text FROM requests"
    )
    assert (target, stored_urgency) == (country, urgency)
    assert stored_text.startswith(asked) and country not in stored_text.split()[0]


async def test_a_word_that_names_no_member_is_still_refused(bot: Harness) -> None:
    before = await counts(bot)
    for typed in ("Atlantis", "France", "Thai", "United Kingdom", "urgent United Kingdom"):
        [answer] = await bot.say("au-officer", f"/request {typed} help")
        named = typed.removeprefix("urgent ")
        assert answer.startswith(f"I don't know the country '{named}'"), answer
    assert await counts(bot) == before


async def test_a_refusal_after_a_country_typed_by_name_suggests_its_code(bot: Harness) -> None:
    [answer] = await bot.say("au-officer", "/request Thailand urgnet help")
    assert "/request TH urgent <what you need>" in answer, answer
