"""An English sentence says "the return of the Philippines", "sent to the Maldives" (a trial
read "the return of Philippines", which the debrief already wrote right); a list or a heading
keeps the name as bot.toml writes it, and other languages name the country as before."""

from pathlib import Path

from bot.i18n import _, in_sentence, join, render
from bot.i18n.message import CountryName
from tests.harness import Harness
from tests.returns_support import running

PHILIPPINES = CountryName("Philippines", "PH")


def test_a_name_in_a_sentence_takes_its_article_in_english_only() -> None:
    said = _("Overdue: the return of {country}.", country=in_sentence(PHILIPPINES))
    assert render(said, "en") == "Overdue: the return of the Philippines."
    listed = join([PHILIPPINES, CountryName("Thailand", "TH")], ", ")
    assert render(listed, "en") == "Philippines, Thailand"  # a list: as bot.toml writes it
    assert render(in_sentence(CountryName("Thailand", "TH")), "en") == "Thailand"
    assert render(in_sentence(PHILIPPINES), "vi") == render(PHILIPPINES, "vi") == "Philippines"
    assert in_sentence("PH") == "PH"  # a code the directory does not know, as it is


async def test_a_chased_return_and_a_filed_request_name_the_philippines(tmp_path: Path) -> None:
    bot: Harness = await running(tmp_path)  # 20 January, W1 due 7 February
    bot.clock.advance(bot.clock.now().replace(month=2, day=10) - bot.clock.now())
    await bot.say("nz-cochair", "/status W1 chase")
    reminder = next(m for m in bot.inbox("ph-fp") if m.startswith("Overdue:"))
    assert reminder.startswith("Overdue: the return of the Philippines for JPA-9 · W1"), reminder
    [sent] = await bot.say("au-officer", "/request Philippines #victim shelter contacts")
    assert "sent to the Philippines (routine, victim support)" in sent, sent
    [whoami] = await bot.say("us-fp", "/whoami")
    assert "focal point for the United States." in whoami, whoami
    request_id = sent.split()[1]
    [referred] = await bot.say("ph-fp", f"/refer {request_id} Maldives their shelter list")
    assert referred.startswith(f"{request_id} referred to the Maldives."), referred
    await bot.stop()
