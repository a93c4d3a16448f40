"""A unit of work: what one handler may do, atomically, on the store thread.

Handlers read and write through ``db`` and express every effect through this object:
replies and notifications go to the outbox, state changes to the audit log, timers to the
timers table. All of it commits together with the inbound event's de-duplication record,
so nothing acknowledged is ever half-done, and a redelivered event changes nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any

from bot import timer_store
from bot.audit import chain as audit
from bot.clock import iso
from bot.commands import command_hints
from bot.config import Person, Settings
from bot.delivery.awake import is_awake
from bot.delivery.routing import Router
from bot.directory.repo import CONSOLE, Directory
from bot.events import Attachment, Button, ChatRef, IncomingFile, Outbound
from bot.i18n import DEFAULT_LANGUAGE, Msg, Text, _, render, render_for_reader, stored
from bot.i18n.country_names import named_country
from bot.storage.sql import Db
from bot.text import country_code

if TYPE_CHECKING:
    from bot.commands import Registry
    from bot.workdays import Calendar

RELEASE = "outbox.release"
"""The timer that hands messages held through someone's quiet hours to delivery."""

NAMED_SUBJECTS: Mapping[str, Msg] = {
    "handover": _("A handover of open work"),
    "roster": _("A roster check"),
    "audit.anchor": _("The audit log head"),
}
"""What a pointer calls a notice whose subject is a fixed key (bot.directory.handover and
roster, bot.audit.anchor's ANCHOR_TIMER): the key is the bot's word, not the reader's."""

