"""Found by an attack trial of the day's changes: a referral to a co-chair is not her
country's to take; a co-chair's own request is not her country's; a form filled before
another's submission does not overwrite it; a window's total is not 0 for a figure nobody
gave; a deputy lists what falls back to her country when its named holder is revoked."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.returns.parse import filled_line
from tests.harness import Harness
from tests.returns_support import MID_JANUARY, move_to
from tests.test_returns_confirm_seen import FormChat, confirm_offered, running_settings

NO_SUCH = "No such request"


async def test_referral_to_a_cochair_does_not_hand_it_to_her_countrys_focal_point(
    bot: Harness,
) -> None:
    rid = await bot.file_request("TH #info Boat crew list wanted", by="au-officer")
    await bot.say("th-fp", f"/refer {rid} nz-cochair please weigh in")
    assert NO_SUCH in (await bot.say("nz-fp", f"/show {rid}"))[0]
    assert rid not in (await bot.say("nz-fp", "/requests"))[0]
    assert NO_SUCH in (await bot.say("nz-fp", f"/ack {rid}"))[0]


async def test_a_cochairs_request_is_not_her_countrys(bot: Harness) -> None:
    rid = await bot.file_request("TH #info co-chair asks for the crew list", by="nz-cochair")
    for other in ("nz-fp", "nz-deputy"):
        assert NO_SUCH in (await bot.say(other, f"/show {rid}"))[0], other


async def test_a_stale_form_does_not_overwrite_a_return_submitted_since(tmp_path: Path) -> None:
    bot = Harness(tmp_path / "bot.db", running_settings(), chat_factory=FormChat)
    move_to(bot, MID_JANUARY)
    await bot.start()
    await bot.say("th-fp", "/return W1 arrests 10, victims assisted 6")
    await bot.say("th-fp", "/return W1 form")  # the modal shows Arrests 10
    [button] = bot.chat.sent[-1].message.buttons
    await bot.say("th-deputy", "/return W1 arrests 12")
    await bot.press("th-deputy", confirm_offered(bot, "th-deputy"))  # submitted: 12
    filled = filled_line(button.form, {"arrests": "10", "victims_assisted": "7"})
    [answer] = await bot.say("th-fp", filled)  # the modal as it was shown, one field changed
    figures = await bot.rows("SELECT metric, amount FROM return_values ORDER BY metric")
    await bot.stop()
    assert answer.startswith("Not submitted"), answer  # got: "... is amended (version 2 ...)"
    assert figures == [("arrests", 12), ("victims_assisted", 6)], figures  # got: 10 and 7


@pytest.mark.sqlite_only
async def test_a_windows_sheet_has_no_total_of_zero_nobody_reported(tmp_path: Path) -> None:
    import openpyxl

    from bot.reports.figures import load_report
    from bot.reports.workbook import to_xlsx
    from tests.test_report import enter_small_jpa

    bot = await enter_small_jpa(tmp_path)
    assert bot.app is not None
    data = await bot.app.store.run(lambda db: load_report(db, "JPA-9"))
    await bot.stop()
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(data)))
    rows = list(book["W1 figures"].iter_rows(values_only=True))
    head, total = rows[0], rows[-1]
    convicted = total[head.index("Persons convicted")]
    assert convicted is None, total  # got 0; the "By country" sheet's Total has None


async def test_a_deputy_lists_what_falls_back_to_her_country(bot: Harness) -> None:
    """/show showed it (the named holder revoked, it is the country's again) while /requests
    said "No open requests for you"."""
    rid = await bot.file_request("TH #info Boat crew list wanted", by="au-officer")
    await bot.say("th-fp", f"/refer {rid} my-officer your port records")
    await bot.say("admin", "/revoke my-officer")
    assert NO_SUCH not in (await bot.say("my-deputy", f"/show {rid}"))[0]
    assert rid in (await bot.say("my-deputy", "/requests"))[0]
