"""The Telegram adapter's pure rules: options, splitting, escaping, keyboards, errors, events."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from adapters.channels import platform_adapters
from adapters.telegram import TELEGRAM_PACING, TelegramAdapter, parse_options
from adapters.telegram_convert import (
    MAX_TEXT,
    address_parts,
    app_language,
    escape,
    inbound_event,
    keyboard,
    split_text,
    translate_error,
    utf16_len,
    with_typed_commands,
)
from bot.errors import ConfigError, PermanentError, RateLimited, TransientError, Unreachable
from bot.events import Button, ButtonPress, TextMessage
from tests.harness import shipped_settings

BOT = "focalpoint_test_bot"


# --- options ---------------------------------------------------------------------------------
def test_shipped_section_builds_the_adapter_when_the_token_is_set() -> None:
    built = platform_adapters(shipped_settings(), {"FOCALBOT_TELEGRAM_TOKEN": "1:abc"})
    adapter = next(a for a in built if a.channel == "telegram")
    assert isinstance(adapter, TelegramAdapter) and adapter.options.mode == "polling"


@pytest.mark.parametrize(
    ("section", "env", "key"),
    [
        ({"token_env": "T", "mode": "carrier-pigeon"}, {"T": "1:x"}, "channels.telegram.mode"),
        ({"token_env": "T"}, {}, "channels.telegram.token_env"),
        ({"token_env": "T", "base_url": "ftp://x"}, {"T": "1:x"}, "channels.telegram.base_url"),
        ({"token_env": "T", "pol_timeout": 5}, {"T": "1:x"}, "channels.telegram.pol_timeout"),
        ({"token_env": "T", "mode": "webhook"}, {"T": "1:x"}, "channels.telegram.webhook_url"),
        (
            {
                "token_env": "T",
                "mode": "webhook",
                "webhook_url": "https://b.example/tg",
                "webhook_secret_env": "S",
            },
            {"T": "1:x", "S": "has spaces!"},
            "channels.telegram.webhook_secret_env",
        ),
    ],
)
def test_bad_options_name_the_key(section: dict[str, Any], env: dict[str, str], key: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(key)):
        TelegramAdapter.from_settings(section, env)


def test_keys_every_channel_has_are_left_to_the_core() -> None:
    assert parse_options({"token_env": "T", "content": "pointer"}).token_env == "T"


def test_pacing_stays_under_telegram_limits() -> None:
    assert TELEGRAM_PACING.per_chat_interval >= 1.0
    assert 0 < TELEGRAM_PACING.overall_rate < 30
    assert parse_options({"token_env": "T"}).poll_timeout == 30


# --- text ------------------------------------------------------------------------------------
def test_escape_keeps_markup_literal() -> None:
    assert escape("<b>x</b> & 'q' \"d\"") == "&lt;b&gt;x&lt;/b&gt; &amp; 'q' \"d\""


def test_split_prefers_paragraphs_then_lines_then_words() -> None:
    para = "a" * 3000
    assert split_text(f"{para}\n\n{para}") == [para, para]
    assert split_text(f"{para}\n{para}") == [para, para]
    words = " ".join(["word"] * 2000)
    assert all(p.endswith("word") for p in split_text(words))


def test_split_counts_emoji_as_telegram_does() -> None:
    parts = split_text("😀" * 3000)  # 6,000 UTF-16 units
    assert [utf16_len(p) for p in parts] == [4096, 1904]


@given(st.text(alphabet=st.sampled_from("ab \n😀é<&"), max_size=12000))
def test_split_loses_only_whitespace_at_cuts(text: str) -> None:
    parts = split_text(text, limit=500)
    assert all(utf16_len(p) <= 500 for p in parts)
    assert re.sub(r"\s", "", "".join(parts)) == re.sub(r"\s", "", text)
    assert len(parts) == 1 or all(p.strip() for p in parts)


def test_short_text_is_one_part() -> None:
    assert split_text("hello") == ["hello"]
    assert len(split_text("x" * MAX_TEXT)) == 1


# --- buttons ---------------------------------------------------------------------------------
def test_short_buttons_share_a_row_long_ones_do_not() -> None:
    form = [Button(label, f"/return {label}") for label in ("Skip", "Zero", "Back", "Confirm")]
    assert [len(row) for row in keyboard(form).inline_keyboard] == [4]  # type: ignore[union-attr]
    wide = [Button("Acknowledge this request", "/ack R-1"), Button("Refer elsewhere", "/refer")]
    assert [len(row) for row in keyboard(wide).inline_keyboard] == [1, 1]  # type: ignore[union-attr]


def test_buttons_beyond_the_keyboards_size_are_typed_instead() -> None:
    many = [Button(f"Acknowledge B-{n}", f"/broadcast ack B-{n}") for n in range(1, 106)]
    inline = [k.callback_data for row in keyboard(many).inline_keyboard for k in row]  # type: ignore[union-attr]
    assert inline == [b.command for b in many[:100]]
    typed = with_typed_commands("Handed over.", many).splitlines()
    assert typed[2:] == [f"Acknowledge B-{n}: /broadcast ack B-{n}" for n in range(101, 106)]


def test_command_too_long_for_callback_data_is_spelled_out() -> None:
    long = Button("Confirm", "/confirm " + "x" * 80)
    assert keyboard([long]) is None
    assert with_typed_commands("Done?", [long]).endswith(f"Confirm: {long.command}")


# --- errors ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (RetryAfter(7), RateLimited),
        (Forbidden("Forbidden: bot was blocked by the user"), Unreachable),  # the person's
        (BadRequest("Bad Request: chat not found"), Unreachable),
        (BadRequest("Bad Request: message is too long"), PermanentError),  # the message's
        (TimedOut(), TransientError),
        (NetworkError("Bad Gateway"), TransientError),
    ],
)
def test_errors_map_to_the_core_classes(error: Exception, kind: type) -> None:
    translated = translate_error(error)  # type: ignore[arg-type]
    assert type(translated) is kind
    if isinstance(translated, RateLimited):
        assert translated.retry_after == 7


# --- inbound ---------------------------------------------------------------------------------
def update(body: dict[str, Any], update_id: int = 10) -> Update:
    return Update.de_json({"update_id": update_id, **body}, None)


def message(text: str, chat_type: str = "private", **extra: Any) -> Update:
    chat = {"id": 5 if chat_type == "private" else -9, "type": chat_type}
    return update(
        {
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": chat,
                "from": {"id": 5, "is_bot": False, "first_name": "A"},
                "text": text,
                **extra,
            }
        }
    )


def test_private_message_is_addressed_and_keyed_by_update_id() -> None:
    event = inbound_event(message("hello"), BOT)
    assert isinstance(event, TextMessage) and event.addressed and event.chat.private
    assert (event.event_id, event.sender.user_id, event.chat.chat_id) == ("10", "5", "5")


def test_group_chatter_is_not_addressed_but_mentions_and_commands_are() -> None:
    assert not inbound_event(message("lunch?", "group"), BOT).addressed  # type: ignore[union-attr]
    mention = inbound_event(message(f"@{BOT} /help", "supergroup"), BOT)
    assert isinstance(mention, TextMessage) and mention.addressed and mention.text == "/help"
    assert not mention.chat.private
    assert inbound_event(message("/help@other_bot", "group"), BOT) is None


def test_start_from_a_new_chat_is_answered_with_help() -> None:
    event = inbound_event(message("/start"), BOT)
    assert isinstance(event, TextMessage) and event.text == "/help"
    assert inbound_event(message("/starting now"), BOT).text == "/starting now"  # type: ignore[union-attr]


def test_button_press_carries_the_command() -> None:
    pressed = update(
        {
            "callback_query": {
                "id": "q1",
                "from": {"id": 5, "is_bot": False, "first_name": "A"},
                "chat_instance": "c",
                "data": "/ack R-2026-0001",
                "message": {"message_id": 3, "date": 0, "chat": {"id": 5, "type": "private"}},
            }
        }
    )
    event = inbound_event(pressed, BOT)
    assert isinstance(event, ButtonPress)
    assert (event.command, event.message_id, event.chat.chat_id) == ("/ack R-2026-0001", "3", "5")


def test_groups_are_paced_at_twenty_messages_a_minute() -> None:
    from adapters.telegram import GROUP_INTERVAL, TelegramAdapter

    adapter = TelegramAdapter.__new__(TelegramAdapter)  # pacing needs no connection
    assert adapter.chat_interval("-1001234567890") == GROUP_INTERVAL == 3.0
    assert adapter.chat_interval("100017") == 1.0


def test_an_edit_is_an_event_marked_edited() -> None:
    """An edited message reaches the core (which says edits change nothing), keyed by its
    own update, so it is not taken for a redelivery of the original."""
    original = message("/reply R-2026-0001 Shelter in Hat Yai")
    body = original.to_dict()["message"] | {"text": "/reply R-2026-0001 Shelter in Songkhla"}
    edit = inbound_event(update({"edited_message": body}, update_id=11), BOT)
    assert isinstance(edit, TextMessage) and edit.edited and edit.event_id == "11"
    assert not inbound_event(original, BOT).edited  # type: ignore[union-attr]


def test_a_topic_in_a_group_is_part_of_the_address_and_a_group_is_paced_as_one() -> None:
    from adapters.telegram import GROUP_INTERVAL, TelegramAdapter

    forum = {"message_thread_id": 42, "is_topic_message": True}
    event = inbound_event(message("/ping", "supergroup", **forum), BOT)
    assert isinstance(event, TextMessage) and event.chat.chat_id == "-9:42"
    assert address_parts(event.chat.chat_id) == ("-9", 42)
    assert address_parts("-7") == ("-7", None) and address_parts("5") == ("5", None)
    adapter = TelegramAdapter.__new__(TelegramAdapter)  # pacing needs no connection
    assert adapter.chat_interval("-7:42") == GROUP_INTERVAL


@pytest.mark.parametrize(
    ("code", "language"),
    [("th", "th"), ("th-TH", "th"), ("en", "en"), ("vi", "vi"), ("de", ""), (None, "")],
)
def test_the_app_language_is_one_the_bot_speaks(code: str | None, language: str) -> None:
    assert app_language(code) == language
