"""One worksheet part of a package, parsed, with its rows and cells indexed for editing.

The patch (workbook.ooxml.patch) edits <sheetData> through it. Values are written as inline
strings, numbers, booleans or dates (a serial number: the cell's style shows it as a date); a
string starting with "=" stays text (never a <f> formula). A
cell keeps its style (s=); a new cell takes the style it is given. An empty value removes the
cell's value (never an empty inline string); the style stays. It remembers what it was given
(touched, height_rows, deleted_from) for workbook.ooxml.changes.
"""
from __future__ import annotations

import datetime as dt
import math
import re

from lxml import etree
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import to_excel

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, remove_blank_text=False)
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_REF = re.compile(r"^([A-Z]+)(\d+)$")


def _q(tag: str) -> str:
    return f"{{{MAIN}}}{tag}"


_C = _q("c")
_ROW = _q("row")
_EXT = _q("extLst")
_F = _q("f")
_IS = _q("is")
_T = _q("t")
_V = _q("v")
_sub = etree.SubElement
_VALUE_TAGS = frozenset({_q("v"), _q("f"), _q("is")})
_COLUMNS: dict[str, int] = {}


def _column(letters: str) -> int:
    col = _COLUMNS.get(letters)
    if col is None:
        col = _COLUMNS[letters] = column_index_from_string(letters)
    return col


def _escape(m: re.Match) -> str:
    return f"_x{ord(m.group()):04X}_"


def xml_text(text: str) -> str:
    """Characters XML cannot hold become the OOXML escape _xHHHH_ (Excel and calamine decode it)."""
    return _ILLEGAL.sub(_escape, text)


def split_ref(ref: str) -> tuple[int, int]:
    """'F12' -> (12, 6)."""
    match = _REF.match(ref)
    if not match:
        raise ValueError(ref)
    return int(match.group(2)), column_index_from_string(match.group(1))


