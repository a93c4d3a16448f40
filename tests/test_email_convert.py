"""The email channel's pure rules: reply tokens, stripping quoted history, what a body means,
who may do what by mail, which verdicts are believed, and which SMTP failures are retried."""

from __future__ import annotations

import logging
from email import policy
from email.parser import BytesParser

import aiosmtplib
import pytest

from adapters.email_convert import (
    BotAddress,
    authentication,
    command_for,
    compose,
    map_error,
    mentioned_request,
    parse_mail,
    proven_requests,
    refusal,
    reply_tag,
    strip_quoted,
    subject_of,
)
from bot.errors import ConfigError, PermanentError, RateLimited, TransientError
from bot.events import Button, Outbound

SECRET = "s3cret"
AINA = "aina@police.example"


def test_a_tag_proves_the_request_for_its_address_only() -> None:
    tag = reply_tag(SECRET, AINA, "R-2026-0042")
    header = f"<fp.R-2026-0042.{tag}.17.abc@bot.example>"
    assert proven_requests(SECRET, AINA, [header], "") == {"R-2026-0042"}
    assert proven_requests(SECRET, "AINA@Police.Example", [header], "") == {"R-2026-0042"}
    assert proven_requests(SECRET, "niran@police.example", [header], "") == set()
    assert proven_requests("other-secret", AINA, [header], "") == set()
    subject = f"Re: [FocalPoint R-2026-0042 #{tag}] URGENT Request"
    assert proven_requests(SECRET, AINA, [], subject) == {"R-2026-0042"}
    assert proven_requests(SECRET, AINA, [], "Re: R-2026-0042") == set()


def test_the_request_is_found_in_headers_then_the_subject() -> None:
    assert mentioned_request(["<fp.R-2026-0042.abcdefghij@x>"], "") == "R-2026-0042"
    assert mentioned_request([""], "Re: about r-2026-7 please") == "R-2026-0007"
    assert mentioned_request([""], "Hello") == ""


def test_composed_mail_carries_the_token_and_typed_buttons() -> None:
    message = Outbound(
        7,
        "email",
        AINA,
        "URGENT Request R-2026-0042 from X\n\nText",
        buttons=(Button("Acknowledge", "/ack R-2026-0042"),),
    )
    mail = compose(message, BotAddress("bot@bot.example"), SECRET, "n1")
    tag = reply_tag(SECRET, AINA, "R-2026-0042")
    assert mail["Subject"] == f"[FocalPoint R-2026-0042 #{tag}] URGENT Request R-2026-0042 from X"
    assert mail["Message-ID"] == f"<fp.R-2026-0042.{tag}.7.n1@bot.example>"
    assert mail["In-Reply-To"] == f"<fp.R-2026-0042.{tag}@bot.example>"
    assert "/ack R-2026-0042    (Acknowledge)" in mail.get_content()


def test_mail_without_a_request_has_no_token() -> None:
    mail = compose(Outbound(8, "email", AINA, "pong"), BotAddress("b@x.example"), SECRET, "n")
    assert mail["Subject"] == "[FocalPoint] pong" and mail["In-Reply-To"] is None


BROADCAST = "JPA-9 · message from Aroha, co-chair (B-2):\n\nR-2026-0001 is closed; see R-2026-0003."


