"""A file's name as the bot keeps and relays it.

The recipient's computer opens a file by its name's extension, whatever is inside: a text
file named ``shelter.html`` opens in a browser and runs its script, ``crew-list.bat`` runs as
a program. So the name is made safe and its extension follows the type recognised by content
(:func:`bot.files.intake.sniff`): ``shelter.html`` of plain text becomes ``shelter.txt``, a
JPEG named ``.png`` becomes ``.jpg``, a PDF named ``.pdf`` keeps its name.
"""

from __future__ import annotations

import re

import filetype

from bot.text import clean

# The extensions each type may keep, the one given to others first. Plain text is ``.txt``
# only: ``.csv`` opens in a spreadsheet, which runs formulas, and ``.bat`` (text too) runs.
EXTENSIONS: dict[str, tuple[str, ...]] = {
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "image/webp": (".webp",),
    "image/heic": (".heic",),
    "application/pdf": (".pdf",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx",),
    "text/plain": (".txt",),
    "audio/ogg": (".ogg", ".oga", ".opus"),
    "audio/mpeg": (".mp3",),
    "audio/mp4": (".m4a",),
    "audio/x-m4a": (".m4a",),
    "video/mp4": (".mp4",),
}
MOST_CHARS = 100  # a name longer is cut (its extension kept)
# Controls, path separators and what Windows refuses in a name (":" would name a hidden stream).
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\<>:"|?*]+')


def extension_for(mime: str) -> str:
    """The extension a file of type ``mime`` is given (``.bin``, which nothing opens, for a
    type no one names)."""
    known = EXTENSIONS.get(mime)
    if known:
        return known[0]
    found = filetype.get_type(mime=mime) if mime else None  # a type bot.toml added
    return f".{found.extension}" if found else ".bin"


def safe_name(name: str, mime: str) -> str:
    """``name`` made safe to show and to save, its extension the one ``mime`` calls for
    ('' when nothing of the name is left: the bot names the file itself). Applying it again
    changes nothing."""
    safe = _UNSAFE.sub("_", clean(name)).strip(" ._")  # no bidi tricks ("invoice\u202egpj.exe")
    stem, dot, extension = safe.rpartition(".")
    if not dot:
        stem, extension = safe, ""
    typed = f".{extension}"
    ending = typed if typed.lower() in EXTENSIONS.get(mime, (extension_for(mime),)) else ""
    ending = ending or extension_for(mime)
    stem = stem.strip(" ._")[: MOST_CHARS - len(ending)].rstrip(" ._")
    return f"{stem}{ending}" if stem else ""
