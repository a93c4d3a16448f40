"""The guided return as a Slack modal, end to end through the real core.

Thailand's focal point (``th-fp``, Slack ``U0THFP01``) asks for the form with ``/focal return
form``, presses "Fill in the form" and gets a modal with one field per metric (a number field
for each count). A submission with a bad figure is answered with that field's error and saves
nothing; a good one is accepted, saved once however often it arrives, and confirmed in the DM.
Signed requests go over HTTP into slack-bolt; slack-sdk talks to :class:`FakeSlack`.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from adapters.slack import SlackAdapter
from adapters.slack_modal import FORM_ACTION, FORM_VIEW, decode_form, encode_form
from bot.config import Settings
from bot.events import Form, FormField
from bot.returns.metrics import DEFAULT_METRICS
from bot.returns.parse import field_errors, filled_line
from tests.fake_slack import FakeSlack, SlackSide
from tests.harness import Harness, shipped_settings
from tests.marked_catalog import marked
from tests.returns_support import MID_JANUARY, PERIOD, counts, move_to
from tests.test_slack import ENV, TH_FP, World, slack_options

SUBMITTED = (
    "Thank you. The return of Thailand for JPA-9 · W1 (Jan 1, 2027 – Jan 31, 2027) is submitted."
)
GOOD = {
    "victims_assisted": "6",
    "arrests": "10",
    "search_warrants": "5",
    "assets_restrained": "USD 25,000",
    "notes": "Joint raids, 3 provinces: see the annex; more to follow",
}


def settings() -> Settings:
    """Shipped settings with the test period open and Thailand's focal point on Slack."""
    base = shipped_settings(periods=(PERIOD,))
    people = tuple(
        p.model_copy(update={"preferred_channel": "slack"}) if p.id == "th-fp" else p
        for p in base.people
    )
    return base.model_copy(update={"people": people})


@pytest.fixture
async def world(tmp_path) -> AsyncIterator[World]:  # type: ignore[no-untyped-def]
    api = await FakeSlack().start()
    adapter = SlackAdapter.from_settings(slack_options(api.base_url), ENV)
    bot = Harness(tmp_path / "bot.db", settings(), [adapter])
    move_to(bot, MID_JANUARY)
    await bot.start()
    yield World(bot, adapter, api, SlackSide(f"http://127.0.0.1:{adapter.port}/slack/events"))
    await bot.stop()
    await api.stop()


async def open_form(world: World) -> dict[str, Any]:
    """``/focal return form``, then a press on "Fill in the form"; the views.open call."""
    await world.slack.command(TH_FP, "return form")
    await world.settle()
    post = next(p for p in reversed(world.api.posts_to(TH_FP)) if p.get("blocks"))
    actions = next(b for b in post["blocks"] if b["type"] == "actions")
    assert actions["elements"][0]["action_id"].startswith(FORM_ACTION)
    opened = len(world.api.of("views.open"))
    reply = await world.slack.press(TH_FP, post)
    await world.settle()
    assert reply.status == 200
    calls = world.api.of("views.open")
    assert len(calls) == opened + 1
    return calls[-1]


def inputs(opened: dict[str, Any]) -> list[dict[str, Any]]:
    """The modal's input blocks, one per metric."""
    return [b for b in opened["view"]["blocks"] if b["type"] == "input"]


async def saved(world: World) -> dict[str, tuple[Any, ...]]:
    """Thailand's submitted figures: metric → (amount, currency, text)."""
    rows = await world.bot.rows("SELECT metric, amount, currency, text FROM return_values")
    return {r[0]: tuple(r[1:]) for r in rows}


