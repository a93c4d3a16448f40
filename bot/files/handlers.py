"""Files on requests: attach what came with a command, list them for ``/show``, re-send one
with ``/file``. Only the request's parties reach a file (the command scopes check that); a
file goes only to channels approved for casework, others get a pointer."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from bot.clock import iso, local_moment
from bot.config import Person
from bot.errors import UserError
from bot.events import Attachment, IncomingFile
from bot.files import repo
from bot.files.names import extension_for, safe_name
from bot.files.repo import FileRow
from bot.i18n import Msg, Text, _, join, n_
from bot.work import Work

TYPE_NAMES = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/webp": "WebP",
    "image/heic": "HEIC",
    "application/pdf": "PDF",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word (.docx)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel (.xlsx)",
    "text/plain": "plain text",
    "audio/ogg": "voice (OGG)",
    "audio/mpeg": "MP3",
    "audio/mp4": "M4A",
    "audio/x-m4a": "M4A",
    "video/mp4": "MP4",
}


def kind_word(kind: str) -> Msg:
    """The kind of file in words."""
    if kind == "photo":
        return _("photo")
    if kind == "voice":
        return _("voice note")
    return _("document")


def size_text(size: int) -> Msg:
    """A size people read: KB below a megabyte, MB with one decimal above."""
    if size < 1024 * 1024:
        return _("{kb} KB", kb=max(1, round(size / 1024)))
    return _("{mb} MB", mb=Decimal(size * 10 // (1024 * 1024)) / 10)


def display_name(file: IncomingFile | FileRow, request_id: str, n: int) -> str:
    """The file's name for the recipient: as stored (made safe, its extension by content, at
    intake; again here for files stored before that), else one of ours."""
    return safe_name(file.name, file.mime) or f"{request_id}-{n}{extension_for(file.mime)}"


# --- refusals -----------------------------------------------------------------------------
def refuse_unfit(work: Work) -> None:
    """Raise the polite answer for the first file that was not kept (nothing changes). Files
    refused only because files are off do not stop the command: it is done without them
    and says so (:func:`not_kept`), as nothing sent again would fare better."""
    for file in work.files:
        if file.refused and file.refused != "off":
            raise UserError(_refusal(work, file))


def refuse_off(work: Work) -> None:
    """Raise the polite answer when the event's files were refused because files are off
    (for what has nothing to do but keep them)."""
    for file in work.files:
        if file.refused == "off":
            raise UserError(_refusal(work, file))


def kept(work: Work) -> tuple[IncomingFile, ...]:
    """The event's files that were stored."""
    return tuple(f for f in work.files if not f.refused)


def not_kept(work: Work) -> Text:
    """A word for files that came with a command done without them because files are off
    ('' when there were none)."""
    off = sum(1 for f in work.files if f.refused == "off")
    if not off:
        return ""
    return n_(
        "Files are not enabled on this bot, so I did not keep your file.",
        "Files are not enabled on this bot, so I did not keep your {count} files.",
        off,
    )


def _refusal(work: Work, file: IncomingFile) -> Text:
    settings = work.ctx.settings.files
    if file.refused == "off":
        return _("Files are not enabled on this bot, so I did not keep yours; nothing was changed.")
    if file.refused == "too_big":
        return _(
            "That file is larger than {limit}, the most I can take here; nothing was changed. "
            "Please send a smaller file.",
            limit=size_text(file.limit),
        )
    if file.refused == "type":
        names = join(dict.fromkeys(TYPE_NAMES.get(t, t) for t in settings.types), ", ")
        return _(
            "I can't take that kind of file (I go by its content, not its name); nothing was "
            "changed. Files I take: {types}.",
            types=names,
        )
    return _(
        "I could not fetch that file from {channel}; nothing was changed. Please send it again.",
        channel=work.origin.channel if work.origin else "",
    )


# --- attaching ----------------------------------------------------------------------------
HOLD_FOR = timedelta(hours=1)  # a file sent without a command waits this long for its request


def hold_files(work: Work) -> None:
    """Files sent without a command (a photo without a caption: LINE has no captions) wait
    for "attach to R-…" from the same person."""
    actor = work.actor
    assert actor is not None
    refuse_off(work)
    work.files_taken = True
    for file in work.files:
        repo.hold(work.db, actor.id, file, work.stamp)
        work.audit("file.held", "", f"{file.kind} sha256:{file.sha256} {file.size} B")
    work.reply(
        n_(
            "I have your file. Which request is it for? Answer /attach <id> (or "
            '"attach to <id>") within the hour.',
            "I have your {count} files. Which request are they for? Answer /attach <id> (or "
            '"attach to <id>") within the hour.',
            len(work.files),
        ),
        sensitive=False,
    )


def take_held(work: Work) -> None:
    """The files the actor sent without a command in the last hour become this event's."""
    actor = work.actor
    assert actor is not None
    work.files = tuple(repo.take_held(work.db, actor.id, iso(work.now - HOLD_FOR)))


