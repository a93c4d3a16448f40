"""Fallback channels: a message that fails for good goes out on the person's next channel.

Routes are tried in the router's order (preferred channel first, then the person's other
identities, then the console stand-in), so each failure moves strictly forward and the chain
ends. Whoever caused the message (its origin) is told where it went, or that nothing reached
the person, so a silent loss is impossible.
"""

from __future__ import annotations

from datetime import datetime

from bot.config import Person
from bot.directory.repo import CONSOLE, mark_unreachable
from bot.events import DeliveryReport, Outbound
from bot.i18n import Text, _, join, n_
from bot.storage.sql import Db
from bot.work import KNOWN_ID, STANDBY, Context, Work, buttons_from_json

EXPIRED, UNAVAILABLE, REFUSED, UNREACHABLE = "expired", "unavailable", "refused", "unreachable"
UNDELIVERED = "undelivered"
"""What kind of failure a message met (bot.delivery.outbox decides it by the error's class):
too old to send, the platform not reached after every retry, the message refused, the
address reaching its person no more; or taken and then reported not delivered. Its sender
reads the kind in plain words; the platform's own words go to the log."""

_ADDRESS_INVALID = ("not found", "invalid", "not a valid", "unknown", "does not exist", "no such")
"""Words of a platform's refusal that say the address itself is wrong (Telegram's "chat not
found", an SMS gateway's "not a valid phone number", a mail server's "user unknown")."""

FILE_UNREADABLE = "the file cannot be read"
"""How a delivery that failed on its file's blob (damaged, or sealed with another key) says so:
another channel would fail the same way, so the text goes without the file."""


def reroute(
    db: Db, ctx: Context, failed: Outbound, reason: str, now: datetime, kind: str = REFUSED
) -> Work:
    """Queue ``failed`` on the next channel that reaches its person, and tell its origin why
    in plain words (``reason``, the platform's, is for the log and the administrators).

    ``kind`` :data:`UNREACHABLE`: the platform said the address reaches its person no more
    (they blocked the bot, the chat is gone). It is noted, so that their next messages go
    straight to their next channel instead of failing there one by one, and the
    administrators are told once.
    """
    row = db.execute("SELECT origin_id, subject FROM outbox WHERE id = ?", [failed.id]).fetchone()
    origin_id, subject = row if row else (None, None)
    work = Work(db, ctx, now, ctx.directory.people.get(origin_id or ""))
    if row and not _first_fallback(db, failed.id, work.stamp):
        return work  # retried and failed again, or rerouted by another replica: once only
    person = ctx.directory.people.get(failed.person_id or "")
    if person is None:  # a reply into a chat that is gone, or a parting notice
        _standing_by(work, failed, subject or "")
        return work
    if failed.attachment is not None and reason.startswith(FILE_UNREADABLE):
        _without_the_file(work, person, failed, subject or "", reason)
        return work
    route = _next_route(ctx, person, failed.channel)
    unreachable = kind == UNREACHABLE and _own_chat(ctx, person, failed)  # not a group that is gone
    if unreachable:
        _note_unreachable(work, person, failed.channel, reason, route)
    if route is not None and route[0] in ctx.router.pointer_only:
        _past_a_pointer(work, person, failed, route, subject or "")
    elif route is not None:
        text: Text = failed.text  # already in the person's language
        if failed.channel in ctx.router.pointer_only and subject:  # full content allowed now
            text = _("{id} awaits you — /show {id} shows it here.", id=subject)
        work.send_via(person, *route, text, failed.buttons, subject or "", failed.id)
    work.audit(
        "message.rerouted" if route else "message.undeliverable",
        subject or person.id,
        f"{failed.channel} failed; " + (f"to {route[0]}" if route else "no route left"),
    )
    origin = work.actor
    if origin is not None and origin.id != person.id:
        why = plain_reason(kind, reason)
        params = {"name": person.name, "channel": failed.channel, "reason": why}
        told: Text
        if unreachable:
            told = _unreachable_note(person, failed.channel, route)
        elif route:
            told = _(
                "I could not deliver your message to {name} on {channel} ({reason}); sent it on "
                "{other} instead.",
                other=route[0],
                **params,
            )
        else:
            told = _(
                "I could not deliver your message to {name} on {channel} ({reason}); no other "
                "channel reaches them; please contact them directly.",
                **params,
            )
        work.notify(origin, told, subject=subject or "")
    return work


