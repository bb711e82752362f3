"""The Word 実施計画（案）: the rolling implementation plan per 施策, in seed 004's form (landscape, house
style; template implementation_plan_tpl.docx, built by templates/build_implementation_plan.py).

Per 施策, where the template's ［本文］ stands:
    a table headed 項目コード・施策 with 担当課, 施策の方向性 and 計画期間終了時点の到達目標
    (「（未記入）」 where the plan gives none), then a table of its actions: 取組状況 of the years so far,
    and per year of the window the 取組 with its 事業費（千円）— the plan's (当初予算ベース), or the
    departments' proposal marked （要求） or （見込み）; a department's 意見への対応 follows the year reported's 取組状況.
The data is workbook.domain.implementation_plan's; the .xlsx beside it is workbook.files.implementation_book's.
"""
from __future__ import annotations

import datetime as dt
from functools import partial
from pathlib import Path

from workbook.domain.era import fiscal_year_label, short_label, wareki_date
from workbook.domain.house_style import number
from workbook.domain.implementation_plan import BLANK, TITLE, ActionRow, ImplementationPlan, MeasureBlock, YearWork
from workbook.domain.settings import Settings
from workbook.files.implementation_book import budget_note, work_label

from .marks import SAMPLE_MARK, SAMPLE_NOTE
from .period_report import NOTE, TEXT_WIDTH, report_table
from .template import IMPLEMENTATION_PLAN_TEMPLATE, render

BODY_MARKER = "［本文］"              # templates/build_implementation_plan.BODY_MARKER
CODE_WIDTH, TITLE_WIDTH, LABEL_WIDTH = 16, 40, 46


def file_name(fiscal_year: int) -> str:
    """'令和6年度_実施計画（案）.docx' (the year reported; the draft is the next year's revision)."""
    return f"{fiscal_year_label(fiscal_year)}_{TITLE}.docx"


def revision_text(ip: ImplementationPlan) -> str:
    return f"{fiscal_year_label(ip.fiscal_year + 1)}改定案"


def write_implementation_doc(ip: ImplementationPlan, settings: Settings, out: Path, plan_name: str = "",
                             today: dt.date | None = None) -> Path:
    sample = SAMPLE_MARK if settings.sample else ""
    context = {"plan_name": settings.plan_name or plan_name, "revision": revision_text(ip),
               "municipality": settings.municipality, "as_of": wareki_date(today or dt.date.today()),
               "mark": {"sample": sample, "draft": "", "sample_note": SAMPLE_NOTE if settings.sample else ""}}
    return render(IMPLEMENTATION_PLAN_TEMPLATE, context, out, finish=partial(_body, ip=ip, title=f"{sample}{TITLE}"))


def _body(doc, ip: ImplementationPlan, title: str) -> None:
    marker = next(p for p in doc.paragraphs if p.text.strip() == BODY_MARKER)
    marker._p.getparent().remove(marker._p)
    doc.add_heading("実施計画の見方", level=1)
    doc.add_paragraph(f"施策ごとに、{_span(ip.past_years)}の取組状況（実績・成果）と、{_span(ip.window)}の取組・事業費を"
                      f"並べた{revision_text(ip)}です。{fiscal_year_label(ip.window[0])}は取組内容、"
                      f"{fiscal_year_label(ip.window[1])}以降は見込みです。", NOTE)
    doc.add_paragraph(budget_note() + f"計画・担当課のどちらにもない欄は「{BLANK}」としています。", NOTE)
    totals = [ip.budget_total(y) for y in ip.window]
    report_table(doc, [60] + [30] * len(ip.window), ["年度"] + [fiscal_year_label(y) for y in ip.window],
                 [["事業費の合計（千円）"] + [BLANK if t is None else number(t, 0) for t in totals]], numeric_from=1)
    goal = None
    for block in ip.blocks:
        if block.goal.code != goal:
            goal = block.goal.code
            doc.add_heading(f"基本目標{block.goal.code}　{block.goal.name}", level=1)
        _block(doc, ip, block)
    doc.core_properties.title = title


def _block(doc, ip: ImplementationPlan, block: MeasureBlock) -> None:
    end = f"（{fiscal_year_label(ip.end_year)}）" if ip.end_year else ""
    info = report_table(doc, [LABEL_WIDTH, TEXT_WIDTH - LABEL_WIDTH],
                        ["項目コード・施策", f"{block.measure.code}　{block.measure.name}"],
                        [["この項目の担当課", "、".join(block.departments)],
                         ["施策の方向性", block.measure.direction or BLANK],
                         [f"計画期間終了時点{end}の到達目標", block.measure.reach or BLANK]])
    for row in info.rows:                  # the 施策's heading table stays on the page of its actions
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True
    doc.paragraphs[-1].paragraph_format.keep_with_next = True
    columns = len(ip.past_years) + len(ip.window)
    width = (TEXT_WIDTH - CODE_WIDTH - TITLE_WIDTH) / columns
    heads = (["取組番号", "重点取組・担当課"] + [f"取組状況\n{short_label(y)}" for y in ip.past_years]
             + [f"{short_label(y)}の取組\n（事業費）" for y in ip.window])
    report_table(doc, [CODE_WIDTH, TITLE_WIDTH] + [width] * columns, heads, [_row(ip, r) for r in block.rows],
                 first_numeric=True)


def _row(ip: ImplementationPlan, r: ActionRow) -> list[str]:
    title = f"{r.action.title}\n（{'、'.join(r.action.departments)}）"
    if r.direction:
        title += f"\n今後の方針：{r.direction}"
    results = [r.results.get(y, "") or "－" for y in ip.past_years]
    if r.response:                         # the answer to the committee's opinion, with the year reported
        results[-1] += f"\n〔意見への対応〕{r.response}"
    return [r.action.code, title] + results + [_work(w) for w in r.work]


def _work(w: YearWork) -> str:
    text = work_label(w) + (w.text or BLANK)
    if w.budget is not None:
        text += f"\n（事業費 {number(w.budget, 0)}千円{'・' + w.source if w.proposed else ''}）"
    return text + (f"\n（{w.other_amounts}）" if w.other_amounts else "")


def _span(years: tuple[int, ...]) -> str:
    return fiscal_year_label(years[0]) if len(years) == 1 else f"{fiscal_year_label(years[0])}〜{fiscal_year_label(years[-1])}"