# --- the scenario from the issue -------------------------------------------------------------
async def test_return_through_the_modal_rejected_on_the_field_then_accepted(world: World) -> None:
    opened = await open_form(world)
    view = opened["view"]
    assert view["callback_id"] == FORM_VIEW and view["type"] == "modal"
    metrics = [m.key for m in DEFAULT_METRICS]  # the shipped set, which the period uses
    assert [b["block_id"] for b in inputs(opened)] == metrics  # one field per metric, in order
    kinds = {b["block_id"]: b["element"]["type"] for b in inputs(opened)}
    assert kinds["arrests"] == kinds["victims_assisted"] == "number_input"
    assert kinds["assets_restrained"] == kinds["notes"] == "plain_text_input"  # need text
    assert sum(k == "number_input" for k in kinds.values()) == 14
    required = {b["block_id"] for b in inputs(opened) if not b["optional"]}
    assert required == {"victims_assisted", "arrests"}

    before = await counts(world.bot)
    posts = len(world.api.of("chat.postMessage"))
    bad = await world.slack.submit_view(TH_FP, opened, GOOD | {"arrests": "-3"})
    await world.settle()
    assert bad.status == 200
    assert json.loads(bad.text) == {
        "response_action": "errors",
        "errors": {"arrests": "-3 is negative; figures are 0 or more (write 0 for none)"},
    }
    assert await counts(world.bot) == before  # nothing saved, nothing audited
    assert len(world.api.of("chat.postMessage")) == posts  # and nothing said in the DM

    body = world.slack.view_body(TH_FP, opened, GOOD)
    first = await world.slack.post(body, "application/x-www-form-urlencoded")
    again = await world.slack.post(body, "application/x-www-form-urlencoded")  # resent
    await world.settle()
    assert (first.status, first.text, again.status) == (200, "", 200)

    assert await saved(world) == {
        "victims_assisted": (6, "", None),
        "arrests": (10, "", None),
        "search_warrants": (5, "", None),
        "assets_restrained": (2_500_000, "USD", None),
        "notes": (None, "", GOOD["notes"]),
    }
    assert await world.bot.rows("SELECT version, submitted_by FROM returns") == [(1, "th-fp")]
    assert await world.bot.rows("SELECT COUNT(*) FROM return_drafts") == [(0,)]
    audited = await world.bot.rows("SELECT COUNT(*) FROM audit WHERE action = 'return.submitted'")
    assert audited == [(1,)]
    assert world.api.texts_to(TH_FP).count(f"{SUBMITTED} /focal return show displays it.") == 1
    assert "submitted. By Niran Example" in world.bot.last("th-deputy")


async def test_the_modal_buttons_speak_the_readers_language(tmp_path) -> None:  # type: ignore[no-untyped-def]
    english = await open_form_as(tmp_path / "en.db", "en")
    assert (english["view"]["submit"]["text"], english["view"]["close"]["text"]) == (
        "Submit",
        "Cancel",
    )
    with marked("th"):
        thai = await open_form_as(tmp_path / "th.db", "th")
    assert thai["view"]["submit"]["text"] == "‹th›Submit‹/th›"
    assert thai["view"]["close"]["text"] == "‹th›Cancel‹/th›"


async def open_form_as(path: Path, language: str) -> dict[str, Any]:
    """Thailand's focal point, reading ``language``, opens the return form on Slack."""
    base = settings()
    people = tuple(
        p.model_copy(update={"language": language}) if p.id == "th-fp" else p for p in base.people
    )
    api = await FakeSlack().start()
    adapter = SlackAdapter.from_settings(slack_options(api.base_url), ENV)
    bot = Harness(path, base.model_copy(update={"people": people}), [adapter])
    move_to(bot, MID_JANUARY)
    await bot.start()
    try:
        side = SlackSide(f"http://127.0.0.1:{adapter.port}/slack/events")
        return await open_form(World(bot, adapter, api, side))
    finally:
        await bot.stop()
        await api.stop()


async def test_every_bad_or_missing_field_is_named_at_once(world: World) -> None:
    opened = await open_form(world)
    values = GOOD | {"arrests": "ten point five", "victims_assisted": "", "search_warrants": "1.5"}
    reply = await world.slack.submit_view(TH_FP, opened, values)
    await world.settle()

    errors = json.loads(reply.text)["errors"]
    assert set(errors) == {"arrests", "victims_assisted", "search_warrants"}
    assert errors["victims_assisted"] == "Required (0 if none)."
    assert "can't read 'ten point five'" in errors["arrests"]
    assert "not a whole number" in errors["search_warrants"]
    assert await world.bot.rows("SELECT COUNT(*) FROM returns") == [(0,)]


