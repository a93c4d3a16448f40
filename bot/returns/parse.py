"""The one-line return: ``arrests 10, victims assisted 6, search warrants: 5, notes: …``.

Items are separated by ``;``, new lines, or a comma that is not inside a number (``1,200``
stays whole; ``10,5`` stays whole too and is then refused as ambiguous; an Arabic comma ``،``
or semicolon ``؛``, and Myanmar's ``၊``, separate too). Each item is
``name value``, ``name: value``, ``name=value`` or ``value name``; names are keys, labels or
aliases in any language and case; figures are digits of any script, or number words in English
or the sender's language (see :mod:`bot.numbers`). In Thai and Myanmar, written without spaces
between words, a name may touch its digits (``จับกุม10``, ``จับกุม๑๐คน``; see
:data:`~bot.returns.metric_values.GLUED`); in Latin script ``arrests10`` stays unknown. Names
of one figure around one value are that figure, in any order (``trained officers 5``: both
words name officers trained). Every problem is collected, so one answer lists all of them,
and nothing is kept unless every item is valid.

Figures may also follow one another without commas (``arrests 10 victims 2``, or
``10 arrests 2 victims``) where that splits one way only: the known names and the words between
them alternate, every figure named on the same side of its value. Otherwise the answer asks
for commas (``arrests 10 6 victims``, ``arrests forty two victims``) rather than guess.

A text figure (``notes``) is free text, so nothing in it separates: its name comes first (the
first word naming a text figure starts it, comma before it or not) and its value is everything
after the name (and its ``:`` or ``=``) to the end of the message, commas, semicolons, new
lines, numbers and figure names included; put it last. Figures before it are read as above;
so are the parts at its end that are each a figure named first, typed after the note
(``notes: raid, 2 boats, arrests 3``: arrests 3 is a figure; ``2 boats``, or a figure-like
part with the note's words after it, stays the note's).
Where a metric set has several text figures, one's value stops where another begins with its
name and a colon after a separator (``…, operation: Sea Shield, notes: raid, 2 boats``); a
note that itself says ``, operation: …`` is therefore read as two, as its summary shows before
anything is kept. The text figure's own names inside it stay text.

A filled-in form (a Slack modal) travels as ``/return … submit`` with one ``key: value`` per
line instead, so a comma inside a note cannot split it; :func:`field_errors` checks a form's
answers field by field without any I/O, for adapters that must show errors on the fields
before they answer their platform.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from typing import NamedTuple

from bot.errors import UserError
from bot.events import Form, FormField
from bot.i18n import Text, _, join, n_, render
from bot.numbers import TENS, UNITS, ZERO_WORDS
from bot.returns.metric_values import WORD as _WORD
from bot.returns.metric_values import Value, parse_kind, parse_value, shown
from bot.returns.metrics import Metric, Schema
from bot.text import country_code

_ITEMS = re.compile(r"\s*(?:[;\n\u061b\u060c\u104a]|,(?!\d))\s*")  # \d: digits of any script
_KEYED = re.compile(r"^(?P<key>[^:=]*?)\s*[:=]\s*(?P<value>.*)$", re.DOTALL)
_COLON = re.compile(r"[:=]")
_TEXT_EDGES = " \t\r\n,;\u060c\u061b\u104a"  # stripped off a text figure's value

_Figures = list[tuple[Metric, Value]]


def parse_line(
    schema: Schema, text: str, language: str = "en", currencies: tuple[str, ...] = ()
) -> dict[str, Value]:
    """Values by metric key, in the order given; ``language`` is the sender's (number words),
    ``currencies`` the configured ones (the example when a currency code is unknown).

    Raises:
        UserError: listing every item that is wrong (unknown name with a "did you mean",
            bad number, a figure given twice); nothing is returned then.
    """
    names = _Names(schema)
    items, texts = names.split(text.strip(), partial(_is_figure, schema, language, currencies))
    readers: list[Callable[[], _Figures]] = [
        partial(_figures, names, item, language, currencies) for item in items if item.text
    ]
    readers += [partial(_text, metric, raw, language) for metric, raw in texts]
    return _collect(schema, readers)


def parse_filled(
    schema: Schema, text: str, language: str = "en", currencies: tuple[str, ...] = ()
) -> dict[str, Value]:
    """A filled-in form's figures: one ``name: value`` per line (see :func:`filled_line`).

    Raises:
        UserError: listing every line that is wrong, as :func:`parse_line` does.
    """
    return _collect(
        schema,
        [
            partial(_one, _parse_keyed, schema, line.strip(), language, currencies)
            for line in text.splitlines()
            if line.strip()
        ],
    )


def _one(
    parse: Callable[[Schema, str, str, tuple[str, ...]], tuple[Metric, Value]],
    schema: Schema,
    item: str,
    language: str,
    currencies: tuple[str, ...],
) -> _Figures:
    """``parse`` as a reader of :func:`_collect`, for an item that holds one figure."""
    return [parse(schema, item, language, currencies)]


def _parse_keyed(
    schema: Schema, line: str, language: str = "en", currencies: tuple[str, ...] = ()
) -> tuple[Metric, Value]:
    """``name: value``, split at the first colon only (a note may hold more)."""
    name, _colon, raw = line.partition(":")
    metric = schema.find(name)
    if metric is None:
        raise _unknown(schema, name.strip())
    return metric, parse_value(metric, raw, language, currencies)


class _Problems(UserError):
    """Several problems found in one item (figures written without commas)."""

    def __init__(self, problems: list[Text]) -> None:
        super().__init__(join(problems))
        self.problems = problems


def _collect(schema: Schema, readers: Iterable[Callable[[], _Figures]]) -> dict[str, Value]:
    """Read every item, collecting every problem, so one answer lists all of them."""
    found: dict[str, Value] = {}
    problems: list[Text] = []
    unknown: list[str] = []  # names with nothing close: refused together, the figures once
    for read in readers:
        try:
            figures = read()
        except UnknownName as exc:
            unknown.append(exc.name)
            continue
        except _Problems as exc:
            problems += exc.problems
            continue
        except UserError as exc:
            problems.append(exc.text)
            continue
        for metric, value in figures:
            if metric.key in found:
                problems.append(
                    _(
                        "{metric} is given twice ({first} and {second}); give it once",
                        metric=metric.text,
                        first=shown(found[metric.key]),
                        second=shown(value),
                    )
                )
            found[metric.key] = value
    if unknown:
        problems.append(_unknown_names(schema, list(dict.fromkeys(unknown))[:MAX_PROBLEMS]))
    if problems:
        raise UserError(join([_("Nothing was saved. Please fix:"), *_bullets(problems)]))
    if not found:
        raise UserError(_("Which figures? e.g. /return arrests 10, victims assisted 6"))
    return found


MAX_PROBLEMS = 10
"""Problems listed in one answer at most (each said once): a pasted line repeating one
mistake 2,000 times was answered with 2,000 identical lines, far beyond a chat message."""


def _bullets(problems: list[Text]) -> list[Text]:
    distinct = list({str(p): p for p in problems}.values())
    bullets: list[Text] = [_("• {problem}", problem=p) for p in distinct[:MAX_PROBLEMS]]
    more = len(distinct) - MAX_PROBLEMS
    if more > 0:
        bullets.append(n_("…and {count} more problem.", "…and {count} more problems.", more))
    return bullets


def _text(metric: Metric, raw: str, language: str) -> _Figures:
    """A text figure: all of ``raw`` (a note may say "joint with", or hold numbers)."""
    return [(metric, parse_value(metric, raw.strip(_TEXT_EDGES), language))]


def _figures(names: _Names, item: _Item, language: str, currencies: tuple[str, ...]) -> _Figures:
    """One item: a figure, or several written without commas where they split one way only."""
    try:
        return [parse_item(names.schema, item.text, language, currencies)]
    except UserError:
        several = names.several(item, language, currencies)
        if several is None:
            raise
        return several


class _Name(NamedTuple):
    """A metric's name found in a line: where it starts and ends (after its ``:``, if any)."""

    metric: Metric
    start: int
    end: int
    keyed: bool  # followed by ":" or "="
    words: int  # how many words it takes, the word holding its colon included


