"""Commands are declared once, here: name, roles allowed, argument parser, help and example.

``/help`` is generated from the registry, so it can never advertise a command that does
nothing; the dispatcher refuses a command to anyone whose roles the spec does not allow.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from bot.config import Person
from bot.errors import UserError
from bot.frozen import made_quickly
from bot.i18n import Msg, Text, _, join, language_list, own_names
from bot.usage import shown_usage

_COMMAND = re.compile(r"^/([A-Za-z_]+)(?:@\w+)?(?:\s+(.*))?$", re.DOTALL)


@made_quickly
@dataclass(frozen=True, slots=True)
class CommandLine:
    """A parsed ``/name args`` line."""

    name: str
    args: str


@functools.lru_cache(maxsize=64)  # the app asks whether a line is quick, then runs it
def parse_command_line(text: str) -> CommandLine | None:
    """Split ``/name@bot args`` into name and args; None when the text is not a command."""
    match = _COMMAND.match(text.strip())
    if not match:
        return None
    return CommandLine(match[1].lower(), (match[2] or "").strip())


def command_hints(text: str, prefix: str, names: Iterable[str]) -> str:
    """``text`` with each ``/name`` of a known command written as it is typed on the reader's
    channel (``prefix`` "/focal " or "" where a leading slash is taken by the client)."""
    if prefix == "/":
        return text
    pattern = _command_words(tuple(names))
    return pattern.sub(lambda m: prefix + m[1], text) if pattern else text


@functools.cache
def _command_words(names: tuple[str, ...]) -> re.Pattern[str] | None:
    """``/name`` of any of ``names``, longest first, compiled once per set of names."""
    words = "|".join(sorted(map(re.escape, names), key=len, reverse=True))
    # not inside a path, an address or a word (/period-open); a suffix in another script may
    # follow a hyphen (Bengali /help-এর, "of /help")
    return re.compile(rf"(?<![\w/<.])/({words})\b(?![/.@]\w|-[A-Za-z0-9])") if words else None


def no_args(text: str) -> None:
    """Parser for commands that take nothing (extra words are ignored, not an error)."""
    return None


def raw_text(text: str) -> str:
    """Parser that passes the argument text through."""
    return text


@dataclass(frozen=True)
class CommandSpec:
    """One command: who may run it, how its arguments parse, what it does, how to explain it."""

    name: str
    summary: Text  # in the reader's language; usage is typed as it is
    usage: str
    # an example to type: a catalog message where a translation names things in the reader's
    # words (a return's figures), which the command must then take as typed
    example: Text
    run: Callable[[Any, Any], None]
    parse: Callable[[str], Any] = raw_text
    roles: frozenset[str] | None = None  # None: anyone in the directory
    in_groups: bool = False  # may run in a group chat (nothing sensitive)
    scope: str = "any"  # a bot.access.Scope: what the command acts on, checked centrally
    subject: Callable[[Any], Any] | None = None  # picks the scoped subject out of the args
    limit: tuple[str, str] | None = None  # (audit action, LimitSettings field) per person/hour
    subcommands: tuple[CommandSpec, ...] = ()  # `/name <sub> …`, each with its own rules
    matches: Callable[[str], bool] | None = None  # a subcommand chosen by shape, not by name
    quick: bool = False  # reads little and writes one answer: may run on the event loop
    # rewrites the arguments with what the unit knows before they are parsed (a country
    # typed by name becomes its code, so the parser and its refusals see the code)
    prepare: Callable[[Any, str], str] | None = None

    def resolve(self, args: str) -> tuple[CommandSpec, str]:
        """The spec that applies to ``args`` (a subcommand's, if the first word names one)."""
        if not self.subcommands:
            return self, args
        first, _, rest = args.strip().partition(" ")
        for sub in self.subcommands:
            if sub.matches is not None and sub.matches(args):
                return sub, args  # chosen by shape: it parses the whole argument text
            if sub.matches is None and first.lower() == sub.name:
                return sub, rest.strip()
        return self, args

    def variants(self) -> list[CommandSpec]:
        """This spec and its subcommands, for help and permission tables."""
        return [self, *self.subcommands]

    def allows(self, person: Person) -> bool:
        """Whether ``person`` holds a role this command is open to."""
        return self.roles is None or person.has(*self.roles)

    def parse_args(self, text: str) -> Any:
        """Parse arguments; a UserError carries the usage and an example."""
        try:
            return self.parse(text)
        except UserError as exc:
            usage = _("Usage: {usage}", usage=shown_usage(self.usage))
            example = _("Example: {example}", example=self.example)
            raise UserError(join([exc.text, usage, example])) from None


def _check_own_handler(parent: CommandSpec, sub: CommandSpec) -> None:
    """A subcommand chosen by the shape of its arguments, and gated otherwise than its parent,
    must have a handler of its own: a handler shared with the parent would decide again, by
    its own parsing, what the line asks, and could do the parent's work for someone only the
    subcommand's gate let through (a co-chair wrote a return through a line that looked like
    ``/return … show``)."""
    gate = ("roles", "scope", "subject", "in_groups", "limit")
    same_gate = all(getattr(sub, name) == getattr(parent, name) for name in gate)
    if sub.matches is not None and sub.run is parent.run and not same_gate:
        raise ValueError(
            f"/{parent.name} {sub.name} is chosen by shape and gated otherwise than "
            f"/{parent.name}: give it its own handler"
        )


@dataclass(frozen=True)
class TextHook:
    """Free text that continues a command's dialogue (the answer to a guided form's question).

    It is declared with the command it continues (``"return"``, ``"period open"``), and the
    dispatcher lets it see the text only if that command's own gate lets the person through:
    the private-only rule, the roles and the scope. Free text is never a back door.
    """

    command: str
    consume: Callable[[Any, str], bool]  # (work, text) -> True when it used the text


class Registry:
    """All commands, in the order they were registered (the order /help shows)."""

    def __init__(self, specs: Iterable[CommandSpec] = (), topic: Text = "") -> None:
        self._specs: dict[str, CommandSpec] = {}
        self._topics: list[tuple[Text, list[str]]] = []  # /help overview's headings, in order
        self._names: tuple[str, ...] | None = None  # made once asked for, as every answer asks
        for spec in specs:
            self.register(spec, topic)

    @classmethod
    def by_topic(cls, topics: Iterable[tuple[Text, Iterable[CommandSpec]]]) -> Registry:
        """A registry whose /help overview lists the commands under these headings."""
        registry = cls()
        for topic, specs in topics:
            for spec in specs:
                registry.register(spec, topic)
        return registry

    def register(self, spec: CommandSpec, topic: Text = "") -> None:
        """Add a command under a /help heading; names are unique."""
        if spec.name in self._specs:
            raise ValueError(f"command /{spec.name} is registered twice")
        for sub in spec.subcommands:
            _check_own_handler(spec, sub)
        self._specs[spec.name] = spec
        self._names = None
        if not self._topics or self._topics[-1][0] is not topic:
            self._topics.append((topic, []))
        self._topics[-1][1].append(spec.name)

    def get(self, name: str) -> CommandSpec | None:
        """The command called ``name``, if any."""
        return self._specs.get(name)

    def spec_for(self, command: str) -> CommandSpec:
        """The (sub)command spec a line such as ``"period open"`` names; KeyError if none."""
        name, _, rest = command.partition(" ")
        return self._specs[name].resolve(rest)[0]

    def __iter__(self) -> Iterator[CommandSpec]:
        return iter(self._specs.values())

    def names(self) -> tuple[str, ...]:
        """Every command name."""
        if self._names is None:
            self._names = tuple(self._specs)
        return self._names

    def available_to(self, person: Person) -> list[CommandSpec]:
        """The commands and subcommands ``person`` may run."""
        return [v for spec in self for v in spec.variants() if v.allows(person)]

    def help_text(self, person: Person, bot_name: str = "FocalPoint", terse: bool = False) -> Msg:
        """The /help overview: the names of the commands the person may run, under their
        headings, short enough for one phone screen; ``/help <command>`` explains one and
        ``/help all`` every one."""
        lines: list[Text] = [_("{bot} — commands you can use:", bot=bot_name)]
        yours: list[str] = []
        for topic, names in self._topics:
            mine = [n for n in names if any(v.allows(person) for v in self._specs[n].variants())]
            yours += mine
            commands = " ".join(f"/{name}" for name in mine)
            if mine:
                lines.append(
                    _("{topic}: {commands}", topic=topic, commands=commands) if topic else commands
                )
        lines.append("")
        lines.append(
            _(
                "/help <command> explains one, with an example (/help {example}); "
                "/help all explains them all.",
                example=_help_example(yours),
            )
        )
        choose = _("/language <language> chooses yours.")
        if terse:  # an SMS: every name in its own script makes it several paid segments
            return join([*lines, choose])
        languages = _("Languages: {languages}.", languages=own_names())
        return join([*lines, "", languages, choose])

    def help_all(self, person: Person, bot_name: str = "FocalPoint") -> Msg:
        """Every command the person may run, each with its usage, what it does and an
        example, and the languages the bot speaks."""
        lines: list[Text] = [_("{bot} — commands you can use:", bot=bot_name)]
        for spec in self.available_to(person):
            example = _("e.g. {example}", example=spec.example)
            lines.append(join(["", shown_usage(spec.usage), "  " + spec.summary, "  " + example]))
        lines.append("\n" + _("/help <command> explains one command."))
        return join([*lines, *self._languages()])

    @staticmethod
    def help_one(spec: CommandSpec, person: Person) -> Msg:
        """One command explained: each form of it the person may run, with an example."""
        forms: list[Text] = []
        for form in spec.variants():
            if form.allows(person):
                example = _("Example: {example}", example=form.example)
                forms.append(join([shown_usage(form.usage), form.summary, example]))
        return join(forms, "\n\n")

    @staticmethod
    def _languages() -> list[Text]:
        languages = _("Languages: {languages}.", languages=language_list())
        return ["", languages, _("/language <code> chooses yours.")]

    def suggest(self, name: str, person: Person | None = None) -> str | None:
        """The closest command name, for a "did you mean": among those ``person`` may run
        (an officer who typed /stauts was sent to /status, for co-chairs only)."""
        from difflib import get_close_matches

        names: Sequence[str] = self.names()
        if person is not None:
            names = [s.name for s in self if any(v.allows(person) for v in s.variants())]
        found = get_close_matches(name, names, n=1, cutoff=0.6)
        return found[0] if found else None


def _help_example(names: list[str]) -> str:
    """A command to show ``/help <command>`` with: one the person may run (an administrator
    who cannot file requests was offered ``/help request``), the first of their own work."""
    ahead: tuple[str, ...] = ("request", "return", "status", "broadcast")
    ordered = [n for n in ahead if n in names] + [n for n in names if n != "help"]
    return ordered[0] if ordered else "help"
