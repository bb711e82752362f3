"""A department's distributed workbook (.xlsx, no macros): write it, and read a returned one."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
from openpyxl.workbook import Workbook
from openpyxl.workbook.protection import WorkbookProtection

from workbook.sheets import styles as st
from workbook.sheets.department import protect, read_department_table, write_department_table
from workbook.ooxml.save import replace_atomically
from workbook.domain.era import fiscal_year_label
from workbook.domain.scale import scale_caption
from workbook.sheets.identity import identity_from_rows, write_identity
from workbook.sheets.layout import DATA_SHEET, IDENTITY_COLUMNS, IDENTITY_SHEET, INFO_SHEET, TEMPLATE_VERSION
from workbook.domain.plan import Plan
from workbook.domain.returns import DepartmentReturn, Entry, Identity
from workbook.domain.settings import SAMPLE_NOTE, Settings

RETURN_LINE_HEIGHT = 16.0  # points per wrapped line: 游ゴシック 10pt needs more than the default 14
PRINTABLE_MM = 297 - 2 * 0.4 * 25.4 - 4   # A4 landscape between the side margins (styles.a4_page), a little spare


def _mm(width: float) -> float:
    """A column's printed width at 100 %, in mm, from Excel's width in characters: Calibri's digits are
    7 px (+5 padding), counted as 9.2 so that a PC without Calibri (LibreOffice draws its substitute,
    DejaVu Sans, about 9 px wide) still gets each column group on one page wide; Excel prints it a
    little smaller than it could."""
    return (width * 9.2 + 5) * 25.4 / 96


def file_name(settings: Settings, department: str) -> str:
    """令和6年度_進捗報告_福祉政策課.xlsx (characters Windows forbids in a name become ＿)."""
    safe = "".join("＿" if ch in '\\/:*?"<>|' or ord(ch) < 32 else ch for ch in department).strip(" .")
    return f"{fiscal_year_label(settings.fiscal_year)}_進捗報告_{safe}.xlsx"


def write_department_file(path: Path, plan: Plan, settings: Settings, department: str,
                          previous: dict[str, Entry] | None = None,
                          instructions=None) -> Identity:
    """Write the file a department fills in. previous: last year's entries shown read-only."""
    from workbook.sheets.department import expected_plan_cells, row_specs

    wb = Workbook()
    info = wb.active
    info.title = INFO_SHEET
    if instructions is not None:
        instructions(info, plan, settings, department)
    data = wb.create_sheet(DATA_SHEET)
    entries = {code: e.previous() for code, e in (previous or {}).items()}
    last = write_department_table(
        data, plan, department, settings.fiscal_year, entries=entries, count_contact=True, scale=settings.scale,
        period_end=settings.period_end(plan.fiscal_years),
        title=settings.title(f"{fiscal_year_label(settings.fiscal_year)} {plan.name} 進捗報告（{department}）"),
        subtitle=f"{settings.municipality}　提出期限：{settings.deadline or '（設定なし）'}　問い合わせ：{settings.contact}")
    _fit_for_return(data, last, department, settings, plan,
                    has_previous=any(e.prev_grade or e.prev_result for e in entries.values()),
                    has_opinions=any(e.has_opinion for e in entries.values()))
    protect(data, settings.protection_password)
    identity = Identity(
        municipality=settings.municipality, plan_name=settings.plan_name, fiscal_year=settings.fiscal_year,
        department=department, template_version=TEMPLATE_VERSION,
        row_keys=tuple(key for key, _, _ in row_specs(plan, department)),
        distributed_at=dt.datetime.now().replace(microsecond=0).isoformat(sep=" "),
        scale_fingerprint=settings.scale.fingerprint(), scale_name=scale_caption(settings.scale),
        row_labels={key: tuple(cells[k] or "" for k in IDENTITY_COLUMNS)
                    for key, cells in expected_plan_cells(plan, department, settings.fiscal_year).items()},
    )
    write_identity(wb.create_sheet(IDENTITY_SHEET), identity)
    if settings.sample:
        for ws in wb.worksheets:
            st.mark_sample(ws, SAMPLE_NOTE)
    # no sheet can be added, deleted, renamed or unhidden: the identity sheet stays with the file
    wb.security = WorkbookProtection(lockStructure=True)
    wb.active = 1
    _save_atomic(wb, path)
    return identity


