"""The focal-point roster: a handover moves every kind of open work and revokes the
predecessor (in chat and from the CLI); reconfirmation asks, lapses, routes around a silent
focal point, and fires once across a restart; /roster shows who holds each role."""

import asyncio
from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner

from bot.cli import main
from bot.config import QuietHoursSettings, RosterSettings, load_settings
from tests.broadcast_support import broadcast
from tests.harness import SHIPPED_CONFIG, Harness, eventually
from tests.returns_support import MID_JANUARY, PERIOD, move_to, sent

SUCCESSOR = """
[[people]]
id = "th-fp2"
name = "Somchai Successor-Example"
country = "TH"
roles = ["focal_point"]
preferred_channel = "console"
"""


def config_with_successor(tmp_path: Path) -> Path:
    """The shipped bot.toml with th-fp's successor, and no quiet hours: the CLI reads this
    file, and its notices must go at once whatever the hour the suite runs at, as the
    bot's do (``started``)."""
    shipped = SHIPPED_CONFIG.read_text()
    quiet = 'default = "21:00-07:00"'
    assert quiet in shipped
    path = tmp_path / "bot.toml"
    path.write_text(shipped.replace(quiet, 'default = ""') + SUCCESSOR)
    return path


async def started(tmp_path: Path, real_time: bool = False, **overrides: object) -> Harness:
    settings = load_settings(config_with_successor(tmp_path))
    audit = settings.audit.model_copy(update={"anchor_daily": False})
    quiet = QuietHoursSettings(default="")  # notices here are sent at once, whatever the hour
    update = {"audit": audit, "periods": (PERIOD,), "quiet_hours": quiet, **overrides}
    settings = settings.model_copy(update=update)
    bot = Harness(tmp_path / "bot.db", settings)
    if not real_time:  # a CLI, a separate process, stamps its messages with the real time
        move_to(bot, MID_JANUARY)
    return await bot.start()


async def open_work_of_every_kind(bot: Harness) -> tuple[str, str]:
    """th-fp acknowledges one request, is referred another, drafts a return, owes an ack."""
    acked = await bot.file_request("TH routine Passport check for a suspect")
    await bot.press("th-fp", f"/ack {acked}")
    referred = await bot.file_request("MY routine Vessel owner details")
    [told] = await bot.say("my-fp", f"/refer {referred} th-fp The vessel is Thai-flagged")
    assert "referred" in told
    await bot.say("th-fp", "/return arrests 3, victims assisted 2")
    await broadcast(bot, "nz-cochair", "/broadcast Please send the W1 returns.")
    return acked, referred


async def test_handover_moves_every_kind_of_open_work(tmp_path: Path) -> None:
    bot = await started(tmp_path)
    acked, referred = await open_work_of_every_kind(bot)
    [done] = await bot.say("nz-cochair", "/handover th-fp th-fp2")
    assert "2 open requests, 1 draft return and 1 broadcast to acknowledge" in done

    rows = await bot.rows("SELECT id, acknowledged_by, target_person FROM requests ORDER BY id")
    assert rows == [(acked, "th-fp2", None), (referred, None, "th-fp2")]
    assert await bot.rows("SELECT person_id FROM return_drafts") == [("th-fp2",)]
    recipients = await bot.rows(
        "SELECT person_id FROM broadcast_recipients WHERE person_id LIKE 'th-%'"
    )
    assert recipients == [("th-fp2",)]
    assert await bot.rows("SELECT active FROM people WHERE id = 'th-fp'") == [(0,)]
    assert await bot.rows("SELECT COUNT(*) FROM identities WHERE person_id = 'th-fp'") == [(0,)]
    audit = await bot.rows("SELECT actor, detail FROM audit WHERE action = 'roster.handover'")
    assert audit == [
        ("nz-cochair", "2 open requests, 1 draft return and 1 broadcast to acknowledge")
    ]

    assert "handed over to Somchai Successor-Example" in bot.last("th-fp")
    assert f"• request {acked}" in bot.last("th-fp2") and "broadcast B-1" in bot.last("th-fp2")
    told = bot.inbox("au-officer")
    assert any(f"{referred} is now handled by Somchai" in m for m in told)
    assert await bot.say("th-fp", "/ping") != ["pong"]  # the old identity is gone

    # the successor carries on with each piece of work
    assert "acknowledged" in (await bot.press("th-fp2", "/broadcast ack B-1"))[0]
    [asked] = await bot.say("th-fp2", "/return confirm")  # th-fp's draft: shown first
    assert asked.startswith("Not submitted: Niran Example changed the draft last."), asked
    offered = next(b.command for b in bot.chat.sent[-1].message.buttons if b.label == "Confirm")
    assert "is submitted" in (await bot.press("th-fp2", offered))[0]
    assert "Sent" in (await bot.say("th-fp2", f"/reply {acked} No record found"))[0]
    await bot.stop()