def test_a_broadcast_mail_stands_for_its_broadcast_not_a_request_its_words_name() -> None:
    """The co-chair's words name requests; the mail's token is the broadcast's, so "ack" and
    "Noted" answer the broadcast and never reach a request."""
    ack = (Button("Acknowledge", "/broadcast ack B-2"),)
    message = Outbound(9, "email", AINA, BROADCAST, buttons=ack)
    mail = compose(message, BotAddress("bot@bot.example"), SECRET, "n")
    tag = reply_tag(SECRET, AINA, "B-2")
    assert subject_of(message) == "B-2" and f"[FocalPoint B-2 #{tag}]" in mail["Subject"]
    assert mail["Message-ID"].startswith(f"<fp.B-2.{tag}.9.")
    headers = [mail["Message-ID"], mail["References"]]
    assert mentioned_request(headers, "") == "B-2"
    assert proven_requests(SECRET, AINA, headers, "") == {"B-2"}
    assert command_for("Ack.", "B-2") == "/broadcast ack B-2"
    assert refusal("/broadcast ack B-2", {"B-2"}, False, "B-2") is None
    assert command_for("Noted, thank you.", "B-2") == "Noted, thank you."
    assert command_for("ตอบรับ", "B-2") == "/broadcast ack B-2"  # the button's Thai label
    refused = refusal("Noted, thank you.", {"B-2"}, False, "B-2")
    assert refused is not None and "is a broadcast" in refused.msgid
    assert refusal("/broadcast send 2", {"B-2"}, False, "B-2")  # only the acknowledgement
    assert "Reply to this email to write on" not in mail.get_content()  # no replies to it


def test_a_mail_acting_on_several_items_has_no_token_but_proves_each() -> None:
    """A handover names requests in its list and has one Acknowledge per broadcast: no single
    subject, so no token ("ack" alone means nothing), but each typed command is proven."""
    text = "Somchai handed their open work to you.\n• request R-2026-0001 (/show R-2026-0001)"
    acks = tuple(Button(f"Acknowledge B-{n}", f"/broadcast ack B-{n}") for n in (1, 2, 3))
    message = Outbound(10, "email", AINA, text, buttons=acks)
    mail = compose(message, BotAddress("bot@bot.example"), SECRET, "n")
    assert subject_of(message) == "" and mail["Subject"].startswith("[FocalPoint] Somchai")
    reply_headers = [mail["Message-ID"], f"{mail['References']} {mail['Message-ID']}"]
    assert mentioned_request(reply_headers, "Re: " + mail["Subject"]) == ""
    assert proven_requests(SECRET, AINA, reply_headers, "") == {"B-1", "B-2", "B-3"}
    assert proven_requests(SECRET, "niran@police.example", reply_headers, "") == set()
    assert command_for("ack", "") == "ack"  # refused: it names nothing
    assert refusal("/broadcast ack B-3", {"B-1", "B-2", "B-3"}, False) is None
    assert "/broadcast ack B-3    (Acknowledge B-3)" in mail.get_content()


def test_without_buttons_only_the_first_line_names_the_subject() -> None:
    def about(text: str) -> str:
        return subject_of(Outbound(1, "email", AINA, text))

    assert about("You acknowledged R-2026-0004. Answer with /reply R-2026-0004 <text>.") == (
        "R-2026-0004"
    )
    assert about("R-2026-0004 · Aina wrote:\nsee also R-2026-0009") == "R-2026-0004"
    assert about("Somchai handed their work to you.\n• request R-2026-0004") == ""
    assert about("R-2026-0004 was closed by X: duplicate of R-2026-0005") == ""
    two = (Button("Acknowledge", "/ack R-2026-0001"), Button("Acknowledge", "/ack R-2026-0002"))
    assert subject_of(Outbound(1, "email", AINA, "R-2026-0001 and more", buttons=two)) == ""


@pytest.mark.parametrize(
    ("body", "kept"),
    [
        ("Yes.\n\nOn Mon, 4 May 2026 at 10:02, FocalPoint <b@x> wrote:\n> old", "Yes."),
        ("Yes.\n\nOn Mon, 4 May 2026 at 10:02, FocalPoint\n<b@x> wrote:\n> old", "Yes."),
        ("Yes.\n-----Original Message-----\nFrom: bot", "Yes."),
        ("Yes.\n________________________________\nFrom: FocalPoint", "Yes."),
        ("Yes.\n-- \nAina\nPDRM", "Yes."),
        ("Yes.\nSent from my phone", "Yes."),
        ("> quoted first\nYes, inline.\n> more\nAnd here.", "Yes, inline.\nAnd here."),
        ("Le 4 mai 2026, FocalPoint a écrit :\n> vieux", ""),
        ("One line.\nOn the other hand, two.", "One line.\nOn the other hand, two."),
    ],
)
def test_quoted_history_and_signatures_are_stripped(body: str, kept: str) -> None:
    assert strip_quoted(body) == kept


