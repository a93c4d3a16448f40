"""Pure conversions between Telegram's objects and the core's, for :mod:`adapters.telegram`.

Nothing here does I/O, so each rule (who is addressed, how text is split and escaped, which
errors are worth retrying) can be read and tested on its own.
"""

from __future__ import annotations

import gettext
import html
import re
import warnings
from collections.abc import Sequence
from datetime import timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType, MessageLimit
from telegram.error import (
    BadRequest,
    ChatMigrated,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    RetryAfter,
    TelegramError,
)
from telegram.warnings import PTBDeprecationWarning

from adapters import text_parts
from adapters.buttons import remaining, typed_lines, with_typed
from bot.errors import AdapterError, PermanentError, RateLimited, TransientError, Unreachable
from bot.events import (
    Button,
    ButtonPress,
    ChatRef,
    Inbound,
    IncomingFile,
    Sender,
    TextMessage,
    drawn,
)
from bot.i18n import DEFAULT_LANGUAGE, LANGUAGES, resolve_language
from bot.i18n.catalogs import translations

CHANNEL = "telegram"
MAX_TEXT = int(MessageLimit.MAX_TEXT_LENGTH)  # 4096, counted in UTF-16 code units
MAX_CALLBACK_DATA = 64  # bytes
MAX_KEYBOARD = 100  # buttons in one inline keyboard
ROW_BUTTONS = 4
ROW_LABEL_CHARS = 28  # short labels (skip, zero, back, confirm) share a row; long ones don't
COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")
TOPIC_MARK = ":"  # between a group's chat id and a forum topic's thread id in an address
START = re.compile(r"^/start(@\w+)?(\s|$)", re.IGNORECASE)
_REFUSED = (Forbidden, BadRequest, InvalidToken, ChatMigrated, EndPointNotFound)


# --- inbound ------------------------------------------------------------------------------
def inbound_event(update: Update, bot_username: str) -> Inbound | None:
    """The core's event for an update, or None for updates the bot does not act on."""
    if update.callback_query is not None:
        return button_press(update)
    return text_message(update, bot_username)


def text_message(update: Update, bot_username: str) -> TextMessage | None:
    """A message from a person; in groups only commands and mentions count as addressed.

    A command meant for another bot in the same group (``/help@OtherBot``) is dropped, since
    the core would otherwise answer a question not put to it.
    """
    message = update.message or update.edited_message  # an edit: the core says it changes nothing
    if message is None or message.from_user is None or message.from_user.is_bot:
        return None
    raw = message.text or message.caption or ""
    text = _strip_mention(raw, bot_username)
    if _for_another_bot(text, bot_username):
        return None
    if START.match(text):
        text = "/help"  # what a Telegram client sends when someone first opens the bot
    private = message.chat.type == ChatType.PRIVATE
    return TextMessage(
        str(update.update_id),
        Sender(CHANNEL, str(message.from_user.id)),
        ChatRef(CHANNEL, chat_address(message), private),
        text,
        private or _addressed(message, raw, bot_username),
        files_of(message),
        edited=update.message is None,
        replied_to=_replied_to(message, bot_username),
        language=app_language(message.from_user.language_code),
    )


def chat_address(message: Message) -> str:
    """Where answers to ``message`` go: its chat, and in a group with topics the topic it was
    written in (``<chat id>:<thread id>``), so they do not land in General. Only the adapter
    reads the address; to the core it is one opaque chat."""
    if message.is_topic_message and message.message_thread_id:
        return f"{message.chat.id}{TOPIC_MARK}{message.message_thread_id}"
    return str(message.chat.id)


def address_parts(address: str) -> tuple[str, int | None]:
    """The chat id and the forum topic (None: none) an address names (see
    :func:`chat_address`)."""
    chat_id, mark, thread = address.partition(TOPIC_MARK)
    return (chat_id, int(thread)) if mark and thread.isdigit() else (address, None)