async def test_bad_handovers_change_nothing(tmp_path: Path) -> None:
    bot = await started(tmp_path)
    await open_work_of_every_kind(bot)
    before = await bot.rows("SELECT COUNT(*) FROM audit")
    assert "No active person 'nobody'" in (await bot.say("nz-cochair", "/handover th-fp nobody"))[0]
    assert "stays within one country" in (await bot.say("nz-cochair", "/handover th-fp my-fp"))[0]
    assert "two person ids" in (await bot.say("nz-cochair", "/handover th-fp"))[0]
    refused = await bot.say("th-deputy", "/handover th-fp th-fp2")
    assert "handed over" not in refused[0]
    # a handover revokes: not a way round /revoke, nor to someone who cannot take requests
    [admin] = await bot.say("nz-cochair", "/handover admin nz-cochair")
    assert "is an administrator or co-chair: a handover would end their access" in admin
    [itself] = await bot.say("nz-cochair", "/handover nz-cochair nz-fp")
    assert "is an administrator or co-chair" in itself
    [officer] = await bot.say("nz-cochair", "/handover th-fp th-officer")
    assert "cannot take requests (neither focal point nor deputy)" in officer
    assert await bot.rows("SELECT COUNT(*) FROM audit") == before
    assert await bot.rows("SELECT active FROM people WHERE id = 'th-fp'") == [(1,)]
    assert await bot.rows("SELECT COUNT(*) FROM people WHERE active = 0") == [(0,)]
    await bot.stop()


async def test_cli_handover_is_delivered_by_the_running_bot(tmp_path: Path) -> None:
    bot = await started(tmp_path, real_time=True)
    acked = await bot.file_request("TH routine Passport check for a suspect")
    await bot.press("th-fp", f"/ack {acked}")
    assert bot.app is not None
    bot.app.directory_poll = 0.05
    bot.app.spawn(bot.app._watch_directory(), "fast-watch")
    args = ["directory", "handover", "th-fp", "th-fp2", "--config", str(tmp_path / "bot.toml")]
    done = await asyncio.to_thread(CliRunner().invoke, main, [*args, "--database", bot.database])
    assert done.exit_code == 0, done.output
    assert "1 open request, 0 draft returns" in done.output
    await eventually(lambda: any("handed their open work" in m for m in bot.inbox("th-fp2")))
    await eventually(lambda: not bot.app.ctx.directory.people["th-fp"].active)  # type: ignore[union-attr]
    assert await bot.rows("SELECT acknowledged_by FROM requests WHERE id = ?", [acked]) == [
        ("th-fp2",)
    ]
    again = await asyncio.to_thread(CliRunner().invoke, main, [*args, "--database", bot.database])
    assert again.exit_code == 1 and "No active person 'th-fp'" in again.output
    await bot.stop()


ROSTER = RosterSettings(reconfirm_every=timedelta(days=90), answer_within=timedelta(days=7))