class _Item(NamedTuple):
    """One item of a line (before any text figure) and the names in it."""

    line: str
    span: range
    tokens: list[_Name | range]

    @property
    def text(self) -> str:
        return self.line[self.span.start : self.span.stop].strip()


class _Names:
    """Where a schema's names are in a line, word by word, the longest name first."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        names = [n for m in schema.metrics for n in m.names]
        self.longest = max((len(n.split()) for n in names), default=1)
        self.text_metrics = {m.key for m in schema.metrics if m.kind == "text"}
        self._found: dict[str, Metric | None] = {}

    def _find(self, name: str) -> Metric | None:
        if name not in self._found:
            self._found[name] = self.schema.find(name) if name.strip() else None
        return self._found[name]

    def at(self, text: str, words: list[re.Match[str]], i: int) -> _Name | None:
        """The longest name starting at ``words[i]`` (``name``, ``name:`` or ``name:value``)."""
        for k in range(min(self.longest, len(words) - i), 0, -1):
            start, last = words[i].start(), words[i + k - 1]
            colon = _COLON.search(text, start, last.end())
            if colon and colon.start() < last.start():
                continue  # a colon in an earlier word: the name, if any, is shorter
            name = text[start : colon.start() if colon else last.end()]
            metric = self._find(name)
            if metric is not None:
                end = colon.end() if colon else last.end()
                return _Name(metric, start, end, colon is not None, k)
        return None

    def tokens(self, text: str, start: int = 0, end: int | None = None) -> list[_Name | range]:
        """The names in ``text[start:end]`` and, between them, the spans of the other words."""
        words = list(_WORD.finditer(text, start, len(text) if end is None else end))
        tokens: list[_Name | range] = []
        i = 0
        while i < len(words):
            name = self.at(text, words, i)
            if name is None:
                other = range(words[i].start(), words[i].end())
                i += 1
            else:
                tokens.append(name)
                i += name.words
                other = range(name.end, words[i - 1].end())  # "arrests:10" holds a value
            if not other:
                continue
            if tokens and isinstance(tokens[-1], range):
                other = range(tokens.pop().start, other.stop)
            tokens.append(other)
        return tokens

    def split(
        self, text: str, is_figure: Callable[[str], bool]
    ) -> tuple[list[_Item], list[tuple[Metric, str]]]:
        """The items before the first text figure's name, and the text figures with their
        values, each running to another text figure's ``name:``, to a part that ``is_figure``
        (after a separator), or to the end; what follows such a figure is read again."""
        items: list[_Item] = []
        for span in _spans(text, 0, len(text)):
            tokens = self.tokens(text, span.start, span.stop)
            for i, token in enumerate(tokens):
                if isinstance(token, _Name) and token.metric.key in self.text_metrics:
                    items.append(_Item(text, range(span.start, token.start), tokens[:i]))
                    texts, rest = self._texts(text, token, is_figure)
                    if not rest:
                        return items, texts
                    more_items, more_texts = self.split(rest, is_figure)
                    return items + more_items, texts + more_texts
            items.append(_Item(text, span, tokens))
        return items, []

    def _texts(
        self, text: str, first: _Name, is_figure: Callable[[str], bool]
    ) -> tuple[list[tuple[Metric, str]], str]:
        """The text figures from ``first`` on, and the figures typed after them, if any: the
        parts at the end that are each a figure named first ("notes: raid, arrests 3"). One
        followed by words again ("…, seized USD 500, officers trained 40 in the week") is
        the note's own."""
        found: list[tuple[Metric, str]] = []
        current = first
        parts = [s for s in _spans(text, first.end, len(text)) if s.start != first.end]
        after = len(parts)
        while after and is_figure(text[parts[after - 1].start : parts[after - 1].stop]):
            after -= 1
        end = parts[after].start if after < len(parts) else len(text)
        for item in parts[:after]:
            words = list(_WORD.finditer(text, item.start, item.stop))
            name = self.at(text, words, 0) if words else None
            if (
                name is not None
                and name.keyed
                and name.metric.key in self.text_metrics
                and name.metric.key != current.metric.key
            ):
                found.append((current.metric, text[current.end : item.start]))
                current = name
        found.append((current.metric, text[current.end : end]))
        return found, text[end:]

    def several(self, item: _Item, language: str, currencies: tuple[str, ...]) -> _Figures | None:
        """The figures of an item holding several without commas (``arrests 10 victims 2``),
        or one named in several words (``trained officers 5``); None when it names one figure
        or none, so its own error stands.

        Raises:
            UserError: they do not split one way only: please use commas.
            _Problems: they split, but some values are wrong (each named by its figure).
        """
        if sum(isinstance(t, _Name) for t in item.tokens) < 2:
            return None
        one = _one_named(item, language, currencies)
        if one is not None:
            return one
        tokens = _merged(item.tokens)
        named = [isinstance(t, _Name) for t in tokens]
        name_first = named[0]
        alternate = len(tokens) % 2 == 0 and all(
            is_name == ((i % 2 == 0) == name_first) for i, is_name in enumerate(named)
        )
        if not alternate:
            raise UserError(
                _(
                    "I can't tell where each figure ends in '{text}'; please separate "
                    "figures with commas, e.g. arrests 10, victims assisted 6",
                    text=item.text[:60],
                )
            )
        figures: _Figures = []
        problems: list[Text] = []
        pairs = zip(tokens[::2], tokens[1::2], strict=True)
        for first, second in pairs:
            name, raw = (first, second) if name_first else (second, first)
            assert isinstance(name, _Name) and isinstance(raw, range)
            try:
                raw_value = item.line[raw.start : raw.stop]
                value = parse_answer(name.metric, raw_value, language, currencies)
            except UserError as exc:
                problems.append(exc.text)
                continue
            figures.append((name.metric, value))
        if problems:
            raise _Problems(problems)
        return figures


