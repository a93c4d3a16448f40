"""A referral to a named person, as the thread shows it: the person's country in the reader's
language, and the note someone wrote kept outside the sentence that says to whom it went (a
language's "to" ending must not be glued to the note)."""

from __future__ import annotations

import gettext
from collections.abc import AsyncIterator

import pytest
from babel import Locale

from bot.i18n.catalogs import install_override
from bot.requests import repo as store
from bot.storage.sql import Db
from tests.harness import Harness

NOTE = "Thai side has the Johor broker's phone"


class Marked(gettext.NullTranslations):
    """Every translated string in ⟦…⟧, so a test sees what went through the catalog."""

    def gettext(self, message: str) -> str:
        return f"⟦{message}⟧"

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return f"⟦{msgid1 if n == 1 else msgid2}⟧"


@pytest.fixture
async def bot(tmp_path) -> AsyncIterator[Harness]:  # type: ignore[no-untyped-def]
    """The shipped configuration, with the Thai catalog marking what it translates."""
    install_override("th", Marked())
    harness = Harness(tmp_path / "bot.db")
    try:
        await harness.start()
        yield harness
        await harness.stop()
    finally:
        install_override("th", None)


async def referred(bot: Harness) -> str:
    """A Malaysian request that Malaysia's focal point refers to Thailand's, with a note."""
    rid = await bot.file_request("MY #info Johor broker ring, phone numbers wanted")
    answer = await bot.say("my-fp", f"/refer {rid} th-fp {NOTE}")
    assert answer == [f"{rid} referred to Niran Example (Thailand)."]
    return rid


def referral_line(shown: list[str]) -> str:
    lines = [line for line in "\n".join(shown).split("\n") if NOTE in line]
    assert len(lines) == 1, shown
    return lines[0]


async def test_the_thread_names_the_person_and_keeps_the_note_apart(bot: Harness) -> None:
    rid = await referred(bot)
    line = referral_line(await bot.say("au-officer", f"/show {rid}"))
    assert line.endswith(f"referral: referred to Niran Example (Thailand): {NOTE}"), line

    await bot.say("au-officer", "/language th")
    line = referral_line(await bot.say("au-officer", f"/show {rid}"))
    thai = Locale("th").territories["TH"]
    # "referred to {where}" holds the person (their country in Thai); the note is outside it
    assert f"⟦referred to ⟦Niran Example ({thai})⟧⟧: {NOTE}⟧" in line, line
    assert "Thailand" not in line


async def test_a_language_whose_to_ending_follows_the_name(bot: Harness) -> None:
    """Bengali puts its "to" after the name: it must follow the person, not the note."""
    rid = await referred(bot)
    await bot.say("au-officer", "/language bn")
    line = referral_line(await bot.say("au-officer", f"/show {rid}"))
    bengali = Locale("bn").territories["TH"]
    assert f"Niran Example ({bengali})-এর কাছে অগ্রায়িত: {NOTE}" in line, line
    assert f"{NOTE}-এর" not in line and "Thailand" not in line


async def test_threads_written_before_keep_reading_right(bot: Harness) -> None:
    """Older threads stored the person's English name and country: read the same way; and
    someone no longer in the directory is shown as stored, the note still apart."""
    rid = await bot.file_request("MY #info Johor broker ring, phone numbers wanted")
    assert bot.app is not None

    def written_before(db: Db) -> None:
        for whom in ("Niran Example (Thailand)", "xx-gone"):
            text = f"referred to {whom}: {NOTE}"
            store.add_message(db, rid, "2026-12-02T03:00:00+00:00", "my-fp", "referral", text)

    await bot.app.store.run(written_before)
    await bot.say("au-officer", "/language th")
    shown = "\n".join(await bot.say("au-officer", f"/show {rid}"))
    thai = Locale("th").territories["TH"]
    assert f"⟦referred to ⟦Niran Example ({thai})⟧⟧: {NOTE}⟧" in shown, shown
    assert f"⟦referred to xx-gone⟧: {NOTE}⟧" in shown, shown


async def test_a_request_referred_to_a_co_chair_is_headed_to_her_not_her_country(
    bot: Harness,
) -> None:
    """Referred to New Zealand's co-chair, the request was headed "to New Zealand" on her
    page and in every list, as if New Zealand's focal points had it."""
    rid = await bot.file_request("MY #info Johor broker ring, phone numbers wanted")
    await bot.say("my-fp", f"/refer {rid} nz-cochair {NOTE}")
    heading = (
        f"Request {rid} from Alexo Officer-Example (Australia) to Aroha Cochair-Example "
        "(New Zealand) · information"
    )
    assert bot.last("nz-cochair").splitlines()[0] == heading
    [shown] = await bot.say("nz-cochair", f"/show {rid}")
    assert shown.splitlines()[0] == heading
