"""Settings: ``bot.toml`` parsed once into frozen, validated objects.

Validation is pydantic's; this module only turns its errors into one :class:`ConfigError`
that names the key (``people[3].country``) and, when it can find it, the line in the file.
Secrets never live in the file: a channel names the environment variable that holds each one.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails, InitErrorDetails, PydanticCustomError

from bot.directory.identity_formats import identity_problem, normalised
from bot.errors import ConfigError
from bot.i18n.languages import LANGUAGES, resolve_language
from bot.periods.configured import PeriodConfig, ReturnsSettings, period_problems
from bot.returns.metrics import DEFAULT_METRICS, Metric, name_clashes
from bot.text import has_invisible

Role = Literal["officer", "focal_point", "deputy_focal_point", "co_chair", "admin"]
ROLES: tuple[str, ...] = Role.__args__  # type: ignore[attr-defined]
Urgency = Literal["urgent", "routine"]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
CHANNELS = ("console", "telegram", "slack", "line", "email", "whatsapp", "viber", "sms")
"""Every channel FocalPoint has: the console and each platform ``adapters.channels.ADAPTERS``
builds (the core names them without importing the adapters)."""
_QUIET = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$")


def _quiet_window(value: str | None) -> str | None:
    if value and not _QUIET.match(value.replace(" ", "")):
        raise ValueError(f"{value!r} is not a window like '21:00-07:00' (or '' for none)")
    return value.replace(" ", "") if value else value


QuietWindow = Annotated[str, AfterValidator(_quiet_window)]

_NUMBER = r"[0-9]+(?:\.[0-9]+)?"
_DURATION = re.compile(
    rf"\A\s*(?=[0-9])(?:({_NUMBER})\s*d\s*)?(?:({_NUMBER})\s*h\s*)?"
    rf"(?:({_NUMBER})\s*m\s*)?(?:({_NUMBER})\s*s\s*)?\Z"
)
"""Days, hours, minutes, seconds, each at most once and in that order: ``2d``, ``16h15m``."""


def parse_duration(value: Any) -> timedelta:
    """Read ``"30m"``, ``"24h"``, ``"2d"``, ``"90s"``, ``"16h15m"`` or a number of seconds."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return timedelta(seconds=value)
    match = _DURATION.match(str(value))
    if not match or not any(match.groups()):
        raise ValueError(f"{value!r} is not a duration like '30m', '24h', '2d' or '16h15m'")
    units = (86400, 3600, 60, 1)
    parts = zip(match.groups(), units, strict=True)
    try:
        return timedelta(seconds=sum(float(n) * unit for n, unit in parts if n))
    except OverflowError:
        raise ValueError(f"{value!r} is longer than any duration can be") from None


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]


def _visible(value: str) -> str:
    if has_invisible(value):
        raise ValueError("contains control, invisible or direction-changing characters")
    return value


