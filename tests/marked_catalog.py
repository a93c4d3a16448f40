"""A stand-in catalog for tests: no translations ship yet, so a language's catalog is replaced
by one that marks every string it translates (``‹th›…‹/th›``). A marked answer shows that the
text went through the reader's catalog; what stays unmarked (ids, names, command words) did not.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from contextlib import contextmanager

from bot.i18n.catalogs import install_override


class MarkedCatalog(gettext.NullTranslations):
    """Wraps each translated string in ``‹code›…‹/code›``."""

    def __init__(self, code: str) -> None:
        super().__init__()
        self.code = code

    def gettext(self, message: str) -> str:
        return f"‹{self.code}›{message}‹/{self.code}›"

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return self.gettext(msgid1 if n == 1 else msgid2)


@contextmanager
def marked(language: str = "th") -> Iterator[None]:
    """``language`` reads through a :class:`MarkedCatalog` inside the block."""
    install_override(language, MarkedCatalog(language))
    try:
        yield
    finally:
        install_override(language, None)
