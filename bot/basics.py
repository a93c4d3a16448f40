"""Commands everyone uses: ping, help, language, whoami, countries."""

from __future__ import annotations

from bot.commands import CommandSpec, no_args
from bot.config import Person
from bot.directory.repo import Directory, set_language
from bot.errors import UserError
from bot.i18n import (
    Msg,
    Text,
    _,
    in_sentence,
    join,
    language_list,
    n_,
    render_for_reader,
    resolve_language,
)
from bot.i18n.languages import native_name
from bot.work import Work

ROLE_LABELS: dict[str, Text] = {
    "officer": _("officer"),
    "focal_point": _("focal point"),
    "deputy_focal_point": _("deputy focal point"),
    "co_chair": _("co-chair"),
    "admin": _("administrator"),
}


def roles_of(person: Person) -> Msg:
    """``deputy focal point, co-chair``: a person's roles as the bot names them."""
    return join([ROLE_LABELS.get(role, role) for role in person.roles], ", ")


def ping_with_token(work: Work, token: str) -> None:
    """``/ping <i>`` answers ``pong <i>`` so a caller can match answers to questions."""
    token = token[:64].strip()
    work.reply(_("pong {token}", token=token) if token else _("pong"), sensitive=False)


ALL = "all"  # `/help all`: every command explained


def help_command(work: Work, topic: str) -> None:
    """The overview, one command explained (``/help period``), or all (``/help all``)."""
    actor = work.actor
    assert actor is not None
    registry, bot_name = work.ctx.registry, work.ctx.settings.bot.name
    name = topic.strip().split(" ")[0].lstrip("/").lower()
    if not name:
        terse = bool(work.origin and work.ctx.router.is_terse(work.origin.channel))
        work.reply(registry.help_text(actor, bot_name, terse), sensitive=False)
        return
    if name == ALL:
        work.reply(registry.help_all(actor, bot_name), sensitive=False)
        return
    spec = registry.get(name)
    if spec is None or not any(form.allows(actor) for form in spec.variants()):
        raise UserError(
            _("There is no command /{name} for you. /help lists yours.", name=name[:30])
        )
    work.reply(registry.help_one(spec, actor), sensitive=False)


def named(language: str) -> str:
    """``th (ไทย)``: a language as the list of available ones shows it."""
    return f"{language} ({native_name(language)})"


def language_command(work: Work, code: str) -> None:
    """``/language`` shows one's language and the available ones; ``/language th`` sets it."""
    actor = work.actor
    assert actor is not None
    wanted = code.strip()
    if not wanted:
        work.reply(_language_shown(actor.language), sensitive=False)
        return
    language = resolve_language(wanted)
    if language is None:
        raise UserError(
            _(
                "I don't know the language {code}. Available: {languages}.",
                code=wanted[:20],
                languages=language_list(),
            )
        )
    set_language(work.db, actor.id, language, work.stamp)
    work.audit("language", actor.id, language)
    work.directory_changed = True  # the app reloads the directory after the commit
    work.chosen_languages[actor.id] = language  # what is said to them later in this unit
    # Its own name first, as the sentence reads ("… in ไทย (th) …"); the code for reference.
    done = _(
        "I will write to you in {language} from now on.",
        language=f"{native_name(language)} ({language})",
    )
    # The snapshot still holds the old language: this answer is rendered in the new one here.
    work.reply(render_for_reader(done, language), sensitive=False)


def _language_shown(language: str) -> Msg:
    return _(
        "Your language: {language}.\nAvailable: {languages}.\n"
        "/language <code> changes it, e.g. /language th.",
        language=named(language),
        languages=language_list(),
    )


def whoami(work: Work, _args: None) -> None:
    """Who the bot thinks you are: name, country, roles, channels. Never secrets."""
    actor = work.actor
    assert actor is not None
    roles = roles_of(actor)
    channels = join(sorted({*actor.identities, "console"}), ", ")
    work.reply(
        _(
            "You are {name} (id {id}), {roles} for {country}.\n"
            "Reachable on: {channels}; preferred: {preferred}.",
            name=actor.name,
            id=actor.id,
            roles=roles,
            country=in_sentence(work.directory.country_name(actor.country)),
            channels=channels,
            preferred=actor.preferred_channel,
        )
    )


def countries(work: Work, _args: None) -> None:
    """The member countries and their codes, with who answers for each."""
    lines: list[Text] = [_("Member countries (code · name · who answers requests):")]
    for code in sorted(work.directory.countries):
        who = _who_answers(work.directory, code)
        lines.append(join([code, work.directory.country_name(code), who], " · "))
    work.reply(join(lines))


def _who_answers(directory: Directory, code: str) -> Text:
    """The focal points; else the deputies, said to answer (a handover leaves a deputy
    answering, and requests do reach them); else nobody."""
    answering = directory.answering(code)
    names = join([p.name for p in answering], ", ")
    if not answering:
        return _("none yet")
    if answering[0].has("focal_point"):
        return names
    return n_(
        "deputy {names} answers (no focal point)",
        "deputies {names} answer (no focal point)",
        len(answering),
        names=names,
    )


COMMANDS = [
    CommandSpec(
        "help",
        _("What each command does, with an example."),
        "/help [command|all]",
        "/help request",
        help_command,
        in_groups=True,
        quick=True,
    ),
    CommandSpec(
        "language",
        _("Show your language and the ones available, or choose yours."),
        "/language [code]",
        "/language th",
        language_command,
    ),
    CommandSpec(
        "whoami",
        _("Who the bot thinks you are: country, roles, channels."),
        "/whoami",
        "/whoami",
        whoami,
        no_args,
        quick=True,
    ),
    CommandSpec(
        "countries",
        _("Member countries, their codes and focal points."),
        "/countries",
        "/countries",
        countries,
        no_args,
    ),
    CommandSpec(
        "ping",
        _("Check the bot is alive; it answers pong."),
        "/ping [anything]",
        "/ping",
        ping_with_token,
        in_groups=True,
        quick=True,
    ),
]
