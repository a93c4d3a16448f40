"""Which channel and address reach a person: preferred first, then their other channels."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from bot.config import Person
from bot.directory.repo import CONSOLE, Directory
from bot.i18n import Text, _, in_sentence


@dataclass(frozen=True)
class Router:
    """Routes over the channels that are running; ``channels`` maps each to its address rule."""

    channels: Mapping[str, Callable[[str], str]]
    pointer_only: frozenset[str] = frozenset()  # channels that may carry no casework content
    # how a command is typed, by channel ("/focal " etc.); a channel not in it types "/name"
    command_hints: Mapping[str, str] = field(default_factory=dict)
    forms: frozenset[str] = frozenset()  # channels where a button's form opens as a form
    terse: frozenset[str] = frozenset()  # channels where every character costs (SMS)
    follows_up: frozenset[str] = frozenset()  # channels that may owe the rest of a message

    def opens_forms(self, channel: str) -> bool:
        """Whether a button's form opens as a form on ``channel`` (elsewhere it runs its
        command, which shows the form as text)."""
        return channel in self.forms

    def is_terse(self, channel: str) -> bool:
        """Whether answers on ``channel`` leave out what another command lists (SMS: the
        languages in /help, which /language lists)."""
        return channel in self.terse

    def routes(self, directory: Directory, person: Person) -> list[tuple[str, str]]:
        """Every (channel, address) that reaches ``person``, best first.

        The console, when running, stands in last for channels that are not running, so a
        newcomer trying the bot in a terminal sees every message. An inactive (revoked) person
        has no route at all; an identity noted unreachable is passed over, and the console
        stands in for it no more unless it is theirs (:meth:`console_stands_in`): nobody reads
        a terminal for them, where they blocked the bot.
        """
        if not person.active:
            return []  # revoked: nothing of the group's reaches them any more
        dead = directory.unreachable  # the platform said these reach their person no more
        order = [person.preferred_channel, *person.identities, CONSOLE]
        if self.console_stands_in(person) and any(
            (channel, directory.identity(person, channel)) in dead for channel in order
        ):
            order.pop()
        found: list[tuple[str, str]] = []
        for channel in dict.fromkeys(order):
            user_id = directory.identity(person, channel)
            if channel in self.channels and user_id and (channel, user_id) not in dead:
                found.append((channel, self.channels[channel](user_id)))
        return found

    def console_stands_in(self, person: Person) -> bool:
        """Whether the console reaches ``person`` only as the stand-in, not as a channel of
        theirs (their preferred one, or an identity): no place they read, where a channel of
        theirs failed for good (bot.delivery.fallback)."""
        return person.preferred_channel != CONSOLE and CONSOLE not in person.identities

    def approved_channel(self, directory: Directory, person: Person) -> str | None:
        """The person's best channel approved for full content, to point them to."""
        route = self.approved_route(directory, person)
        return route[0] if route else None

    def approved_route(self, directory: Directory, person: Person) -> tuple[str, str] | None:
        """The best (channel, address) approved for full content: where content said on a
        pointer-only channel goes instead, and the channel its pointer names."""
        full = [r for r in self.routes(directory, person) if r[0] not in self.pointer_only]
        return full[0] if full else None

    def for_casework(
        self, directory: Directory, person: Person, first: tuple[str, str]
    ) -> tuple[str, str] | None:
        """Where casework for ``person`` goes when ``first`` is the route it was meant for:
        ``first`` itself, or past a pointer-only channel their best approved one (None:
        none; only the pointer goes)."""
        if first[0] not in self.pointer_only:
            return first
        return self.approved_route(directory, person)

    def route(self, directory: Directory, person: Person) -> tuple[str, str] | None:
        """The best (channel, address) for ``person``, or None when nothing reaches them."""
        found = self.routes(directory, person)
        return found[0] if found else None

    def reaches(self, directory: Directory, person: Person) -> bool:
        """Whether ``person`` holds their place (active) and some running channel reaches them."""
        return bool(self.routes(directory, person))

    def role_holders(self, directory: Directory, country: str) -> list[Person]:
        """Who now holds the role for ``country``, reachable: its focal points, else its deputies,
        else the co-chairs. Work addressed to someone who left or cannot be reached goes here."""
        for found in (
            directory.focal_points(country),
            directory.deputies(country),
            directory.with_role("co_chair"),
        ):
            reachable = [p for p in found if self.reaches(directory, p)]
            if reachable:
                return reachable
        return []


def role_of(directory: Directory, person: Person) -> Text:
    """``focal point for Thailand``: the role someone holds, for telling a sender who got it."""
    country = in_sentence(directory.country_name(person.country))
    if person.has("focal_point"):
        return _("focal point for {country}", country=country)
    if person.has("deputy_focal_point"):
        return _("deputy focal point for {country}", country=country)
    return _("co-chair") if person.has("co_chair") else country
