"""Correction lists (返却票): one .xlsx per department with problems, to send back with the file.

Each list says, in Japanese, which sheet and cell, what was entered and what to do, on A4.
A list is rewritten only when its content changes (a fingerprint of the content is kept in the
file's properties), so collecting the same inbox twice leaves the lists as they were; the list
of a department that no longer has problems is removed. Only files this module wrote (carrying
the fingerprint) are ever replaced or removed.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment

from workbook.ooxml.save import replace_atomically
from workbook.sheets import styles as st
from workbook.domain.era import fiscal_year_label, parse_moment, wareki_datetime
from workbook.domain.problems import ERROR, Problem
from workbook.domain.settings import SAMPLE_NOTE, Settings

MARK = "saihan-addon-correction:"
HEADERS = ["No.", "区分", "取組番号", "項目", "シート", "セル", "入力されている内容", "修正のお願い"]
WIDTHS = [5, 8, 9, 16, 10, 7, 30, 62]
SEVERITY = {ERROR: "要修正", "warning": "要確認"}
# for the section, not the department: nothing in them the department can correct in its file
NOT_SENT = ("not-returned", "older-return", "file-lock", "row-not-in-plan", "row-not-distributed",
            "plan-name-changed", "scale-changed", "scale-edited-after-merge")
TABLE_ROW = 11


@dataclass(frozen=True)
class Item:
    severity: str
    code: str
    sheet: str
    cell: str
    action_code: str
    field: str
    value: str
    message: str


def item(p: Problem, sheet: str | None = None) -> Item:
    return Item(p.severity, p.code, p.sheet if sheet is None else sheet, p.cell, p.action_code, p.field,
                p.value, p.message)


def file_name(settings: Settings, department: str) -> str:
    safe = "".join("＿" if ch in '\\/:*?"<>|' or ord(ch) < 32 else ch for ch in department).strip(" .")
    return f"{fiscal_year_label(settings.fiscal_year)}_返却票_{safe}.xlsx"


def _order(i: Item) -> tuple:
    """By cell, then by everything else: the same items give the same list in whatever order they
    came (validate rebuilds the items collect made from 検証結果, in that sheet's order)."""
    digits = "".join(ch for ch in i.cell if ch.isdigit())
    letters = "".join(ch for ch in i.cell if ch.isalpha())
    return (bool(i.cell), int(digits) if digits else 0, len(letters), letters, i.severity != ERROR,
            i.sheet, i.action_code, i.field, i.code, i.value, i.message)


def fingerprint(department: str, source: tuple[str, str], items: list[Item]) -> str:
    text = json.dumps([department, list(source), [asdict(i) for i in items]], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def written_fingerprint(path: Path) -> str | None:
    """The fingerprint inside a list this module wrote; None for any other file."""
    try:
        with zipfile.ZipFile(path) as zf:
            core = zf.read("docProps/core.xml").decode("utf-8", "replace")
    except (OSError, KeyError, zipfile.BadZipFile):
        return None
    match = re.search(re.escape(MARK) + r"([0-9a-f]{64})", core)
    return match.group(1) if match else None


def write_corrections(folder: Path, settings: Settings, lists: dict[str, tuple[tuple[str, str], list[Item]]],
                      today: dt.date | None = None) -> tuple[list[Path], list[Path]]:
    """lists: department -> ((file name, received at), items). Returns (all current lists, removed)."""
    current, removed = [], []
    wanted = {}
    for department, (source, items) in lists.items():
        items = sorted((i for i in items if i.code not in NOT_SENT), key=_order)
        if items:
            wanted[file_name(settings, department)] = (department, source, items)
    if folder.exists():
        prefix = file_name(settings, "").removesuffix(".xlsx")
        for path in sorted(folder.glob(f"{prefix}*.xlsx")):
            if path.name not in wanted and written_fingerprint(path):
                path.unlink()
                removed.append(path)
    for name, (department, source, items) in wanted.items():
        path = folder / name
        mark = fingerprint(department, source, items)
        if path.exists() and written_fingerprint(path) == mark:
            current.append(path)
            continue
        write_correction(path, settings, department, source, items, mark, today or dt.date.today())
        current.append(path)
    return current, removed


LEFT_TOP = Alignment(horizontal="left", vertical="top", wrap_text=True)   # a date beside the texts, not at the right


def _received(moment: str) -> str:
    """'2026-11-30 22:31:09' (as 提出状況 keeps it) -> '令和8年11月30日 22:31'."""
    parsed = parse_moment(moment)
    return moment if parsed is None else wareki_datetime(parsed)


def write_correction(path: Path, settings: Settings, department: str, source: tuple[str, str],
                     items: list[Item], mark: str, today: dt.date) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "返却票"
    wb.properties.identifier = MARK + mark
    wb.properties.title = f"返却票（{department}）"
    wb.properties.creator = "再犯防止推進計画 進捗管理アドオン"
    ws["A1"] = settings.title(f"{fiscal_year_label(settings.fiscal_year)} 進捗報告 返却票（修正のお願い）")
    ws["A1"].font = st.TITLE
    ws["A2"] = f"{settings.municipality}　{settings.plan_name}"
    ws["A2"].font = st.NOTE
    if settings.sample:
        ws["A3"] = SAMPLE_NOTE
        ws["A3"].font = st.WARN
        st.mark_sample(ws, SAMPLE_NOTE)
    errors = sum(1 for i in items if i.severity == ERROR)
    info = [
        ("宛先", f"{department}　御中"),
        ("対象ファイル", f"{source[0]}（受信 {_received(source[1])}）" if source[1] else source[0]),
        ("発行日", today),
        ("件数", f"要修正 {errors} 件　要確認 {len(items) - errors} 件"),
        ("お願い", "「要修正」の項目を直し、配布したファイルに上書き保存して再提出してください。「要確認」は内容を確認し、"
                  "必要なら修正してください。行の追加・削除や灰色のセル（計画の内容）の変更はしないでください。"),
        ("問い合わせ", settings.contact or "福祉政策課"),
    ]
    for r, (label, text) in enumerate(info, start=4):
        label_cell = ws.cell(row=r, column=1, value=label)
        label_cell.font, label_cell.alignment = st.BOLD, st.WRAP_TOP
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=2)
        cell = st.write_moment(ws, r, 3, text, date_only=True) if label == "発行日" else st.write_text(ws, r, 3, text)
        cell.font, cell.alignment = st.BODY, LEFT_TOP
        ws.merge_cells(start_row=r, start_column=3, end_row=r, end_column=len(HEADERS))
        ws.row_dimensions[r].height = 30 if label == "お願い" else 16
    for c, header in enumerate(HEADERS, start=1):
        ws.cell(row=TABLE_ROW, column=c, value=header)
    st.style_header_row(ws, TABLE_ROW, 1, len(HEADERS), height=20)
    for n, it in enumerate(items, start=1):
        r = TABLE_ROW + n
        row = [n, SEVERITY.get(it.severity, it.severity), it.action_code, it.field, it.sheet, it.cell,
               it.value[:300], it.message]
        for c, value in enumerate(row, start=1):
            cell = st.write_text(ws, r, c, value if value != "" else None)
            cell.font, cell.border, cell.alignment = st.BODY, st.BORDER, st.WRAP_TOP
        if it.severity == ERROR:
            ws.cell(row=r, column=2).font = st.WARN
    st.set_widths(ws, {chr(ord("A") + i): w for i, w in enumerate(WIDTHS)})
    last = TABLE_ROW + max(len(items), 1)
    st.autofit_rows(ws, TABLE_ROW + 1, last)
    st.a4_landscape(ws, title_rows=f"{TABLE_ROW}:{TABLE_ROW}")
    ws.print_area = f"A1:{chr(ord('A') + len(HEADERS) - 1)}{last}"
    ws.freeze_panes = f"A{TABLE_ROW + 1}"
    replace_atomically(path, wb.save)
