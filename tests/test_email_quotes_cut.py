"""Email replies keep all of the sender's own text and lose the quoted history, in every
language the bot's readers use: Gmail's "On … wrote:" and Outlook's header block as each
writes them, signatures, and the quote elements of HTML mail (which carry no ``>``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from email import policy
from email.parser import BytesParser

import pytest

from adapters.email_convert import parse_mail, strip_quoted
from tests.test_email import AINA, World, file_request, start_world

OWN = "Checked the passport.\nIt is genuine."
"""The sender's own text, above every quote below."""

OWN_TEXT = {
    "outlook_from": "Vessel details below.\nFrom: Songkhla port, 1 Dec\nTo: Langkawi\n"
    "Crew: 12, master Somchai",
    "wrote_in_text": 'Checked the chat logs.\nOn Monday the suspect wrote:\n"meet at pier 4"\n'
    "We will watch pier 4.",
    "bare_dashes": "Findings:\n--\n1. Passport valid, issued 2021.\n2. No travel alerts.",
}
"""The trial's cases: each line looks like the start of history but is the sender's."""

GMAIL_QUOTE = "\n\nOn Wed, 2 Dec 2026 at 12:05, FocalPoint <bot@fp.example> wrote:\n> old\n"

GMAIL_HEADERS = {
    "en": "On Wed, 2 Dec 2026 at 12:05, FocalPoint <bot@fp.example> wrote:",
    "th": "เมื่อ พ. 2 ธ.ค. 2026 เวลา 12:05 FocalPoint <bot@fp.example> เขียนว่า:",
    "id": "Pada tanggal Rab, 2 Des 2026 pukul 12.05 FocalPoint <bot@fp.example> menulis:",
    "ms": "Pada Rab, 2 Dis 2026 pada 12:05 PTG FocalPoint <bot@fp.example> menulis:",
    "vi": "Vào Th 4, 2 thg 12, 2026 vào lúc 12:05 FocalPoint <bot@fp.example> đã viết:",
    "ar": "\u202bفي الأربعاء، 2 ديسمبر 2026 في 12:05 م FocalPoint <bot@fp.example> كتب:\u202c",
    "ar_by": "في الأربعاء، ٢ ديسمبر ٢٠٢٦ في ١٢:٠٥ م تمت كتابة ما يلي بواسطة FocalPoint "
    "<\u202abot@fp.example\u202c\u200f>:",
    "fa": "\u202bدر تاریخ چهارشنبه ۲ دسامبر ۲۰۲۶، ساعت ۱۲:۰۵ FocalPoint <bot@fp.example> نوشت:",
    "ur": "بدھ، 2 دسمبر، 2026 کو 12:05 PM بجے FocalPoint <bot@fp.example> نے لکھا:",
    "hi": "बुध, 2 दिस॰ 2026 को 12:05 pm बजे FocalPoint <bot@fp.example> ने लिखा:",
    "bn": "বুধ, ২ ডিসে, ২০২৬ এ ১২:০৫ PM এ FocalPoint <bot@fp.example> লিখেছেন:",
    "ta": "புத., 2 டிச., 2026, பிற்பகல் 12:05 அன்று, FocalPoint <bot@fp.example> எழுதியது:",
    "ne": "बुध, डिसेम्बर 2, 2026 12:05 बजे FocalPoint <bot@fp.example> ले लेख्नुभयो:",
    "my": "ဗုဒ္ဓဟူး၊ ဒီ ၂၊ ၂၀၂၆ ၁၂:၀၅ တွင် FocalPoint <bot@fp.example> က ရေးခဲ့သည်:",
    "si": "බදා, දෙසැ 2, 2026 12:05 ට FocalPoint <bot@fp.example> මෙසේ ලිවීය:",
    "fil": "Noong Miy, Dis 2, 2026 nang 12:05 PM, sumulat si FocalPoint <bot@fp.example>:",
    "ps": "په چهارشنبه، 2 دسمبر 2026 په 12:05 FocalPoint <bot@fp.example> ولیکل:",
}
"""Gmail's reply header in each of the readers' languages (dv has no Gmail of its own)."""

