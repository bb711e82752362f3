"""What Excel itself does, for the fake of xlwings (tests/macros/fake_xlwings.py): how it stores a
string assigned to Range.Value, its doubles, a sheet's protection objects, and Rows.AutoFit.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

from openpyxl.utils import column_index_from_string, get_column_letter


_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?([eE][+-]?\d+)?%?$")
_DATE = re.compile(r"^(\d{1,4})[-/](\d{1,2})(?:[-/](\d{1,4}))?$")


def excel_parse(text: str) -> tuple[object, str | None]:
    """What Excel stores when a string is assigned to Range.Value: (value, formula)."""
    if text == "":
        return None, None
    if text.startswith("'"):
        return text[1:], None
    if text.startswith("="):
        return None, text
    norm = unicodedata.normalize("NFKC", text).strip()   # Japanese Excel takes full-width digits
    if _NUMBER.match(norm):
        number = float(norm.rstrip("%").replace(",", ""))
        return (number / 100 if norm.endswith("%") else number), None
    date = _DATE.match(norm)
    if date:
        a, b, c = (int(x) if x else None for x in date.groups())
        try:
            if c is None:                       # "1-1" -> 1 January of this year
                return dt.datetime(dt.date.today().year, a, b), None
            year = a if a > 31 else (2000 + a if a < 30 else 1900 + a)   # "1-1-1" -> 2001-01-01
            return dt.datetime(year, b, c), None
        except ValueError:
            pass
    if norm.upper() in ("TRUE", "FALSE"):
        return norm.upper() == "TRUE", None
    return text, None


def _excel_number(value: object) -> object:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value


class Protection:
    """The Allow* settings Excel keeps for a protected sheet (defaults as after Protect())."""

    def __init__(self):
        self.AllowFormattingCells = self.AllowFormattingColumns = self.AllowFormattingRows = False
        self.AllowInsertingColumns = self.AllowInsertingRows = self.AllowInsertingHyperlinks = False
        self.AllowDeletingColumns = self.AllowDeletingRows = self.AllowSorting = False
        self.AllowFiltering = self.AllowUsingPivotTables = False


class SheetApi:
    def __init__(self):
        self.ProtectContents = False
        self.ProtectDrawingObjects = False
        self.ProtectScenarios = False
        self.Protection = Protection()
        self.protect_calls: list[dict] = []

    def Protect(self, **options):
        self.protect_calls.append(options)
        self.ProtectContents = options.get("Contents", True)
        self.ProtectDrawingObjects = options.get("DrawingObjects", True)
        self.ProtectScenarios = options.get("Scenarios", True)
        for key, value in options.items():
            if key.startswith("Allow"):
                setattr(self.Protection, key, value)

    def Unprotect(self, password=None):
        self.ProtectContents = False


class RangeRows:
    """main.py RangeRows: the rows of a range; autofit() is Rows.AutoFit() (see the module notes)."""

    def __init__(self, rng):
        self.rng = rng

    def __len__(self) -> int:
        return self.rng.shape[0]

    def autofit(self) -> None:
        from workbook.sheets.row_heights import row_height

        sheet = self.rng.sheet
        sheet.book.app.log("autofit", sheet, self.rng.address)
        first, last = self.rng.row, self.rng.last_cell.row
        wrapped: dict[int, dict[int, object]] = {r: {} for r in range(first, last + 1)}
        for (r, c), cell in sheet.cells.items():
            if first <= r <= last and cell.wrap and isinstance(cell.value, str):
                wrapped[r][c] = cell.value
        for r, values in wrapped.items():
            sheet.heights[r] = row_height(values, sheet.widths)


def _parse(ref) -> tuple[int, int, int, int]:
    if hasattr(ref, "last_cell"):                     # a Range
        return ref.row, ref.column, ref.last_cell.row, ref.last_cell.column
    if isinstance(ref, tuple):
        return ref[0], ref[1], ref[0], ref[1]
    parts = str(ref).replace("$", "").upper().split(":")
    coords = []
    for part in parts:
        m = re.fullmatch(r"([A-Z]+)(\d+)", part)
        if not m:
            raise ValueError(ref)
        coords.append((int(m.group(2)), column_index_from_string(m.group(1))))
    (r1, c1), (r2, c2) = coords[0], coords[-1]
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


def _address(r1, c1, r2, c2) -> str:
    first = f"${get_column_letter(c1)}${r1}"
    return first if (r1, c1) == (r2, c2) else f"{first}:${get_column_letter(c2)}${r2}"