def attach(
    work: Work, request_id: str, people: list[Person], who: Text, urgent: bool = False
) -> int:
    """Link the event's stored files to the request and send each to ``people`` (never the
    actor, ``urgent`` as the text they came with: not held for quiet hours unless urgent ones
    are); return how many were new. A file the request already holds (a platform's
    redelivery, the same photo twice) is neither stored nor sent again."""
    actor = work.actor
    assert actor is not None
    work.files_taken = True
    limit, added = work.ctx.settings.files.per_request, 0
    for file in kept(work):
        if repo.count(work.db, request_id) >= limit:
            raise UserError(
                _(
                    "{id} already has {count} files, the most a request may have; nothing was "
                    "changed.",
                    id=request_id,
                    count=limit,
                )
            )
        n = repo.add(work.db, request_id, file, actor.id, work.stamp)
        if n is None:
            continue
        added += 1
        work.audit("file.attached", request_id, f"{file.kind} sha256:{file.sha256} {file.size} B")
        name = display_name(file, request_id, n)
        text = join(
            [
                _(
                    "{id} · {who} sent a {kind}: {name} ({size}).",
                    id=request_id,
                    who=who,
                    kind=kind_word(file.kind),
                    name=name,
                    size=size_text(file.size),
                ),
                _(
                    "/file {id} {n} sends it again; /reply {id} <text> to answer.",
                    id=request_id,
                    n=n,
                ),
            ]
        )
        attachment = _attachment(file.sha256, file.size, file.mime, file.kind, name)
        for person in people:
            if person.id != actor.id:
                work.notify(person, text, subject=request_id, urgent=urgent, attachment=attachment)
    return added


def _attachment(sha256: str, size: int, mime: str, kind: str, name: str) -> Attachment:
    return Attachment("", name, mime, photo=kind == "photo", blob=sha256, size=size)


# --- listing and re-sending ---------------------------------------------------------------
def show_lines(work: Work, request_id: str, zone: str) -> list[Text]:
    """The request's files for ``/show`` (nothing when it has none)."""
    rows = repo.listing(work.db, request_id)
    if not rows:
        return []
    lines: list[Text] = ["", _("Files (/file {id} <number> sends one):", id=request_id)]
    for row in rows:
        lines.append(
            _(
                "{n}. {name} · {kind}, {size} · {who} · {at} {zone}",
                n=row.n,
                name=display_name(row, request_id, row.n),
                kind=kind_word(row.kind),
                size=size_text(row.size),
                who=_sender(work, row.sender_id),
                **local_moment(row.created_at, zone),
            )
        )
    return lines


def _sender(work: Work, person_id: str) -> str:
    person = work.directory.people.get(person_id)
    return person.name if person else person_id


@dataclass(frozen=True)
class FileArgs:
    """``/file <id> <number>``; ``shown`` is a number too long to write in full, shortened."""

    request_id: str
    n: int
    shown: str = ""


MOST_FILES = 2**31
"""Above any file number a request can have (and within what the database can compare)."""
MOST_DIGITS = 24  # longer numbers are no file's: not converted (int() refuses 4,300 digits)
SHOWN_DIGITS = 12  # of such a number, in the answer that there is no such file


def parse_file_args(text: str) -> FileArgs:
    """``<id> <number>``; a number of more than :data:`MOST_DIGITS` digits is capped."""
    words = text.split()
    if len(words) != 2 or not words[1].isdecimal():  # (isdigit() takes "²", which int() refuses)
        raise UserError(_("Which request, and which file? Give the id and the file's number."))
    typed = words[1]
    digits = "".join(str(unicodedata.decimal(c)) for c in typed).lstrip("0")  # any script's
    if len(digits) > MOST_DIGITS:  # (nor could the answer write it: Babel stops at 25 digits)
        return FileArgs(words[0], MOST_FILES + 1, f"{typed[:SHOWN_DIGITS]}…")
    return FileArgs(words[0], int(digits or "0"))


def send_again(work: Work, args: FileArgs) -> None:
    """Send one of a request's files again, to the person asking, here."""
    request = work.subject
    request_id: str = getattr(request, "id", "")
    row = repo.get(work.db, request_id, args.n) if args.n <= MOST_FILES else None
    if row is None:
        raise UserError(
            _(
                "{id} has no file {n}. /show {id} lists its files.",
                id=request_id,
                n=args.shown or args.n,
            )
        )
    name = display_name(row, request_id, row.n)
    work.audit("file.sent_again", request_id, f"file {row.n} sha256:{row.sha256}")
    work.reply(
        _(
            "{id} · file {n}: {name} ({size}).",
            id=request_id,
            n=row.n,
            name=name,
            size=size_text(row.size),
        ),
        attachment=_attachment(row.sha256, row.size, row.mime, row.kind, name),
    )