OUTLOOK_HEADERS = {
    "en": "From: FocalPoint <bot@fp.example>\nSent: Wednesday, December 2, 2026 12:05 PM\n"
    "To: Aina <aina@police.example>\nSubject: [FocalPoint R-2026-0001 #abc] Request",
    "en_forward": "From: FocalPoint <bot@fp.example>\nDate: Wed, 2 Dec 2026 at 12:05\n"
    "Subject: Request\nTo: <aina@police.example>",
    "th": "จาก: FocalPoint <bot@fp.example>\nส่ง: 2 ธันวาคม 2569 12:05\nถึง: Niran\nเรื่อง: คำขอ",
    "id": "Dari: FocalPoint\nDikirim: Rabu, 02 Desember 2026 12.05\nKepada: Aina\n"
    "Subjek: Permintaan",
    "ms": "Daripada: FocalPoint\nDihantar: Rabu, 2 Disember 2026 12:05 PTG\nKepada: Aina\n"
    "Perkara: Permintaan",
    "vi": "Từ: FocalPoint\nĐã gửi: Thứ Tư, ngày 2 tháng 12 năm 2026 12:05\nĐến: Aina\n"
    "Chủ đề: Yêu cầu",
    "ar": "من: FocalPoint\nتاريخ الإرسال: الأربعاء، 2 ديسمبر 2026 12:05 م\nإلى: Aina\nالموضوع: طلب",
    "fa": "از: FocalPoint\nارسال شده: چهارشنبه، ۲ دسامبر ۲۰۲۶\nبه: Aina\nموضوع: درخواست",
    "ur": "منجانب: FocalPoint\nبھیجا گیا: بدھ، 2 دسمبر 2026\nبنام: Aina\nمضمون: درخواست",
    "hi": "प्रेषक: FocalPoint\nभेजा गया: बुधवार, 2 दिसंबर 2026 12:05\nप्रति: Aina\nविषय: अनुरोध",
    "bn": "প্রেরক: FocalPoint\nপাঠানো হয়েছে: বুধবার, ২ ডিসেম্বর ২০২৬\nপ্রতি: Aina\nবিষয়: অনুরোধ",
    "ta": "அனுப்புநர்: FocalPoint\nஅனுப்பியது: 2 டிசம்பர் 2026\nபெறுநர்: Aina\nபொருள்: கோரிக்கை",
    "my": "ထံမှ: FocalPoint\nပို့ခဲ့သည်: ၂ ဒီဇင်ဘာ ၂၀၂၆\nသို့: Aina\nအကြောင်းအရာ: တောင်းဆိုချက်",
    "si": "වෙතින්: FocalPoint\nයවන ලදී: 2026 දෙසැම්බර් 2\nවෙත: Aina\nවිෂය: ඉල්ලීම",
    "fil": "Mula kay: FocalPoint\nIpinadala: Miyerkules, Disyembre 2, 2026\nPara kay: Aina\n"
    "Paksa: Kahilingan",
}
"""Outlook's header block above the quoted mail, as each language's Outlook labels it."""


# --- the trial's cases: nothing of the sender's is lost -------------------------------------
@pytest.mark.parametrize("case", sorted(OWN_TEXT))
def test_lines_that_only_look_like_history_are_the_senders(case: str) -> None:
    assert strip_quoted(OWN_TEXT[case]) == OWN_TEXT[case]
    assert strip_quoted(OWN_TEXT[case] + GMAIL_QUOTE) == OWN_TEXT[case]


def test_a_lone_from_line_above_a_real_header_keeps_every_line_before_it() -> None:
    body = "Seized at sea.\nFrom: Songkhla port\n\nCrew of 12.\n" + GMAIL_QUOTE
    assert strip_quoted(body) == "Seized at sea.\nFrom: Songkhla port\n\nCrew of 12."


# --- Gmail's header, each language ----------------------------------------------------------
@pytest.mark.parametrize("language", sorted(GMAIL_HEADERS))
def test_gmails_header_cuts_in_each_language(language: str) -> None:
    header = GMAIL_HEADERS[language]
    assert strip_quoted(f"{OWN}\n\n{header}\n> old\n> older") == OWN
    # Gmail's form, with its address, is cut even when the quote has no ">" (an HTML mail)
    assert strip_quoted(f"{OWN}\n\n{header}\nPlease check passport A1234567.") == OWN


@pytest.mark.parametrize("language", ["en", "th", "vi", "ar_by", "hi"])
def test_gmails_header_wrapped_over_two_lines_cuts(language: str) -> None:
    header = GMAIL_HEADERS[language]
    at = header.index("<")
    wrapped = f"{header[:at].rstrip()}\n{header[at:]}"
    assert strip_quoted(f"{OWN}\n{wrapped}\n> old") == OWN
    assert strip_quoted(f"{OWN}\n{wrapped}\nold, unmarked") == OWN


def test_an_unknown_languages_dated_header_with_an_address_cuts_above_quoted_lines() -> None:
    header = "2 Dec 2026 12:05 FocalPoint <bot@fp.example> ލިޔުއްވި:"  # Dhivehi, if ever
    assert strip_quoted(f"{OWN}\n{header}\n> old") == OWN
    assert strip_quoted(f"{OWN}\n{header}\nnot quoted, so not history") != OWN


def test_a_wrote_line_without_an_address_cuts_only_above_quoted_lines() -> None:
    assert strip_quoted(f"{OWN}\nOn Wed, 2 Dec 2026, FocalPoint wrote:\n> old") == OWN
    kept = f"{OWN}\nOn Wed the master wrote:\nunload at night"
    assert strip_quoted(kept) == kept


# --- Outlook's header block, each language --------------------------------------------------
@pytest.mark.parametrize("language", sorted(OUTLOOK_HEADERS))
def test_outlooks_header_block_cuts_in_each_language(language: str) -> None:
    block = OUTLOOK_HEADERS[language]
    assert strip_quoted(f"{OWN}\n\n{block}\n\nPlease check passport A1234567.") == OWN
    ruled = f"{OWN}\n\n________________________________\n{block}\n\nPlease check."
    assert strip_quoted(ruled) == OWN


