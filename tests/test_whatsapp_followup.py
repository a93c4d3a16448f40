"""WhatsApp's "reply and it follows in full" is a promise the core keeps in the outbox.

Outside the 24-hour window a message too long for the template goes cut, saying the rest follows
once the reader replies. The promise lives in the outbox row, not in the adapter's memory: it
holds across a restart and between replicas, is kept once, and only for the person it was made
to. Each test runs on SQLite and PostgreSQL (one with two replicas on PostgreSQL only).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from adapters.whatsapp import WhatsAppAdapter
from bot.config import Settings
from bot.ports import Pacing
from tests.fake_whatsapp import FakeGraph, WhatsAppSide
from tests.harness import Harness, eventually, settings_preferring
from tests.test_whatsapp import ENV, PH_FP, whatsapp_options

SECRET = "CONFIDENTIAL " + " ".join(f"evidence-{n}" for n in range(150))  # ~1,800 characters
ANSWER = "I only understand commands."


def full_content_settings() -> Settings:
    """ph-fp prefers WhatsApp, approved here for full content (so a request's text goes)."""
    base = settings_preferring("whatsapp", "ph-fp")
    whatsapp = base.channels["whatsapp"].model_copy(update={"content": "full"})
    return base.model_copy(update={"channels": {**base.channels, "whatsapp": whatsapp}})


def new_adapter(api: FakeGraph) -> WhatsAppAdapter:
    """A fresh adapter, as a new process has: it remembers nothing."""
    adapter = WhatsAppAdapter.from_settings(whatsapp_options(api.api_host), ENV)
    adapter.pacing = Pacing(per_chat_interval=0.02)  # parts a second apart, shortened
    return adapter


@dataclass
class World:
    bot: Harness
    api: FakeGraph
    phone: WhatsAppSide

    async def start(self) -> None:
        """Start the bot with a new adapter, and point Meta's side at its webhook."""
        adapter = new_adapter(self.api)
        self.bot.extra = [adapter]
        await self.bot.start()
        self.phone.url = self.api.webhook_url = webhook_of(adapter)

    async def restart(self) -> None:
        """Stop and start a new process on the same database (nothing kept in memory)."""
        await self.bot.stop()
        await self.start()

    async def write(self, text: str, message_id: str, wa_id: str = PH_FP) -> None:
        """``wa_id`` writes to the bot (the fake opens their window)."""
        self.api.wrote(wa_id)
        assert (await self.phone.send(self.phone.text(wa_id, text, message_id))).status == 200
        await self.settle()

    async def settle(self) -> None:
        await self.bot.settle()
        await self.api.reports_sent()
        await self.bot.settle()

    async def follow_up_state(self) -> list[tuple[str, str | None]]:
        return await self.bot.rows(
            "SELECT status, follow_up FROM outbox WHERE channel = 'whatsapp' ORDER BY id"
        )


def webhook_of(adapter: WhatsAppAdapter) -> str:
    return f"http://127.0.0.1:{adapter.port}/whatsapp/webhook"


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    api = await FakeGraph().start()
    w = World(Harness(tmp_path / "bot.db", full_content_settings()), api, WhatsAppSide(""))
    await w.start()
    yield w
    await w.bot.stop()
    await api.stop()


async def cut_template_sent(world: World) -> None:
    """A request reaches ph-fp outside the window: the template, cut, promising the rest."""
    await world.bot.file_request(f"PH urgent {SECRET}")
    await world.settle()
    [template] = world.api.to(PH_FP)
    assert template.kind == "template" and SECRET[:200] in template.text
    assert "(Shortened: reply to this message and it follows in full.)" in template.text
    assert SECRET not in template.text


def holds_secret(texts: list[str]) -> bool:
    """Whether the texts, read on, hold the whole secret (parts split at spaces)."""
    return " ".join(SECRET.split()) in " ".join(" ".join(texts).split())


async def test_the_rest_follows_in_full_after_a_restart_once(world: World) -> None:
    await cut_template_sent(world)
    await world.restart()

    await world.write("thanks", "wamid.FIRST")
    after = world.api.to(PH_FP)[1:]
    assert holds_secret([c.text for c in after[:-1]]), [c.text[:40] for c in after]
    assert all(c.kind in ("text", "interactive") for c in after)
    assert after[-1].text.startswith(ANSWER)  # their answer comes after what they asked for
    assert await world.follow_up_state() == [("sent", "done"), ("sent", None)]  # and answer

    sent = len(world.api.to(PH_FP))
    await world.write("thanks", "wamid.FIRST")  # Meta delivers the same message again
    await world.write("thanks again", "wamid.SECOND")  # and they write once more
    later = world.api.to(PH_FP)[sent:]
    assert [c.text[: len(ANSWER)] for c in later] == [ANSWER]  # the answer, nothing repeated
    assert not any("CONFIDENTIAL" in c.text for c in later)


async def test_the_rest_does_not_go_to_whoever_holds_the_number_now(world: World) -> None:
    """The number passes to ph-officer (bot.toml edited, the bot restarted): the new holder
    writes, and what was cut short for ph-fp does not reach them, then or later."""
    await cut_template_sent(world)
    await world.bot.stop()
    settings = world.bot.settings
    people = tuple(
        p.model_copy(update={"identities": {**p.identities, "whatsapp": "+" + PH_FP}})
        if p.id == "ph-officer"
        else p.model_copy(update={"identities": {"telegram": "100035"}})
        if p.id == "ph-fp"
        else p
        for p in settings.people
    )
    world.bot.settings = settings.model_copy(update={"people": people})
    await world.start()

    await world.write("/whoami", "wamid.NEWHOLDER")
    await world.write("hello", "wamid.NEWHOLDER2")
    after = world.api.to(PH_FP)[1:]
    assert after, "the new holder was answered"
    assert "Joseo Officer-Example" in after[0].text  # the new holder, as the bot knows them
    assert not any("CONFIDENTIAL" in c.text for c in after), [c.text[:60] for c in after]
    assert await world.follow_up_state() == [("sent", "lapsed"), *[("sent", None)] * 2]


async def test_the_rest_does_not_go_to_a_number_revoked_meanwhile(world: World) -> None:
    await cut_template_sent(world)
    [revoked] = await world.bot.say("admin", "/revoke ph-fp")
    assert "is revoked" in revoked, revoked
    await world.write("hello?", "wamid.STRANGER")  # now a stranger's number
    after = world.api.to(PH_FP)[1:]
    assert not any("CONFIDENTIAL" in c.text for c in after), [c.text[:60] for c in after]
    assert after and after[-1].text.startswith("Sorry, I can't help you here.")
    assert (await world.follow_up_state())[0] == ("sent", "lapsed")


async def test_the_lane_owner_sends_the_rest_when_another_replica_hears_the_reply(
    tmp_path: Path, engine: str
) -> None:
    """Two replicas: the one that sent the template owns the chat and sends the rest,
    though the reply reached the other one (its adapter never saw the reader write)."""
    if engine != "postgresql":
        pytest.skip("replicas share a PostgreSQL database")
    api = await FakeGraph().start()
    settings = full_content_settings()
    a = World(Harness(tmp_path / "bot.db", settings), api, WhatsAppSide(""))
    b = World(Harness(tmp_path / "bot.db", settings), api, WhatsAppSide(""))
    try:
        await a.start()
        await b.start()
        api.webhook_url = a.phone.url  # delivery reports go to the replica that sent
        await cut_template_sent(a)
        await b.write("thanks", "wamid.TOB")
        await eventually(
            lambda: any(SECRET[-40:] in c.text for c in api.to(PH_FP)[1:]), 20.0, "the rest"
        )
        await a.settle()
        await b.settle()
        assert await a.follow_up_state() == [("sent", "done"), ("sent", None)]
        secret_parts = [c for c in api.to(PH_FP)[1:] if "evidence" in c.text]
        assert holds_secret([c.text for c in secret_parts])  # whole
        assert len([c for c in secret_parts if "CONFIDENTIAL" in c.text]) == 1  # once
        assert all(c.kind in ("text", "interactive") for c in secret_parts)
    finally:
        await b.bot.stop()
        await a.bot.stop()
        await api.stop()
