"""Lazy messages: what to say, rendered once the reader's language is known."""

from __future__ import annotations

import string
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache
from typing import Any

import regex
from babel import Locale
from babel.dates import (
    DateTimePattern,
    format_date,
    format_skeleton,
    parse_pattern,
    tokenize_pattern,
    untokenize_pattern,
)
from babel.lists import format_list
from babel.numbers import format_decimal

from bot.frozen import made_quickly
from bot.i18n.catalogs import translated, translations
from bot.i18n.languages import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    RIGHT_TO_LEFT,
    is_rtl,
    list_comma,
    list_semicolon,
    locale_of,
    native_name,
)
from bot.i18n.solar_hijri import SOLAR_HIJRI_MONTHS, solar_hijri

_ZEROS = {"arab": "٠", "arabext": "۰", "beng": "০", "deva": "०", "mymr": "၀", "thai": "๐"}
"""The zero of each numbering system CLDR names as a member language's default; the other
nine digits follow it in Unicode, so one character per system is the whole table."""

RLM = "\u200f"
"""Right-to-left mark: starts each line of a right-to-left message, so a line that opens with
an id or a number (``R-12 …``) is still laid out right to left."""

LRI, PDI = "\u2066", "\u2069"
"""Left-to-right isolate and its end: around each command in a right-to-left line, so it
displays as typed. Without them the bidirectional algorithm lays the command's neutral
characters out right to left: ``/reply R-12 <text>`` shows as ``>text< R-12 reply/``. Inbound
text drops them (:func:`bot.text.clean`), so a command copied with them still runs. Also
around each line of a parameter that starts left to right (:func:`_quoted`)."""

FSI = "\u2068"
"""First-strong isolate: around a placeholder in the reader's script inside a command
(``/handover <…> <…>``). Two such placeholders in a row would form one right-to-left run
inside the command's isolate and show in swapped order."""

_ISOLATE = "[\u2066\u2068][^\u2066-\u2069\n]*\u2069"
"""One isolate this module made: a parameter's (LRI) or a placeholder's (FSI), not nested."""

_COMMAND = regex.compile(
    # its name (or a parameter's after a slash: "/{name}"), not inside a path or a word (as
    # bot.commands.command_hints), nor isolated; then each argument after a space: a
    # <placeholder> (translated too), an isolate (a parameter's, a placeholder's) or a word
    # with no right-to-left letter; none after a word that ends a sentence, nor the next
    # command. After a colon only a figure or a <placeholder> goes on ("/return W1 search
    # warrants: 5")
    r"(?<![\w/<.\u2066])/(?:[A-Za-z][A-Za-z0-9_-]*|\u2066[A-Za-z][A-Za-z0-9_-]*\u2069)"
    r"(?:(?<![.;!?])(?<![.;!?]\u2069)(?!(?<=:)[^\S\n]+[^0-9<\u2068\s])"
    r"[^\S\n]+(?!\u2066?/[A-Za-z\u2066])"
    rf"(?:{_ISOLATE}|<[^<>\n]*>|[^\s<>\u060c\u2066-\u2069\p{{bc=R}}\p{{bc=AL}}])+)*"
)
"""A command in rendered text, from ``/`` through its arguments, up to where prose resumes:
a word in a right-to-left script, the Arabic comma, or the end of a sentence."""

_PARAMETER = regex.compile(r"\u2066([^\u2066-\u2069\n\p{bc=R}\p{bc=AL}]*)\u2069")
"""A parameter's isolate with no right-to-left letter: inside a command it needs none, the
command being left to right as a whole."""

_PLACEHOLDER = regex.compile(
    # not isolated already (a usage line's are: bot.usage); a letter or digit after it
    r"(?<!\u2068)<[^<>\n]*[\p{bc=R}\p{bc=AL}][^<>\n]*>(?=.*[\p{L}\p{N}])"
)
"""A placeholder in a right-to-left script inside a command, another argument after it: the
two would join in one right-to-left run. The last one needs no isolate, the command's own
ending its run."""

