"""The fake's cells and ranges (tests/macros/fake_xlwings.py describes the xlwings behaviour it follows):
Cell, one cell as the fake keeps it, and Range, reading and writing blocks of them."""
from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tests.macros.fake_excel import RangeRows, _address, _excel_number, _parse, excel_parse  # noqa: F401

if TYPE_CHECKING:
    from tests.macros.fake_xlwings import Sheet


class FakeComError(Exception):
    """What pywin32 raises when Excel refuses an operation (com_error)."""


@dataclass
class Cell:
    value: object = None          # the constant, or None for a formula / empty cell
    formula: str | None = None
    locked: bool = True           # Excel's default cell protection
    style: object = None          # the cell's format (the file's style, kept opaque)
    wrap: bool = False            # the format's Wrap Text (read from the style when the file is opened)

    @property
    def filled(self) -> bool:
        return self.value is not None or self.formula is not None


class Range:
    def __init__(self, sheet: Sheet, r1: int, c1: int, r2: int, c2: int, **options):
        self.sheet, self.row, self.column = sheet, r1, c1
        self._r2, self._c2 = r2, c2
        self._options = options

    # geometry
    @property
    def address(self) -> str:
        return _address(self.row, self.column, self._r2, self._c2)

    @property
    def shape(self) -> tuple[int, int]:
        return self._r2 - self.row + 1, self._c2 - self.column + 1

    @property
    def last_cell(self) -> "Range":
        return Range(self.sheet, self._r2, self._c2, self._r2, self._c2)

    def resize(self, row_size=None, column_size=None) -> "Range":
        rows, cols = self.shape
        rows, cols = row_size or rows, column_size or cols
        return Range(self.sheet, self.row, self.column, self.row + rows - 1, self.column + cols - 1)

    def options(self, convert=None, **options) -> "Range":
        if convert is not None:
            raise NotImplementedError("the fake has the default converter only")
        return Range(self.sheet, self.row, self.column, self._r2, self._c2, **options)

    def expand(self, mode: str = "table") -> "Range":
        """xlwings.expansion: down/right over the contiguous filled cells after the top-left one."""
        def filled(r, c):
            cell = self.sheet.cells.get((r, c))
            return cell is not None and cell.filled

        r2, c2 = self._r2, self._c2
        if mode in ("table", "down", "d", "vertical"):
            r2 = self.row
            while filled(r2 + 1, self.column):
                r2 += 1
        if mode in ("table", "right", "r", "horizontal"):
            c2 = self.column
            while filled(self.row, c2 + 1):
                c2 += 1
        return Range(self.sheet, self.row, self.column, r2, c2)

    # values
    def _grid(self, attr: str) -> list[list[object]]:
        out = []
        for r in range(self.row, self._r2 + 1):
            row = []
            for c in range(self.column, self._c2 + 1):
                cell = self.sheet.cells.get((r, c))
                row.append(getattr(cell, attr) if cell else None)
            out.append(row)
        return out

    @property
    def value(self):
        rows = self._grid("value")
        empty = self._options.get("empty")
        rows = [[empty if v in (None, "") else v for v in r] for r in rows]
        ndim = self._options.get("ndim")
        if ndim == 2:
            return rows
        if len(rows) == 1:
            return rows[0][0] if len(rows[0]) == 1 else rows[0]
        if len(rows[0]) == 1:
            return [r[0] for r in rows]
        return rows

    @value.setter
    def value(self, data):
        scalar = not isinstance(data, (list, tuple))
        if scalar:
            rows = [[data] * self.shape[1] for _ in range(self.shape[0])]
        else:
            rows = [list(r) for r in data] if data and isinstance(data[0], (list, tuple)) else [list(data)]
            if not rows or not rows[0]:
                return
            if any(len(r) != len(rows[0]) for r in rows):
                raise FakeComError("rows of different lengths")
        target = self if scalar else self.resize(len(rows), len(rows[0]))
        self.sheet.book.app.log("value", self.sheet, target.address)
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                self.sheet._set(self.row + i, self.column + j, "" if v is None else v)

    @property
    def formula(self):
        def text(cell_formula, value):
            if cell_formula is not None:
                return cell_formula
            if value is None:
                return ""
            if isinstance(value, float) and value.is_integer():
                return str(int(value))
            return str(value)

        rows = [[text(f, v) for f, v in zip(fr, vr)] for fr, vr in zip(self._grid("formula"), self._grid("value"))]
        if len(rows) == 1 and len(rows[0]) == 1:
            return rows[0][0]
        return tuple(tuple(r) for r in rows)

    def clear_contents(self) -> None:
        self.sheet.book.app.log("clear_contents", self.sheet, self.address)
        for r in range(self.row, self._r2 + 1):
            for c in range(self.column, self._c2 + 1):
                cell = self.sheet.cells.get((r, c))
                if cell is not None and cell.filled:
                    self.sheet._check_writable(r, c)
                    self.sheet.cells[(r, c)] = Cell(None, None, cell.locked, cell.style, cell.wrap)

    def copy(self, destination: "Range | None" = None) -> None:
        """Range.Copy(Destination): values, formulas and formats, tiled over a larger destination."""
        if destination is None:
            raise NotImplementedError("the fake has no clipboard")
        self.sheet.book.app.log("copy", destination.sheet, destination.address)
        rows, cols = self.shape
        d_rows, d_cols = destination.shape
        d_rows, d_cols = max(rows, d_rows // rows * rows), max(cols, d_cols // cols * cols)
        for i in range(d_rows):
            for j in range(d_cols):
                source = self.sheet.cells.get((self.row + i % rows, self.column + j % cols), Cell())
                r, c = destination.row + i, destination.column + j
                destination.sheet._check_writable(r, c)
                destination.sheet.cells[(r, c)] = copy.copy(source)

    @property
    def rows(self) -> "RangeRows":
        return RangeRows(self)

    @property
    def row_height(self):
        heights = {self.sheet.heights.get(r) for r in range(self.row, self._r2 + 1)}
        return heights.pop() if len(heights) == 1 else None

    @row_height.setter
    def row_height(self, value: float) -> None:
        if not 0 <= value <= 409.5:
            raise FakeComError("row_height must be in the range 0 <= row_height <= 409.5")
        self.sheet.book.app.log("row_height", self.sheet, self.address)
        for r in range(self.row, self._r2 + 1):
            self.sheet.heights[r] = value
