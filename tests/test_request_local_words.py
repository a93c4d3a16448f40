"""The reader's own word for "urgent" (and for a category) files what it says.

`/help request` glosses the keyword in the reader's language (Thai ``'urgent' (ด่วน)``), but
typing that word filed a routine request (a day to acknowledge instead of 30 minutes) whose
text began with it, and the ``#victim`` after it was lost. And on a pointer-only channel the
sender's own confirmations, which hold no casework, came as "A message from FocalPoint awaits
you" instead of saying what was done.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.memory import MemoryAdapter
from bot.config import Settings
from bot.errors import UserError
from bot.i18n import LANGUAGES, _, render
from bot.requests.handlers import CATEGORY_NAMES, parse_new_request, parse_request_search
from tests.files_support import png, write
from tests.harness import Harness, shipped_settings

SHELTER = "Two women need shelter"
URGENT_WORDS = {"th": "ด่วน", "vi": "khẩn", "id": "mendesak", "ar": "عاجل"}
"""The words the trial typed: each catalog's translation of "urgent"."""


async def stored(bot: Harness) -> list[tuple[str, str, str]]:
    return await bot.rows("SELECT urgency, category, text FROM requests ORDER BY id")


# --- the urgency and category words, end to end ------------------------------------------
@pytest.mark.parametrize("language", sorted(URGENT_WORDS))
async def test_each_languages_urgent_word_files_an_urgent_request(
    bot: Harness, language: str
) -> None:
    word = URGENT_WORDS[language]
    assert render(_("urgent"), language) == word  # the word /help shows that reader
    [filed] = await bot.say("au-officer", f"/request TH {word} #victim {SHELTER}")
    assert filed.startswith("Request R-2026-0001 sent to Thailand (urgent, victim support). ")
    assert "30 minutes to acknowledge" in filed, filed
    assert await stored(bot) == [("urgent", "victim support", SHELTER)]
    relayed = bot.last("th-fp")  # the summary, a blank line, then what the officer wrote
    assert relayed.startswith("URGENT Request R-2026-0001") and relayed.endswith(f"\n\n{SHELTER}")


