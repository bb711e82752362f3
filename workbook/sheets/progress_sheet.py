"""The 進捗一覧 sheet: one row per action, built from the one aggregation (domain.progress); the
section types 内部評価 and 委員会意見 into it. Its layout, writer and readers."""
from __future__ import annotations

from dataclasses import dataclass

from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from workbook.domain.era import find_fiscal_year, fiscal_year_label, short_label
from workbook.domain.house_style import house_text, number
from workbook.domain.indicator_rules import running_figures
from workbook.domain.plan import Direction, Plan
from workbook.domain.progress import Summary
from workbook.sheets import styles as st
from workbook.sheets.department import protect
from workbook.sheets.master_sheets import table
from workbook.sheets.names import SHEET_PROGRESS

PROGRESS_HEADERS = ["基本目標", "施策番号", "取組番号", "重点取組", "担当課", "評価区分", "再掲元", "取組目標",
                    "各課の自己評価", "達成度（統合）", "推奨評価（指標）", "指標の実績", "取組内容", "実績・成果",
                    "評価の理由", "課題", "今後の方向性・次年度の取組", "内部評価", "委員会意見"]
PROGRESS_WIDTHS = [5, 6, 7, 18, 11, 6, 6, 14, 13, 7, 7, 14, 20, 20, 22, 20, 22, 22, 22]
# Printed on A3 landscape at full size in two column groups (up to 実績・成果, then the rest), the key
# columns (基本目標 to 重点取組) repeated on the left of each page: 19 columns on one A4 page were 4 pt.
PRINT_KEY_COLUMNS = "A:D"
PRINT_FIRST_GROUP_ENDS = "実績・成果"
PROGRESS_EDITABLE = ("内部評価", "委員会意見")
# Columns compared with a fresh aggregation before a report is made (report.py): what the counts rest on.
PROGRESS_CHECKED = ("取組番号", "各課の自己評価", "達成度（統合）")


def progress_headers(fiscal_year: int) -> list[str]:
    headers = list(PROGRESS_HEADERS)
    headers[PROGRESS_HEADERS.index("取組目標")] = f"取組目標（{fiscal_year_label(fiscal_year)}）"
    return headers


JOINED_FIELDS = ("content", "result", "reason", "issues", "next")   # 取組内容 to 今後の方向性, over departments


def progress_rows(summary: Summary) -> list[list[object]]:
    """The 進捗一覧 rows of a summary (also used by files.master_update to patch a saved master)."""
    rows = []
    for p in summary.actions:
        a = p.action
        dept_grades = "\n".join(f"{d}：{g or '未'}" for d, g in p.department_grades.items())
        actuals = "\n".join(_actual_line(i, summary.fiscal_year) for i in p.indicators if i.actual is not None)
        rows.append([a.goal_code, a.measure_code, a.code, a.title, "、".join(a.departments), a.kind.value,
                     a.relisted_from, a.target_for(summary.fiscal_year), dept_grades, p.grade, p.suggested, actuals,
                     *p.joined_fields(JOINED_FIELDS), p.internal_evaluation, p.committee_opinion])
    return rows


def _actual_line(i, fiscal_year: int) -> str:
    """'相談件数：90件（目標 100件以上）　目標比 90.0％ → C'; a 累計 indicator judged on running totals
    shows them next to the year's own actual ('相談件数：R7 90件　累計 210件（R7までの目標 200件以上）　目標比 …')."""
    unit = house_text(i.indicator.unit)
    running = running_figures(i.judgement, i.indicator, fiscal_year) if i.judgement else ""
    if running:
        return (f"{i.indicator.name}：{short_label(fiscal_year)} {number(i.actual)}{unit}　{running}"
                f"　{i.judgement.text}")
    return (f"{i.indicator.name}：{number(i.actual)}{unit}（目標 {number(i.target)}{unit}"
            f"{_direction(i.indicator.direction)}）" + (f"　{i.judgement.text}" if i.judgement else ""))


def write_progress(ws: Worksheet, summary: Summary, plan: Plan) -> None:
    last = table(ws, progress_headers(summary.fiscal_year), progress_rows(summary), PROGRESS_WIDTHS)
    ws.row_dimensions[1].height = 44               # headers of narrow columns wrap to three lines
    print_in_groups(ws)
    grade_col = get_column_letter(PROGRESS_HEADERS.index("達成度（統合）") + 1)
    for row in ws.iter_rows(min_row=2, max_row=last):
        for cell in row:
            cell.fill = st.PLAN_FILL
        for name in PROGRESS_EDITABLE:
            cell = row[PROGRESS_HEADERS.index(name)]
            cell.fill, cell.protection = st.INPUT_FILL, st.UNLOCKED
        row[PROGRESS_HEADERS.index("達成度（統合）")].alignment = st.CENTER
    for grade in (summary.scale.grades if summary.scale else ()):
        color = st.grade_fill_color(grade.common.value, grade.reason_required)
        ws.conditional_formatting.add(f"{grade_col}2:{grade_col}{last}", CellIsRule(
            operator="equal", formula=['"' + grade.code.replace('"', '""') + '"'],
            fill=PatternFill("solid", fgColor=color)))
    # Only 内部評価 and 委員会意見 are typed here; everything else is rebuilt by ② 回収 / ③ 検証
    # from the department sheets, so a value typed into it would be lost (no password, as 各課シート).
    protect(ws)


