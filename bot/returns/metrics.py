"""Metric schemas: what a period's returns count, and every name people may use for a figure.

A schema is configuration (``[[metric_sets.<name>]]`` in ``bot.toml``); each period keeps a
snapshot of its own, so changing the file never rewrites what a closed period collected. The
shipped default is the set the group's statements report, including "follow the money".
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from difflib import get_close_matches
from functools import cache
from pathlib import Path
from typing import Any, Literal, cast

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.i18n import Msg, ShownNumber, _, resolve_language

MetricKind = Literal["count", "money", "text"]
_CHOICE = re.compile(r"\{([^{}|]*)\|([^{}|]*)\}")
"""``{one|many}`` in a phrase, as bot.reports.debrief fills it."""
KIND_HELP = {
    "count": _("a whole number, 0 if none"),
    "money": _("an amount with its currency code, e.g. USD {example}", example=ShownNumber(25_000)),
    "text": _("a short text"),
}


@dataclass(frozen=True)
class Label(Msg):
    """A metric's label, shown in the reader's language where the metric set gives one.

    The words come from configuration, not from the catalogs, so ``msgid`` is the label
    shown by default and ``labels`` the others by language.
    """

    labels: tuple[tuple[str, str], ...] = ()

    def render(self, language: str) -> str:
        """The label in ``language``, else the default one."""
        return dict(self.labels).get(language, self.msgid)


class Metric(BaseModel):
    """One figure in a return.

    ``label`` is shown by default; ``labels`` holds it in other languages. In ``bot.toml``
    both come from ``label``: a string, or a table by language whose ``en`` entry is the
    default (``label = { en = "Arrests", th = "การจับกุม" }``). ``aliases`` may likewise be
    a list or a table of lists by language; every language's labels and aliases are read in
    a return, whoever sends it.

    ``phrase`` writes the figure into the debrief statement: ``{n}`` is the number and
    ``{one|many}`` picks a word by it, e.g. ``"executed {n} search {warrant|warrants}"``.
    Metrics sharing a ``group`` join into one clause with "and".
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    label: str = Field(min_length=1, max_length=80)
    labels: tuple[tuple[str, str], ...] = ()
    aliases: tuple[str, ...] = ()
    typed_names: tuple[tuple[str, str], ...] = ()  # each language's first alias (examples)
    kind: MetricKind = "count"
    required: bool = False
    phrase: str = Field(default="", max_length=200)
    group: str = ""

    @model_validator(mode="before")
    @classmethod
    def _by_language(cls, data: Any) -> Any:
        """Spread label and alias tables by language onto ``label``, ``labels``, ``aliases``."""
        if not isinstance(data, Mapping):
            return data
        data = dict(data)
        if isinstance(data.get("label"), Mapping):
            table = _by_language(data["label"], "label")
            if "en" not in table:
                raise ValueError("a label table needs label.en, the label shown by default")
            data["label"] = table.pop("en")
            data["labels"] = tuple(sorted(table.items()))
        elif isinstance(data.get("labels"), Mapping):
            data["labels"] = tuple(sorted(_by_language(data["labels"], "labels").items()))
        if isinstance(data.get("aliases"), Mapping):
            lists = sorted(_by_language(data["aliases"], "aliases").items())
            data["aliases"] = tuple(alias for _lang, names in lists for alias in _as_list(names))
            data.setdefault(
                "typed_names",
                tuple((lang, _as_list(names)[0]) for lang, names in lists if _as_list(names)),
            )
        return data

    @field_validator("phrase")
    @classmethod
    def _known_placeholders(cls, value: str) -> str:
        """Only what the debrief fills in: a wrong one would be printed as it is."""
        rest = _CHOICE.sub("", value.replace("{n}", ""))
        if bad := re.search(r"\{[^{}]*\}?|\}", rest):
            raise ValueError(
                f"{bad[0]!r} is not a placeholder the debrief knows: use {{n}} for the number "
                "and {one|many} to pick a word by it"
            )
        return value

    @property
    def names(self) -> tuple[str, ...]:
        """Every normalised name that means this metric, in every language."""
        every = (self.key, self.label, *(text for _lang, text in self.labels), *self.aliases)
        return tuple(dict.fromkeys(normalise(n) for n in every))

    def label_for(self, language: str) -> str:
        """The label a reader of ``language`` sees (the default one where none is given)."""
        return dict(self.labels).get(language, self.label)

    @property
    def text(self) -> Label:
        """The label as a message: each reader sees it in their own language."""
        return Label(self.label, labels=self.labels)

    @property
    def typed_name(self) -> Label:
        """The name an example of what to type shows: the reader's own first alias (a short
        word people type, not the label's whole phrase), else their label, else English's."""
        shown = {**dict(self.labels), **dict(self.typed_names)}
        default = shown.pop("en", self.label)
        return Label(default, labels=tuple(sorted(shown.items())))

    @property
    def lower_text(self) -> Label:
        """:attr:`text` in lower case, for the middle of a sentence ("did you mean …")."""
        lowered = tuple((lang, text.lower()) for lang, text in self.labels)
        return Label(self.label.lower(), labels=lowered)