_LIST_SEPARATORS = {", ": list_comma, "; ": list_semicolon}
"""Separators of a :func:`join` that a reader writes their own way."""

LISTED = " and "
"""The separator of a :func:`listed` join: the reader's own list, "and" before its last item."""

_TRAILING = ".,;:!?([|—–-\"'`"
"""Punctuation that ends a command's last word but belongs to the sentence around it."""


@made_quickly
@dataclass(frozen=True, slots=True)
class Msg:
    """A message to render later: a catalog id, its parameters, and a plural form if any."""

    msgid: str
    params: Mapping[str, Any] = field(default_factory=dict)
    plural: str | None = None
    count: int | None = None
    parts: tuple[Text, ...] | None = None  # a join of several texts (see :func:`join`)
    sep: str = ""
    typed: bool = False  # a join of what people type: its ", " is not the reader's list comma

    def render(self, language: str) -> str:
        """This message in ``language`` (English where the catalog lacks it)."""
        if self.parts is not None:
            sep = self.sep
            if sep == LISTED and not self.typed:
                return _listed(self.parts, language)
            if not self.typed and sep in _LIST_SEPARATORS:
                sep = _LIST_SEPARATORS[sep](language)
            return sep.join(render(part, language) for part in self.parts)
        if self.plural is not None and self.count is not None:
            template = translations(language).ngettext(self.msgid, self.plural, self.count)
        else:
            template = translated(self.msgid, language)
        values = {}  # (a loop, not a comprehension, and text as it is: no call per message)
        for name, value in self.params.items():
            values[name] = value if type(value) is str else _format(value, language)
        try:
            return template.format_map(values)
        except (KeyError, IndexError, ValueError):  # a broken translation: say it in English
            english = self.plural if self.plural and self.count != 1 else self.msgid
            return english.format_map(values)

    def __add__(self, other: Text) -> Msg:
        return join((self, other), "")

    def __radd__(self, other: Text) -> Msg:
        return join((other, self), "")

    def __str__(self) -> str:  # logs and tests; users always get render(language)
        return self.render(DEFAULT_LANGUAGE)


Text = str | Msg
"""What handlers pass around: text people wrote (``str``) or a message to render (``Msg``)."""


class Localised(str):
    """A name known in other languages too: as a ``str`` it is the English one; a reader of
    another language sees :meth:`in_language` (a subclass says how to find it)."""

    def in_language(self, language: str) -> str:
        """The name in ``language``; the English one where none is known."""
        return str(self)


_ENGLISH_SPECS = {"#,##0": ",.0f", "#,##0.00": ",.2f", "0": ".0f"}
"""Babel patterns ShownNumber uses, as Python writes them in English."""


class ShownNumber(Localised):
    """A number in a message (an example in a hint), written as each reader writes numbers:
    ``1,200`` in English, ``1.200`` in Indonesian, ``১,২০০`` in Bengali."""

    value: int | float
    pattern: str

    def __new__(cls, value: int | float, pattern: str = "#,##0") -> ShownNumber:
        # Made at import (in hints): written in English without Babel, whose locale data
        # (~4 MiB) a process that never shows a number need not load.
        spec = _ENGLISH_SPECS.get(pattern)
        english = format(value, spec) if spec else number(value, DEFAULT_LANGUAGE, pattern)
        made = super().__new__(cls, english)
        made.value, made.pattern = value, pattern
        return made

    def in_language(self, language: str) -> str:
        return number(self.value, language, self.pattern)


class ZoneOffset(Localised):
    """A time's zone as its offset from UTC (``UTC+7``, ``UTC+5:30``), digits as the reader
    writes them. Readers in many countries: an abbreviation means one thing to some and
    another to others (PST is the Philippines' and America's Pacific time; IST three zones'),
    and many zones have none (tzdata writes ``+0630``)."""

    def __new__(cls, moment: datetime) -> ZoneOffset:
        offset = moment.utcoffset()
        minutes = round(offset.total_seconds() / 60) if offset is not None else 0
        sign, minutes = ("-" if minutes < 0 else "+"), abs(minutes)
        hours, rest = divmod(minutes, 60)
        return super().__new__(cls, f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else ""))

    def in_language(self, language: str) -> str:
        return localise_digits(str(self), language)


