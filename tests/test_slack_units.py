"""The Slack adapter's pure parts: conversions, error mapping, configuration."""

from __future__ import annotations

import ast
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from adapters.channels import CORE_KEYS, platform_adapters
from adapters.slack import SlackAdapter, parse_options
from adapters.slack_convert import (
    command_event,
    escape_mrkdwn,
    map_error,
    message_event,
    plain_text,
    post_arguments,
    pressed_blocks,
    section_chunks,
    team_of,
)
from bot.errors import ConfigError, PermanentError, RateLimited, TransientError, Unreachable
from bot.events import Button, Outbound
from tests.harness import ROOT, shipped_settings

ENV = {"FOCALBOT_SLACK_BOT_TOKEN": "xoxb-1", "FOCALBOT_SLACK_SIGNING_SECRET": "s"}


# --- text ---------------------------------------------------------------------------------
@given(st.text())
def test_escaped_text_never_contains_live_markup(text: str) -> None:
    escaped = escape_mrkdwn(text)
    assert "<" not in escaped and ">" not in escaped
    assert plain_text(escaped) == text


@given(st.text(min_size=1, max_size=400))
def test_sections_fit_and_rejoin(text: str) -> None:
    chunks = section_chunks(text, limit=50)
    assert all(len(c) <= 50 for c in chunks)
    assert plain_text("".join(chunks)) == text


def test_sections_are_split_at_a_word_break_not_mid_word() -> None:
    text = "evidence " * 400  # 3,600 characters: two sections
    first, second = section_chunks(text)
    assert first.endswith("evidence ") and second.startswith("evidence")
    assert len(first) <= 3000 and first + second == text


def test_thai_sections_are_split_between_clusters_only() -> None:
    text = "ที่นี่มีผู้หญิงสองคนรอที่ด่านตรวจคนเข้าเมือง" * 100  # no spaces between words
    for limit in range(40, 50):  # wherever the limit falls, on a letter or on its mark
        chunks = section_chunks(text, limit)
        assert "".join(chunks) == text and all(len(c) <= limit for c in chunks)
        assert not [c for c in chunks if unicodedata.category(c[0]).startswith("M")], limit


