"""Files across real channels: python-telegram-bot's getFile and sendPhoto/sendDocument
against the fake Bot API, slack-sdk's files_upload_v2 and a private file download against
the fake Web API. An officer on Telegram sends a photo with a request to a focal point on
Slack, who answers with a document; a download cut half way is fetched again and only the
whole file is relayed; a file Telegram delivers twice is stored and relayed once; a file
larger than the Bot API lets a bot fetch is refused without a download; a photo sent with
Telegram's Reply on the bot's message about a request, without a caption, is attached to it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from adapters.slack import SlackAdapter
from adapters.telegram import TelegramAdapter
from bot.config import Settings
from tests.fake_slack import FakeSlack, SlackSide, Upload
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.files_support import pdf, png, sha
from tests.harness import Harness, shipped_settings
from tests.test_slack import ENV as SLACK_ENV
from tests.test_slack import slack_options
from tests.test_telegram import options as telegram_options

OFFICER = 300020  # au-officer on Telegram
TH_SLACK = "U0THFOCAL1"  # th-fp on Slack (Slack ids are longer than the shipped examples)
TH_DM = "D0THFOCAL1"
RID = "R-2026-0001"
pytestmark = pytest.mark.filterwarnings(
    "ignore:.*`retry_after` will be of type:telegram.warnings.PTBDeprecationWarning"
)


def officer_on_telegram_focal_point_on_slack() -> Settings:
    base = shipped_settings()
    people = []
    for p in base.people:
        if p.id == "au-officer":
            p = p.model_copy(update={"preferred_channel": "telegram"})
        elif p.id == "th-fp":
            p = p.model_copy(
                update={"preferred_channel": "slack", "identities": {"slack": TH_SLACK}}
            )
        people.append(p)
    return base.model_copy(update={"people": tuple(people)})


def blob_names(bot: Harness) -> list[str]:
    return sorted(p.name for p in Path(bot.settings.files.directory).glob("??/*"))


def temporary_files(bot: Harness) -> list[Path]:
    return list((Path(bot.settings.files.directory) / "tmp").glob("*"))


@dataclass
class Both:
    bot: Harness
    telegram: FakeTelegram
    api: FakeSlack
    slack: SlackSide
    slack_adapter: SlackAdapter

    async def settle(self) -> None:
        async with asyncio.timeout(30):
            await self.slack_adapter.drain()
            await self.bot.settle()

    async def shared(self, count: int = 1) -> list[Upload]:
        """Files shared into Thailand's DM on Slack, once there are ``count``."""
        return await self.api.wait_for(
            lambda: (
                [u for u in self.api.shared() if u.channel == TH_DM][:count]
                if len([u for u in self.api.shared() if u.channel == TH_DM]) >= count
                else None
            ),
            within=30,
        )


@pytest.fixture
async def both(tmp_path: Path, files_key: str) -> AsyncIterator[Both]:
    async with telegram_and_slack(tmp_path, officer_on_telegram_focal_point_on_slack()) as pair:
        yield pair


@contextlib.asynccontextmanager
async def telegram_and_slack(tmp_path: Path, settings: Settings) -> AsyncIterator[Both]:
    """The bot on fake Telegram and fake Slack servers, with ``settings``."""
    telegram, api = await FakeTelegram().start(), await FakeSlack().start()
    tg = TelegramAdapter.from_settings(telegram_options(telegram), {"TG_TOKEN": TOKEN})
    sl = SlackAdapter.from_settings(slack_options(api.base_url), SLACK_ENV)
    bot = Harness(tmp_path / "bot.db", settings, [tg, sl])
    await bot.start()
    slack = SlackSide(f"http://127.0.0.1:{sl.port}/slack/events")
    try:
        yield Both(bot, telegram, api, slack, sl)
    finally:
        await bot.stop()
        await telegram.stop()
        await api.stop()


async def test_photo_from_telegram_reaches_slack_and_a_document_comes_back(both: Both) -> None:
    photo = png(320, 240)
    both.telegram.media(OFFICER, photo, "photo", caption="/request TH urgent Who is this man?")
    await both.telegram.wait_for_text(OFFICER, "1 file attached", count=1)
    [upload] = await both.shared()
    assert upload.content == photo  # decrypted from the store, byte for byte
    assert RID in upload.caption and "Alexo Officer-Example" in upload.caption
    assert both.telegram.downloads  # fetched through getFile's URL

    crew = pdf(30_000)
    shared = both.api.host_file(crew, "crew-list.pdf", "application/pdf")
    reply = await both.slack.event(
        both.slack.dm_with_files(TH_SLACK, f"reply {RID} Crew list", [shared])
    )
    assert reply.status == 200
    [sent] = await both.telegram.wait_for(lambda: both.telegram.documents(OFFICER))
    assert sent["method"] == "sendDocument" and sent["file"]["content"] == crew
    assert sent["file"]["filename"] == "crew-list.pdf" and RID in sent["caption"]
    assert both.api.downloads == [shared["id"]]
    await both.settle()
    rows = await both.bot.rows("SELECT n, kind, mime, sender_id FROM request_files ORDER BY n")
    assert rows == [
        (1, "photo", "image/png", "au-officer"),
        (2, "document", "application/pdf", "th-fp"),
    ]
    assert blob_names(both.bot) == sorted([sha(photo), sha(crew)])


