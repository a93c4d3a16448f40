"""A Confirm submits only the figures its presser was shown.

A country's draft return is shared by its focal point and deputies. The summary's Confirm
carries the draft's revision (``/return JPA-9 W1 confirm 2``); when the draft changed since
(another person, or the same person elsewhere), nothing is submitted: the draft is shown again
with who changed what, and a new Confirm. A confirm typed without a revision stands only for
the person who changed the draft last. The form's Submit carries the revision too.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from adapters.memory import MemoryAdapter
from bot.config import Settings
from bot.returns.metric_values import Value
from bot.returns.parse import filled_line
from tests.harness import Harness, created_database, execute_on, shipped_settings
from tests.returns_support import MID_JANUARY, PERIOD, as_configured, move_to, running

CHANGED = "Not submitted: the return's draft changed after it was shown to you."
DEPUTY_LAST = (
    "Not submitted: Nirana Deputy-Example changed the draft last. Please check it, then confirm."
)


def confirm_offered(bot: Harness, person: str) -> str:
    """The Confirm command of the latest message to ``person`` that offers one."""
    for delivery in reversed(bot.chat.sent):
        if delivery.message.address != person:
            continue
        for button in delivery.message.buttons:
            if button.label == "Confirm":
                return button.command
    raise AssertionError(f"no Confirm offered to {person}")


async def submitted(bot: Harness) -> list[tuple[object, ...]]:
    return await bot.rows("SELECT metric, amount FROM return_values ORDER BY metric")


async def test_a_confirm_after_a_deputys_change_shows_it_instead_of_submitting(
    tmp_path: Path,
) -> None:
    """The trial's case: the focal point is shown Arrests 10, the deputy makes it 12 in the
    shared draft, and the focal point's Confirm submitted 12 under their name, unseen."""
    bot = await running(tmp_path)
    [shown] = await bot.say("th-fp", "/return W1 arrests 10, victims assisted 6")
    assert "Arrests: 10" in shown, shown
    seen = confirm_offered(bot, "th-fp")
    assert seen.startswith("/return JPA-9 W1 confirm "), seen
    [changed] = await bot.say("th-deputy", "/return W1 arrests 12")
    assert "Arrests: 12" in changed, changed

    bot.clock.advance(timedelta(hours=1))
    await bot.restart()  # the revision shown is kept with the draft
    [again] = await bot.press("th-fp", seen)
    lines = again.split("\n")
    assert lines[:3] == [
        CHANGED,
        "• Arrests 10 → 12 by Nirana Deputy-Example",
        "Thailand · JPA-9 W1 (Jan 1, 2027 – Jan 31, 2027), due Feb 7, 2027",
    ], again
    assert "Arrests: 12" in again and "Confirm to submit." in again, again
    assert await bot.rows("SELECT COUNT(*) FROM returns") == [(0,)]
    offered = confirm_offered(bot, "th-fp")
    assert offered != seen and offered.startswith("/return JPA-9 W1 confirm "), offered

    [done] = await bot.press("th-fp", offered)  # now they have seen 12
    assert "is submitted" in done, done
    assert await submitted(bot) == [("arrests", 12), ("victims_assisted", 6)]
    assert "submitted. By Niran Example" in bot.last("th-deputy")  # the deputy is told
    await bot.stop()


async def test_a_typed_confirm_stands_only_for_whoever_changed_the_draft_last(
    tmp_path: Path,
) -> None:
    bot = await running(tmp_path)
    await bot.say("th-fp", "/return W1 arrests 10, victims assisted 6")
    await bot.say("th-deputy", "/return W1 arrests 12")
    [asked] = await bot.say("th-fp", "/return confirm")  # the summary th-fp saw: changed since
    assert asked.split("\n")[:2] == [CHANGED, "• Arrests 10 → 12 by Nirana Deputy-Example"]
    assert "Arrests: 12" in asked, asked
    assert await bot.rows("SELECT COUNT(*) FROM returns") == [(0,)]

    [done] = await bot.say("th-deputy", "/return confirm")  # the deputy saw what they wrote
    assert "is submitted" in done, done
    assert await submitted(bot) == [("arrests", 12), ("victims_assisted", 6)]
    await bot.stop()


