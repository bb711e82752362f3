"""The 年度別実績 sheet: every closed year's results, one row per action × department × fiscal year.

⑥ 年度更新 (next-year) appends the closed year's rows; nothing else writes it, and the section
only reads it (the sheet is protected without a password, as 進捗一覧). Its layout, writer and
reader. The indicator columns come last, four per indicator (名称・単位・目標値・実績値), as many
groups as the row with the most indicators needs; they are read back by their headers.
"""
from __future__ import annotations

import re

from openpyxl.worksheet.worksheet import Worksheet

from workbook.domain.era import fiscal_year_label, parse_fiscal_year
from workbook.domain.normalize import clean_text, parse_number
from workbook.domain.year_results import PROPOSAL_BUDGETS, PROPOSAL_FIELDS, TEXT_FIELDS, IndicatorResult, YearResult
from workbook.sheets import styles as st
from workbook.sheets.department import protect
from workbook.sheets.master_sheets import table
from workbook.sheets.row_heights import text_lines

# the proposal columns (意見への対応 … 今後の方針) came later: after the others, as a sheet written before
# them has none (it reads the same, with those fields empty); columns are found by their headers
HEADERS = ["年度", "取組番号", "重点取組", "担当課", "取組目標", "自己評価", "達成度（統合）",
           *TEXT_FIELDS.values(), "事業費（千円）", "内部評価", "委員会意見", "締めた時の提出状況",
           *PROPOSAL_FIELDS.values()]
WIDTHS = [10, 8, 20, 12, 18, 7, 8, 24, 24, 18, 18, 18, 9, 18, 18, 9, 18, 18, 9, 18, 9, 8]
INDICATOR_PARTS = ("", " 単位", " 目標値", " 実績値")      # after 指標N
_INDICATOR_HEADER = re.compile(r"^指標(\d+)(| 単位| 目標値| 実績値)$")


def headers(results: list[YearResult]) -> list[str]:
    groups = max((len(r.indicators) for r in results), default=0)
    return HEADERS + [f"指標{n}{part}" for n in range(1, groups + 1) for part in INDICATOR_PARTS]


def result_rows(results: list[YearResult]) -> list[list[object]]:
    """The sheet's rows below the header, in the order given."""
    groups = max((len(r.indicators) for r in results), default=0)
    rows = []
    for r in results:
        row: list[object] = [fiscal_year_label(r.fiscal_year), r.action_code, r.title, r.department, r.target,
                             r.grade, r.consolidated, *(r.text(k) for k in TEXT_FIELDS), _number(r.budget),
                             r.internal_evaluation, r.committee_opinion, r.status,
                             *(_number(r.proposal(k)) if k in PROPOSAL_BUDGETS else r.proposal(k)
                               for k in PROPOSAL_FIELDS)]
        for i in range(groups):
            if i < len(r.indicators):
                ind = r.indicators[i]
                row += [ind.name, ind.unit, _number(ind.target), _number(ind.actual)]
            else:
                row += [None] * len(INDICATOR_PARTS)
        rows.append([None if v == "" else v for v in row])
    return rows


def write_year_results(ws: Worksheet, results: list[YearResult]) -> None:
    """The whole sheet (existing rows and the new year's, sorted by year, then as given)."""
    ordered = sorted(results, key=lambda r: r.fiscal_year)
    heads = headers(ordered)
    groups = (len(heads) - len(HEADERS)) // len(INDICATOR_PARTS)
    widths = WIDTHS + [20, 6, 9, 9] * groups
    last = table(ws, heads, result_rows(ordered), widths)
    # the long headers (翌々年度 事業費（千円・見込み）) wrap in their narrow columns: the row fits them
    lines = max(text_lines(head, width - 1.0) for head, width in zip(heads, widths))
    ws.row_dimensions[1].height = max(30.0, lines * 14.0 + 4)
    for row in ws.iter_rows(min_row=2, max_row=last):
        for cell in row:
            cell.fill = st.PLAN_FILL
    ws.freeze_panes = "E2"
    protect(ws)


def results_from_rows(rows: list[list[object]]) -> list[YearResult]:
    """The records in the sheet's rows from A1 (values, any reader); columns found by their headers,
    so a sheet sorted or filtered by hand reads the same. Rows without a readable year are skipped."""
    if not rows:
        return []
    where = {clean_text(h): i for i, h in enumerate(rows[0]) if clean_text(h)}
    groups: dict[int, dict[str, int]] = {}
    for header, i in where.items():
        match = _INDICATOR_HEADER.match(header)
        if match:
            groups.setdefault(int(match.group(1)), {})[match.group(2)] = i

    def get(row: list[object], name: str) -> object:
        i = where.get(name)
        return row[i] if i is not None and i < len(row) else None

    out = []
    for row in rows[1:]:
        year = parse_fiscal_year(get(row, "年度"))
        code = clean_text(get(row, "取組番号"))
        if year is None or not code:
            continue
        indicators = []
        for n in sorted(groups):
            cols = groups[n]
            cell = (lambda part: row[cols[part]] if part in cols and cols[part] < len(row) else None)
            name = clean_text(cell(""))
            if name:
                indicators.append(IndicatorResult(name, clean_text(cell(" 単位")), _float(cell(" 目標値")),
                                                  _float(cell(" 実績値"))))
        out.append(YearResult(
            fiscal_year=year, action_code=code, title=clean_text(get(row, "重点取組")),
            department=clean_text(get(row, "担当課")), target=clean_text(get(row, "取組目標")),
            grade=clean_text(get(row, "自己評価")), consolidated=clean_text(get(row, "達成度（統合）")),
            texts={k: clean_text(get(row, label)) for k, label in TEXT_FIELDS.items()},
            budget=_float(get(row, "事業費（千円）")), internal_evaluation=clean_text(get(row, "内部評価")),
            committee_opinion=clean_text(get(row, "委員会意見")), status=clean_text(get(row, "締めた時の提出状況")),
            indicators=tuple(indicators),
            proposals={k: _float(get(row, label)) if k in PROPOSAL_BUDGETS else clean_text(get(row, label))
                       for k, label in PROPOSAL_FIELDS.items()}))
    return out


def _number(value: float | None) -> object:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def _float(value: object) -> float | None:
    parsed = parse_number(value)
    return parsed.value if parsed else None
