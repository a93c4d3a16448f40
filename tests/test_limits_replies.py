"""Messages on requests have a per-person hourly limit, as requests and broadcasts do: an
insider could otherwise flood a focal point with /reply (301 messages in a row), and on a
channel that sends about one message a second to a chat an urgent request would queue behind
them. /reply, /refer and /attach (each file) share one count; the refusal says the limit and
when the person may write again, and nothing is stored or sent."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.clock import parse_iso
from bot.config import LimitSettings
from bot.i18n import ZoneOffset
from tests.files_support import png, write
from tests.harness import Harness, shipped_settings

LIMIT = "You have reached the limit of 3 messages on requests an hour"


async def started(tmp_path: Path) -> Harness:
    settings = shipped_settings(limits=LimitSettings(request_messages_per_hour=3))
    return await Harness(tmp_path / "bot.db", settings).start()


async def stored(bot: Harness) -> tuple[object, ...]:
    """What a refused message must not add to (its refusal aside)."""
    [row] = await bot.rows(
        "SELECT (SELECT COUNT(*) FROM request_messages), (SELECT COUNT(*) FROM request_files), "
        "(SELECT COUNT(*) FROM audit), "
        "(SELECT COUNT(*) FROM outbox WHERE text NOT LIKE 'You have reached the limit%'), "
        "(SELECT COUNT(*) FROM requests WHERE target_country = 'TH')"
    )
    return tuple(row)


def written(moment: datetime, zone: str) -> str:
    """A time as an English reader sees it: ``Dec 2, 2026, 14:05 UTC+11``."""
    local = moment.astimezone(ZoneInfo(zone))
    return f"{local:%b} {local.day}, {local.year}, {local:%H:%M} {ZoneOffset(local)}"


async def test_replies_beyond_the_hourly_limit_are_refused_with_when_to_write_again(
    tmp_path: Path,
) -> None:
    bot = await started(tmp_path)
    rid = await bot.file_request("TH x")
    assert await bot.say("au-officer", f"/reply {rid} spam 1") == [f"Sent on {rid}."]
    [(first,)] = await bot.rows("SELECT at FROM audit WHERE action = 'request.reply'")
    await bot.advance(timedelta(minutes=10))
    for n in (2, 3):
        assert await bot.say("au-officer", f"/reply {rid} spam {n}") == [f"Sent on {rid}."]
    before, inbox = await stored(bot), len(bot.inbox("th-fp"))

    [refused] = await bot.say("au-officer", f"/reply {rid} spam 4")
    again = parse_iso(first) + timedelta(hours=1)  # when the first of the three is an hour old
    assert refused.startswith(LIMIT), refused
    assert f"again at {written(again, 'Australia/Sydney')};" in refused, refused
    assert "telephone the focal point or a co-chair" in refused, refused
    assert await stored(bot) == before and len(bot.inbox("th-fp")) == inbox

    # per person: the focal point still answers
    assert await bot.say("th-fp", f"/reply {rid} Noted") == [f"Sent on {rid}."]
    await bot.advance(again - bot.clock.now() - timedelta(seconds=30))
    [still] = await bot.say("au-officer", f"/reply {rid} spam 5")
    assert still.startswith(LIMIT), still
    await bot.advance(timedelta(seconds=30))  # the time the refusal named
    assert await bot.say("au-officer", f"/reply {rid} spam 6") == [f"Sent on {rid}."]
    assert "spam 6" in bot.last("th-fp") and not any("spam 5" in m for m in bot.inbox("th-fp"))
    await bot.stop()


async def test_refer_and_attach_count_with_replies(
    tmp_path: Path,
    files_key: str,  # files on: /attach may store one
) -> None:
    bot = await started(tmp_path)
    first = await bot.file_request("TH Vessel check")
    second = await bot.file_request("TH Crew list")
    await bot.say("th-fp", f"/reply {first} Looking")
    await bot.say("th-fp", f"/reply {second} Looking")
    [referred] = await bot.say("th-fp", f"/refer {first} MY The vessel is Malaysian")
    assert "Referred" in referred or "referred" in referred, referred
    before = await stored(bot)
    [refused] = await bot.say("th-fp", f"/reply {second} Found it")
    assert refused.startswith(LIMIT), refused
    [refused] = await bot.say("th-fp", f"/refer {second} MY also theirs")
    assert refused.startswith(LIMIT), refused
    assert await stored(bot) == before

    # a file counts as a message: the officer's two files and a reply reach the limit
    photos = [write(tmp_path, f"p{n}.png", png(seed=n)) for n in (1, 2, 3)]
    [added] = await bot.say("au-officer", f"/attach {second}", files=photos[:2])
    assert "2 files added" in added, added
    assert await bot.say("au-officer", f"/reply {second} Thanks") == [f"Sent on {second}."]
    before = await stored(bot)
    [refused] = await bot.say("au-officer", f"/attach {second}", files=photos[2:])
    assert refused.startswith(LIMIT), refused
    assert await stored(bot) == before
    await bot.stop()


def test_the_shipped_limit_is_sixty_messages_an_hour() -> None:
    assert shipped_settings().limits.request_messages_per_hour == 60
    assert LimitSettings().request_messages_per_hour == 60
