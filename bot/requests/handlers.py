"""Assistance requests between countries: file, acknowledge, reply, refer, close, list, show."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import lru_cache

from bot import lifecycle
from bot.access import Scope
from bot.clock import iso, local_moment, time_zone
from bot.commands import CommandSpec
from bot.config import Country, Person
from bot.delivery import held
from bot.delivery.routing import role_of
from bot.directory import roster
from bot.errors import UserError
from bot.events import Button
from bot.files import handlers as files
from bot.i18n import DEFAULT_LANGUAGE, LANGUAGES, Msg, Text, _, in_sentence, join, n_, render
from bot.i18n.catalogs import translations
from bot.requests import repo as store
from bot.requests.repo import CATEGORY_TAGS, SHOWN_TAGS, Request
from bot.text import clip, country_code, within
from bot.work import Work

ESCALATE = "request.escalate"
DEFAULT_CATEGORY = "information"

# What people read for the words stored in a request's row and thread (the store keeps English).
CATEGORY_NAMES: dict[str, Msg] = {
    "information": _("information"),
    "arrest/warrant": _("arrest/warrant"),
    "victim support": _("victim support"),
    "mutual legal assistance": _("mutual legal assistance"),
    "extradition": _("extradition"),
    "financial/assets": _("financial/assets"),
    "other": _("other"),
}
URGENCY_NAMES: dict[str, Msg] = {"urgent": _("urgent"), "routine": _("routine")}
KIND_NAMES: dict[str, Msg] = {
    "request": _("request"),
    "ack": _("ack"),
    "reply": _("reply"),
    "referral": _("referral"),
    "close": _("close"),
    "escalation": _("escalation"),
    "handover": _("handover"),
}
TO_DEPUTY, TO_COCHAIRS = "escalated to the deputy focal point", "escalated to the co-chairs"
TO_FOCAL = "escalated to the focal point"  # of the country of the person it was referred to
RESENT = "re-sent on the focal points' other channels"
SYSTEM_NOTES: dict[str, Msg] = {  # thread entries the bot wrote itself (stored in English)
    "acknowledged": _("acknowledged"),
    "closed": _("closed"),
    TO_DEPUTY: _("escalated to the deputy focal point"),
    TO_COCHAIRS: _("escalated to the co-chairs"),
    TO_FOCAL: _("escalated to the focal point"),
    RESENT: _("re-sent on the focal points' other channels"),
}
REFERRED_TO = "referred to "


def _named(names: dict[str, Msg], word: str) -> Text:
    """A stored word as people read it (unknown words as stored)."""
    return names.get(word, word)


# --- argument parsers ---------------------------------------------------------------------
@dataclass(frozen=True)
class NewRequest:
    country: str
    urgency: str
    category: str
    text: str


def parse_new_request(text: str) -> NewRequest:
    """``<COUNTRY> [urgent|routine] [#category] <text>`` (urgency and category in either order;
    the urgency also before the country). The keywords may be typed in any of the bot's
    languages, as its catalogs translate them: ``/request VN ด่วน #victim …`` is urgent."""
    before, text = _take_urgency(text)  # "/request ด่วน VN …": the order some languages say it
    country, rest = _first_word(text)
    if not country:
        raise UserError(_("Which country, and what do you need?"))
    urgency, rest = _take_urgency(rest)
    _refuse_two_urgencies(country, before, urgency)
    urgency = urgency or before
    if not urgency and _misspelled_urgent(_first_word(rest)[0].rstrip(_KEYWORD_END)):
        raise UserError(
            _(
                "Did you mean urgent? Write urgent (or routine) after the country: "
                "/request {country} urgent <what you need>",
                country=country.upper(),
            )
        )
    _refuse_both_urgencies(country, urgency, rest)
    category = DEFAULT_CATEGORY
    if rest.startswith("#"):
        tag, category, rest = _take_category(rest[1:])
        rest = _refuse_two_categories(country, tag, category, rest)
        if not urgency:  # "#arrest urgent …" (not "routine": "#info Routine check …" is text)
            urgency, rest = _take_urgency(rest, only="urgent")
            _refuse_both_urgencies(country, urgency, rest)
    if not rest.strip():
        raise UserError(_("Please say what you need from them."))
    return NewRequest(country, urgency or "routine", category, rest.strip())


def _first_word(text: str) -> tuple[str, str]:
    """The first word and the rest, parted by any white space (a tab typed or pasted too)."""
    word, *rest = text.split(None, 1) or [""]
    return word, rest[0] if rest else ""


def _refuse_both_urgencies(country: str, urgency: str, rest: str) -> None:
    """``urgent routine`` (or the other way round) asks which is meant: the time limit and who
    is woken depend on it, so neither is guessed."""
    _refuse_two_urgencies(country, urgency, _take_urgency(rest)[0])


def _refuse_two_urgencies(country: str, urgency: str, second: str) -> None:
    """Refuse two urgencies that differ (one before the country and one after it, say)."""
    if urgency and second and second != urgency:
        raise UserError(
            _(
                "Urgent or routine? You wrote both; send it again with the one you mean: "
                "/request {country} urgent <what you need>",
                country=country.upper(),
            )
        )


def _refuse_two_categories(country: str, tag: str, category: str, rest: str) -> str:
    """``rest`` after the category, unless it starts with a second, different category tag:
    a request has one category, and which one decides little enough to ask rather than guess
    (the same category twice is taken once)."""
    if not rest.startswith("#"):
        return rest
    second, other, after = _category_words().take(rest[1:])
    if not other:
        return rest  # "#victim #Songkhla …": a hashtag of the text
    if other == category:
        return after
    raise UserError(
        _(
            "One category per request, please: #{first} or #{second}? Send it again with the "
            "one that fits best: /request {country} #{first} <what you need>",
            first=tag.lower(),
            second=second.lower(),
            country=country.upper(),
        )
    )


def _take_urgency(text: str, only: str = "") -> tuple[str, str]:
    """The urgency ``text`` starts with (``urgent``, ``ด่วน``, ``khẩn``: stored in English) and
    the rest; ``("", text)`` when it starts with none (or not with ``only``)."""
    _typed, urgency, rest = _urgency_words().take(text, only)
    return urgency, rest


def _take_category(text: str) -> tuple[str, str, str]:
    """(the tag as typed, its category, the rest) for the text after a ``#``: a tag or a
    category's name in any of the bot's languages, several words long too (``#hỗ trợ nạn
    nhân``); a UserError listing the tags when it names none."""
    typed, category, rest = _category_words().take(text)
    if category:
        return typed, category, rest
    tag, rest = _first_word(text)
    return tag, _category(tag), rest.strip()


def _misspelled_urgent(word: str) -> bool:
    """A slip of the keys typing "urgent" (``urgnet``, ``urgen``, ``urgentt``), which would
    otherwise file a routine request with 24 hours to acknowledge instead of 30 minutes: two
    neighbouring letters swapped, or one letter left out or added. Words a letter apart
    ("argent", "Regent") are the request's own text, as is anything after "routine"."""
    word, target = word.lower(), "urgent"
    if word == target:
        return False
    if len(word) == len(target):
        differ = [i for i, (a, b) in enumerate(zip(word, target, strict=True)) if a != b]
        return (
            len(differ) == 2
            and differ[1] == differ[0] + 1
            and word[differ[0]] == target[differ[1]]
            and word[differ[1]] == target[differ[0]]
        )
    shorter, longer = sorted((word, target), key=len)
    return len(longer) == len(shorter) + 1 and any(
        longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer))
    )


@dataclass(frozen=True)
class IdAndText:
    request_id: str
    text: str


def parse_id(text: str) -> str:
    """Just a request id (normalised later, when the prefix is known)."""
    if not text.strip():
        raise UserError(_("Which request? Give its id."))
    return _id_word(text.split()[0])


ACK_AT_ONCE = 20
"""Requests one /ack takes: a morning's worth, not a flood of look-ups."""


def parse_ids(text: str) -> tuple[str, ...]:
    """``<id> [<id> …]``: the first word, and each later one that starts as an id does (other
    words are not read, as before: ``/ack R-2026-0001 thanks``); each id once."""
    words = text.split()  # "R-2026-0001;DELETE" is one word, and no id, as before
    if not words:
        raise UserError(_("Which request? Give its id."))
    later = (_id_word(word) for word in words[1:] if store.looks_like_id(word))
    ids = tuple(dict.fromkeys([_id_word(words[0]), *later]))
    if len(ids) > ACK_AT_ONCE:
        raise UserError(
            n_(
                "Please acknowledge at most {count} request at a time.",
                "Please acknowledge at most {count} requests at a time.",
                ACK_AT_ONCE,
            )
        )
    return ids


def _id_word(word: str) -> str:
    """An id as typed, without the punctuation a sentence puts after it: ``R-2026-0001:``;
    cut to what an id can be (answers echo it: 5,000 digits came back whole)."""
    return (word.rstrip(store.ID_PUNCTUATION) or word)[:ID_ECHO]


ID_ECHO = 30
"""Characters of a typed id kept: longer than any id, short enough to echo back."""


def parse_id_and_text(text: str) -> IdAndText:
    """``<id> <text>`` with text required."""
    request_id, _sep, rest = text.strip().partition(" ")
    request_id = _id_word(request_id)
    if not request_id:
        raise UserError(_("Which request, and what do you want to say?"))
    if not rest.strip():
        raise UserError(_("Please add the text of your message after the id."))
    return IdAndText(request_id, rest.strip())