async def test_the_trials_thai_request_is_urgent_with_its_category(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`/request VN ด่วน #victim ทดสอบคำว่าด่วน` as the trial's Thai officer typed it: the
    word glued into the text stays text, and the confirmation names the urgency in Thai."""
    bot = await Harness(tmp_path / "bot.db", reading_thai("th-officer")).start()
    try:
        [filed] = await bot.say("th-officer", "/request VN ด่วน #victim ทดสอบคำว่าด่วน")
        assert filed.startswith("ส่งคำขอ R-2026-0001 ") and "(ด่วน, " in filed, filed
        assert await stored(bot) == [("urgent", "victim support", "ทดสอบคำว่าด่วน")]
        assert bot.last("vn-fp").endswith("\n\nทดสอบคำว่าด่วน")
    finally:
        await bot.stop()


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("TH urgent #victim " + SHELTER, ("urgent", "victim support", SHELTER)),
        ("TH #victim urgent " + SHELTER, ("urgent", "victim support", SHELTER)),
        ("TH #victim ด่วน " + SHELTER, ("urgent", "victim support", SHELTER)),
        ("ด่วน TH #victim " + SHELTER, ("urgent", "victim support", SHELTER)),  # before the code
        ("TH KHẨN! " + SHELTER, ("urgent", "information", SHELTER)),
        ("TH Check the passport ด่วน", ("routine", "information", "Check the passport ด่วน")),
        ("TH #info Routine check", ("routine", "information", "Routine check")),
        ("TH ปกติ #arrest Vessel owner", ("routine", "arrest/warrant", "Vessel owner")),
        ("TH thông thường Vessel owner", ("routine", "information", "Vessel owner")),
        ("TH #การช่วยเหลือผู้เสียหาย " + SHELTER, ("routine", "victim support", SHELTER)),
        ("TH #hỗ trợ nạn nhân " + SHELTER, ("routine", "victim support", SHELTER)),
        ("TH mendesak #penangkapan Tersangka", ("urgent", "arrest/warrant", "Tersangka")),
        (
            "TH #หมายจับ #arrest Suspect at the pier",
            ("routine", "arrest/warrant", "Suspect at the pier"),
        ),
        ("TH #victim #Songkhla raid", ("routine", "victim support", "#Songkhla raid")),
    ],
)
async def test_keywords_in_any_language_and_order(
    bot: Harness, typed: str, expected: tuple[str, str, str]
) -> None:
    [filed] = await bot.say("au-officer", f"/request {typed}")
    assert filed.startswith("Request R-2026-0001 sent to Thailand"), filed
    assert await stored(bot) == [expected]


async def test_a_local_category_word_searches_too(bot: Harness) -> None:
    await bot.say("au-officer", "/request TH #arrest Suspect boarding TG402")
    [found] = await bot.say("au-officer", "/requests #หมายจับ")
    assert "R-2026-0001" in found and "#arrest/warrant" in found, found


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("/request TH urgnet #victim help", "Did you mean urgent? Write urgent"),
        ("/request TH ด่วน ปกติ Passport check", "Urgent or routine? You wrote both"),
        ("/request ด่วน TH routine Passport check", "Urgent or routine? You wrote both"),
        (
            "/request TH #victim #หมายจับ help",
            "One category per request, please: #victim or #หมายจับ?",
        ),
        ("/request TH ด่วน #victim", "Please say what you need"),
        ("/request ด่วน", "Which country"),
    ],
)
async def test_doubtful_keywords_are_asked_about_and_change_nothing(
    bot: Harness, typed: str, expected: str
) -> None:
    [answer] = await bot.say("au-officer", typed)
    assert expected in answer, answer
    assert await stored(bot) == []


# --- the parser, for every language the bot speaks ----------------------------------------
@pytest.mark.sqlite_only  # the parser alone: no database
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_languages_urgency_words_are_read(language: str) -> None:
    for urgency in ("urgent", "routine"):
        word = render(_(urgency), language)
        parsed = parse_new_request(f"TH {word} #victim {SHELTER}")
        assert (parsed.urgency, parsed.category, parsed.text) == (
            urgency,
            "victim support",
            SHELTER,
        )


@pytest.mark.sqlite_only
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_languages_category_names_are_read(language: str) -> None:
    for category, name in CATEGORY_NAMES.items():
        shown = render(name, language)
        assert parse_new_request(f"TH #{shown} {SHELTER}").category == category
        one_word = shown.replace(" ", "-")  # as a search term, which is one word
        assert parse_request_search(f"#{one_word}").categories == (category,)


@pytest.mark.sqlite_only
def test_an_unknown_tag_is_still_refused() -> None:
    with pytest.raises(UserError, match="I don't know the category #ด่วนมาก"):
        parse_new_request("TH #ด่วนมาก help")


# --- confirmations on a pointer-only channel ----------------------------------------------
OFFICER_SMS, FOCAL_SMS = "+61400000020", "+66800000041"


def on_pointer_sms() -> Settings:
    """The Australian officer and Thailand's focal point prefer SMS, which the shipped
    bot.toml makes pointer-only; the console stays their approved channel."""
    base = shipped_settings()
    numbers = {"au-officer": OFFICER_SMS, "th-fp": FOCAL_SMS}
    people = tuple(
        p.model_copy(
            update={
                "preferred_channel": "sms",
                "identities": {**p.identities, "sms": numbers[p.id]},
            }
        )
        if p.id in numbers
        else p
        for p in base.people
    )
    assert base.channels["sms"].content == "pointer"
    return base.model_copy(update={"people": people})


def reading_thai(*person_ids: str) -> Settings:
    base = shipped_settings()
    people = tuple(
        p.model_copy(update={"language": "th"}) if p.id in person_ids else p for p in base.people
    )
    return base.model_copy(update={"people": people})


async def test_confirmations_without_casework_reach_a_pointer_only_channel(
    tmp_path: Path, files_key: str
) -> None:
    sms = MemoryAdapter("sms")
    bot = await Harness(tmp_path / "bot.db", on_pointer_sms(), extra_adapters=[sms]).start()
    photo = write(tmp_path, "shelter.png", png())
    rid = "R-2026-0001"
    said = [  # (who, what they text, what SMS answers them)
        (
            OFFICER_SMS,
            f"/request TH urgent #victim {SHELTER} in Songkhla",
            f"Request {rid} sent to Thailand (urgent, victim support). Their focal point has "
            "30 minutes to acknowledge; I will tell you here when they do.",
        ),
        (FOCAL_SMS, f"/ack {rid}", f"You acknowledged {rid}. Answer with /reply {rid} <text>."),
        (
            FOCAL_SMS,
            f"/ack {rid}",
            f"{rid} was already acknowledged by Niran Example (Thailand). Nothing changed.",
        ),
        (FOCAL_SMS, f"/reply {rid} Shelter in Hat Yai can take them", f"Sent on {rid}."),
        (OFFICER_SMS, f"/reply {rid} Thank you, names follow", f"Sent on {rid}."),
        (OFFICER_SMS, f"/attach {rid}", f"1 file added to {rid} and sent on."),
        (
            FOCAL_SMS,
            f"/refer {rid} MY The women came by boat from Penang",
            f"{rid} referred to Malaysia.",
        ),
        (OFFICER_SMS, f"/close {rid} Both placed in a shelter", f"{rid} is closed."),
        # what does carry casework stays a pointer: the thread
        (OFFICER_SMS, f"/show {rid}", f"{rid} awaits you — open it on console."),
    ]
    try:
        answers = []
        for number, line, _expected in said:
            before = len(sms.to(number))
            files = [photo] if line.startswith("/attach") else []
            await bot.app.submit(sms.event(number, line, files=files))  # type: ignore[union-attr]
            await bot.settle()
            answers.append(sms.to(number)[before:])
        assert answers == [[expected] for _number, _line, expected in said]
        # the request itself and what the other side wrote reached SMS as pointers only
        assert sms.to(FOCAL_SMS)[0] == f"{rid} awaits you — open it on console."
        on_sms = " ".join(d.message.text for d in sms.sent)
        for casework in ("Two women", "Songkhla", "Hat Yai", "names follow", "Penang", "placed"):
            assert casework not in on_sms
        assert all(d.message.attachment is None for d in sms.sent)
    finally:
        await bot.stop()


async def test_a_repeat_is_explained_on_a_pointer_only_channel(tmp_path) -> None:  # type: ignore[no-untyped-def]
    sms = MemoryAdapter("sms")
    bot = await Harness(tmp_path / "bot.db", on_pointer_sms(), extra_adapters=[sms]).start()
    try:
        for _time in range(2):
            await bot.app.submit(sms.event(OFFICER_SMS, f"/request TH {SHELTER}"))  # type: ignore[union-attr]
            await bot.settle()
        [_filed, repeated] = sms.to(OFFICER_SMS)
        assert repeated.startswith("You sent this to Thailand at "), repeated
        assert "as R-2026-0001, which is still open, so I did not file it again" in repeated
        assert SHELTER not in repeated
    finally:
        await bot.stop()


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    ("said", "text"),
    [
        ("MY ด่วนมาก ตรวจสอบหนังสือเดินทาง", "ตรวจสอบหนังสือเดินทาง"),
        ("MY ด่วนที่สุด ตรวจสอบหนังสือเดินทาง", "ตรวจสอบหนังสือเดินทาง"),
        ("VN khẩn cấp kiểm tra hộ chiếu", "kiểm tra hộ chiếu"),
        ("BD জরুরি ভিত্তিতে পাসপোর্ট যাচাই", "পাসপোর্ট যাচাই"),
    ],
)
def test_urgent_as_people_write_it_is_read_whole(said: str, text: str) -> None:
    """Thai "very urgent" filed a routine request; Vietnamese "khẩn cấp" left "cấp" at the
    start of the text."""
    parsed = parse_new_request(said)
    assert (parsed.urgency, parsed.text) == ("urgent", text)
