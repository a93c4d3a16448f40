"""Pure conversions between email and the core's events and messages, for :mod:`adapters.email`.

Nothing here does I/O, so the rules that matter for safety can be read and tested alone:

- **Reply tokens.** A message about one request (or one broadcast) carries its id and a short
  tag, HMAC-SHA256 of the recipient's address, the id and the day it was sent (UTC) under a
  secret from the environment, in its ``Message-ID`` (which a reply quotes in
  ``In-Reply-To``/``References``) and in its subject. A reply carrying a tag that verifies for
  the sender's own address, for a day within the last ``token_days``, proves the message was
  sent to that address lately; a forged ``From`` without the tag proves nothing, and a tag seen
  once (a forwarded mail) stops proving anything when it expires. The day is not written in
  the mail: the verifier tries each day of the window, so the tag keeps its length and its
  place. This needs no state, so it survives restarts. What a message is about is decided by
  :func:`subject_of` from its own buttons, else its first line (the mail's subject), never
  from words further down, which may be someone else's (a co-chair's broadcast, a handover's
  list). A message whose buttons act on several items (a handover's one Acknowledge per
  broadcast) is about none of them: it gets no token, and its ``References`` carry a proof per
  item instead, so each typed command it lists is still accepted by reply.
- **What the body means.** Quoted history and signatures are cut; a body that starts with a
  command line is passed as is (``/ack R-2026-0001``, ``/return arrests 3, …``); any other
  body in reply to a request becomes ``/reply <id> <body>``; "ack" (or the bot's own word for
  it in any of its languages) acknowledges a request or broadcast (nothing else written to a
  broadcast goes anywhere).
- **Who may do what.** :func:`refusal` decides whether an address alone may run a command:
  every request it acts on (:func:`named_ids`; ``/ack`` takes several) must be proven.
- **Reading within bounds.** The standard library's parser is slow (quadratic) on some
  headers and recurses on nested ones, so a raw mail beyond what any real reply needs is
  refused before it is parsed (:func:`oversized`), every header it reads is parsed once and
  within a budget (:func:`read_message`), and whatever it raises makes the mail
  :class:`Unreadable`: dropped for good, never offered again.
- **Which failures are worth retrying**, from SMTP reply codes.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import html
import itertools
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.headerregistry import Address, BaseHeader, HeaderRegistry
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import formatdate, getaddresses

import aiosmtplib
import authres

from bot.errors import AdapterError, PermanentError, RateLimited, TransientError
from bot.events import Button, ChatRef, IncomingFile, Outbound, Sender, TextMessage, drawn
from bot.i18n import DEFAULT_LANGUAGE, LANGUAGES, Msg, _, n_, render
from bot.requests.repo import ID_PUNCTUATION, latin_id, looks_like_id
from bot.text import clean

CHANNEL = "email"
BUSY_WAIT = 30.0  # seconds the channel waits after an SMTP 421
TAG_LENGTH = 10  # base32 characters of the HMAC: 50 bits, plenty against guessing by mail
TOKEN_DAYS = 30  # days a reply token proves anything (``token_days`` in the config)
STALE_DAYS = 366  # days past its expiry an old tag is still recognised, to say why it fails
MAX_TOKENS = 64  # distinct tokens of one mail checked: each may cost token_days HMACs
STALE_TAGS = 4  # tags of one id tried for having expired, each costing STALE_DAYS HMACs
SECONDS_PER_DAY = 86_400
REQUEST_ID = r"[A-Za-z]{1,4}-\d{4}-\d{1,6}"
BROADCAST_ID = r"[Bb]-\d{1,9}"
SUBJECT_ID = rf"(?:{REQUEST_ID}|{BROADCAST_ID})"  # what a reply token may stand for
_ID = re.compile(rf"\b({REQUEST_ID})\b")
_ID_PARTS = re.compile(r"^([A-Za-z]{1,4})-(\d{4})-(\d{1,6})$")
_BROADCAST_PARTS = re.compile(r"^[Bb]-(\d{1,9})$")
_BROADCAST_ACK = re.compile(rf"^/broadcast\s+ack\s+({BROADCAST_ID})\s*$", re.I)
_TAG = rf"([a-z2-7]{{{TAG_LENGTH}}})"
_HEADER_TOKEN = re.compile(rf"<fp\.({SUBJECT_ID})\.{_TAG}[.@]")
_PROOF_TOKEN = re.compile(rf"<fpp\.({SUBJECT_ID})\.{_TAG}@")  # proves, names no subject
_SUBJECT_TOKEN = re.compile(rf"\[[^\[\]]*?\b({SUBJECT_ID})\s+#{_TAG}\]")
_TAGS = re.compile(r"<[^<>]*>")  # never past the next "<": "<<<…" costs one scan, not n²
# What clients write above quoted history, in the bot's languages (the locale folder) and a
# few more. Gmail: "On <date>, <name> <address> wrote:", the "wrote" word last but for
# Arabic's "… تمت كتابة ما يلي بواسطة <name> <address>:" and Filipino's "… sumulat si
# <name> <address>:"; Outlook: a block of labelled lines ("From:", "Sent:", "To:", …).
_WROTE_WORDS = (
    "wrote|writes|a écrit|schrieb|escribió|ha scritto|escreveu",  # en fr de es it pt
    "เขียนว่า|menulis|đã viết|viết",  # th, id and ms, vi
    "كتب|كتبت|تمت كتابة ما يلي بواسطة|جاء من|نوشت|نوشته است|لکھا|ولیکل|لیکلي",  # ar fa ur ps
    "लिखा|लेख्नुभयो|লিখেছেন|লিখেছে|எழுதியது|எழுதினார்",  # hi, ne, bn, ta
    "ရေးခဲ့သည်|ရေးသားခဲ့သည်|ලිවීය|ලිව්වා|ලියා ඇත|sumulat|isinulat",  # my, si, fil
)
_WROTE = re.compile(
    rf"(?:^|\s)(?:{'|'.join(_WROTE_WORDS)})(?:\s.*<[^<>\s]+@.*)?\s*:$", re.I
)  # the word last, or followed only by the name and the address (ar, fil)
_OPENERS = "On|Le|Am|El|Il|Em|Pada|Vào|Noong|เมื่อ|ในวันที่|في|بتاريخ|در"
_OPENER = re.compile(rf"^(?:{_OPENERS})\s", re.I)
_SAID_FIRST = re.compile(rf"[.!?;:…۔।။]\s+(?:{_OPENERS})\s", re.I)
"""A sentence of the sender's, then "On …": "Passport checked. On 12 March … wrote:"."""
_ADDRESS = re.compile(r"<\s*(?:mailto:)?[^\s<>@]+@[^\s<>@]+")
_DIRECTION_MARKS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
"""Gmail wraps an Arabic or Persian header, and its address, in them."""
_DIGIT = re.compile(r"\d")  # any script's digits: a header carries a date
MAX_HEADER = 400  # characters of a quote header, wrapped lines joined; Gmail's are < 300
_SEPARATOR = re.compile(
    r"^(?:-{2,}\s*(?:Original Message|Pesan Asli|Mesej Asal|Thư gốc|ข้อความต้นฉบับ"
    r"|الرسالة الأصلية|پیام اصلی|اصل پیغام|मूल संदेश|মূল বার্তা|அசல் செய்தி|Orihinal na Mensahe)"
    r"\s*-{2,}.*)$",
    re.I,
)
_MOBILE = re.compile(r"^Sent from my [^:]*$", re.I)  # a phone's signature, if last (see below)
_RULE = re.compile(r"^_{10,}$")  # Outlook's line above its header block
_OUTLOOK_LABELS = {
    "from": "From|Dari|Daripada|Từ|จาก|من|المرسل|از طرف|از|منجانب|प्रेषक|প্রেরক|থেকে"
    "|அனுப்புநர்|ထံမှ|වෙතින්|යවන්නා|Mula kay|Mula|له",
    "date": "Sent|Date|Dikirim|Terkirim|Tanggal|Dihantar|Tarikh|Đã gửi|Ngày gửi|Ngày|ส่ง|วันที่"
    "|تاريخ الإرسال|تم الإرسال|أُرسل|أرسل|التاريخ|ارسال شده|تاریخ|بھیجا گیا|ارسال کردہ"
    "|भेजा गया|भेजा|दिनांक|পাঠানো হয়েছে|পাঠানো|তারিখ|அனுப்பியது|அனுப்பப்பட்டது|தேதி"
    "|ပို့ခဲ့သည်|ရက်စွဲ|යවන ලදී|දිනය|Ipinadala|Petsa|لېږل شوی|نیټه",
    "to": "To|Kepada|Đến|ถึง|إلى|الى|به|प्रति|প্রতি|প্রাপক|பெறுநர்|இவருக்கு|بنام|သို့|වෙත|Para kay|Para|ته",
    "cc": "Cc|Tembusan|Sk|สำเนาถึง|نسخة|رونوشت|प्रतिलिपि|প্রতিলিপি|நகல்|පිටපත",
    "subject": "Subject|Subjek|Perihal|Perkara|Chủ đề|เรื่อง|الموضوع|موضوع|مضمون|विषय|বিষয়"
    "|பொருள்|အကြောင်းအရာ|විෂය|Paksa",
}
_LABEL = re.compile(
    rf"^[*\s]*+(?:{'|'.join(f'(?P<{kind}>{words})' for kind, words in _OUTLOOK_LABELS.items())})"
    r"[*\s]*+[:：]",
    re.I,
)  # one match names the label's kind (the group that matched); "*+": no backtracking
HEADER_LINES = 8  # lines below ``From:`` searched for the rest of a header block
SIGNATURE_LINES = 4  # lines under a bare ``--`` that may be a signature
SIGNATURE_WIDTH = 72  # characters of a signature's line
_LIST_ITEM = re.compile(r"^(?:\d+[.)]|[-*•–])\s")
_QUOTE_CONTAINER = re.compile(
    r"""<div\b[^<>]*?\b(?:class\s*=\s*["'][^"'<>]*\bgmail_quote"""
    r"""|id\s*=\s*["']?(?:divRplyFwdMsg|appendonsend)\b)""",
    re.I,
)  # Gmail's quote (and the "On … wrote:" above it), Outlook's history: all after is quoted.
# No pattern here reads past the next "<" or ">": on "<div <div <div …" each try stops at the
# next tag, so a hostile body costs one pass, not one pass per "<" (minutes for 60 KB).
_BLOCKQUOTE = re.compile(r"<(/?)blockquote\b[^<>]*>", re.I)
_UNSEEN = re.compile(r"<!--|<(head|style|script)\b", re.I)  # a comment, or an element
_BREAKS = re.compile(r"(?i)<br\s*/?>|</p>|</div>")
ACK_WORDS = frozenset({"ack", "acknowledge", "acknowledged"})
_ACK_LABELS = (_("Acknowledge"), _("ack"), _("acknowledged"))
"""The bot's own words for acknowledging, as each reader sees them on its buttons and in the
histories (``ตอบรับ``, ``Tiếp nhận``): a reply of just one of them acknowledges, as "ack" does."""
_SENTENCE_END = ".!۔।။"  # and the Urdu, Devanagari and Myanmar full stops
EMAIL_ALLOWED = frozenset({"reply", "ack", "broadcast ack"})
"""What an address alone may do, and only on a request (or broadcast) that was sent to it."""
TEXT_AFTER_ID = frozenset({"reply"})
"""Commands that act on their first id alone: the words after it are text, which may name
other requests ("see also R-2026-0002"). Any other reads each word that starts as an id."""
ID_ECHO = 30  # characters of a word that is no id kept to name it in a refusal
NAMED_AT_MOST = 10  # ids named in a refusal