def parse_referral(text: str) -> IdAndText:
    """``<id> <COUNTRY|person-id> [note]``: the target is what must follow the id."""
    request_id, _sep, rest = text.strip().partition(" ")
    request_id = _id_word(request_id)
    if not request_id:
        raise UserError(_("Which request? Give its id."))
    if not rest.strip():
        raise UserError(
            _(
                "To whom? Add a country code or a person's id after the request id: "
                "/refer {id} MY <note>",
                id=request_id,
            )
        )
    return IdAndText(request_id, rest.strip())


def parse_id_and_optional_text(text: str) -> IdAndText:
    """``<id> [text]``."""
    request_id, _sep, rest = text.strip().partition(" ")
    request_id = _id_word(request_id)
    if not request_id:
        raise UserError(_("Which request? Give its id."))
    return IdAndText(request_id, rest.strip())


@dataclass(frozen=True)
class RequestSearch:
    """``/requests`` arguments as typed: countries are checked against the directory later."""

    status: str
    countries: tuple[str, ...]
    categories: tuple[str, ...]
    words: tuple[str, ...]


_STATUS_WORDS = {"open", "closed", "all"}
_COUNTRY_CODE = re.compile(r"^[A-Za-z]{2}$")  # a country if the directory knows it, else a word
# A term: "words in quotes" (straight or curly, as phones type them) or a run without spaces.
_TERM = re.compile(r'["“”„]([^"“”„]*)["“”„]?|(\S+)')
MAX_SEARCH_TERMS = 8


def parse_request_search(text: str) -> RequestSearch:
    """``[open|closed|all] [COUNTRY …] [#category …] [words or "a phrase" …]``, in any order.
    A two-letter term is a country code in any case (``th``, ``TH``) once the directory knows
    it (see :func:`list_requests`); a quoted one is always words."""
    status, countries, categories, words = "open", [], [], []
    terms = [(m[1], True) if m[1] is not None else (m[2], False) for m in _TERM.finditer(text)]
    terms = [(term.strip(), quoted) for term, quoted in terms if term.strip()]
    if len(terms) > MAX_SEARCH_TERMS:
        raise UserError(
            n_(
                "Please search with at most {count} word.",
                "Please search with at most {count} words.",
                MAX_SEARCH_TERMS,
            )
        )
    for term, quoted in terms:
        if quoted:
            words.append(" ".join(term.split())[:60])
        elif term.lower() in _STATUS_WORDS:
            status = term.lower()
        elif _COUNTRY_CODE.match(country_code(term)):  # ＴＨ, as a CJK keyboard types it
            countries.append(term)
        elif term.startswith("#"):
            categories.append(_category(term[1:]))
        else:
            words.append(term[:60])
    return RequestSearch(status, tuple(countries), tuple(dict.fromkeys(categories)), tuple(words))


def search_country_names(work: Work, text: str) -> str:
    """``/requests Thailand`` (``closed Sri Lanka #arrest``, ``ไทย``) as ``/requests TH``,
    before the search is parsed: a member country named alone (its name is all the unquoted
    words) filters by that country, as its code does. Any other word with it, and they are
    all searched in the texts, as before."""
    spans = [m.span(2) for m in _TERM.finditer(text) if m[2] is not None and _plain(m[2])]
    code = work.country_named(" ".join(text[start:end] for start, end in spans))
    if not spans or code is None:
        return text
    kept, last = [], 0
    for start, end in spans:
        kept.append(text[last:start])
        last = end
    return " ".join([*kept, text[last:], code])


def _plain(term: str) -> bool:
    """Whether an unquoted search term is a word of the text (no status, code or #tag)."""
    code = _COUNTRY_CODE.match(country_code(term))
    return not (term.lower() in _STATUS_WORDS or code or term.startswith("#"))


def _category(tag: str) -> str:
    """The category a ``#tag`` names (a tag, or a category's name in any of the bot's languages
    written as one word); a UserError listing the tags for an unknown one."""
    category = _category_words().stored.get(_folded(tag))
    if category is None:
        known = " ".join("#" + t for t in SHOWN_TAGS)
        raise UserError(
            _("I don't know the category #{tag}. Use one of: {known}.", tag=tag[:30], known=known)
        )
    return category


# --- keywords in every language -------------------------------------------------------------
_KEYWORD_END = "!:.,،؛"
"""Punctuation typed right after a keyword: ``URGENT!``, ``عاجل،``."""


@dataclass(frozen=True)
class Keywords:
    """Words that set a field of a request, as people type them in any of the bot's languages:
    each spelling (folded, see :func:`_folded`) and the word stored for it."""

    stored: Mapping[str, str]
    longest: int  # words in the longest spelling

    def take(self, text: str, only: str = "") -> tuple[str, str, str]:
        """(as typed, stored word, rest) for the keyword ``text`` starts with, its longest
        spelling first; ``("", "", text)`` when it starts with none (or not with ``only``)."""
        words = text.split()
        for count in range(min(self.longest, len(words)), 0, -1):
            stored = self.stored.get(_folded(" ".join(words[:count])))
            if stored and only in ("", stored):
                after = text.split(None, count)[count:]  # the rest as typed: its lines kept
                return " ".join(words[:count]), stored, after[0].strip() if after else ""
        return "", "", text.strip()


def _folded(text: str) -> str:
    """A keyword as compared: composed, case-folded, single-spaced, without the punctuation
    typed after it."""
    spaced = " ".join(unicodedata.normalize("NFC", text).casefold().split())
    return spaced.rstrip(_KEYWORD_END).strip()


def _urgency_words() -> Keywords:
    """``urgent`` and ``routine`` in English and as each catalog translates them."""
    return _keywords("urgency", _catalogs())


def _category_words() -> Keywords:
    """The category tags (``victim``, ``mla``) and each category's name as each catalog
    translates it (whole, or one part of a name such as ``arrest/warrant``)."""
    return _keywords("category", _catalogs())


def _catalogs() -> tuple[object, ...]:
    """Each language's catalog: the keyword tables are built once for them, and again only
    if one is replaced (a test's stand-in catalog)."""
    return tuple(translations(language) for language in LANGUAGES)


URGENT_AS_SAID = {
    "ด่วนมาก": "urgent",  # Thai government's urgency levels: urgent, very, most urgent
    "ด่วนที่สุด": "urgent",
    "ด่วนๆ": "urgent",
    "khẩn cấp": "urgent",  # Vietnamese: one word of two syllables ("khẩn" is the catalog's)
    "gấp": "urgent",
    "জরুরি ভিত্তিতে": "urgent",  # Bengali: "on an urgent basis"
    "sangat mendesak": "urgent",  # Indonesian: "very urgent"
}
"""Ways people write "urgent" beside the catalogs' word: the longest is taken, so "khẩn cấp"
is not read as "khẩn" and a stray "cấp" at the start of the request's text."""

_KEYWORD_SOURCES: dict[str, tuple[Mapping[str, Msg], Mapping[str, str]]] = {
    "urgency": (URGENCY_NAMES, {"urgent": "urgent", "routine": "routine", **URGENT_AS_SAID}),
    "category": (CATEGORY_NAMES, CATEGORY_TAGS),
}
"""For each keyword table: the names its catalogs translate, and the English words."""


@lru_cache(maxsize=8)
def _keywords(kind: str, catalogs: tuple[object, ...]) -> Keywords:
    """The ``kind`` table: its names rendered in each language (``catalogs`` keys the cache
    only), plus its English words, which win.

    Every name people are shown reads back, English ones too (``#arrest/warrant``, as
    ``/requests`` writes it); a spelling two stored words share in different languages is left
    out rather than guessed."""
    names, english = _KEYWORD_SOURCES[kind]
    found: dict[str, set[str]] = {}
    for stored, name in names.items():
        for spelling in {s for lang in LANGUAGES for s in _spellings(render(name, lang))}:
            found.setdefault(spelling, set()).add(stored)
    table = {spelling: next(iter(s)) for spelling, s in found.items() if len(s) == 1}
    table |= {_folded(word): stored for word, stored in english.items()}
    return Keywords(table, max(len(spelling.split()) for spelling in table))


def _spellings(name: str) -> set[str]:
    """How a translated name may be typed: whole, each part of a ``a/b`` name, without its
    ``(aside)`` or the aside alone, and as one word with hyphens or underscores for spaces."""
    names = {name, *name.split("/")}
    for aside in re.finditer(r"\(([^()]*)\)", name):
        names |= {name.replace(aside[0], " "), aside[1]}
    folded = {_folded(n) for n in names} - {""}
    return folded | {f.replace(" ", joint) for f in folded for joint in "-_"}


# --- helpers ------------------------------------------------------------------------------
def _limit_text(work: Work, text: str) -> str:
    """A new request's text if it fits; else a refusal that asks for no command a mail user
    cannot type (the rest goes as a reply on the request once it is filed: by mail, an answer
    to its email)."""
    limit = work.ctx.settings.requests.max_text_length
    hint = _(
        "Nothing was filed: please shorten it and send it again; once it is filed, send the "
        "rest as a reply on it."
    )
    return within(text, limit, hint)


def _limit_on(work: Work, request_id: str, command: str, text: str) -> str:
    """The text a ``command`` (``reply``, ``refer``, ``close``) writes on a request, if it
    fits; else a refusal that names the request first (mail threads it there, and adds how to
    answer by mail) and asks for no command a mail user cannot type."""
    limit = work.ctx.settings.requests.max_text_length
    if len(text) > limit:
        raise UserError(_too_long_on(command, id=request_id, length=len(text), limit=limit))
    return text