def test_what_a_body_means() -> None:
    assert command_for("Found it.\n> old", "R-2026-0001") == "/reply R-2026-0001 Found it."
    assert command_for("/ack R-2026-0001\n> old", "R-2026-0001") == "/ack R-2026-0001"
    assert command_for("Ack!", "R-2026-0001") == "/ack R-2026-0001"
    assert command_for("/return arrests 3, victims 2", "") == "/return arrests 3, victims 2"
    assert command_for("hello", "") == "hello"
    assert command_for("> only a quote", "R-2026-0001") == ""


def test_an_address_alone_may_only_reply_to_or_ack_a_proven_request() -> None:
    proven = {"R-2026-0001"}
    assert refusal("/reply R-2026-0001 text", proven, False) is None
    assert refusal("/ack r-2026-1", proven, False) is None
    assert refusal("/ack R-2026-0002", proven, False)
    assert refusal("/close R-2026-0001 done", proven, False)
    assert refusal("/request TH urgent x", proven, False)
    assert refusal("/return arrests 3", proven, False)
    assert refusal("hello", proven, False)
    assert refusal("/request TH urgent x", set(), True) is None


def test_only_our_servers_verdicts_count() -> None:
    ours = "mx.bot.example; spf=pass smtp.mailfrom=x; dkim=fail header.d=x; dmarc=fail"
    theirs = "mx.evil.example; spf=pass; dkim=pass; dmarc=pass"
    verdict = authentication([theirs, ours], "mx.bot.example")
    assert (verdict.spf, verdict.dkim, verdict.dmarc) == ("pass", "fail", "fail")
    assert verdict.failed and not verdict.passed
    assert str(authentication([theirs], "")) == "spf=none dkim=none dmarc=none"
    assert authentication(["mx.bot.example; dmarc=pass"], "mx.bot.example").passed


def test_only_the_topmost_header_naming_our_server_counts() -> None:
    ours, forged = "MX.bot.example 1; none", "mx.bot.example; dmarc=pass header.from=x.example"
    assert not authentication([ours, forged], "mx.bot.example").sender_verified
    garbled = "mx.bot.example; dmarc=pass (unclosed"
    assert not authentication([garbled, forged], "mx.bot.example").sender_verified
    spf_only = authentication(["mx.bot.example; spf=pass smtp.mailfrom=y"], "mx.bot.example")
    assert spf_only.passed and not spf_only.sender_verified  # SPF says nothing about From
    two = "mx.bot.example; dkim=fail header.d=x; dkim=pass header.d=x; dmarc=pass"
    assert authentication([two], "mx.bot.example").dkim == "pass"


def test_an_html_only_mail_is_read_as_text() -> None:
    raw = (
        b"From: Aina <aina@police.example>\r\nTo: bot@bot.example\r\nSubject: x\r\n"
        b"Message-ID: <1@x>\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        b"<div>Found it &amp; more</div><blockquote>old</blockquote>"
    )
    mail = parse_mail(BytesParser(policy=policy.default).parsebytes(raw), "")
    assert mail.sender == AINA and mail.body.startswith("Found it & more")


def test_smtp_failures_are_classed() -> None:
    refused = aiosmtplib.SMTPRecipientsRefused(
        [aiosmtplib.SMTPRecipientRefused(550, "no such user", AINA)]
    )
    assert isinstance(map_error(refused), PermanentError)
    assert isinstance(map_error(aiosmtplib.SMTPDataError(451, "later")), TransientError)
    assert isinstance(map_error(aiosmtplib.SMTPResponseException(421, "busy")), RateLimited)
    assert isinstance(map_error(aiosmtplib.SMTPAuthenticationError(535, "bad")), PermanentError)
    assert isinstance(map_error(aiosmtplib.SMTPConnectError("refused")), TransientError)
    assert isinstance(map_error(ConnectionRefusedError()), TransientError)


LONG_RANDOM = "kq3V0x9sLmT2rYp8Zc4wNa7Ud1Fh6Gj5"  # 32 characters, the least accepted