def _replied_to(message: Message, bot_username: str) -> str:
    """The id of the bot's own message this one is a reply to ("" for none, or for a reply
    to someone else's); Telegram's message ids are per chat, as the outbox keeps them."""
    replied = message.reply_to_message
    author = replied.from_user if replied is not None else None
    if replied is None or author is None or not author.is_bot:
        return ""
    return str(replied.message_id) if _is_us(author.username, bot_username) else ""


def _is_us(username: str | None, bot_username: str) -> bool:
    return bool(bot_username) and (username or "").lower() == bot_username.lower()


def files_of(message: Message) -> tuple[IncomingFile, ...]:
    """The photo (its largest size), document, voice note or audio sent with a message, by
    Telegram's ``file_id`` (fetched with getFile by the adapter)."""
    if message.photo:
        largest = message.photo[-1]
        return (IncomingFile(largest.file_id, "", "photo", largest.file_size or 0),)
    for item, kind in (
        (message.document, "document"),
        (message.voice, "voice"),
        (message.audio, "voice"),
    ):
        if item is not None:
            name = getattr(item, "file_name", None) or ""
            return (IncomingFile(item.file_id, name, kind, item.file_size or 0),)
    return ()


def button_press(update: Update) -> ButtonPress | None:
    """A press on an inline button; its callback data is the command line it carries."""
    query = update.callback_query
    if query is None or not query.data:
        return None
    message = query.message
    chat = message.chat if message is not None else None
    return ButtonPress(
        str(update.update_id),
        Sender(CHANNEL, str(query.from_user.id)),
        ChatRef(
            CHANNEL,
            chat_address(message)
            if isinstance(message, Message)
            else str(chat.id if chat is not None else query.from_user.id),
            chat is None or chat.type == ChatType.PRIVATE,
        ),
        query.data,
        str(message.message_id) if message is not None else "",
        language=app_language(query.from_user.language_code),
    )


def _addressed(message: Message, text: str, bot_username: str) -> bool:
    """In a group: a command, a mention of the bot, or a reply to one of its messages."""
    if text.startswith("/") or f"@{bot_username}".lower() in text.lower():
        return True
    replied = message.reply_to_message
    author = replied.from_user if replied is not None else None
    return author is not None and (author.username or "").lower() == bot_username.lower()


def _strip_mention(text: str, bot_username: str) -> str:
    """``@bot /help`` becomes ``/help``, so a mention followed by a command still works."""
    mention = f"@{bot_username}"
    if bot_username and text.lower().startswith(mention.lower()):
        return text[len(mention) :].lstrip()
    return text


def _for_another_bot(text: str, bot_username: str) -> bool:
    if not text.startswith("/"):
        return False
    _, _, target = text.split(maxsplit=1)[0].partition("@")
    return bool(target) and target.lower() != bot_username.lower()


# --- outbound -----------------------------------------------------------------------------
def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units: an emoji may count twice)."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Cut ``text`` into parts Telegram accepts (counted in UTF-16 units), at paragraph, line
    or word boundaries (see :mod:`adapters.text_parts`).

    Only whitespace at the cuts is lost; a word longer than a whole part is cut hard.
    """
    return text_parts.split_text(text, limit, utf16_len)


def escape(text: str) -> str:
    """Plain text made safe for HTML parse mode: relayed ``<b>`` or ``&`` stays literal."""
    return html.escape(text, quote=False)


def fits_callback(command: str) -> bool:
    """Whether a command line fits in Telegram's 64-byte callback data."""
    return 0 < len(command.encode()) <= MAX_CALLBACK_DATA


def shown(buttons: Sequence[Button]) -> list[Button]:
    """The buttons the inline keyboard holds: those whose command fits, up to its size."""
    return [b for b in buttons if fits_callback(b.command)][:MAX_KEYBOARD]


