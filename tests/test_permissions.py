"""The permission matrix, generated from the command registry.

Every command and subcommand is tried as every role, on its own country's business and on
another's, through the real dispatch (each cell in a savepoint that is rolled back). The
expected table below is written independently of the declarations: a new command that is not
in it fails the test until someone decides who may run it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.factory import default_registry
from bot.periods.handlers import sync_configured
from bot.storage.sqlite import atomic
from bot.work import Work
from tests.dispatch_world import DispatchWorld

ROLES = {  # role → the person who plays it (TH or NZ)
    "officer": "th-officer",
    "focal_point": "th-fp",
    "deputy_focal_point": "th-deputy",
    "co_chair": "nz-cochair",
    "admin": "admin",
}
OWN_REQUEST = {"TH": "R-2026-0001", "NZ": "R-2026-0002"}
OTHER_REQUEST = "R-2026-0003"  # addressed to Malaysia
OWN_PERSON = {"TH": "th-officer", "NZ": "nz-fp"}

# Arguments per command variant; {country} {rid} {person} are filled per cell.
ARGS = {
    "request": "{country} routine Check vessel",
    "ack": "{rid}",
    "reply": "{rid} Checked",
    "refer": "{rid} VN over to you",
    "close": "{rid} done",
    "requests": "",
    "show": "{rid}",
    "attach": "{rid}",
    "file": "{rid} 1",
    "whoami": "",
    "countries": "",
    "help": "",
    "language": "",
    "ping": "",
    "revoke": "{person}",
    "roster": "",
    "handover": "{person} nobody",
    "stillhere": "",
    "period": "",
    "period open": "open JPA-4",
    "period confirm": "confirm",
    "period cancel": "cancel",
    "period close": "close",
    "period reopen": "reopen JPA-4",
    "deadline": "",
    "deadline move": "W1 2027-02-20",
    "return": "arrests 1",
    "return show": "show {country}",
    "return approve": "approve",
    "return joint": "arrests 4 joint with MY op:SONGKHLA-3",
    "joint": "SONGKHLA-3 arrests 4",
    "status": "",
    "status chase": "W1 chase",
    "report": "",
    "broadcast": "Returns are due Friday",
    "broadcast send": "send",
    "broadcast cancel": "cancel",
    "broadcast status": "status",
    "broadcast ack": "ack B-1",
}

EVERYONE = {(role, rel) for role in ROLES for rel in ("own", "other")}
HANDLERS = {
    ("focal_point", "own"),
    ("deputy_focal_point", "own"),
    ("co_chair", "own"),
    ("co_chair", "other"),
}
CO_CHAIRS = {("co_chair", "own"), ("co_chair", "other")}
WRITERS = {
    ("focal_point", "own"),
    ("focal_point", "other"),
    ("deputy_focal_point", "own"),
    ("deputy_focal_point", "other"),
}
EXPECTED: dict[str, set[tuple[str, str]]] = {
    "request": {
        ("officer", "other"),
        ("focal_point", "other"),
        ("deputy_focal_point", "other"),
        ("co_chair", "other"),
    },
    "ack": HANDLERS,
    "reply": HANDLERS,
    "refer": HANDLERS,
    "close": HANDLERS,
    "show": HANDLERS,
    "attach": HANDLERS,  # a side of the request, like /reply
    "file": HANDLERS,  # anyone who may see the request, like /show
    "requests": EVERYONE,
    "whoami": EVERYONE,
    "countries": EVERYONE,
    "help": EVERYONE,
    "language": EVERYONE,
    "ping": EVERYONE,
    "revoke": {("admin", "own"), ("admin", "other")},
    "roster": CO_CHAIRS,
    "handover": CO_CHAIRS,
    "stillhere": WRITERS,
    "period": EVERYONE,
    "period open": CO_CHAIRS,
    "period confirm": CO_CHAIRS,
    "period cancel": CO_CHAIRS,
    "period close": CO_CHAIRS,
    "period reopen": CO_CHAIRS,
    "deadline": EVERYONE,
    "deadline move": CO_CHAIRS,
    "return": WRITERS,  # always their own country's return: "other" has no meaning here
    "return show": {("focal_point", "own"), ("deputy_focal_point", "own"), *CO_CHAIRS},
    "return approve": {("focal_point", "own"), ("focal_point", "other")},  # their own country's
    "return joint": WRITERS,  # the return command itself, with a joint figure
    "joint": CO_CHAIRS,
    "status": CO_CHAIRS,
    "status chase": CO_CHAIRS,
    "report": CO_CHAIRS,
    "broadcast": CO_CHAIRS,
    "broadcast send": CO_CHAIRS,
    "broadcast cancel": CO_CHAIRS,
    "broadcast status": CO_CHAIRS,
    "broadcast ack": {*WRITERS, *CO_CHAIRS},
}
REFUSALS = (
    "is not available to you",
    "No such request",
    "only for your own country",
    "is handled by the focal points",
    "You can follow",
    "That is your own country",
)

NOT_EXERCISED = ("No period of action is open", "No period ")


def variants() -> list[str]:
    return [
        spec.name if v is spec else f"{spec.name} {v.name}"
        for spec in default_registry()
        for v in spec.variants()
    ]


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> DispatchWorld:  # type: ignore[no-untyped-def]
    """The shipped JPA-4 open, and requests from Australia to Thailand, New Zealand, Malaysia.

    With no period open, the period-scoped commands (/broadcast, /status, /deadline, ...)
    would answer "No period of action is open" to everyone and their scope rules go untested.
    """
    world = DispatchWorld(tmp_path_factory.mktemp("perm") / "bot.db")
    with (
        world.db.database.atomic(),
        atomic(world.db),
    ):  # what the app does at start: load bot.toml's
        sync_configured(Work(world.db, world.ctx, world.now))
    opened = world.answers("nz-cochair", "/period open JPA-4 confirm")  # W1 is past due
    assert opened and "is not available" not in opened[0], opened
    assert "JPA-4" in world.answers("th-officer", "/period")[0]
    for target in ("TH", "NZ", "MY"):
        world.send("au-officer", f"/request {target} routine Vessel check")
    return world


def cell_allowed(world, name: str, role: str, relation: str) -> bool:  # type: ignore[no-untyped-def]
    person = ROLES[role]
    country = world.ctx.directory.people[person].country
    fill = {
        "country": country if relation == "own" else "MY",
        "rid": OWN_REQUEST[country] if relation == "own" else OTHER_REQUEST,
        "person": OWN_PERSON[country] if relation == "own" else "my-fp",
    }
    command = name.split()[0]
    answers = world.answers(person, f"/{command} {ARGS[name].format(**fill)}".strip(), keep=False)
    assert answers, f"/{name} as {role} got no answer"
    # An answer that never reached the scope check is neither a pass nor a refusal.
    assert not any(m in answers[0] for m in NOT_EXERCISED), (name, role, relation, answers[0])
    return not any(marker in answers[0] for marker in REFUSALS)


def test_every_command_is_in_the_matrix() -> None:
    missing = sorted(set(variants()) - set(EXPECTED))
    assert not missing, f"decide who may run these and add them to EXPECTED: {missing}"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_permission_matrix(world, name: str) -> None:  # type: ignore[no-untyped-def]
    allowed = {
        (role, rel)
        for role in ROLES
        for rel in ("own", "other")
        if cell_allowed(world, name, role, rel)
    }
    assert allowed == EXPECTED[name], (
        f"/{name}: unexpectedly allowed {sorted(allowed - EXPECTED[name])}, "
        f"unexpectedly refused {sorted(EXPECTED[name] - allowed)}"
    )


def test_every_command_declares_a_known_scope() -> None:
    """The gate looks a command's scope up by its value: a typo must fail here, not in chat."""
    from bot.access import Scope

    for spec in default_registry():
        for variant in spec.variants():
            assert Scope(variant.scope), variant.name