def _too_long_on(command: str, **params: object) -> Msg:
    """The refusal of a ``command``'s text too long for a request, and what to do instead."""
    if command == "refer":
        return _(
            "{id}: your note for the referral is {length} characters; the limit is {limit}. "
            "It was not referred: please shorten the note and send it again, or refer it with "
            "a shorter note and send the rest as a reply.",
            **params,
        )
    if command == "close":
        return _(
            "{id}: your outcome is {length} characters; the limit is {limit}. It was not "
            "closed: please shorten the outcome and send it again, or send the rest as a "
            "reply first and then close it with a shorter outcome.",
            **params,
        )
    return _(
        "{id}: your reply is {length} characters; the limit is {limit}. Nothing was "
        "sent: please shorten it and send it again, or send it in parts.",
        **params,
    )


def _who(work: Work, person_id: str | None) -> Text:
    """``Name (Country)``: the name as the directory writes it, the country as the reader's
    language names it."""
    person = work.directory.people.get(person_id or "")
    if person is None:
        return person_id or "FocalPoint"
    country = work.directory.country_name(person.country)
    return _("{name} ({country})", name=person.name, country=country)


def _subject(work: Work) -> Request:
    """The request the access check loaded (see bot.access)."""
    assert isinstance(work.subject, Request), "command declared without a request scope"
    return work.subject


def _handlers_of(work: Work, request: Request) -> tuple[list[Person], Text]:
    """Who must act on the request now: the named person, or whoever holds the role for the
    target country (see :func:`_reach`); with a note when the named person was passed over."""
    named = work.directory.people.get(request.target_person or "")
    if named is not None:
        return _reach(work, named, request.target_country)
    return _role_holders(work, request.target_country), ""


def _role_holders(work: Work, country: str) -> list[Person]:
    """The country's role holders, passing over anyone whose roster reconfirmation went
    unanswered: their deputies then receive the country's requests until they confirm."""
    router, gone = work.ctx.router, roster.lapsed(work.db)
    holders = [p for p in router.role_holders(work.directory, country) if p.id not in gone]
    deputies = [p for p in work.directory.deputies(country) if p.id not in gone]
    reachable = [p for p in deputies if router.reaches(work.directory, p)]
    return holders or reachable or router.role_holders(work.directory, country)


def _answering_side(work: Work, request: Request) -> tuple[list[Person], Text]:
    """Who on the answering side took the request on: whoever acknowledged it (or the stand-in
    for them) and whoever else there answered it; else its handlers."""
    acked = work.directory.people.get(request.acknowledged_by or "")
    if acked is None:
        return _handlers_of(work, request)
    people, note = _reach(work, acked, request.target_country)
    return _unique([*people, *_answerers(work, request)]), note


def _answerers(work: Work, request: Request) -> list[Person]:
    """Those who answered the request in this round and are on its answering side still."""
    authors = (by for _at, by, kind, _text in _this_round(work, request) if kind == "reply")
    people = (work.directory.people.get(by or "") for by in dict.fromkeys(authors))
    return [p for p in people if p is not None and store.handles(work.directory, p, request)]


def _this_round(work: Work, request: Request) -> list[tuple[str, str | None, str, str]]:
    """The request's thread since it last changed hands (its latest referral)."""
    entries = store.thread(work.db, request.id)
    starts = [i for i, (_at, _by, kind, _text) in enumerate(entries) if kind == "referral"]
    return entries[starts[-1] + 1 :] if starts else entries


def _escalated(work: Work, request: Request) -> list[Person]:
    """The focal points, deputies and co-chairs the request was escalated to in this round."""
    notes = {note for _at, note in _escalations(work, request)}
    steps = [step for step, note in _STEP_NOTES.items() if note in notes]
    return [p for step in steps for p in _step_recipients(work, request, step)]


def _escalations(work: Work, request: Request) -> list[tuple[str, str]]:
    """This round's escalation steps, (when, which), oldest first."""
    if not request.escalation:
        return []  # no step taken: the thread need not be read
    return [(at, t) for at, _by, kind, t in _this_round(work, request) if kind == "escalation"]


def _unique(people: list[Person]) -> list[Person]:
    return list({p.id: p for p in people}.values())


def _reach(work: Work, person: Person, country: str) -> tuple[list[Person], Text]:
    """``person`` while they hold their place and a channel reaches them; otherwise whoever
    stands in for them (:func:`_stand_ins`), and a note saying so, so no work is lost with a
    revocation."""
    if work.ctx.router.reaches(work.directory, person):
        return [person], ""
    holders = [p for p in _stand_ins(work, person, country) if p.id != person.id]
    return holders, _passed_over(work, person, holders)


def _stand_ins(work: Work, person: Person, country: str) -> list[Person]:
    """Who receives what ``person`` no longer can: for a co-chair, who acts for the group and
    not for her country, the other co-chairs (they see every request already; her country's
    focal points must not gain sight of hers); for anyone else, whoever now holds the role
    for ``country``."""
    router = work.ctx.router
    if person.has("co_chair"):
        chairs = work.directory.with_role("co_chair")
        return [p for p in chairs if router.reaches(work.directory, p)]
    return router.role_holders(work.directory, country)


def _passed_over(work: Work, person: Person, holders: list[Person]) -> Msg:
    """Why ``person`` did not get a message, and who got it instead (if anyone)."""
    name = person.name
    if not holders:
        if not person.active:
            return _(
                "{name} no longer holds the role, and no one else could be reached.", name=name
            )
        return _(
            "{name} cannot be reached on any channel, and no one else could be reached.", name=name
        )
    named = join((_holder(work, p) for p in holders), sep=", ")
    if not person.active:
        return _("Sent to {people}; {name} no longer holds the role.", people=named, name=name)
    return _("Sent to {people}; {name} cannot be reached on any channel.", people=named, name=name)


def _holder(work: Work, person: Person) -> Msg:
    """``Name (focal point for Thailand)``."""
    return _("{name} ({role})", name=person.name, role=role_of(work.directory, person))


def _send(
    work: Work,
    request: Request,
    people: list[Person],
    text: Text,
    buttons: tuple[Button, ...] = (),
    skip: Collection[str] = (),
) -> list[Person]:
    """Notify ``people`` about ``request`` (never the actor, nor anyone in ``skip``), as urgent
    as the request is; stand-ins become its parties. Those told."""
    told = []
    for person in _unique(people):
        if person.id in skip or (work.actor is not None and person.id == work.actor.id):
            continue
        if not store.can_see(work.db, work.directory, person, request):
            store.add_party(work.db, request.id, person_id=person.id)  # a stand-in
        work.notify(person, text, buttons, subject=request.id, urgent=_urgent(request))
        told.append(person)
    return told


def _urgent(request: Request) -> bool:
    """Everything about an urgent request is urgent: its pages, news and answers."""
    return request.urgency == "urgent"


def _withdraw(work: Work, request: Request, why: str) -> None:
    """Withdraw what still waits for someone's quiet hours to end and ``why`` (acknowledged,
    closed, referred) has overtaken: the pages asking them to acknowledge the request and the
    news of this round's escalations (earlier rounds' went when it was referred)."""
    stamps = [at for at, _step in _escalations(work, request)]
    reason = f"withdrawn: {request.id} was {why} before it was delivered"
    withdrawn = held.withdraw(work.db, request.id, reason, _ack_command(request), stamps)
    if withdrawn:
        work.audit("message.withdrawn", request.id, f"{len(withdrawn)} held, {why} meanwhile")


def _not_to_tell(work: Work, request: Request, people: list[Person]) -> set[str]:
    """Of ``people``, who needs no word that the request is taken care of: whoever never saw
    a page about it (every one was withdrawn), and the requester, who is told apart."""
    actor = work.actor.id if work.actor else ""
    if all(p.id in (actor, request.requester_id) for p in people):
        return {request.requester_id}  # (no one to ask about)
    unseen = held.never_shown(work.db, request.id, _ack_command(request))
    # whoever acted on it (acknowledged, answered) knows of it, though their own page was
    # withdrawn when they did: they hear what becomes of it
    acted = {by for _at, by, _kind, _text in store.thread(work.db, request.id) if by}
    return (unseen - acted - {request.acknowledged_by or ""}) | {request.requester_id}


def _ack_command(request: Request) -> str:
    """What a page about ``request`` asks its reader to do (its button's command)."""
    return f"/ack {request.id}"


def _taken_on(
    work: Work, request: Request, tell_requester: bool = True, tell_handlers: bool = True
) -> None:
    """The actor took ``request`` on: what still waits to page anyone about it is withdrawn,
    the requester is told (unless the actor's answer tells them), and whoever else was asked
    to act on it learns they need not (its handlers unless the actor's answer, which says so,
    goes to them)."""
    actor = work.actor
    assert actor is not None
    _withdraw(work, request, "acknowledged")
    who = _who(work, actor.id)
    acked = _("{id} was acknowledged by {who}.", id=request.id, who=who)
    if tell_requester:
        _tell_requester(work, request, acked)
    escalated, handlers = _escalated(work, request), _handlers_of(work, request)[0]
    skip = _not_to_tell(work, request, [*escalated, *handlers])
    stand_down = join([acked, _("It was escalated to you; no need to act on it.")], sep=" ")
    skip |= {p.id for p in _send(work, request, escalated, stand_down, skip=skip)}
    if tell_handlers:
        taken = _("{id} was taken by {who}; no need for you to act on it.", id=request.id, who=who)
        _send(work, request, handlers, taken, skip=skip)


def _tell_requester(work: Work, request: Request, text: Text) -> Text:
    """Tell the requester (or, once they left, their country's focal point, or the other
    co-chairs for a co-chair's: :func:`_stand_ins`); the note."""
    requester = work.directory.people.get(request.requester_id)
    if requester is None:
        return ""
    people, note = _reach(work, requester, request.requester_country)
    _send(work, request, people, text)
    return note