def _by_language(table: Mapping[str, Any], what: str) -> dict[str, Any]:
    """``table`` keyed by supported language codes (``fa-AF`` as ``fa_AF``)."""
    found: dict[str, Any] = {}
    for code, value in table.items():
        language = resolve_language(str(code))
        if language is None:
            raise ValueError(f"{what}.{code}: not a language the bot speaks")
        found[language] = value
    return found


def _as_list(names: Any) -> list[str]:
    if isinstance(names, str):
        return [names]
    if isinstance(names, list | tuple):
        return [str(n) for n in names]
    raise ValueError("aliases by language are lists of names")


def normalise(name: str) -> str:
    """Lower case, ``_`` and ``-`` as spaces, single spaces: how names are compared. The
    zero-width joiners go (many keyboards cannot type them: ``گرفتاری‌ها`` is ``گرفتاریها``),
    and Arabic keyboards' ي ك ى are read as Persian's ی ک ی."""
    composed = unicodedata.normalize("NFC", name.lower()).translate(_SAME_LETTERS)
    return " ".join(re.sub(r"[_\-]+", " ", composed).split())


_SAME_LETTERS = str.maketrans({"\u200c": "", "\u200d": "", "ي": "ی", "ك": "ک", "ى": "ی"})


class Schema:
    """A period's metrics in order, with lookup by any name and a "did you mean"."""

    def __init__(self, metrics: tuple[Metric, ...]) -> None:
        self.metrics = metrics
        self.by_key = {m.key: m for m in metrics}
        self._by_name = {name: m for m in metrics for name in m.names}

    def find(self, name: str) -> Metric | None:
        """The metric called ``name`` (key, label or alias in any language, any case)."""
        return self._by_name.get(normalise(name))

    def suggest(self, name: str) -> Metric | None:
        """The metric whose name is closest to ``name``, for a "did you mean"."""
        found = get_close_matches(normalise(name), list(self._by_name), n=1, cutoff=0.6)
        return self._by_name[found[0]] if found else None

    @property
    def required(self) -> tuple[Metric, ...]:
        """The metrics a return must answer."""
        return tuple(m for m in self.metrics if m.required)


def duplicate_name(metrics: tuple[Metric, ...]) -> str | None:
    """A name (key, label or alias) used by two metrics of one set, if any."""
    seen: dict[str, str] = {}
    for metric in metrics:
        for name in metric.names:
            if seen.setdefault(name, metric.key) != metric.key:
                return name
    return None


def name_clashes(metrics: tuple[Metric, ...]) -> list[tuple[int, str, str]]:
    """Each metric repeating another's key, or taking a name (key, label or alias) another
    metric of the set has: (its index, the field holding the name, the problem). Either
    would make a return's figure go to the wrong metric."""
    owners: dict[str, str] = {}
    found: list[tuple[int, str, str]] = []
    for i, metric in enumerate(metrics):
        if metric.key in owners.values():
            found.append((i, "key", f"duplicate metric key {metric.key!r}"))
            continue
        for name in metric.names:
            owner = owners.setdefault(name, metric.key)
            if owner != metric.key:
                text = f"the name {name!r} is used twice: it is a name of both {owner} and "
                found.append((i, _field_naming(metric, name), text + metric.key))
    return found