class CountryName(Localised):
    """A member country's name as bot.toml writes it (English readers see exactly that),
    carrying its ISO code so other readers see the name their language gives it (CLDR):
    ``ประเทศไทย``-style names instead of "Thailand" in a Thai sentence. As a ``str`` it sorts
    and joins by the configured name."""

    code: str

    def __new__(cls, name: str, code: str) -> CountryName:
        made = super().__new__(cls, name)
        made.code = code
        return made

    def in_language(self, language: str) -> str:
        if language == DEFAULT_LANGUAGE:
            return str(self)
        name = str(locale_of(language).territories.get(self.code) or self)
        if self.code in SHORT_NAMES:  # CLDR's "Myanmar (Burma)": the country's own name only
            name = regex.sub(r"\s*[(（][^()（）]*[)）]$", "", name)
        return name


class CountryInSentence(CountryName):
    """A country's name inside an English sentence: ``the return of the Philippines``, where
    alone (a list, a heading) it is ``Philippines``; other readers' languages name it as
    :class:`CountryName` does."""

    def in_language(self, language: str) -> str:
        if language == DEFAULT_LANGUAGE:
            return with_article(str(self))
        return super().in_language(language)


def in_sentence(name: str) -> str:
    """A country's name (:class:`CountryName`) for the middle of a sentence; any other text
    as it is."""
    return CountryInSentence(str(name), name.code) if isinstance(name, CountryName) else name


TAKES_THE = {  # English names said with "the"
    "Bahamas",
    "Central African Republic",
    "Comoros",
    "Czech Republic",
    "Dominican Republic",
    "Gambia",
    "Maldives",
    "Marshall Islands",
    "Netherlands",
    "Philippines",
    "Solomon Islands",
    "United Arab Emirates",
    "United Kingdom",
    "United States",
    "USA",
}


def with_article(name: str) -> str:
    """``Maldives`` → ``the Maldives``; most names take no article."""
    return f"the {name}" if name in TAKES_THE else name


SHORT_NAMES = frozenset({"MM"})
"""Countries whose CLDR name carries a second, older name in brackets that the country does not
use ("Burma"); the group's own English name (bot.toml) has none."""


class LanguageName(Localised):
    """One of the bot's languages named for the reader: ``Indonesian (Indonesia)`` to an
    English reader, ``อินโดนีเซีย (Indonesia)`` to a Thai one, its own name alone to its own
    readers (a bare own name misleads: "in Indonesia" reads as the country)."""

    code: str

    def __new__(cls, code: str) -> LanguageName:
        made = super().__new__(cls, _named_in(code, DEFAULT_LANGUAGE))
        made.code = code
        return made

    def in_language(self, language: str) -> str:
        return _named_in(self.code, language)


def _named_in(code: str, reader: str) -> str:
    own = native_name(code)
    name = own if reader == code else locale_of(reader).languages.get(code)
    return own if not name or name == own else f"{name} ({own})"


def _(msgid: str, /, **params: Any) -> Msg:
    """A message to translate: ``_("Sent to {name}.", name=person.name)``."""
    return Msg(msgid, params)


def n_(singular: str, plural: str, count: int, /, **params: Any) -> Msg:
    """A message with plural forms chosen by ``count`` (also available as ``{count}``)."""
    return Msg(singular, {"count": count, **params}, plural, count)


def join(parts: Iterable[Text], sep: str = "\n", typed: bool = False) -> Msg:
    """Several texts as one (lines of a list), each rendered in the reader's language. A
    ``", "`` or ``"; "`` between items is the reader's own (Arabic's ``،`` and ``؛``), unless
    the parts are ``typed``: an example of what to type, which must keep what it reads."""
    return Msg("", parts=tuple(parts), sep=sep, typed=typed)