def _told(confirmation: Msg, notes: list[Text]) -> Msg:
    """``Sent on R-….`` and, when someone stood in, to whom and why."""
    return join([confirmation, *(n for n in notes if n)], sep=" ")


def _ack_limit(work: Work, urgency: str) -> timedelta:
    return work.ctx.settings.requests.ack_limits[urgency]  # type: ignore[index]


def _arm_escalation(work: Work, request: Request, level: int, fraction: float = 1.0) -> None:
    due = _ack_due(work, request, fraction)
    subject = f"{request.id}:{request.round}:{level}"
    work.schedule(f"{ESCALATE}:{subject}", ESCALATE, subject, due)
    store.update(work.db, request.id, ack_due_at=iso(due))


def _ack_due(work: Work, request: Request, fraction: float = 1.0) -> datetime:
    """When the request's next escalation step falls due, from now: the time limit (or
    ``fraction`` of it), on a routine request counted on the target country's working days
    only (``[requests] escalation_clock``)."""
    limit = _ack_limit(work, request.urgency) * fraction
    if request.urgency == "routine" and work.ctx.settings.requests.escalation_clock == "working":
        return work.ctx.calendar.of(request.target_country).add_working_time(work.now, limit)
    return work.now + limit


def _days_off(work: Work, country: str, start: datetime, end: datetime) -> Text:
    """Why the days from ``start`` to ``end`` that ``country`` does not work are off, each
    reason once, in its calendar: ``weekend, Constitution Day``."""
    days, zone = work.ctx.calendar.of(country), time_zone(work.directory.timezone_of(country))
    day, last = start.astimezone(zone).date(), end.astimezone(zone).date()
    reasons: dict[str, Text] = {}
    while day <= last:
        why = days.why_closed(day)
        if why is not None:
            reasons.setdefault(render(why, DEFAULT_LANGUAGE), why)
        day += timedelta(days=1)
    return join(list(reasons.values()), ", ")


def _summary(work: Work, request: Request) -> Msg:
    # referred to a person (a co-chair, an officer): with them, not with their country
    named = request.target_person in work.directory.people
    params = {
        "id": request.id,
        "who": _who(work, request.requester_id),
        "country": _who(work, request.target_person)
        if named
        else in_sentence(work.directory.country_name(request.target_country)),
        "category": _named(CATEGORY_NAMES, request.category),
    }
    if request.urgency == "urgent":
        return _("URGENT Request {id} from {who} to {country} · {category}", **params)
    return _("Request {id} from {who} to {country} · {category}", **params)


def _ack_button(request_id: str) -> tuple[Button, ...]:
    return (Button(_("Acknowledge"), f"/ack {request_id}"),)