def print_in_groups(ws: Worksheet) -> None:
    """A3 landscape at 100 %, a column break after PRINT_FIRST_GROUP_ENDS, the key columns repeated,
    pages across before down (both halves of the same actions follow each other)."""
    st.print_in_groups(ws, PROGRESS_HEADERS.index(PRINT_FIRST_GROUP_ENDS) + 1, PRINT_KEY_COLUMNS)


@dataclass(frozen=True)
class ProgressDifference:
    """A 進捗一覧 cell that does not show what the department sheets now give."""

    code: str          # action code ('' for the header row or a missing/extra row)
    column: str        # a PROGRESS_HEADERS name, or '見出し' / '取組の並び'
    shown: str         # what 進捗一覧 holds
    expected: str      # what the aggregation of the department sheets gives


def listed_owners(rows: list[list[object]]) -> set[tuple[str, str]]:
    """(取組番号, 担当課) for every department the saved 進捗一覧 lists each action under (rows from A1)."""
    code_at, owners_at = PROGRESS_HEADERS.index("取組番号"), PROGRESS_HEADERS.index("担当課")
    return {(str(r[code_at]).strip(), owner.strip()) for r in rows[1:]
            if len(r) > owners_at and r[code_at] is not None for owner in str(r[owners_at] or "").split("、")}


def progress_differences(rows: list[list[object]] | None, summary: Summary) -> list[ProgressDifference]:
    """Compare the saved 進捗一覧 with summary on PROGRESS_CHECKED (codes, self-grades, grades).

    Empty when the sheet shows what the summary holds; 内部評価 and 委員会意見 are where the
    summary comes from, and the text columns are not compared.
    """
    if rows is None:
        return [ProgressDifference("", "見出し", "（シートなし）", SHEET_PROGRESS)]
    header = [_shown(v) for v in (rows[0] if rows else ())]
    while header and not header[-1]:
        header.pop()
    want_header = progress_headers(summary.fiscal_year)
    if header != want_header:
        have, want = next(((h, w) for h, w in zip(header + [""] * len(want_header), want_header) if h != w),
                          ("、".join(header[len(want_header):]), ""))
        return [ProgressDifference("", "見出し", have, want)]
    code_i = PROGRESS_HEADERS.index("取組番号")
    shown = [list(r) + [None] * (len(PROGRESS_HEADERS) - len(r))
             for r in rows[1:] if len(r) > code_i and _shown(r[code_i])]
    expected = progress_rows(summary)
    shown_codes = [_shown(r[code_i]) for r in shown]
    expected_codes = [r[code_i] for r in expected]
    if shown_codes != expected_codes:
        extra = [c for c in shown_codes if c not in expected_codes]
        missing = [c for c in expected_codes if c not in shown_codes]
        return [ProgressDifference("", "取組の並び",
                                   f"{len(shown_codes)} 件" + (f"（計画にない取組：{_few(extra)}）" if extra else ""),
                                   f"{len(expected_codes)} 件" + (f"（進捗一覧にない取組：{_few(missing)}）"
                                                                 if missing else ""))]
    out = []
    for have, want in zip(shown, expected):
        for name in PROGRESS_CHECKED:
            i = PROGRESS_HEADERS.index(name)
            if _shown(have[i]) != _shown(want[i]):
                out.append(ProgressDifference(want[code_i], name, _shown(have[i]), _shown(want[i])))
    return out


def _few(codes: list[str], limit: int = 5) -> str:
    return "、".join(codes[:limit]) + (f" ほか {len(codes) - limit} 件" if len(codes) > limit else "")


def _shown(value: object) -> str:
    """A cell value as text for comparison (Excel may have turned a code like '1' into 1.0)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\r\n", "\n").strip()


def read_evaluations(ws: Worksheet, fiscal_year: int | None = None) -> dict[str, tuple[str, str]]:
    """Action code -> (内部評価, 委員会意見) typed by the section, kept across rebuilds.

    fiscal_year: none are read from a 進捗一覧 built for another year (they belong to that year)."""
    if fiscal_year is not None:
        header = next(ws.iter_rows(min_row=1, max_row=1, values_only=True), ())
        if not progress_for_year(header, fiscal_year):
            return {}
    return evaluations_from_rows(ws.iter_rows(min_row=2, values_only=True))


def progress_year(header) -> int | None:
    """The fiscal year a 進捗一覧 was built for, from its 取組目標（令和N年度） header cell."""
    i = PROGRESS_HEADERS.index("取組目標")
    cell = str(header[i]).strip() if len(header) > i and header[i] is not None else ""
    return find_fiscal_year(cell) if cell.startswith("取組目標") else None


def progress_for_year(header, fiscal_year: int) -> bool:
    """Whether a 進捗一覧 header row is this fiscal year's (a header without a year counts as this year's)."""
    year = progress_year(header)
    return year is None or year == fiscal_year


def evaluations_from_rows(rows) -> dict[str, tuple[str, str]]:
    """read_evaluations on the 進捗一覧 rows below the header (values, any reader)."""
    code_i = PROGRESS_HEADERS.index("取組番号")
    internal_i, committee_i = (PROGRESS_HEADERS.index(n) for n in PROGRESS_EDITABLE)
    out = {}
    for row in rows:
        if len(row) > committee_i and row[code_i]:
            out[str(row[code_i])] = tuple("" if row[i] is None else str(row[i]) for i in (internal_i, committee_i))
    return out


def _direction(direction: Direction) -> str:
    """'以上' / '以下' after a target: which way the indicator improves (再犯者率 46％以下)."""
    return Direction(direction).value

