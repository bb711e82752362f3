"""The Word progress report (進捗状況報告書), in one of two layouts with the same values:

- table (the default, progress_report_tpl.docx): the published 取組状況確認表 form, landscape, one
  row per action, with 目次, 施策の体系 and 関連事業と担当課 before the table and the colophon after;
- cards (progress_report_cards_tpl.docx, `report --layout cards`): A4 portrait, one card per action.

After rendering: the paper (設定: A4横 or A3横, the table form only), the widths of the count tables
and the matrix, rows taller than a page allowed to split, and the 目次's entries (generators/toc.py;
their page numbers are filled in once LibreOffice has paginated the document: macros/report.py).
"""
from __future__ import annotations

import datetime as dt
from functools import partial
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn

from workbook.domain.era import fiscal_year_label
from workbook.domain.plan import Plan
from workbook.domain.progress import Summary
from workbook.domain.settings import Settings

from .context import progress_report_context
from .marks import OpenItems
from .page_setup import allow_tall_rows_to_split, set_paper
from .table_fit import fit_counts_tables, fit_matrix
from .template import PROGRESS_REPORT_CARDS_TEMPLATE, PROGRESS_REPORT_TEMPLATE, render
from .toc import BOOKMARK, add_toc, fill_numbers, pages_from_pdf

TITLE = "進捗状況報告書"
LAYOUTS = {"table": PROGRESS_REPORT_TEMPLATE, "cards": PROGRESS_REPORT_CARDS_TEMPLATE}
ACTION_TABLE = "取組状況確認表"     # templates/build_report_table.ACTION_TABLE
INSTR = qn("w:instrText")


def file_name(fiscal_year: int) -> str:
    """'令和6年度_進捗状況報告書.docx'."""
    return f"{fiscal_year_label(fiscal_year)}_{TITLE}.docx"


def finish(document, paper: str, title: str) -> None:
    """What the rendered report needs before it is saved (the steps skip what a layout lacks)."""
    set_paper(document, paper)
    fit_counts_tables(document)
    fit_matrix(document)
    allow_tall_rows_to_split(document, ACTION_TABLE)
    add_toc(document)
    document.core_properties.title = title


def write_progress_report(summary: Summary, plan: Plan, settings: Settings, out: Path,
                          template: Path | None = None, today: dt.date | None = None,
                          items: OpenItems | None = None, layout: str = "table") -> Path:
    """items: what is still open (macros/report.py reads it from 提出状況 and 検証結果; without it, from
    the summary); layout: 'table' or 'cards' (template, when given, is used instead)."""
    context = progress_report_context(summary, plan, settings, today or dt.date.today(), items)
    mark = context["mark"]
    title = f"{mark['sample']}{context['fiscal_year']} {TITLE}{mark['draft']}"
    return render(template or LAYOUTS[layout], context, out,
                  finish=partial(finish, paper=settings.report_paper, title=title))


def has_toc(docx: Path) -> bool:
    """Whether the written report has a 目次 with page-number fields (the table form has; cards have not)."""
    return any(BOOKMARK in (t.text or "") for t in Document(str(docx)).element.body.iter(INSTR))


def paginate(docx: Path, pdf: Path) -> bool:
    """Write the 目次's page numbers, as the PDF LibreOffice made from docx shows them, into docx;
    False when they cannot be read (no pdfinfo, or a PDF without the bookmarks' destinations)."""
    pages = pages_from_pdf(pdf)
    return bool(pages) and fill_numbers(docx, pages) > 0