def _fit_for_return(ws, last: int, department: str, settings: Settings, plan: Plan, has_previous: bool,
                    has_opinions: bool) -> None:
    """What only the distributed copy needs: room to type, a page header, last year's columns when any
    (the 内部評価/委員会意見 ones, with 意見への対応, only when last year had an opinion), and a print area
    that ends at the last column shown (the proposals; 今後の方針 in the plan's last year)."""
    from workbook.sheets.layout import COLUMNS, FIRST_ROW, col_letter, col_number, is_open

    for key in ("prev_grade", "prev_result"):
        ws.column_dimensions[col_letter(key)].hidden = not has_previous
    for key in ("prev_internal", "prev_committee", "response"):
        ws.column_dimensions[col_letter(key)].hidden = not has_opinions
    if last >= FIRST_ROW:   # after hiding: a hidden column's text does not make its row tall
        st.autofit_rows(ws, FIRST_ROW, last, line_height=RETURN_LINE_HEIGHT, min_lines=3)
    last_year = settings.period_end(plan.fiscal_years)
    shown = [c for c in COLUMNS if c.key != "key" and not ws.column_dimensions[col_letter(c.key)].hidden
             and (not c.editable or is_open(c, settings.fiscal_year, last_year))]
    ws.print_area = f"B1:{col_letter(shown[-1].key)}{max(last, FIRST_ROW - 1)}"
    # A4 landscape in two column groups: this year's report (up to 事業費), then last year's answers and
    # opinions with the proposals, 取組番号 and 重点取組 repeated; one scale for both, the wider fitting
    split = col_number("budget")
    titles = [c for c in shown if c.key in ("code", "title")]
    groups = ([c for c in shown if col_number(c.key) <= split], titles + [c for c in shown if col_number(c.key) > split])
    widest = max(sum(_mm(c.width) for c in group) for group in groups)
    st.print_in_groups(ws, split, f"{col_letter('code')}:{col_letter('title')}", a3=False,
                       scale=max(10, min(100, int(PRINTABLE_MM / widest * 100))))
    ws.oddFooter.left.text = f"{fiscal_year_label(settings.fiscal_year)} 進捗報告（{department}）"
    ws.oddFooter.left.size = 9


def read_identity(wb: Workbook) -> Identity | None:
    if IDENTITY_SHEET not in wb.sheetnames:
        return None
    return identity_from_rows([list(r) for r in wb[IDENTITY_SHEET].iter_rows(max_col=6, values_only=True)])


def read_department_file(path: Path, wb: Workbook | None = None) -> DepartmentReturn | None:
    """The identity and entries of a returned file; None when it carries no identity sheet."""
    from workbook.sheets.table import is_input_cell

    wb = wb or openpyxl.load_workbook(path)
    identity = read_identity(wb)
    if identity is None or DATA_SHEET not in wb.sheetnames:
        return None
    table = read_department_table(wb[DATA_SHEET], identity.department, known_keys=identity.row_keys)
    return DepartmentReturn(
        identity=identity, entries=table.entries, contact_name=table.contact[0], contact_phone=table.contact[1],
        row_keys_found=table.keys, key_rows=table.key_rows, plan_cells=table.plan_cells,
        formulas=table.formulas, extra_rows=table.extra_rows, duplicate_rows=table.duplicates,
        merged_ranges=tuple(str(r) for r in wb[DATA_SHEET].merged_cells.ranges),
        error_cells={c.coordinate: str(c.value) for row in wb[DATA_SHEET].iter_rows() for c in row
                     if c.data_type == "e" and c.coordinate not in table.formulas
                     and is_input_cell(c.row, c.column)},
        layout_width=table.width, headers=table.headers,
    )


def _save_atomic(wb: Workbook, path: Path) -> None:
    replace_atomically(path, wb.save)
