"""Every word the bot says in chat goes through the catalogs (pseudo-localisation).

Every person reads a pseudo-language here: the catalog wraps each translated string in
⟦…⟧. Every command variant is then tried as every role, with good and bad arguments, through
the real dispatch; whatever is left of an answer once the wrapped parts are removed must be
data (ids, names, numbers, what people wrote), never an English sentence that skipped the
catalog. A new answer written without ``_()`` fails here.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Iterator

import pytest

from bot.i18n.catalogs import install_override
from bot.periods.handlers import sync_configured
from bot.storage.sqlite import atomic
from bot.work import Work
from tests.dispatch_world import DispatchWorld
from tests.harness import shipped_settings
from tests.test_permissions import ARGS, OTHER_REQUEST, OWN_PERSON, OWN_REQUEST, ROLES, variants

PSEUDO = "th"  # a real language code (the directory accepts only those); its catalog replaced


class Pseudo(gettext.NullTranslations):
    """Marks every string that came through the catalog."""

    def gettext(self, message: str) -> str:
        return f"⟦{message}⟧"

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return f"⟦{msgid1 if n == 1 else msgid2}⟧"


MARKED = re.compile(r"⟦[^⟦⟧]*⟧")
ENGLISH_RUN = re.compile(r"\b[A-Za-z]{2,}(?:[ ,'’]+[A-Za-z]{2,}){3,}\b")
"""Four English-looking words in a row: a sentence, not a name or an id."""
ALLOWED_DATA = (
    "Check vessel",  # request texts people wrote in this test
    "Returns are due Friday",
    "over to you",
    "Fourth Joint Period of Action",  # period and country names from bot.toml
    "United Arab Emirates",
    "No results have been reported yet",  # the English debrief statement's second paragraph
)


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Iterator[DispatchWorld]:  # type: ignore[no-untyped-def]
    install_override(PSEUDO, Pseudo())
    shipped = shipped_settings()
    people = tuple(p.model_copy(update={"language": PSEUDO}) for p in shipped.people)
    settings = shipped.model_copy(update={"people": people})
    world = DispatchWorld(tmp_path_factory.mktemp("pseudo") / "bot.db", settings=settings)
    with world.db.database.atomic(), atomic(world.db):
        sync_configured(Work(world.db, world.ctx, world.now))
    world.send("nz-cochair", "/period open JPA-4 confirm")
    for target in ("TH", "NZ", "MY"):
        world.send("au-officer", f"/request {target} routine Check vessel")
    yield world
    install_override(PSEUDO, None)


ENGLISH_STATEMENT = re.compile(r"⟦Draft debrief statement:⟧\n.*?(\n\n|$)", re.S)
"""/report drafts the debrief in English by design (the group's statements are English)."""


def leftover(text: str) -> str | None:
    """English prose left once the catalog's strings and known data are removed."""
    rest = ENGLISH_STATEMENT.sub(" ", text)
    while MARKED.search(rest):  # nested messages: innermost first
        rest = MARKED.sub(" ", rest)
    for data in ALLOWED_DATA:
        rest = rest.replace(data, " ")
    found = ENGLISH_RUN.search(rest)
    return found.group(0) if found else None


def lines_tried(name: str, role: str, relation: str, world: DispatchWorld) -> list[str]:
    person = ROLES[role]
    country = world.ctx.directory.people[person].country
    fill = {
        "country": country if relation == "own" else "MY",
        "rid": OWN_REQUEST[country] if relation == "own" else OTHER_REQUEST,
        "person": OWN_PERSON[country] if relation == "own" else "my-fp",
    }
    command = name.split()[0]
    good = f"/{command} {ARGS[name].format(**fill)}".strip()
    return [good, f"/{command}", f"/{command} ???", f"/{command} {'x' * 5000}"]


@pytest.mark.parametrize("name", sorted(ARGS))
def test_every_answer_comes_from_the_catalogs(world, name: str) -> None:  # type: ignore[no-untyped-def]
    untranslated: list[tuple[str, str]] = []
    for role, person in ROLES.items():
        for relation in ("own", "other"):
            for line in lines_tried(name, role, relation, world):
                work = world.send(person, line, keep=False)
                for message in work.outbound if work else []:
                    if (english := leftover(message.text)) is not None:
                        untranslated.append((line[:60], english))
    assert not untranslated, f"English outside the catalogs: {untranslated[:8]}"


def test_the_matrix_covers_every_command() -> None:
    assert set(variants()) <= set(ARGS)


def test_free_text_and_strangers_are_translated(world) -> None:  # type: ignore[no-untyped-def]
    for person, line in (("th-officer", "hello there, can you help me"), ("th-fp", "/nosuch")):
        work = world.send(person, line, keep=False)
        assert work and work.outbound
        for message in work.outbound:
            assert leftover(message.text) is None, message.text