def _one_named(item: _Item, language: str, currencies: tuple[str, ...]) -> _Figures | None:
    """One figure whose names all mean it, around one value (``trained officers 5``,
    ``5 trained officers``); None when the names mean several figures or there are more values.

    Raises:
        UserError: the value is missing or wrong (named by its figure, as when alone).
    """
    names = [t.metric for t in item.tokens if isinstance(t, _Name)]
    values = [t for t in item.tokens if isinstance(t, range)]
    if len(values) > 1 or any(m.key != names[0].key for m in names):
        return None
    if not values:
        raise _missing(names[0])
    raw = item.line[values[0].start : values[0].stop]
    return [(names[0], parse_answer(names[0], raw, language, currencies))]


def _merged(tokens: list[_Name | range]) -> list[_Name | range]:
    """``tokens`` with names of one figure next to each other as one name: the first."""
    merged: list[_Name | range] = []
    for token in tokens:
        last = merged[-1] if merged else None
        if (
            isinstance(token, _Name)
            and isinstance(last, _Name)
            and last.metric.key == token.metric.key
        ):
            continue  # "arrests 2 trained officers 5": "trained officers" names one figure
        merged.append(token)
    return merged


def _spans(text: str, start: int, end: int) -> list[range]:
    """Where the items of ``text[start:end]`` are, their separators left out."""
    spans, at = [], start
    for separator in _ITEMS.finditer(text, start, end):
        spans.append(range(at, separator.start()))
        at = separator.end()
    spans.append(range(at, end))
    return spans


