"""The core's own inbound events and outbound messages.

Adapters translate platform payloads into these frozen types and back; nothing here knows a
platform. Platform ids travel as opaque strings inside :class:`Sender` and :class:`ChatRef`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace

from bot.frozen import made_quickly
from bot.i18n import DEFAULT_LANGUAGE, Text, _, render


def drawn(text: Text) -> str:
    """A label as an adapter draws it. Work renders every label in its reader's language when
    it queues a message, so adapters hold plain text; a message that reached an adapter
    unrendered is drawn in the default language rather than failing."""
    return render(text, DEFAULT_LANGUAGE)


@made_quickly
@dataclass(frozen=True, slots=True)
class Sender:
    """Who sent an event: a channel name and that channel's user id (plus workspace if any)."""

    channel: str
    user_id: str
    workspace: str = ""


@made_quickly
@dataclass(frozen=True, slots=True)
class ChatRef:
    """Where an event came from and where a reply goes back to."""

    channel: str
    chat_id: str
    private: bool = True


@dataclass(frozen=True, slots=True)
class Inbound:
    """Base of inbound events. ``event_id`` is the platform's unique id for de-duplication."""

    event_id: str
    sender: Sender
    chat: ChatRef


@dataclass(frozen=True, slots=True)
class IncomingFile:
    """A file that came with a message.

    The adapter fills in where the platform keeps it (``remote``: a file id or URL that only
    the adapter understands), the kind and the size it declares; the app then stores it
    (:mod:`bot.files.intake`) and fills in ``sha256`` and ``mime`` (by content), or says in
    ``refused`` why not. ``name`` is shown to the recipient only and is never logged.
    """

    remote: str
    name: str = ""
    kind: str = "document"  # "photo", "document" or "voice"
    size: int = 0  # as declared by the platform (0: not said); the stored size once stored
    sha256: str = ""
    mime: str = ""
    refused: str = ""  # "off", "too_big", "type" or "" (stored)
    limit: int = 0  # the limit that refused it, in bytes, for the answer


@made_quickly
@dataclass(frozen=True, slots=True)
class TextMessage(Inbound):
    """A text message; the core parses commands (``/name args``) out of it. ``files`` are
    the photos, documents and voice notes sent with it.

    ``language`` (here and on :class:`ButtonPress`) is the language the sender's chat app is
    set to, as a code of :data:`bot.i18n.LANGUAGES` the bot has a catalog for (or the default
    language); "" when the platform does not say or the bot does not speak it. The core
    answers in it someone whose own language it does not know yet (a stranger, or a person who
    chose none); a person's choice wins."""

    text: str = ""
    addressed: bool = True  # False for group chatter not aimed at the bot
    files: tuple[IncomingFile, ...] = ()
    edited: bool = False  # an edit of a message sent before: the core says edits change nothing
    # The bot's message this one answers (the platform's own reply), by the id the adapter's
    # send returned for it; "" when it answers none. A reply to a message about a request is
    # taken as /reply on that request.
    replied_to: str = ""
    language: str = ""  # the sender's app language, where the bot speaks it (see above)
    # What makes this message the same as another for someone replaying it (a copy of a mail
    # sent again under a new id): the same key from the same channel again within
    # :data:`bot.inbound_store.REPLAY_WINDOW`, under another ``event_id``, is dropped; on any
    # replica and after a restart, as the key is stored. "" where a copy is a new message.
    replay_key: str = ""


@made_quickly
@dataclass(frozen=True, slots=True)
class ButtonPress(Inbound):
    """A press on a button the bot sent; ``command`` is the command line the button carries."""

    command: str = ""
    message_id: str = ""
    language: str = ""  # the sender's app language, where the bot speaks it (see TextMessage)


@dataclass(frozen=True, slots=True)
class FormField:
    """One answer a form asks for.

    ``kind`` is a metric kind (``count``, ``money`` or ``text``) so an adapter can pick a fitting
    input (a number field for counts); ``value`` is what the field holds now, written as a
    person would type it ('' for nothing yet).
    """

    key: str
    label: Text
    kind: str = "count"
    required: bool = False
    value: str = ""
    hint: Text = ""