# --- reply tokens -------------------------------------------------------------------------
def normalise_id(text: str) -> str:
    """``r-2026-1`` → ``R-2026-0001``, ``b-03`` → ``B-3``, as the core writes ids ('' when it
    is not one)."""
    if broadcast := _BROADCAST_PARTS.match(text.strip()):
        return f"B-{int(broadcast[1])}"
    match = _ID_PARTS.match(text.strip())
    if not match:
        return ""
    return f"{match[1].upper()}-{match[2]}-{int(match[3]):04d}"


def is_broadcast(subject: str) -> bool:
    """Whether a subject id is a broadcast's (``B-3``) rather than a request's."""
    return bool(_BROADCAST_PARTS.match(subject))


def issue_day(now: datetime | None = None) -> int:
    """The UTC day (days since 1970-01-01) of ``now`` (default: this moment)."""
    moment = now if now is not None else datetime.now(UTC)
    return int(moment.timestamp() // SECONDS_PER_DAY)


def reply_tag(secret: str, address: str, request_id: str, day: int | None = None) -> str:
    """The tag proving that mail about ``request_id`` was sent to ``address`` on ``day``
    (:func:`issue_day`; default today)."""
    day = issue_day() if day is None else day
    return _tag(secret, f"{address.strip().lower()}\n{normalise_id(request_id)}\n{day}")


def _legacy_tag(secret: str, address: str, request_id: str) -> str:
    """The tag of mail sent before tags carried their day: it proves nothing any more, but is
    recognised, so its sender is told to answer a newer mail."""
    return _tag(secret, f"{address.strip().lower()}\n{normalise_id(request_id)}")


def _tag(secret: str, data: str) -> str:
    digest = hmac.digest(secret.encode(), data.encode(), "sha256")
    return base64.b32encode(digest).decode().lower()[:TAG_LENGTH]


def proven_requests(
    secret: str,
    address: str,
    headers: Iterable[str],
    subject: str,
    today: int | None = None,
    days: int = TOKEN_DAYS,
) -> set[str]:
    """Request (and broadcast) ids whose tag in the headers or subject verifies for
    ``address``, issued within ``days`` days before ``today`` (default: this day)."""
    today = issue_day() if today is None else today
    window = range(today + 1, today - days - 1, -1)  # tomorrow: another replica's clock
    return {
        request_id
        for request_id, tag in _tokens(headers, subject)
        if _issued_on(secret, address, request_id, tag, window)
    }


def expired_token(
    secret: str,
    address: str,
    headers: Iterable[str],
    subject: str,
    request_id: str,
    today: int | None = None,
    days: int = TOKEN_DAYS,
) -> bool:
    """Whether the mail holds a tag for ``request_id`` that verifies for ``address`` but
    expired: issued up to :data:`STALE_DAYS` days before the window, or before tags carried
    their day. Only says why a mail is refused, so only its first :data:`STALE_TAGS` tags for
    that id are tried (In-Reply-To's first: the mail answered), each costing hundreds of HMACs.
    """
    today = issue_day() if today is None else today
    window = range(today - days - 1, today - days - 1 - STALE_DAYS, -1)
    tags = [tag for item, tag in _tokens(headers, subject) if item == request_id][:STALE_TAGS]
    return any(
        hmac.compare_digest(tag, _legacy_tag(secret, address, request_id))
        or _issued_on(secret, address, request_id, tag, window)
        for tag in tags
    )


def _tokens(headers: Iterable[str], subject: str) -> list[tuple[str, str]]:
    """The (id, tag) pairs of a mail's headers and subject, each once, at most
    :data:`MAX_TOKENS` (a forger could write thousands, each costing many HMACs)."""
    headers = list(headers)
    found = [m.groups() for text in headers for m in _HEADER_TOKEN.finditer(text)]
    found += [m.groups() for text in headers for m in _PROOF_TOKEN.finditer(text)]
    found += [m.groups() for m in _SUBJECT_TOKEN.finditer(subject)]
    pairs = dict.fromkeys((normalise_id(request_id), tag) for request_id, tag in found)
    return list(pairs)[:MAX_TOKENS]


def _issued_on(secret: str, address: str, request_id: str, tag: str, days: range) -> bool:
    """Whether ``tag`` is the one for ``request_id`` sent to ``address`` on one of ``days``."""
    return any(hmac.compare_digest(tag, reply_tag(secret, address, request_id, d)) for d in days)


def mentioned_request(headers: Iterable[str], subject: str) -> str:
    """The request (or broadcast) a mail is about, by its headers' tokens or else the subject
    ('' if none). Proofs (see :func:`compose`) name no subject."""
    for text in headers:
        if match := _HEADER_TOKEN.search(text):
            return normalise_id(match[1])
    match = _SUBJECT_TOKEN.search(subject) or _ID.search(subject)
    return normalise_id(match[1]) if match else ""


# --- outbound -----------------------------------------------------------------------------
@dataclass(frozen=True)
class BotAddress:
    """Who the bot is on email: its address, the name shown, and the domain for ids."""

    address: str
    display_name: str = "FocalPoint"

    @property
    def domain(self) -> str:
        """The part after ``@``, used to make Message-IDs globally unique."""
        return self.address.rpartition("@")[2] or "localhost"


def subject_of(message: Outbound) -> str:
    """The one request or broadcast an outbound message is about, for its reply token ('' for
    none).

    Its buttons decide when any of them acts on an item (``/ack R-…``, ``/broadcast ack B-…``):
    the item they all name, or none when they name several. A message without such buttons is
    about the request its first line (the mail's subject, written by the core: "Sent on R-…",
    "R-… · Name wrote:") names, if it names exactly one. Words further down are never read:
    they may be someone else's, mentioning any request.
    """
    named = {item for b in message.buttons if (item := _item_of(b.command))}
    if named:
        return named.pop() if len(named) == 1 else ""
    first = next((line for line in message.text.splitlines() if line.strip()), "")
    found = {normalise_id(m[1]) for m in _ID.finditer(first)}
    return found.pop() if len(found) == 1 else ""


def items_of(buttons: Sequence[Button]) -> list[str]:
    """The requests and broadcasts the buttons act on, each once, in order."""
    return list(dict.fromkeys(item for b in buttons if (item := _item_of(b.command))))


def _item_of(command: str) -> str:
    """The request a button's command acts on, or the broadcast it acknowledges ('' if none)."""
    if broadcast := _BROADCAST_ACK.match(command.strip()):
        return normalise_id(broadcast[1])
    match = _ID.search(command)
    return normalise_id(match[1]) if match else ""


def compose(
    message: Outbound,
    me: BotAddress,
    secret: str,
    nonce: str,
    language: str = DEFAULT_LANGUAGE,
    file_body: bytes | None = None,
    day: int | None = None,
) -> EmailMessage:
    """The email for one outbound message; mail about one request or broadcast carries its
    reply token, issued on ``day`` (:func:`issue_day`; default today), and a message with a
    file carries it as an attachment (``file_body``, read by the adapter). What the mail adds
    to the message (how to answer it) is in the reader's ``language``.

    ``Auto-Submitted`` keeps out-of-office robots from answering; the thread headers point at
    one virtual root per request and address, so a client threads all mail about it. Mail whose
    buttons act on several items has no token; its ``References`` hold a proof for each
    (``<fpp.B-3.tag@…>``), which a reply quotes, so the typed commands it lists are accepted.
    """
    mail = EmailMessage()
    mail["From"] = Address(me.display_name, addr_spec=me.address)
    mail["To"] = message.address
    mail["Date"] = formatdate(localtime=False)
    mail["Auto-Submitted"] = "auto-generated"
    subject, day = subject_of(message), issue_day() if day is None else day
    if subject:
        tag = reply_tag(secret, message.address, subject, day)
        mail["Subject"] = f"[{me.display_name} {subject} #{tag}] {subject_line(message.text)}"
        mail["Message-ID"] = f"<fp.{subject}.{tag}.{message.id}.{nonce}@{me.domain}>"
        mail["References"] = mail["In-Reply-To"] = f"<fp.{subject}.{tag}@{me.domain}>"
    else:
        mail["Subject"] = f"[{me.display_name}] {subject_line(message.text)}"
        mail["Message-ID"] = f"<fp.{message.id}.{nonce}@{me.domain}>"
        proofs = [
            f"<fpp.{item}.{reply_tag(secret, message.address, item, day)}@{me.domain}>"
            for item in items_of(message.buttons)
        ]
        if proofs:
            mail["References"] = " ".join(proofs)
    relayed = "" if is_broadcast(subject) else subject
    mail.set_content(body_text(message.text, message.buttons, relayed, language))
    file = message.attachment
    if file is not None and file_body is not None:
        maintype, _slash, subtype = (file.mime or "application/octet-stream").partition("/")
        mail.add_attachment(file_body, maintype=maintype, subtype=subtype, filename=file.filename)
    return mail


def subject_line(text: str, limit: int = 90) -> str:
    """The first line of the text, shortened for a subject."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "FocalPoint")
    if len(first) <= limit:
        return first
    cut = first[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:  # at a word's end, unless that loses half the line (long words)
        cut = cut[:space]
    return cut.rstrip(" ,;:·—-") + "…"


def body_text(
    text: str, buttons: Sequence[Button], request_id: str, language: str = DEFAULT_LANGUAGE
) -> str:
    """The plain-text body: the message, then how to do what the buttons would do."""
    parts = [text.strip()]
    if buttons:
        lines = [f"  {b.command}    ({drawn(b.label)})" for b in buttons]
        how = _("To act, reply with one of these lines as the first line:")
        parts.append("\n".join([render(how, language), *lines]))
    if request_id:
        relayed = _(
            "Reply to this email to write on {id}: your text is relayed to the other "
            "side. Keep the subject as it is.",
            id=request_id,
        )
        parts.append(render(relayed, language))
    return "\n\n".join(parts) + "\n"


# --- reading a raw mail, within bounds ---------------------------------------------------
MAX_HEAD = 64 * 1024  # bytes of a mail's own header section; real ones stay under 20 KB
MAX_FIELD = 8 * 1024  # bytes (characters, parsed) of one header, its folded lines joined
MAX_HEADER_WORK = 64 * 1024  # the parser's work on one mail's headers, parts' too: see below
SEPARATOR_WORK = 8  # a separator costs the parser a token: eight characters' worth of work
MAX_LINES = 100_000  # lines of a mail, and of its text; 2 MB of base64 is 27,000
MAX_PARTS = 200  # lines starting "--": each part of a multipart mail opens with one
MAX_MULTIPARTS = 12  # "boundary" parameters: every multipart part declares one
_FIELD_START = re.compile(rb"\n(?![ \t])")  # a header's folded lines start with a blank
_SEPARATORS = re.compile(r'[\s;,()"<>@:=\\]')
_FROM_DOMAIN = re.compile(rb"^from:[^\n@]*@([a-z0-9.-]{1,253})", re.I | re.M)


class Unreadable(PermanentError):
    """A mail refused unread, for good: beyond a bound no real mail needs, or one the
    parser failed on. Offering it again would fail again (a poison message)."""


_BOUNDARY_PARAMETER = re.compile(rb"\bboundary\s*=", re.IGNORECASE)
"""A multipart's boundary parameter (the word alone is prose: "the maritime boundary")."""


def oversized(raw: bytes) -> str:
    """Which bound a raw mail is over ('' for none), found by counting, without parsing.

    The parser's cost grows with a header's size (quadratically for an address list), its
    lines, its parts, and its lines times its nesting (each line is checked against every
    enclosing boundary); nested parts beyond a thousand make it recurse too deeply.
    """
    text = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")  # the parser's line ends
    head = text[: text.find(b"\n\n") + 1 or len(text)]
    if len(head) > MAX_HEAD:
        return f"its header section is over {MAX_HEAD // 1024} KB"
    if max(map(len, _FIELD_START.split(head))) > MAX_FIELD:
        return f"a header is over {MAX_FIELD // 1024} KB"
    if text.count(b"\n") > MAX_LINES:
        return f"it has over {MAX_LINES:,} lines"
    if text.count(b"\n--") + text.startswith(b"--") > MAX_PARTS:
        return f"it has over {MAX_PARTS} parts"
    if len(_BOUNDARY_PARAMETER.findall(text)) > MAX_MULTIPARTS:  # each multipart names one
        return f"it has over {MAX_MULTIPARTS} multipart parts"
    return ""


def read_message(raw: bytes) -> EmailMessage:
    """A raw mail parsed with ``email.policy.default``, its headers read through a
    :class:`_HeaderBudget` of its own (which raises :class:`Unreadable` when spent)."""
    reading = policy.default.clone(header_factory=_HeaderBudget())
    message = BytesParser(policy=reading).parsebytes(raw)
    assert isinstance(message, EmailMessage)  # what policy.default's parser makes
    return message


class _HeaderBudget:
    """The policy's header factory for one mail: each distinct header parsed once (the
    standard library parses ``Content-Type`` again on each of a dozen reads), none over
    :data:`MAX_FIELD`, and at most :data:`MAX_HEADER_WORK` of work in all, parts' too.

    The work is a header's characters plus :data:`SEPARATOR_WORK` per separator: real
    headers cost under 1 µs a character, but lists of parameters, comments or addresses
    (``a=b; a=b; …``, ``a, a, …``) up to 27 µs, a token at each separator.
    """

    def __init__(self) -> None:
        self._registry = HeaderRegistry()
        self._parsed: dict[tuple[str, str], BaseHeader] = {}
        self._left = MAX_HEADER_WORK

    def __call__(self, name: str, value: str) -> BaseHeader:
        if (name, value) in self._parsed:
            return self._parsed[name, value]  # header objects are immutable: safe to share
        if len(value) > MAX_FIELD:
            raise Unreadable(f"a header of a part is over {MAX_FIELD // 1024} KB")
        self._left -= len(value) + SEPARATOR_WORK * len(_SEPARATORS.findall(value))
        if self._left < 0:
            raise Unreadable("its headers (its parts' too) are too many or too complex")
        header = self._parsed[name, value] = self._registry(name, value)
        return header


def sender_domain(raw: bytes) -> str:
    """The domain in a raw mail's ``From`` header, found without parsing it, for the log of
    a mail dropped unread ('?' when there is none)."""
    found = _FROM_DOMAIN.search(raw, 0, MAX_HEAD)
    return found[1].decode().lower() if found else "?"


# --- inbound ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Authentication:
    """SPF, DKIM and DMARC verdicts from Authentication-Results headers we believe."""

    spf: str = "none"
    dkim: str = "none"
    dmarc: str = "none"

    @property
    def failed(self) -> bool:
        """Whether a check we believe said outright that the mail is not from its sender."""
        return "fail" in (self.spf, self.dkim, self.dmarc)

    @property
    def passed(self) -> bool:
        """Whether DMARC passed, or SPF or DKIM passed with nothing failing."""
        return self.dmarc == "pass" or (not self.failed and "pass" in (self.spf, self.dkim))

    @property
    def sender_verified(self) -> bool:
        """Whether the From address itself is authenticated: only DMARC checks it.

        SPF and DKIM may pass for a forger's own domain while From names someone else's.
        """
        return self.dmarc == "pass"

    def __str__(self) -> str:
        return f"spf={self.spf} dkim={self.dkim} dmarc={self.dmarc}"


@dataclass(frozen=True)
class Mail:
    """The parts of an inbound mail the adapter acts on."""

    sender: str
    message_id: str
    subject: str
    thread: tuple[str, ...]  # In-Reply-To and References
    body: str
    automatic: bool
    auth: Authentication = field(default_factory=Authentication)


def parse_mail(message: Message, authserv_id: str) -> Mail:
    """Read an inbound mail (parsed with ``email.policy.default``)."""
    senders = getaddresses([str(message.get("From", ""))])
    sender = senders[0][1].strip().lower() if len(senders) == 1 else ""
    thread = tuple(str(message.get(h, "")) for h in ("In-Reply-To", "References"))
    return Mail(
        sender,
        str(message.get("Message-ID", "")).strip()[:250],
        str(message.get("Subject", "")),
        thread,
        plain_body(message),
        is_automatic(message),
        authentication(message.get_all("Authentication-Results", []), authserv_id),
    )


def plain_body(message: Message) -> str:
    """The text of the mail: its text/plain part, else its HTML with the tags removed."""
    part = message.get_body(preferencelist=("plain", "html"))  # type: ignore[attr-defined]
    if part is None:
        return ""
    try:
        text = str(part.get_content())
    except (LookupError, ValueError):
        return ""
    return html_text(text) if part.get_content_subtype() == "html" else text


def html_text(markup: str) -> str:
    """An HTML body as text, its quoted history cut first: there it is marked by elements,
    which the text no longer shows (no ``>`` before its lines).

    Everything from Gmail's ``gmail_quote`` or Outlook's ``divRplyFwdMsg``/``appendonsend``
    on is history; a ``<blockquote>`` elsewhere is removed with what it holds, as quoted
    lines of plain text are, and what the sender wrote below it stays.
    """
    markup = _without_unseen(markup)  # styles and the title are not text anyone wrote
    if container := _QUOTE_CONTAINER.search(markup):
        markup = markup[: container.start()]
    return html.unescape(_TAGS.sub("", _BREAKS.sub("\n", _without_blockquotes(markup))))


def _without_unseen(markup: str) -> str:
    """``markup`` without its comments, head, styles and scripts; an unclosed one runs to
    the end (as HTML reads it). Each search starts where the last one ended: one pass."""
    kept, at = [], 0
    while opening := _UNSEEN.search(markup, at):
        kept.append(markup[at : opening.start()])
        end = _unseen_end(markup, opening)
        if end < 0:
            return "".join(kept)
        at = end
    return "".join(kept) + markup[at:]


def _unseen_end(markup: str, opening: re.Match[str]) -> int:
    """Where the comment or element ``opening`` starts ends (-1: it never does)."""
    if not opening[1]:
        closing = markup.find("-->", opening.end())
        return closing + 3 if closing >= 0 else -1
    found = re.compile(rf"</{opening[1].lower()}\s*>", re.I).search(markup, opening.end())
    return found.end() if found else -1


def _without_blockquotes(markup: str) -> str:
    """``markup`` without its (possibly nested) blockquotes; an unclosed one runs to the end."""
    kept, depth, at = [], 0, 0
    for tag in _BLOCKQUOTE.finditer(markup):
        if depth == 0:
            kept.append(markup[at : tag.start()])
        depth = max(depth + (-1 if tag[1] else 1), 0)
        at = tag.end()
    if depth == 0:
        kept.append(markup[at:])
    return "".join(kept)


def is_automatic(message: Message) -> bool:
    """Bounces, out-of-office answers and list mail: never answered, never acted on.

    Answering them could start a mail loop between two robots.
    """
    auto = str(message.get("Auto-Submitted", "no")).strip().lower()
    precedence = str(message.get("Precedence", "")).strip().lower()
    return_path = str(message.get("Return-Path", "x")).strip()
    return (
        auto != "no"
        or precedence in {"bulk", "junk", "list", "auto_reply"}
        or return_path == "<>"
        or message.get("X-Autoreply") is not None
        or message.get("List-Id") is not None
    )


def authentication(headers: Sequence[object], authserv_id: str) -> Authentication:
    """Verdicts from the topmost Authentication-Results header added by ``authserv_id`` only.

    Anyone can write such a header into a mail, even one naming our server. Our receiving
    server adds its header above every header the mail arrived with (RFC 8601), so only the
    topmost one naming ``authserv_id`` can be ours: those below it are the sender's and are
    ignored. With no ``authserv_id`` every verdict is ``none`` (no verdict).
    """
    wanted = authserv_id.strip().lower()
    ours = next((str(h) for h in headers if wanted and _authserv_id(str(h)) == wanted), "")
    if not ours:
        return Authentication()
    try:
        parsed = authres.AuthenticationResultsHeader.parse_value(ours)
    except authres.AuthResError:
        return Authentication()  # our server's header, unreadable: no verdict
    verdicts: dict[str, str] = {}
    for result in parsed.results:
        method, verdict = str(result.method).lower(), str(result.result).lower()
        if method in ("spf", "dkim", "dmarc") and verdicts.get(method) != "pass":
            verdicts[method] = verdict  # one passing DKIM signature is enough
    return Authentication(**verdicts)


def _authserv_id(value: str) -> str:
    """The authserv-id a header claims: the first word before ``;`` (lower case)."""
    words = value.partition(";")[0].split()
    return words[0].lower() if words else ""


def strip_quoted(body: str) -> str:
    """The new text of a reply: quoted history, quote headers and signatures cut off.

    Lines quoted with ``>`` are dropped wherever they are. A quote header right above quoted
    lines goes with them, and the history it starts ends where they do: what the sender
    wrote between or below them (an interleaved reply) stays. From any other start of
    history (a header above unquoted text, as Gmail's HTML quote and Outlook's block are, a
    separator, a signature) everything is dropped. Only what clients write counts as such
    (see :func:`_history_starts`): a line that merely looks like one (``From: Songkhla
    port``, ``On Monday the suspect wrote:`` followed by the sender's own words) stays. Each
    line is looked at a bounded number of times, so the time is linear in the body's size.
    """
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    bare = [_bare(line) for line in lines]
    quoted = functools.cache(functools.partial(_quoted_from, bare))  # a signature looks ahead
    kept: list[str] = []
    i = 0
    while i < len(lines):
        if bare[i][:1] == ">":
            i += 1
        elif not _history_starts(lines[i], bare, i, quoted):
            kept.append(lines[i].rstrip())
            i += 1
        elif heads := _heads_quote(bare, i):
            i += heads  # the header of quoted lines, which the loop drops; then the sender's
        else:
            break
    return "\n".join(kept).strip()


def _bare(line: str) -> str:
    """A line as matched: NFC, stripped, without the direction marks Gmail wraps RTL headers
    in (not :func:`bot.text.clean`, which is slower, on every line of a long mail)."""
    if line.isascii():
        return line.strip()  # already NFC, no marks: most lines of most mail
    return unicodedata.normalize("NFC", _DIRECTION_MARKS.sub("", line)).strip()


def _history_starts(line: str, bare: list[str], i: int, quoted: Callable[[int], bool]) -> bool:
    """Whether quoted history (or a signature) starts at ``line``, the ``i``-th (``bare``:
    each line as :func:`_bare` gives it; ``quoted``: :func:`_quoted_from` on them)."""
    if line == "-- ":
        return True  # the standard signature separator, dash dash space (RFC 3676)
    if not bare[i]:
        return False
    return quoted(i) or _signature(bare, i, quoted) or _mobile_signature(bare, i, quoted)


def _quoted_from(bare: list[str], i: int) -> bool:
    """Whether a separator, a quote header or an Outlook header block starts at line ``i``."""
    if not bare[i] or bare[i][0] == ">" or not _may_start(bare, i):
        return False
    return bool(
        _SEPARATOR.match(bare[i])
        or _outlook_rule(bare, i)
        or _outlook_header(bare, i)
        or _header_lines(bare, i)
    )


def _may_start(bare: list[str], i: int) -> bool:
    """A cheap first look, so most lines of a long mail cost no regex: separators start with
    "-", Outlook's rule with "_"; labels and headers hold a colon, and the second line of a
    wrapped header ends with one."""
    line = bare[i]
    if line[0] in "-_" or ":" in line or "：" in line:
        return True
    return i + 1 < len(bare) and bare[i + 1].endswith(":")


def _heads_quote(bare: list[str], i: int) -> int:
    """The lines of the quote header at line ``i`` when quoted lines follow it (0 when it is
    no quote header, or unquoted text follows: history to the end, as Gmail's HTML quote)."""
    lines = _header_lines(bare, i)
    following = _next_text(bare, i + lines)
    return lines if lines and following < len(bare) and bare[following][0] == ">" else 0


def _header_lines(bare: list[str], i: int) -> int:
    """The lines (1, or 2 when wrapped) of a client's "On <date>, <someone> wrote:" header
    starting at line ``i``; 0 for none.

    The pair is only tried when neither line is a header alone, so a sender's last line is
    never taken for the first half of the header right below it.
    """
    kind = _header_kind(bare[i])
    if kind:
        return 1 if _header_holds(kind, bare, i + 1) else 0
    two = bare[i + 1] if i + 1 < len(bare) else ""
    if not two.endswith(":") or len(bare[i]) + len(two) >= MAX_HEADER:
        return 0  # the pair cannot be a header: no need to join two long lines
    if two[0] == ">" or _header_kind(two):
        return 0
    kind = _header_kind(f"{bare[i]} {two}")
    return 2 if kind and _header_holds(kind, bare, i + 2) else 0


def _header_kind(text: str) -> str:
    """``gmail``: a wrote-word header with a date and an address in ``<…>``, Gmail's form,
    safe to cut at whatever follows; ``wrote``: one without the address, opening with "On"
    (in some language) or a date; ``dated``: an address, a date and a final colon, in a
    language not listed; '' for none, and for a line whose "On …" follows the sender's own
    sentence ("Passport checked. On 12 March 2026 the broker Lee <…> wrote:")."""
    if len(text) > MAX_HEADER or not text.endswith(":"):
        return ""  # headers are short: a long line is text, and regexes stay cheap
    dated, opens = bool(_DIGIT.search(text)), bool(_OPENER.match(text))
    if not (dated or opens) or (not opens and _SAID_FIRST.search(text)):
        return ""  # no header at all; or the sender's sentence first: a header opens with "On"
    if _WROTE.search(text):
        return "gmail" if dated and _ADDRESS.search(text) else "wrote"
    return "dated" if dated and _ADDRESS.search(text) else ""


def _header_holds(kind: str, bare: list[str], after: int) -> bool:
    """Whether a header of ``kind`` ending above line ``after`` starts a quote: Gmail's
    always does (an HTML quote comes without ``>``); the others only when quoted lines or
    nothing at all follow, or ``On Monday the suspect wrote:`` would cut the sender's own
    account of it."""
    following = _next_text(bare, after)
    return kind == "gmail" or following == len(bare) or bare[following][0] == ">"


def _outlook_rule(bare: list[str], i: int) -> bool:
    """Outlook's line of underscores right above its header block's first label."""
    if not _RULE.match(bare[i]):
        return False
    following = _next_text(bare, i + 1)
    return following < len(bare) and _label(bare[following]) == "from"


def _outlook_header(bare: list[str], i: int) -> bool:
    """A header block as Outlook (and Gmail or Apple Mail forwarding) writes it, in any of
    the bot's languages: a ``From:`` line with labelled lines right under it, among them a
    date (``Sent:``/``Date:``) and a ``To:`` or ``Subject:``. A ``From:`` line of the
    sender's own (``From: Songkhla port`` then ``To: Langkawi``) has no date under it."""
    if _label(bare[i]) != "from":
        return False
    kinds = set(itertools.takewhile(bool, map(_label, bare[i + 1 : i + 1 + HEADER_LINES])))
    return "date" in kinds and bool(kinds & {"to", "subject"})


def _label(bare: str) -> str:
    """Which header label (``from``, ``date``, ``to``, ``cc``, ``subject``) a line starts
    with, in any of the bot's languages ('' for none)."""
    if ":" not in bare and "：" not in bare:
        return ""  # most lines: spares the regex's long list of labels
    label = _LABEL.match(bare)
    return (label.lastgroup or "") if label else ""


def _signature(bare: list[str], i: int, quoted: Callable[[int], bool]) -> bool:
    """A bare ``--`` above what looks like a signature (``-- `` always is one).

    Many clients and HTML conversions lose the separator's trailing space, but writers also
    put a bare ``--`` above findings. So a bare one counts when what follows it, up to the
    end or to quoted history, is at most :data:`SIGNATURE_LINES` short lines in one block:
    no blank line between paragraphs, no list items, no line ending in a colon.
    """
    if bare[i] != "--":
        return False
    j, block = _next_text(bare, i + 1), 0
    while j < len(bare) and bare[j] and not _text_ends(bare, j, quoted):
        if block == SIGNATURE_LINES or not _signature_line(bare[j]):
            return False
        j, block = j + 1, block + 1
    after = _next_text(bare, j)
    return _text_ends(bare, after, quoted) or _mobile_signature(bare, after, quoted)


def _mobile_signature(bare: list[str], i: int, quoted: Callable[[int], bool]) -> bool:
    """A phone's signature ("Sent from my iPhone"): the sender's last line, short, with
    nothing but quoted history (if anything) below it. Followed by more of the sender's text
    it is theirs: "Sent from my colleague in Songkhla: the crew list" above the list."""
    if len(bare[i]) > SIGNATURE_WIDTH or not _MOBILE.match(bare[i]):
        return False
    return _text_ends(bare, _next_text(bare, i + 1), quoted)


def _text_ends(bare: list[str], j: int, quoted: Callable[[int], bool]) -> bool:
    """Whether the sender's text is over at line ``j`` (not blank, or the end): the end, a
    quoted line or the start of history."""
    return j == len(bare) or bare[j][0] == ">" or quoted(j)


def _signature_line(bare: str) -> bool:
    """Whether a line could be part of a signature: short, not a list item, a heading or
    another bare ``--`` (so each line is looked at for the nearest ``--`` above it only)."""
    if len(bare) > SIGNATURE_WIDTH or bare == "--" or bare.endswith(":"):
        return False
    return not _LIST_ITEM.match(bare)


def _next_text(bare: list[str], start: int) -> int:
    """The first line from ``start`` that is not blank (``len(bare)``: none)."""
    return next((j for j in range(start, len(bare)) if bare[j]), len(bare))


def command_for(body: str, request_id: str) -> str:
    """The core command a reply's new text stands for.

    A command line is passed as is; a bare "ack" on a request's (or a broadcast's) thread
    acknowledges it; other text on a request's thread is a reply to it; anything else goes on
    unchanged (a broadcast takes no replies: :func:`refusal` says so).
    """
    text = clean(strip_quoted(body)).strip()  # a command copied with its direction marks too
    if text.startswith("/") or not request_id:
        return text
    acknowledges = _ack_word(text)
    if is_broadcast(request_id):
        return f"/broadcast ack {request_id}" if acknowledges else text
    if acknowledges:
        return f"/ack {request_id}"
    return f"/reply {request_id} {text}" if text else ""


def _ack_word(text: str) -> bool:
    """Whether ``text`` is just a word for acknowledging, in English or any of the bot's
    languages (a reader may write in a language other than the one they read)."""
    word = " ".join(text.casefold().rstrip(_SENTENCE_END).split())
    return word in ACK_WORDS or word in _ack_words()


@functools.cache
def _ack_words() -> frozenset[str]:
    """Each language's :data:`_ACK_LABELS` (read from the catalogs once, when first needed)."""
    return frozenset(
        " ".join(render(label, language).casefold().split())
        for language in LANGUAGES
        for label in _ACK_LABELS
    )


def refusal(
    command: str,
    proven: set[str],
    trust_sender: bool,
    about: str = "",
    *,
    stale: Collection[str] = (),
    days: int = TOKEN_DAYS,
) -> Msg | None:
    """Why an address alone may not run ``command`` (None when it may); ``about`` is what the
    mail answers (:func:`mentioned_request`); ``stale``, ids whose tag in it expired after
    ``days`` (:func:`expired_token`).

    Mail is easy to forge, so by default a sender may only reply to or acknowledge a request,
    or acknowledge a broadcast, whose recent mail carried a tag that verifies for their own
    address.
    """
    if trust_sender:
        return None
    named = named_ids(command)
    unproven = [item for item in named if item not in proven]
    allowed = _command_name(command) in EMAIL_ALLOWED
    if allowed and named and not unproven:
        return None
    if unproven and unproven[0] in stale:
        return _(
            "Sorry, replies to the email you answered about {id} are no longer taken: a reply "
            "counts for {days} days after the email was sent. Please answer the latest email "
            "about {id}, or use one of your other channels.",
            id=unproven[0],
            days=days,
        )
    if is_broadcast(about) and not command.startswith("/"):
        return _(
            "{id} is a broadcast: to acknowledge it, reply with just the word ack. Nothing else "
            "written in reply to it is passed on.",
            id=about,
        )
    if allowed and len(unproven) < len(named):
        return _not_answered(unproven)
    return _(
        "Sorry, by email I can only take a reply to (or an acknowledgement of) a request that "
        "was sent to your address: please answer the request's own email, keeping its subject. "
        "To file a request or a return, use one of your other channels."
    )


def _not_answered(unproven: Sequence[str]) -> Msg:
    """The refusal of a mail that answers one request's email but acts on others too (``/ack``
    of several ids): nothing is done, and the others are named."""
    shown = ", ".join(unproven[:NAMED_AT_MOST]) + (", …" if len(unproven) > NAMED_AT_MOST else "")
    return n_(
        "Sorry, by email I can only act on a request whose own email you are answering, and "
        "this email does not answer the one about {ids}: nothing was done. Please answer that "
        "request's own email, or use one of your other channels.",
        "Sorry, by email I can only act on a request whose own email you are answering, and "
        "this email does not answer those about {ids}: nothing was done. Please answer each "
        "request's own email, or use one of your other channels.",
        len(unproven),
        ids=shown,
    )


def named_ids(command: str) -> tuple[str, ...]:
    """Every request (or broadcast) a command acts on, each once, as the core reads them: the
    first word after its name and, except in a reply (whose text may name other requests),
    each later word that starts as an id does (``/ack`` takes several; see the core's
    ``bot.requests.repo.looks_like_id``). A word that is no id is kept as typed: nothing
    proves it, so a mail naming it is refused rather than read otherwise than the core does.
    """
    words = list(dict.fromkeys(_arguments(command).split()))  # each word read once
    if not words:
        return ()
    later = [] if _command_name(command) in TEXT_AFTER_ID else words[1:]
    named = [words[0], *(word for word in later if looks_like_id(word))]
    return tuple(dict.fromkeys(map(_typed_id, named)))


def _arguments(command: str) -> str:
    """What follows a command's name (``broadcast ack`` is two words)."""
    name, rest = _command_name(command), command.removeprefix("/").partition(" ")[2]
    if name.startswith("broadcast "):
        rest = rest.strip().partition(" ")[2]
    return rest


def _typed_id(word: str) -> str:
    """An id as the core reads it typed (fullwidth, in any script's digits, with a
    sentence's punctuation after it: ``Ｒ-２０２６-１:``), as the core writes it; the word
    itself, clipped, when it is none."""
    return normalise_id(latin_id(word).rstrip(ID_PUNCTUATION)) or word[:ID_ECHO]


def _command_name(command: str) -> str:
    """``reply``, ``ack``, ``broadcast ack``: a command's name, lower case."""
    name, _sep, rest = command.removeprefix("/").partition(" ")
    if name.lower() == "broadcast":
        return f"broadcast {rest.strip().partition(' ')[0].lower()}"
    return name.lower()


def replay_key(sender: str, command: str, files: Iterable[bytes] = ()) -> str:
    """What makes two mails the same reply: sender, command (the request and the new text,
    spacing aside) and the files' bytes. Never the Message-ID or the quoted history, which a
    replayer may change at will. '' for commands a reply token does not allow (a trusted
    sender's second ``/status`` is a question asked again, to be answered)."""
    if _command_name(command) not in EMAIL_ALLOWED:
        return ""
    parts = [sender.lower(), " ".join(command.split())]
    parts += [hashlib.sha256(body).hexdigest() for body in files]
    return _digest(*parts)


def text_event(
    mail: Mail, command: str, files: tuple[IncomingFile, ...] = (), replay: str = ""
) -> TextMessage:
    """The core's event for an inbound mail; the Message-ID de-duplicates redeliveries, and
    ``replay`` (its :func:`replay_key`) copies sent again under another one."""
    return TextMessage(
        mail.message_id or f"no-id:{_digest(mail.sender, mail.subject, mail.body)}",
        Sender(CHANNEL, mail.sender),
        ChatRef(CHANNEL, mail.sender, private=True),
        command,
        files=files,
        replay_key=replay,
    )


def attachments_of(message: Message) -> list[tuple[IncomingFile, bytes]]:
    """The files attached to a mail (inline pictures too), each with its decoded bytes; the
    ``remote`` of each is its place in the mail, for the adapter to hand the bytes over."""
    found: list[tuple[IncomingFile, bytes]] = []
    for index, part in enumerate(message.iter_attachments()):  # type: ignore[attr-defined]
        body = part.get_payload(decode=True)
        if not isinstance(body, bytes) or not body:
            continue
        maintype = part.get_content_maintype()
        kind = "photo" if maintype == "image" else "voice" if maintype == "audio" else "document"
        name = str(part.get_filename() or "")
        found.append((IncomingFile(f"part-{index}", name, kind, len(body)), body))
    return found


def _digest(*parts: str) -> str:
    """A stand-in id for mail without a Message-ID: the same mail gives the same id."""
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


# --- errors -------------------------------------------------------------------------------
def map_error(exc: Exception) -> AdapterError:
    """The core's error class for a failed SMTP delivery: it decides whether to retry.

    5xx answers (unknown mailbox, refused sender, bad credentials) cannot be fixed by trying
    again; 4xx answers (greylisting, a full queue) and network trouble may pass; 421 is the
    server closing on us, usually because we send too much at once.
    """
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused) and exc.recipients:
        exc = exc.recipients[0]
    code = getattr(exc, "code", 0)
    if code == 421:
        return RateLimited(BUSY_WAIT, f"email: server busy ({code})")
    if 500 <= code < 600:
        return PermanentError(f"email refused ({code}): {_short(exc)}")
    return TransientError(f"email: {type(exc).__name__}: {_short(exc)}")


def _short(exc: Exception) -> str:
    return str(getattr(exc, "message", exc))[:200]
