"""bot.i18n.stored keeps a held message's words so that it can be rendered again in whichever
language its reader chose meanwhile: every type of parameter messages carry comes back
rendering exactly as it did, in every language, and data that is not what it wrote (altered
in the database, cut short) is refused as Unreadable, building nothing."""

from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.i18n import LANGUAGES, LanguageName, Msg, ShownNumber, Text, ZoneOffset, _, join, n_
from bot.i18n import render_for_reader as rendered
from bot.i18n.message import CountryName
from bot.i18n.stored import Unreadable, dump, dump_all, load, load_all
from bot.returns.metric_values import ShownValue, Value
from bot.returns.metrics import Label
from bot.workdays import HolidayName

BANGKOK = ZoneInfo("Asia/Bangkok")
SEVEN = datetime(2027, 1, 21, 7, 0, tzinfo=BANGKOK)
THAILAND, MALDIVES = CountryName("Thailand", "TH"), CountryName("Maldives", "MV")
ARRESTS = Label("Arrests", labels=(("ar", "الاعتقالات"), ("th", "การจับกุม")))

MESSAGES: dict[str, Text] = {
    "a time, a country, a datetime in a named zone, its offset": _(
        "It is {now} in {country}, within their quiet hours: they will see it at {at} ({zone}).",
        now=time(23, 30),
        country=THAILAND,
        at=SEVEN,
        zone=ZoneOffset(SEVEN),
    ),
    "a datetime at a fixed offset (a half-hour zone)": _(
        "That is {yours} your time.",
        yours=datetime(2027, 1, 21, 5, 30, tzinfo=timezone(timedelta(hours=5, minutes=30))),
    ),
    "a datetime in UTC": _(
        "That is {yours} your time.", yours=datetime(2027, 1, 20, 23, 0, tzinfo=UTC)
    ),
    "a list of countries, the reader's comma": _(
        "Held until their quiet hours end: {countries}.",
        countries=join(sorted([THAILAND, MALDIVES]), ", "),
    ),
    "a plural by its count": n_(
        "deputy {names} answers (no focal point)",
        "deputies {names} answer (no focal point)",
        2,
        names=join(["Niran Example", "Somchai Example"], ", "),
    ),
    "dates and a public holiday": _(
        "{label} due {was} → {due} for {country} ({why})",
        label="W1",
        was=date(2027, 4, 13),
        due=date(2027, 4, 16),
        country=join([THAILAND], ", "),
        why=join([HolidayName("Songkran Festival", "TH", date(2027, 4, 13)), _("weekend")], ", "),
    ),
    "numbers shown as each reader writes them": join(
        [
            _("an amount with its currency code, e.g. USD {example}", example=ShownNumber(25_000)),
            ShownNumber(1_500_000.5, "#,##0.00"),
            ShownNumber(Decimal("25000.50"), "#,##0.00"),
            ShownNumber(1200, "0"),
        ]
    ),
    "figures, with a metric's own label": join(
        [
            _("{figure}: {value}", figure=ARRESTS, value=ShownValue(Value(1234))),
            _("{figure}: {value}", figure=ARRESTS, value=ShownValue(Value(2_500_050, "USD"))),
            _(
                "{figure}: {value}",
                figure=ARRESTS,
                value=ShownValue(Value(4, op="S-3", partner="MY")),
            ),
            _("{figure}: {value}", figure=ARRESTS, value=ShownValue(Value(None, "", "a text"))),
        ]
    ),
    "a language named for the reader": _(
        "Draft debrief statement, in {language}:", language=LanguageName("fa_AF")
    ),
    "what people type, joined as typed": join(["/return W1 arrests 5", "victims 2"], ", ", True),
    "plain numbers, a flag, a time with its zone": _(
        "{a} · {b} · {c} · {d} · {e} · {f}",
        a=12345,
        b=Decimal("1234.5"),
        c=0.25,
        d=True,
        e=time(7, 0, tzinfo=timezone(timedelta(hours=7))),
        f=None,
    ),
    "a request as its country's focal point gets it (nested, with text people wrote)": join(
        [
            _(
                "Request {id} from {who} to {country} · {category}",
                id="R-2027-0001",
                who=_(
                    "{name} ({country})",
                    name="Alexo Officer-Example",
                    country=CountryName("Australia", "AU"),
                ),
                country=THAILAND,
                category=_("information"),
            ),
            "",
            "Passport check for a suspect — see /show R-2027-0001",
        ]
    ),
    "text people wrote, alone": "Passport check: {not a placeholder}",
    "a country's name, alone": THAILAND,
    "a message built by adding": _("weekend") + " / " + _("national closure"),
}