def parse_item(
    schema: Schema, item: str, language: str = "en", currencies: tuple[str, ...] = ()
) -> tuple[Metric, Value]:
    """One ``name value`` item, perhaps with a joint operation (``joint with MY op:X``)."""
    rest, op, partner = split_joint(item)
    name, raw = split_item(schema, rest)
    metric = schema.find(name)
    if metric is not None and metric.kind == "text" and (op or partner):
        name, raw = split_item(schema, item)  # a note may say "joint with": it is all text
        metric, op, partner = schema.find(name), "", ""
    if metric is None:
        raise _unknown(schema, name)
    if not raw.strip():
        raise _missing(metric)
    value = parse_value(metric, raw, language, currencies)
    return metric, _joined(metric, value, op, partner)


def _missing(metric: Metric) -> UserError:
    return UserError(
        _("{metric}: the figure is missing (e.g. {key} 3)", metric=metric.text, key=metric.key)
    )


def parse_answer(
    metric: Metric, raw: str, language: str = "en", currencies: tuple[str, ...] = ()
) -> Value:
    """One answer of the guided form: the figure, perhaps with a joint operation."""
    if metric.kind == "text":
        return parse_value(metric, raw, language, currencies)
    rest, op, partner = split_joint(raw)
    return _joined(metric, parse_value(metric, rest, language, currencies), op, partner)


