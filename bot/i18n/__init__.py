"""Every word the bot says, in the language of the person who reads it.

Handlers never build final text: they build :class:`Msg` values with :func:`_` and :func:`n_`
(``_("Request {id} sent to {name}.", id=rid, name=person.name)``), and the unit of work renders
each one in its recipient's language when it queues the message (:func:`render`). So one
broadcast frame reaches a Thai and an Arabic reader each in their own language, and a refusal
raised deep inside a parser is still answered in the sender's.

Parameters are formatted by type, with the language's CLDR rules through Babel: ``int`` and
``Decimal`` as numbers (grouping, and the language's own digits where CLDR says so), ``date``
and ``datetime`` in the language's medium style, a nested ``Msg`` rendered in the same
language, and ``str`` as written (names, ids, and text people wrote are never translated).
"""

from __future__ import annotations

from bot.i18n.languages import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    is_rtl,
    resolve_language,
)
from bot.i18n.message import (
    LanguageName,
    Localised,
    Msg,
    ShownNumber,
    Text,
    ZoneOffset,
    _,
    in_sentence,
    isolate_command,
    isolate_commands,
    join,
    language_list,
    listed,
    n_,
    number,
    own_names,
    render,
    render_for_reader,
)

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "LanguageName",
    "Localised",
    "Msg",
    "ShownNumber",
    "ZoneOffset",
    "Text",
    "_",
    "in_sentence",
    "is_rtl",
    "isolate_command",
    "isolate_commands",
    "join",
    "language_list",
    "listed",
    "n_",
    "number",
    "own_names",
    "render",
    "render_for_reader",
    "resolve_language",
]