def keyboard(buttons: Sequence[Button]) -> InlineKeyboardMarkup | None:
    """An inline keyboard of the buttons whose command fits; short labels share a row."""
    rows: list[list[InlineKeyboardButton]] = []
    width = 0
    for button in shown(buttons):
        label = drawn(button.label)
        key = InlineKeyboardButton(label, callback_data=button.command)
        if rows and len(rows[-1]) < ROW_BUTTONS and width + len(label) <= ROW_LABEL_CHARS:
            rows[-1].append(key)
            width += len(label)
        else:
            rows.append([key])
            width = len(label)
    return InlineKeyboardMarkup(rows) if rows else None


def with_typed_commands(
    text: str, buttons: Sequence[Button], language: str = DEFAULT_LANGUAGE
) -> str:
    """``text`` plus a typed alternative for each button the keyboard cannot hold (a command
    too long for callback data, or beyond the keyboard's size)."""
    inline = shown(buttons)
    return with_typed(text, typed_lines([b for b in buttons if b not in inline], language=language))


def after_press(markup: InlineKeyboardMarkup | None, pressed: str) -> InlineKeyboardMarkup | None:
    """The keyboard a message keeps once ``pressed`` was pressed: the other buttons when they
    are independent actions (:mod:`adapters.buttons`), else none (the choice is made)."""
    keys = [key for row in (markup.inline_keyboard if markup else ()) for key in row]
    if markup is None or not remaining([str(k.callback_data) for k in keys], pressed):
        return None
    rows = [[k for k in row if k.callback_data != pressed] for row in markup.inline_keyboard]
    return InlineKeyboardMarkup([row for row in rows if row])


# --- command lists -------------------------------------------------------------------------
def telegram_language_code(language: str) -> str | None:
    """The two-letter ISO 639-1 code Telegram takes for ``language`` (``fa_AF`` → ``fa``);
    None for a language that has none (Filipino is ``fil``)."""
    code = language.split("_")[0]
    return code if len(code) == 2 else None


def described_languages() -> list[tuple[str, str | None]]:
    """The languages to describe the command list in, each with Telegram's code for it: the
    default (no code: every client without a list of its own) and each language a catalog
    is shipped for (a copy of the English list helps no one)."""
    described: list[tuple[str, str | None]] = [(DEFAULT_LANGUAGE, None)]
    for language in LANGUAGES:
        code = telegram_language_code(language)
        if language != DEFAULT_LANGUAGE and code and _has_catalog(language):
            described.append((language, code))
    return described


def app_language(code: str | None) -> str:
    """The language of someone's Telegram app (``language_code``, an IETF tag: ``th``,
    ``pt-br``) where the bot speaks it: the default, or one it has a catalog for; else ""."""
    language = resolve_language(code or "")
    if language is None or not (language == DEFAULT_LANGUAGE or _has_catalog(language)):
        return ""
    return language


def _has_catalog(language: str) -> bool:
    return type(translations(language)) is not gettext.NullTranslations


# --- errors -------------------------------------------------------------------------------
def translate_error(exc: TelegramError) -> AdapterError:
    """The core's error class for a Telegram failure, so the outbox retries by class.

    Flood control becomes ``RateLimited``; a blocked bot, an unknown chat, a rejected request
    or a revoked token cannot be fixed by retrying; network trouble and 5xx may pass.
    """
    if isinstance(exc, RetryAfter):
        return RateLimited(retry_after_seconds(exc), "telegram flood control")
    if isinstance(exc, Forbidden) or (
        isinstance(exc, BadRequest) and "chat not found" in exc.message.lower()
    ):  # blocked, deactivated, never started the bot, or the chat is gone: not this message
        return Unreachable(f"telegram refused: {exc.message}")
    if isinstance(exc, _REFUSED):
        return PermanentError(f"telegram refused: {exc.message}")
    return TransientError(f"telegram: {exc.message}")


def retry_after_seconds(exc: RetryAfter) -> float:
    """``retry_after`` in seconds, whichever type this PTB version hands out."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