_JOINT_WITH = re.compile(r"(?:^|\s)joint\s+with\s+(?P<partner>\S+)", re.IGNORECASE)
_JOINT_OP = re.compile(r"(?:^|\s)op\s*[:=]\s*(?P<op>\S+)", re.IGNORECASE)
_OP_SHAPE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,31}$")


def split_joint(item: str) -> tuple[str, str, str]:
    """Take ``joint with <country>`` and ``op:<reference>`` out of an item.

    Returns:
        The item without them, the operation reference and the partner (upper case; empty
        when the item is not joint). Checked for shape only: whether the partner is a known
        country is for the caller, which knows the directory.
    """
    partner_match, op_match = _JOINT_WITH.search(item), _JOINT_OP.search(item)
    if not partner_match and not op_match:
        return item, "", ""
    rest = _JOINT_OP.sub(" ", _JOINT_WITH.sub(" ", item)).strip()
    partner = country_code(partner_match["partner"]) if partner_match else ""
    op = op_match["op"].upper().rstrip(".") if op_match else ""
    return rest, op, partner


def _joined(metric: Metric, value: Value, op: str, partner: str) -> Value:
    """``value`` carrying its joint operation, once the reference and partner are checked."""
    if not op and not partner:
        return value
    label = metric.text
    if metric.kind != "count":
        raise UserError(
            _(
                "{metric}: only counted figures can be joint "
                "(e.g. arrests 4 joint with MY op:SONGKHLA-3)",
                metric=label,
            )
        )
    if not partner:
        raise UserError(
            _(
                "{metric}: a joint figure needs the partner country (joint with MY); "
                "e.g. arrests 4 joint with MY op:SONGKHLA-3",
                metric=label,
            )
        )
    if not op:
        raise UserError(
            _(
                "{metric}: a joint figure needs the operation (op:X); "
                "e.g. arrests 4 joint with MY op:SONGKHLA-3",
                metric=label,
            )
        )
    if len(partner) != 2 or not partner.isalpha():
        raise UserError(
            _(
                "{metric}: '{code}' is not a country code "
                "(e.g. arrests 4 joint with MY op:SONGKHLA-3)",
                metric=label,
                code=partner[:10],
            )
        )
    if not _OP_SHAPE.match(op):
        raise UserError(
            _(
                "{metric}: the operation reference '{op}' should be letters, digits and "
                "hyphens, at most 32 (e.g. arrests 4 joint with MY op:SONGKHLA-3)",
                metric=label,
                op=op[:40],
            )
        )
    return Value(value.amount, value.currency, value.text, op, partner)


def _is_figure(schema: Schema, language: str, currencies: tuple[str, ...], part: str) -> bool:
    """Whether a part of a note after a separator is a figure as a return gives one, named
    first (``arrests 3``, ``victims assisted: 2``): one typed after the note, not its words
    ("2 victims", or "arrests 3 expected next week", stay the note's)."""
    part = part.strip()
    try:
        metric, _value = parse_item(schema, part, language, currencies)
    except UserError:
        return False
    name, _raw = split_item(schema, part)
    return metric.kind != "text" and part.lower().startswith(name.lower())


def split_item(schema: Schema, item: str) -> tuple[str, str]:
    """Separate the name from the value: explicit ``:``/``=``, else the longest known name."""
    keyed = _KEYED.match(item)
    if keyed and keyed["key"] and schema.find(keyed["key"]):
        return keyed["key"], keyed["value"]
    words = _WORD.findall(item)  # ``จับกุม10`` is two words
    for cut in range(len(words) - 1, 0, -1):
        if schema.find(" ".join(words[:cut])):
            return " ".join(words[:cut]), " ".join(words[cut:])
    for cut in range(1, len(words)):
        if schema.find(" ".join(words[cut:])):
            return " ".join(words[cut:]), " ".join(words[:cut])
    if keyed and keyed["key"]:
        return keyed["key"], keyed["value"]
    return _guess_split(words)


