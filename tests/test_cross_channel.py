"""Across channels: an officer on WhatsApp, a focal point who has only email.

Issue 9's acceptance scenario, with both real adapters in one running bot: the officer files a
request on WhatsApp (signed webhook calls into the adapter, a fake Cloud API out); Malaysia's
focal point receives it by email with its full content (aiosmtplib to a real aiosmtpd relay),
replies from their mail client (aiosmtplib into the bot's aiosmtpd receiver), and the reply
reaches the officer on WhatsApp, which is pointer-only: nothing of the casework ever travels
over it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from adapters.email import EmailAdapter
from adapters.whatsapp import WhatsAppAdapter
from bot.config import Settings
from tests.fake_email import Correspondent, MailServer
from tests.fake_whatsapp import FakeGraph, WhatsAppSide
from tests.harness import Harness, shipped_settings
from tests.test_email import BOT, email_options
from tests.test_email import ENV as EMAIL_ENV
from tests.test_whatsapp import ENV as WHATSAPP_ENV
from tests.test_whatsapp import whatsapp_options

OFFICER = "639170000037"  # ph-officer's WhatsApp number in the shipped bot.toml, without "+"
AINA = "aina@police.example"  # my-fp's email identity
REQUEST_TEXT = "Please confirm passport A1234567 and any travel since March."
ANSWER = "The passport is genuine. Two trips to Manila, 3 and 19 April."


def settings_for_the_scenario() -> Settings:
    """The officer has only WhatsApp; Malaysia's focal point has only email."""
    only = {"ph-officer": ("whatsapp", "+" + OFFICER), "my-fp": ("email", AINA)}
    settings = shipped_settings()
    people = tuple(
        p.model_copy(update={"preferred_channel": only[p.id][0], "identities": dict([only[p.id]])})
        if p.id in only
        else p
        for p in settings.people
    )
    return settings.model_copy(update={"people": people})


@dataclass
class World:
    bot: Harness
    api: FakeGraph
    phone: WhatsAppSide
    relay: MailServer
    aina: Correspondent

    def whatsapp_to_officer(self) -> list[str]:
        return self.api.texts_to(OFFICER)

    async def settle(self) -> None:
        await self.bot.settle()
        await self.api.reports_sent()
        await self.bot.settle()


@pytest.fixture
async def world(tmp_path) -> AsyncIterator[World]:  # type: ignore[no-untyped-def]
    api, relay = await FakeGraph().start(), await MailServer().start()
    whatsapp = WhatsAppAdapter.from_settings(whatsapp_options(api.api_host), WHATSAPP_ENV)
    email = EmailAdapter.from_settings(email_options(relay.port), EMAIL_ENV)
    bot = Harness(tmp_path / "bot.db", settings_for_the_scenario(), [whatsapp, email])
    await bot.start()
    api.webhook_url = f"http://127.0.0.1:{whatsapp.port}/whatsapp/webhook"
    yield World(
        bot,
        api,
        WhatsAppSide(api.webhook_url),
        relay,
        Correspondent(AINA, BOT, email.port, "Aina Example"),
    )
    await bot.stop()
    await relay.stop()
    await api.stop()


async def test_whatsapp_officer_and_email_only_focal_point(world: World) -> None:
    # The officer files the request on WhatsApp.
    world.api.wrote(OFFICER)
    filed = await world.phone.send(world.phone.text(OFFICER, f"/request MY urgent {REQUEST_TEXT}"))
    await world.settle()
    assert filed.status == 200
    request_id = (await world.bot.rows("SELECT id FROM requests"))[0][0]
    assert world.whatsapp_to_officer() == [  # no casework in it: it may go on WhatsApp
        f"Request {request_id} sent to Malaysia (urgent, information). Their focal point has "
        "30 minutes to acknowledge; I will tell you here when they do."
    ]

    # It reaches Malaysia's focal point by email, in full.
    mail = (await world.relay.wait_for(lambda: world.relay.to(AINA)))[0]
    assert request_id in mail.subject
    assert REQUEST_TEXT in mail.body and "Alexo" not in mail.body
    assert "Joseo Officer-Example (Philippines)" in mail.body

    # The focal point answers from their mail client; the quoted history stays behind.
    await world.aina.send(world.aina.reply(mail, ANSWER))
    await world.settle()
    confirmation = await world.relay.wait_for(lambda: world.relay.to(AINA)[1:])
    assert confirmation[0].body.startswith(f"Sent on {request_id}.")

    # The answer reaches the officer on WhatsApp, as a pointer only.
    assert world.whatsapp_to_officer()[-1] == f"{request_id} awaits you — open it on console."
    status = await world.bot.rows("SELECT status FROM requests WHERE id = ?", [request_id])
    assert status == [("answered",)]

    # Nothing of the casework ever went over WhatsApp, in either direction of the bot's sending.
    sent_on_whatsapp = " ".join(str(c.body) for c in world.api.calls)
    for secret in (REQUEST_TEXT, ANSWER, "passport", "Manila"):
        assert secret not in sent_on_whatsapp

    # On the approved channel the officer reads the whole thread, quoted history stripped.
    thread = "\n".join(await world.bot.say("ph-officer", f"/show {request_id}"))
    assert ANSWER in thread and "wrote:\n>" not in thread
