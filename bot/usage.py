"""A command's usage line as its reader reads it: the command and its keywords as they are
typed, what to put in place of each ``<placeholder>`` in the reader's language.

``/request <COUNTRY> [urgent] [#category] <what you need>`` reads in Thai as ``/request
<ประเทศ> [urgent] [#หมวดหมู่] <สิ่งที่ท่านต้องการ>``: ``urgent`` is typed as it is, so only
the placeholders this table names are translated (a word in square brackets may be either).
The line is a ``typed`` join: a right-to-left reader gets each placeholder in an isolate of
its own inside the left-to-right command, so two in their script keep the order they are typed
in (bot.i18n.message.render_for_reader).
"""

from __future__ import annotations

import functools
import re

from bot.i18n import Msg, Text, _, join

PLACEHOLDERS: dict[str, Msg] = {
    "<what you need>": _("<what you need>"),
    "<COUNTRY>": _("<COUNTRY>"),
    "<COUNTRY|person-id>": _("<COUNTRY|person-id>"),
    "[COUNTRY …]": _("[COUNTRY …]"),
    "[COUNTRY]": _("[COUNTRY]"),
    "<id>": _("<id>"),
    "[id]": _("[id]"),
    "<text>": _("<text>"),
    "<number>": _("<number>"),
    "<figure>": _("<figure>"),
    "[note]": _("[note]"),
    "[outcome]": _("[outcome]"),
    "[words]": _("[words]"),
    "[#category]": _("[#category]"),  # a category's name in any language is read
    "[anything]": _("[anything]"),
    "<CODE>": _("<CODE>"),
    "[CODE]": _("[CODE]"),
    "<name>": _("<name>"),
    "<first-day>": _("<first-day>"),
    "<last-day>": _("<last-day>"),
    "<countries>": _("<countries>"),
    "<window>": _("<window>"),
    "<OP>": _("<OP>"),
    "[LANGUAGE]": _("[LANGUAGE]"),
    "[code]": _("[code]"),
    "[command|all]": _("[command|all]"),
    "<person-id>": _("<person-id>"),
    "<from-person-id>": _("<from-person-id>"),
    "<to-person-id>": _("<to-person-id>"),
}
"""What to type in each place, by the usage lines' own words (a keyword such as ``all`` in
``[command|all]`` stays as it is typed)."""

_PLACEHOLDER = re.compile("|".join(re.escape(k) for k in sorted(PLACEHOLDERS, key=len)[::-1]))


@functools.cache
def shown_usage(usage: str) -> Text:
    """``usage`` with its placeholders in each reader's language (itself when it has none)."""
    parts: list[Text] = []
    at = 0
    for match in _PLACEHOLDER.finditer(usage):
        parts += [usage[at : match.start()], PLACEHOLDERS[match[0]]]
        at = match.end()
    if not parts:
        return usage
    return join([*parts, usage[at:]], "", typed=True)