class SheetXml:
    """One worksheet part, parsed, with its rows and cells indexed for editing."""

    def __init__(self, data: bytes, record: bool = False):
        self.root = etree.fromstring(data, _PARSER)
        self.record = record                            # keep the sheet as read while editing (changes())
        self.shared_at_start = b'"shared"' in data     # shared formulas: changes() reads the original again
        # the sheet as it was read, kept while it is edited, so that changes() needs no second parse:
        self.before_cells: dict[tuple[int, int], etree._Element | None] = {}   # a cell before its first set()
        self.before_heights: dict[int, str | None] = {}                           # a row's ht before set_height
        self.deleted_rows: dict[int, etree._Element] = {}                         # rows as they were, deleted
        self.sheet_data = self.root.find(_q("sheetData"))
        self.changed = False
        self.removed_formulas: set[str] = set()   # cells whose formula a value replaced (for calcChain)
        self.touched: dict[tuple[int, int], object] = {}  # cells set -> the value they hold (for changes())
        self.height_rows: set[int] = set()          # rows given a height
        self.deleted_from: int | None = None        # rows from here on were deleted
        self._widths: dict[int, tuple[float, bool]] | None = None
        self._rows: dict[int, etree._Element] = {}
        self._cells: dict[int, dict[int, etree._Element]] = {}
        previous = 0
        rows = self._rows
        for row in self.sheet_data.iterfind(_ROW):
            ref = row.get("r")
            if ref:
                number = int(ref)
            else:
                number = previous + 1
                row.set("r", str(number))
            rows[number] = row
            previous = number
        self._last = max(rows, default=0)          # the last row number (new rows after it are appended)
        self.initial_rows = frozenset(rows)
        self.initial_used = self.used_range() if record else None   # what changes() reports as UsedRange

    def used_range(self) -> tuple[int, int]:
        """(the last row holding cells, the last column of any cell): what Excel's UsedRange covers.
        Cells are in column order in a row (ECMA-376 18.3.1.4), so a row's last cell is its widest."""
        last_row = last_column = 0
        for r, row in self._rows.items():
            last = next(row.iterchildren(_C, reversed=True), None)
            if last is None:
                continue
            ref = last.get("r")
            digits = len(str(r))
            column = (_COLUMNS.get(ref[:-digits]) or _column(ref[:-digits])) if ref else max(self._row_cells(r))
            last_row, last_column = max(last_row, r), max(last_column, column)
        return last_row, last_column

    # --- finding and making rows and cells -------------------------------------------------
    def _row(self, r: int) -> etree._Element:
        row = self._rows.get(r)
        if row is None:
            row = etree.Element(_ROW, r=str(r))
            later = [n for n in self._rows if n > r] if r < self._last else None
            if later:
                self._rows[min(later)].addprevious(row)
            else:
                self.sheet_data.append(row)
                self._last = r
            self._rows[r] = row
        return row

    def _row_cells(self, r: int) -> dict[int, etree._Element]:
        cells = self._cells.get(r)
        if cells is None:
            row = self._row(r)
            found = [(cell.get("r"), cell) for cell in row.iterchildren(_C)]
            if all(ref for ref, _ in found):        # every cell has its r= (Excel and openpyxl write it)
                digits = len(str(r))
                columns = _COLUMNS
                cells = {columns.get(ref[:-digits]) or _column(ref[:-digits]): cell for ref, cell in found}
                self._cells[r] = cells
                return cells
            found = [cell for _, cell in found]
            cells = {}
            previous = 0
            digits = len(str(r))
            columns = _COLUMNS
            for cell in found:
                ref = cell.get("r")
                if ref:
                    letters = ref[:-digits]
                    col = columns.get(letters) or _column(letters)
                else:
                    col = previous + 1
                    cell.set("r", f"{get_column_letter(col)}{r}")
                cells[col] = cell
                previous = col
            self._cells[r] = cells
        return cells

    def _cell(self, r: int, c: int, style: str | None = None) -> etree._Element:
        cells = self._row_cells(r)
        cell = cells.get(c)
        if cell is None:
            self._row(r).attrib.pop("spans", None)   # a hint Excel writes; stale once cells are added
            cell = etree.Element(_q("c"), r=f"{get_column_letter(c)}{r}")
            if style is not None:
                cell.set("s", style)
            later = [n for n in cells if n > c]
            if later:
                cells[min(later)].addprevious(cell)
            else:
                self._row(r).append(cell)
            cells[c] = cell
        return cell

    def style(self, r: int, c: int) -> str | None:
        cell = self.cell_at(r, c)
        return None if cell is None else cell.get("s")

    # --- reading (for changes()) ---------------------------------------------------------------
    def cell_at(self, r: int, c: int) -> etree._Element | None:
        """The <c> at (r, c), or None; never makes a row or a cell."""
        if r not in self._rows:
            return None
        return self._row_cells(r).get(c)

    def row_numbers(self) -> list[int]:
        return sorted(self._rows)

    def columns_of(self, r: int) -> list[int]:
        return sorted(self._row_cells(r)) if r in self._rows else []

    def height(self, r: int) -> float | None:
        row = self._rows.get(r)
        ht = None if row is None else row.get("ht")
        return float(ht) if ht else None

    def default_height(self) -> float:
        fmt = self.root.find(_q("sheetFormatPr"))
        ht = None if fmt is None else fmt.get("defaultRowHeight")
        return float(ht) if ht else 15.0

    def shared_formulas(self) -> dict[str, tuple[str, str]]:
        """si -> (the anchor cell, its formula) of the sheet's shared formulas (Excel writes them)."""
        out = {}
        for f in self.sheet_data.iter(_F):
            if f.get("t") == "shared" and f.text and f.get("si") is not None:
                out[f.get("si")] = (f.getparent().get("r"), f.text)
        return out

    # --- editing -----------------------------------------------------------------------------
    def set(self, r: int, c: int, value: object, style: str | None = None) -> None:
        cells = self._cells.get(r) or self._row_cells(r)
        cell = cells.get(c)
        if self.record and (r, c) not in self.before_cells:
            if r in self.deleted_rows:
                self.before_cells[(r, c)] = _cells_of(self.deleted_rows[r], r).get(c)
            else:
                self.before_cells[(r, c)] = None if cell is None or r not in self.initial_rows else cell.__copy__()
        if cell is None:
            cell = self._cell(r, c, style)
        elif len(cell):
            if cell.find(_F) is not None:
                self.removed_formulas.add(cell.get("r"))
            if cell.find(_EXT) is None:
                del cell[:]                          # <f>, <v>, <is>: a cell has no other children
            else:
                for child in list(cell):
                    if child.tag in _VALUE_TAGS:
                        cell.remove(child)
        attrib = cell.attrib
        self.changed = True
        kind = value.__class__
        if kind is str:                              # most values: text
            content = _ILLEGAL.sub(_escape, value) if _ILLEGAL.search(value) else value
            if not content:                          # an empty inline string is never written
                attrib.pop("t", None)
                self.touched[(r, c)] = None
                return
            self.touched[(r, c)] = value
            attrib["t"] = "inlineStr"
            text = _sub(_sub(cell, _IS), _T)
            text.text = content
            if "\n" in content or content[0].isspace() or content[-1].isspace():
                text.set(XML_SPACE, "preserve")
            return
        attrib.pop("t", None)
        touched = self.touched
        touched[(r, c)] = None
        if value is None:
            return
        if kind is bool:
            attrib["t"] = "b"
            _sub(cell, _V).text = "1" if value else "0"
            touched[(r, c)] = value
        elif isinstance(value, (int, float)) and not (isinstance(value, float) and not math.isfinite(value)):
            _sub(cell, _V).text = str(value) if isinstance(value, int) else repr(value)
            touched[(r, c)] = value
        elif isinstance(value, dt.date):             # a date or a moment: its serial number (1900 dates)
            _sub(cell, _V).text = repr(float(to_excel(value)))
            touched[(r, c)] = value
        else:
            text_value = str(value)
            if text_value == "" and value == "":
                return
            content = xml_text(text_value)
            if not content:
                return            # an empty inline string (<c t="inlineStr"/>) is never written
            touched[(r, c)] = text_value
            attrib["t"] = "inlineStr"
            text = _sub(_sub(cell, _IS), _T)
            text.text = content
            if content != content.strip() or "\n" in content:
                text.set(XML_SPACE, "preserve")

    def saved(self) -> None:
        """The edits are now the sheet as saved: the next changes() compare with this state."""
        self.touched.clear()
        self.height_rows.clear()
        self.deleted_from = None
        self.before_cells.clear()
        self.before_heights.clear()
        self.deleted_rows.clear()
        self.initial_rows = frozenset(self._rows)
        self.initial_used = self.used_range() if self.record else None
        self.changed = False
        self.removed_formulas.clear()

    def set_height(self, r: int, height: float) -> None:
        if self.record and r not in self.before_heights and r not in self.deleted_rows:
            self.before_heights[r] = self._rows[r].get("ht") if r in self._rows and r in self.initial_rows else None
        row = self._row(r)
        self.height_rows.add(r)
        text = str(int(height)) if float(height).is_integer() else f"{height:g}"
        if row.get("ht") != text or row.get("customHeight") != "1":
            row.set("ht", text)
            row.set("customHeight", "1")
            self.changed = True

    def delete_rows_from(self, r: int) -> None:
        self.deleted_from = r if self.deleted_from is None else min(self.deleted_from, r)
        for number in [n for n in self._rows if n >= r]:
            row = self._rows.pop(number)
            if self.record and number in self.initial_rows and number not in self.deleted_rows:
                self.deleted_rows[number] = row          # detached as it is now: edits before were recorded
            self.sheet_data.remove(row)
            self._cells.pop(number, None)
        self._last = max(self._rows, default=0)
        for key in [k for k in self.touched if k[0] >= r]:
            del self.touched[key]
        self.changed = True

    def set_ref(self, tag: str, ref: str) -> None:
        """The ref of <dimension> or <autoFilter> (left alone when the sheet has none)."""
        element = self.root.find(_q(tag))
        if element is not None and element.get("ref") != ref:
            element.set("ref", ref)
            self.changed = True

    def widths(self) -> dict[int, tuple[float, bool]]:
        """Column number -> (width, hidden) from <cols>."""
        if self._widths is not None:
            return self._widths
        out: dict[int, tuple[float, bool]] = {}
        self._widths = out
        for col in self.root.iterfind(f"{_q('cols')}/{_q('col')}"):
            width = float(col.get("width") or 8.43)
            hidden = col.get("hidden") in ("1", "true")
            for n in range(int(col.get("min")), int(col.get("max")) + 1):
                out[n] = (width, hidden)
        return out

    def tobytes(self) -> bytes:
        return etree.tostring(self.root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _cells_of(row: etree._Element, r: int) -> dict[int, etree._Element]:
    """Column -> <c> of a row element (every cell carries its r=; one without is numbered on)."""
    out: dict[int, etree._Element] = {}
    previous = 0
    digits = len(str(r))
    for cell in row.iterchildren(_C):
        ref = cell.get("r")
        col = (_COLUMNS.get(ref[:-digits]) or _column(ref[:-digits])) if ref else previous + 1
        out[col] = cell
        previous = col
    return out