Name = Annotated[str, Field(min_length=1, max_length=80), AfterValidator(_visible)]
"""A display name: nothing that could disguise it (zero-width, RTL overrides, controls)."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Country(_Frozen):
    """A member country: ISO 3166 alpha-2 code, name and IANA time zone."""

    code: str = Field(pattern=r"^[A-Z]{2}$")
    name: Name
    timezone: str = "UTC"
    # The days the country rests (None: as the holidays package knows it, else sat and sun).
    weekend: tuple[Weekday, ...] | None = None
    closures: tuple[dt.date, ...] = ()  # the country's own closures (a national election day)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA time zone {value!r}") from exc
        return value


def _language_code(value: str) -> str:
    """The supported code ``value`` names; an unknown one is kept for the directory check,
    which names the person."""
    return resolve_language(value) or value


def _known_language(value: str) -> str:
    """The supported code ``value`` names, or a configuration error listing the known ones."""
    code = resolve_language(value)
    if code is None:
        raise ValueError(f"unknown language {value!r} (known: {language_codes()})")
    return code


STORED = "stored"
"""Validation context key: the values come from the database, already accepted once."""


class Person(_Frozen):
    """Someone in the directory, with an identity on each channel they use."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]{0,39}$")
    name: Name
    country: str
    roles: tuple[Role, ...] = Field(min_length=1)
    # A code of bot.i18n.LANGUAGES, or another name for one ("TH", "prs"): stored as the code.
    language: Annotated[str, AfterValidator(_language_code)] = "en"
    # Whether ``language`` was written down (in bot.toml, an import's cell, or kept so in the
    # database): the administrator's choice, which the person's app language does not
    # override. Set from ``language`` being given; not part of what bot.toml said (its
    # fingerprint in bot.directory.repo).
    language_given: bool = Field(default=False, exclude=True)
    preferred_channel: str = "console"
    identities: dict[str, str] = Field(default_factory=dict)
    active: bool = True
    # Local hours when routine messages wait ("22:00-06:00"; "" none; unset: [quiet_hours]).
    quiet_hours: Annotated[str | None, AfterValidator(_quiet_window)] = None

    @model_validator(mode="before")
    @classmethod
    def _language_written(cls, data: Any) -> Any:
        """A ``language`` given is a language given, unless said otherwise (the database
        and an import say so of one they only kept)."""
        if isinstance(data, dict) and "language" in data and "language_given" not in data:
            return {**data, "language_given": True}
        return data

    @field_validator("identities")
    @classmethod
    def _recognisable(cls, value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        """Each identity in the form its platform sends: a username or a phone number typed
        for a Telegram id was accepted, and its person silently never recognised. Identities
        already stored (context ``{STORED: True}``) load as they are, so a database from before
        this rule still opens; importing that person again names what to fix."""
        if info.context and info.context.get(STORED):
            return value
        problems = [why for ch, uid in value.items() if (why := identity_problem(ch, uid))]
        if problems:
            raise ValueError("; ".join(problems))
        return {ch: normalised(ch, uid) for ch, uid in value.items()}

    def has(self, *roles: str) -> bool:
        """Whether the person holds any of ``roles``."""
        return any(role in self.roles for role in roles)

    @property
    def handles_country_requests(self) -> bool:
        """Focal points and deputies act on requests addressed to their country."""
        return self.has("focal_point", "deputy_focal_point")


_ACK_LIMITS: dict[Urgency, timedelta] = {
    "urgent": timedelta(minutes=30),
    "routine": timedelta(hours=24),
}


class RequestSettings(_Frozen):
    """Assistance request rules."""

    ack_limits: dict[Urgency, Duration] = Field(default_factory=lambda: dict(_ACK_LIMITS))
    max_text_length: int = Field(default=3000, ge=100, le=20000)
    id_prefix: str = Field(default="R", pattern=r"^[A-Z]{1,4}$")
    # "working": a routine request's clock runs only on the target country's working days;
    # "elapsed": every hour counts.
    escalation_clock: Literal["working", "elapsed"] = "working"

    @field_validator("ack_limits")
    @classmethod
    def _both_urgencies(cls, value: dict[str, timedelta]) -> dict[str, timedelta]:
        missing = {"urgent", "routine"} - set(value)
        if missing:
            raise ValueError(f"missing a limit for {', '.join(sorted(missing))}")
        return value


class ChannelSettings(BaseModel):
    """One channel's section. Adapters validate their own extra keys."""

    model_config = ConfigDict(frozen=True, extra="allow")

    enabled: bool = True
    token_env: str = ""
    # "pointer" (the safe default): only "R-… awaits you — open it on <approved channel>";
    # "full": approved to carry casework (request text, figures).
    content: Literal["full", "pointer"] = "pointer"
    answer_strangers: bool = True  # False where each reply costs money (SMS pumping)

    @field_validator("token_env")
    @classmethod
    def _names_a_variable(cls, value: str) -> str:
        if value and (problem := secret_pasted("token_env", value)):
            raise ValueError(problem)
        return value

    @model_validator(mode="after")
    def _other_variables_named(self) -> ChannelSettings:
        """A channel's other secrets' ``*_env`` keys (Slack's ``app_token_env``, a
        ``signing_secret_env``, a ``smtp_password_env``) name variables too."""
        for key, value in (self.model_extra or {}).items():
            secret = any(word in key for word in ("token", "secret", "password"))
            named = secret and key.endswith("_env") and isinstance(value, str) and value
            if named and (problem := secret_pasted(key, value)):
                raise ValueError(problem)
        return self


_VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def secret_pasted(key: str, value: str) -> str:
    """Why ``value``, set as ``key`` (which names an environment variable), looks like the
    secret itself rather than a variable's name; '' when it looks like a name. The message
    never repeats the value: it is a secret, and it would reach the log or the terminal."""
    long_and_random = (
        len(value) >= 20
        and any(c.isdigit() for c in value)
        and (
            "_" not in value
            or (any(c.islower() for c in value) and any(c.isupper() for c in value))
        )
    )
    if _VARIABLE_NAME.fullmatch(value) and not long_and_random:
        return ""
    return (
        f"{key} must be the NAME of the environment variable that holds the secret (such as "
        f"FOCALBOT_TELEGRAM_TOKEN), but what is set there looks like the secret itself "
        f"({len(value)} characters, not a variable name). Put the secret in an environment "
        f"variable and write that variable's name as {key}; then replace the secret on its "
        "platform, since it was written in bot.toml"
    )


class QuietHoursSettings(_Frozen):
    """``[quiet_hours]``: when routine notifications wait for a person's morning."""

    default: QuietWindow = "21:00-07:00"  # local to each person's country; "" = none
    urgent: Literal["send", "wait"] = "send"  # urgent requests and their escalations


class BotSettings(_Frozen):
    """The ``[bot]`` section."""

    name: str = "FocalPoint"
    # A SQLite file, or postgresql://user@host/db for several replicas on one PostgreSQL.
    database: str = "focalpoint.db"
    # Names the environment variable holding the PostgreSQL password (libpq's PGPASSWORD is
    # honoured too); a password is never written in bot.toml.
    database_password_env: str = ""
    inbound_queue_size: int = Field(default=1000, ge=1)
    workers: int = Field(default=8, ge=1, le=256)
    stranger_alert_interval: Duration = timedelta(hours=1)
    # What the bot speaks to someone not in the directory (and anyone without a language).
    language: Annotated[str, AfterValidator(_known_language)] = "en"

    @field_validator("database")
    @classmethod
    def _no_password_in_file(cls, value: str) -> str:
        if password_in_url(value):
            raise ValueError(
                "holds a password; put it in an environment variable named by "
                "[bot] database_password_env instead"
            )
        return value

    def database_password(self) -> str | None:
        """The PostgreSQL password from the environment variable the config names, if any."""
        return os.environ.get(self.database_password_env) if self.database_password_env else None


class LimitSettings(_Frozen):
    """Per-person abuse limits: how many times one person may do something in an hour."""

    requests_per_hour: int = Field(default=20, ge=1)
    broadcasts_per_hour: int = Field(default=5, ge=1)
    # replies, referrals and files on requests: a flood would queue ahead of an urgent request
    # on a channel that sends about one message a second to a chat (Telegram)
    request_messages_per_hour: int = Field(default=60, ge=1)


class RetentionSettings(_Frozen):
    """How long data is kept before ``focalbot purge`` removes it (privacy law differs)."""

    closed_requests: Duration = timedelta(days=730)  # requests closed longer ago, with threads
    delivered_messages: Duration = timedelta(days=90)  # sent outbox rows: copies of the text
    inbound_records: Duration = timedelta(days=30)  # de-duplication records of inbound events


class AuditSettings(_Frozen):
    """The ``[audit]`` section: where the running bot records the chain head (its anchor)."""

    anchor_file: str = ""  # default: beside the database, <database>.audit-anchors
    anchor_daily: bool = True  # append the head daily at 00:00 UTC (every stop appends it too)
    anchor_to_cochairs: bool = False  # also send the daily head to the co-chairs


class Rate(_Frozen):
    """One currency's rate: how many units of ``[reports] currency`` one unit buys, and when."""

    rate: float = Field(gt=0)
    date: dt.date


class ReportSettings(_Frozen):
    """The ``[reports]`` section: where files sent in chat go, and optional currency rates."""

    directory: str = ""  # charts and workbooks sent in chat; "" = beside the database
    currency: str = Field(default="", pattern=r"^([A-Z]{3})?$")  # total money in this one
    rates: dict[str, Rate] = Field(default_factory=dict)  # currency code -> rate into it

    @model_validator(mode="after")
    def _rates_need_currency(self) -> ReportSettings:
        if self.rates and not self.currency:
            raise ValueError("rates need the currency they convert into: set currency")
        return self


class RosterSettings(_Frozen):
    """The ``[roster]`` section: how often focal points and deputies reconfirm their role."""

    reconfirm_every: Duration | None = None  # None: never ask
    answer_within: Duration = timedelta(days=7)  # then the co-chairs are told


DEFAULT_FILE_TYPES = (
    "image/jpeg",
    "image/png",
    "image/webp",
    "image/heic",
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "text/plain",
    "audio/ogg",
    "audio/mpeg",
    "audio/mp4",
    "audio/x-m4a",
    "video/mp4",
)


class FileSettings(_Frozen):
    """The ``[files]`` section: files officers attach to requests."""

    key_env: str = "FOCALBOT_FILES_KEY"  # names the variable holding the key; unset = no files
    # Names the variable holding earlier keys, comma-separated: they only read the files they
    # sealed, until `focalbot files-rekey` has sealed those with the current key.
    earlier_keys_env: str = "FOCALBOT_FILES_EARLIER_KEYS"
    directory: str = ""  # the encrypted blobs; "" = beside the database, <database>.files
    max_mb: float = Field(default=20.0, gt=0, le=2000)  # per file (platforms also have theirs)
    per_request: int = Field(default=20, ge=1)  # files on one request
    # Recognised by content, not by name ("text/plain": UTF-8 text without control bytes).
    types: tuple[str, ...] = DEFAULT_FILE_TYPES

    @property
    def max_bytes(self) -> int:
        """``max_mb`` in bytes."""
        return int(self.max_mb * 1024 * 1024)

    def key(self) -> str:
        """The key's text from the environment ('' when files are off)."""
        return os.environ.get(self.key_env, "") if self.key_env else ""

    def earlier_keys(self) -> list[str]:
        """The earlier keys' texts from the environment (none when unset)."""
        text = os.environ.get(self.earlier_keys_env, "") if self.earlier_keys_env else ""
        return [k.strip() for k in text.split(",") if k.strip()]


class Settings(_Frozen):
    """Everything ``bot.toml`` configures."""

    bot: BotSettings = BotSettings()
    requests: RequestSettings = RequestSettings()
    limits: LimitSettings = LimitSettings()
    retention: RetentionSettings = RetentionSettings()
    audit: AuditSettings = AuditSettings()
    reports: ReportSettings = ReportSettings()
    roster: RosterSettings = RosterSettings()
    files: FileSettings = FileSettings()
    quiet_hours: QuietHoursSettings = QuietHoursSettings()
    channels: dict[str, ChannelSettings] = Field(default_factory=dict)
    countries: tuple[Country, ...] = ()
    people: tuple[Person, ...] = ()
    returns: ReturnsSettings = ReturnsSettings()
    metric_sets: dict[str, tuple[Metric, ...]] = Field(
        default_factory=lambda: {"default": DEFAULT_METRICS}
    )
    periods: tuple[PeriodConfig, ...] = ()
    source: str = ""

    @model_validator(mode="before")
    @classmethod
    def _bot_language_for_the_unsaid(cls, data: Any) -> Any:
        """A person bot.toml gives no language reads the bot's (``[bot] language``), as one
        imported without one does (it was English whatever the bot spoke); not given, so
        their app's language may stand in for it until they choose (bot.dispatch)."""
        bot = data.get("bot") if isinstance(data, dict) else None
        language = bot.get("language") if isinstance(bot, dict) else None
        people = data.get("people") if isinstance(data, dict) else None
        if not language or not isinstance(people, list | tuple):
            return data
        unsaid = {"language": language, "language_given": False}
        filled = [
            {**p, **unsaid} if isinstance(p, dict) and "language" not in p else p for p in people
        ]
        return {**data, "people": filled}

    @model_validator(mode="after")
    def _consistent(self) -> Settings:
        """Checks across sections, raised with their keys so each names its own line."""
        problems = directory_problems(self.countries, self.people)
        for name, metrics in self.metric_sets.items():
            if not metrics:
                problems.append((("metric_sets", name), f"metric set {name!r} is empty"))
            problems += [
                (("metric_sets", name, i, field), text) for i, field, text in name_clashes(metrics)
            ]
        countries = {c.code for c in self.countries}
        problems += period_problems(self.periods, self.metric_sets, countries)
        if problems:
            raise ValidationError.from_exception_data(
                "Settings",
                [
                    InitErrorDetails(
                        type=PydanticCustomError("consistency", "{problem}", {"problem": text}),
                        loc=loc,
                        input=None,
                    )
                    for loc, text in problems
                ],
            )
        return self


Loc = tuple[str | int, ...]
"""Where a value is in ``bot.toml``: ``("people", 3, "country")``."""


def check_directory(countries: tuple[Country, ...], people: tuple[Person, ...]) -> None:
    """Raise ValueError when the directory contradicts itself (unknown country, duplicates)."""
    problems = directory_problems(countries, people)
    if problems:
        raise ValueError(problems[0][1])


def directory_problems(
    countries: tuple[Country, ...], people: tuple[Person, ...]
) -> list[tuple[Loc, str]]:
    """Every contradiction in the directory, each with the key it is at."""
    codes = {c.code for c in countries}
    problems = _duplicates(
        "country code", [(("countries", i, "code"), c.code) for i, c in enumerate(countries)]
    )
    problems += _duplicates(
        "person id", [(("people", i, "id"), p.id) for i, p in enumerate(people)]
    )
    problems += _duplicate_identities(people)
    problems += [
        (("people", i, "country"), f"person {p.id!r} has unknown country {p.country!r}")
        for i, p in enumerate(people)
        if p.country not in codes
    ]
    problems += [
        (
            ("people", i, "language"),
            f"person {p.id!r} has unknown language {p.language!r} (known: {language_codes()})",
        )
        for i, p in enumerate(people)
        if resolve_language(p.language) is None
    ]
    return problems + _unknown_channels(people)


def _unknown_channels(people: tuple[Person, ...]) -> list[tuple[Loc, str]]:
    """Each ``preferred_channel`` and identity naming no channel the bot has: such a person
    looks reachable but nothing would ever reach them there."""
    problems: list[tuple[Loc, str]] = []
    for i, p in enumerate(people):
        if p.preferred_channel not in CHANNELS:
            problems.append(
                (
                    ("people", i, "preferred_channel"),
                    _no_such_channel(p.id, "preferred_channel", p.preferred_channel),
                )
            )
        problems += [
            (("people", i, "identities", ch), _no_such_channel(p.id, "identities", ch))
            for ch in p.identities
            if ch not in CHANNELS
        ]
    return problems


def _no_such_channel(person: str, key: str, channel: str) -> str:
    return (
        f"person {person!r}: {key} names {channel!r}, which is not a channel FocalPoint has "
        f"(known: {', '.join(CHANNELS)})"
    )


def language_codes() -> str:
    """The language codes a person's ``language`` may name."""
    return ", ".join(LANGUAGES)


def _duplicate_identities(people: tuple[Person, ...]) -> list[tuple[Loc, str]]:
    """The second and later holders of each identity, each told who holds it already (an
    import refused over ``telegram:5001`` left the administrator searching for whose it is)."""
    holders: dict[str, str] = {}
    found: list[tuple[Loc, str]] = []
    for i, p in enumerate(people):
        for ch, uid in p.identities.items():
            key = f"{ch}:{uid}"
            if key in holders:
                loc: Loc = ("people", i, "identities", ch)
                found.append((loc, f"duplicate identity {key!r} (held by {holders[key]})"))
            holders.setdefault(key, p.id)
    return found


def _duplicates(what: str, values: list[tuple[Loc, str]]) -> list[tuple[Loc, str]]:
    """The second and later uses of each value."""
    seen: set[str] = set()
    found = []
    for loc, value in values:
        if value in seen:
            found.append((loc, f"duplicate {what} {value!r}"))
        seen.add(value)
    return found


def password_in_url(database: str) -> bool:
    """Whether a database URL carries a password (``postgresql://user:secret@host/db``)."""
    return bool(re.match(r"^postgres(?:ql)?://[^/@]*:[^/@]*@", database))


def load_settings(path: str | Path) -> Settings:
    """Read and validate a ``bot.toml``; raise :class:`ConfigError` naming what is wrong."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the configuration ({exc.strerror})") from exc
    return parse_settings(text, str(path))


def parse_settings(text: str, source: str = "bot.toml") -> Settings:
    """Validate TOML text; errors carry ``source:line`` where the key can be found."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}") from exc
    try:
        return Settings.model_validate({**raw, "source": source})
    except ValidationError as exc:
        problems = [_suggest(loc, message) for loc, message in validation_problems(exc.errors())]
        raise ConfigError(describe(problems, text, source)) from exc


