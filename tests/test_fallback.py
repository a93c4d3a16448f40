"""Fallback channels: a permanent failure moves the message to the person's next channel, and
whoever sent it is told; with no channel left, they are told that too."""

from __future__ import annotations

from adapters.memory import MemoryAdapter
from bot.errors import PermanentError, TransientError
from bot.events import Outbound
from bot.ports import Pacing
from tests.harness import Harness, shipped_settings


class Blocked(MemoryAdapter):
    """A channel on which the bot was blocked by everyone."""

    async def send(self, message: Outbound) -> str:
        raise PermanentError("Forbidden: bot was blocked by the user")


def with_pointer_only_sms(preferred: str):  # type: ignore[no-untyped-def]
    """Thailand's focal point also has SMS, a channel marked pointer-only."""
    from bot.config import ChannelSettings

    base = shipped_settings()
    people = tuple(
        p.model_copy(
            update={
                "preferred_channel": preferred,
                "identities": {**p.identities, "sms": "+66800000001"},
            }
        )
        if p.id == "th-fp"
        else p
        for p in base.people
    )
    channels = {**base.channels, "sms": ChannelSettings(content="pointer")}
    return base.model_copy(update={"people": people, "channels": channels})


def reading_the_console(settings):  # type: ignore[no-untyped-def]
    """``settings`` where Thailand's focal point reads the console too (an identity of theirs
    there): it is their channel, so their messages fall back to it. The console standing in
    for everyone is no place they read: a failure does not go there."""
    people = tuple(
        p.model_copy(update={"identities": {**p.identities, "console": p.id}})
        if p.id == "th-fp"
        else p
        for p in settings.people
    )
    return settings.model_copy(update={"people": people})


def settings_with_th_fp_on(channel: str):  # type: ignore[no-untyped-def]
    base = shipped_settings()
    people = tuple(
        p.model_copy(update={"preferred_channel": channel}) if p.id == "th-fp" else p
        for p in base.people
    )
    return base.model_copy(update={"people": people})


async def test_blocked_preferred_channel_falls_back_and_sender_is_told(tmp_path) -> None:  # type: ignore[no-untyped-def]
    telegram = Blocked("telegram")
    settings = reading_the_console(settings_with_th_fp_on("telegram"))
    bot = await Harness(tmp_path / "bot.db", settings, extra_adapters=[telegram]).start()
    await bot.say("au-officer", "/request TH urgent Check passport N1234567")
    await bot.settle()
    assert "Check passport N1234567" in bot.last("th-fp")  # on the console, its next route
    told = [m for m in bot.inbox("au-officer") if "could not deliver" in m]
    assert told == [
        "I could not deliver your message to Niran Example on telegram (the platform refused "
        "the message); sent it on console instead."
    ]
    rows = await bot.rows(
        "SELECT channel, status, fallback_of IS NOT NULL FROM outbox "
        "WHERE person_id = 'th-fp' ORDER BY id"
    )
    assert rows == [("telegram", "failed", 0), ("console", "sent", 1)]
    await bot.stop()


