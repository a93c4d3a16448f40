"""/report: a period's totals, status and draft debrief in chat; as a chart or a workbook
file on channels that carry files (co-chairs)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot.commands import CommandSpec
from bot.errors import UserError
from bot.events import Attachment
from bot.i18n import DEFAULT_LANGUAGE, Text, _, language_list, resolve_language
from bot.periods.handlers import example_code, today
from bot.periods.repo import current_period, load_period
from bot.reports import files
from bot.reports.figures import ReportData, load_report
from bot.reports.render import to_chat
from bot.returns.reminders import due_moment
from bot.work import Work

FORMS = {"chart": "chart", "png": "chart", "graph": "chart"}
FORMS |= {"xlsx": "xlsx", "xls": "xlsx", "excel": "xlsx", "workbook": "xlsx"}
"""The files chat sends, by the words people use for them."""
ELSEWHERE = ("csv", "md", "markdown", "json")  # files the command line writes, not the chat
UNMADE = ("pdf", "docx", "doc", "word", "pptx", "html")  # asked for: refused with what there is


def report_command(work: Work, args: str) -> None:
    """The report of the named period, or of the current one; ``chart`` or ``xlsx`` first
    sends it as a file; a language code last drafts the debrief statement in that language."""
    words = args.split()
    if any(w.lower() in ELSEWHERE + UNMADE for w in words):
        raise UserError(
            _(
                "In chat a report comes as text, a chart or a workbook: /report {code}, "
                "/report chart {code}, /report xlsx {code}. CSV, Markdown and JSON files come "
                "from the command line: focalbot report {code} --format csv.",
                code=example_code(work),
            )
        )
    forms = [w for w in words if w.lower() in FORMS]  # first or after the code
    form = FORMS[forms[0].lower()] if len(forms) == 1 else ""
    if form:
        words.remove(forms[0])
    language = _language(words, lambda word: load_period(work.db, word) is not None)
    if len(words) > 1:
        raise UserError(
            _(
                "Name one period at most: /report {code}, /report chart {code}.",
                code=example_code(work),
            )
        )
    if form and language != DEFAULT_LANGUAGE:
        raise UserError(
            _(
                "Report files are in English; a language drafts the statement in chat: "
                "/report {code} th.",
                code=example_code(work),
            )
        )
    data = _load(work, words[0] if words else "")
    if form:
        _send_file(work, data, form)
    else:
        work.reply(to_chat(data, language))
    work.audit("report.viewed", data.period.code, form or language)


def _language(words: list[str], is_period: Callable[[str], bool]) -> str:
    """Take a language code off the end of ``words`` (the statement's language; English by
    default). A second word that is no period code and no language is refused with the list.
    A lone word naming a period is its code (a period ``FIL`` is not Filipino)."""
    lone_period = len(words) == 1 and is_period(words[0])
    if words and not lone_period and (language := resolve_language(words[-1])):
        words.pop()
        return language
    if len(words) == 2 and words[1].isalpha():
        raise UserError(
            _(
                "I don't know the language {code}. Available: {languages}.",
                code=words[1][:20],
                languages=language_list(),
            )
        )
    return DEFAULT_LANGUAGE


def _load(work: Work, code: str) -> ReportData:
    if not code:
        period = current_period(work.db, today(work))
        if period is None:
            raise UserError(
                _("No period of action is open; name one: /report {code}.", code=example_code(work))
            )
        code = period.code
    settings = work.ctx.settings.reports
    data = load_report(
        work.db,
        code,
        settings.currency,
        settings.rates,
        now=work.now,
        due=lambda window, country: due_moment(work, window, country),  # its own calendar
    )
    if data is None:
        raise UserError(
            _("There is no period {code}. /period shows the current one.", code=code[:20])
        )
    return data


def _send_file(work: Work, data: ReportData, form: str) -> None:
    """Answer with the file, made when the outbox sends it (:func:`source`, then
    :func:`bot.reports.files.made` on a thread): drawn here, a chart held the store's
    transaction, and every other message waiting behind it, for a second or two."""
    stamp = work.now.strftime("%Y%m%d-%H%M%S")
    code = data.period.code
    caption: Text
    if form == "chart":
        attachment = files.to_make(f"{code}-chart-{stamp}.png", code, form)
        caption = _("{code}: figures by country and returns by reporting window.", code=code)
    else:
        attachment = files.to_make(f"{code}-report-{stamp}.xlsx", code, form)
        caption = _(
            "{code}: the report as a workbook (summary, by country, each window, status).",
            code=code,
        )
    work.reply(caption, attachment=attachment)


def source(work: Work, file: Attachment) -> tuple[ReportData, Path]:
    """What a report file asked for in chat is made from, when it is sent: the period's data
    as of now, and the folder it is written to."""
    code, _form = files.what_to_make(file)
    data = _load(work, code)
    return data, files.reports_dir(work.db, work.ctx.settings.reports.directory)


COMMANDS = [
    CommandSpec(
        "report",
        _(
            "Co-chairs: totals, per-country figures, who has reported, and the draft debrief "
            "statement for a period (in English, or in the language named last); 'chart' sends "
            "a picture, 'xlsx' a workbook."
        ),
        "/report [chart|xlsx] [CODE] [LANGUAGE]",
        "/report xlsx JPA-4",
        report_command,
        roles=frozenset({"co_chair"}),
    ),
]
