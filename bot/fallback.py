"""Fallback channels: a message that fails for good goes out on the person's next channel.

Routes are tried in the router's order (preferred channel first, then the person's other
identities, then the console stand-in), so each failure moves strictly forward and the chain
ends. Whoever caused the message (its origin) is told where it went, or that nothing reached
the person, so a silent loss is impossible.
"""

from __future__ import annotations

from sqlite_utils import Database

from bot.clock import iso
from bot.events import Outbound
from bot.work import Context, Work, buttons_from_json


def reroute(db: Database, ctx: Context, failed: Outbound, reason: str, now) -> Work:  # type: ignore[no-untyped-def]
    """Queue ``failed`` on the next channel that reaches its person, and tell its origin."""
    row = db.execute(
        "SELECT origin_id, subject, buttons FROM outbox WHERE id = ?", [failed.id]
    ).fetchone()
    origin_id, subject, buttons = row if row else (None, None, "[]")
    work = Work(db, ctx, now, ctx.directory.people.get(origin_id or ""))
    person = ctx.directory.people.get(failed.person_id or "")
    if person is None:
        return work  # a reply into a chat that is gone: nobody else to route it to
    routes = ctx.router.routes(ctx.directory, person)
    channels = [channel for channel, _ in routes]
    later = routes[channels.index(failed.channel) + 1 :] if failed.channel in channels else []
    if later:
        channel, address = later[0]
        text = failed.text
        if channel in ctx.router.pointer_only:
            text = work.pointer_text(person.id, subject)
        cursor = db.execute(
            "INSERT INTO outbox (channel, address, person_id, text, buttons, created_at, subject, "
            "origin_id, fallback_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                channel,
                address,
                person.id,
                text,
                buttons,
                iso(now),
                subject,
                origin_id,
                failed.id,
            ],
        )
        work.outbound.append(
            Outbound(
                cursor.lastrowid or 0,
                channel,
                address,
                text,
                person.id,
                buttons_from_json(buttons),
                0,
                iso(now),
            )
        )
        outcome = f"sent it on {channel} instead"
    else:
        outcome = "no other channel reaches them; please contact them directly"
    work.audit(
        "message.rerouted" if later else "message.undeliverable",
        subject or person.id,
        f"{failed.channel} failed; " + (f"to {later[0][0]}" if later else "no route left"),
    )
    origin = work.actor
    if origin is not None and origin.id != person.id:
        work.notify(
            origin,
            f"I could not deliver your message to {person.name} on "
            f"{failed.channel} ({reason[:120]}); {outcome}.",
            subject=subject or "",
        )
    return work
