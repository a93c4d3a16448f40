"""Turning one inbound event or one due timer into a committed unit of work.

These functions run on the store thread, inside the unit's transaction: the de-duplication
record, the handler's effects and the outbox rows commit together or not at all.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot import inbound_store, limits, timer_store
from bot.access import authorize
from bot.answers import pressed_by_label, pressed_earlier
from bot.clock import iso, parse_iso
from bot.commands import CommandLine, CommandSpec, TextHook, parse_command_line
from bot.config import Person
from bot.delivery.fallback import failed_after_sending, missed_while_unreachable
from bot.delivery.followup import follow_up, owed_address
from bot.delivery.held import woke
from bot.directory.repo import chose_language, mark_reachable, revoked_holder
from bot.errors import UserError
from bot.events import ButtonPress, ChatRef, DeliveryReport, Inbound, TextMessage
from bot.files.handlers import hold_files, refuse_unfit
from bot.i18n import LANGUAGES, Msg, _, join
from bot.requests import repo as requests_repo
from bot.storage.sql import Db
from bot.text import clean
from bot.work import Context, Work

TimerHandler = Callable[[Work, str], None]
log = logging.getLogger(__name__)

PRIVATE_ONLY = _("Please message me privately for that; I don't show casework in groups.")
STRANGER_REPLY = _(
    "Sorry, I can't help you here. If you work with the group, ask your administrator "
    "to add you to the directory."
)
ALERTS_PER_HOUR = 10


@dataclass(frozen=True)
class Hooks:
    """Handlers beyond commands: timers by kind, and free-text consumers in order."""

    timers: dict[str, TimerHandler] = field(default_factory=dict)
    text: tuple[TextHook, ...] = ()


def process_event(db: Db, ctx: Context, hooks: Hooks, event: Inbound, now: datetime) -> Work | None:
    """Handle one inbound event as a unit of work; None for a duplicate."""
    stamp = iso(now)
    if not inbound_store.record_event(db, event.sender.channel, event.event_id, stamp):
        return None  # seen before: a redelivery
    if isinstance(event, DeliveryReport):
        return failed_after_sending(db, ctx, event, now)
    if isinstance(event, TextMessage) and event.replay_key and _replayed(db, event, now):
        return None
    person = ctx.directory.person_for(event.sender)
    work = Work(db, ctx, now, person, event.chat)
    work.stamp = stamp  # formatted once for the unit
    if isinstance(event, (TextMessage, ButtonPress)) and event.language:
        work.reader_language = _unknown_language(db, work, person, event.language)
    if ctx.directory.unreachable and person is not None and event.chat.private:
        _reachable_again(work, event)  # (a message in a group proves nothing of their chat)
    if event.chat.private and (address := owed_address(ctx.router, event.sender)):
        follow_up(work, event.sender.channel, address)  # what they were sent in part, first
    if isinstance(event, TextMessage) and event.files:
        work.files = tuple(f for f in event.files if f.sha256 or f.refused)
    if person is None:
        refuse_stranger(work, event)
        work.refused = True
    else:
        _guarded(work, _run, hooks, person, event)
        if event.chat.private:  # writing at night: what still waits for their morning goes
            woke(work, person)  # (after the handler, which withdraws what it overtook)
    work.write_replies()
    return work


def _replayed(db: Db, event: TextMessage, now: datetime) -> bool:
    """Whether ``event`` is a copy of a message taken lately under another id (a mail sent
    again by someone who saw it): dropped, as its first was carried out already."""
    channel, key = event.sender.channel, event.replay_key
    if inbound_store.first_of_its_kind(db, channel, key, now):
        return False
    log.warning("%s message %s: a copy of one taken lately; ignored", channel, event.event_id[:80])
    return True


def _unknown_language(db: Db, work: Work, person: Person | None, told: str) -> str:
    """``told`` (the sender's app language) when the bot does not know theirs yet: a stranger,
    or a person left at the bot's language that nobody gave them (bot.toml, an import) and
    they never chose; else "" (theirs stands)."""
    if told not in LANGUAGES:
        return ""
    if person is None:
        return told
    if told == person.language or person.language != work.ctx.settings.bot.language:
        return ""
    if person.language_given:  # the bot's own language, written down on purpose
        return ""
    return "" if chose_language(db, person.id) else told


def _reachable_again(work: Work, event: Inbound) -> None:
    """Someone wrote from an identity noted unreachable (they unblocked the bot): it reaches
    them again, and they are told what was sent to them meanwhile that failed there or went
    elsewhere (:func:`missed_while_unreachable`)."""
    identity = (event.sender.channel, event.sender.user_id)
    if identity in work.directory.unreachable:
        person = work.actor  # (read before the mark, which says since when, is cleared)
        missed = missed_while_unreachable(work, person, *identity) if person else None
        mark_reachable(work.db, *identity)
        work.directory_changed = True
        work.audit("route.reachable", work.actor.id if work.actor else "", identity[0])
        if missed:  # one short message, before the answer to what they wrote
            work.reply(missed, sensitive=False)


def _guarded(work: Work, action: Callable[..., None], *args: Any) -> None:
    """Run ``action(work, *args)`` atomically; on a UserError undo its effects and answer
    politely."""
    sent, armed, answered = len(work.outbound), len(work.timers), len(work.replies)
    try:
        with work.db.savepoint():
            action(work, *args)
    except UserError as exc:
        del work.outbound[sent:], work.timers[armed:], work.replies[answered:]
        work.refused = True
        work.reply(exc.text, sensitive=False)  # explains the person's own input, no casework


def _run(work: Work, hooks: Hooks, person: Person, event: Inbound) -> None:
    if isinstance(event, TextMessage) and event.edited:
        raise UserError(EDIT_NOT_APPLIED)
    text = clean(event.command if isinstance(event, ButtonPress) else getattr(event, "text", ""))
    # "attach to R-…", as a caption or after (a command line is none: no match tried)
    attach = None if text.startswith("/") else _ATTACH_TO.match(text)
    if attach:  # (matched first: a substitution costs ten times a failed match)
        text = f"/attach {attach[1]}"
    elif isinstance(event, TextMessage) and event.replied_to:
        text = _native_reply(work, event, text)
    if work.files:
        refuse_unfit(work)  # a file over a limit: the polite answer, and nothing changes
        if not text.strip():  # kept until the sender names the request
            hold_files(work)
            return
    line = parse_command_line(text)
    if line is None:
        _free_text(work, hooks, person, event.chat, text)
    else:
        _run_line(work, person, event.chat, text, line)
    if work.files and not work.files_taken:
        work.reply(FILE_NOT_TAKEN, sensitive=False)


def _native_reply(work: Work, event: TextMessage, text: str) -> str:
    """Text sent as the platform's own reply to the bot's message about a request is
    ``/reply <that request> <text>`` (checked as typed), and a file sent so without a caption
    is ``/attach <that request>``; a command stays itself, and a reply to any other message
    is plain text."""
    bare = not text.strip()
    if (bare and not work.files) or (not bare and parse_command_line(text) is not None):
        return text
    request_id = requests_repo.replied_to(
        work.db, event.chat.channel, event.chat.chat_id, event.replied_to
    )
    if not request_id:
        return text
    if bare:
        return f"/attach {request_id}"
    if _command_on(work, text, request_id):  # ``ack R-…`` typed without its slash (Slack)
        return f"/{text.strip()}"
    return f"/reply {request_id} {text}"


def _command_on(work: Work, text: str, request_id: str) -> bool:
    """Whether ``text`` is a command word and then the request's own id: a command on it
    typed without the slash, not a reply that happens to start with such a word."""
    words = text.split(maxsplit=2)
    on = len(words) >= 2 and words[1].rstrip(":,.;").upper() == request_id.upper()
    return on and _bare_command(work, text)


_ATTACH_TO = re.compile(r"^\s*attach\s+(?:it\s+)?(?:to\s+)?(\S+)\s*$", re.IGNORECASE)
EDIT_NOT_APPLIED = _(
    "I do not act on edited messages: your edit changed nothing here. Send the correction as "
    "a new message (on a request: /reply <id> <the correction>)."
)
FILE_NOT_TAKEN = _("I did not keep the file: only /request, /reply and /attach take files.")


def _bare_command(work: Work, text: str) -> bool:
    """Whether a direct message starts with a command word typed without its slash (Slack
    takes a leading slash for its own commands; some keyboards make it awkward)."""
    first = text.strip().split(maxsplit=1)[0].lower() if text.strip() else ""
    return work.ctx.registry.get(first) is not None


def _run_line(
    work: Work, person: Person, chat: ChatRef, text: str, line: CommandLine | None = None
) -> None:
    """Run one ``/name args`` command line as ``person`` (``line``: ``text`` parsed already)."""
    line = line or parse_command_line(text)
    assert line is not None
    if line.name == "start" and "start" not in work.ctx.registry.names():
        line = CommandLine("help", "")  # what a chat app sends first, whatever it carries
    spec = work.ctx.registry.get(line.name)
    if spec is None:
        raise UserError(_unknown_command(work, person, line.name[:30]))
    spec, arg_text = spec.resolve(line.args)
    args = gate(work, person, chat, spec, arg_text, line.name)
    if spec.limit:
        limits.enforce(work, person, *spec.limit)
    spec.run(work, args)


def gate(
    work: Work,
    person: Person,
    chat: ChatRef,
    spec: CommandSpec,
    arg_text: str | None,
    typed: str = "",
) -> object:
    """The one check before anything acts, for a command and for free text continuing one:
    the private-only rule, the roles, then the arguments and the scope (which loads the
    subject for the handler). ``arg_text`` is None for free text, which has no arguments, so
    only commands of scope ``any`` or ``own_country`` take free-text continuations.
    Returns the parsed arguments.
    """
    if not chat.private and not spec.in_groups:
        raise UserError(PRIVATE_ONLY)
    if not spec.allows(person):
        raise UserError(_refusal(typed or spec.name, spec, arg_text or ""))
    if arg_text is None:
        authorize(work, person, spec.scope, None)
        return None
    if spec.prepare is not None:
        arg_text = spec.prepare(work, arg_text)
    args = spec.parse_args(arg_text)
    authorize(work, person, spec.scope, spec.subject(args) if spec.subject else None)
    return args


def _free_text(work: Work, hooks: Hooks, person: Person, chat: ChatRef, text: str) -> None:
    """A button's label typed (the last question's, in a private chat) presses it; else plain
    text goes to the dialogues the person may continue here; else it may be the label of a
    button on an earlier question; otherwise say so."""
    if chat.private and (pressed := pressed_by_label(work.db, person.id, text, work.now)):
        _run_line(work, person, chat, pressed)
        return
    for hook in hooks.text:
        spec = work.ctx.registry.spec_for(hook.command)
        if _admitted(work, person, chat, spec) and hook.consume(work, text):
            return
    if chat.private and _bare_command(work, text):
        _run_line(work, person, chat, f"/{text}")
        return
    if chat.private and (earlier := pressed_earlier(work.db, person.id, text, work.now)):
        if len(earlier) > 1:  # two requests' Acknowledge: which one is not ours to guess
            raise UserError(_several_earlier(earlier))
        _run_line(work, person, chat, earlier[0])
        return
    if not chat.private:
        raise UserError(_("I only answer commands in groups. /help lists them."))
    raise UserError(_("I only understand commands. /help lists them, with examples."))


def _several_earlier(commands: list[str]) -> Msg:
    return _(
        "Earlier messages have more than one button with that name. Send the one you mean: "
        "{choices}",
        choices=join(commands, ", ", typed=True),
    )


def _unknown_command(work: Work, person: Person, name: str) -> Msg:
    guess = work.ctx.registry.suggest(name, person)
    if guess:
        return _(
            "I don't know /{name}; the closest command is /{guess}. /help lists them all.",
            name=name,
            guess=guess,
        )
    return _("I don't know /{name}. /help lists the commands.", name=name)


def _admitted(work: Work, person: Person, chat: ChatRef, spec: CommandSpec) -> bool:
    """Whether the gate lets the person continue ``spec``'s dialogue with plain text here."""
    try:
        gate(work, person, chat, spec, None)
    except UserError:
        return False  # plain text is not refused loudly: it may simply not be an answer
    return True


