"""A small fake of the xlwings objects the add-on uses (App, Book, Sheet, and Range in fake_xlwings_range.py),
for tests without Excel.

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
from tests.macros.fake_xlwings_range import Cell, FakeComError, Range  # noqa: F401 (fx.Cell, fx.FakeComError, fx.Range)



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