async def test_someone_who_never_changed_the_draft_is_shown_it_first(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    await bot.say("th-deputy", "/return W1 arrests 12, victims assisted 6")
    [asked] = await bot.say("th-fp", "/return JPA-9 W1 confirm")
    assert asked.split("\n")[:2] == [
        DEPUTY_LAST,
        "Thailand · JPA-9 W1 (Jan 1, 2027 – Jan 31, 2027), due Feb 7, 2027",
    ], asked  # nothing of theirs to compare with: the summary is what they now see
    [done] = await bot.press("th-fp", confirm_offered(bot, "th-fp"))
    assert "is submitted" in done, done
    assert await bot.rows("SELECT submitted_by FROM returns") == [("th-fp",)]
    await bot.stop()


async def test_the_same_persons_own_later_change_is_shown_too(tmp_path: Path) -> None:
    """A Confirm pressed in one chat after the person changed the draft in another."""
    bot = await running(tmp_path)
    await bot.say("th-fp", "/return W1 arrests 10, victims assisted 6")
    first = confirm_offered(bot, "th-fp")
    await bot.say("th-fp", "/return W1 arrests 11")
    second = confirm_offered(bot, "th-fp")
    [again] = await bot.press("th-fp", first)
    assert again.split("\n")[:2] == [CHANGED, "• Arrests 10 → 11 by Niran Example"], again
    assert await bot.rows("SELECT COUNT(*) FROM returns") == [(0,)]
    assert "is submitted" in (await bot.press("th-fp", second))[0]
    await bot.stop()


async def test_every_change_since_is_named_with_who_made_it(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    await bot.say("th-fp", "/return W1 arrests 10, victims assisted 6")
    seen = confirm_offered(bot, "th-fp")
    await bot.say("th-deputy", "/return W1 arrests 12")
    await bot.say("th-deputy", "/return W1 arrests 13, search warrants 2")  # told as one
    await bot.say("th-fp", "/return W1 victims assisted 7")
    [again] = await bot.press("th-fp", seen)
    assert again.split("\n")[:5] == [
        CHANGED,
        "• Arrests 10 → 13 by Nirana Deputy-Example",
        "• Search warrants executed — → 2 by Nirana Deputy-Example",
        "• Trafficked persons assisted 6 → 7 by Niran Example",
        "Thailand · JPA-9 W1 (Jan 1, 2027 – Jan 31, 2027), due Feb 7, 2027",
    ], again
    await bot.stop()


async def test_an_old_confirm_never_fits_a_new_draft(tmp_path: Path) -> None:
    """Revisions go on after a draft is discarded or submitted: a Confirm of the old draft
    pressed later does not submit the next one."""
    bot = await running(tmp_path)
    await bot.say("th-fp", "/return W1 arrests 10, victims assisted 6")
    old = confirm_offered(bot, "th-fp")
    await bot.say("th-fp", "/return W1 cancel")
    await bot.say("th-deputy", "/return W1 arrests 3, victims assisted 1")
    await bot.say("th-deputy", "/return W1 arrests 4")  # as many changes as the old one had
    [again] = await bot.press("th-fp", old)
    assert again.startswith(CHANGED), again
    assert "• Arrests — → 4 by Nirana Deputy-Example" in again, again
    assert await bot.rows("SELECT COUNT(*) FROM returns") == [(0,)]
    await bot.stop()


async def test_an_amendment_is_checked_the_same_way(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    await bot.say("th-fp", "/return W1 arrests 10, victims assisted 6")
    await bot.say("th-fp", "/return confirm")
    await bot.say("th-fp", "/return W1 arrests 11")
    seen = confirm_offered(bot, "th-fp")
    await bot.say("th-deputy", "/return W1 victims assisted 9")
    [again] = await bot.press("th-fp", seen)
    assert again.split("\n")[:2] == [
        CHANGED,
        "• Trafficked persons assisted 6 → 9 by Nirana Deputy-Example",
    ], again
    assert "Arrests: 11  (was 10)" in again and "Trafficked persons assisted: 9  (was 6)" in again
    assert await bot.rows("SELECT version FROM returns") == [(1,)]  # not amended
    await bot.stop()


async def test_with_national_signoff_too(tmp_path: Path) -> None:
    bot = await running(tmp_path, periods=(PERIOD.model_copy(update={"signoff": True}),))
    await bot.say("th-deputy", "/return W1 arrests 3, victims assisted 2")
    seen = confirm_offered(bot, "th-deputy")
    await bot.say("th-fp", "/return W1 arrests 30")
    [again] = await bot.press("th-deputy", seen)
    assert again.split("\n")[:2] == [CHANGED, "• Arrests 3 → 30 by Niran Example"], again
    assert await bot.rows("SELECT COUNT(*) FROM returns") == [(0,)]
    await bot.stop()


async def test_the_guided_forms_confirm_is_checked_too(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    await bot.say("th-fp", "/return W1 victims assisted 6")
    await bot.say("th-fp", "/return W1")  # on to the guided form, to its last answer
    for _ in range(20):
        answer = bot.last("th-fp")
        if "Confirm" in [b.label for b in bot.chat.sent[-1].message.buttons]:
            break
        step = "3" if "Arrests? (required)" in answer else "skip"
        await bot.say("th-fp", step)
    seen = confirm_offered(bot, "th-fp")
    await bot.say("th-deputy", "/return W1 arrests 5")
    [typed] = await bot.say("th-fp", "/return confirm")  # the form's summary, changed since
    assert typed.split("\n")[:2] == [CHANGED, "• Arrests 3 → 5 by Nirana Deputy-Example"]
    [pressed] = await bot.press("th-fp", seen)
    assert pressed.startswith(CHANGED), pressed
    assert await bot.rows("SELECT COUNT(*) FROM returns") == [(0,)]
    await bot.stop()


async def test_a_form_filled_before_another_change_is_kept_not_submitted(tmp_path: Path) -> None:
    """A field left blank in the form would submit another person's figure unseen."""
    bot = await running(tmp_path)
    await bot.say("th-fp", "/return W1 victims assisted 6")
    [(revision,)] = await bot.rows("SELECT revision FROM return_drafts")  # the form's
    await bot.say("th-deputy", "/return W1 arrests 40")
    [again] = await bot.say("th-fp", f"/return JPA-9 W1 submit {revision} search_warrants: 2")
    assert again.split("\n")[:2] == [CHANGED, "• Arrests — → 40 by Nirana Deputy-Example"]
    assert "Search warrants executed: 2" in again and "Arrests: 40" in again, again
    assert await bot.rows("SELECT COUNT(*) FROM returns") == [(0,)]
    [done] = await bot.press("th-fp", confirm_offered(bot, "th-fp"))  # the form's figure kept
    assert "is submitted" in done, done
    assert await submitted(bot) == [
        ("arrests", 40),
        ("search_warrants", 2),
        ("victims_assisted", 6),
    ]
    await bot.stop()


async def test_a_form_of_the_draft_as_it_is_submits_at_once(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    await bot.say("th-deputy", "/return W1 arrests 40")
    [(revision,)] = await bot.rows("SELECT revision FROM return_drafts")
    [done] = await bot.say("th-fp", f"/return JPA-9 W1 submit {revision} victims_assisted: 6")
    assert "is submitted" in done, done
    assert await submitted(bot) == [("arrests", 40), ("victims_assisted", 6)]
    await bot.stop()


class FormChat(MemoryAdapter):
    """The in-memory channel, drawing a button's form as a form (as Slack's modal does)."""

    opens_forms = True


async def test_the_forms_submit_carries_the_revision_it_shows(tmp_path: Path) -> None:
    bot = Harness(tmp_path / "bot.db", running_settings(), chat_factory=FormChat)
    move_to(bot, MID_JANUARY)
    await bot.start()
    await bot.say("th-fp", "/return W1 victims assisted 6")
    await bot.say("th-fp", "/return W1 form")
    [button] = bot.chat.sent[-1].message.buttons
    assert button.form is not None
    [(revision,)] = await bot.rows("SELECT revision FROM return_drafts")
    assert button.form.submit == f"/return JPA-9 W1 submit {revision}", button.form.submit
    await bot.say("th-deputy", "/return W1 arrests 40")
    filled = filled_line(button.form, {"arrests": "", "search_warrants": "2"})  # arrests blank
    [again] = await bot.say("th-fp", filled)
    assert again.split("\n")[:2] == [CHANGED, "• Arrests — → 40 by Nirana Deputy-Example"]
    assert await bot.rows("SELECT COUNT(*) FROM returns") == [(0,)]
    await bot.stop()


def running_settings() -> Settings:
    """The settings :func:`tests.returns_support.running` starts with."""
    return shipped_settings(periods=(PERIOD,), returns=as_configured(shipped_settings().returns))


def before_revisions(path: Path) -> str:
    """The database at ``path`` as schema 16 (the release before draft revisions) left it."""
    database = created_database(path)
    for statement in (
        "DROP TABLE return_draft_changes",
        "DROP TABLE replays",  # (schema 25)
        "ALTER TABLE outbox DROP COLUMN parts_sent",  # (schema 26)
        "ALTER TABLE return_drafts DROP COLUMN revision",
        "ALTER TABLE return_drafts DROP COLUMN changed_by",
        "DROP TABLE awake",  # (schema 18)
        "DROP TABLE outbox_parts",  # (schema 22)
        "DROP INDEX outbox_platform_id",  # (schema 21)
        "ALTER TABLE people DROP COLUMN language_given",  # (schema 23)
        "ALTER TABLE people DROP COLUMN source",  # (schema 20)
        "ALTER TABLE outbox DROP COLUMN fell_back_at",  # (schema 19)
        "UPDATE meta SET value = '16' WHERE key = 'schema_version'",
    ):
        execute_on(database, statement)
    return database


async def test_a_draft_from_before_revisions_stands_for_its_last_writer(tmp_path: Path) -> None:
    database = before_revisions(tmp_path / "bot.db")
    answers = {"arrests": Value(8).as_json(), "victims_assisted": Value(2).as_json()}
    execute_on(
        database,
        "INSERT INTO return_drafts (period, window_seq, country, person_id, step, guided, "
        "answers, updated_at) VALUES ('JPA-9', 1, 'TH', 'th-deputy', 16, 0, ?, "
        "'2027-01-20T11:00:00+00:00')",
        [json.dumps(answers)],
    )
    bot = await running(tmp_path)
    assert await bot.rows("SELECT revision, changed_by FROM return_drafts") == [(0, None)]
    [asked] = await bot.say("th-fp", "/return confirm")
    assert asked.startswith(DEPUTY_LAST), asked
    [done] = await bot.say("th-deputy", "/return confirm")
    assert "is submitted" in done, done
    await bot.stop()
