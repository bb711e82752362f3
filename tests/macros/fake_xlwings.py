"""A small fake of the xlwings objects the add-on uses (App, Book, Sheet, Range), for tests without Excel.

It follows xlwings 0.37.8 (the installed source) where the add-on depends on it:
* Reading (xlwings/conversion/standard.py, ValueAccessor.reader -> Ensure2DStage ->
  CleanDataFromReadStage -> AdjustDimensionsStage): one cell reads as a scalar, one row or one
  column as a flat list, anything else as a list of rows; options(ndim=2) always gives rows.
  Empty cells read as None (_xlwindows._clean_value_data_element: "" and None -> empty_as=None).
  Excel keeps numbers as doubles, so numbers read back as float.
* Writing (WriteValueToRangeStage): a list of rows is written from the range's top-left cell,
  resized to the data; a scalar fills the whole range; None is written as "" (Engine.
  prepare_xl_data_element), which leaves the cell empty. xlwings assigns the data to
  Range.Value, and Excel parses an assigned string as if typed: "=..." becomes a formula,
  a leading apostrophe keeps the rest as text (not part of the value), and strings that look
  like numbers or dates become numbers/dates (xlwings issues #36, #436, #1635). The fake
  models the formula, the apostrophe, plain numbers, percentages and d-d / d/d dates.
* The fake does not calculate: a formula cell reads as None; Range.formula gives the
  formula text (COM: one cell -> str, several -> tuple of row tuples; constants as text).
* App.properties() is a copy of xlwings' context manager (main.py, App.properties);
  App.alert(prompt, title, buttons, mode) records the message box (main.py, App.alert).
* Formats are kept opaque per cell (the file's style): ClearContents and value writes keep them;
  Range.copy(destination) copies values, formulas and formats, tiling a larger destination
  (Range.Copy Destination:=, xlwings _xlwindows.Range.copy); Range.row_height sets RowHeight
  (0-409.5, main.py Range.row_height). used_range covers cells with a value, formula or format.
* Range.rows.autofit() (main.py RangeRows.autofit -> _xlwindows Range.autofit(axis="r") ->
  Rows.AutoFit()): Excel measures each row's wrapped text with its font. The fake cannot
  measure, so it estimates as the add-on does (workbook.sheets.row_heights.row_height: lines of the
  text of the row's wrap-text cells over the column widths the file gives).
* Sheet protection: writing to a locked cell of a protected sheet raises, as Excel does.
  sheet.api offers ProtectContents, Protection.Allow*, Protect(**options) and Unprotect().
* Book.save() is "Excel saves": the fake's values, formats and row heights go into the file at
  fullname (the file's other parts, VBA and buttons are kept). FakeBook.open(path) loads a file as Excel would show it.
Every write is logged in app.calls with the app's screen_updating and calculation at that moment;
app.range_writes() counts them (each is a COM round trip in real Excel).
"""
from __future__ import annotations

import copy
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.macros.fake_excel import (Protection, RangeRows, SheetApi, _address, _excel_number,  # noqa: F401
                                     _parse, excel_parse)


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


# --- App ----------------------------------------------------------------------------------
class App:
    def __init__(self):
        self.screen_updating = True
        self.path = r"C:\Program Files\Microsoft Office\root\Office16"   # App.path (Application.Path)
        self.calculation = "automatic"
        self.display_alerts = True
        self.enable_events = True
        self.status_bar: str | bool = False
        self.alerts: list[dict] = []
        self.calls: list[tuple] = []
        self.status_history: list[object] = []

    def __setattr__(self, name, value):
        if name == "calculation" and value not in ("automatic", "manual", "semiautomatic"):
            raise KeyError(value)   # xlwings maps the name through calculation_s2i
        if name == "status_bar" and hasattr(self, "status_history"):
            self.status_history.append(value)
        super().__setattr__(name, value)

    @contextmanager
    def properties(self, **kwargs):
        """Same as xlwings.main.App.properties."""
        initial_state = {}
        for attribute, value in kwargs.items():
            initial_state[attribute] = getattr(self, attribute, value)
            setattr(self, attribute, value)
        try:
            yield self
        finally:
            for attribute, value in initial_state.items():
                setattr(self, attribute, value)

    def alert(self, prompt, title=None, buttons="ok", mode=None, callback=None):
        if buttons not in ("ok", "ok_cancel", "yes_no", "yes_no_cancel") or mode not in (None, "info", "critical"):
            raise KeyError((buttons, mode))
        self.alerts.append({"prompt": prompt, "title": title, "buttons": buttons, "mode": mode})
        return "ok"

    def log(self, kind: str, sheet: "Sheet", address: str) -> None:
        self.calls.append((kind, sheet.name, address, self.screen_updating, self.calculation))

    def range_writes(self, sheet: str | None = None) -> int:
        """The range writes logged (value, copy, clear_contents, row_height, autofit), on one sheet or all."""
        return sum(1 for c in self.calls if c[0] in WRITES and (sheet is None or c[1] == sheet))


