"""Commands everyone uses: ping, help, whoami, countries."""

from __future__ import annotations

from bot.commands import CommandSpec, no_args
from bot.errors import UserError
from bot.work import Work

ROLE_LABELS = {
    "officer": "officer",
    "focal_point": "focal point",
    "deputy_focal_point": "deputy focal point",
    "co_chair": "co-chair",
    "admin": "administrator",
}


def ping_with_token(work: Work, token: str) -> None:
    """``/ping <i>`` answers ``pong <i>`` so a caller can match answers to questions."""
    work.reply(f"pong {token[:64]}".rstrip(), sensitive=False)


def help_command(work: Work, topic: str) -> None:
    """The generated help, or one command explained."""
    actor = work.actor
    assert actor is not None
    registry, name = work.ctx.registry, topic.strip().lstrip("/").lower()
    if not name:
        work.reply(registry.help_text(actor, work.ctx.settings.bot.name), sensitive=False)
        return
    spec = registry.get(name)
    if spec is None or not spec.allows(actor):
        raise UserError(f"There is no command /{name[:30]} for you. /help lists yours.")
    work.reply(f"{spec.usage}\n{spec.summary}\nExample: {spec.example}", sensitive=False)


def whoami(work: Work, _args: None) -> None:
    """Who the bot thinks you are: name, country, roles, channels. Never secrets."""
    actor = work.actor
    assert actor is not None
    country = work.directory.country(actor.country)
    roles = ", ".join(ROLE_LABELS[r] for r in actor.roles)
    channels = ", ".join(sorted({*actor.identities, "console"}))
    work.reply(
        f"You are {actor.name} (id {actor.id}), {roles} for "
        f"{country.name if country else actor.country}.\n"
        f"Reachable on: {channels}; preferred: {actor.preferred_channel}."
    )


def countries(work: Work, _args: None) -> None:
    """The member countries and their codes, with who answers for each."""
    lines = ["Member countries (code · name · focal points):"]
    for code, country in sorted(work.directory.countries.items()):
        fps = ", ".join(p.name for p in work.directory.focal_points(code)) or "none yet"
        lines.append(f"{code} · {country.name} · {fps}")
    work.reply("\n".join(lines))


COMMANDS = [
    CommandSpec(
        "help",
        "What each command does, with an example.",
        "/help [command]",
        "/help request",
        help_command,
        in_groups=True,
        quick=True,
    ),
    CommandSpec(
        "whoami",
        "Who the bot thinks you are: country, roles, channels.",
        "/whoami",
        "/whoami",
        whoami,
        no_args,
        quick=True,
    ),
    CommandSpec(
        "countries",
        "Member countries, their codes and focal points.",
        "/countries",
        "/countries",
        countries,
        no_args,
    ),
    CommandSpec(
        "ping",
        "Check the bot is alive; it answers pong.",
        "/ping [anything]",
        "/ping",
        ping_with_token,
        in_groups=True,
        quick=True,
    ),
]