def _duration(delta: timedelta) -> Msg:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return n_("{count} minute", "{count} minutes", minutes)
    return n_("{count} hour", "{count} hours", minutes // 60)


# --- commands -----------------------------------------------------------------------------
def file_request(work: Work, args: NewRequest) -> None:
    """Create a request and route it to the target country's focal points."""
    actor = work.actor
    assert actor is not None
    target = _target_country(work, args.country, actor.country)
    text = _limit_text(work, args.text)
    earlier = store.open_repeat(work.db, actor.id, target.code, text, iso(work.now - REPEAT_WITHIN))
    if earlier is not None and (earlier.urgency, earlier.category) == (args.urgency, args.category):
        # (sent again as urgent, or under another category, it is a new request: it is filed)
        work.reply(_repeated(work, earlier), sensitive=False)  # ids, a country, a time
        return
    request_id, seq = store.next_id(work.db, work.ctx.settings.requests.id_prefix, work.now.year)
    request = store.new_request(
        request_id,
        work.now.year,
        seq,
        actor,
        target.code,
        args.category,
        args.urgency,
        text,
        work.stamp,
    )
    store.insert(work.db, request)
    store.add_message(work.db, request_id, work.stamp, actor.id, "request", text)
    work.audit("request.filed", request_id, f"to {target.code}, {args.urgency}, {args.category}")
    _route(work, request, join([_summary(work, request), "", text]))
    handlers = _handlers_of(work, request)[0]
    filed = _attach(work, request, handlers, urgent=request.urgency == "urgent")
    deputising = _deputising(work, request, handlers)
    seen = _seen_when(work, handlers, _urgent(request))
    # ids, a country, time limits, names from the directory, no casework: a pointer-only
    # channel may carry it (so may the other confirmations below)
    work.reply(
        _filed(work, request) + deputising + seen + filed, sensitive=False, subject=request.id
    )


def _deputising(work: Work, request: Request, handlers: list[Person]) -> Text:
    """When the deputy answers for want of a focal point (revoked, handed over, lapsed or out
    of reach), the requester is told who does: "their focal point has 24 hours" is them."""
    if not handlers or any(p.has("focal_point") for p in handlers):
        return ""
    return "\n" + _(
        "{country}'s focal point is not available: the deputy, {names}, answers instead.",
        country=work.directory.country_name(request.target_country),
        names=join([p.name for p in handlers], ", "),
    )


REPEAT_WITHIN = timedelta(minutes=10)
"""A request sent again this soon (same requester, country and text) while the first is still
open is a repeat (a double tap, a message sent twice), not a second request."""


def _repeated(work: Work, earlier: Request) -> Msg:
    """Why a repeat was not filed, and what to do instead."""
    zone = work.directory.timezone_of(work.actor.country if work.actor else "")
    return _(
        "You sent this to {country} at {at} {zone} as {id}, which is still open, so I did not "
        "file it again. To add to it: /reply {id} <text>. If you do mean a second request, "
        "send it with something that tells the two apart.",
        id=earlier.id,
        country=in_sentence(work.directory.country_name(earlier.target_country)),
        **local_moment(earlier.created_at, zone),
    )


def _filed(work: Work, request: Request) -> Msg:
    """The requester's confirmation: when the focal point must acknowledge by, and why that is
    later than the time limit when the target country's days off stop the clock."""
    limit = _ack_limit(work, request.urgency)
    params: dict[str, object] = {
        "id": request.id,
        "country": in_sentence(work.directory.country_name(request.target_country)),
        "urgency": _named(URGENCY_NAMES, request.urgency),
        "category": _named(CATEGORY_NAMES, request.category),
        "limit": _duration(limit),
    }
    due = _ack_due(work, request)
    if due <= work.now + limit:
        return _(
            "Request {id} sent to {country} ({urgency}, {category}). Their focal point has "
            "{limit} to acknowledge; I will tell you here when they do.",
            **params,
        )
    zone = work.directory.timezone_of(work.actor.country if work.actor else "")
    return _(
        "Request {id} sent to {country} ({urgency}, {category}). Their focal point has "
        "{limit} of working time to acknowledge, until {at} {zone}; days off in {country} do "
        "not count: {days_off}. I will tell you here when they do.",
        **params,
        **local_moment(iso(due), zone),
        days_off=_days_off(work, request.target_country, work.now, due),
    )


def _seen_when(work: Work, people: list[Person], urgent: bool = False) -> Text:
    """When everyone told (but the actor) is in their quiet hours, when the first of them will
    see it: across time zones, the silence would otherwise look like neglect."""
    told = [p for p in people if work.actor is None or p.id != work.actor.id]
    releases = [(work.held_until(p, urgent), p) for p in told]
    if not releases or any(at is None for at, _p in releases):
        return ""
    first, person = min(((at, p) for at, p in releases if at is not None), key=lambda r: r[0])
    return "\n" + held.when_seen(work, person, first)


def _unknown_country(code: str) -> UserError:
    return UserError(
        _(
            "I don't know the country {code}. Use its two-letter code, e.g. TH for Thailand; "
            "/countries lists them.",
            code=repr(code[:40]),
        )
    )


def country_codes_for_names(work: Work, text: str) -> str:
    """``Sri Lanka urgent …`` as ``LK urgent …``, before /request's arguments are parsed: a
    country typed by its name (English, the group's, or the person's language) stands for
    its code, after an urgency too (``urgent Thailand …``). A country that is no member is
    refused by the name typed (``United Kingdom``, not 'United')."""
    first, _rest = _first_word(text)
    if work.directory.country(first) is not None:
        return text  # a member's code, as /request's usage writes it
    urgency, after_urgency = _take_urgency(text)
    found = _member_at_start(work, after_urgency)
    if found is None:
        return text
    code, after = found
    return f"{urgency} {code} {after}".strip()


def referral_country_codes(work: Work, text: str) -> str:
    """``R-2026-0001 Sri Lanka please check`` as ``R-2026-0001 LK please check``, before
    /refer's arguments are parsed: the country it goes to typed by its name, as /request
    reads it (:func:`country_codes_for_names`). A code or a person id is left as typed; a
    country that is no member is refused by the name typed."""
    request_id, _sep, rest = text.strip().partition(" ")
    target, _after = _first_word(rest)
    if not target or _is_code_or_person(work, target):
        return text
    found = _member_at_start(work, rest)
    if found is None:
        return text  # refused as an unknown target when the referral is read
    code, after = found
    return f"{request_id} {code} {after}".strip()


def _member_at_start(work: Work, text: str) -> tuple[str, str] | None:
    """The code of the country whose name starts ``text``, and what follows it; None when
    no country's name does. A country that is no member is refused by the name typed."""
    found = work.country_at_start(text)
    if found is None:
        return None
    code, after = found
    if work.directory.country(code) is None:
        typed = text.strip()
        raise _unknown_country(typed[: len(typed) - len(after)].strip())
    return code, after


def _is_code_or_person(work: Work, word: str) -> bool:
    """Whether ``word`` is a member's two-letter code or a person's id (taken as typed)."""
    is_code = len(word) == 2 and work.directory.country(word) is not None
    return is_code or word.lower() in work.directory.people


def _target_country(work: Work, code: str, own: str) -> Country:
    """The country a request goes to: known, not the requester's own, with a focal point."""
    target = work.directory.country(code)
    if target is None:
        raise _unknown_country(code)
    if target.code == own:
        raise UserError(_("That is your own country; requests go to another member country."))
    if not (work.directory.focal_points(target.code) or work.directory.deputies(target.code)):
        raise UserError(
            _(
                "{country} has no focal point in the directory yet; please tell an administrator.",
                country=work.directory.country_name(target.code),
            )
        )
    return target


def _route(work: Work, request: Request, text: Text) -> Text:
    """Send the request to its handlers and start the acknowledgement clock; the note."""
    handlers, note = _handlers_of(work, request)
    urgent = request.urgency == "urgent"
    reached = [
        p
        for p in handlers
        if work.notify(p, text, _ack_button(request.id), subject=request.id, urgent=urgent)
    ]
    if not reached:
        work.audit("request.unroutable", request.id, "no channel reaches any focal point")
    _arm_escalation(work, request, level=1)
    return note


def acknowledge(work: Work, raw_ids: tuple[str, ...]) -> None:
    """The answering side takes a request on, or several at once (one answer for all)."""
    checked: tuple[tuple[str, Request | UserError], ...] = work.subject
    if len(checked) > 1:
        _acknowledge_each(work, checked)
        return
    request = checked[0][1]
    assert isinstance(request, Request)  # the access check refused a single one already
    if request.status in (lifecycle.ACKNOWLEDGED, lifecycle.ANSWERED):
        work.reply(_already_acknowledged(work, request), sensitive=False)
        return
    _record_ack(work, request)
    work.reply(_you_acknowledged(request.id), sensitive=False, subject=request.id)


def _acknowledge_each(work: Work, checked: tuple[tuple[str, Request | UserError], ...]) -> None:
    """Acknowledge each request the actor may that awaits it; one answer: those acknowledged
    and, for each other, why not."""
    done: list[str] = []
    refused: list[Text] = []
    for _typed, found in checked:
        if isinstance(found, UserError):
            refused.append(found.text)
        elif found.id not in done:  # (the same request typed twice, in two spellings)
            why = _not_to_ack(work, found)
            if why is None:
                _record_ack(work, found)
                done.append(found.id)
            else:
                refused.append(why)
    lines: list[Text] = []
    if len(done) == 1:
        lines.append(_you_acknowledged(done[0]))
    elif done:
        lines.append(
            _("You acknowledged {ids}. Answer each with /reply <id> <text>.", ids=", ".join(done))
        )
    if refused:
        lines += [_("Not acknowledged:"), *refused]
    work.reply(join(lines), sensitive=False)


def _not_to_ack(work: Work, request: Request) -> Text | None:
    """Why ``request`` cannot be acknowledged now (taken already, closed), or None."""
    if request.status in (lifecycle.ACKNOWLEDGED, lifecycle.ANSWERED):
        return _already_acknowledged(work, request)
    try:
        lifecycle.transition(request.id, request.status, "ack")
    except UserError as refused:
        return refused.text
    return None


def _already_acknowledged(work: Work, request: Request) -> Msg:
    by = _who(work, request.acknowledged_by)
    return _("{id} was already acknowledged by {who}. Nothing changed.", id=request.id, who=by)


def _you_acknowledged(request_id: str) -> Msg:
    return _("You acknowledged {id}. Answer with /reply {id} <text>.", id=request_id)


def _record_ack(work: Work, request: Request) -> None:
    """The actor takes ``request`` on: stored, and everyone concerned told."""
    actor = work.actor
    assert actor is not None
    status = lifecycle.transition(request.id, request.status, "ack")
    store.update(
        work.db,
        request.id,
        status=status,
        acknowledged_by=actor.id,
        acknowledged_at=work.stamp,
        updated_at=work.stamp,
        ack_due_at=None,
    )
    store.add_message(work.db, request.id, work.stamp, actor.id, "ack", "acknowledged")
    work.audit("request.acknowledged", request.id)
    _taken_on(work, request)


def reply(work: Work, args: IdAndText) -> None:
    """Relay a message to the other side of the request (and to whoever else on the answering
    side took part in it)."""
    actor = work.actor
    assert actor is not None
    request = _subject(work)
    text = _limit_on(work, request.id, "reply", args.text)
    answering = store.handles(work.directory, actor, request)
    took_it = _record_reply(work, request, _answers(work, request, answering), text, answering)
    who = _who(work, actor.id)
    relay = _(
        "{id} · {who} wrote:\n{text}\n\n(/reply {id} <text> to answer)",
        id=request.id,
        who=who,
        text=text,
    )
    to_requester = actor.id != request.requester_id or answering  # or a co-chair: both sides
    notes = [_tell_requester(work, request, relay)] if to_requester else []
    colleagues = _colleagues(work, request)  # answering with them: they see it too
    if not answering:
        people, note = _answering_side(work, request)
        _send(work, request, people, _answered_for(request, who, text) if took_it else relay)
        notes.append(note)
    _send(work, request, colleagues, relay)
    other_side = _other_side(work, request)
    filed = _attach(work, request, [*other_side, *colleagues], _urgent(request))
    seen = _seen_when(work, other_side, _urgent(request))
    work.reply(
        _told(_("Sent on {id}.", id=request.id), notes) + seen + filed,
        sensitive=False,
        subject=request.id,
    )


def _answers(work: Work, request: Request, answering: bool) -> bool:
    """Whether the actor's reply answers ``request``: the ``answering`` side's does, and so
    does a co-chair's (who may acknowledge it too), unless she filed it. Who hears the reply
    is decided apart (:func:`reply`): a co-chair's still goes to both sides."""
    actor = work.actor
    assert actor is not None
    return answering or (actor.has("co_chair") and actor.id != request.requester_id)


def _answered_for(request: Request, who: Text, text: str) -> Msg:
    """A co-chair's answer to a request nobody had acknowledged, as its handlers read it: the
    answer and that it needs nothing more of them, in one message."""
    return _(
        "{id} · {who} answered it:\n{text}\n\n(No need for you to act on it; "
        "/reply {id} <text> to add to the answer.)",
        id=request.id,
        who=who,
        text=text,
    )


def _record_reply(
    work: Work, request: Request, answering: bool, text: str, from_handlers: bool
) -> bool:
    """Store a reply: one that answers it (:func:`_answers`) marks it answered (the first
    acknowledges it too: open → acknowledged → answered, with the same word to all as /ack);
    anyone else's follows up. True when this reply took the request on; its handlers are told
    here only if it came from their side (a co-chair's answer itself goes to them)."""
    actor = work.actor
    assert actor is not None
    action = "answer" if answering else "follow_up"
    status = lifecycle.transition(request.id, request.status, action)
    takes_it = answering and request.status in lifecycle.AWAITING_ACK
    changes: dict[str, object] = {"status": status, "updated_at": work.stamp}
    if takes_it or (answering and not request.acknowledged_by):
        changes.update(acknowledged_by=actor.id, acknowledged_at=work.stamp, ack_due_at=None)
    store.update(work.db, request.id, **changes)
    if takes_it:
        store.add_message(work.db, request.id, work.stamp, actor.id, "ack", "acknowledged")
        work.audit("request.acknowledged", request.id, "by answering")
        # the answer tells the requester (and, from a co-chair, the handlers)
        _taken_on(work, request, tell_requester=False, tell_handlers=from_handlers)
    store.add_message(work.db, request.id, work.stamp, actor.id, "reply", text)
    work.audit("request.reply", request.id, f"status {status}")
    return takes_it


def _colleagues(work: Work, request: Request) -> list[Person]:
    """When the actor answers: the others on the answering side who took the request on with
    them (acknowledged or answered it), so each sees the whole conversation."""
    actor = work.actor
    assert actor is not None
    if not store.handles(work.directory, actor, request) or not request.acknowledged_by:
        return []
    return [p for p in _answering_side(work, request)[0] if p.id != actor.id]


def _other_side(work: Work, request: Request) -> list[Person]:
    """Who hears what the actor adds to a request (as :func:`reply` decides): the requester
    when the answering side or a co-chair writes, the answering side when the requester does."""
    actor = work.actor
    assert actor is not None
    answering = store.handles(work.directory, actor, request)
    people: list[Person] = []
    requester = work.directory.people.get(request.requester_id)
    if requester is not None and (actor.id != request.requester_id or answering):
        people += _reach(work, requester, request.requester_country)[0]
    if not answering:
        people += _answering_side(work, request)[0]
    return _unique(people)


def _attach(work: Work, request: Request, people: list[Person], urgent: bool = False) -> Text:
    """Attach the files that came with the command and send them on, as urgent as the text
    they came with; a word for the actor (also when files are off and none was kept)."""
    if not work.files:
        return ""
    who = _who(work, work.actor.id if work.actor else None)
    added = files.attach(work, request.id, _unique(people), who, urgent=urgent)
    words: list[Text] = []
    if added:
        words.append(n_("{count} file attached.", "{count} files attached.", added))
    elif files.kept(work):
        words.append(_("{id} already has that file; it was not sent again.", id=request.id))
    if files.not_kept(work):  # files are off: the command was done without them
        words.append(files.not_kept(work))
    return " " + join(words, sep=" ") if words else ""


def attach_files(work: Work, raw_id: str) -> None:
    """Add the files sent with this command to a request, and send them to the other side."""
    request = _subject(work)
    if not work.files:
        files.take_held(work)  # sent before, without a command
    files.refuse_off(work)
    if not work.files:
        raise UserError(
            _(
                "Send the file with /attach {id} as its caption, or send it first and then "
                "/attach {id}.",
                id=request.id,
            )
        )
    people = _unique([*_other_side(work, request), *_colleagues(work, request)])
    for person in people:
        if not store.can_see(work.db, work.directory, person, request):
            store.add_party(work.db, request.id, person_id=person.id)  # a stand-in
    added = files.attach(
        work,
        request.id,
        people,
        _who(work, work.actor.id if work.actor else None),
        urgent=_urgent(request),
    )
    if not added:
        work.reply(
            _("{id} already has that file; nothing was sent again.", id=request.id),
            sensitive=False,
        )
        return
    work.reply(
        n_(
            "{count} file added to {id} and sent on.",
            "{count} files added to {id} and sent on.",
            added,
            id=request.id,
        ),
        sensitive=False,
    )


def refer(work: Work, args: IdAndText) -> None:
    """Hand the request to another country or a named person, with a note."""
    actor = work.actor
    assert actor is not None
    request = _subject(work)
    target, _sep, note = args.text.partition(" ")
    note = _limit_on(work, request.id, "refer", note.strip())
    country, person = _referral_target(work, target)
    _refuse_referral(work, request, actor, country, person)
    status = lifecycle.transition(request.id, request.status, "refer")
    working = _unique([*_answering_side(work, request)[0], *_escalated(work, request)])
    _withdraw(work, request, "referred")  # before the new round's pages are written
    if country is not None:
        new_country, person_id, where = country.code, None, country.name
    else:
        assert person is not None  # _referral_target gives a country or a person
        new_country, person_id = person.country, person.id
        where = person.id  # the thread keeps the id: name and country are shown when read
    store.update(
        work.db,
        request.id,
        status=status,
        target_country=new_country,
        target_person=person_id,
        round=request.round + 1,
        escalation=0,
        acknowledged_by=None,
        acknowledged_at=None,
        updated_at=work.stamp,
    )
    store.add_party(
        work.db,
        request.id,
        country=new_country if country else "",
        person_id=person_id or "",
    )
    noted = f": {note}" if note else ""
    store.add_message(
        work.db, request.id, work.stamp, actor.id, "referral", f"{REFERRED_TO}{where}{noted}"
    )
    work.audit("request.referred", request.id, f"to {new_country if country else person_id}")
    referred = store.load(work.db, request.id)
    assert referred is not None
    who = _who(work, actor.id)
    notes = [
        _route(
            work,
            referred,
            join([_summary(work, referred), _referred_by(who, note), "", request.text]),
        )
    ]
    shown: Text = (  # in each reader's language; ``where`` is the thread's English note
        in_sentence(work.directory.country_name(country.code)) if country else _who(work, person_id)
    )
    told = _("{id} was referred to {where} by {who}.", id=request.id, where=shown, who=who)
    notes.append(_tell_requester(work, request, told))
    released = _(
        "{id} was referred to {where}; you no longer need to act.", id=request.id, where=shown
    )
    answering = _tell_answering_for(work, referred, who)
    skip = _not_to_tell(work, request, working) | {p.id for p in _handlers_of(work, referred)[0]}
    _send(work, request, working, released, skip=skip | answering)  # whoever was working on it
    work.reply(
        _told(_("{id} referred to {where}.", id=request.id, where=shown), notes), sensitive=False
    )


def _tell_answering_for(work: Work, referred: Request, who: Text) -> set[str]:
    """Tell those who answer for the person a request was referred to (their country's focal
    points, else its deputies) that it is with one of theirs: if it is not acknowledged in
    time, it comes to them. The ids of those it concerns (told, or the actor)."""
    people = _answer_for_holder(work, referred)
    _add_people(work, referred, people)
    holder = work.directory.people[referred.target_person or ""] if people else None
    if holder is not None:
        told = _(
            "{who} referred {id} from {country} to {name}; if they do not acknowledge it in "
            "time, it comes to you.",
            id=referred.id,
            country=work.directory.country_name(referred.requester_country),
            name=holder.name,
            who=who,
        )
        _send(work, referred, people, told, skip={holder.id})
    return {p.id for p in people}


def _referred_by(who: Text, note: str) -> Msg:
    if note:
        return _("Referred to you by {who}: {note}", who=who, note=note)
    return _("Referred to you by {who}.", who=who)


def _referral_target(work: Work, target: str) -> tuple[Country | None, Person | None]:
    """(country, None) for a two-letter code, (None, person) for an active person id."""
    country = work.directory.country(target) if len(target) == 2 else None
    person = None if country else work.directory.people.get(target.lower())
    if country is None and (person is None or not person.active):
        raise UserError(
            _(
                "I don't know {target}: give a two-letter country code or a person id "
                "(see /whoami for the form ids take).",
                target=repr(target[:40]),
            )
        )
    return country, person


def _refuse_referral(
    work: Work, request: Request, actor: Person, country: Country | None, person: Person | None
) -> None:
    """A referral hands the request to someone else: not to the referrer, the requester, the
    referrer's own country or the requester's (who would answer their own country's request)."""
    rid = request.id
    if person is not None and person.id == actor.id:
        raise UserError(_("You already hold {id}; refer it to another country or person.", id=rid))
    if person is not None and person.id == request.requester_id:
        raise UserError(
            _(
                "{id} was filed by {name}; a request can't be referred back to its requester. "
                "Use /reply {id} <text> to ask them something.",
                id=rid,
                name=person.name,
            )
        )
    if person is not None:
        _refuse_person(work, request, person)
    if country is not None and country.code == actor.country:
        raise UserError(
            _(
                "{country} is your own country; refer {id} to another member country or to a "
                "person by id.",
                country=work.directory.country_name(country.code),
                id=rid,
            )
        )
    if country is not None and country.code == request.requester_country:
        raise UserError(
            _(
                "{id} comes from {country}; refer it to another member country.",
                id=rid,
                country=in_sentence(work.directory.country_name(country.code)),
            )
        )


def _refuse_person(work: Work, request: Request, person: Person) -> None:
    """A person a request is referred to must be able to take it on (acknowledge and answer
    it: an officer of another agency, a focal point, a deputy or a co-chair), and not be of
    the requesting country, which does not answer its own request."""
    if not person.has(*WORKERS):
        raise UserError(
            _(
                "{name} does not handle requests; refer {id} to a country, or to an officer, "
                "focal point, deputy focal point or co-chair by id.",
                name=person.name,
                id=request.id,
            )
        )
    if person.country == request.requester_country:
        raise UserError(
            _(
                "{id} comes from {country}, and {name} is in {country}; refer it to someone "
                "in another member country.",
                id=request.id,
                country=in_sentence(work.directory.country_name(person.country)),
                name=person.name,
            )
        )


def close(work: Work, args: IdAndText) -> None:
    """End the request, with an optional outcome."""
    actor = work.actor
    assert actor is not None
    request = _subject(work)
    outcome = _limit_on(work, request.id, "close", args.text)
    status = lifecycle.transition(request.id, request.status, "close")
    store.update(
        work.db,
        request.id,
        status=status,
        closed_at=work.stamp,
        outcome=outcome or None,
        updated_at=work.stamp,
        ack_due_at=None,
    )
    store.add_message(work.db, request.id, work.stamp, actor.id, "close", outcome or "closed")
    work.audit("request.closed", request.id, "with outcome" if outcome else "")
    told = _closed_by(request.id, _who(work, actor.id), outcome)
    _withdraw(work, request, "closed")
    answering, note = _answering_side(work, request)
    escalated = _escalated(work, request)
    notes = [_tell_requester(work, request, told), note]
    skip = _not_to_tell(work, request, [*answering, *escalated])  # never paged: no word
    _send(work, request, answering, told, skip=skip)
    done = join([told, _("It was escalated to you; nothing more is needed.")])
    _send(work, request, escalated, done, skip=skip | {p.id for p in answering})
    work.reply(_told(_("{id} is closed.", id=request.id), notes), sensitive=False)


def _closed_by(request_id: str, who: Text, outcome: str) -> Msg:
    if outcome:
        return _("{id} was closed by {who}: {outcome}", id=request_id, who=who, outcome=outcome)
    return _("{id} was closed by {who}.", id=request_id, who=who)


LIST_LIMIT = 20
# Each listing's first line, by (status, narrowed by filters, clipped to the newest).
_HEADERS: dict[tuple[str, bool, bool], Msg] = {
    ("open", False, False): _("Open requests you can see ({total}):"),
    ("open", False, True): _("Open requests you can see (the newest {shown} of {total}):"),
    ("open", True, False): _("Open requests you can see matching {terms} ({total}):"),
    ("open", True, True): _(
        "Open requests you can see matching {terms} (the newest {shown} of {total}):"
    ),
    ("closed", False, False): _("Closed requests you can see ({total}):"),
    ("closed", False, True): _("Closed requests you can see (the newest {shown} of {total}):"),
    ("closed", True, False): _("Closed requests you can see matching {terms} ({total}):"),
    ("closed", True, True): _(
        "Closed requests you can see matching {terms} (the newest {shown} of {total}):"
    ),
    ("all", False, False): _("Requests you can see ({total}):"),
    ("all", False, True): _("Requests you can see (the newest {shown} of {total}):"),
    ("all", True, False): _("Requests you can see matching {terms} ({total}):"),
    ("all", True, True): _(
        "Requests you can see matching {terms} (the newest {shown} of {total}):"
    ),
}
# The answer when nothing is found, by (status, narrowed by filters).
_NONE_FOUND: dict[tuple[str, bool], Msg] = {
    ("open", False): _("No open requests for you. File one with /request <COUNTRY> <text>."),
    ("open", True): _("Open requests you can see: none match {terms}."),
    ("closed", False): _("Closed requests you can see: none."),
    ("closed", True): _("Closed requests you can see: none match {terms}."),
    ("all", False): _("Requests you can see: none."),
    ("all", True): _("Requests you can see: none match {terms}."),
}


def list_requests(work: Work, args: RequestSearch) -> None:
    """The requests the person can see: open ones by default, or closed or all, narrowed by
    country (either side; several: any of them), category (any of them) and words of the text
    (each of them); the newest first, clipped. Each with where it stands in time."""
    actor = work.actor
    assert actor is not None
    countries, words = _known_countries(work, args.countries)
    query = store.Search(args.status, countries, args.categories, (*words, *args.words))
    found, total = store.search(work.db, actor, query, LIST_LIMIT)
    terms, narrowed = _search_terms(work, query), query != store.Search(query.status)
    if not found:
        if (query.status, narrowed) == ("open", False) and not actor.has(*WORKERS):
            work.reply(_("No open requests for you."))  # (they cannot file one)
            return
        work.reply(_none_found(work, query, narrowed, terms))
        return
    params = {"terms": terms, "shown": len(found), "total": total}
    header = replace(_HEADERS[query.status, narrowed, total > len(found)], params=params)
    zone = work.directory.timezone_of(actor.country)
    lines: list[Text] = [header, *(_list_line(work, r, zone) for r in found), ""]
    work.reply(join([join(lines), _list_footer(query, narrowed, total > len(found))]))


def _none_found(work: Work, query: store.Search, narrowed: bool, terms: Text) -> Text:
    """Nothing matches; for an open-only search that closed requests match, how many do and
    the command that lists them (a search for an old case would otherwise look empty)."""
    none = replace(_NONE_FOUND[query.status, narrowed], params={"terms": terms})
    if query.status != "open" or not narrowed:
        return none
    assert work.actor is not None
    closed = store.count(work.db, work.actor, replace(query, status="closed"))
    if not closed:
        return none
    return n_(
        "No open request matches {terms}; {count} closed one does: {command}",
        "No open request matches {terms}; {count} closed ones do: {command}",
        closed,
        terms=terms,
        command=_search_command("closed", query),
    )


def _search_command(status: str, query: store.Search) -> str:
    """``/requests closed TH #arrest "Songkhla raid"``: the search typed again (codes,
    categories by their shown tag, words quoted where they would otherwise read as
    something else)."""
    tags = ("#" + store.CATEGORIES[c][0] for c in query.categories)
    terms = [status, *query.countries, *tags]
    terms += [_typed_word(w) for w in query.words]
    return " ".join(["/requests", *terms])


def _typed_word(word: str) -> str:
    """``word`` as typed so that the search reads it as words again."""
    plain = _plain(word) and not any(c.isspace() for c in word)
    return word if plain else f'"{word}"'


def _list_footer(query: store.Search, narrowed: bool, clipped: bool) -> Msg:
    """How to see more, or how to narrow the list."""
    footer: list[Text] = [_("/show <id> for the whole thread.")]
    if clipped:
        footer.append(_("Add a country, a #category or words to narrow the list."))
    elif not narrowed and query.status == "open":
        footer.append(_("/requests closed, /requests TH, /requests #arrest or words search."))
    return join(footer, sep=" ")


def _known_countries(work: Work, codes: tuple[str, ...]) -> tuple[tuple[str, ...], list[str]]:
    """The two-letter terms the directory knows as countries (as codes), and the others as
    words; a code typed in capitals that it does not know is refused politely."""
    countries, words = [], []
    for code in codes:
        country = work.directory.country(code)
        if country is not None:
            countries.append(country.code)
        elif code.isupper():
            raise _unknown_country(code)
        else:
            words.append(code)
    return tuple(dict.fromkeys(countries)), words


def _search_terms(work: Work, query: store.Search) -> Text:
    """The filters in words: ``Thailand or Malaysia, #arrest/warrant, "vessel"`` (names and
    words people typed as written, categories in the reader's language)."""
    names: list[Text] = [work.directory.country_name(c) for c in query.countries]
    terms: list[Text] = []
    if len(names) > 1:
        terms.append(_("{countries} or {last}", countries=join(names[:-1], ", "), last=names[-1]))
    else:
        terms += names
    terms += [join(["#", _named(CATEGORY_NAMES, c)], sep="") for c in query.categories]
    terms += [f'"{w}"' for w in query.words]
    return join(terms, sep=", ")


def _list_line(work: Work, r: Request, zone: str) -> Msg:
    params = {
        "id": r.id,
        "status": _named(lifecycle.STATUS_NAMES, r.status),
        "route": f"{r.requester_country}→{r.target_country}",
        "category": _named(CATEGORY_NAMES, r.category),
        "text": clip(r.text, 60),
    }
    when = _in_time(work, r, zone)
    if when and r.urgency == "urgent":
        return _("{id}  URGENT {status}, {when}  {route}  {category}  {text}", **params, when=when)
    if when:
        return _("{id}  {status}, {when}  {route}  {category}  {text}", **params, when=when)
    if r.urgency == "urgent":
        return _("{id}  URGENT {status}  {route}  {category}  {text}", **params)
    return _("{id}  {status}  {route}  {category}  {text}", **params)


_OVERDUE: dict[str, Msg] = {  # a request not acknowledged in time: its last escalation step
    "resend": _("overdue, re-sent on other channels"),
    "deputy": _("overdue, escalated to the deputy"),
    "focal": _("overdue, escalated to the focal point"),
    "cochairs": _("overdue, escalated to the co-chairs"),
}


def _in_time(work: Work, request: Request, zone: str) -> Text:
    """Where a request awaiting acknowledgement stands in time: when it is due, or that it is
    overdue and how far it was escalated ('' once acknowledged or closed)."""
    if request.status not in lifecycle.AWAITING_ACK:
        return ""
    if request.escalation:
        steps = _steps(work, request)
        return _OVERDUE[steps[min(request.escalation, len(steps)) - 1]]
    if request.ack_due_at is None:
        return ""
    if request.ack_due_at <= work.stamp:
        return _("overdue since {at} {zone}", **local_moment(request.ack_due_at, zone))
    return _("ack due {at} {zone}", **local_moment(request.ack_due_at, zone))


def show(work: Work, raw_id: str) -> None:
    """The request and its whole thread, in the viewer's local time."""
    actor = work.actor
    assert actor is not None
    request = _subject(work)
    zone = work.directory.timezone_of(actor.country)
    status = _named(lifecycle.STATUS_NAMES, request.status)
    lines: list[Text] = [_summary(work, request), _("Status: {status}", status=status)]
    if request.ack_due_at and request.status in lifecycle.AWAITING_ACK:
        lines.append(_("Acknowledge by: {at} {zone}", **local_moment(request.ack_due_at, zone)))
    if request.outcome:
        lines.append(_("Outcome: {outcome}", outcome=request.outcome))
    lines.append("")
    for at, author, kind, text in store.thread(work.db, request.id):
        lines.append(
            _(
                "{at} {zone}  {who} · {kind}: {text}",
                **local_moment(at, zone),
                who=_who(work, author),
                kind=_named(KIND_NAMES, kind),
                text=_thread_text(work, kind, text),
            )
        )
    work.reply(join([*lines, *files.show_lines(work, request.id, zone)]), subject=request.id)


def _referral_note(work: Work, stored: str) -> Text:
    """ "referred to Thailand: <note>" in the reader's language: the country, or the person
    with their country, as the reader's language names it; the note stays outside the
    sentence, so no "to" ending of the reader's language is glued to what someone wrote."""
    where, note = _referral_parts(work, stored)
    referred = _("referred to {where}", where=where)
    if not note:
        return referred
    # not a catalog message: a parameter, the note (someone's own words) is set apart for a
    # right-to-left reader as every quoted text is
    return Msg("{referred}: {note}", {"referred": referred, "note": note})


def _referral_parts(work: Work, stored: str) -> tuple[Text, str]:
    """(whom, note) of a stored referral: a country by its configured name, a person by id,
    or (threads written before ids were stored) by name and English country."""
    for country in work.directory.countries.values():
        if (rest := _note_after(stored, country.name)) is not None:
            return in_sentence(work.directory.country_name(country.code)), rest
    whom, _sep, note = stored.partition(": ")
    if whom in work.directory.people:
        return _who(work, whom), note
    for person in work.directory.people.values():
        english = render(_who(work, person.id), DEFAULT_LANGUAGE)
        if (rest := _note_after(stored, english)) is not None:
            return _who(work, person.id), rest
    return whom, note  # someone no longer in the directory: as stored, the note apart


def _note_after(stored: str, whom: str) -> str | None:
    """The note of a referral stored as ``whom`` or ``whom: note`` ('' for none); None when
    it was not to ``whom``."""
    if stored == whom:
        return ""
    return stored[len(whom) + 2 :] if stored.startswith(f"{whom}: ") else None


def _thread_text(work: Work, kind: str, text: str) -> Text:
    """A thread entry as people read it: what people wrote as written, the bot's own notes
    (stored in English) in the reader's language."""
    if kind in ("request", "reply"):
        return text  # a person's words, even if they happen to match a note
    if kind == "referral" and text.startswith(REFERRED_TO):
        return _referral_note(work, text.removeprefix(REFERRED_TO))
    if kind == "close" and text != "closed":
        return text  # the outcome someone wrote
    if kind == "handover" and (pair := store.handed_over(text)):
        return _(
            "handed over from {old} to {new}", old=_who(work, pair[0]), new=_who(work, pair[1])
        )
    return _named(SYSTEM_NOTES, text)


# --- escalation timer ---------------------------------------------------------------------
def escalate(work: Work, subject: str) -> None:
    """An acknowledgement time limit passed: take the request's next escalation step.

    Steps: an urgent request is first re-sent on the focal points' other channels, then goes
    to the deputy focal point (if the country has one), then to the co-chairs. The requester
    is told at each step that widens the circle.
    """
    request_id, round_text, level_text = subject.rsplit(":", 2)
    request = store.load(work.db, request_id)
    level = int(level_text)
    if (
        request is None
        or request.status not in lifecycle.AWAITING_ACK
        or request.round != int(round_text)
        or request.escalation != level - 1
    ):
        return  # acknowledged, closed or re-routed meanwhile: nothing to do
    steps = _steps(work, request)
    step = steps[min(level, len(steps)) - 1]
    store.update(work.db, request_id, escalation=level, updated_at=work.stamp)
    if step == "resend":
        if not _resend_elsewhere(work, request):
            escalate(work, f"{request_id}:{round_text}:{level + 1}")  # no other channel: go on
            return
        _arm_escalation(work, request, level + 1, fraction=0.5)
        return
    _widen(work, request, step, level)
    if level < len(steps):
        _arm_escalation(work, request, level + 1)
    else:
        store.update(work.db, request_id, ack_due_at=None)


def _steps(work: Work, request: Request) -> list[str]:
    """The escalation steps of ``request``: a request held by a person goes to those who
    answer for them in their country (focal points, else deputies) before the co-chairs."""
    steps = ["resend"] if request.urgency == "urgent" else []
    answering = _answer_for_holder(work, request)
    if answering:
        steps.append("focal" if answering[0].has("focal_point") else "deputy")
    elif not request.target_person and work.directory.deputies(request.target_country):
        steps.append("deputy")
    return [*steps, "cochairs"]


def _add_people(work: Work, request: Request, people: list[Person]) -> None:
    """Make ``people`` parties to ``request`` by name: a deputy who answers for the person
    holding it then finds it in /requests (a focal point does anyway)."""
    for person in people:
        store.add_party(work.db, request.id, person_id=person.id)


def _answer_for_holder(work: Work, request: Request) -> list[Person]:
    """Who answers for the person ``request`` is referred to ([] when it is with a country,
    a co-chair, or someone no longer in place)."""
    holder = work.directory.people.get(request.target_person or "")
    if holder is None or not holder.active:
        return []
    return store.answer_for(work.directory, holder)


def _step_recipients(work: Work, request: Request, step: str) -> list[Person]:
    """Who an escalation step (other than the re-send) sends the request to."""
    if step == "cochairs":
        return work.directory.with_role("co_chair")
    if request.target_person:
        return _answer_for_holder(work, request)
    return work.directory.deputies(request.target_country)


def _resend_elsewhere(work: Work, request: Request) -> bool:
    """Re-send to the handlers on every channel but their first; False if they have none."""
    reminder = _("Reminder — not acknowledged yet.")
    text = join([reminder, _summary(work, request), "", request.text])
    sent = False
    for person in _handlers_of(work, request)[0]:
        for channel, address in work.ctx.router.routes(work.directory, person)[1:]:
            work.send_via(person, channel, address, text, _ack_button(request.id), request.id)
            sent = True
    if sent:
        store.add_message(work.db, request.id, work.stamp, None, "escalation", RESENT)
        work.audit("request.resent", request.id, "other channels")
    return sent


_STEP_NOTES = {"focal": TO_FOCAL, "deputy": TO_DEPUTY, "cochairs": TO_COCHAIRS}
"""The thread's note for each step that widens the circle."""


def _widen(work: Work, request: Request, step: str, level: int) -> None:
    """Send the request to the step's recipients, and tell the requester."""
    late, told = _widening_words(work, request, step)
    text = join([late, _summary(work, request), "", request.text])
    recipients = _step_recipients(work, request, step)
    if request.target_person and step != "cochairs":
        _add_people(work, request, recipients)
    for person in recipients:
        work.notify(
            person,
            text,
            _ack_button(request.id),
            subject=request.id,
            urgent=request.urgency == "urgent",
        )
    note = _STEP_NOTES[step]
    store.add_message(work.db, request.id, work.stamp, None, "escalation", note)
    work.audit(
        "request.escalated", request.id, f"level {level} to {note.removeprefix('escalated to ')}"
    )
    _tell_requester(work, request, told)


def _widening_words(work: Work, request: Request, step: str) -> tuple[Msg, Msg]:
    """What the step's recipients read first, and what the requester is told."""
    rid = request.id
    if step == "cochairs":
        return _("Not acknowledged in time — escalated to the co-chairs."), _(
            "{id} was not acknowledged in time; I escalated it to the co-chairs.", id=rid
        )
    if step == "deputy":
        return _("Not acknowledged in time — escalated to the deputy focal point."), _(
            "{id} was not acknowledged in time; I escalated it to the deputy focal point.", id=rid
        )
    holder = work.directory.people[request.target_person or ""]
    return _(
        "Not acknowledged in time by {name}, to whom it was referred — escalated to you as "
        "their focal point.",
        name=holder.name,
    ), _(
        "{id} was not acknowledged in time; I escalated it to {country}'s focal point.",
        id=rid,
        country=in_sentence(work.directory.country_name(request.target_country)),
    )


def _raw(request_id: str) -> str:
    return request_id


def _request_id(args: IdAndText) -> str:
    return args.request_id


def _file_request_id(args: files.FileArgs) -> str:
    return args.request_id


WORKERS = frozenset({"officer", "focal_point", "deputy_focal_point", "co_chair"})
"""Who files, handles or follows requests: everyone but an administrator who is only that."""

COMMANDS = [
    CommandSpec(
        "request",
        _(
            "Ask another country's focal point for assistance. Add 'urgent' for a short "
            "time limit and a #tag for the kind: #info #arrest #victim #mla #extradition "
            "#financial #other."
        ),
        "/request <COUNTRY> [urgent] [#category] <what you need>",
        "/request TH urgent #victim Two women from the raid in Songkhla need shelter contacts",
        file_request,
        parse_new_request,
        roles=WORKERS,
        limit=("request.filed", "requests_per_hour"),
        prepare=country_codes_for_names,
    ),
    CommandSpec(
        "ack",
        _(
            "Acknowledge requests addressed to your country: one id, or several separated "
            "by spaces."
        ),
        "/ack <id> [<id> …]",
        "/ack R-2026-0042",
        acknowledge,
        parse_ids,
        scope=Scope.REQUEST_HANDLER_EACH,
        subject=_raw,
        roles=WORKERS,
    ),
    CommandSpec(
        "reply",
        _("Write on a request; it is relayed to the other side."),
        "/reply <id> <text>",
        "/reply R-2026-0042 Passport confirmed, suspect left on 3 May",
        reply,
        parse_id_and_text,
        scope=Scope.REQUEST_ACTOR,
        subject=_request_id,
        roles=WORKERS,
        limit=("request.messages", "request_messages_per_hour"),
    ),
    CommandSpec(
        "attach",
        _(
            "Add a photo, document or voice note to a request: send it with this as its "
            "caption. It goes to the other side where files may travel."
        ),
        "/attach <id>",
        "/attach R-2026-0042",
        attach_files,
        parse_id,
        scope=Scope.REQUEST_ACTOR,
        subject=_raw,
        roles=WORKERS,
        limit=("request.messages", "request_messages_per_hour"),
    ),
    CommandSpec(
        "file",
        _("Send one of a request's files again (/show lists them, numbered)."),
        "/file <id> <number>",
        "/file R-2026-0042 2",
        files.send_again,
        files.parse_file_args,
        scope=Scope.REQUEST_PARTY,
        subject=_file_request_id,
        roles=WORKERS,
    ),
    CommandSpec(
        "refer",
        _("Hand a request to another country or person, with a note."),
        "/refer <id> <COUNTRY|person-id> [note]",
        "/refer R-2026-0042 MY The vessel is registered in Malaysia",
        refer,
        parse_referral,
        scope=Scope.REQUEST_HANDLER,
        prepare=referral_country_codes,
        subject=_request_id,
        roles=WORKERS,
        limit=("request.messages", "request_messages_per_hour"),
    ),
    CommandSpec(
        "close",
        _("Close a request, with the outcome."),
        "/close <id> [outcome]",
        "/close R-2026-0042 Suspect arrested in Bangkok",
        close,
        parse_id_and_optional_text,
        scope=Scope.REQUEST_ACTOR,
        subject=_request_id,
        roles=WORKERS,
    ),
    CommandSpec(
        "requests",
        _(
            "List requests you can see (yours, and your country's if you are a focal point), "
            "with when each must be acknowledged or how far it was escalated: open ones, or "
            "'closed' or 'all'; narrow by countries (codes, or one country named alone; either "
            "side, any of them), #category and "
            'words of the text ("quoted" for a phrase).'
        ),
        "/requests [closed|all] [COUNTRY …] [#category] [words]",
        "/requests closed TH #arrest vessel",
        list_requests,
        parse_request_search,
        prepare=search_country_names,
    ),
    CommandSpec(
        "show",
        _("Show a request and its whole thread."),
        "/show <id>",
        "/show R-2026-0042",
        show,
        parse_id,
        scope=Scope.REQUEST_PARTY,
        subject=_raw,
        roles=WORKERS,
    ),
]
TIMERS = {ESCALATE: escalate}
