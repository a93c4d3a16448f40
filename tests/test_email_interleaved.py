"""Email replies in every shape a person writes them reach the other side, and a mail whose
new text comes out empty is answered rather than dropped in silence; the conversion of a
hostile body takes time in proportion to its size (2 MB in well under a second for HTML).

Found by a trial as an attacker would: an interleaved reply, a sentence ending in "… wrote:"
and a "Sent from my colleague …" line each lost the sender's whole text without a word to
them; ``"<div " * 12000`` (60 KB of HTML) took 18 s of a core."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest

from adapters.email_convert import command_for, html_text, strip_quoted
from tests.cpu_time import cpu_seconds
from tests.fake_email import NO_VERDICT
from tests.marked_catalog import marked
from tests.test_email import AINA, BOT, World, file_request, start_world

HEADER = f"On Tue, 1 Dec 2026 at 10:00, FocalPoint <{BOT}> wrote:"
INTERLEAVED = (
    f"{HEADER}\n> Please check passport A1234567.\nValid until 2030; holder Somchai K.\n\n"
    "> Where is the vessel?\nSeized in Satun port this morning.\n"
)
ANSWERS = "Valid until 2030; holder Somchai K.\n\nSeized in Satun port this morning."
SAID_FIRST = (
    "Passport checked. On 12 March 2026 the broker Lee <lee.broker@gmail.com> wrote:\n"
    "I deliver on Friday at pier 4.\nBring the cash."
)
CREW_LIST = "Sent from my colleague in Songkhla: the crew list\n1. Somchai K.\n2. Lee W."
NOTHING_NEW = "I found no new text in your reply above the quoted message; nothing was sent."


# --- interleaved replies --------------------------------------------------------------------
def test_an_interleaved_reply_keeps_the_lines_between_and_after_the_quotes() -> None:
    assert strip_quoted(INTERLEAVED) == ANSWERS


def test_answers_below_an_opening_line_are_kept_too() -> None:
    body = f"Answers below.\n\n{INTERLEAVED}"
    assert strip_quoted(body) == f"Answers below.\n\n{ANSWERS}"


def test_the_quoted_history_ends_where_the_quoted_lines_do() -> None:
    """Below the quote, a signature still cuts, and a header above unquoted text (an HTML
    quote, or Outlook's) still takes everything after it."""
    assert strip_quoted(f"{INTERLEAVED}\n-- \nAina, PDRM") == ANSWERS
    assert strip_quoted(f"{INTERLEAVED}\nSent from my iPhone\n") == ANSWERS
    unmarked = f"{INTERLEAVED}\n{HEADER}\nPlease check passport A1234567."
    assert strip_quoted(unmarked) == ANSWERS
    assert strip_quoted(f"{HEADER}\n> Please check passport A1234567.\n") == ""
    assert strip_quoted(f"{HEADER}\nPlease check passport A1234567.\n") == ""


# --- lines that only look like the start of history ---------------------------------------
def test_a_header_after_the_senders_own_sentence_is_their_text() -> None:
    assert strip_quoted(SAID_FIRST) == SAID_FIRST
    wrapped = SAID_FIRST.replace(" <lee.broker", "\n<lee.broker")  # wrapped by the client
    assert strip_quoted(wrapped) == wrapped
    assert strip_quoted(f"{SAID_FIRST}\n\n{HEADER}\n> old") == SAID_FIRST


@pytest.mark.parametrize(
    ("body", "kept"),
    [
        (CREW_LIST, None),
        (f"{CREW_LIST}\n\n{HEADER}\n> old", CREW_LIST),
        ("Sent from my office: the vessel left at 6.", None),
        ("Sent from my desk\nThe vessel left at 6.", None),
        ("Seized.\n\nSent from my iPhone", "Seized."),
        ("Seized.\nSent from my Samsung Galaxy smartphone.\n\n", "Seized."),
        (f"Seized.\n\nSent from my iPhone\n\n{HEADER}\n> old", "Seized."),
        ("Seized.\nSent from my iPhone\n\n> On 1 Dec 2026, FocalPoint wrote:\n> old", "Seized."),
    ],
    ids=lambda value: " ".join(str(value).split())[:40],
)
def test_sent_from_my_cuts_only_as_the_last_short_line(body: str, kept: str | None) -> None:
    assert strip_quoted(body) == (body if kept is None else kept)


# --- end to end: what the other side reads, and what the sender is told ---------------------
@pytest.fixture
async def world(tmp_path) -> AsyncIterator[World]:  # type: ignore[no-untyped-def]
    w = await start_world(tmp_path)
    yield w
    await w.stop()


async def replies(w: World) -> list[tuple[int]]:
    return await w.bot.rows("SELECT COUNT(*) FROM request_messages WHERE kind = 'reply'")


@pytest.mark.parametrize(
    "body", [INTERLEAVED, SAID_FIRST, CREW_LIST], ids=["interleaved", "said first", "crew list"]
)
async def test_each_shape_of_reply_is_relayed(world: World, body: str) -> None:
    request_id = await file_request(world)
    mail = await world.mail_to(AINA)
    await world.deliver(world.aina, world.aina.reply(mail, body, quote=False))
    relayed = world.bot.last("au-officer")
    assert strip_quoted(body) in relayed
    assert "Where is the vessel" not in relayed and HEADER not in relayed
    assert (await world.mail_to(AINA, 2)).body.startswith(f"Sent on {request_id}.")


async def test_a_reply_with_no_new_text_is_answered_in_the_senders_language(
    world: World,
) -> None:
    with marked("ms"):
        await world.bot.say("my-fp", "/language ms")
        await file_request(world)
        mail = await world.mail_to(AINA)
        told = len(world.bot.inbox("au-officer"))
        reply = world.aina.reply(mail, "")  # all quote
        await world.deliver(world.aina, reply)
        answer = await world.mail_to(AINA, 2)
    assert answer.body.strip() == f"‹ms›{NOTHING_NEW}‹/ms›"
    assert answer.message["In-Reply-To"] == reply["Message-ID"]
    assert answer.message["Auto-Submitted"] == "auto-replied"
    assert len(world.bot.inbox("au-officer")) == told  # nothing went to the requester
    assert await replies(world) == [(0,)]


async def test_an_empty_interleaved_reply_is_answered_too(world: World) -> None:
    await file_request(world)
    mail = await world.mail_to(AINA)
    await world.deliver(world.aina, world.aina.reply(mail, f"{HEADER}\n> Where?\n", quote=False))
    assert (await world.mail_to(AINA, 2)).body.strip() == NOTHING_NEW
    assert await replies(world) == [(0,)]


async def test_automatic_or_unvouched_mail_with_no_new_text_stays_unanswered(
    world: World,
) -> None:
    """Out-of-office robots and bounces are never answered (a mail loop); nor is a sender
    DMARC does not vouch for, whose address may be forged (backscatter)."""
    await file_request(world)
    mail = await world.mail_to(AINA)
    await world.deliver(world.aina, world.aina.reply(mail, "", Auto_Submitted="auto-replied"))
    await world.aina.send(world.aina.reply(mail, ""), mail_from="")  # a bounce
    world.mx.verdicts[AINA] = NO_VERDICT
    await world.deliver(world.aina, world.aina.reply(mail, ""))
    await world.bot.settle()
    assert len(world.relay.to(AINA)) == 1  # the request's mail, nothing after it
    assert await replies(world) == [(0,)]


# --- hostile bodies cost time in proportion to their size -----------------------------------
SIZE = 2_000_000  # characters: max_message_bytes allows a 2 MB mail
Shape = Callable[[int], str]  # a hostile body of about the given number of characters


def filled(unit: str, prefix: str = "") -> Shape:
    return lambda size: prefix + unit * (size // len(unit))


def grows_in_proportion(shape: Shape, size: int, read: Callable[[str], object]) -> None:
    """Reading four times the text costs about four times the time, not sixteen (a pattern
    that reads on to the end from every line or character). A ratio, measured here and now,
    so that a slower or busier machine moves both sides: they took 2.6 to 6.2 times as long
    (10 allows for caches and the allocator, not for a pass per line)."""
    quarter, whole = shape(size // 4), shape(size)
    small = min(cpu_seconds(lambda: read(quarter)) for _ in range(2))
    assert cpu_seconds(lambda: read(whole)) < 10 * small + 0.02


HOSTILE_HTML = {
    "unclosed divs": filled("<div "),
    "lone <": filled("<"),
    "nested blockquotes": filled("<blockquote>"),
    "unclosed blockquotes": filled("<blockquote "),
    "unclosed comment": filled("x", "<!--"),
    "comment openings": filled("<!--"),
    "unclosed class values": filled('<div class="'),
    "one endless class value": filled("a", '<div class="'),
    "unclosed breaks": filled("<br "),
    "unclosed styles": filled("</style ", "<style>"),
}


@pytest.mark.parametrize("shape", sorted(HOSTILE_HTML))
def test_hostile_html_of_up_to_2_mb_is_converted_in_one_pass(shape: str) -> None:
    """Before, each unclosed ``<`` made the tag patterns read to the end of the body: 2 MB
    took hours. Converting it and reading the command out of it is one pass now."""
    grows_in_proportion(
        HOSTILE_HTML[shape], SIZE, lambda markup: command_for(html_text(markup), "R-2026-0001")
    )


def test_html_comments_are_not_text() -> None:
    assert html_text("<p>Seized.</p><!--[if mso]><p>hidden</p><![endif]-->") == "Seized.\n"
    assert html_text("<p>Seized.</p><!-- never closed <p>hidden</p>") == "Seized.\n"


HOSTILE_TEXT = {
    "From lines": filled("From: x\n"),
    "header blocks": filled("From: x\nSent: 1 Dec 2026\nCc: y\n"),
    "starred line below From lines": filled("* ", "From: x\n" * 8),
    "bare dashes": filled("--\n"),
    "wrote lines": filled("On 1 Dec 2026 x wrote:\nx\n"),
    "wrote lines with addresses": filled("Seen. On 1 Dec 2026, x <x@y.z> wrote:\n"),
    "colon lines": filled("1:\n"),
    "one long line": filled("a"),
    "one long rule": filled("_"),
}


@pytest.mark.parametrize("shape", sorted(HOSTILE_TEXT))
def test_hostile_plain_text_takes_time_in_proportion_to_its_size(shape: str) -> None:
    """Each line is looked at a bounded number of times. Before, a line of stars below
    ``From:`` lines was matched against every label at every star, once per ``From:``.
    An eighth of the largest mail: the old patterns' cost shows at this size already, and
    2 MB of each shape cost the suite half a minute."""
    grows_in_proportion(
        HOSTILE_TEXT[shape], SIZE // 8, lambda text: command_for(text, "R-2026-0001")
    )