_NUMBER_WORDS = {*UNITS, *TENS[2:], *ZERO_WORDS}


def _guess_split(words: list[str]) -> tuple[str, str]:
    """No known name: take a trailing number-like word as the value, for the "did you mean"."""
    last = words[-1] if len(words) > 1 else ""
    if any(c.isdigit() for c in last) or last.lower().split("-")[0] in _NUMBER_WORDS:
        return " ".join(words[:-1]), last
    return " ".join(words), ""


class UnknownName(UserError):
    """A figure's name that is no metric's and close to none: :func:`parse_line` names every
    such name in one refusal, with the figures listed once."""

    def __init__(self, schema: Schema, name: str) -> None:
        super().__init__(_unknown_names(schema, [name]))
        self.name = name


def _unknown(schema: Schema, name: str) -> UserError:
    """Why ``name`` is refused: the closest metric when one is close (said, not asked: a
    "did you mean …?" drew a "yes" that nothing could take), else unknown."""
    guess = schema.suggest(name) if name else None
    if guess:
        return UserError(
            _(
                "I don't know '{name}'; the closest figure is '{guess}'.",
                name=name[:40],
                guess=guess.lower_text,
            )
        )
    return UnknownName(schema, name[:40])


def _unknown_names(schema: Schema, names: list[str]) -> Text:
    """One refusal for every unknown name, listing the figures once, as the reader sees them
    (their labels in the reader's language); nameless items are told only when alone."""
    named = list(dict.fromkeys(n for n in names if n))
    known = join([m.text for m in schema.metrics], ", ")
    if not named:
        return _("A figure has no name. The figures are: {known}", known=known)
    if len(named) == 1:
        return _("I don't know '{name}'. The figures are: {known}", name=named[0], known=known)
    return _(
        "I don't know these names: {names}. The figures are: {known}",
        names=join([f"'{n}'" for n in named], ", "),
        known=known,
    )


# --- forms ----------------------------------------------------------------------------------
def field_errors(form: Form, raw: Mapping[str, str], language: str = "en") -> dict[str, str]:
    """What is wrong with each answer of a filled-in form, by field key, in ``language``;
    empty when all is well.

    Pure and quick on purpose: Slack shows errors on a modal's fields only in the answer to
    the submission, within 3 seconds, so the adapter calls this before anything reaches the
    core. The core checks the filled line again (:func:`parse_filled`), so an adapter that
    skipped this could still not save a bad figure.
    """
    errors = {
        f.key: render(e, language)
        for f in form.fields
        if (e := _field_error(f, raw.get(f.key) or "", language))
    }
    if not errors and form.fields and not any((raw.get(f.key) or "").strip() for f in form.fields):
        errors[form.fields[0].key] = render(_("Please fill in at least one figure."), language)
    return {key: _capitalised(text) for key, text in errors.items()}


def _field_error(field: FormField, raw: str, language: str) -> Text:
    if not raw.strip():
        if not field.required:
            return ""
        return _("Required.") if field.kind == "text" else _("Required (0 if none).")
    try:
        parse_kind(field.kind, raw, language)
    except UserError as exc:
        return exc.text
    return ""


def _capitalised(text: str) -> str:
    """An error shown alone on a field starts with a capital (where the script has them)."""
    return text[:1].upper() + text[1:]


def filled_line(form: Form, raw: Mapping[str, str]) -> str:
    """The command line a filled-in form sends: ``submit``, then one ``key: value`` per line.

    Empty fields are left out, so they leave a figure as it is; line breaks inside an answer
    become spaces, since each line is one answer.
    """
    items = [
        f"{f.key}: {' '.join((raw.get(f.key) or '').split())}"
        for f in form.fields
        if (raw.get(f.key) or "").strip()
    ]
    return f"{form.submit} " + "\n".join(items)