WRITES = ("value", "copy", "clear_contents", "row_height", "autofit")


# --- Book -------------------------------------------------------------------------------------
class Sheets:
    def __init__(self, sheets: list["Sheet"]):
        self._sheets = sheets

    def __getitem__(self, key):
        if isinstance(key, int):
            return self._sheets[key]
        for sheet in self._sheets:
            if sheet.name == key:
                return sheet
        raise KeyError(key)

    def __iter__(self):
        return iter(self._sheets)

    def __len__(self):
        return len(self._sheets)


class Book:
    _mock_caller: "Book | None" = None

    def __init__(self, fullname: str | Path, sheet_names: list[str], app: App | None = None):
        self.app = app or App()
        self.url: str | None = None      # what Workbook.FullName gives for a OneDrive/SharePoint file
        self._fullname = str(fullname)
        self.name = Path(fullname).name
        self.sheets = Sheets([Sheet(self, n) for n in sheet_names])
        self.saves = 0

    @property
    def api(self):
        """Workbook (COM): FullName is the URL for a OneDrive/SharePoint file (a test may set its own)."""
        return self.__dict__.get("_api") or _WorkbookApi(self.url or self._fullname)

    @api.setter
    def api(self, value) -> None:
        self._api = value

    @property
    def fullname(self) -> str:
        """As _xlwindows.Book.fullname: a URL goes through xlwings.utils.fullname_url_to_local_path
        with the ONEDRIVE_*_WIN / SHAREPOINT_WIN values of the xlwings.conf sheet."""
        if self.url is None:
            return self._fullname
        from xlwings.utils import fullname_url_to_local_path

        config = {}
        if "xlwings.conf" in [s.name for s in self.sheets]:
            rows = self.sheets["xlwings.conf"].range("A1:B1").options(ndim=2).expand("down").value
            config = {str(k).upper(): v for k, v in rows if k}
        return fullname_url_to_local_path(url=self.url,
                                          sheet_onedrive_consumer_config=config.get("ONEDRIVE_CONSUMER_WIN"),
                                          sheet_onedrive_commercial_config=config.get("ONEDRIVE_COMMERCIAL_WIN"),
                                          sheet_sharepoint_config=config.get("SHAREPOINT_WIN"))

    @classmethod
    def caller(cls) -> "Book":
        if Book._mock_caller is None:
            raise Exception("Book.caller() must not be called directly. Call through Excel "
                            "or set a mock caller first with Book.set_mock_caller().")
        return Book._mock_caller

    def set_mock_caller(self) -> None:
        Book._mock_caller = self

    @classmethod
    def open(cls, path: str | Path, app: App | None = None) -> "Book":
        """The workbook as Excel would show it after opening the file."""
        import openpyxl

        from workbook.files.master import settle_vba_archive

        wb = openpyxl.load_workbook(path, keep_vba=str(path).lower().endswith(".xlsm"))
        settle_vba_archive(wb)
        book = cls(path, wb.sheetnames, app)
        for ws, sheet in zip(wb.worksheets, book.sheets):
            sheet.api.ProtectContents = bool(ws.protection.sheet)
            sheet.heights = {r: d.height for r, d in ws.row_dimensions.items() if d.height is not None}
            for dim in ws.column_dimensions.values():
                if dim.min is not None and dim.max is not None:
                    for n in range(dim.min, dim.max + 1):
                        sheet.widths[n] = (dim.width or 8.43, bool(dim.hidden))
            for row in ws.iter_rows():
                for c in row:
                    if c.value is None and not c.has_style:
                        continue
                    locked = c.protection.locked is not False
                    style = copy.copy(c._style) if c.has_style else None
                    wrap = bool(c.has_style and c.alignment.wrap_text)
                    if c.data_type == "f":
                        cell = Cell(None, str(getattr(c.value, "text", c.value)), locked, style, wrap)
                    else:
                        cell = Cell(_excel_number(c.value), None, locked, style, wrap)
                    sheet.cells[(c.row, c.column)] = cell
        return book

    def save(self, path=None) -> None:
        """Excel saves: the fake's cells go into the file (formats, VBA and buttons kept)."""
        import openpyxl

        from workbook.files.master import save_workbook, settle_vba_archive
        from workbook.sheets.styles import write_text

        target = Path(path or self.fullname)
        wb = openpyxl.load_workbook(target, keep_vba=target.suffix.lower() == ".xlsm")
        settle_vba_archive(wb)
        for sheet in self.sheets:
            ws = wb[sheet.name]
            for row in ws.iter_rows():
                for c in row:
                    if c.value is not None:
                        c.value = None
            for (r, col), cell in sheet.cells.items():
                if cell.style is not None:
                    ws.cell(row=r, column=col)._style = copy.copy(cell.style)
                if cell.formula is not None:
                    ws.cell(row=r, column=col).value = cell.formula
                elif cell.value is not None:
                    write_text(ws, r, col, cell.value)
            for r, height in sheet.heights.items():
                ws.row_dimensions[r].height = height
            ws.protection.sheet = sheet.api.ProtectContents
        save_workbook(wb, target, None)
        self.saves += 1