def test_every_button_is_shown_or_typed() -> None:
    """A handover's thirty Acknowledge buttons fill two actions blocks; past four blocks (100
    buttons), the rest are typed as Slack people type commands."""
    acks = [Button(f"Acknowledge B-{n}", f"/broadcast ack B-{n}") for n in range(1, 106)]
    thirty = post_arguments(
        Outbound(1, "slack", "U0THFP01", "Handed over.", buttons=tuple(acks[:30]))
    )
    values = [e["value"] for b in thirty["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert values == [b.command for b in acks[:30]]
    assert [len(b["elements"]) for b in thirty["blocks"] if b["type"] == "actions"] == [25, 5]
    every = post_arguments(
        Outbound(1, "slack", "U0THFP01", "Handed over.", buttons=tuple(acks)), "/focal "
    )
    actions = [b for b in every["blocks"] if b["type"] == "actions"]
    assert len(actions) == 4 and len({b["block_id"] for b in actions}) == 4
    assert every["text"].endswith("Acknowledge B-105: /focal broadcast ack B-105")
    assert "Acknowledge B-101: /focal broadcast ack B-101" in every["blocks"][0]["text"]["text"]
    assert "B-100:" not in every["text"]


def test_a_long_modal_title_keeps_its_window() -> None:
    from adapters.slack_modal import modal_view
    from bot.events import Form

    view = modal_view("/return x submit", Form("Return SONGKHLA-2026-Q1 W12", "submit", ()))
    title = view["title"]["text"]
    assert len(title) <= 24 and title.endswith("… W12") and title.startswith("Return")


def test_slack_markup_becomes_readable_text() -> None:
    typed = (
        "ask <@U0LKCC01> in <#C0OPS|ops> <!here> see <https://example.org/a|example.org/a> "
        "or <https://x.example|the file> mail <mailto:a@b.example|a@b.example> &lt;3 &amp;"
    )
    assert plain_text(typed) == (
        "ask @U0LKCC01 in #ops @here see example.org/a or the file (https://x.example) "
        "mail a@b.example <3 &"
    )


def test_buttons_become_one_actions_block_carrying_the_command() -> None:
    message = Outbound(
        1, "slack", "U0THFP01", "R-1 <!channel>", buttons=(Button("Acknowledge", "/ack R-1"),)
    )
    args = post_arguments(message)
    assert args["channel"] == "U0THFP01" and args["text"] == "R-1 &lt;!channel&gt;"
    assert args["unfurl_links"] is False and "thread_ts" not in args
    section, actions = args["blocks"]
    assert section["text"]["text"] == "R-1 &lt;!channel&gt;"
    assert actions["elements"][0]["value"] == "/ack R-1"
    assert actions["elements"][0]["action_id"] == "fp:0"


def test_a_press_on_one_of_several_independent_buttons_leaves_the_others() -> None:
    acks = tuple(Button(f"Ack B-{n}", f"/broadcast ack B-{n}") for n in (1, 2, 3))
    blocks = post_arguments(Outbound(1, "slack", "U0THFP01", "Handed over.", buttons=acks))[
        "blocks"
    ]
    done = pressed_blocks(blocks, "Ack B-2", "U0THFP01", "/broadcast ack B-2")
    assert [b["type"] for b in done] == ["section", "context", "actions"]
    assert [e["value"] for e in done[2]["elements"]] == ["/broadcast ack B-1", "/broadcast ack B-3"]
    choice = (Button("Send", "/broadcast send 3"), Button("Cancel", "/broadcast cancel 3"))
    blocks = post_arguments(Outbound(1, "slack", "U0THFP01", "Send it?", buttons=choice))["blocks"]
    assert [b["type"] for b in pressed_blocks(blocks, "Send", "U0THFP01", "/broadcast send 3")] == [
        "section",
        "context",
    ]


def test_a_thread_address_posts_in_the_thread() -> None:
    args = post_arguments(Outbound(1, "slack", "C0GENERAL/1700.000100", "help"))
    assert (args["channel"], args["thread_ts"]) == ("C0GENERAL", "1700.000100")
    assert "blocks" not in args


def test_pressed_blocks_replace_the_buttons_with_who_pressed() -> None:
    blocks = [{"type": "section"}, {"type": "actions", "elements": []}]
    done = pressed_blocks(blocks, "Ack <now>", "U0THFP01")
    assert done[0] == {"type": "section"}
    assert done[1]["elements"][0]["text"] == "✓ Ack &lt;now&gt; by <@U0THFP01>"
    assert "<@" not in pressed_blocks(blocks, "x", "<!channel>")[1]["elements"][0]["text"]


# --- inbound ------------------------------------------------------------------------------
def test_the_acting_users_workspace_wins_in_shared_channels() -> None:
    body = {"team_id": "T0FOCAL", "event": {"team": "T0FOCAL", "user_team": "T0GUEST"}}
    assert team_of(body) == "T0GUEST"
    assert team_of({"user": {"id": "U1", "team_id": "T1"}, "team": {"id": "T2"}}) == "T1"
    assert team_of({"team_id": "T3"}) == "T3" and team_of({}) == ""


def test_only_direct_messages_from_people_become_events() -> None:
    dm = {"channel_type": "im", "user": "U1", "text": "hi &amp; bye", "channel": "D1"}
    event = message_event({"event_id": "Ev1", "team_id": "T1", "event": dm})
    assert event is not None and event.text == "hi & bye" and event.chat.chat_id == "U1"
    assert event.chat.private and event.sender.workspace == "T1"
    for other in ({"channel_type": "channel"}, {"subtype": "message_changed"}, {"bot_id": "B"}):
        assert message_event({"event_id": "Ev2", "event": dm | other}) is None


def test_a_persons_edit_is_an_event_marked_edited_and_slacks_own_changes_are_not() -> None:
    before = {"user": "U1", "text": "/reply R-1 Hat Yai", "ts": "1.0"}
    after = before | {"text": "/reply R-1 Songkhla", "edited": {"user": "U1", "ts": "2.0"}}
    changed = {"channel_type": "im", "subtype": "message_changed", "channel": "D1"}
    edit = message_event(
        {"event_id": "Ev3", "event": changed | {"message": after, "previous_message": before}}
    )
    assert edit is not None and edit.edited and edit.text == "/reply R-1 Songkhla"
    unfurl = before | {"attachments": [{"title": "x"}]}  # a link preview: no edit mark
    preview = {"message": unfurl, "previous_message": before}
    assert message_event({"event_id": "Ev4", "event": changed | preview}) is None


def test_a_slash_command_maps_to_the_command_language() -> None:
    body = {"user_id": "U1", "team_id": "T1", "text": "request TH urgent x", "trigger_id": "t1"}
    event = command_event(body)
    assert event.text == "/request TH urgent x" and event.event_id == "command:t1"
    assert command_event(body | {"text": "  "}).text == "/help"
    assert command_event(body | {"text": "/ping"}).text == "/ping"


def test_slash_commands_without_slacks_ids_are_not_taken_for_redeliveries() -> None:
    body = {"user_id": "U1", "team_id": "T1", "text": "ping"}  # no trigger_id, no command_ts
    first, second = command_event(body), command_event(body)
    assert first.event_id != second.event_id  # Slack never resends a command: both count


# --- errors -------------------------------------------------------------------------------
def api_error(status: int, error: str, headers: dict[str, str] | None = None) -> SlackApiError:
    response = AsyncSlackResponse(
        client=AsyncWebClient(),
        http_verb="POST",
        api_url="http://127.0.0.1/api/chat.postMessage",
        req_args={},
        data={"ok": False, "error": error},
        headers=headers or {},
        status_code=status,
    )
    return SlackApiError("failed", response)


def test_errors_map_to_the_cores_classes() -> None:
    limited = map_error(api_error(429, "ratelimited", {"Retry-After": "7"}))
    assert isinstance(limited, RateLimited) and limited.retry_after == 7.0
    assert isinstance(map_error(api_error(503, "service_unavailable")), TransientError)
    assert isinstance(map_error(api_error(200, "internal_error")), TransientError)
    for code in ("channel_not_found", "not_in_channel", "account_inactive", "invalid_auth"):
        assert isinstance(map_error(api_error(200, code)), PermanentError)
    for code in ("channel_not_found", "account_inactive", "user_disabled"):  # the person's
        assert isinstance(map_error(api_error(200, code)), Unreachable)
    assert not isinstance(map_error(api_error(200, "invalid_auth")), Unreachable)  # the bot's
    assert isinstance(map_error(api_error(200, "token_revoked")), PermanentError)
    assert isinstance(map_error(TimeoutError()), TransientError)
    assert isinstance(map_error(ConnectionRefusedError()), TransientError)


# --- configuration ------------------------------------------------------------------------
def shipped_slack_section() -> dict[str, object]:
    return shipped_settings().channels["slack"].model_dump(exclude=CORE_KEYS)


def test_the_shipped_section_builds_an_adapter_when_the_token_is_set() -> None:
    built = platform_adapters(shipped_settings(), ENV)
    assert [type(a) for a in built] == [SlackAdapter]
    assert built[0].options.mode == "http" and built[0].options.command == "/focal"
    assert platform_adapters(shipped_settings(), {}) == []


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"mode": "webhook"}, "channels.slack.mode"),
        ({"port": 70000}, "channels.slack.port"),
        ({"base_url": "slack.com/api"}, "channels.slack.base_url"),
        ({"team_id": "not-a-team"}, "channels.slack.team_id"),
        ({"comand": "/focal"}, "channels.slack.comand"),
    ],
)
def test_bad_options_name_their_key(change: dict[str, object], key: str) -> None:
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        parse_options(shipped_slack_section() | change)