def test_shipped_section_builds_the_adapter_when_the_secret_is_set() -> None:
    from adapters.channels import platform_adapters
    from adapters.email import EmailAdapter
    from tests.harness import shipped_settings

    built = platform_adapters(shipped_settings(), {"FOCALBOT_EMAIL_SECRET": LONG_RANDOM})
    adapter = next(a for a in built if a.channel == "email")
    assert isinstance(adapter, EmailAdapter)
    assert (adapter.options.inbound, adapter.options.trust_sender) == ("smtp", False)
    assert LONG_RANDOM not in repr(adapter.__dict__)


def test_a_short_secret_is_warned_about_and_the_minimum_named(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from adapters.channels import platform_adapters
    from tests.harness import shipped_settings

    with caplog.at_level(logging.WARNING, logger="adapters.email"):
        built = platform_adapters(shipped_settings(), {"FOCALBOT_EMAIL_SECRET": LONG_RANDOM[:31]})
    assert any(a.channel == "email" for a in built)  # the channel still runs: tokens stand
    assert (
        "channels.email.token_env: FOCALBOT_EMAIL_SECRET is too short: it signs the reply "
        "tokens in mail, so it should be a random string of at least 32 characters"
    ) in caplog.text
    assert LONG_RANDOM[:31] not in caplog.text


def test_bad_keys_and_missing_imap_login_are_named() -> None:
    from adapters.email import EmailAdapter

    base = {"token_env": "S", "address": "bot@bot.example"}
    with pytest.raises(ConfigError, match="channels.email.smtp_security"):
        EmailAdapter.from_settings({**base, "smtp_security": "ssl3"}, {"S": LONG_RANDOM})
    with pytest.raises(ConfigError, match="channels.email.imap_user_env"):
        EmailAdapter.from_settings(
            {**base, "inbound": "imap", "imap_user_env": "U"}, {"S": LONG_RANDOM}
        )
    with pytest.raises(ConfigError, match="channels.email.token_env"):
        EmailAdapter.from_settings(base, {})


async def test_an_address_that_could_inject_headers_is_refused_for_good() -> None:
    from adapters.email import EmailAdapter

    adapter = EmailAdapter.from_settings(
        {"token_env": "S", "address": "bot@bot.example", "inbound": "none"}, {"S": LONG_RANDOM}
    )
    for address in ("a@b.example\nBcc: c@d.example", "a@b.example, c@d.example", "nobody"):
        with pytest.raises(PermanentError):
            await adapter.send(Outbound(1, "email", address, "hello"))


def test_a_secret_anyone_could_guess_is_refused() -> None:
    from adapters.channels import platform_adapters
    from tests.harness import shipped_settings

    with pytest.raises(ConfigError, match="too short to sign the reply tokens"):
        platform_adapters(shipped_settings(), {"FOCALBOT_EMAIL_SECRET": "changeme"})


def test_a_word_for_ack_in_any_of_the_bots_languages_acknowledges() -> None:
    request = "R-2026-0001"
    for word in ("ตอบรับ", "Tiếp nhận.", "تأكيد الاستلام", "လက်ခံအသိအမှတ်ပြုပြီး။", "DITERIMA"):
        assert command_for(word, request) == f"/ack {request}", word
    assert command_for("ตอบรับ ขอบคุณ", request) == f"/reply {request} ตอบรับ ขอบคุณ"
    assert command_for("Tiếp nhận hồ sơ", request).startswith("/reply ")


def test_a_long_subject_is_cut_at_a_words_end() -> None:
    """`…to Malaysia · informati…` was cut in the middle of a word."""
    from adapters.email_convert import subject_line

    text = (
        "URGENT Request R-2026-0001 from Alexo Officer-Example (Australia) to Malaysia · "
        "information"
    )
    cut = subject_line(text)
    assert cut == "URGENT Request R-2026-0001 from Alexo Officer-Example (Australia) to Malaysia…"
    assert subject_line("short subject") == "short subject"
    assert subject_line("x" * 200) == "x" * 89 + "…"  # one long word: cut where it must be