ROLE_PLURALS: dict[str, Msg] = {
    "officer": _("officers"),
    "focal_point": _("focal points"),
    "deputy_focal_point": _("deputy focal points"),
    "co_chair": _("co-chairs"),
    "admin": _("administrators"),
}


def _refusal(name: str, spec: CommandSpec, arg_text: str) -> Msg:
    """Say what was refused and who it is for (roles are public; casework is not named)."""
    if spec.name == name:
        shown = name
    elif spec.matches is not None:
        shown = f"{name} {' '.join(arg_text.split()[:3])}"[:40]
    else:
        shown = f"{name} {spec.name}"
    who = [ROLE_PLURALS[r] for r in ROLE_PLURALS if spec.roles and r in spec.roles]
    if len(who) < 2:
        return _(
            "/{command} is not available to you (it is for {roles}). /help lists yours.",
            command=shown,
            roles=join(who, ""),
        )
    return _(
        "/{command} is not available to you (it is for {roles} and {last}). /help lists yours.",
        command=shown,
        roles=join(who[:-1], ", "),
        last=who[-1],
    )


def refuse_stranger(work: Work, event: Inbound) -> None:
    """One polite refusal per interval, and a rate-limited alert to the admins."""
    key, stamp = f"{event.sender.channel}:{event.sender.user_id}", work.stamp
    last = inbound_store.stranger_alerted_at(work.db, key)
    interval: timedelta = work.ctx.settings.bot.stranger_alert_interval
    if last and parse_iso(last) > work.now - interval:
        inbound_store.count_stranger(work.db, key)
        return
    inbound_store.stranger_alerted(work.db, key, stamp)
    if isinstance(event, TextMessage) and not event.addressed:
        return
    section = work.ctx.settings.channels.get(event.sender.channel)
    if section is None or section.answer_strangers:
        work.reply(STRANGER_REPLY, sensitive=False)
    work.audit("stranger.refused", key)
    revoked = revoked_holder(work.db, event.sender.channel, event.sender.user_id)
    if revoked is not None:
        said = _(
            "{id}, who is revoked, wrote to me on {channel} (user id {user}). I refused "
            "politely. If the revocation was a mistake: `focalbot directory reinstate {id}`.",
            id=revoked,
            channel=event.sender.channel,
            user=event.sender.user_id[:64],
        )
    else:
        said = _(
            "Someone not in the directory wrote to me on {channel} (user id {user}). "
            "I refused politely. If they should have access, add them to the directory.",
            channel=event.sender.channel,
            user=event.sender.user_id[:64],
        )
    work.alert_admins("stranger.refused", said, ALERTS_PER_HOUR)


def pending_timers(db: Db) -> list[tuple[str, datetime]]:
    """Every armed timer that has not fired, for the scheduler to time after a restart."""
    return timer_store.pending(db)


def fire_timer(db: Db, ctx: Context, hooks: Hooks, timer_id: str, now: datetime) -> Work | None:
    """Fire a timer exactly once: claim it, then run its handler in the same transaction."""
    claimed = timer_store.claim(db, timer_id, now)
    if claimed is None:
        return None
    kind, subject = claimed
    work = Work(db, ctx, now)
    hooks.timers[kind](work, subject)
    return work


def due_timers(db: Db, now: datetime) -> list[str]:
    """Ids of timers whose time has come."""
    return timer_store.due(db, now)
