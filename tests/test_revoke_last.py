"""Revoking a country's last focal point or deputy: the answer says the country is left with
nobody to answer it and what to do (no /handover to a successor who does not exist), and the
co-chairs are told, as they are of a focal point who lapses. Revoking one of several says
nothing of the kind."""

import asyncio

from click.testing import CliRunner

from bot.cli import main
from tests.harness import Harness, awake_config, eventually


async def test_revoking_the_only_focal_point_says_the_country_is_cut_off(bot: Harness) -> None:
    request = await bot.file_request("MM routine Passport check for a suspect")
    await bot.press("mm-fp", f"/ack {request}")  # Myanmar has no deputy
    [revoked] = await bot.say("admin", "/revoke mm-fp")
    assert "Thida Example (mm-fp) is revoked" in revoked
    assert (
        "Myanmar now has nobody to receive requests or file returns: add a focal point "
        "(`focalbot directory import`) or reinstate mm-fp" in revoked
    ), revoked
    assert "/handover mm-fp <successor>" not in revoked  # there is none to name
    assert f"The open request they were answering, {request}, has nobody now" in revoked
    assert "once a focal point is added, a co-chair moves it with /handover mm-fp" in revoked
    assert "The co-chairs were told." in revoked
    for chair in ("nz-cochair", "lk-cochair"):
        told = bot.last(chair)
        assert "Thida Example (mm-fp) was revoked, and Myanmar now has no focal point" in told
        assert f"The open request they were answering has nobody now: {request}." in told
    # what the warning says is so
    [refused] = await bot.say("au-officer", "/request MM routine Another check")
    assert "Myanmar has no focal point in the directory yet" in refused


async def test_revoking_the_last_of_a_country_with_no_work_in_hand(bot: Harness) -> None:
    [revoked] = await bot.say("admin", "/revoke mm-fp")
    assert "Myanmar now has nobody to receive requests or file returns" in revoked
    assert "open request" not in revoked and "/handover" not in revoked
    assert "Myanmar now has no focal point" in bot.last("nz-cochair")
    assert "open request" not in bot.last("nz-cochair")


async def test_revoking_one_of_several_warns_of_nothing(bot: Harness) -> None:
    request = await bot.file_request("TH routine Passport check for a suspect")
    await bot.press("th-fp", f"/ack {request}")
    told_before = len(bot.inbox("nz-cochair"))
    [revoked] = await bot.say("admin", "/revoke th-fp")  # Thailand keeps its deputy
    assert "nobody" not in revoked and "co-chairs were told" not in revoked
    assert f"the open request they were answering ({request}) goes to its deputy" in revoked
    [officer] = await bot.say("admin", "/revoke th-officer")  # not one who answers requests
    assert "nobody" not in officer
    [deputy] = await bot.say("admin", "/revoke my-deputy")  # Malaysia keeps its focal point
    assert "nobody" not in deputy
    assert len(bot.inbox("nz-cochair")) == told_before


async def test_a_request_nobody_acknowledged_is_not_left_unseen(bot: Harness) -> None:
    """Paged to the country's only focal point and not acknowledged, a request counted as
    nobody's work: revoking them told no one of it until its escalation."""
    mine = await bot.file_request("MM routine Passport check for a suspect")
    [revoked] = await bot.say("admin", "/revoke mm-fp")
    assert f"The open request they were answering, {mine}, has nobody now" in revoked, revoked
    assert "a co-chair moves it with /handover mm-fp <their-id>" in revoked
    for chair in ("nz-cochair", "lk-cochair"):
        told = bot.last(chair)
        assert f"The open request they were answering has nobody now: {mine}." in told, told
        assert "Once a focal point is added, /handover mm-fp <successor> moves it." in told


async def test_the_deputies_are_told_what_their_only_focal_point_left(bot: Harness) -> None:
    first = await bot.file_request("TH routine Passport check for a suspect")
    second = await bot.file_request("TH urgent Vehicle check")
    await bot.press("th-fp", f"/ack {first}")
    told_before = len(bot.inbox("nz-cochair"))
    [revoked] = await bot.say("admin", "/revoke th-fp")
    assert (
        f"Thailand has no focal point now: the 2 open requests they were answering ({first}, "
        f"{second}) go to its deputy, Nirana Deputy-Example, who was told; /handover th-fp "
        "<successor> moves them to a new focal point." in revoked
    ), revoked
    assert (
        f"Niran Example (th-fp) was revoked; the 2 open requests to Thailand they were "
        f"answering are yours now: {first}, {second}. /show {first} reads the first."
        in bot.last("th-deputy")
    ), bot.last("th-deputy")
    assert len(bot.inbox("nz-cochair")) == told_before  # the country still has someone


async def test_a_deputy_left_alone_is_the_last_one(bot: Harness) -> None:
    await bot.say("admin", "/revoke th-fp")
    [revoked] = await bot.say("admin", "/revoke th-deputy")
    assert "Thailand now has nobody to receive requests or file returns" in revoked


async def test_the_command_line_warns_as_the_chat_does(bot: Harness) -> None:
    db = bot.database
    await bot.stop()
    base = ["--config", str(awake_config()), "--database", str(db)]

    async def revoke(person: str) -> str:
        said = await asyncio.to_thread(
            CliRunner().invoke, main, ["directory", "revoke", person, *base]
        )
        assert said.exit_code == 0, said.output
        return said.output

    assert "warning" not in await revoke("my-fp")  # Malaysia keeps its deputy
    assert (
        "warning: Myanmar now has no active focal point or deputy: requests to it are refused "
        "and nobody files its returns. Add one (`focalbot directory import`) or "
        "`focalbot directory reinstate mm-fp`." in await revoke("mm-fp")
    )


async def test_the_command_line_passes_the_work_on_as_the_chat_does(bot: Harness) -> None:
    """`focalbot directory revoke` of a country's only focal point told nobody of the request
    waiting for them."""
    request = await bot.file_request("TH routine Passport check for a suspect")
    db = bot.database
    await bot.stop()
    base = ["--config", str(awake_config()), "--database", str(db)]
    said = await asyncio.to_thread(
        CliRunner().invoke, main, ["directory", "revoke", "th-fp", *base]
    )
    assert said.exit_code == 0, said.output
    assert (
        f"Thailand has no focal point now: the open request they were answering ({request}) "
        "goes to its deputy, Nirana Deputy-Example, who was told" in said.output
    ), said.output
    await bot.start()  # the running bot sends what the command line queued
    told = f"the open request to Thailand they were answering is yours now: {request}."
    await eventually(lambda: told in bot.last("th-deputy"), 10, "the deputy told")