def _standing_by(work: Work, failed: Outbound, subject: str) -> None:
    """A notice sent to nobody by name (bot.work's ``send_parting``: its person is revoked in
    the same unit, and their channels with them) left copies standing by on their later
    channels: the first one left goes now, like any message's fallback, neither held nor
    withdrawn by the revocation. Anything else sent to nobody has nowhere else to go."""
    db, root = work.db, failed.id
    up: int | None = failed.id
    while up is not None:  # the copies hang on the notice as first written
        root = up
        row = db.execute("SELECT fallback_of FROM outbox WHERE id = ?", [up]).fetchone()
        up = row[0] if row else None
    spare = db.execute(
        "SELECT id, channel, address, text FROM outbox WHERE fallback_of = ? AND status = ? "
        "ORDER BY id LIMIT 1",
        [root, STANDBY],
    ).fetchone()
    if spare is None:
        return
    db.execute("DELETE FROM outbox WHERE id = ?", [spare[0]])
    work._queue(spare[1], spare[2], None, spare[3], (), subject or None, failed.id, False)
    work.audit("message.rerouted", subject, f"{failed.channel} failed; to {spare[1]}")


def missed_while_unreachable(work: Work, person: Person, channel: str, user_id: str) -> Text | None:
    """What ``person``, whose identity on ``channel`` is noted unreachable and who wrote from
    it again, was sent since the mark that failed there or went on another channel: how many,
    and the requests and broadcasts they were about (never their content: ``channel`` may be
    pointer-only). None when nothing was. What they caused themselves (answers to their own
    commands) they saw where they wrote. Each message counts once: one about the same request
    as another is another message, and a pointer with its content (:func:`_with_content`) is
    one."""
    mark = work.db.execute(
        "SELECT unreachable_since FROM identities WHERE channel = ? AND user_id = ?",
        [channel, user_id],
    ).fetchone()
    if not mark or not mark[0]:
        return None
    since = str(mark[0])
    pointers, params = _with_content(work.ctx.router.pointer_only)
    rows = work.db.execute(
        "SELECT o.id, o.subject FROM outbox o "
        "WHERE o.person_id = ? AND o.status NOT IN (?, 'withdrawn') AND "
        "(o.origin_id IS NULL OR o.origin_id <> ?) AND "
        "((o.channel = ? AND o.status IN ('failed', 'expired') AND o.fell_back_at >= ?) "
        f"OR (o.channel <> ? AND o.fallback_of IS NULL AND o.created_at >= ?)){pointers}",
        [person.id, STANDBY, person.id, channel, since, channel, since, *params],
    ).fetchall()
    if not rows:
        return None
    ids = sorted({s for _id, s in rows if s and KNOWN_ID.fullmatch(s)})
    if not ids:
        return n_(
            "While I could not reach you on {channel}, {count} message for you was sent on "
            "another channel or not delivered.",
            "While I could not reach you on {channel}, {count} messages for you were sent on "
            "another channel or not delivered.",
            len(rows),
            channel=channel,
        )
    return n_(
        "While I could not reach you on {channel}, {count} message for you was sent on another "
        "channel or not delivered, about {ids}.",
        "While I could not reach you on {channel}, {count} messages for you were sent on "
        "another channel or not delivered, about {ids}.",
        len(rows),
        channel=channel,
        ids=", ".join(ids),
    )


