"""The master file as a "book" of sheet blocks: the command line side of the Excel adapter.

Blocks are lists of rows of Python values read from A1; a formula is a Formula (a str subclass),
any other str is text. macros/excel.py's XlwingsBook is the Excel side of the same protocol;
one behaviour suite (tests/macros/test_excel_behaviour.py) runs against both.
"""
from __future__ import annotations

import copy
from pathlib import Path
from typing import Callable

from workbook.errors import MasterError
from workbook.files.master import Master
from workbook.files.master_update import MasterUpdate, Written, apply
from workbook.files.snapshot import MasterSnapshot
from workbook.ooxml.changes import Formula
from workbook.sheets.styles import write_text

Block = list[list[object]]
__all__ = ["Block", "FileBook", "Formula", "changed_blocks", "changed_heights", "height_runs", "kinds", "trim"]


# --- blocks -----------------------------------------------------------------------------
def trim(rows: Block) -> Block:
    """Drop trailing empty rows and columns ('' counts as empty) and pad rows to one width."""
    def empty(v: object) -> bool:
        return v is None or v == ""

    rows = [list(r) for r in rows]
    while rows and all(empty(v) for v in rows[-1]):
        rows.pop()
    width = max((max((i + 1 for i, v in enumerate(r) if not empty(v)), default=0) for r in rows), default=0)
    return [[None if empty(v) else v for v in (r + [None] * width)[:width]] for r in rows]


def worksheet_block(ws) -> Block:
    """The values of a worksheet from A1, formulas as Formula (raw cells are read only here)."""
    rows = []
    for cells in ws.iter_rows(min_row=1, min_col=1, max_row=ws.max_row, max_col=ws.max_column):
        row = []
        for cell in cells:
            value = cell.value
            if cell.data_type == "f":
                value = Formula(getattr(value, "text", value))
            row.append(value)
        rows.append(row)
    return trim(rows)


def write_worksheet_block(ws, rows: Block, row: int = 1, column: int = 1) -> None:
    for r, values in enumerate(rows, start=row):
        for c, value in enumerate(values, start=column):
            if isinstance(value, Formula):
                ws.cell(row=r, column=c).value = str(value)
            else:
                write_text(ws, r, c, None if value == "" else value)


def clear_worksheet(ws) -> None:
    """Empty every cell's value, keep formats (what Excel's ClearContents does)."""
    for cells in ws.iter_rows():
        for cell in cells:
            if cell.value is not None:
                cell.value = None


def copy_row_format(ws, template: int, rows: range, width: int) -> None:
    """Give rows the cell formats of the template row (what Range.Copy does in Excel, values aside)."""
    for row in rows:
        for col in range(1, width + 1):
            ws.cell(row=row, column=col)._style = copy.copy(ws.cell(row=template, column=col)._style)


def row_heights(ws) -> dict[int, float]:
    return {r: d.height for r, d in ws.row_dimensions.items() if d.height is not None}


def height_runs(heights: dict[int, float]) -> list[tuple[int, int, float]]:
    """{5: 30, 6: 30, 8: 14} -> [(5, 6, 30), (8, 8, 14)]: consecutive rows of one height, one call each."""
    runs: list[list] = []
    for row in sorted(heights):
        if runs and runs[-1][1] == row - 1 and runs[-1][2] == heights[row]:
            runs[-1][1] = row
        else:
            runs.append([row, row, heights[row]])
    return [tuple(r) for r in runs]


def changed_blocks(before: "FileBook", after: "FileBook") -> dict[str, Block]:
    """The sheets whose values differ between two files of the same master."""
    names = after.sheet_names()
    if names != before.sheet_names():
        raise MasterError("この処理はマスターのシートの構成を変えるため、Excel では実行できません。"
                          "マスターを閉じてから、コマンド（python -m macros …）で実行してください。")
    blocks = {}
    for name in names:
        old, new = before.read(name), after.read(name)
        if new != old or kinds(new) != kinds(old):
            blocks[name] = new
    return blocks


def changed_heights(before: dict[int, float], after: dict[int, float]) -> dict[int, float]:
    return {row: height for row, height in after.items() if before.get(row) != height}


def kinds(block: Block) -> list[list[bool]]:
    return [[isinstance(v, Formula) for v in row] for row in block]



# --- the command line path ---------------------------------------------------------------------
class FileBook:
    """The master as a file: read and written through the workbook package (Master, master_update)."""

    def __init__(self, path: str | Path, say: Callable[[str], None] = print):
        self.path = Path(path)
        self._say = say
        self._master: Master | None = None
        self._dirty = False
        self.alerts: list[tuple[str, str, bool]] = []

    def _open(self) -> Master:
        if self._master is None:
            self._master = Master.open(self.path)
        return self._master

    def sheet_names(self) -> list[str]:
        return list(self._open().wb.sheetnames)

    def read(self, sheet: str) -> Block:
        return worksheet_block(self._open().wb[sheet])

    def write(self, sheet: str, rows: Block, row: int = 1, column: int = 1) -> None:
        write_worksheet_block(self._open().wb[sheet], rows, row, column)
        self._dirty = True

    def replace(self, blocks: dict[str, Block], heights: dict[str, dict[int, float]] | None = None) -> None:
        """Whole sheets: old values cleared (formats kept), rows below the old ones take the format
        of the old last row (or row 2), then the values and the row heights given."""
        wb = self._open().wb
        for name, rows in blocks.items():
            ws = wb[name]
            template = max(ws.max_row, 2)
            clear_worksheet(ws)
            width = max((len(r) for r in rows), default=0)
            copy_row_format(ws, template, range(template + 1, len(rows) + 1), width)
            write_worksheet_block(ws, rows)
            for row, height in (heights or {}).get(name, {}).items():
                ws.row_dimensions[row].height = height
        self._dirty = True

    def heights(self, sheet: str) -> dict[int, float]:
        """Row heights set in the file (for the Excel path, which cannot copy them otherwise)."""
        return row_heights(self._open().wb[sheet])

    def save(self) -> None:
        if self._master is not None and self._dirty:
            self._master.save()
        self._dirty = False

    def write_update(self, snap: MasterSnapshot, update: MasterUpdate) -> Written:
        """The command line's writer: patch the saved package (workbook.files.master_update.apply)."""
        self._master, self._dirty = None, False
        return apply(snap, update)

    def progress(self, text: str) -> None:
        self._say(text)

    def alert(self, text: str, title: str, critical: bool = False) -> None:
        self.alerts.append((title, text, critical))
        self._say(f"{title}\n{text}")

    def done(self) -> None:
        pass

    def unfinished(self) -> str | None:
        return None      # the command line writes the file itself, with a backup (master_update.apply)

    def may_be_half_written(self) -> bool:
        return False