def _field_naming(metric: Metric, name: str) -> str:
    """Which of ``metric``'s fields gives it ``name`` (for the line an error points at)."""
    if normalise(metric.key) == name:
        return "key"
    labels = (metric.label, *(text for _lang, text in metric.labels))
    return "label" if name in {normalise(label) for label in labels} else "aliases"


@cache
def _more_names() -> dict[str, dict[str, dict[str, Any]]]:
    """Labels and aliases of the shipped metrics in the languages beyond en, th, ar, bn
    (drafts awaiting review by officers who speak them, like the catalogs)."""
    with (Path(__file__).parent / "metric_names.json").open(encoding="utf-8") as names:
        return cast(dict[str, dict[str, dict[str, Any]]], json.load(names))


def _m(
    key: str,
    label: dict[str, str],
    aliases: str,
    phrase: str,
    group: str = "",
    local: dict[str, str] | None = None,
    **kw: object,
) -> Metric:
    """A shipped metric: ``label`` by language (``en`` first), English aliases separated by
    commas, and ``local`` aliases by language (also comma separated); the other languages'
    labels and aliases from ``metric_names.json`` (bot.toml carries the same)."""
    by_language = {"en": aliases, **(local or {})}
    more = _more_names().get(key, {})
    return Metric.model_validate(
        {
            "key": key,
            "label": {**label, **more.get("label", {})},
            "aliases": {
                **{
                    lang: [a.strip() for a in names.split(",") if a.strip()]
                    for lang, names in by_language.items()
                },
                **more.get("aliases", {}),
            },
            "phrase": phrase,
            "group": group,
            **kw,
        }
    )