def test_missing_secrets_name_the_variable() -> None:
    section = shipped_slack_section()
    with pytest.raises(ConfigError, match="signing_secret_env.*FOCALBOT_SLACK_SIGNING_SECRET"):
        SlackAdapter.from_settings(section, {"FOCALBOT_SLACK_BOT_TOKEN": "xoxb-1"})
    with pytest.raises(ConfigError, match="app_token_env.*FOCALBOT_SLACK_APP_TOKEN"):
        SlackAdapter.from_settings(section | {"mode": "socket"}, ENV)


def test_socket_mode_needs_no_signing_secret() -> None:
    env = {"FOCALBOT_SLACK_BOT_TOKEN": "xoxb-1", "FOCALBOT_SLACK_APP_TOKEN": "xapp-1"}
    adapter = SlackAdapter.from_settings(shipped_slack_section() | {"mode": "socket"}, env)
    assert adapter.options.mode == "socket"
    assert adapter.client.base_url == "https://slack.com/api/"


def test_bolts_oauth_switch_in_the_environment_is_refused(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SLACK_CLIENT_ID", "1")
    monkeypatch.setenv("SLACK_CLIENT_SECRET", "2")
    with pytest.raises(ConfigError, match="SLACK_CLIENT_ID"):
        SlackAdapter.from_settings(shipped_slack_section(), ENV)


def test_base_url_gets_its_trailing_slash() -> None:
    options = parse_options(shipped_slack_section() | {"base_url": "https://slack-gov.com/api"})
    assert options.base_url == "https://slack-gov.com/api/"


def test_the_core_imports_no_slack_sdk() -> None:
    for path in (ROOT / "bot").rglob("*.py"):
        tree = ast.parse(Path(path).read_text())
        names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        names += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        assert not [n for n in names if n.startswith(("slack_bolt", "slack_sdk"))], path
