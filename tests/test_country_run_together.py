"""A country named in Thai or Burmese with no space before what follows, as those languages
are written: a Thai officer's ``/request มาเลเซียช่วยตรวจสอบ…`` was told "I don't know the
country" (a leftover of earlier notes). A name is read so only in those languages, and only
where a country is asked for first."""

from pathlib import Path

from bot.i18n.country_names import named_country
from tests.harness import Harness
from tests.returns_support import running


def test_a_name_run_together_with_the_text_is_read_in_thai_and_burmese_only() -> None:
    own = {"MY": "Malaysia", "LK": "Sri Lanka"}
    assert named_country("มาเลเซียช่วยตรวจสอบ", ["th", "en"], own) == ("MY", "ช่วยตรวจสอบ")
    assert named_country("ศรีลังกาขอข้อมูล", ["th", "en"], own) == ("LK", "ขอข้อมูล")
    assert named_country("มาเลเซีย ช่วยตรวจสอบ", ["th", "en"], own) == ("MY", "ช่วยตรวจสอบ")
    assert named_country("ผู้ต้องสงสัย", ["th", "en"], own) is None  # no country's name
    assert named_country("Malaysiaxyz", ["en"], own) is None  # English has spaces


async def test_a_thai_officer_files_a_request_typed_without_a_space(tmp_path: Path) -> None:
    bot: Harness = await running(tmp_path)
    await bot.say("th-officer", "/language th")
    await bot.say("th-officer", "/request มาเลเซียช่วยตรวจสอบผู้ต้องสงสัยสองคน")
    assert await bot.rows("SELECT target_country, text FROM requests") == [
        ("MY", "ช่วยตรวจสอบผู้ต้องสงสัยสองคน")
    ]
    await bot.stop()
