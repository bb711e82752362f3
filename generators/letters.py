"""The letters that go with the survey: the request memo (照会文) and the follow-up request (再依頼).

Both are rendered from templates/ (request_memo_tpl.docx, reminder_tpl.docx) like the reports.
What they say about filling in comes from the same places as the distributed file's 記入方法
sheet (workbook.sheets.instructions) and the 評価基準 sheet (settings.scale: codes, definitions,
判定下限, 理由必須), so the memo and the file never disagree.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path, PureWindowsPath, PurePosixPath

from workbook.domain.era import fiscal_year_label, parse_date, wareki_date
from workbook.domain.plan import Plan
from workbook.domain.problems import TYPES
from workbook.domain.settings import Settings
from workbook.files import corrections, department_file
from workbook.rules.late import Late
from workbook.sheets.instructions import RETURN_STEPS, fill_steps, item_rows
from workbook.domain.house_style import number

from .context import clean, grades_of
from .text import setting_text
from .scale_view import codes_text, ratio_rule, reason_codes
from .template import TEMPLATES, render

REQUEST_MEMO_TEMPLATE = TEMPLATES / "request_memo_tpl.docx"
REMINDER_TEMPLATE = TEMPLATES / "reminder_tpl.docx"
SURVEY = "再犯防止推進計画の進捗状況調査について"
NO_DEADLINE = "（未定。決まりしだいお知らせします）"
ADDRESSEE_LIMIT = 4     # more late departments than this are addressed as 関係各課長


def subject(settings: Settings, kind: str) -> str:
    """「令和6年度 再犯防止推進計画の進捗状況調査について（照会）」; kind: 照会 or 再依頼 (【サンプル】 first
    for the demo's sample)."""
    return settings.title(f"{fiscal_year_label(settings.fiscal_year)} {SURVEY}（{kind}）")


def request_memo_name(settings: Settings) -> str:
    """'令和6年度_進捗状況調査_照会.docx'."""
    return f"{fiscal_year_label(settings.fiscal_year)}_進捗状況調査_照会.docx"


def reminder_name(settings: Settings) -> str:
    """'令和6年度_進捗状況調査_再依頼.docx'."""
    return f"{fiscal_year_label(settings.fiscal_year)}_進捗状況調査_再依頼.docx"


def shared_location(settings: Settings, master_folder: Path, *parts: str) -> str:
    """Where a file next to the master is, as departments reach it: under 設定's shared folder when it is
    set (a Windows share keeps its backslashes), else the master's own folder when it is on a network
    share (\\\\server\\…); '' when neither (a folder on the section's own PC is no place to send anyone)."""
    base = settings.shared_folder.strip()
    if not base:
        here = str(master_folder)
        return str(PureWindowsPath(here).joinpath(*parts)) if here.startswith("\\\\") else ""
    pure = PureWindowsPath if ("\\" in base or ":" in base[:3]) else PurePosixPath
    return str(pure(base).joinpath(*parts))


def _letterhead(settings: Settings, kind: str, today: dt.date) -> dict:
    return {
        "document_number": setting_text(settings.document_number),
        "date": wareki_date(today),
        "sender": setting_text(settings.sender),
        "sender_name": clean(settings.sender_name),
        "subject": subject(settings, kind),
        "plan_name": clean(settings.plan_name),
        "fiscal_year": fiscal_year_label(settings.fiscal_year),
        "deadline": setting_text(settings.deadline) or NO_DEADLINE,
        "contact": setting_text(settings.contact or settings.sender),
    }


# --- 照会文 ------------------------------------------------------------------------------------
def request_memo_context(plan: Plan, settings: Settings, master_folder: Path, today: dt.date) -> dict:
    departments = [d.name for d in plan.departments if plan.actions_of(d.name)]
    return {
        **_letterhead(settings, "照会", today),
        "file_form": department_file.file_name(settings, "課名"),
        "file_place": _place(shared_location(settings, master_folder, settings.distribution_folder)),
        "departments": [{"name": clean(name), "actions": number(len(plan.actions_of(name))),
                         "file": department_file.file_name(settings, name)} for name in departments],
        "fill_steps": list(fill_steps(settings)),
        "items": [{"label": label, "help": text}
                  for label, text in item_rows(settings, settings.period_end(plan.fiscal_years))],
        "grades": grades_of(settings.scale),
        "ratio_rule": ratio_rule(settings.scale),
        "reason_grades": codes_text(reason_codes(settings.scale)),
        "return_steps": list(RETURN_STEPS),
    }


def _place(location: str) -> str:
    return f"共有フォルダの「{location}」" if location else "共有フォルダ（場所は別途お知らせします）"


def write_request_memo(plan: Plan, settings: Settings, master_folder: Path, out: Path,
                       today: dt.date | None = None, template: Path = REQUEST_MEMO_TEMPLATE) -> Path:
    return render(template, request_memo_context(plan, settings, master_folder, today or dt.date.today()), out)


# --- 再依頼 ------------------------------------------------------------------------------------
def due(settings: Settings, today: dt.date | None = None) -> str:
    """The date the late departments are asked to keep: the new deadline when one is set, else the
    first one; 至急 when there is none, or it has passed (a reminder never asks for a day gone by)."""
    text = setting_text(settings.resubmission_deadline or settings.deadline)
    day = parse_date(text) if text else None
    return "至急" if not text or (day is not None and day < (today or dt.date.today())) else text


def resubmission(settings: Settings, today: dt.date | None = None) -> str:
    """再提出期限 as the letter and the mails show it: said to have passed when it has."""
    text = setting_text(settings.resubmission_deadline)
    return f"{text}（過ぎています）" if text and due(settings, today) == "至急" else text


def due_by(settings: Settings, today: dt.date | None = None) -> str:
    """「令和7年6月13日（金）までに」, or 「至急」: what the letter and the mails ask for."""
    text = due(settings, today)
    return text if text == "至急" else f"{text}までに"


def counts(late: Late) -> str:
    """'要修正 3 件・要確認 1 件'."""
    text = f"要修正 {number(late.errors)} 件"
    warnings = len(late.items) - late.errors
    return text + (f"・要確認 {number(warnings)} 件" if warnings else "")


def item_rows_of(late: Late) -> list[dict]:
    """The open items as the memo's table and the mail list them: cell, problem, what to do."""
    return [{"n": str(n), "severity": corrections.SEVERITY.get(i.severity, i.severity),
             "action_code": clean(i.action_code), "cell": clean(i.cell) or "－",
             "problem": clean(_problem(i)), "request": clean(_request(i))}
            for n, i in enumerate(late.items, start=1)]


def _problem(item: corrections.Item) -> str:
    """What is wrong, short: the problem's title and what was entered (title（「◎」）)."""
    kind = TYPES.get(item.code)
    title = kind.title if kind is not None else item.code
    value = item.value if len(item.value) <= 30 else item.value[:29] + "…"
    return f"{title}（「{value}」）" if value else title


def _request(item: corrections.Item) -> str:
    """What to do, without the sheet and cell the table shows beside it ('シート「進捗報告」 セル J14 ')."""
    where = " ".join(x for x in (f"シート「{item.sheet}」" if item.sheet else "", f"セル {item.cell}" if item.cell else "") if x)
    text = item.message
    if where and text.startswith(where):
        text = text[len(where):].lstrip(" 　").removeprefix("の")
    return text


def addressees(late: list[Late]) -> str:
    names = [f"{x.name}長" for x in late]
    return "、".join(names) if len(names) <= ADDRESSEE_LIMIT else "関係各課長"


def reminder_context(settings: Settings, late: list[Late], today: dt.date) -> dict:
    return {
        **_letterhead(settings, "再依頼", today),
        "addressees": addressees(late),
        "resubmission_deadline": resubmission(settings, today),
        "due": due(settings, today),
        "due_by": due_by(settings, today),
        "not_returned": [{"name": clean(x.name), "actions": number(x.actions),
                          "file": department_file.file_name(settings, x.name)} for x in late if x.not_returned],
        "needs_fix": [{"name": clean(x.name), "counts": counts(x), "file": clean(x.file) or "－",
                       "rows": item_rows_of(x)} for x in late if not x.not_returned],
    }


def write_reminder(settings: Settings, late: list[Late], out: Path, today: dt.date | None = None,
                   template: Path = REMINDER_TEMPLATE) -> Path:
    return render(template, reminder_context(settings, late, today or dt.date.today()), out)