# --- signatures -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "kept"),
    [
        (f"{OWN}\n-- \nAina\nPDRM Bukit Aman", OWN),  # the standard separator
        (f"{OWN}\n-- \n1. anything at all\n\nmore", OWN),
        (f"{OWN}\n--\nAina\nPDRM Bukit Aman\n+60 3 1234 5678", OWN),  # a bare one, short
        (f"{OWN}\n--\nAina\nPDRM{GMAIL_QUOTE}", OWN),
        (f"{OWN}\n--\nA first finding.\n\nA second paragraph.", None),
        (f"{OWN}\n--\nNotes:\nshipment held", None),
        (f"{OWN}\n--\n- passport\n- visa", None),
        (f"{OWN}\n--\n" + "\n".join(f"line {n}" for n in range(6)), None),
    ],
)
def test_a_bare_double_dash_cuts_only_above_what_looks_like_a_signature(
    body: str, kept: str | None
) -> None:
    assert strip_quoted(body) == (body if kept is None else kept)


# --- HTML mail ------------------------------------------------------------------------------
def html_mail(markup: str) -> bytes:
    head = (
        "From: Aina <aina@police.example>\r\nTo: bot@bot.example\r\nSubject: x\r\n"
        "Message-ID: <1@x>\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
    )
    return (head + markup).encode()


def html_body(markup: str) -> str:
    """What the adapter relays of an HTML-only mail: its text, quotes cut."""
    mail = parse_mail(BytesParser(policy=policy.default).parsebytes(html_mail(markup)), "")
    return strip_quoted(mail.body)


GMAIL_HTML = (
    '<div dir="ltr">Checked the passport.<br>It is genuine.</div><br>'
    '<div class="gmail_quote gmail_quote_container"><div dir="ltr" class="gmail_attr">'
    "เมื่อ พ. 2 ธ.ค. 2026 เวลา 12:05 FocalPoint &lt;bot@fp.example&gt; เขียนว่า:<br></div>"
    '<div style="margin:0 0 0 .8ex">Please check passport A1234567.</div></div>'
)
OUTLOOK_HTML = (
    "<html><head><style>p.MsoNormal {margin:0}</style></head><body>"
    "<div>Checked the passport.</div><div>It is genuine.</div>"
    '<div id="appendonsend"></div><hr style="display:inline-block">'
    '<div id="divRplyFwdMsg" dir="ltr"><b>จาก:</b> FocalPoint<br><b>ถึง:</b> Aina</div>'
    "<div>Please check passport A1234567.</div></body></html>"
)


@pytest.mark.parametrize("markup", [GMAIL_HTML, OUTLOOK_HTML], ids=["gmail", "outlook"])
def test_html_quotes_are_cut_before_the_html_becomes_text(markup: str) -> None:
    assert html_body(markup) == OWN


def test_outlooks_history_marker_alone_cuts_an_html_quote() -> None:
    markup = '<p>Checked.</p><div id="divRplyFwdMsg">FocalPoint</div><p>Please check.</p>'
    assert html_body(markup) == "Checked."


def test_an_html_blockquote_goes_and_the_senders_text_below_it_stays() -> None:
    markup = (
        "<div>The suspect wrote:</div><blockquote>meet at <blockquote>pier</blockquote> 4"
        "</blockquote><div>We will watch pier 4.</div>"
    )
    assert html_body(markup) == "The suspect wrote:\nWe will watch pier 4."
    assert html_body("<p>Seen.</p><blockquote>old<p>older") == "Seen."  # never closed


# --- end to end: what the other side reads --------------------------------------------------
@pytest.fixture
async def world(tmp_path) -> AsyncIterator[World]:  # type: ignore[no-untyped-def]
    w = await start_world(tmp_path)
    yield w
    await w.stop()


@pytest.mark.parametrize("case", sorted(OWN_TEXT))
async def test_a_reply_by_mail_is_relayed_with_all_of_the_senders_lines(
    world: World, case: str
) -> None:
    request_id = await file_request(world)
    await world.deliver(world.aina, world.aina.reply(await world.mail_to(AINA), OWN_TEXT[case]))
    relayed = world.bot.last("au-officer")
    assert OWN_TEXT[case] in relayed
    assert "\n> " not in relayed and "On Mon, 4 May" not in relayed  # the quote is gone
    assert "A1234567" not in relayed
    assert (await world.mail_to(AINA, 2)).body.startswith(f"Sent on {request_id}.")


async def test_an_html_reply_is_relayed_without_its_quote(world: World) -> None:
    await file_request(world)
    reply = world.aina.reply(await world.mail_to(AINA), "", quote=False)
    reply.set_content(GMAIL_HTML, subtype="html")
    await world.deliver(world.aina, reply)
    relayed = world.bot.last("au-officer")
    assert OWN in relayed
    assert "A1234567" not in relayed and "เขียนว่า" not in relayed