DEFAULT_METRICS: tuple[Metric, ...] = (
    _m(
        "persons_convicted",
        {
            "en": "Persons convicted",
            "th": "ผู้ถูกพิพากษาลงโทษ",
            "ar": "الأشخاص المدانون",
            "bn": "দণ্ডিত ব্যক্তি",
        },
        "convicted, convictions, persons convicted",
        "secured the conviction of {n} {person|persons}",
        local={
            "th": "พิพากษาลงโทษ, ผู้ถูกพิพากษา, ลงโทษ",
            "ar": "المدانون, مدانون, إدانات",
            "bn": "দণ্ডিত, সাজাপ্রাপ্ত, দোষী সাব্যস্ত",
        },
    ),
    _m(
        "victims_rescued",
        {
            "en": "Trafficked persons rescued",
            "th": "ผู้เสียหายจากการค้ามนุษย์ที่ได้รับการช่วยเหลือ",
            "ar": "الأشخاص المتاجر بهم الذين تم إنقاذهم",
            "bn": "উদ্ধারকৃত পাচারের শিকার ব্যক্তি",
        },
        "rescued, victims rescued, persons rescued",
        "rescued {n} trafficked {victim|victims}",
        local={
            "th": "เข้าช่วยเหลือ, ได้รับการช่วยเหลือ",
            "ar": "إنقاذ, انقاذ, تم إنقاذهم",
            "bn": "উদ্ধারকৃত, উদ্ধার",
        },
    ),
    _m(
        "victims_assisted",
        {
            "en": "Trafficked persons assisted",
            "th": "ผู้เสียหายจากการค้ามนุษย์ที่ได้รับการคุ้มครองช่วยเหลือ",
            "ar": "الأشخاص المتاجر بهم الذين تمت مساعدتهم",
            "bn": "সহায়তাপ্রাপ্ত পাচারের শিকার ব্যক্তি",
        },
        "victims assisted, victims, assisted, persons assisted",
        "assisted {n} trafficked {person|persons}",
        local={
            "th": "ผู้เสียหาย, คุ้มครองช่วยเหลือ, คุ้มครอง, ช่วยเหลือผู้เสียหาย",
            "ar": "الضحايا, ضحايا, مساعدة الضحايا",
            "bn": "ভুক্তভোগী, সহায়তাপ্রাপ্ত, পাচারের শিকার",
        },
        required=True,
    ),
    _m(
        "search_warrants",
        {
            "en": "Search warrants executed",
            "th": "หมายค้นที่ดำเนินการ",
            "ar": "أوامر التفتيش المنفذة",
            "bn": "কার্যকর করা তল্লাশি পরোয়ানা",
        },
        "search warrants, warrants, warrants executed",
        "executed {n} search {warrant|warrants}",
        "warrants",
        local={"th": "หมายค้น", "ar": "أوامر التفتيش", "bn": "তল্লাশি পরোয়ানা"},
    ),
    _m(
        "suspects_identified",
        {
            "en": "Suspects identified",
            "th": "ผู้ต้องสงสัยที่ระบุตัวได้",
            "ar": "المشتبه بهم الذين تم تحديد هويتهم",
            "bn": "শনাক্তকৃত সন্দেহভাজন",
        },
        "suspects, suspects identified",
        "identified {n} {suspect|suspects}",
        "warrants",
        local={"th": "ผู้ต้องสงสัย", "ar": "المشتبه بهم", "bn": "সন্দেহভাজন"},
    ),
    _m(
        "arrests",
        {"en": "Arrests", "th": "การจับกุม", "ar": "الاعتقالات", "bn": "গ্রেপ্তার"},
        "arrest, arrested",
        "made {n} {arrest|arrests}",
        "arrests",
        local={"th": "จับกุม", "ar": "اعتقالات, اعتقال", "bn": "গ্রেফতার"},
        required=True,
    ),
    _m(
        "new_investigations",
        {
            "en": "New investigations launched",
            "th": "การสืบสวนใหม่ที่เริ่มดำเนินการ",
            "ar": "التحقيقات الجديدة التي تم فتحها",
            "bn": "শুরু হওয়া নতুন তদন্ত",
        },
        "investigations, new investigations, investigations launched",
        "launched {n} new {investigation|investigations}",
        "arrests",
        local={"th": "การสืบสวนใหม่", "ar": "تحقيقات جديدة", "bn": "নতুন তদন্ত"},
    ),
    _m(
        "extradition_requests",
        {
            "en": "Extradition requests",
            "th": "คำร้องขอส่งผู้ร้ายข้ามแดน",
            "ar": "طلبات التسليم",
            "bn": "প্রত্যর্পণের অনুরোধ",
        },
        "extraditions, extradition requests",
        "made {n} extradition {request|requests}",
        local={
            "th": "ส่งผู้ร้ายข้ามแดน, ผู้ร้ายข้ามแดน",
            "ar": "تسليم المجرمين, التسليم, تسليم",
            "bn": "প্রত্যর্পণ, প্রত্যর্পণ অনুরোধ",
        },
    ),
    _m(
        "enquiries",
        {
            "en": "Bilateral and international enquiries",
            "th": "การสอบถามระดับทวิภาคีและระหว่างประเทศ",
            "ar": "الاستفسارات الثنائية والدولية",
            "bn": "দ্বিপাক্ষিক ও আন্তর্জাতিক অনুসন্ধান",
        },
        "enquiries, inquiries, bilateral enquiries, international enquiries",
        "made {n} bilateral and international {enquiry|enquiries}",
        local={
            "th": "สอบถาม, การสอบถาม, ขอข้อมูล",
            "ar": "استفسارات, الاستفسارات, استفسار",
            "bn": "অনুসন্ধান, দ্বিপাক্ষিক অনুসন্ধান, আন্তর্জাতিক অনুসন্ধান",
        },
    ),
    _m(
        "awareness_activities",
        {
            "en": "Awareness-raising activities",
            "th": "กิจกรรมสร้างความตระหนักรู้",
            "ar": "أنشطة التوعية",
            "bn": "সচেতনতামূলক কার্যক্রম",
        },
        "awareness, awareness activities, awareness raising",
        "conducted {n} awareness-raising {activity|activities}",
        local={
            "th": "ความตระหนักรู้, สร้างความตระหนัก, รณรงค์",
            "ar": "توعية, التوعية, أنشطة توعوية",
            "bn": "সচেতনতা, সচেতনতামূলক, সচেতনতা কার্যক্রম",
        },
    ),
    _m(
        "training_sessions",
        {
            "en": "Training sessions",
            "th": "การฝึกอบรมที่จัดขึ้น",
            "ar": "الدورات التدريبية",
            "bn": "প্রশিক্ষণ অধিবেশন",
        },
        "training, trainings, sessions",
        "carried out {n} training {session|sessions}",
        "training",
        local={"th": "การฝึกอบรม", "ar": "دورات تدريبية", "bn": "প্রশিক্ষণ"},
    ),
    _m(
        "officers_trained",
        {
            "en": "Officers trained",
            "th": "เจ้าหน้าที่ที่ได้รับการฝึกอบรม",
            "ar": "الضباط الذين تم تدريبهم",
            "bn": "প্রশিক্ষিত কর্মকর্তা",
        },
        "officers, trained, people trained",
        "trained {n} {officer|officers}",
        "training",
        local={
            "th": "เจ้าหน้าที่, ผู้เข้าอบรม, ผ่านการอบรม",
            "ar": "الضباط, ضباط, المتدربون",
            "bn": "কর্মকর্তা, প্রশিক্ষিত",
        },
    ),
    _m(
        "financial_investigations",
        {
            "en": "Financial (follow the money) investigations",
            "th": "การสืบสวนทางการเงิน (ติดตามเส้นทางการเงิน)",
            "ar": "التحقيقات المالية (تتبع الأموال)",
            "bn": "আর্থিক (অর্থের গতিপথ অনুসরণ) তদন্ত",
        },
        "financial investigations, financial, follow the money",
        "launched {n} financial {investigation|investigations} to follow the money",
        local={"th": "การสืบสวนทางการเงิน", "ar": "التحقيقات المالية", "bn": "আর্থিক তদন্ত"},
    ),
    _m(
        "assets_restrained",
        {
            "en": "Assets restrained",
            "th": "ทรัพย์สินที่ถูกยึดหรืออายัด",
            "ar": "الأصول المجمدة أو المحجوزة",
            "bn": "জব্দ বা অবরুদ্ধ সম্পদ",
        },
        "assets, assets restrained, restrained, seized",
        "restrained assets worth {n}",
        local={"th": "ทรัพย์สิน", "ar": "الأصول", "bn": "সম্পদ"},
        kind="money",
    ),
    _m(
        "mla_requests",
        {
            "en": "Mutual legal assistance requests",
            "th": "คำร้องขอความช่วยเหลือซึ่งกันและกันในทางอาญา",
            "ar": "طلبات المساعدة القانونية المتبادلة",
            "bn": "পারস্পরিক আইনি সহায়তার অনুরোধ",
        },
        "mla, mla requests, mutual legal assistance",
        "made {n} mutual legal assistance {request|requests}",
        local={
            "th": "ช่วยเหลือซึ่งกันและกัน, ความช่วยเหลือซึ่งกันและกัน",
            "ar": "المساعدة القانونية, مساعدة قانونية, المساعدة القانونية المتبادلة",
            "bn": "পারস্পরিক আইনি সহায়তা, আইনি সহায়তা, এমএলএ",
        },
    ),
    _m(
        "notes",
        {"en": "Notes", "th": "หมายเหตุ", "ar": "ملاحظات", "bn": "মন্তব্য"},
        "note, comment, comments",
        "",
        local={
            "th": "บันทึก, โน้ต, ความเห็น",
            "ar": "ملاحظة, تعليق, تعليقات",
            "bn": "নোট, টীকা",
        },
        kind="text",
    ),
)
"""The shipped set, mirrored by ``[[metric_sets.default]]`` in the shipped ``bot.toml``."""
