"""The master workbook (.xlsm): build it, open it, change it, and save it without losing anything."""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Sequence

import openpyxl
from openpyxl.workbook import Workbook

from workbook.domain.era import year_span_label
from workbook.domain.plan import Plan
from workbook.domain.problems import Report
from workbook.domain.progress import Summary, summarize
from workbook.domain.returns import Entry
from workbook.domain.settings import SAMPLE_NOTE, SETTING_ROWS, Settings
from workbook.domain.year_results import YearResult
from workbook.errors import MasterError
from workbook.files.snapshot import MasterSnapshot
from workbook.ooxml.package import Package
from workbook.ooxml.save import backup_copy, replace_atomically
from workbook.sheets.scale_sheet import write_scale
from workbook.sheets import master_sheets as ms
from workbook.sheets import styles as st
from workbook.sheets import names, progress_sheet
from workbook.sheets.department import protect, write_department_table
from workbook.sheets.names import check_sheet_titles, sheet_title
from workbook.sheets.year_results_sheet import write_year_results

MASTER_SUFFIX = ".xlsm"
VBA_PART = "xl/vbaProject.bin"


@dataclass(frozen=True)
class Step:
    """One step on the 操作 sheet, with the Sub its button runs."""

    number: str
    label: str
    macro: str
    description: str


STEPS: tuple[Step, ...] = (
    Step("⓪", "動作確認", "SelfCheck", "この PC でボタンが使えるか（Python と、Excel から Python を呼ぶ部品の版、フォルダへの書き込み、保存場所、PDF の作成）を確かめます。何も書き換えません。"),
    Step("①", "配布", "Distribute", "担当課ごとの報告用ファイル（.xlsx）を配布フォルダに作ります。メール等で各課に送ってください。"),
    Step("②", "回収", "Collect", "回収フォルダに集めたファイルを保管し、内容を検証して各課シートと進捗一覧に取り込みます。"),
    Step("③", "検証", "Validate", "マスターの入力内容を検証し、検証結果シートと返却票を更新します。"),
    Step("④", "報告書作成", "MakeReports", "進捗状況報告書と委員会用概要（Word）を報告書フォルダに作ります。"),
    Step("⑤", "再依頼", "Remind", "未提出・要修正の担当課への再依頼の文書（Word）と、課ごとのメールの下書き（.eml）を"
                                   "再依頼フォルダに作ります。"),
    Step("⑥", "年度更新", "NextYear", "年度末に、報告対象年度を締めて次の年度に進めます（年度別実績と年度末の控えを残します）。"
                                     "ボタンは確認だけを行い、実行のコマンドを表示します（マスターを閉じて実行）。"),
)


@dataclass
class VbaSpec:
    """Builds the master's VBA project (the macros layer supplies it from macros/*.bas).

    project_for(document_modules) returns vbaProject.bin bytes whose document modules are
    ThisWorkbook and the sheets' code names.
    """

    project_for: Callable[[Sequence[str]], bytes]


def _buttons():
    from workbook.ooxml.buttons import FormButton

    return [FormButton("操作", step.macro, f"{step.number} {step.label}", f"F{5 + i * 2}", f"F{6 + i * 2}")
            for i, step in enumerate(STEPS)]