_INSERT = (
    "INSERT INTO outbox (channel, address, person_id, text, buttons, created_at, subject, "
    "origin_id, fallback_of, attachment, lease_owner) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_ANSWER = (  # the usual message: no subject, fallback, file or hold (see _queue)
    "INSERT INTO outbox (channel, address, person_id, text, buttons, created_at, origin_id, "
    "lease_owner) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_HELD = (
    "INSERT INTO outbox (channel, address, person_id, text, buttons, created_at, subject, "
    "origin_id, fallback_of, attachment, lease_owner, not_before, source, source_language) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
"""A message held for quiet hours also keeps its source (bot.i18n.stored) and the language it
was rendered in, to be said again in another if its reader changes theirs meanwhile; one sent
at once needs neither (and this insert is on every reply's path)."""
_INSERT_STANDBY = (
    "INSERT INTO outbox (channel, address, text, created_at, subject, origin_id, fallback_of, "
    "status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
STANDBY = "standby"
"""The status of a parting notice's copy for a later channel (:meth:`Work.send_parting`):
never sent unless the notice fails for good before it (bot.delivery.fallback)."""

KNOWN_ID = re.compile(r"[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*")
"""A subject people know as it is written: a request (``R-2026-0001``), a broadcast (``B-3``),
a period (``JPA-4``, its code as bot.periods.configured allows)."""


@dataclass(frozen=True)
class Context:
    """What every unit of work shares: settings and snapshots that do not change mid-work."""

    settings: Settings
    directory: Directory
    router: Router
    registry: Registry
    replica: str | None = None  # this process, when several replicas share PostgreSQL

    @cached_property
    def calendar(self) -> Calendar:
        """Working days of every country and quiet hours of every person (built once)."""
        from bot.workdays import Calendar  # workdays reads the settings this module imports

        return Calendar(self.settings)


_Reply = tuple[Text, tuple[Button, ...], bool, Attachment | None, str | None]
"""An answer given by a handler: its text, buttons, sensitivity, file and the request it is
about (see Work.reply)."""


@dataclass(frozen=True)
class Timer:
    """A timer committed in this unit, for the scheduler to time once the commit is done."""

    id: str
    due_at: datetime


@dataclass
class Work:
    """One unit of work for one inbound event or one timer."""

    db: Db
    ctx: Context
    now: datetime
    actor: Person | None = None
    origin: ChatRef | None = None
    outbound: list[Outbound] = field(default_factory=list)
    timers: list[Timer] = field(default_factory=list)
    subject: Any = None  # what the access check loaded for the handler (e.g. the request)
    directory_changed: bool = False  # the app reloads the directory right after the commit
    # languages chosen in this unit, which the directory's snapshot learns only after it
    chosen_languages: dict[str, str] = field(default_factory=dict)
    elsewhere: set[int] = field(default_factory=set)  # queued for a lane another replica owns
    files: tuple[IncomingFile, ...] = ()  # stored files that came with the event
    files_taken: bool = False  # a handler attached them to a request
    replies: list[_Reply] = field(default_factory=list)  # answers not yet in the outbox
    # the actor's app language, for an actor (or stranger) whose own is not known (dispatch)
    reader_language: str = ""
    refused: bool = False  # the event was refused with a polite answer: nothing it asked done

    @property
    def directory(self) -> Directory:
        """The directory snapshot this unit runs against."""
        return self.ctx.directory

    @cached_property
    def stamp(self) -> str:
        """``now`` in store format (``now`` is fixed for the unit: formatted once)."""
        return iso(self.now)

    def reply(
        self,
        text: Text,
        buttons: tuple[Button, ...] = (),
        sensitive: bool = True,
        attachment: Attachment | None = None,
        subject: str = "",
    ) -> None:
        """Answer in the chat the event came from. ``sensitive=False`` marks text with no
        casework in it (pong, help, a refusal), which even a pointer-only channel may carry;
        there, other answers (and an ``attachment``, always casework) go to the actor's best
        channel that may carry them, and the pointer-only channel gets a pointer naming it.
        ``subject``: the request the answer is about, so that the platform's own reply to it
        (Telegram's Reply, a WhatsApp swipe, a Slack thread) answers that request."""
        if self.origin is None:
            raise RuntimeError("reply() outside of an inbound event")
        # Written once the handler is done (write_replies), so that a handler which only
        # answers runs no statement inside its savepoint, and SQLite is spared opening one.
        self.replies.append((text, buttons, sensitive, attachment, subject or None))

    def write_replies(self) -> None:
        """Put the answers given so far in the outbox, in the order they were given. Called
        when the handler is done, and before any other message is queued (a chat's messages
        are delivered in the order of their outbox ids)."""
        replies, self.replies = self.replies, []
        origin = self.origin
        if not replies or origin is None:  # (reply() refuses without an origin)
            return
        person_id = self.actor.id if self.actor else None
        for text, buttons, sensitive, attachment, subject in replies:
            if (sensitive or attachment) and origin.channel in self.ctx.router.pointer_only:
                self._reply_elsewhere(text, buttons, attachment, subject)  # the pointer names it
            self._queue(
                origin.channel,
                origin.chat_id,
                person_id,
                text,
                buttons,
                subject,
                sensitive=sensitive,
                attachment=attachment,
            )

    def _reply_elsewhere(
        self,
        text: Text,
        buttons: tuple[Button, ...],
        attachment: Attachment | None,
        subject: str | None,
    ) -> None:
        """An answer with casework, asked for on a pointer-only channel: its content goes to
        the actor's best channel that may carry it (the pointer then names that one; with
        none, the pointer asks for an approved channel and nothing else is sent)."""
        route = self.ctx.router.approved_route(self.directory, self.actor) if self.actor else None
        if route is not None and self.actor is not None:
            self._queue(*route, self.actor.id, text, buttons, subject, attachment=attachment)

    def notify(
        self,
        person: Person,
        text: Text,
        buttons: tuple[Button, ...] = (),
        subject: str = "",
        urgent: bool = False,
        attachment: Attachment | None = None,
    ) -> int | None:
        """Send to a person on their best channel; the outbox id, or None when no channel
        reaches them. A routine message (and an urgent one, if ``[quiet_hours] urgent =
        "wait"``) sent in the person's quiet hours waits in the outbox until they end. An
        ``attachment`` goes only where casework may (see :meth:`reply`)."""
        route = self.ctx.router.route(self.directory, person)
        if route is None:
            self.audit("undeliverable", subject or person.id, f"no channel reaches {person.id}")
            return None
        held = self.held_until(person, urgent)
        full = self.ctx.router.for_casework(self.directory, person, route)
        if full is not None and full != route:
            # its pointer (_queue writes it, naming that channel, and keeps the buttons) named a
            # channel where nothing had been sent: the content goes there too
            sub = subject or None
            self._queue(*route, person.id, text, buttons, sub, held=held, attachment=attachment)
            route = full
        return self._queue(
            route[0],
            route[1],
            person.id,
            text,
            buttons,
            subject or None,
            held=held,
            attachment=attachment,
        )

    def send_parting(self, person: Person, text: Text, subject: str = "") -> int | None:
        """Tell ``person`` what a revocation in this same unit must not withdraw (a handover's
        notice that their access ends): on their best channel, in their language, at once or
        not at all (held for their quiet hours it would reach someone revoked). The outbox id,
        or None when not sent."""
        router = self.ctx.router
        route = router.route(self.directory, person)
        if route is None or self.held_until(person) is not None:
            return None
        language = self.language_of(person.id)  # kept apart from them: revoked, yet this goes
        full = router.for_casework(self.directory, person, route) or route
        if full != route:  # the notice where it may be read, pointed to
            pointer = self.pointer_text(None, subject or None, where=full[0])
            self._queue(
                *route, None, pointer, (), subject or None, sensitive=False, language=language
            )
        sent = self._queue(*full, None, text, (), subject or None, language=language)
        # Their channels go with the revocation: those after this one that may carry it stand
        # by now, the first to take the notice if it fails for good (bot.delivery.fallback).
        routes = router.routes(self.directory, person)
        later = routes[routes.index(full) + 1 :] if full in routes else []
        origin = self.actor.id if self.actor else None
        for channel, address in later:
            stand_in = channel == CONSOLE and router.console_stands_in(person)
            if channel not in router.pointer_only and not stand_in:
                shown = self.rendered(channel, text, (), language)[0]
                self.db.execute(
                    _INSERT_STANDBY,
                    [channel, address, shown, self.stamp, subject or None, origin, sent, STANDBY],
                )
        return sent

    def quiet_until(self, person: Person) -> datetime | None:
        """When ``person``'s quiet hours end, if they are in them now (in their country's time
        zone, looked up only for someone who has quiet hours: this runs for every message)."""
        quiet = self.ctx.calendar.quiet_hours_of(person.id)
        return quiet.ends(self.now, self.directory.timezone_of(person.country)) if quiet else None

    def held_until(self, person: Person, urgent: bool = False) -> datetime | None:
        """When a message to ``person`` sent now would reach them: the end of their quiet
        hours if they are in them (for an urgent one only with ``urgent = "wait"``), else
        None (at once)."""
        if urgent and self.ctx.settings.quiet_hours.urgent == "send":
            return None
        until = self.quiet_until(person)
        if until is None or is_awake(self.db, person.id, self.now):
            return None  # (someone writing to us at night reads at once)
        return until

    def send_via(
        self,
        person: Person,
        channel: str,
        address: str,
        text: Text,
        buttons: tuple[Button, ...] = (),
        subject: str = "",
        fallback_of: int | None = None,
        sensitive: bool = True,
    ) -> None:
        """Send on one particular channel (an urgent request re-sent on every other one, or a
        failed message moved to the next channel: ``fallback_of`` links it to the failure;
        ``sensitive=False``: text a pointer-only channel may carry as it is, a pointer)."""
        self._queue(
            channel, address, person.id, text, buttons, subject or None, fallback_of, sensitive
        )

    def alert_admins(self, action: str, text: Text, per_hour: int) -> None:
        """Tell every administrator ``text``, unless ``action`` (audited just before) was
        recorded more than ``per_hour`` times in the last hour: one cause repeating (a
        stranger writing again, a wrong key failing every file) is said by its first alerts."""
        since = iso(self.now - timedelta(hours=1))
        if audit.count_since(self.db, action, since) > per_hour:
            return
        for admin in self.directory.with_role("admin"):
            self.notify(admin, text)

    def audit(self, action: str, subject: str = "", detail: str = "") -> None:
        """Record a state change in the tamper-evident audit log."""
        actor = self.actor.id if self.actor else "system"
        audit.record(self.db, self.stamp, actor, action, subject, detail)

    def schedule(self, timer_id: str, kind: str, subject: str, due_at: datetime) -> None:
        """Arm a timer; it fires once, even across restarts."""
        timer_store.arm(self.db, timer_id, kind, subject, due_at, self.stamp)
        self.timers.append(Timer(timer_id, due_at))

    def _queue(
        self,
        channel: str,
        address: str,
        person_id: str | None,
        text: Text,
        buttons: tuple[Button, ...],
        subject: str | None,
        fallback_of: int | None = None,
        sensitive: bool = True,
        attachment: Attachment | None = None,
        held: datetime | None = None,
        language: str | None = None,
    ) -> int:
        """Write one outbox row (delivered after the commit, or released after quiet hours);
        return its id."""
        if self.replies:
            self.write_replies()
        if (sensitive or attachment) and channel in self.ctx.router.pointer_only:
            if attachment is not None and attachment.blob and subject:
                text = self.file_pointer(person_id, subject)
            else:
                text = self.pointer_text(person_id, subject)
            attachment = None
        language = language or self.language_of(person_id)
        shown, labelled = self.rendered(channel, text, buttons, language)
        origin = self.actor.id if self.actor else None  # told if delivery fails for good
        owner = self._lane_owner(channel, address) if self.ctx.replica else None
        buttons_text = buttons_json(labelled) if labelled else "[]"  # (no call for no buttons)
        if held is None and subject is None and fallback_of is None and attachment is None:
            # the usual answer: the columns it leaves NULL are left out, not bound (sqlite3
            # binds a None through an adapter lookup, several times a string's cost)
            answer = [channel, address, person_id, shown, buttons_text, self.stamp, origin, owner]
            message_id = self.db.insert(_INSERT_ANSWER, answer)
        else:
            row: list[Any] = [
                channel,
                address,
                person_id,
                shown,
                buttons_text,
                self.stamp,
                subject,
                origin,
                fallback_of,
                attachment.to_json() if attachment else None,
                owner,
            ]
            if held is not None:  # kept in the outbox; the release timer hands it over then
                return self._hold(row, held, [text, *(b.label for b in buttons)], language)
            message_id = self.db.insert(_INSERT, row)
        if self.ctx.replica and owner is None:
            self.elsewhere.add(message_id)
        elif self.ctx.replica:  # ours: older ones other replicas left for us go first
            self.outbound.extend(self._older_in_lane(channel, address, message_id))
        self.outbound.append(
            Outbound(
                message_id, channel, address, shown, person_id, labelled, 0, self.stamp, attachment
            )
        )
        return message_id

    def _hold(self, row: list[Any], until: datetime, source: list[Text], language: str) -> int:
        """Write ``row`` held until ``until``, with the ``source`` it was rendered from in
        ``language`` (the text, then its buttons' labels): the release says it again in
        another language if its reader changes theirs meanwhile (bot.delivery.held)."""
        kept = stored.dump_all(source)  # None: a parameter it cannot store; the text goes as is
        at = iso(until)
        message_id = self.db.insert(_INSERT_HELD, [*row, at, kept, language if kept else None])
        self.schedule(f"{RELEASE}:{at}", RELEASE, at, until)
        return message_id

    def rendered(
        self, channel: str, text: Text, buttons: tuple[Button, ...], language: str
    ) -> tuple[str, tuple[Button, ...]]:
        """``text`` and ``buttons`` as a reader of ``language`` gets them on ``channel``: each
        reader in their own language, commands as typed on that channel."""
        shown = render_for_reader(text, language)
        hint = self.ctx.router.command_hints.get(channel, "/")
        if hint != "/":  # (where commands are typed as written, there is nothing to rewrite)
            shown = command_hints(shown, hint, self.ctx.registry.names())
        if not buttons:
            return shown, buttons
        return shown, tuple(_rendered_button(b, language) for b in buttons)

    def _older_in_lane(self, channel: str, address: str, newer: int) -> list[Outbound]:
        from bot.delivery.replicas import adopt_older  # replicas builds on this module

        assert self.ctx.replica is not None
        return adopt_older(self.db, self.ctx.replica, channel, address, newer)

    def _lane_owner(self, channel: str, address: str) -> str | None:
        """With several replicas: this one, when it delivers the chat (None: another does)."""
        replica = self.ctx.replica
        if replica is None:
            return None
        from bot.delivery.replicas import claim_lane  # replicas builds on this module

        return replica if claim_lane(self.db, replica, channel, address) else None

    def country_named(self, text: str) -> str | None:
        """The code of the member country ``text`` is, typed as its code or named in full (in
        English, the group's spelling or the actor's language: ``Malaysia``, ``มาเลเซีย``);
        None for anything else."""
        if self.directory.country(code := country_code(text)) is not None:
            return code
        found = self.country_at_start(text)
        if found is None or found[1].strip() or self.directory.country(found[0]) is None:
            return None
        return found[0]

    def country_at_start(self, text: str) -> tuple[str, str] | None:
        """The code of the country whose name ``text`` starts with (in English, the group's
        spelling or the actor's language) and the text after the name; None when it starts
        with none. It may be no member: the caller refuses it by the name typed."""
        languages = (self.language_of(self.actor.id if self.actor else None), DEFAULT_LANGUAGE)
        ours = {code: country.name for code, country in self.directory.countries.items()}
        return named_country(text, languages, ours)

    def language_of(self, person_id: str | None) -> str:
        """The language ``person_id`` reads (the bot's default for someone unknown)."""
        if person_id in self.chosen_languages:
            return self.chosen_languages[person_id]
        if self.reader_language and person_id == (self.actor.id if self.actor else None):
            return self.reader_language
        person = self.ctx.directory.people.get(person_id or "")
        return person.language if person else self.ctx.settings.bot.language

    def file_pointer(self, person_id: str | None, subject: str) -> Text:
        """What a pointer-only channel says of a file on a request: never the file itself."""
        person = self.directory.people.get(person_id or "")
        where = self.ctx.router.approved_channel(self.directory, person) if person else None
        if where:
            return _(
                "{subject} has a new file — open it on {channel}.", subject=subject, channel=where
            )
        return _(
            "{subject} has a new file — ask your focal point for an approved channel.",
            subject=subject,
        )

    def pointer_text(
        self, person_id: str | None, subject: str | None, where: str | None = None
    ) -> Text:
        """What a pointer-only channel may carry: that something waits, and where (``where``:
        the channel it was sent on, else the person's approved one)."""
        person = self.directory.people.get(person_id or "")
        if where is None and person is not None:
            where = self.ctx.router.approved_channel(self.directory, person)
        what = awaiting(subject) if subject else None
        if what and where:
            return _("{subject} awaits you — open it on {channel}.", subject=what, channel=where)
        if what:
            return _(
                "{subject} awaits you — ask your focal point for an approved channel.",
                subject=what,
            )
        if where:
            return _("A message from FocalPoint awaits you — open it on {channel}.", channel=where)
        return _(
            "A message from FocalPoint awaits you — ask your focal point for an approved channel."
        )


def awaiting(subject: str) -> Text | None:
    """What a pointer says awaits, for a message's ``subject``: a request, broadcast or period
    by its id; a return by its period and window (``JPA-4:W1``, ``JPA-4:W1:TH``); a fixed key by
    its phrase (:data:`NAMED_SUBJECTS`); None for anything else (the pointer names nothing)."""
    if subject in NAMED_SUBJECTS:
        return NAMED_SUBJECTS[subject]
    code, colon, rest = subject.partition(":")
    if not KNOWN_ID.fullmatch(code):
        return None
    if not colon:
        return code
    window = rest.partition(":")[0]
    return _("The return for {code} {window}", code=code, window=window) if window else None


def _rendered_button(button: Button, language: str) -> Button:
    form = button.form.rendered(language) if button.form else None
    return Button(render(button.label, language), button.command, form)


def buttons_json(buttons: tuple[Button, ...]) -> str:
    """Buttons as the outbox stores them (labels as rendered, and commands)."""
    return json.dumps([[b.label, b.command] for b in buttons]) if buttons else "[]"


def buttons_from_json(text: str) -> tuple[Button, ...]:
    """Read buttons back from the outbox."""
    return tuple(Button(label, command) for label, command in json.loads(text or "[]"))
