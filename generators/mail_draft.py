"""Unsent mail drafts (.eml) to the late departments, for the section to check and send itself.

Nothing is ever sent: the file is a MIME message with `X-Unsent: 1`, which Outlook opens as a new
message ready to send (other clients open it as a message to forward or edit). The subject and the
department's name are encoded as MIME requires (RFC 2047), the attachment's name as RFC 2231,
the body is UTF-8 in base64, the file's lines end in CRLF (email.policy.SMTP).
"""
from __future__ import annotations

import datetime as dt
import email.policy
import re
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path

from workbook.domain.era import fiscal_year_label
from workbook.domain.settings import Settings
from workbook.files import department_file
from workbook.ooxml.save import replace_atomically
from workbook.rules.late import Late

from .letters import counts, due_by, item_rows_of, resubmission, subject

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
_SEPARATORS = re.compile(r"[;,、，；\s]+")
_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$")


def draft_name(settings: Settings, department: str) -> str:
    """'令和6年度_再依頼_指導室.eml' (characters Windows forbids in a name become ＿)."""
    safe = "".join("＿" if ch in '\\/:*?"<>|' or ord(ch) < 32 else ch for ch in department).strip(" .")
    return f"{fiscal_year_label(settings.fiscal_year)}_再依頼_{safe}.eml"


def addresses(text: str) -> tuple[list[str], list[str]]:
    """The addresses in a 担当課 メール cell (several may be separated by ; , 、 or spaces):
    (usable, unreadable)."""
    good, bad = [], []
    for part in _SEPARATORS.split((text or "").strip()):
        if part:
            (good if _ADDRESS.match(part) else bad).append(part)
    return good, bad


def body(settings: Settings, late: Late, attachment: str, location: str, today: dt.date | None = None) -> str:
    """The mail's text: the short request and the department's open items.

    attachment: the attached file's name ('' when none); location: where the file is when it is not
    attached ('' when it is, or when there is none)."""
    contact = late.department.contact
    lines = [f"{late.name}長　様" + (f"（ご担当：{contact}）" if contact else ""), ""]
    survey = f"{fiscal_year_label(settings.fiscal_year)}の再犯防止推進計画の進捗状況調査について、"
    if late.not_returned:
        lines += [survey + "まだご提出を確認できていません（対象の取組 " + f"{late.actions} 件）。",
                  f"配布したファイル（{department_file.file_name(settings, late.name)}）に記入し、"
                  f"{due_by(settings, today)}ご提出をお願いします。"]
    else:
        lines += [survey + "ご提出ありがとうございました。",
                  f"確認したところ、次の箇所の修正・確認をお願いしたい点がありました（{counts(late)}）。",
                  f"修正したファイルを{due_by(settings, today)}再提出してください。"]
    if late.items:
        lines += ["", "■ 修正・確認をお願いする箇所"]
        for row in item_rows_of(late):
            where = "　".join(x for x in (f"取組 {row['action_code']}" if row["action_code"] else "",
                                          f"セル {row['cell']}" if row["cell"] != "－" else "") if x)
            lines += [f"{row['n']}. ［{row['severity']}］{where}：{row['problem']}", f"　　→ {row['request']}"]
    lines.append("")
    lines += [f"当初の提出期限：{settings.deadline or '（未定）'}"]
    if settings.resubmission_deadline:
        lines += [f"再提出期限：{resubmission(settings, today)}"]
    what = "配布したファイル" if late.not_returned else "返却票（修正箇所の一覧）"
    if attachment:
        lines += [f"添付：{attachment}（{what}）"]
    elif location:
        lines += [f"{what}の場所：{location}", "（メールシステムの都合により添付していません。上の場所から開いてください。）"]
    elif not settings.attach_files:      # sent as a place, and no place is known: said, not left out
        lines += [f"（{what}は、メールシステムの都合により添付していません。場所は問い合わせ先にお尋ねください。）"]
    lines += ["", "すでにご対応いただいている場合は、行き違いですのでご容赦ください。", "", "―――――",
              settings.contact or settings.sender]
    return "\n".join(lines) + "\n"


def mail_draft(settings: Settings, late: Late, to: list[str], attachment: Path | None = None,
               location: str = "", today: dt.date | None = None) -> EmailMessage:
    message = EmailMessage(policy=email.policy.default)
    message["X-Unsent"] = "1"
    message["To"] = [Address(late.name, addr_spec=a) for a in to] if to else ""
    message["Subject"] = subject(settings, "再依頼")
    message.set_content(body(settings, late, attachment.name if attachment else "", location, today), cte="base64")
    if attachment is not None:
        message.add_attachment(attachment.read_bytes(), *XLSX_TYPE, filename=attachment.name)
    return message


def write_mail_draft(path: Path, message: EmailMessage) -> Path:
    data = message.as_bytes(policy=email.policy.SMTP)
    replace_atomically(path, data=data)
    return path

