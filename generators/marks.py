"""What the documents say about themselves: a draft（案）, sample data（サンプル）, the meeting, the colophon.

A document is a draft while anything is open: a department 未提出 or 要修正 on 提出状況, or an
action without a grade. Then both documents carry （案） in the title and the header and end with
an appendix listing what is open; the command line and the ④ button print the same lines, and
`report --final` refuses with them. The demo's master (設定「サンプルデータ」) makes every
document say サンプル in its title and header, with one line saying the results are invented.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from workbook.domain.era import wareki_date
from workbook.domain.house_style import number
from workbook.domain.progress import Summary
from workbook.domain.settings import Settings
from workbook.rules.late import Late

from .text import setting_text

DRAFT_MARK = "（案）"
SAMPLE_MARK = "【サンプル】"
SAMPLE_NOTE = "※サンプル：この資料の実績・達成度・評価の理由などは、デモのために作った架空のものです。"
DEFAULT_DOCUMENT_NUMBER = "資料"
MAX_CODES_LISTED = 20


@dataclass(frozen=True)
class OpenItems:
    """What keeps the documents a draft."""

    not_returned: tuple[str, ...] = ()             # departments 未提出
    to_fix: tuple[tuple[str, int], ...] = ()       # departments 要修正, with the errors to correct
    ungraded: tuple[str, ...] = ()                 # codes of actions without a grade (再掲を含む)
    ungraded_without_relistings: int = 0

    @property
    def draft(self) -> bool:
        return bool(self.not_returned or self.to_fix or self.ungraded)

    def lines(self) -> list[str]:
        """One Japanese line per kind of open item (what the appendix, the command line and --final say)."""
        out = []
        if self.not_returned:
            out.append(f"未提出の担当課（{number(len(self.not_returned))} 課）：{'、'.join(self.not_returned)}")
        if self.to_fix:
            fixes = "、".join(f"{d}（直す箇所 {number(n)} 件）" if n else d for d, n in self.to_fix)
            out.append(f"要修正の担当課（{number(len(self.to_fix))} 課）：{fixes}")
        if self.ungraded:
            shown = "、".join(self.ungraded[:MAX_CODES_LISTED])
            more = len(self.ungraded) - MAX_CODES_LISTED
            with_relistings, without = len(self.ungraded), self.ungraded_without_relistings
            scope = ("再掲を含めても同じ" if without == with_relistings
                     else f"再掲を除く。再掲を含めると {number(with_relistings)} 件")
            out.append(f"達成度が未記入の取組 {number(without)} 件（{scope}）：{shown}"
                       + (f" ほか {number(more)} 件" if more > 0 else ""))
        return out


def open_items(summary: Summary, late: list[Late] | None = None) -> OpenItems:
    """From 提出状況 and 検証結果 as collect and validate left them (late: workbook.rules.late), and the
    grades; without late (a summary alone), the departments that have not reported stand for 未提出."""
    if late is None:
        not_returned, to_fix = tuple(summary.missing_departments), ()
    else:
        not_returned = tuple(x.name for x in late if x.not_returned)
        to_fix = tuple((x.name, x.errors) for x in late if not x.not_returned)
    ungraded = summary.ungraded()
    return OpenItems(not_returned, to_fix, tuple(p.action.code for p in ungraded),
                     sum(1 for p in ungraded if not p.action.is_relisting))


def wareki_month(day: dt.date) -> str:
    """'令和8年11月' (the colophon's month)."""
    return re.sub(r"\d+日$", "", wareki_date(day))


def publisher(municipality: str, section: str) -> str:
    """'狛江市 福祉保健部 福祉政策課': the section as 設定 gives it, the city put before it when it lacks one."""
    if not section:
        return municipality
    return section if not municipality or section.startswith(municipality) else f"{municipality}　{section}"


def marks_context(settings: Settings, municipality: str, items: OpenItems, today: dt.date, document: str) -> dict:
    """mark, open, meeting and colophon for a template; document: what the appendix calls it (報告書, 資料)."""
    meeting = [setting_text(settings.meeting_name), setting_text(settings.meeting_date)]
    return {
        "mark": {"draft": DRAFT_MARK if items.draft else "", "sample": SAMPLE_MARK if settings.sample else "",
                 "sample_note": SAMPLE_NOTE if settings.sample else ""},
        "open": {"draft": items.draft, "lines": items.lines(), "document": document},
        "meeting": {"number": setting_text(settings.meeting_document_number) or DEFAULT_DOCUMENT_NUMBER,
                    "name": meeting[0], "date": meeting[1], "line": "　".join(m for m in meeting if m)},
        "colophon": {"month": wareki_month(today),
                     "publisher": publisher(municipality, setting_text(settings.publisher_section)),
                     "address": setting_text(settings.publisher_address), "phone": setting_text(settings.publisher_phone)},
    }
