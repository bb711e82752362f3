"""A master as collect and validate read it: plan, settings and every sheet's values, via calamine.

Reading a large city's master with calamine takes milliseconds where openpyxl takes most of a
second. The snapshot keeps the file's bytes, so the patch that writes the changes back
(workbook.ooxml.patch) starts from exactly what was read. Errors are the ones Master.open gives.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, replace
from pathlib import Path

from workbook.sheets import master_sheets as ms
from workbook.sheets import names
from workbook.sheets import progress_sheet
from workbook.sheets.department import grade_list_formula, row_specs
from workbook.domain.era import find_fiscal_year, fiscal_year_label
from workbook.errors import MasterError, PlanFileError
from workbook.sheets.layout import ACTION_ROW, COLUMNS, INDICATOR_ROW, applies, split_key
from workbook.sheets.names import sheet_title
from workbook.domain.plan import Plan
from workbook.domain.normalize import clean_text
from workbook.files.plan_import import Rows, plan_from_rows
from workbook.ooxml.package import Package
from workbook.ooxml.values import SheetValues
from workbook.sheets.table import Table, input_formulas, parse_table
from workbook.domain.returns import CONTACT_FIELDS, Entry
from workbook.domain.scale import Scale
from workbook.sheets.scale_sheet import read_scale_rows
from workbook.sheets.year_results_sheet import results_from_rows
from workbook.domain.year_results import YearResult, earlier_actuals
from workbook.domain.settings import Settings, check_rule_fits_scale, check_year_in_plan, settings_from_values


@dataclass
class DepartmentState:
    """What a department sheet of the master holds, as the base for merging."""

    entries: dict[str, Entry]
    contact: tuple[str, str]
    table: Table | None
    current: bool          # written for this fiscal year with the plan's rows: it can be patched in place
    year: int | None = None   # the fiscal year the sheet was written for (from its header)


class MasterSnapshot:
    def __init__(self, path: Path, data: bytes, plan: Plan, settings: Settings, book):
        self.path = path
        self.data = data
        self.plan = plan
        self.settings = settings
        self._book = book
        self._departments: dict[str, DepartmentState] = {}
        self._year_results: list[YearResult] | None = None
        self._package: Package | None = None

    @classmethod
    def read(cls, path: str | Path) -> "MasterSnapshot":
        from workbook.files.intake import reason_text

        path = Path(path)
        if not path.exists():
            raise MasterError(f"マスター {path} が見つかりません。")
        if path.is_dir():
            raise MasterError(f"{path} はフォルダです。マスターのファイル（.xlsm）を指定してください。")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise MasterError(f"マスター {path.name} を読み取れません（{reason_text(exc)}）。"
                              "ほかのプログラムで開いていないか確認してください。") from exc
        try:
            book = SheetValues.open(data)
        except Exception as exc:  # calamine raises its own error types
            raise MasterError(f"マスター {path.name} を開けません（{reason_text(exc)}）。"
                              "このアドオンのマスター（.xlsm）か確認してください。") from exc
        for name in (names.SHEET_PLAN, names.SHEET_SETTINGS, names.SHEET_DEPARTMENTS):
            if name not in book.names:
                raise MasterError(f"{path.name} にシート「{name}」がありません。このアドオンのマスターか確認してください。")
        snap = cls(path, data, None, None, book)  # type: ignore[arg-type]
        try:
            snap.settings = settings_from_values(ms.settings_values_from_rows(snap.rows(names.SHEET_SETTINGS)[1:]))
        except ValueError as exc:
            raise MasterError(f"{path.name} のシート「設定」に読めない値があります。"
                              "C 列（値）に入力した内容を確かめてください。") from exc
        if snap.has_sheet(names.SHEET_SCALE):
            snap.settings.scale = _scale(path, snap.rows(names.SHEET_SCALE))
        check_rule_fits_scale(snap.settings)
        try:
            indicators = snap.rows(names.SHEET_INDICATORS) if snap.has_sheet(names.SHEET_INDICATORS) else None
            snap.plan = plan_from_rows(Rows(path.name, names.SHEET_PLAN, snap.rows(names.SHEET_PLAN)),
                                       None if indicators is None else Rows(path.name, names.SHEET_INDICATORS, indicators),
                                       snap.settings.municipality, snap.settings.plan_name)
        except PlanFileError as exc:
            raise MasterError(f"マスターのシート「計画」に問題があります。\n{exc}") from exc
        check_year_in_plan(snap.settings, snap.plan.fiscal_years)
        listed = ms.departments_from_rows(snap.rows(names.SHEET_DEPARTMENTS)[1:])
        listed_names = {d.name for d in listed}
        snap.plan.departments[:] = listed + [d for d in snap.plan.departments if d.name not in listed_names]
        return snap

    def for_year(self, fiscal_year: int, plan: Plan | None = None) -> "MasterSnapshot":
        """The same bytes read as if 設定 named another fiscal year (and, given, another plan): what
        ⑥ 年度更新 writes for the next year is decided on this view (the roll in _department)."""
        view = MasterSnapshot(self.path, self.data, plan or self.plan, replace(self.settings, fiscal_year=fiscal_year),
                              self._book)
        view._package = self._package
        return view

    def folder(self, name: str) -> Path:
        return self.path.parent / name

    def has_sheet(self, title: str) -> bool:
        return title in self._book.names

    def rows(self, title: str) -> list[list[object]]:
        """A sheet's values from A1 ('' as None, whole numbers as int); [] when there is no such sheet."""
        return self._book.rows(title)

    def body(self, title: str) -> list[list[object]]:
        """The rows under a table's header row, without empty rows."""
        return [r for r in self.rows(title)[1:] if any(v not in (None, "") for v in r)]

    @property
    def package(self) -> Package:
        """The package model of the bytes read (parts inflated on demand)."""
        if self._package is None:
            self._package = Package(self.path, self.data)
        return self._package

    def formulas(self, title: str) -> dict[str, str]:
        """Formulas in the input cells of a department sheet."""
        xml = self.package.sheet_xml(title)
        return input_formulas(xml) if xml is not None else {}

    def scale_outdated(self) -> list[str]:
        """Department sheets whose grade drop-down is not the 評価基準's (edited since they were written)."""
        wanted = grade_list_formula(self.settings.scale)
        out = []
        for department in self.plan.departments:
            xml = self.package.sheet_xml(sheet_title(department.name))
            lists = [html.unescape(m.decode("utf-8")) for m in re.findall(rb"<formula1>([^<]*)</formula1>", xml or b"")]
            if lists and wanted not in lists:
                out.append(department.name)
        return out

    # --- department sheets --------------------------------------------------------------------
    def department(self, department: str) -> DepartmentState:
        if department not in self._departments:
            self._departments[department] = self._department(department)
        return self._departments[department]

    def _department(self, department: str) -> DepartmentState:
        title = sheet_title(department)
        if not self.has_sheet(title):
            return DepartmentState({}, ("", ""), None, False)
        table = parse_table(self.rows(title), department)
        year = find_fiscal_year(table.target_header)
        keys = tuple(key for key, _, _ in row_specs(self.plan, department))
        fiscal_year = self.settings.fiscal_year
        if year == fiscal_year:
            entries = table.entries
        elif year == fiscal_year - 1:
            entries = _carried_forward(table.entries, department, self.settings.scale,
                                       self.closed_evaluations(year))
        else:
            entries = {}
        # an older template's sheet (fewer columns) is rewritten, never patched
        current = year == fiscal_year and table.keys == keys and table.current_layout
        return DepartmentState(entries, table.contact if year == fiscal_year else ("", ""), table, current, year)

    def table(self, department: str) -> Table:
        """The department sheet's table as it stands, whatever year it was written for."""
        state = self.department(department)
        if state.table is not None:
            return state.table
        title = sheet_title(department)
        return parse_table(self.rows(title), department, self.formulas(title))

    def previous(self, department: str) -> dict[str, Entry]:
        """Last year's answers for a distributed file's 前年度 columns: a sheet of this year holds them
        in its 前年度 columns (⑥ 年度更新 put them there), a sheet written for the year before in its
        input columns (a view for the next year, for_year); any other year gives nothing."""
        state = self.department(department)
        if state.table is None:
            return {}
        if state.year == self.settings.fiscal_year - 1:
            return state.entries
        if state.year != self.settings.fiscal_year:
            return {}
        found = {code: entry.previous() for code, entry in state.table.entries.items() if entry.has_previous}
        if not state.table.current_layout:   # a sheet rolled by an older version has no 前年度 内部評価/委員会意見
            codes = {split_key(k)[0] for k in state.table.keys}      # the department's actions
            for code, (internal, committee) in self.closed_evaluations(self.settings.fiscal_year - 1).items():
                if code in codes:
                    found[code] = replace(found.get(code) or Entry(code, department),
                                          prev_internal=clean_text(internal), prev_committee=clean_text(committee))
        return found

    def dropped_answers(self, department: str) -> list[tuple[str, str, object]]:
        """(action code, field, value) of this year's answers in rows the plan no longer has for the
        department (an action or indicator deleted, or given to another department, after the sheet
        was written): rewriting the sheet for the plan leaves them out."""
        state = self.department(department)
        if state.table is None or state.current or state.year != self.settings.fiscal_year:
            return []
        planned = {key for key, _, _ in row_specs(self.plan, department)}
        return _answers(state.table, [key for key in state.table.keys if key not in planned])

    def rolled_over(self, department: str) -> list[tuple[str, str, object]]:
        """(action code, field, value) of every answer and contact on a department sheet written for
        another fiscal year than 設定's (the year was changed): rewriting the sheet for this year
        leaves them out (only 自己評価 and 実績・成果 go on as the 前年度 columns). The field names
        the year the value belongs to ('令和6年度 取組内容'); contacts have no action code."""
        state = self.department(department)
        if state.table is None or state.year == self.settings.fiscal_year:
            return []
        year = _year_label(state.year)
        out = [(code, f"{year} {label}", value) for code, label, value in _answers(state.table, state.table.keys)]
        out += [("", f"{year} {label}", value) for label, value in zip(CONTACT_FIELDS, state.table.contact)
                if clean_text(value)]
        return out

    def sheets_year(self) -> int | None:
        """The fiscal year 進捗一覧 and the department sheets were written for, when one differs from
        設定's (設定's year edited by hand instead of ⑥ 年度更新); None when they agree."""
        rows = self.rows(names.SHEET_PROGRESS)
        years = [progress_sheet.progress_year(rows[0])] if rows else []
        years += [self.department(d.name).year for d in self.plan.departments if self.department(d.name).table]
        return next((y for y in years if y is not None and y != self.settings.fiscal_year), None)

    # --- fixed sheets -----------------------------------------------------------------------
    def year_results(self) -> list[YearResult]:
        """The closed years' records (年度別実績; none before the first ⑥ 年度更新), parsed once per
        snapshot (collect asks for them when it checks and again when it rebuilds 進捗一覧)."""
        if self._year_results is None:
            self._year_results = results_from_rows(self.rows(names.SHEET_YEAR_RESULTS))
        return list(self._year_results)

    def earlier_actuals(self) -> dict[tuple[str, str], dict[int, float]]:
        """The indicators' actuals of the years closed before 設定's year (for 累計 indicators)."""
        return earlier_actuals(self.year_results(), self.settings.fiscal_year)

    def status_rows(self) -> list[list[object]]:
        return self.body(names.SHEET_STATUS)

    def history_rows(self) -> list[list[object]]:
        return self.body(names.SHEET_HISTORY)

    def check_rows(self) -> list[list[object]]:
        return self.body(names.SHEET_CHECKS)

    def evaluations(self) -> dict[str, tuple[str, str]]:
        """内部評価 and 委員会意見 typed for this fiscal year (none when 進捗一覧 was built for another)."""
        rows = self.rows(names.SHEET_PROGRESS)
        if not rows or not progress_sheet.progress_for_year(rows[0], self.settings.fiscal_year):
            return {}
        return progress_sheet.evaluations_from_rows(rows[1:])

    def closed_evaluations(self, year: int) -> dict[str, tuple[str, str]]:
        """内部評価 and 委員会意見 of a closed (earlier) year, per action: from a 進捗一覧 still built
        for that year (⑥ 年度更新 reads it so), else from that year's rows of 年度別実績."""
        rows = self.rows(names.SHEET_PROGRESS)
        if rows and progress_sheet.progress_year(rows[0]) == year:
            return progress_sheet.evaluations_from_rows(rows[1:])
        out: dict[str, tuple[str, str]] = {}
        for r in self.year_results():
            if r.fiscal_year == year and (r.internal_evaluation or r.committee_opinion):
                out.setdefault(r.action_code, (r.internal_evaluation, r.committee_opinion))
        return out

    def rolled_evaluations(self) -> list[tuple[str, str, object]]:
        """(action code, field, value) of the 内部評価/委員会意見 typed in a 進捗一覧 built for another
        fiscal year: rebuilding it for this year leaves them out."""
        rows = self.rows(names.SHEET_PROGRESS)
        if not rows or progress_sheet.progress_for_year(rows[0], self.settings.fiscal_year):
            return []
        year = _year_label(progress_sheet.progress_year(rows[0]))
        return [(code, f"{year} {name}", value)
                for code, values in progress_sheet.evaluations_from_rows(rows[1:]).items()
                for name, value in zip(progress_sheet.PROGRESS_EDITABLE, values) if clean_text(value)]