async def test_a_photo_sent_as_a_reply_to_a_requests_message_is_attached_to_it(
    both: Both,
) -> None:
    both.telegram.message(OFFICER, "/request TH Passport please")
    await both.telegram.wait_for_text(OFFICER, RID)
    await both.bot.say("th-fp", f"/reply {RID} Which passport?")
    await both.telegram.wait_for_text(OFFICER, "Which passport?")
    [about] = [m for m in both.telegram.sent(OFFICER) if "Which passport?" in m["text"]]
    photo = png(240, 180)

    both.telegram.media(OFFICER, photo, "photo", reply_to=about)  # no caption
    [upload] = await both.shared()
    assert upload.content == photo and RID in upload.caption
    assert await both.telegram.wait_for_text(OFFICER, f"1 file added to {RID}")
    assert await both.bot.rows("SELECT n, sender_id FROM request_files") == [(1, "au-officer")]
    assert await both.bot.rows("SELECT COUNT(*) FROM pending_files") == [(0,)]


async def test_a_download_cut_half_way_is_fetched_again_and_relayed_whole(both: Both) -> None:
    await both.bot.file_request("TH Passport please", by="au-officer")
    photo = png(400, 300)
    both.telegram.cut_downloads = 1
    both.telegram.media(OFFICER, photo, "photo", caption=f"/attach {RID}")
    [upload] = await both.shared()
    assert upload.content == photo
    assert len(both.telegram.downloads) == 2  # the cut one, then the whole one
    await both.settle()  # no half download, and no decrypted copy, left behind
    assert temporary_files(both.bot) == []


async def test_a_photo_telegram_delivers_twice_is_stored_and_relayed_once(both: Both) -> None:
    await both.bot.file_request("TH Passport please", by="au-officer")
    photo = png(200, 100)
    update = both.telegram.media(OFFICER, photo, "photo", caption=f"/attach {RID}")
    await both.shared()
    await both.telegram.wait_for_text(OFFICER, "1 file added")
    both.telegram.unconfirm(update["update_id"])  # the confirmation was lost: sent again
    await both.telegram.wait_for(lambda: len(both.telegram.downloads) >= 2 or None)
    await both.settle()
    assert len([u for u in both.api.shared() if u.channel == TH_DM]) == 1
    assert await both.bot.rows("SELECT COUNT(*) FROM request_files") == [(1,)]
    assert both.telegram.texts(OFFICER) == [f"1 file added to {RID} and sent on."]


async def test_a_file_over_the_bot_api_download_limit_is_refused_unfetched(both: Both) -> None:
    big = {"file_id": "AgACbig", "file_unique_id": "ubig", "file_size": 21 * 1024 * 1024}
    both.telegram.push(
        {
            "message": {
                "message_id": 77,
                "date": 0,
                "from": {"id": OFFICER, "is_bot": False, "first_name": "O"},
                "chat": {"id": OFFICER, "type": "private", "first_name": "O"},
                "document": {**big, "file_name": "scan.pdf"},
                "caption": "/request TH Scan of the ledger",
            }
        }
    )
    [answer] = await both.telegram.wait_for_text(OFFICER, "larger than 20 MB")
    assert "nothing was changed" in answer
    assert both.telegram.downloads == [] and not both.telegram.called("getFile")
    assert await both.bot.rows("SELECT COUNT(*) FROM requests") == [(0,)]


async def test_files_in_a_group_or_from_a_stranger_are_not_fetched(both: Both) -> None:
    group = -100500
    body = {
        "message_id": 91,
        "date": 0,
        "from": {"id": OFFICER, "is_bot": False, "first_name": "O"},
        "chat": {"id": group, "type": "group", "title": "Operation room"},
        "photo": [
            {
                "file_id": both.telegram.add_file(png()),
                "file_unique_id": "g",
                "width": 9,
                "height": 9,
                "file_size": 500,
            }
        ],
        "caption": "/attach R-2026-0001",
    }
    both.telegram.push({"message": body})
    both.telegram.media(777001, png(), "photo", caption="/request TH hello")  # not in directory
    await both.telegram.wait_for(lambda: len(both.telegram.sent()) >= 2 or None)
    await both.settle()
    assert both.telegram.downloads == [] and not both.telegram.called("getFile")
    assert await both.bot.rows("SELECT COUNT(*) FROM request_files") == [(0,)]