@dataclass(frozen=True, slots=True)
class Form:
    """Several answers given at once, for platforms that can show a form (a Slack modal).

    The core describes the form; the adapter draws it, checks the answers with
    :func:`bot.returns.parse.field_errors` so mistakes show on their fields at once, and sends
    the filled form back as one ordinary command line
    (:func:`bot.returns.parse.filled_line`: ``submit`` and one ``key: value`` per line), which
    the core checks again, so saving, permissions, audit and de-duplication stay in the core.
    """

    title: Text
    submit: Text
    fields: tuple[FormField, ...]
    intro: Text = ""
    send_label: Text = _("Submit")  # the platform's own buttons on the form
    close_label: Text = _("Cancel")

    def rendered(self, language: str) -> Form:
        """The form with every label in ``language`` (the adapter draws plain text)."""
        return Form(
            render(self.title, language),
            render(self.submit, language),
            tuple(
                replace(f, label=render(f.label, language), hint=render(f.hint, language))
                for f in self.fields
            ),
            render(self.intro, language),
            render(self.send_label, language),
            render(self.close_label, language),
        )


@dataclass(frozen=True, slots=True)
class DeliveryReport(Inbound):
    """A platform saying, after it accepted a message, that it was not delivered after all
    (an SMS "undelivered" status, a failed-delivery callback). ``platform_id`` is the id
    ``Adapter.send`` returned for it."""

    platform_id: str = ""
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Button:
    """An action offered with a message. Pressing it runs ``command`` as the presser.

    A button with a ``form`` opens that form where the platform has forms; elsewhere it runs
    ``command`` like any button, which should then offer the same answers as text. The form
    lives only in memory: a message resent after a restart carries the plain button.
    """

    label: Text
    command: str
    form: Form | None = None


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with a message (a chart, a workbook): a path under the reports directory.

    ``photo`` marks a picture a platform may show inline; anything else goes as a document.
    A file on a request has ``blob`` (its content hash in the encrypted store) instead of a
    path: the outbox decrypts it to a temporary ``path`` just for the send. A report asked for
    in chat has ``report`` (``<period code> chart|xlsx``) instead: the outbox makes the file
    when it sends it, off the store's transaction (a chart takes a second or two to draw).
    """

    path: str
    filename: str
    mime: str
    photo: bool = False
    blob: str = ""
    size: int = 0
    report: str = ""

    def to_json(self) -> str:
        """How the outbox stores it."""
        return json.dumps(
            [self.path, self.filename, self.mime, self.photo, self.blob, self.size, self.report]
        )

    @classmethod
    def from_json(cls, text: str | None) -> Attachment | None:
        """Read it back from the outbox (None for a message without a file)."""
        if not text:
            return None
        path, filename, mime, photo, *rest = json.loads(text)
        blob, size, report = (rest + ["", 0, ""][len(rest) :])[:3]  # older rows lack the last
        return cls(path, filename, mime, bool(photo), str(blob), int(size), str(report))


@made_quickly
@dataclass(frozen=True, slots=True)
class Outbound:
    """A message owed to someone, as stored in the outbox.

    ``address`` is the channel's chat or user id; ``text`` is plain text that the adapter
    escapes for its platform.
    """

    id: int
    channel: str
    address: str
    text: str
    person_id: str | None = None
    buttons: tuple[Button, ...] = field(default=())
    attempts: int = 0
    created_at: str = ""  # store format (UTC ISO); the outbox expires what waits too long
    attachment: Attachment | None = None  # a file to send with the text, where it can go
    # The platform ids of the parts that went already, of a message sent as several whose
    # send failed part-way: a retry (by this process, after a restart, or by another replica)
    # sends the rest only. () for the first attempt.
    sent_parts: tuple[str, ...] = ()


FILE_ELSEWHERE = (
    "({name} cannot be sent on this channel; ask for it again on Telegram, Slack or the console.)"
)


FILE_NOT_MADE = "({name} could not be made; please ask for it again.)"


def file_not_made(message: Outbound) -> Outbound:
    """The message whose file could not be made (a report): the text, and a word saying so."""
    name = message.attachment.filename if message.attachment else "The file"
    return replace(
        message, text=f"{message.text}\n{FILE_NOT_MADE.format(name=name)}", attachment=None
    )


def without_file(message: Outbound) -> Outbound:
    """The message as a channel that cannot carry files sends it: the text, and a word on
    where the file can be had instead."""
    if message.attachment is None:
        return message
    note = FILE_ELSEWHERE.format(name=message.attachment.filename)
    return replace(message, text=f"{message.text}\n{note}", attachment=None)