@dataclass
class _WorkbookApi:
    FullName: str
    ReadOnly: bool = False


class Sheet:
    def __init__(self, book: Book, name: str):
        self.book = book
        self.name = name
        self.cells: dict[tuple[int, int], Cell] = {}
        self.heights: dict[int, float] = {}
        self.widths: dict[int, tuple[float, bool]] = {}     # column -> (width, hidden), from the file
        self.api = SheetApi()

    def range(self, cell1, cell2=None) -> "Range":
        r1, c1, r2, c2 = _parse(cell1)
        if cell2 is not None:
            r3, c3, r4, c4 = _parse(cell2)
            r1, c1, r2, c2 = min(r1, r3), min(c1, c3), max(r2, r4), max(c2, c4)
        return Range(self, r1, c1, r2, c2)

    def __getitem__(self, address) -> "Range":
        return self.range(address)

    @property
    def used_range(self) -> "Range":
        """Like Excel's UsedRange: every cell with a value, a formula or a format."""
        filled = [k for k, c in self.cells.items() if c.filled or c.style is not None]
        if not filled:
            return Range(self, 1, 1, 1, 1)       # Excel's UsedRange of an empty sheet is $A$1
        rows, cols = [r for r, _ in filled], [c for _, c in filled]
        return Range(self, min(rows), min(cols), max(rows), max(cols))

    def _check_writable(self, r: int, c: int) -> None:
        cell = self.cells.get((r, c))
        if self.api.ProtectContents and (cell is None or cell.locked):
            raise FakeComError(f"シート「{self.name}」は保護されています（{_address(r, c, r, c)}）")

    def _set(self, r: int, c: int, value: object) -> None:
        self._check_writable(r, c)
        old = self.cells.get((r, c))
        locked, style, wrap = (old.locked, old.style, old.wrap) if old else (True, None, False)
        if isinstance(value, str):
            constant, formula = excel_parse(value)
        else:
            constant, formula = _excel_number(value), None
        if constant is None and formula is None:
            if old is not None:
                self.cells[(r, c)] = Cell(None, None, locked, style, wrap)
            return
        self.cells[(r, c)] = Cell(constant, formula, locked, style, wrap)


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
