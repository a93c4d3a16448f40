"""Administration in chat: revoke a person and all their identities at once."""

from __future__ import annotations

from bot.commands import CommandSpec
from bot.directory.handover import open_requests_of, revoke_and_withdraw
from bot.errors import UserError
from bot.i18n import _, n_
from bot.work import Work


def parse_person(text: str) -> str:
    """A person id."""
    if not text.strip():
        raise UserError(_("Whom? Give their person id (see /whoami for the form ids take)."))
    return text.split()[0].lower()


def revoke_person(work: Work, person_id: str) -> None:
    """Deactivate someone and drop their channel identities; effective at once."""
    actor = work.actor
    assert actor is not None
    if person_id == actor.id:
        raise UserError(_("You cannot revoke yourself; ask another administrator."))
    person = work.directory.people.get(person_id)
    if person is None or not revoke_and_withdraw(work.db, person_id, work.stamp, actor.id):
        raise UserError(_("No active person {id} in the directory.", id=repr(person_id[:40])))
    work.directory_changed = True
    done = _(
        "{name} ({id}) is revoked: no channel identity of theirs is recognised any more. "
        "`focalbot directory reinstate` undoes it.",
        name=person.name,
        id=person_id,
    )
    answering = open_requests_of(work.db, person_id)
    if answering:  # left with nobody unless someone moves it
        done += " " + n_(
            "They were answering {count} open request: a co-chair moves it with /handover "
            "{id} <successor>.",
            "They were answering {count} open requests: a co-chair moves them with /handover "
            "{id} <successor>.",
            answering,
            id=person_id,
        )
    work.reply(done)


COMMANDS = [
    CommandSpec(
        "revoke",
        _("Revoke a person: all their channel identities stop working at once."),
        "/revoke <person-id>",
        "/revoke th-officer",
        revoke_person,
        parse_person,
        roles=frozenset({"admin"}),
    ),
]