async def test_the_form_is_prefilled_and_amends_the_submitted_return(world: World) -> None:
    await world.slack.submit_view(TH_FP, await open_form(world), GOOD)
    await world.settle()

    opened = await open_form(world)  # a new form, filled from the submitted return
    initial = {b["block_id"]: b["element"].get("initial_value") for b in inputs(opened)}
    assert initial["arrests"] == "10" and initial["assets_restrained"] == "USD 25,000"
    assert initial["persons_convicted"] is None
    await world.slack.submit_view(TH_FP, opened, initial | {"arrests": "12"})  # type: ignore[arg-type]
    await world.settle()

    assert (await saved(world))["arrests"] == (12, "", None)
    assert await world.bot.rows("SELECT version FROM returns") == [(2,)]
    assert any("is amended (version 2, 1 figure changed)" in t for t in world.api.texts_to(TH_FP))


async def test_a_form_slack_will_not_open_is_shown_as_text(world: World) -> None:
    world.api.fail_next("views.open", error="expired_trigger_id")
    await open_form(world)
    texts = world.api.texts_to(TH_FP)
    assert len(texts) == 2 and texts[0] == texts[1]  # the form again, as the button's command
    assert "every figure at once" in texts[-1]


# --- the core's side, without Slack ----------------------------------------------------------
async def test_platforms_without_forms_get_the_form_as_text(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(tmp_path / "bot.db", shipped_settings(periods=(PERIOD,)))
    move_to(bot, MID_JANUARY)
    await bot.start()
    try:
        await bot.say("my-fp", "/return arrests 4")
        [text] = await bot.say("my-fp", "/return form")
        assert text.startswith(
            "Malaysia · JPA-9 W1 (Jan 1, 2027 – Jan 31, 2027) — every figure at once"
        )
        assert "Arrests (required): 4" in text and "Persons convicted:" not in text
        assert "\nLeft blank: Persons convicted, Trafficked persons rescued, " in text
        assert ", Trafficked persons assisted (required), " in text  # blank and required
        assert bot.chat.sent[-1].message.buttons == ()  # it would only show this text again

        [refused] = await bot.say("my-fp", "/return JPA-9 W1 submit arrests: -1\nvictims: 2")
        assert "Nothing was saved" in refused and "negative" in refused
        [done] = await bot.say("my-fp", "/return JPA-9 W1 submit victims: 2")
        assert "is submitted" in done  # the draft's arrests 4 kept, the form's figure added
        stored = dict(await bot.rows("SELECT metric, amount FROM return_values"))
        assert stored == {"arrests": 4, "victims_assisted": 2}
    finally:
        await bot.stop()


def test_field_checks_and_the_filled_line_are_pure() -> None:
    form = Form(
        "Return X-1 W1",
        "/return X-1 W1 submit",
        (
            FormField("arrests", "Arrests", "count", required=True),
            FormField("assets", "Assets", "money"),
            FormField("notes", "Notes", "text"),
        ),
    )
    assert field_errors(form, {"arrests": "3", "assets": "$5"}) == {
        "assets": "$5: please write the currency code instead of a symbol, e.g. USD 25,000 "
        "or AUD 25,000"
    }
    assert field_errors(form, {"notes": "x"}) == {"arrests": "Required (0 if none)."}
    line = filled_line(form, {"arrests": " 3 ", "assets": "", "notes": "a, b\nc: d"})
    assert line == "/return X-1 W1 submit arrests: 3\nnotes: a, b c: d"
    drawn = form.rendered("en")  # adapters get forms rendered in the reader's language
    assert decode_form(encode_form("/return X-1 W1 form", drawn)) == ("/return X-1 W1 form", drawn)
    assert decode_form("not json") is None


async def test_field_errors_are_in_the_readers_language(world: World) -> None:
    assert (await world.slack.command(TH_FP, "language th")).status == 200
    await world.settle()
    opened = await open_form(world)
    reply = await world.slack.submit_view(TH_FP, opened, GOOD | {"arrests": "-3"})
    await world.settle()
    [error] = json.loads(reply.text)["errors"].values()
    assert "-3" in error and re.search("[\u0e00-\u0e7f]", error), error  # from the Thai catalog
    assert "negative" not in error