async def test_a_reader_cannot_write_a_return_through_a_line_that_looks_like_a_view(
    tmp_path: Path,
) -> None:
    """`/return show` is open to co-chairs for reading; a line ending in "show" passed the gate
    as that view, and the handler then wrote it: a co-chair submitted New Zealand's return,
    and took over its focal point's draft."""
    from tests.returns_support import running

    bot = await running(tmp_path)
    await bot.say("nz-fp", "/return arrests 3, victims assisted 2")  # a draft, not confirmed
    for line in (
        "/return arrests=700 notes: show",
        "/return victims_assisted=1 notes: show",
        "/return submit notes: show",
        "/return W1 arrests7 show",
    ):
        [refused] = await bot.say("nz-cochair", line)
        assert "/return is not available to you" in refused, (line, refused)
    assert await bot.rows("SELECT COUNT(*) FROM returns") == [(0,)]
    drafts = await bot.rows("SELECT person_id FROM return_drafts")
    assert drafts == [("nz-fp",)], drafts
    [shown] = await bot.say("nz-cochair", "/return show NZ")  # reading still works
    assert "is not available" not in shown
    await bot.stop()


def test_a_subcommand_chosen_by_shape_and_gated_otherwise_needs_its_own_handler() -> None:
    """A handler shared with its parent decides again, by its own parsing, what a line asks:
    a line only the subcommand's gate let through could do the parent's work. The registry
    refuses such a command, so the hole cannot come back with the next subcommand."""
    from bot.commands import CommandSpec, Registry

    def handler(work: object, text: str) -> None:
        return None

    def other(work: object, text: str) -> None:
        return None

    def view_shaped(text: str) -> bool:
        return text.endswith("show")

    def family(run: object, roles: frozenset[str]) -> CommandSpec:
        sub = CommandSpec("show", "", "", "", run, roles=roles, matches=view_shaped)  # type: ignore[arg-type]
        writers = frozenset({"focal_point"})
        return CommandSpec("return", "", "", "", handler, roles=writers, subcommands=(sub,))

    with pytest.raises(ValueError, match="give it its own handler"):
        Registry([family(handler, frozenset({"focal_point", "co_chair"}))])
    Registry([family(handler, frozenset({"focal_point"}))])  # the same gate: one handler is fine
    Registry([family(other, frozenset({"focal_point", "co_chair"}))])


async def test_the_view_and_approval_lines_never_reach_the_return_writer(tmp_path: Path) -> None:
    """`/return … show` and `/return approve` have their own handlers: a line of another shape
    goes through `/return`'s gate and is refused as a return, never viewed or written with
    another command's permissions."""
    from tests.returns_support import running

    bot = await running(tmp_path)
    [usage] = await bot.say("nz-fp", "/return show NZ now")
    assert "/return [CODE] [W<n>] show|history [COUNTRY]" in usage, usage
    [usage] = await bot.say("nz-fp", "/return approve now")
    assert "Use /return approve" in usage, usage
    [refused] = await bot.say("nz-cochair", "/return show NZ now")  # not a view: a return
    assert "/return is not available to you" in refused, refused
    [nothing] = await bot.say("nz-cochair", "/return NOPERIOD show")
    assert "There is no period NOPERIOD" in nothing, nothing
    assert await bot.rows("SELECT COUNT(*) FROM return_drafts") == [(0,)]
    await bot.stop()