class Master:
    """An open master workbook.

    Reading goes through the one master reader (MasterSnapshot: every sheet parsed once from the
    bytes read). The openpyxl workbook is loaded only when something is written (wb); what this
    object wrote is what it reads back until save() (department sheets, 提出状況, 履歴).
    """

    def __init__(self, snapshot: MasterSnapshot):
        self.snapshot = snapshot
        self.path = snapshot.path
        self.plan = snapshot.plan
        self.settings = snapshot.settings
        self._wb: Workbook | None = None
        self._departments: dict[str, tuple[dict[str, Entry], tuple[str, str]]] = {}
        self._status: list[list[object]] | None = None
        self._history: list[list[object]] | None = None

    @classmethod
    def open(cls, path: str | Path) -> "Master":
        return cls(MasterSnapshot.read(path))

    @property
    def wb(self) -> Workbook:
        """The workbook for writing (openpyxl, macros kept), loaded on first use."""
        if self._wb is None:
            try:
                self._wb = openpyxl.load_workbook(self.path, keep_vba=self.path.suffix.lower() == MASTER_SUFFIX)
            except Exception as exc:
                from workbook.files.intake import reason_text

                raise MasterError(f"マスター {self.path.name} を開けません（{reason_text(exc)}）。") from exc
            settle_vba_archive(self._wb)
        return self._wb

    def folder(self, name: str) -> Path:
        return self.path.parent / name

    # --- department sheets -----------------------------------------------------------
    def department_sheet(self, department: str):
        title = sheet_title(department)
        if title not in self.wb.sheetnames:
            raise MasterError(f"マスターに担当課「{department}」のシートがありません。")
        return self.wb[title]

    def _table(self, department: str):
        if not self.snapshot.has_sheet(sheet_title(department)):
            raise MasterError(f"マスターに担当課「{department}」のシートがありません。")
        return self.snapshot.table(department)

    def entries_of(self, department: str) -> dict[str, Entry]:
        if department in self._departments:
            return self._departments[department][0]
        return self._table(department).entries

    def contact_of(self, department: str) -> tuple[str, str]:
        if department in self._departments:
            return self._departments[department][1]
        return tuple("" if v is None else str(v) for v in self._table(department).contact)

    def previous_entries(self, department: str) -> dict[str, Entry]:
        """Last year's answers, for a distributed file's 前年度 columns (MasterSnapshot.previous)."""
        return self.snapshot.previous(department)

    def all_entries(self) -> dict[tuple[str, str], Entry]:
        out = {}
        for department in self.plan.departments:
            for code, entry in self.entries_of(department.name).items():
                out[(department.name, code)] = entry
        return out

    def write_department(self, department: str, entries: dict[str, Entry], contact: tuple[str, str]) -> None:
        ws = self.department_sheet(department)
        ms.reset(ws)
        write_department_table(ws, self.plan, department, self.settings.fiscal_year, entries=entries,
                               contact=contact, title=department_title(self.settings, department),
                               scale=self.settings.scale, period_end=self.settings.period_end(self.plan.fiscal_years))
        protect(ws)
        self._departments[department] = (entries, tuple(contact))

    # --- summary sheets ---------------------------------------------------------------
    def status_rows(self) -> list[list[object]]:
        return self._status if self._status is not None else self.snapshot.status_rows()

    def history_rows(self) -> list[list[object]]:
        return self._history if self._history is not None else self.snapshot.history_rows()

    def returned_departments(self) -> list[str]:
        """Departments whose return was merged: 受理 or 要修正 with the return's SHA-256 in 提出状況
        (a row without it names a file that was rejected, which does not count as reported)."""
        sha = ms.STATUS_HEADERS.index("SHA-256")
        return [str(r[0]) for r in self.status_rows()
                if len(r) > sha and r[2] in ("受理", "要修正") and r[sha] not in (None, "")]

    def summary(self) -> Summary:
        return summarize(self.plan, self.all_entries(), self.settings, self.returned_departments(),
                         self.snapshot.evaluations(), self.snapshot.earlier_actuals())

    def write_progress(self) -> Summary:
        summary = self.summary()
        ws = self.wb[names.SHEET_PROGRESS]
        ms.reset(ws)
        progress_sheet.write_progress(ws, summary, self.plan)
        return summary

    def write_status(self, rows: list[list[object]]) -> None:
        ws = self.wb[names.SHEET_STATUS]
        ms.reset(ws)
        ms.write_status(ws, rows)
        self._status = [list(r) for r in rows if any(v not in (None, "") for v in r)]

    def write_checks(self, report: Report) -> None:
        ws = self.wb[names.SHEET_CHECKS]
        ms.reset(ws)
        ms.write_checks(ws, report.rows())

    def write_setting_values(self, values: dict[str, object]) -> None:
        """Change 設定 cells by key (column A), leaving the sheet as it is otherwise."""
        ws = self.wb[names.SHEET_SETTINGS]
        rows = {str(ws.cell(row=r, column=1).value or "").strip(): r for r in range(2, ws.max_row + 1)}
        for key, value in values.items():
            if key not in rows:
                known = next((row for row in SETTING_ROWS if row[0] == key), None)
                if known is None:
                    raise MasterError(f"シート「{names.SHEET_SETTINGS}」に「{key}」の行がありません。")
                ms.add_setting_row(ws, max((r for k, r in rows.items() if k), default=1) + 1, key, known[1], value,
                                   known[2])
                rows = {str(ws.cell(row=r, column=1).value or "").strip(): r for r in range(2, ws.max_row + 1)}
                continue
            ws.cell(row=rows[key], column=3).value = value
        if "fiscal_year" in values and names.SHEET_OPERATIONS in self.wb.sheetnames:   # 操作 names the year too
            self.wb[names.SHEET_OPERATIONS][ms.OPERATIONS_YEAR_CELL] = ms.operations_subtitle(
                replace(self.settings, fiscal_year=values["fiscal_year"]))

    def write_plan_sheets(self) -> None:
        """計画 and 指標 rewritten from self.plan (a revised plan brought in by ⑥ 年度更新)."""
        for title, write in ((names.SHEET_PLAN, ms.write_plan), (names.SHEET_INDICATORS, ms.write_indicators)):
            ws = self.wb[title] if title in self.wb.sheetnames else self.wb.create_sheet(title)
            ms.reset(ws)
            write(ws, self.plan)

    def write_year_results(self, results: list[YearResult]) -> None:
        """The whole 年度別実績 sheet; made right after 進捗一覧 the first time."""
        title = names.SHEET_YEAR_RESULTS
        if title not in self.wb.sheetnames:
            after = self.wb.sheetnames.index(names.SHEET_PROGRESS) + 1 if names.SHEET_PROGRESS in self.wb.sheetnames \
                else len(self.wb.sheetnames)
            made = self.wb.create_sheet(title, after)
            if self.settings.sample:      # every sheet of a sample master says so when printed
                st.mark_sample(made, SAMPLE_NOTE)
        ws = self.wb[title]
        ms.reset(ws)
        write_year_results(ws, results)

    def append_history(self, rows: list[list[object]]) -> None:
        if not rows:
            return
        existing = self.history_rows()
        ws = self.wb[names.SHEET_HISTORY]
        ms.reset(ws)
        ms.write_history(ws, existing + rows)
        self._history = existing + [list(r) for r in rows]

    # --- saving -------------------------------------------------------------------------
    def save(self, backup: bool = True) -> Path | None:
        """Back up, write to a temporary file, check no package part was lost, then replace."""
        if self._wb is None:
            return None
        return save_workbook(self.wb, self.path, self.folder(self.settings.backup_folder) if backup else None)


