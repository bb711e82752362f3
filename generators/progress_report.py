"""The Word progress report (進捗状況報告書): cover, grading rule, totals, every action, indicators."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from workbook.domain.era import fiscal_year_label
from workbook.domain.plan import Plan
from workbook.domain.progress import Summary
from workbook.domain.settings import Settings

from .context import progress_report_context
from .template import PROGRESS_REPORT_TEMPLATE, render

TITLE = "進捗状況報告書"


def file_name(fiscal_year: int) -> str:
    """'令和6年度_進捗状況報告書.docx'."""
    return f"{fiscal_year_label(fiscal_year)}_{TITLE}.docx"


def write_progress_report(summary: Summary, plan: Plan, settings: Settings, out: Path,
                          template: Path = PROGRESS_REPORT_TEMPLATE, today: dt.date | None = None) -> Path:
    context = progress_report_context(summary, plan, settings, today or dt.date.today())
    return render(template, context, out)
