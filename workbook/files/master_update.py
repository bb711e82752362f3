"""Writing what collect, validate and next-year decided into the master, in one save.

A MasterUpdate holds the new contents: the department sheets that change (entries and contact),
the 進捗一覧 summary, the 提出状況 and 検証結果 rows, and the 履歴 rows to add. apply() compares
them with what the master holds and writes only the differences, by patching the saved package
(workbook.ooxml.patch: copies every other part byte for byte) as long as each sheet's layout still
matches the plan. When it does not (the plan or the fiscal year changed after the sheets were
written) the sheets are rewritten through Master (openpyxl) and Master.save. Both ways back up
the master, write a temporary file, check that no package part was lost and replace the file.
Nothing is written, and no backup made, when nothing differs. ⑥ 年度更新 (macros/next_year.py) adds
the 設定 cells, the plan sheets and 年度別実績 to the update, and is always written the openpyxl way
(every department sheet changes year); the Excel buttons never write such an update.

The update is one object for both writers: patch_for() computes the patch in memory, apply()
saves it (the command line), and changes() describes it per sheet (workbook.ooxml.changes:
a rectangle of values and the row heights) for the Excel writer, which puts it into the open book.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from workbook.sheets import master_sheets as ms
from workbook.sheets import names
from workbook.sheets import progress_sheet
from workbook.sheets.department import row_specs, shared_plan_cells
from workbook.sheets.layout import ACTION_ROW, COLUMNS, CONTACT_NAME_CELL, INDICATOR_ROW, CONTACT_PHONE_CELL, PLAN_KEYS, applies, col_number, split_key
from workbook.sheets.names import sheet_title
from workbook.ooxml.cell_xml import letter
from workbook.ooxml.changes import SheetChange
from workbook.ooxml.patch import PackagePatch
from workbook.ooxml.sheet_xml import SheetXml, split_ref
from workbook.sheets.row_heights import LineMemo, RowHeights
from workbook.domain.era import parse_moment
from workbook.domain.problems import REPORT_COLUMNS
from workbook.domain.progress import Summary
from workbook.domain.returns import Entry, same_value
from workbook.domain.year_results import YearResult
from workbook.files.snapshot import MasterSnapshot


@dataclass
class MasterUpdate:
    summary: Summary
    status: list[list[object]]
    checks: list[list[object]]                                   # rows under REPORT_COLUMNS
    departments: dict[str, tuple[dict[str, Entry], tuple[str, str]]] = field(default_factory=dict)
    history: list[list[object]] = field(default_factory=list)   # rows to add to 履歴
    # ⑥ 年度更新 only (always written through openpyxl: the year of every department sheet changes too)
    settings: dict[str, object] = field(default_factory=dict)   # 設定 cells to change, by key
    plan_sheets: bool = False                                    # 計画 and 指標 rewritten from snap.plan
    year_results: list[YearResult] | None = None                 # the whole 年度別実績 (None: as it is)

    @property
    def closes_year(self) -> bool:
        return bool(self.settings or self.plan_sheets or self.year_results is not None)


@dataclass
class Written:
    changed: bool
    backup: Path | None = None
    rewritten: bool = False   # True when the sheets were rewritten through openpyxl


def apply(snap: MasterSnapshot, update: MasterUpdate, backup: bool = True) -> Written:
    backup_folder = snap.folder(snap.settings.backup_folder) if backup else None
    patch = patch_for(snap, update)
    if patch is not None:
        if not patch.changed:
            return Written(False)
        return Written(True, patch.save(backup_folder))
    return Written(True, _rewrite(snap, update, backup), rewritten=True)


def patch_for(snap: MasterSnapshot, update: MasterUpdate, record: bool = False) -> PackagePatch | None:
    """The update as a patch of the package snap read, in memory (nothing is saved); None when the
    sheets no longer match the plan or the fiscal year (only the openpyxl rewrite can apply it).
    record: the sheets keep what they held before each edit, for changes() (the Excel writer)."""
    if not _patchable(snap, update):
        return None
    patch = PackagePatch(snap.path, snap.data, record=record)
    lines = LineMemo()                                # row heights: the texts measured, for every sheet
    for department, (entries, contact) in update.departments.items():
        _patch_department(patch, snap, department, entries, contact, lines)
    _patch_table(patch, snap, names.SHEET_PROGRESS, progress_sheet.progress_rows(update.summary), lines=lines)
    _patch_table(patch, snap, names.SHEET_STATUS, update.status, lines=lines,
                 unwrapped={ms.STATUS_HEADERS.index("SHA-256") + 1},   # 64 hex digits: no need for 4 lines
                 moments={ms.STATUS_HEADERS.index("受信日時") + 1})
    _patch_table(patch, snap, names.SHEET_CHECKS, update.checks, replace=True, lines=lines,
                 unwrapped={REPORT_COLUMNS.index("コード") + 1})      # a long code does not make its row tall
    if update.history:
        _patch_table(patch, snap, names.SHEET_HISTORY, snap.history_rows() + update.history, replace=True, lines=lines,
                     moments={ms.HISTORY_HEADERS.index("日時") + 1})
    return patch


def changes(snap: MasterSnapshot, update: MasterUpdate) -> list[SheetChange] | None:
    """What the update changes, per sheet in workbook order ([] when nothing); None when it cannot
    be patched (see patch_for)."""
    patch = patch_for(snap, update, record=True)
    return None if patch is None else patch.changes()


# --- can the saved sheets be patched in place? ----------------------------------------------
def _patchable(snap: MasterSnapshot, update: MasterUpdate) -> bool:
    if update.closes_year:
        return False
    for department in update.departments:
        if not snap.department(department).current:
            return False
    progress = snap.rows(names.SHEET_PROGRESS)
    if _header(progress) != progress_sheet.progress_headers(snap.settings.fiscal_year):
        return False
    code_i = progress_sheet.PROGRESS_HEADERS.index("取組番号")
    if [str(r[code_i]) if len(r) > code_i else "" for r in snap.body(names.SHEET_PROGRESS)] != \
            [a.code for a in snap.plan.actions]:
        return False
    if _header(snap.rows(names.SHEET_STATUS)) != ms.STATUS_HEADERS or \
            [r[0] for r in snap.status_rows()] != [r[0] for r in update.status]:
        return False
    return _header(snap.rows(names.SHEET_CHECKS)) == REPORT_COLUMNS and \
        _header(snap.rows(names.SHEET_HISTORY)) == ms.HISTORY_HEADERS


def _header(rows: list[list[object]]) -> list[str]:
    if not rows:
        return []
    header = [("" if v is None else str(v)) for v in rows[0]]
    while header and not header[-1]:
        header.pop()
    return header


# --- the patch way ------------------------------------------------------------------------
_NUMBERS = {c.key: col_number(c.key) for c in COLUMNS}
_WRITTEN = {kind: [(c.key, _NUMBERS[c.key], c.key in PLAN_KEYS) for c in COLUMNS
                   if c.key in PLAN_KEYS or (c.editable and applies(c, kind))] for kind in (ACTION_ROW, INDICATOR_ROW)}


def _patch_department(patch: PackagePatch, snap: MasterSnapshot, department: str, entries: dict[str, Entry],
                      contact: tuple[str, str], lines: LineMemo | None = None) -> None:
    state = snap.department(department)
    table = state.table
    sheet = patch.sheet(sheet_title(department))
    heights = RowHeights(sheet.widths(), lines)
    plan_cells = shared_plan_cells(snap.plan, department, snap.settings.fiscal_year)
    for key, kind, _ in row_specs(snap.plan, department):
        code, n = split_key(key)
        entry = entries.get(code)
        row = table.key_rows[key]
        current = dict(table.values.get(key, {}))
        planned = plan_cells[key]
        writes = {}
        for name, number, plan in _WRITTEN[kind]:
            if plan:
                want = planned[name]
            else:
                want = None if entry is None else (entry.actuals.get(n) if name == "actual" else entry.values.get(name))
            if not same_value(current.get(name), want):
                writes[number] = current[name] = want
        if writes:
            sheet.set_row(row, writes)
            sheet.set_height(row, heights.height({_NUMBERS[k]: v for k, v in current.items()}))
    for ref, want in ((CONTACT_NAME_CELL, contact[0]), (CONTACT_PHONE_CELL, contact[1])):
        r, c = split_ref(ref)
        have = table.contact[0] if ref == CONTACT_NAME_CELL else table.contact[1]
        if not same_value(have or None, want or None):
            sheet.set(r, c, want or None)


def _patch_table(patch: PackagePatch, snap: MasterSnapshot, title: str, rows: list[list[object]],
                 replace: bool = False, unwrapped: set[int] = frozenset(),
                 lines: LineMemo | None = None, moments: set[int] = frozenset()) -> None:
    """Rows under the header of a fixed sheet; replace: the number of rows may change.

    unwrapped: columns left out of the row height (their text may be cut off on screen).
    moments: columns of recorded moments ('2026-11-30 22:31:09', as the snapshot reads a date cell back):
    compared as that text, written as dates where the column shows dates (ms.table formats them in 和暦);
    a master written before, whose cells show text, keeps them as text.
    """
    def cell_value(value: object, dated: bool) -> object:
        moment = parse_moment(value) if dated else None
        return value if moment is None else moment

    current = snap.body(title)
    values = [[None if v == "" else v for v in row] for row in rows]
    if replace:
        if _same_rows(current, values):
            return
        sheet = patch.sheet(title)
        style = _body_style(patch, sheet)
        styles = {c: sheet.style(2, c) or style for c in range(1, max(map(len, values), default=0) + 1)}
        dated = {c for c in moments if patch.shows_date(title, 2, c)}
        sheet.delete_rows_from(2)
        heights = RowHeights(sheet.widths(), lines, skip=unwrapped)
        for r, row in enumerate(values, start=2):
            sheet.set_row(r, {c: cell_value(value, c in dated) for c, value in enumerate(row, start=1)}, styles=styles)
            sheet.set_height(r, heights.height(dict(enumerate(row, start=1))))
        width = len(_header(snap.rows(title)))
        last = 1 + max(len(values), 1)
        ref = f"A1:{letter(max(width, 1))}{last}"
        sheet.set_ref("dimension", ref)
        sheet.set_ref("autoFilter", ref)
        patch.set_filter_range(title, ref)
        return
    sheet = heights = None
    for r, (have, want) in enumerate(zip(current, values), start=2):
        changed = _row_changes(have, want)
        if changed is None:
            continue
        if sheet is None:
            sheet = patch.sheet(title)
            heights = RowHeights(sheet.widths(), lines, skip=unwrapped)
        sheet.set_row(r, {c: cell_value(value, c in moments and patch.shows_date(title, r, c))
                          for c, value in changed.items()})
        sheet.set_height(r, heights.height(dict(enumerate(want, start=1))))


def _row_changes(have: list[object], want: list[object]) -> dict[int, object] | None:
    """The cells of want not the same as in have (column -> value); None when the two rows are the
    same (a cell have holds past want's end counts only when it is not empty)."""
    changed = {c: value for c, value in enumerate(want, start=1)
               if not same_value(have[c - 1] if c - 1 < len(have) else None, value)}
    return changed if changed or any(v not in (None, "") for v in have[len(want):]) else None


def _same_rows(a: list[list[object]], b: list[list[object]]) -> bool:
    return len(a) == len(b) and all(_row_changes(x, y) is None for x, y in zip(a, b))


def _body_style(patch: PackagePatch, sheet: SheetXml) -> str | None:
    """The style of a plain table cell: this sheet's own if it has a body row, else 提出状況's."""
    return sheet.style(2, 1) or patch.sheet(names.SHEET_STATUS).style(2, 1)


# --- the openpyxl way -----------------------------------------------------------------------
def _rewrite(snap: MasterSnapshot, update: MasterUpdate, backup: bool) -> Path | None:
    from workbook.files.master import Master

    master = Master(snap)          # snap's plan and settings: ⑥ 年度更新 passes those of the next year
    departments = dict(update.departments)
    for department in (d.name for d in snap.plan.departments):
        state = snap.department(department)
        if department not in departments and state.table is not None and not state.current:
            departments[department] = (state.entries, state.contact)
    for department, (entries, contact) in departments.items():
        master.write_department(department, entries, contact)
    ws = master.wb[names.SHEET_PROGRESS]
    ms.reset(ws)
    progress_sheet.write_progress(ws, update.summary, master.plan)
    master.write_status(update.status)
    ws = master.wb[names.SHEET_CHECKS]
    ms.reset(ws)
    ms.write_checks(ws, update.checks)
    master.append_history(update.history)
    if update.settings:
        master.write_setting_values(update.settings)
    if update.plan_sheets:
        master.write_plan_sheets()
    if update.year_results is not None:
        master.write_year_results(update.year_results)
    return master.save(backup)