async def test_reconfirmation_lapses_routes_to_the_deputy_and_fires_once(tmp_path: Path) -> None:
    bot = await started(tmp_path, roster=ROSTER)
    await bot.restart()  # arming again at start changes nothing
    await bot.advance(timedelta(days=90, minutes=1))
    asks = [m for m in bot.inbox("th-fp") if "still hold your role for Thailand" in m]
    assert len(asks) == 1
    await bot.restart()
    await bot.press("th-deputy", "/stillhere")  # the deputy answers; the focal points do not
    await bot.advance(timedelta(days=7, minutes=1))
    assert await sent(bot, "th-fp", "%still hold your role%") == 1  # asked once, restarts or not
    assert any("Niran Example (th-fp) has not confirmed" in m for m in bot.inbox("nz-cochair"))
    [roster] = await bot.say("nz-cochair", "/roster")
    assert "Niran Example (th-fp) · confirmed Jan 20, 2027, 19:00 UTC+7" in roster
    assert "NOT CONFIRMED" in roster.split("Niran Example")[1].splitlines()[0]

    request = await bot.file_request("TH routine Where is the vessel now?")
    assert any(request in m for m in bot.inbox("th-deputy"))
    assert not any(request in m for m in bot.inbox("th-fp"))

    assert await bot.press("th-fp", "/stillhere") == ["Thank you: your role is confirmed."]
    assert any("Niran Example confirmed their role" in m for m in bot.inbox("nz-cochair"))
    second = await bot.file_request("TH routine And its crew list?")
    assert any(second in m for m in bot.inbox("th-fp"))
    [roster] = await bot.say("nz-cochair", "/roster")
    assert "NOT CONFIRMED" not in roster.split("Niran Example")[1].splitlines()[0]
    await bot.stop()


async def test_an_answer_in_time_keeps_the_role(tmp_path: Path) -> None:
    bot = await started(tmp_path, roster=ROSTER)
    await bot.advance(timedelta(days=90, minutes=1))
    await bot.press("my-fp", "/stillhere")
    await bot.advance(timedelta(days=7, minutes=1))
    assert not any("Aina Example (my-fp)" in m for m in bot.inbox("nz-cochair"))
    assert any("Niran Example (th-fp)" in m for m in bot.inbox("nz-cochair"))
    await bot.stop()


async def test_roster_and_handover_are_written_in_the_readers_language(tmp_path: Path) -> None:
    settings = load_settings(config_with_successor(tmp_path))
    people = tuple(
        p.model_copy(update={"language": "bn"}) if p.id == "nz-cochair" else p
        for p in settings.people
    )
    bot = await started(tmp_path, roster=ROSTER, people=people)
    acked = await bot.file_request("TH routine Passport check for a suspect")
    await bot.press("th-fp", f"/ack {acked}")
    [roster] = await bot.say("nz-cochair", "/roster")
    # the confirmation time in Bengali style and digits, the words from the Bengali catalog
    assert "Niran Example (th-fp) · " in roster and "২০ জানু, ২০২৭ ১৯:০০ UTC+৭" in roster, roster
    assert "confirmed" not in roster
    assert "থাইল্যান্ড (TH)" in roster and "Thailand" not in roster  # CLDR's Bengali name
    [done] = await bot.say("nz-cochair", "/handover th-fp th-fp2")
    assert "১" in done and "০" in done and "open request" not in done, done
    # the successor reads English: the same summary in English, the singular chosen by count
    assert "1 open request, 0 draft returns and 0 broadcasts" in bot.last("th-fp2")
    await bot.stop()


async def test_a_revoked_focal_points_open_requests_can_still_be_handed_over(
    tmp_path: Path,
) -> None:
    """Revoked with a request in hand, nobody could move it: /handover said "No active
    person". The administrator is told, and the co-chair moves it."""
    bot = await started(tmp_path)
    acked = await bot.file_request("TH routine Passport check for a suspect")
    await bot.press("th-fp", f"/ack {acked}")
    [revoked] = await bot.say("admin", "/revoke th-fp")
    assert "They were answering 1 open request: a co-chair moves it with /handover th-fp" in revoked
    [done] = await bot.say("nz-cochair", "/handover th-fp th-fp2")
    assert "Handed over from th-fp to th-fp2" in done, done
    owner = await bot.rows("SELECT acknowledged_by FROM requests WHERE id = ?", [acked])
    assert owner == [("th-fp2",)]
    await bot.stop()


async def test_the_roster_of_the_countries_named(tmp_path: Path) -> None:
    """`/roster TH` printed every country: the code was ignored."""
    bot = await started(tmp_path)
    [roster] = await bot.say("nz-cochair", "/roster th my")
    countries = [line for line in roster.splitlines()[1:] if not line.startswith(" ")]
    assert countries == ["Malaysia (MY)", "Thailand (TH)"], roster
    [unknown] = await bot.say("nz-cochair", "/roster XX")
    assert unknown == "I don't know the country XX; /countries lists the codes."
    await bot.stop()