def listed(parts: Iterable[Text]) -> Msg:
    """Several texts as the reader lists them, "and" before the last: ``A, B, and C`` in
    English, ``A B และC`` in Thai (CLDR's list patterns, through Babel)."""
    return Msg("", parts=tuple(parts), sep=LISTED)


def _listed(parts: Iterable[Text], language: str) -> str:
    return format_list([render(part, language) for part in parts], locale=locale_of(language))


def render(text: Text, language: str) -> str:
    """``text`` in ``language``: a message rendered, text people wrote as it is (a name other
    languages know, such as a country's, in the reader's)."""
    if isinstance(text, str):
        return text.in_language(language) if isinstance(text, Localised) else text
    return text.render(language)


def render_for_reader(text: Text, language: str) -> str:
    """:func:`render`, plus for RTL languages a right-to-left mark at each line start, each
    command isolated (:func:`isolate_commands`), the template's own and those in its
    parameters alike, and what the message quotes set apart (:func:`_set_apart`)."""
    if language not in RIGHT_TO_LEFT or not isinstance(text, Msg):  # (is_rtl, in place)
        return render(text, language)
    lines = render(_set_apart(text, language), language).split("\n")
    return "\n".join(RLM + _isolated(line) if line else line for line in lines)


def _set_apart(text: Msg, language: str) -> Msg:
    """``text`` for a right-to-left reader: each text parameter, each item of a list and
    each line of text quoted (:func:`_quoted`), so that "Passport AB123456 is valid until
    2030." keeps its full stop at its end and ``W1`` does not run into the date after it; in
    a line of what to type (a ``typed`` join: a usage line), each word from the catalog (a
    placeholder in the reader's script) in a first-strong isolate."""
    if type(text) is not Msg:  # a subclass renders itself (a metric's label): it quotes none
        return text
    if text.parts is None:
        params = {name: _apart(value, language) for name, value in text.params.items()}
        return replace(text, params=params)
    return replace(text, parts=tuple(_part_apart(text, part, language) for part in text.parts))


def _part_apart(whole: Msg, part: Text, language: str) -> Text:
    """One part of a join set apart; the pieces of one text (``"#" + name``) stay as they are."""
    if isinstance(part, Msg):
        kept = _set_apart(part, language)
        return join([FSI, kept, PDI], "") if whole.typed and part.parts is None else kept
    listed = whole.sep in (*_LIST_SEPARATORS, LISTED) and not whole.typed
    return _quoted(render(part, language)) if listed or "\n" in whole.sep else part


def _apart(value: Any, language: str) -> Any:
    """One parameter set apart: a message's own, a text quoted, a number or a date as is."""
    if isinstance(value, Msg):
        return _set_apart(value, language)
    if isinstance(value, str) and not isinstance(value, ShownNumber):
        return _quoted(render(value, language))
    return value


def _quoted(text: str) -> str:
    """Each line of ``text`` (what someone wrote, a name, an id) that starts left to right
    in a left-to-right isolate: in a right-to-left line it then lays out by its own
    direction, whatever is around it. This is what a first-strong isolate would choose; the
    left-to-right one is the isolate the command pattern knows. A line that starts right to
    left reads in the line's own direction already; a command gets its own isolate."""
    if "\n" in text:
        return "\n".join(_quoted(line) for line in text.split("\n"))
    if _first_strong(text) != "L" or _COMMAND.match(text):
        return text
    return f"{LRI}{text}{PDI}"


def _first_strong(text: str) -> str | None:
    """``L``, ``R`` (or ``AL``), or None: the first letter with a direction in ``text``,
    skipping what an isolate in it holds (as the bidirectional algorithm's rule P2)."""
    depth = 0
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("LRI", "RLI", "FSI"):
            depth += 1
        elif kind == "PDI":
            depth = max(depth - 1, 0)
        elif depth == 0 and kind in ("L", "R", "AL"):
            return kind
    return None