def settle_vba_archive(wb: Workbook) -> None:
    """openpyxl keeps the macros in an in-memory zip it opened for appending and never closes; the
    garbage collector may finalise it after its buffer, and Python then prints an English error on
    the console. Finished and reopened for reading, it is read by save as before and needs no closing."""
    archive = wb.vba_archive
    if archive is None or archive.mode == "r":
        return
    buffer = archive.fp
    archive.close()                     # writes the directory into the buffer (a buffer passed in stays open)
    wb.vba_archive = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))


def department_title(settings: Settings, department: str) -> str:
    """The title of a department's sheet in the master."""
    return settings.title(f"{department}（取り込み済みの回答）")


def save_workbook(wb: Workbook, path: Path, backup_folder: Path | None) -> Path | None:
    from workbook.ooxml.buttons import existing_buttons, finish_xlsm
    from workbook.ooxml.package import check_parts_kept, part_names

    backup_path = None
    before: set[str] = set()
    vba = None
    if path.exists():
        before = part_names(path)
        vba = Package(path).parts.get(VBA_PART)
        buttons = existing_buttons(path) or _buttons()
        if backup_folder is not None:
            backup_path = backup_copy(path, backup_folder)

    def write(tmp: Path) -> None:
        from workbook.ooxml.buttons import document_modules
        from workbook.ooxml.vba.project import with_document_modules

        wb.save(tmp)
        if vba is not None:     # a sheet added (年度別実績) gets its document module; the rest is kept
            finish_xlsm(tmp, with_document_modules(vba, document_modules(tmp)), buttons)
        check_parts_kept(before, part_names(tmp), path)

    replace_atomically(path, write)
    return backup_path