_ARRAYS = {"countries", "people", "periods"}  # [[countries]]: one table per item


def _suggest(loc: Loc, message: str) -> tuple[Loc, str]:
    """An unknown top-level table or key said as such, with the closest one there is (a
    misspelt ``[[metric_set.default]]`` or ``[[period]]``)."""
    if len(loc) != 1 or message != "Extra inputs are not permitted":
        return loc, message
    known = [name for name in Settings.model_fields if name != "source"]
    close = difflib.get_close_matches(str(loc[0]), known, n=1, cutoff=0.6)
    if not close:
        return loc, f"not a section or key FocalPoint has (known: {', '.join(known)})"
    name = close[0]
    table = f"[[{name}]]" if name in _ARRAYS else f"[{name}]"
    table = f"[[{name}.…]]" if name == "metric_sets" else table
    table = f"[{name}.…]" if name == "channels" else table
    return loc, f"not a section or key FocalPoint has; did you mean {table}?"


def validation_problems(errors: list[ErrorDetails], prefix: Loc = ()) -> list[tuple[Loc, str]]:
    """pydantic's errors as (key, message); ``prefix`` places a section's own validation.
    A list that is "too short" only because its items were refused is not said again (a
    misspelt role also read as "Tuple should have at least 1 item")."""
    refused_within = {error["loc"][:-1] for error in errors if error["loc"]}
    return [
        ((*prefix, *error["loc"]), str(error["msg"]).removeprefix("Value error, "))
        for error in errors
        if not (error["type"] == "too_short" and error["loc"] in refused_within)
    ]


