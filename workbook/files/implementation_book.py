"""実施計画（案） as an .xlsx (report writes it beside the Word version): one sheet, one row per action
under a band per 施策, in seed 004's columns.

    項目コード | 施策・重点取組 | 担当課 | 取組状況 (the years so far) | per year of the window: 取組, 事業費（千円）
    | 今後の方針 | 意見への対応

The band of a 施策 carries its 担当課, 施策の方向性 and 計画期間終了時点の到達目標 (「（未記入）」 when the
plan gives none). A 事業費 stays a number; a department's proposal shows （要求） or （見込み） after it
through the cell's number format, and its 取組 starts with the same label.
Written with openpyxl: a new, plain .xlsx each time (no macros).
"""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from workbook.domain.era import fiscal_year_label, short_label
from workbook.domain.implementation_plan import BLANK, TITLE, ImplementationPlan, YearWork
from workbook.sheets import styles as st
from workbook.sheets.row_heights import text_lines

SHEET = "実施計画（案）"
FIRST_ROW = 5                                  # the header row; title, subtitle and notes above it
WIDTHS = {"code": 9, "title": 30, "departments": 12, "past": 30, "work": 30, "budget": 12, "direction": 12}
BUDGET_FORMAT = "#,##0"
BAND_ALIGN = Alignment(wrap_text=True, vertical="top")


def work_label(w: YearWork) -> str:
    """（要求）/（見込み） before a 取組 a department proposed, '' for the plan's own."""
    return f"（{w.text_source}）" if w.text_proposed else ""


def work_text(w: YearWork) -> str:
    """The year's 取組 as a cell shows it: labelled when proposed, and the amounts some departments asked
    for beside the plan's 事業費 (which stays the action's)."""
    return work_label(w) + (w.text or BLANK) + (f"\n（{w.other_amounts}）" if w.other_amounts else "")


def budget_note() -> str:
    return ("事業費は千円。計画の値は当初予算ベース（事業に直接かかる経費のみ。人件費等は含まない）。"
            "（要求）（見込み）は担当課の次年度の要求額・その次の年度の見込みです。")


def write_implementation_book(ip: ImplementationPlan, out: Path, plan_name: str, sample_title: str = "",
                              sample_note: str = "") -> Path:
    """sample_title: 【サンプル】 before the title for the demo's invented data (sample_note in the page header)."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    heads = (["項目コード", "施策・重点取組", "担当課"]
             + [f"取組状況（{short_label(y)}）" for y in ip.past_years]
             + [h for y in ip.window for h in (f"{short_label(y)}の取組", f"{short_label(y)}の事業費（千円）")]
             + ["今後の方針", "意見への対応"])
    kinds = (["code", "title", "departments"] + ["past"] * len(ip.past_years)
             + ["work", "budget"] * len(ip.window) + ["direction", "past"])
    last_col = len(heads)
    st.write_text(ws, 1, 1, f"{sample_title}{plan_name}　{TITLE}").font = st.TITLE
    st.write_text(ws, 2, 1, f"{fiscal_year_label(ip.fiscal_year + 1)}改定案：{fiscal_year_label(ip.fiscal_year)}までの取組状況と、"
                  f"{fiscal_year_label(ip.window[0])}〜{fiscal_year_label(ip.window[-1])}の取組・事業費").font = st.SUBTITLE
    st.write_text(ws, 3, 1, budget_note()).font = st.NOTE
    if sample_note:
        st.write_text(ws, 4, 1, sample_note).font = st.WARN
    for col, head in enumerate(heads, start=1):
        st.write_text(ws, FIRST_ROW, col, head)
        ws.column_dimensions[get_column_letter(col)].width = WIDTHS[kinds[col - 1]]
    st.style_header_row(ws, FIRST_ROW, 1, last_col, height=32)
    row = FIRST_ROW + 1
    bands = []
    for block in ip.blocks:
        band = [block.measure.code, block.measure.name, "、".join(block.departments),
                "施策の方向性：" + (block.measure.direction or BLANK) + "\n"
                + _reach_label(ip) + "：" + (block.measure.reach or BLANK)]
        for col, value in enumerate(band, start=1):
            cell = st.write_text(ws, row, col, value)
            cell.font, cell.fill, cell.alignment, cell.border = st.BOLD, st.SECTION_FILL, BAND_ALIGN, st.BORDER
        ws.merge_cells(start_row=row, start_column=4, end_row=row, end_column=last_col)
        bands.append((row, band))
        row += 1
        for r in block.rows:
            values: list[object] = [r.action.code, r.action.title, "、".join(r.action.departments)]
            values += [r.results.get(y, "") for y in ip.past_years]
            for w in r.work:
                values += [work_text(w), w.budget]
            values += [r.direction, r.response]
            for col, value in enumerate(values, start=1):
                cell = st.write_text(ws, row, col, value)
                cell.font, cell.border, cell.alignment = st.BODY, st.BORDER, st.WRAP_TOP
                if kinds[col - 1] == "budget" and value is not None:
                    w = r.work[(col - 4 - len(ip.past_years)) // 2]
                    cell.number_format = BUDGET_FORMAT + (f'"（{w.source}）"' if w.proposed else "")
            row += 1
    total_row = row
    st.write_text(ws, total_row, 2, "事業費の合計（千円）").font = st.BOLD
    for n, y in enumerate(ip.window):
        col = 4 + len(ip.past_years) + 2 * n + 1
        cell = ws.cell(row=total_row, column=col, value=ip.budget_total(y))
        cell.number_format, cell.font, cell.border = BUDGET_FORMAT, st.BOLD, st.BORDER
    st.autofit_rows(ws, FIRST_ROW + 1, total_row)
    merged = sum(ws.column_dimensions[get_column_letter(c)].width for c in range(4, last_col + 1))
    for r, band in bands:                  # the band's text runs over the merged columns, not column D alone
        lines = max(text_lines(band[1], WIDTHS["title"] - 1), text_lines(band[3], merged - 1))
        ws.row_dimensions[r].height = lines * 14.0 + 4
    ws.freeze_panes = ws.cell(row=FIRST_ROW + 1, column=4)
    st.a4_landscape(ws, title_rows=f"{FIRST_ROW}:{FIRST_ROW}")
    ws.page_setup.paperSize = ws.PAPERSIZE_A3      # 6 text columns: A4 would print them at 5 pt
    if sample_note:
        st.mark_sample(ws, sample_note)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out


def _reach_label(ip: ImplementationPlan) -> str:
    year = f"（{fiscal_year_label(ip.end_year)}）" if ip.end_year else ""
    return f"計画期間終了時点{year}の到達目標"