def _with_content(pointer_only: frozenset[str]) -> tuple[str, list[str]]:
    """The condition (and its parameters) that leaves out of the outbox rows ``o`` a pointer
    whose content went on another channel (bot.work's ``notify``: written after it, in the
    same unit, to the same person, about the same subject, as a message of its own): the
    reader counts the two as one message, the content (missed or not)."""
    if not pointer_only:
        return "", []
    marks = ", ".join("?" for _channel in pointer_only)
    condition = (
        f" AND NOT (o.channel IN ({marks}) AND EXISTS (SELECT 1 FROM outbox c "
        "WHERE c.person_id = o.person_id AND c.created_at = o.created_at AND c.id > o.id "
        f"AND c.fallback_of IS NULL AND c.channel NOT IN ({marks}) "
        "AND COALESCE(c.subject, '') = COALESCE(o.subject, '')))"
    )
    channels = sorted(pointer_only)
    return condition, [*channels, *channels]


def plain_reason(kind: str, reason: str) -> Text:
    """Why a message failed, in words its sender reads in their language (never a library's
    error, which ``reason`` may carry)."""
    if kind == EXPIRED:
        return _("it could not be sent in time")
    if kind == UNAVAILABLE:
        return _("the platform could not be reached")
    if any(words in reason.lower() for words in _ADDRESS_INVALID):
        return _("the address is not valid")
    if kind == UNDELIVERED:
        return _("the platform could not deliver it")
    return _("the platform refused the message")


ALERTS_PER_HOUR = 3


def _first_fallback(db: Db, outbox_id: int, at: str) -> bool:
    """Claim the fallback of a failed message: True the first time only. One conditional
    update, so that two replicas (or a retry failing again) cannot both reroute and tell."""
    cursor = db.execute(
        "UPDATE outbox SET fell_back_at = ? WHERE id = ? AND fell_back_at IS NULL", [at, outbox_id]
    )
    return bool(cursor.rowcount)


def _own_chat(ctx: Context, person: Person, failed: Outbound) -> bool:
    """Whether ``failed`` went to the person's own chat on its channel: a group the bot was
    removed from, or that is gone, says nothing of whether their private chat still works."""
    user_id = ctx.directory.identity(person, failed.channel)
    address_of = ctx.router.channels.get(failed.channel)
    return bool(user_id and address_of and address_of(user_id) == failed.address)


def _note_unreachable(
    work: Work, person: Person, channel: str, reason: str, route: tuple[str, str] | None
) -> None:
    """Mark the person's identity on ``channel`` unreachable; tell the administrators once.

    Only for the person's own chat (:func:`_own_chat`)."""
    user_id = work.directory.identity(person, channel)
    if not user_id or not mark_unreachable(work.db, channel, user_id, work.stamp, reason):
        return  # noted already (another message to the same address failed meanwhile)
    work.directory_changed = True
    work.audit("route.unreachable", person.id, f"{channel}: {reason[:200]}")
    then = (
        _("Their messages now go on {other}.", other=route[0])
        if route
        else _("No other channel reaches them.")
    )
    work.alert_admins(
        "route.unreachable",
        join(
            [
                _(
                    "{name} can no longer be reached on {channel} ({reason}).",
                    name=person.name,
                    channel=channel,
                    reason=reason[:160],
                ),
                then,
                _(
                    "{channel} is tried again once they write to the bot there, or after a "
                    "directory import that lists that identity.",
                    channel=channel,
                ),
            ],
            " ",
        ),
        ALERTS_PER_HOUR,
    )


def _unreachable_note(person: Person, channel: str, route: tuple[str, str] | None) -> Text:
    """What the sender learns, in plain words (the platform's own words go to the log)."""
    if route:
        return _(
            "{name} cannot be reached on {channel} any more (they may have blocked the bot or "
            "left it); I sent your message on {other} instead.",
            name=person.name,
            channel=channel,
            other=route[0],
        )
    return _(
        "{name} cannot be reached on {channel} any more (they may have blocked the bot or left "
        "it), and no other channel reaches them; please contact them directly.",
        name=person.name,
        channel=channel,
    )