def isolate_commands(text: str, language: str) -> str:
    """``text`` with each command in it (``/reply R-12 <text>``) in a left-to-right isolate
    when ``language`` is written right to left, so it displays as typed; otherwise ``text``
    unchanged. For lines an adapter writes itself; commands already isolated stay as they are.
    """
    if not is_rtl(language):
        return text
    return "\n".join(_isolated(line) for line in text.split("\n"))


def isolate_command(command: str, language: str) -> str:
    """A whole command line (``/broadcast ack B-3``, ``ACK R-12``) to show a reader, in a
    left-to-right isolate when ``language`` is written right to left."""
    return f"{LRI}{command}{PDI}" if command and is_rtl(language) else command


def _isolated(line: str) -> str:
    return _COMMAND.sub(_isolate, line)


def _isolate(match: regex.Match[str]) -> str:
    command = _PARAMETER.sub(r"\1", match[0])
    end = len(command)
    while _trailing(command[:end]):
        end -= 1
    shown = _PLACEHOLDER.sub(lambda m: f"{FSI}{m[0]}{PDI}", command[:end])
    return f"{LRI}{shown}{PDI}{command[end:]}"


def _trailing(command: str) -> bool:
    """Whether the last character of ``command`` belongs to the sentence after it."""
    last = command[-1]
    if last == ")":  # one it did not open: ``(/show R-12)``
        return command.count(")") > command.count("(")
    return last in _TRAILING or last.isspace()


def number(value: int | Decimal | float, language: str, pattern: str | None = None) -> str:
    """A number as ``language`` writes it: its grouping and separators, its own digits
    (``12,345`` in English, ``১২,৩৪৫`` in Bengali); ``pattern`` as Babel's (``#,##0.00``)."""
    formatted = format_decimal(value, format=pattern, locale=locale_of(language))
    return localise_digits(formatted, language)


def localise_digits(text: str, language: str) -> str:
    """Western digits written in the language's own default digits (CLDR), e.g. Bengali ৭."""
    zero = _ZEROS.get(locale_of(language).default_numbering_system or "latn")
    if zero is None:
        return text
    offset = ord(zero) - ord("0")
    return text.translate({ord(d): ord(d) + offset for d in "0123456789"})


def _format(value: Any, language: str) -> str:
    """One parameter as the reader's language writes it."""
    if type(value) is str:  # text people wrote, ids: as they are (the usual parameter)
        return value
    if isinstance(value, Localised):
        return value.in_language(language)
    locale = locale_of(language)
    if isinstance(value, Msg):
        return value.render(language)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | Decimal | float):
        return number(value, language)
    if isinstance(value, datetime):
        return localise_digits(_date_time(value, language, locale), language)
    if isinstance(value, date):
        return localise_digits(_medium_date(value, language, locale), language)
    if isinstance(value, time):  # a time of day: 24-hour, the locale's separators
        return localise_digits(format_skeleton("Hm", value, locale=locale), language)
    return str(value)


def _date_time(value: datetime, language: str, locale: Locale) -> str:
    """The medium date and a 24-hour time, joined by the locale's own pattern
    (``Nov 7, 2026, 14:30``). CLDR has no ``yMMMdHm`` skeleton to ask for this directly
    (``format_skeleton`` raises KeyError for it), so the two halves are combined here."""
    pattern = str(locale.datetime_formats["medium"])  # e.g. "{1}, {0}": date, then time
    day = _medium_date(value.date(), language, locale)
    return pattern.replace("{1}", day).replace("{0}", format_skeleton("Hm", value, locale=locale))


BUDDHIST_ERA = {"th": 543}
"""Languages whose readers count years in the Buddhist Era, and how far it is ahead of the
Gregorian year: CLDR's calendar preference for Thailand is "buddhist gregorian", and Thai
officials date in it (2026 is 2569). Only text for people; files, ISO timestamps and the
audit stay Gregorian. (Sri Lanka's and Myanmar's Buddhist Era is 544 ahead, but their civil
calendar, and CLDR's preference for Sinhala and Burmese, is the Gregorian one.)"""


