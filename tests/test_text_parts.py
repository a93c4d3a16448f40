"""Long text cut into parts for a channel's length limit: never inside a grapheme cluster."""

from __future__ import annotations

import unicodedata

from adapters.line_convert import split_text as line_split
from adapters.text_parts import split_text
from adapters.whatsapp_convert import MAX_TEXT

THAI = "ที่นี่มีผู้หญิงสองคนรอที่ด่านตรวจคนเข้าเมือง"  # Thai writes no spaces between words


def utf16_len(text: str) -> int:
    """Telegram's measure: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def starts_with_a_mark(part: str) -> bool:
    return unicodedata.category(part[0]).startswith("M")


def test_thai_without_spaces_is_cut_between_clusters_only() -> None:
    text = THAI * 200
    for limit in range(40, 60):  # wherever the limit falls, on a letter or on its mark
        parts = split_text(text, limit)
        assert all(len(p) <= limit for p in parts)
        assert not [p for p in parts if starts_with_a_mark(p)], limit
        assert "".join(parts) == text  # nothing lost


def test_a_long_thai_message_keeps_its_marks_on_whatsapp_and_telegram() -> None:
    text = "R-2026-0001 · Niran Example wrote: " + THAI * 400
    assert starts_with_a_mark(text[4096])  # where a cut at the limit would fall
    for limit, size in ((MAX_TEXT, len), (4096, utf16_len)):
        parts = split_text(text, limit, size)
        assert len(parts) > 1 and all(size(p) <= limit for p in parts)
        assert not [p for p in parts if starts_with_a_mark(p)]


def test_a_cluster_longer_than_a_part_is_still_cut_to_fit() -> None:
    text = "a" + "\u0301" * 30  # one letter under thirty accents: one cluster
    parts = split_text(text, 10)
    assert all(len(p) <= 10 for p in parts) and "".join(parts) == text


def test_line_cuts_thai_between_clusters_only() -> None:
    text = THAI * 200
    for limit in range(40, 60):  # wherever the limit falls, on a letter or on its mark
        parts = line_split(text, limit, parts=1000)
        assert all(utf16_len(p) <= limit for p in parts)
        assert not [p for p in parts if starts_with_a_mark(p)], limit
        assert "".join(parts) == text  # nothing lost


def test_a_long_thai_message_on_line_keeps_its_marks_also_where_it_is_cut_short() -> None:
    note = "\n[cut]"
    text = "R-2026-0001 · Niran Example wrote: " + THAI * 1000
    assert starts_with_a_mark(text[5000])  # where a cut at the limit would fall
    parts = line_split(text, note=note)
    assert len(parts) == 5 and all(utf16_len(p) <= 5000 for p in parts)
    assert not [p for p in parts if starts_with_a_mark(p)]
    kept = "".join(parts).removesuffix(note)
    assert parts[-1].endswith(note) and not starts_with_a_mark(text[len(kept)])  # no mark dropped