def _answers(table: Table, keys) -> list[tuple[str, str, object]]:
    """(action code, field, value) of the non-empty input cells of the table's rows with these keys."""
    out = []
    for key in keys:
        code, n = split_key(key)
        values = table.values.get(key, {})
        for col in COLUMNS:
            if col.editable and applies(col, ACTION_ROW if n is None else INDICATOR_ROW) \
                    and clean_text(values.get(col.key)):
                indicator = " ".join(str(values.get("indicator") or f"指標{n}").split())
                out.append((code, col.header if n is None else f"{col.header}（{indicator}）", values[col.key]))
    return out


def _scale(path: Path, rows: list[list[object]]) -> Scale:
    """The master's 評価基準 sheet; a bad table stops every operation with the cells to fix."""
    scale, problems = read_scale_rows(rows)
    if scale is None:
        lines = [f"  - {p.message}" for p in problems[:20]]
        raise MasterError(f"{path.name} のシート「{names.SHEET_SCALE}」（評価基準）に問題があります。"
                          "直してからもう一度実行してください。\n" + "\n".join(lines))
    return scale


def _year_label(year: int | None) -> str:
    return fiscal_year_label(year) if year else "年度不明"


def _carried_forward(entries: dict[str, Entry], department: str, scale: Scale,
                     evaluations: dict[str, tuple[str, str]] | None = None) -> dict[str, Entry]:
    """Last year's answers, and the 内部評価/委員会意見 given on them, become this year's 前年度
    columns (as MasterSnapshot.previous gives them)."""
    out = {}
    for code, entry in entries.items():
        grade = scale.normalize(entry.grade)
        internal, committee = (evaluations or {}).get(code, ("", ""))
        prev = Entry(code, department, prev_grade=grade or "",   # an invalid grade is not carried
                     prev_result=clean_text(entry.get("result")), prev_internal=clean_text(internal),
                     prev_committee=clean_text(committee))
        if prev.has_previous:
            out[code] = prev
    return out