def _without_the_file(
    work: Work, person: Person, failed: Outbound, subject: str, reason: str
) -> None:
    """The message's text reaches its person, saying the file could not be sent (the operator
    sees why in the log: a wrong FOCALBOT_FILES_KEY, a damaged blob)."""
    assert failed.attachment is not None
    note = _(
        "I could not send the file {name}: it cannot be opened here. The administrators have "
        "been told.",
        name=failed.attachment.filename,
    )
    text = join([failed.text, note])  # the text is already in the person's language
    work.send_via(person, failed.channel, failed.address, text, failed.buttons, subject, failed.id)
    work.audit("file.unreadable", subject or person.id, failed.attachment.filename)
    work.alert_admins(
        "file.unreadable",
        _(
            "A file on {id} could not be sent to {name}: {reason}. Check FOCALBOT_FILES_KEY "
            "(and FOCALBOT_FILES_EARLIER_KEYS after a key change); focalbot files-rekey "
            "names every file the keys cannot open.",
            id=subject or "-",
            name=person.name,
            reason=reason[:160],
        ),
        ALERTS_PER_HOUR,
    )


def failed_after_sending(db: Db, ctx: Context, report: DeliveryReport, now: datetime) -> Work:
    """A message we marked sent was not delivered after all: mark it failed and fall back."""
    row = db.execute(
        "SELECT id, channel, address, text, person_id, buttons, attempts, created_at "
        "FROM outbox WHERE channel = ? AND platform_id = ? AND status = 'sent'",
        [report.sender.channel, report.platform_id],
    ).fetchone()
    if row is None:
        return Work(db, ctx, now)  # unknown to us, or already reported
    db.execute(
        "UPDATE outbox SET status = 'failed', error = ? WHERE id = ?",
        [f"after sending: {report.reason}"[:500], row[0]],
    )
    failed = Outbound(
        row[0], row[1], row[2], row[3], row[4], buttons_from_json(row[5]), row[6], row[7]
    )
    return reroute(db, ctx, failed, report.reason, now, UNDELIVERED)


def _next_route(ctx: Context, person: Person, failed_channel: str) -> tuple[str, str] | None:
    """The route after ``failed_channel`` in the person's order (None at the end)."""
    later = _later_routes(ctx, person, failed_channel)
    return later[0] if later else None


def _later_routes(ctx: Context, person: Person, failed_channel: str) -> list[tuple[str, str]]:
    """The routes after ``failed_channel`` in the person's order. One that is passed over
    already (noted unreachable while this message waited to be sent on it) leaves all the
    person's routes: the next message to it had moved on there too. The console standing in
    is none of them: a terminal is no channel of theirs, nobody would read it there."""
    routes = ctx.router.routes(ctx.directory, person)
    channels = [channel for channel, _address in routes]
    if failed_channel in channels:
        later = routes[channels.index(failed_channel) + 1 :]
    else:
        dead = ctx.directory.identity(person, failed_channel)
        later = routes if (failed_channel, dead or "") in ctx.directory.unreachable else []
    if later and later[-1][0] == CONSOLE and ctx.router.console_stands_in(person):
        later = later[:-1]  # (the console comes last in every order)
    return later


def _past_a_pointer(
    work: Work, person: Person, failed: Outbound, route: tuple[str, str], subject: str
) -> None:
    """The next route is pointer-only: the message goes whole to the next channel after the
    failed one that may carry it, and the pointer names that one; with none, the pointer asks
    for an approved channel (naming the person's usual one would send them where the message
    just failed)."""
    later = _later_routes(work.ctx, person, failed.channel)
    full = next((r for r in later if r[0] not in work.ctx.router.pointer_only), None)
    if full is not None:
        work.send_via(person, *full, failed.text, failed.buttons, subject, failed.id)
    pointer = work.pointer_text(None, subject or None, full[0] if full else None)
    work.send_via(person, *route, pointer, failed.buttons, subject, failed.id, sensitive=False)
