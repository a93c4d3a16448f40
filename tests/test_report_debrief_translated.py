"""The draft debrief in another language is built as the English one: a metric's label once,
its currencies listed after it as the reader lists things (CLDR), the metrics of one group
listed together and the groups apart. It read "label: THB 1,000,000; label: VND 2,000,000",
the label again for each currency, where the English says "restrained assets worth
THB 1,000,000 and VND 2,000,000".
"""

from __future__ import annotations

from datetime import date

from bot.i18n.message import LRI, PDI
from bot.reports.debrief import debrief, debrief_in
from bot.reports.figures import ReportData
from bot.returns.metrics import DEFAULT_METRICS
from bot.returns.repo import SUBMITTED
from tests.returns_support import open_period

NAMES = {"TH": "Thailand", "VN": "Viet Nam"}
FIGURES = {
    ("TH", "search_warrants", ""): 3,
    ("TH", "suspects_identified", ""): 9,
    ("TH", "arrests", ""): 7,
    ("VN", "arrests", ""): 3,
    ("TH", "assets_restrained", "THB"): 1_000_000_00,
    ("VN", "assets_restrained", "VND"): 2_000_000_00,
    ("TH", "mla_requests", ""): 2,
}
LABELS = {m.key: dict(m.labels) for m in DEFAULT_METRICS}


def sample() -> ReportData:
    period = open_period("JPA-5", "Fifth", date(2027, 1, 31), NAMES, "final")
    return ReportData(period, NAMES, FIGURES, {}, {(1, c): SUBMITTED for c in NAMES})


def results(language: str) -> str:
    return debrief_in(sample(), language).split("\n\n")[1]


def test_money_in_several_currencies_has_its_label_once() -> None:
    assert "restrained assets worth THB 1,000,000 and VND 2,000,000" in debrief(sample())
    thai, assets = results("th"), LABELS["assets_restrained"]["th"]
    assert thai.count(assets) == 1, thai
    assert f"{assets}: THB 1,000,000และVND 2,000,000;" in thai  # CLDR's Thai list of two
    indonesian = results("id")
    assert f"{LABELS['assets_restrained']['id']}: THB 1.000.000 dan VND 2.000.000;" in indonesian


def test_the_translated_statement_keeps_the_english_clauses_and_groups() -> None:
    """English: "executed three search warrants and identified nine suspects; made ten
    arrests; restrained …; made two mutual legal assistance requests"."""
    english = debrief(sample()).split("\n\n")[1]
    assert english.count("; ") == 3 and "warrants and identified" in english
    labels = {key: names["vi"] for key, names in LABELS.items()}
    vietnamese = results("vi")
    clauses = vietnamese.split(": ", 1)[1].rstrip(".").split("; ")
    assert clauses == [
        f"{labels['search_warrants']}: 3 và {labels['suspects_identified']}: 9",
        f"{labels['arrests']}: 10",
        f"{labels['assets_restrained']}: THB 1.000.000 và VND 2.000.000",
        f"{labels['mla_requests']}: 2",
    ], vietnamese


def test_a_right_to_left_reader_gets_each_amount_isolated_in_their_own_list() -> None:
    arabic = results("ar")
    label = LABELS["assets_restrained"]["ar"]
    assert arabic.count(label) == 1
    assert f"{label}: {LRI}THB 1,000,000{PDI} و{LRI}VND 2,000,000{PDI}" in arabic, ascii(arabic)