async def test_no_channel_left_is_reported_not_silent(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bot = await Harness(
        tmp_path / "bot.db",
        settings_with_th_fp_on("telegram"),
        chat_factory=Blocked,
        extra_adapters=[Blocked("telegram")],
    ).start()
    await bot.app.submit(bot.chat.event("au-officer", "/request TH urgent Check N1234567"))
    await bot.settle()
    actions = [r[0] for r in await bot.rows("SELECT action FROM audit ORDER BY id")]
    assert "message.rerouted" in actions and "message.undeliverable" in actions
    assert await bot.rows("SELECT COUNT(*) FROM outbox WHERE status = 'queued'") == [(0,)]
    await bot.stop()


async def test_urgent_request_is_resent_on_other_channels_before_the_deputy(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    telegram = MemoryAdapter("telegram")
    bot = await Harness(tmp_path / "bot.db", extra_adapters=[telegram]).start()
    th_fp_telegram = bot.app.ctx.directory.people["th-fp"].identities["telegram"]  # type: ignore[union-attr]
    await bot.say("au-officer", "/request TH urgent Check passport N1234567")
    assert telegram.to(th_fp_telegram) == []  # first on the preferred channel (console) only
    await bot.advance(timedelta(minutes=31))
    [resent] = telegram.to(th_fp_telegram)
    assert resent.startswith("Reminder — not acknowledged yet.") and "N1234567" in resent
    assert bot.inbox("th-deputy") == []
    await bot.advance(timedelta(minutes=16))  # half the limit later: the deputy
    assert "escalated to the deputy focal point" in bot.last("th-deputy")
    await bot.advance(timedelta(minutes=31))
    assert "escalated to the co-chairs" in bot.last("nz-cochair")
    await bot.stop()


async def test_routine_request_is_not_resent(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    telegram = MemoryAdapter("telegram")
    bot = await Harness(tmp_path / "bot.db", extra_adapters=[telegram]).start()
    await bot.say("au-officer", "/request TH routine Vessel owner")
    await bot.advance(timedelta(hours=25))
    assert not [
        d
        for d in telegram.sent
        if "Vessel owner" in d.message.text and d.message.person_id == "th-fp"
    ]
    assert "escalated to the deputy" in bot.last("th-deputy")
    await bot.stop()


async def test_pointer_only_channel_never_carries_the_text(tmp_path) -> None:  # type: ignore[no-untyped-def]
    sms = MemoryAdapter("sms")
    settings = with_pointer_only_sms(preferred="sms")
    bot = await Harness(tmp_path / "bot.db", settings, extra_adapters=[sms]).start()
    await bot.say("au-officer", "/request TH urgent Check passport N1234567")
    [pointer] = sms.to("+66800000001")
    assert pointer == "R-2026-0001 awaits you — open it on console."
    assert "N1234567" not in " ".join(d.message.text for d in sms.sent)
    stored = await bot.rows("SELECT text FROM outbox WHERE channel = 'sms'")
    assert "N1234567" not in str(stored)  # not even the outbox copy holds it
    await bot.stop()


async def test_fallback_onto_a_pointer_only_channel_carries_only_the_pointer(tmp_path) -> None:  # type: ignore[no-untyped-def]
    sms = MemoryAdapter("sms")
    settings = with_pointer_only_sms(preferred="telegram")
    bot = await Harness(
        tmp_path / "bot.db",
        settings,
        chat_factory=Blocked,
        extra_adapters=[Blocked("telegram"), sms],
    ).start()
    await bot.app.submit(bot.chat.event("au-officer", "/request TH urgent Check N1234567"))
    await bot.settle()
    [pointer] = sms.to("+66800000001")
    # no later channel of theirs may carry it (naming Telegram would send them where it failed)
    assert pointer == "R-2026-0001 awaits you — ask your focal point for an approved channel."
    await bot.stop()


async def test_fallback_past_a_pointer_only_channel_goes_whole_where_the_pointer_says(
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    """Telegram failed; SMS comes next but carries only pointers: the request goes whole to
    the next channel of theirs that may carry it (Slack), and the SMS names that one."""
    sms, slack = MemoryAdapter("sms"), MemoryAdapter("slack")
    settings = with_pointer_only_sms(preferred="telegram")
    order = {"telegram": "100041", "sms": "+66800000001", "slack": "U0THFP"}  # SMS next
    people = tuple(
        p.model_copy(update={"identities": order}) if p.id == "th-fp" else p
        for p in settings.people
    )
    bot = await Harness(
        tmp_path / "bot.db",
        settings.model_copy(update={"people": people}),
        extra_adapters=[Blocked("telegram"), sms, slack],
    ).start()
    await bot.app.submit(bot.chat.event("au-officer", "/request TH urgent Check N1234567"))
    await bot.settle()
    [pointer] = sms.to("+66800000001")
    assert pointer == "R-2026-0001 awaits you — open it on slack."
    [whole] = [d.message.text for d in slack.sent]
    assert "Request R-2026-0001" in whole and "Check N1234567" in whole
    assert "N1234567" not in " ".join(d.message.text for d in sms.sent)
    await bot.stop()


async def test_pointer_only_channel_still_answers_what_holds_no_casework(tmp_path) -> None:  # type: ignore[no-untyped-def]
    sms = MemoryAdapter("sms")
    bot = await Harness(
        tmp_path / "bot.db", with_pointer_only_sms(preferred="sms"), extra_adapters=[sms]
    ).start()
    th_fp = bot.app.ctx.directory.people["th-fp"].identities["sms"]  # type: ignore[union-attr]
    await bot.app.submit(sms.event(th_fp, "/ping"))
    await bot.app.submit(sms.event(th_fp, "/request XX help"))
    await bot.app.submit(sms.event(th_fp, "/show R-2026-0001"))
    await bot.settle()
    assert sms.to(th_fp)[0] == "pong"
    assert "I don't know the country 'XX'" in sms.to(th_fp)[1]  # a refusal: their own input
    assert sms.to(th_fp)[2].startswith("No such request")
    await bot.stop()


async def test_casework_asked_for_by_sms_goes_where_the_pointer_says(tmp_path) -> None:  # type: ignore[no-untyped-def]
    sms, telegram = MemoryAdapter("sms"), MemoryAdapter("telegram")
    bot = await Harness(
        tmp_path / "bot.db", with_pointer_only_sms(preferred="sms"), extra_adapters=[sms, telegram]
    ).start()
    rid = await bot.file_request("TH routine Check passport N1234567")
    await bot.app.submit(sms.event("+66800000001", f"/show {rid}"))
    await bot.settle()
    assert sms.to("+66800000001")[-1] == f"{rid} awaits you — open it on telegram."
    # the request came as a pointer by SMS and whole where it names; then what /show says
    notified, shown = telegram.to("100041")
    assert sms.to("+66800000001")[0].startswith(f"{rid} awaits you — open it on telegram.")
    assert notified.startswith(f"Request {rid}") and "Check passport N1234567" in notified
    assert shown.startswith(f"Request {rid}") and "Status:" in shown
    assert "N1234567" not in " ".join(d.message.text for d in sms.sent)
    await bot.stop()


async def test_casework_asked_for_by_sms_goes_to_the_console_stand_in(tmp_path) -> None:  # type: ignore[no-untyped-def]
    sms = MemoryAdapter("sms")
    bot = await Harness(
        tmp_path / "bot.db", with_pointer_only_sms(preferred="sms"), extra_adapters=[sms]
    ).start()
    rid = await bot.file_request("TH routine Check passport N1234567")
    before = len(bot.inbox("th-fp"))
    await bot.app.submit(sms.event("+66800000001", f"/show {rid}"))
    await bot.settle()
    assert sms.to("+66800000001")[-1].endswith("— open it on console.")
    [shown] = bot.inbox("th-fp")[before:]
    assert "Check passport N1234567" in shown
    await bot.stop()


async def test_channel_can_be_told_not_to_answer_strangers(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from bot.config import ChannelSettings

    sms = MemoryAdapter("sms")
    base = shipped_settings()
    channels = {**base.channels, "sms": ChannelSettings(answer_strangers=False)}
    bot = await Harness(
        tmp_path / "bot.db", base.model_copy(update={"channels": channels}), extra_adapters=[sms]
    ).start()
    await bot.app.submit(sms.event("+15550000000", "hello?"))
    await bot.settle()
    assert sms.sent == []  # no paid reply to an unknown number
    assert any("not in the directory" in m for m in bot.inbox("admin"))
    await bot.stop()


class Failing(MemoryAdapter):
    """A channel that fails every message with the error it is given."""

    def __init__(self, channel: str, error: Exception) -> None:
        super().__init__(channel, Pacing(max_attempts=2))
        self.error = error

    async def send(self, message: Outbound) -> str:
        raise self.error


async def test_the_sender_reads_plain_words_and_the_log_keeps_the_detail(
    tmp_path,
    caplog,  # type: ignore[no-untyped-def]
) -> None:
    """The sender read the library's error in the notice ("httpx.ConnectError: …")."""
    errors = {
        "the platform could not be reached": TransientError(
            "httpx.ConnectError: [Errno 111] Connection refused"
        ),
        "the address is not valid": PermanentError("Bad Request: chat not found"),
    }
    for plain, error in errors.items():
        bot = await Harness(
            tmp_path / f"{len(plain)}.db",
            reading_the_console(settings_with_th_fp_on("telegram")),
            extra_adapters=[Failing("telegram", error)],
        ).start()
        await bot.say("au-officer", "/request TH urgent Check passport N1234567")
        await bot.settle()
        told = [m for m in bot.inbox("au-officer") if "could not deliver" in m]
        assert told == [
            f"I could not deliver your message to Niran Example on telegram ({plain}); sent it "
            "on console instead."
        ]
        assert str(error) in caplog.text  # the technical detail, for the operator
        await bot.stop()