def _medium_date(value: date, language: str, locale: Locale) -> str:
    """A date in the locale's medium style (``Dec 2, 2026``; ``2 ธ.ค. 2569`` in Thai;
    ``۱۵ حمل ۱۴۰۵ (۴ اپریل ۲۰۲۶)`` in Dari, before its digits are localised)."""
    other = _OTHER_CALENDARS.get(language)
    if other is None:  # every other language: Babel's own, no more work on this hot path
        return format_date(value, "medium", locale=locale)
    return other(value, language, locale)


def _buddhist_era(value: date, language: str, locale: Locale) -> str:
    """The date with its year in the Buddhist Era (:data:`BUDDHIST_ERA`): ``2 ธ.ค. 2569``."""
    return _calendar_pattern(language, value.year + BUDDHIST_ERA[language]).apply(value, locale)


def _solar_hijri(value: date, language: str, locale: Locale) -> str:
    """The Solar Hijri date, then the Gregorian one in brackets (the group sets its deadlines
    in Gregorian dates, and its other members quote them so): ``15 حمل 1405 (4 اپریل 2026)``.
    """
    year, month, day = solar_hijri(value)
    shown = _calendar_pattern(language, year, month, day).apply(value, locale)
    return f"{shown} ({format_date(value, 'medium', locale=locale)})"


_OTHER_CALENDARS: dict[str, Callable[[date, str, Locale], str]] = {
    **dict.fromkeys(BUDDHIST_ERA, _buddhist_era),
    **dict.fromkeys(SOLAR_HIJRI_MONTHS, _solar_hijri),
}
"""The languages whose readers date in a calendar other than the Gregorian one, and how a date
is written for them: one look-up tells these from every other language."""


@lru_cache(maxsize=64)  # a few dates in use at a time (this year's, a period's due dates)
def _calendar_pattern(language: str, year: int, month: int = 0, day: int = 0) -> DateTimePattern:
    """``language``'s medium date pattern with its year written in as the literal ``year``
    (``d MMM y`` becomes ``d MMM '2569'``), and its month and day too when given: another
    calendar's (``'15' 'حمل' '1405'``, the month named from :data:`SOLAR_HIJRI_MONTHS`). Babel
    has neither the Buddhist nor the Persian calendar; this keeps CLDR's order and separators
    (and, for the Buddhist Era, its month names: its day and month are Gregorian ones). CLDR's
    Buddhist medium pattern for Thai is its Gregorian one (no era name in it); a Solar Hijri
    date takes the Gregorian one's order too, and no era name (the Gregorian date follows it)."""
    medium = str(locale_of(language).date_formats["medium"])
    parts = []
    for kind, token in tokenize_pattern(medium):
        text = _literal(token, language, year, month, day) if isinstance(token, tuple) else None
        parts.append(untokenize_pattern([(kind, token)]) if text is None else f"'{text}'")
    return parse_pattern("".join(parts))


def _literal(field: tuple[str, int], language: str, year: int, month: int, day: int) -> str | None:
    """What a pattern's field (``("y", 1)`` for ``y``, ``("M", 3)`` for ``MMM``) writes for
    the given year, month and day; None for one left to Babel (a month or day not given)."""
    letter, count = field
    if letter == "y":  # yy: the last two digits, as CLDR's y
        return f"{year % 100:02d}" if count == 2 else str(year).zfill(count)
    if letter in "ML" and month:
        return SOLAR_HIJRI_MONTHS[language][month - 1] if count >= 3 else str(month).zfill(count)
    if letter == "d" and day:
        return str(day).zfill(count)
    return None


def placeholders(template: str) -> set[str]:
    """The ``{names}`` a template uses (for the catalog checks)."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def language_list() -> Msg:
    """Every available language as ``code (own name)``, for /language and /help."""
    return join([f"{code} ({native_name(code)})" for code in LANGUAGES], ", ")


def own_names() -> Msg:
    """Every available language by its own name only (``/language ไทย`` chooses one): the
    short list the /help overview shows."""
    return join([native_name(code) for code in LANGUAGES], ", ")