def describe(problems: list[tuple[Loc, str]], text: str, source: str) -> str:
    """One line per problem: ``bot.toml:12: people[3].country: message``."""
    lines = []
    for loc, message in problems:
        line = _line_of(text, loc)
        where = f"{source}:{line}" if line else source
        lines.append(f"{where}: {_dotted(loc) or '(top level)'}: {message}")
    return "\n".join(lines)


def _dotted(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


_TABLE = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]")


def _line_of(text: str, loc: tuple[Any, ...]) -> int | None:
    """The line of the key at ``loc``: its table is found first (``[channels.email]``, the
    n-th ``[[people]]``), then the key inside that table alone; the table's own line when the
    key is missing from it; None when nothing can be found."""
    lines = text.splitlines()
    tables = [(i, m[1] == "[[", re.sub(r"[\s\"']", "", m[2])) for i, m in _numbered(lines)]
    start, end = 0, tables[0][0] if tables else len(lines)
    path, parts = "", list(loc)
    while parts:
        part = parts[0]
        if isinstance(part, int):
            hits = [i for i, array, name in tables if array and name == path]
            if part >= len(hits):
                return None
            start, end = hits[part], _table_end(tables, hits[part], len(lines))
            parts.pop(0)
            continue
        name = f"{path}.{part}" if path else str(part)
        table = next((i for i, array, n in tables if n == name and not array), None)
        nested = [i for i, _, n in tables if n == name or n.startswith(name + ".")]
        if table is not None:
            start, end = table, _table_end(tables, table, len(lines))
        elif not nested:
            return _key_line(lines, start, end, str(part))  # a key, not a table
        else:  # only [[name]] or [name.sub] tables: the first of them (an unknown section)
            start, end = nested[0], _table_end(tables, nested[0], len(lines))
        path = name
        parts.pop(0)
    return start + 1 if tables and start < len(lines) else None


def _numbered(lines: list[str]) -> list[tuple[int, re.Match[str]]]:
    return [(i, m) for i, line in enumerate(lines) if (m := _TABLE.match(line))]


def _table_end(tables: list[tuple[int, bool, str]], start: int, total: int) -> int:
    return next((i for i, _, _ in tables if i > start), total)


def _key_line(lines: list[str], start: int, end: int, key: str) -> int | None:
    """The line in ``lines[start:end]`` that sets ``key``; else the table's header line."""
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*(=|\.)")
    for i in range(start, end):
        if pattern.match(lines[i]):
            return i + 1
    return start + 1 if start or (lines and _TABLE.match(lines[0])) else None
