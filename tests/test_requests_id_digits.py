"""Request ids typed with the digits of any script are read whole.

``/ack R-๒๐๒๖-๐๐๐๒`` answered "No such request: R-๒๐๒๖-0002": the number was converted and
the year was not. Thai, Arabic-Indic and fullwidth digits (and fullwidth letters and hyphens,
as phones type them) are read as the id they are.
"""

from __future__ import annotations

import pytest

from tests.harness import Harness


@pytest.mark.parametrize(
    "typed",
    ["R-๒๐๒๖-๐๐๐๒", "R-２０２６-０００２", "R-٢٠٢٦-٢", "Ｒ－２０２６－２", "R-๒๐๒๖-0002"],
)
async def test_an_id_in_other_digits_is_acknowledged(bot: Harness, typed: str) -> None:
    await bot.file_request("TH urgent #arrest first")
    rid = await bot.file_request("TH urgent #arrest second")
    assert rid == "R-2026-0002"
    assert await bot.say("th-fp", f"/ack {typed}") == [
        f"You acknowledged {rid}. Answer with /reply {rid} <text>."
    ]
    rows = await bot.rows("SELECT id FROM requests WHERE status = 'acknowledged'")
    assert rows == [(rid,)]


async def test_other_digits_in_an_id_that_does_not_exist(bot: Harness) -> None:
    await bot.file_request("TH urgent #arrest first")
    answer = (await bot.say("th-fp", "/show R-๒๐๒๖-๐๐๐๙"))[0]
    assert answer.startswith("No such request: R-2026-0009."), answer