def build_master(plan: Plan, settings: Settings, path: str | Path, vba: VbaSpec | None = None,
                 xlwings_conf: list[tuple[str, str]] | None = None) -> Path:
    """Write a new master for the plan. Refuses to overwrite an existing file."""
    path = Path(path)
    if path.exists():
        raise MasterError(f"{path} は既にあります。上書きしないので、別の名前か別のフォルダを指定してください。")
    check_sheet_titles([d.name for d in plan.departments])
    if not settings.plan_period and plan.fiscal_years:   # the plan's own years: revisions extend 計画, not this
        settings = replace(settings, plan_period=year_span_label(plan.fiscal_years[0], plan.fiscal_years[-1]))
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    wb.remove(wb.active)
    ws = wb.create_sheet(names.SHEET_OPERATIONS)
    ms.write_operations(ws, settings, [(s.number, s.label, s.description) for s in STEPS])
    ms.write_plan(wb.create_sheet(names.SHEET_PLAN), plan)
    ms.write_indicators(wb.create_sheet(names.SHEET_INDICATORS), plan)
    ms.write_departments(wb.create_sheet(names.SHEET_DEPARTMENTS), plan)
    for department in plan.departments:
        ws = wb.create_sheet(sheet_title(department.name))
        write_department_table(ws, plan, department.name, settings.fiscal_year,
                               title=department_title(settings, department.name), scale=settings.scale,
                               period_end=settings.period_end(plan.fiscal_years))
        protect(ws)
    empty_summary = summarize(plan, {}, settings, [])
    progress_sheet.write_progress(wb.create_sheet(names.SHEET_PROGRESS), empty_summary, plan)
    ms.write_status(wb.create_sheet(names.SHEET_STATUS),
                    [[d.name, len(plan.actions_of(d.name)), "未提出", "", "", "", "", "", "", ""]
                     for d in plan.departments])
    ms.write_checks(wb.create_sheet(names.SHEET_CHECKS), [])
    ms.write_settings(wb.create_sheet(names.SHEET_SETTINGS), settings)
    write_scale(wb.create_sheet(names.SHEET_SCALE), settings.scale)
    ms.write_history(wb.create_sheet(names.SHEET_HISTORY), [])
    ms.write_xlwings_conf(wb.create_sheet(names.SHEET_XLWINGS), xlwings_conf or [])
    wb.active = 0
    for i, ws in enumerate(wb.worksheets, start=1):
        ws.sheet_properties.codeName = f"Sheet{i}"
        if settings.sample:
            st.mark_sample(ws, SAMPLE_NOTE)
    wb.code_name = "ThisWorkbook"
    def write(tmp: Path) -> None:
        wb.save(tmp)
        if vba is not None:
            from workbook.ooxml.buttons import finish_xlsm

            documents = ["ThisWorkbook"] + [ws.sheet_properties.codeName for ws in wb.worksheets]
            finish_xlsm(tmp, vba.project_for(documents), _buttons())

    replace_atomically(path, write)
    return path
