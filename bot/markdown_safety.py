"""People's text made safe for the Markdown report (Markdown injection).

The report's Markdown is read in renderers that turn markup into HTML. A return's note with a
line break and ``| … |`` would end a table row and add rows of its own, ``## …`` a heading,
``[click](javascript:…)`` a live link, and ``<img onerror=…>`` or ``<script>`` would run in the
reader's browser wherever raw HTML is allowed. Text written by people (a return's notes, a
period's name) goes into the file only through :func:`md_text`, which keeps it literal text on
the line it is placed in:

* the punctuation that forms code, emphasis, links, strikethrough and table cells is
  backslash-escaped in one pass, the backslash itself included, so ``a\\|b`` is written as an
  escaped backslash and an escaped pipe (never an escaped backslash and a column separator);
* ``&``, ``<`` and ``>`` become entities: no HTML, and no entity of the writer's;
* a line break becomes ``<br>``, so the text starts no line: no heading, row, list or quote.

A bare ``https://…`` may still be shown as a link by GFM renderers (their autolinks), as
written: no text hides where it goes.
"""

from __future__ import annotations

import html
import re

_MARKUP = re.compile(r"([\\`*_\[\]|~])")


def md_text(text: str) -> str:
    """``text`` as literal Markdown on one line: for a table cell, a heading or a paragraph."""
    escaped = html.escape(_MARKUP.sub(r"\\\1", text), quote=False)
    return "<br>".join(escaped.splitlines())
