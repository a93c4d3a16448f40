"""A country code typed in fullwidth letters, as a Chinese or Japanese keyboard types them,
is that country wherever a code is read: ``/request ＴＨ #info …`` answered "I don't know
the country 'ＴＨ'", while period codes and request ids typed so were read (NFKC). The
directory's lookup folds a code once (:func:`bot.text.country_code`); the commands that
tell a code by its shape, or keep it, fold it the same way."""

from __future__ import annotations

from pathlib import Path

from bot.text import country_code
from tests.harness import Harness
from tests.returns_support import running

TH = "ＴＨ"  # fullwidth capitals
MY = "ｍｙ"  # fullwidth small letters


def test_a_code_is_folded_as_the_directory_keys_it() -> None:
    assert country_code(TH) == "TH" and country_code(f" {MY} ") == "MY"
    assert country_code("th") == "TH"


async def test_requests_are_filed_referred_and_listed_by_a_fullwidth_code(bot: Harness) -> None:
    rid = await bot.file_request(f"{TH} #info Two passports to check")
    assert await bot.rows("SELECT target_country FROM requests") == [("TH",)]
    [listed] = await bot.say("au-officer", f"/requests {TH}")
    assert rid in listed, listed
    [none] = await bot.say("au-officer", f"/requests {MY}")
    assert rid not in none, none
    [both] = await bot.say("au-officer", f"/requests {TH} {MY}")  # two codes, not two words
    assert rid in both, both

    await bot.say("th-fp", f"/ack {rid}")
    [referred] = await bot.say("th-fp", f"/refer {rid} {MY} The vessel is Malaysian")
    assert "I don't know" not in referred, referred
    assert await bot.rows("SELECT target_country FROM requests") == [("MY",)]


async def test_an_unknown_fullwidth_code_is_refused_as_typed(bot: Harness) -> None:
    [refused] = await bot.say("au-officer", "/request ＸＸ #info x")
    assert refused.startswith("I don't know the country 'ＸＸ'"), refused


async def test_roster_period_and_returns_read_a_fullwidth_code(tmp_path: Path) -> None:
    bot = await running(tmp_path, periods=())
    [roster] = await bot.say("nz-cochair", f"/roster {TH} {MY}")
    countries = [line for line in roster.splitlines()[1:] if not line.startswith(" ")]
    assert countries == ["Malaysia (MY)", "Thailand (TH)"], roster

    line = f'/period open JPA-7 "Seventh" 2027-03-01 2027-03-31 final {TH} {MY}'
    [summary] = await bot.say("nz-cochair", line)
    assert summary.startswith("Open JPA-7 — Seventh?"), summary
    [opened] = await bot.press("nz-cochair", "/period confirm")
    assert opened.startswith("JPA-7 is open."), opened
    taking_part = "SELECT country FROM period_countries WHERE period = 'JPA-7' ORDER BY 1"
    assert await bot.rows(taking_part) == [("MY",), ("TH",)]
    await bot.stop()


async def test_a_joint_partner_and_a_viewed_country_in_fullwidth(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    line = f"/return arrests 4 joint with {MY} op:SONGKHLA-3, victims 2"
    [summary] = await bot.say("th-fp", line)
    assert "Confirm to submit" in summary, summary
    assert "Arrests: 4 joint with MY op:SONGKHLA-3" in summary, summary
    await bot.say("th-fp", "/return confirm")
    [shown] = await bot.say("lk-cochair", f"/return show {TH}")
    assert "Arrests: 4 joint with MY op:SONGKHLA-3" in shown, shown
    await bot.stop()