@pytest.mark.parametrize("name", MESSAGES)
def test_a_stored_message_renders_as_the_original_in_every_language(name: str) -> None:
    original = MESSAGES[name]
    data = dump(original)
    assert data is not None, name
    loaded = load(data)
    assert loaded == original and type(loaded) is type(original)
    for language in LANGUAGES:
        assert rendered(loaded, language) == rendered(original, language), (name, language)


def test_every_parameter_keeps_its_type() -> None:
    message = MESSAGES["a time, a country, a datetime in a named zone, its offset"]
    assert isinstance(message, Msg)
    loaded = load(dump(message) or "")
    assert isinstance(loaded, Msg)
    assert {k: type(v) for k, v in loaded.params.items()} == {
        "now": time,
        "country": CountryName,
        "at": datetime,
        "zone": ZoneOffset,
    }
    assert loaded.params["at"].tzinfo is BANGKOK  # the zone itself, not only its offset
    figures = load(dump(MESSAGES["figures, with a metric's own label"]) or "")
    assert isinstance(figures, Msg) and figures.parts
    first = figures.parts[0]
    assert isinstance(first, Msg) and type(first.params["figure"]) is Label
    assert type(first.params["value"]) is ShownValue


def test_a_message_and_its_buttons_labels_are_kept_together() -> None:
    texts = [MESSAGES["a plural by its count"], _("Acknowledge"), ARRESTS, "Yes"]
    assert load_all(dump_all(texts) or "") == tuple(texts)


class _Elsewhere(tzinfo):
    def utcoffset(self, dt: datetime | None) -> timedelta:
        return timedelta(hours=3)


@pytest.mark.parametrize(
    "value",
    [object(), [1, 2], ("a",), {"a": 1}, datetime(2027, 1, 1, tzinfo=_Elsewhere()), b"bytes"],
    ids=["object", "list", "tuple", "dict", "unknown zone type", "bytes"],
)
def test_a_parameter_of_a_type_it_cannot_store_stores_nothing(value: Any) -> None:
    assert dump(_("Sent to {name}.", name=value)) is None
    assert dump_all([_("Acknowledge"), join([_("Sent to {name}.", name=value)])]) is None


STORED = dump_all([MESSAGES["a time, a country, a datetime in a named zone, its offset"]]) or ""


@pytest.mark.parametrize(
    "data",
    [
        "",
        "not json",
        STORED[: len(STORED) // 2],  # cut short
        "{}",
        '"a bare text, not a list"',
        "[5]",
        '[["os.system", "echo pwned"]]',  # no tag names a function to run
        '[["builtins.eval", "1+1"]]',
        '[["msg", "{x}", {"x": ["pickle", "gASVAAAAAAAAAACMBXBvc2l4lIwGc3lzdGVtlJOULg=="]}]]',
        '[["msg", 5]]',
        '[["msg", "a", {}, null, "two"]]',
        '[["msg", "a", {}, null, null, null, "", false, "one too many"]]',
        '[["datetime", "2027-01-21T07:00:00", "../../../etc/passwd", 0]]',
        '[["datetime", "2027-01-21T07:00:00", "No/Such_Zone", 0]]',
        '[["datetime", "2027-02-30T07:00:00", null, 0]]',
        '[["datetime", "2027-01-21T07:00:00+07:00", null, 0]]',
        '[["time", "07:00", 10000000000000000000000, 0]]',
        '[["offset", 99999]]',
        '[["decimal", "not a number"]]',
        '[["number", "1200", "#,##0"]]',
        '[["country", "Thailand"]]',
        '[["holiday", "Songkran", "TH", "2027-13-01"]]',
        '[["label", "not pairs", "Arrests"]]',
        '[["label", [["th"]], "Arrests"]]',
        '[["shown", "12", "", "", "", ""]]',
        "[" * 100_000 + "]" * 100_000,
    ],
)
def test_data_it_did_not_write_is_unreadable(data: str) -> None:
    with pytest.raises(Unreadable):
        load_all(data)


def test_one_text_that_is_not_a_text_is_unreadable() -> None:
    with pytest.raises(Unreadable):
        load('["date", "2027-01-21"]')  # a parameter, not a message
    with pytest.raises(Unreadable):
        load("")
