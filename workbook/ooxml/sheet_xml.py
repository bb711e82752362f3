"""One worksheet part of a package, held as text, with its rows indexed for editing.

The patch (workbook.ooxml.patch) edits <sheetData> through it. The part is kept as three pieces of
text: what comes before the rows, the text of each row by number, and what comes after. A row whose
cells are edited is edited in its text where every cell written is already there; otherwise it is
split into its cells (workbook.ooxml.cell_xml). Every row not edited is written back as it was read,
byte for byte. A part that is not in the form cell_xml reads is first written out once by lxml
(workbook.ooxml.sheet_text).

Values are written as inline strings, numbers, booleans or dates (a serial number: the cell's
style shows it as a date); a string starting with "=" stays text (never a <f> formula). A cell
keeps its style (s=) and its other attributes; a new cell takes the style it is given. An empty
value removes the cell's value (never an empty inline string); the style stays. It remembers what
it was given (touched, height_rows, deleted_from) and, when recording, what each cell and row held
before (before_cells, before_heights, deleted_rows) for workbook.ooxml.changes.
"""
from __future__ import annotations

import datetime as dt
import math
import re

from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import to_excel

from workbook.errors import MasterError
from workbook.ooxml.sheet_text import plain_text
from workbook.ooxml.cell_xml import (Row, attr, cell_start, escape, has_formula, last_column, letter, row_number,
                                     row_start, set_attr, shared_formulas, split_rows, without_spans)

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_REF = re.compile(r"^([A-Z]+)(\d+)$")
_SHEET_DATA = re.compile(r"<sheetData\b[^>]*?(/?)>")
_COL = re.compile(r"<col\b[^>]*>")


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


def _value_xml(value: object) -> tuple[str, str] | None:
    """(the t= attribute, the content) of None, a bool, a number or a date; None for a value written as text."""
    if value is None:
        return "", ""
    if value.__class__ is bool:
        return ' t="b"', "<v>1</v>" if value else "<v>0</v>"
    if isinstance(value, (int, float)) and not (isinstance(value, float) and not math.isfinite(value)):
        return "", f"<v>{value if isinstance(value, int) else repr(value)}</v>"
    if isinstance(value, dt.date):                   # a date or a moment: its serial number (1900 dates)
        return "", f"<v>{float(to_excel(value))!r}</v>"
    return None


class SheetXml:
    """One worksheet part, held as text, with its rows indexed for editing."""

    def __init__(self, data: bytes, record: bool = False):
        text = plain_text(data)
        match = _SHEET_DATA.search(text)
        if match is None:
            raise MasterError("ワークシートの部品にセルの表（sheetData）がありません。ファイルが壊れている可能性があります。"
                              "Excel で開いて保存し直してから、もう一度実行してください。")
        self.record = record                            # keep the sheet as read while editing (changes())
        self.shared_at_start = '"shared"' in text       # shared formulas: changes() reads the original again
        # the sheet as it was read, kept while it is edited, so that changes() needs no second parse:
        self.before_cells: dict[tuple[int, int], str | None] = {}   # a cell's text before its first set()
        self.before_heights: dict[int, str | None] = {}             # a row's ht before set_height
        self.deleted_rows: dict[int, Row | str] = {}                # rows as they were, deleted
        self.changed = False
        self.removed_formulas: set[str] = set()   # cells whose formula a value replaced (for calcChain)
        self.touched: dict[tuple[int, int], object] = {}  # cells set -> the value they hold (for changes())
        self.height_rows: set[int] = set()          # rows given a height
        self.deleted_from: int | None = None        # rows from here on were deleted
        self._widths: dict[int, tuple[float, bool]] | None = None
        if match.group(1):                          # <sheetData/>
            self.head, body, self.tail = text[:match.start()] + "<sheetData>", "", "</sheetData>" + text[match.end():]
        else:
            end = text.index("</sheetData>", match.end())
            self.head, body, self.tail = text[:match.end()], text[match.end():end], text[end:]
        rows: dict[int, Row | str] = {}
        previous = 0
        for row in split_rows(body):
            number = row_number(row)
            if number is None:                      # a row without r=: the one after the previous
                number = previous + 1
                row = f'<row r="{number}"{row[4:]}'
            rows[number] = row
            previous = number
        self._rows = rows
        self.initial_rows = frozenset(rows)
        self.initial_used = self.used_range() if record else None   # what changes() reports as UsedRange

    def used_range(self) -> tuple[int, int]:
        """(the last row holding cells, the last column of any cell): what Excel's UsedRange covers.
        Cells are in column order in a row (ECMA-376 18.3.1.4), so a row's last cell is its widest."""
        last_row = last_col = 0
        for r, row in self._rows.items():
            if isinstance(row, Row):
                col = max(row.cells, default=None)
            else:
                col = last_column(row)
                if col is None and "<c" in row:     # cells without r=
                    col = max(Row.parse(row, r).cells, default=None)
            if col is not None:
                last_row, last_col = max(last_row, r), max(last_col, col)
        return last_row, last_col

    # --- rows and cells ------------------------------------------------------------------------
    def _row(self, r: int) -> Row:
        """Row r split into its cells (made when the sheet has none)."""
        row = self._rows.get(r)
        if row.__class__ is Row:
            return row
        row = self._rows[r] = Row(f'<row r="{r}"') if row is None else Row.parse(row, r)
        return row

    def style(self, r: int, c: int) -> str | None:
        cell = self.cell_at(r, c)
        return None if cell is None else attr(cell[:cell.find(">")], "s")

    def cell_at(self, r: int, c: int) -> str | None:
        """The text of the cell at (r, c), or None; never makes a row or a cell."""
        return self._row(r).cells.get(c) if r in self._rows else None

    def deleted_cells(self, r: int) -> dict[int, str]:
        """Column -> cell text of a deleted row, as it was when deleted."""
        row = self.deleted_rows[r]
        if row.__class__ is not Row:
            row = self.deleted_rows[r] = Row.parse(row, r)
        return row.cells

    def deleted_height(self, r: int) -> str | None:
        return attr(_start(self.deleted_rows[r]), "ht")

    def row_numbers(self) -> list[int]:
        return sorted(self._rows)

    def columns_of(self, r: int) -> list[int]:
        return sorted(self._row(r).cells) if r in self._rows else []

    def _ht(self, r: int) -> str | None:
        row = self._rows.get(r)
        return None if row is None else attr(_start(row), "ht")

    def height(self, r: int) -> float | None:
        ht = self._ht(r)
        return float(ht) if ht else None

    def default_height(self) -> float:
        start = self.head.find("<sheetFormatPr")
        ht = attr(self.head[start:self.head.find(">", start)], "defaultRowHeight") if start >= 0 else None
        return float(ht) if ht else 15.0

    def shared_formulas(self) -> dict[str, tuple[str, str]]:
        """si -> (the anchor cell, its formula) of the sheet's shared formulas (Excel writes them)."""
        cells = []
        for r in sorted(self._rows):
            row = self._rows[r]
            if row.__class__ is Row or '"shared"' in row:
                cells.extend(self._row(r).cells.values())
        return shared_formulas(cells)

    # --- editing -------------------------------------------------------------------------------
    def set(self, r: int, c: int, value: object, style: str | None = None) -> None:
        self.set_row(r, {c: value}, style)

    def set_row(self, r: int, values: dict[int, object], style: str | None = None,
                styles: dict[int, str | None] | None = None) -> None:
        """Several cells of row r (column -> value) at once; a new cell takes style, or its column's in styles.

        A row not split yet whose cells are all there is edited in its text (_splice); any other is
        split into its cells first."""
        row = self._rows.get(r)
        if row.__class__ is str:
            spliced = self._splice(r, row, values)
            if spliced is not None:
                self._rows[r] = spliced
                self.changed = True
                return
        if row.__class__ is not Row:
            row = self._row(r)
        cells = row.cells
        self.changed = True
        for c, value in values.items():
            cell = cells.get(c)
            if cell is None:
                given = style if styles is None else styles.get(c)
                start, kept = f'<c r="{letter(c)}{r}"' + ("" if given is None else f' s="{given}"'), ""
                row.start = without_spans(row.start)
            else:
                start, kept = cell_start(cell)
            cells[c] = self._written(r, c, cell, start, kept, value)

    def _splice(self, r: int, text: str, values: dict[int, object]) -> str | None:
        """Row r's text with these cells written in place and everything else as it is; None when a
        cell is not there once as <c r="..."> (a new cell, or a row in another form: it is split)."""
        end = text.find(">")
        if text[end - 1] == "/":
            return None
        places = []
        for c in values:
            tag = f'<c r="{letter(c)}{r}"'
            i = text.find(tag, end)
            if i < 0 or text.find(tag, i + 1) >= 0:
                return None
            close = text.find(">", i)
            stop = close + 1 if text[close - 1] == "/" else text.find("</c>", close) + 4
            if stop < 4:
                return None
            places.append((i, stop, c))
        places.sort()
        pieces, last = [], 0
        for i, stop, c in places:
            cell = text[i:stop]
            start, kept = cell_start(cell)
            pieces.append(text[last:i])
            pieces.append(self._written(r, c, cell, start, kept, values[c]))
            last = stop
        pieces.append(text[last:])
        return "".join(pieces)

    def _written(self, r: int, c: int, cell: str | None, start: str, kept: str, value: object) -> str:
        """The text of cell (r, c) holding value (start: its start tag without t= and '>'; kept: the
        content it keeps), noting what it held before and what it holds now."""
        if self.record and (r, c) not in self.before_cells:
            if r in self.deleted_rows:
                self.before_cells[(r, c)] = self.deleted_cells(r).get(c)
            else:
                self.before_cells[(r, c)] = None if cell is None or r not in self.initial_rows else cell
        if cell is not None and "<f" in cell and has_formula(cell):
            self.removed_formulas.add(f"{letter(c)}{r}")
        written = None if value.__class__ is str else _value_xml(value)
        if written is None:                          # most values: text (any other value as its str())
            value = value if value.__class__ is str else str(value)
            content = value if value.isprintable() or not _ILLEGAL.search(value) else xml_text(value)
            self.touched[(r, c)] = value if content else None
            if content:                              # an empty inline string is never written
                space = ' xml:space="preserve"' if "\n" in content or content[0].isspace() or \
                    content[-1].isspace() else ""
                return f'{start} t="inlineStr"><is><t{space}>{escape(content)}</t></is>{kept}</c>'
            t = inner = ""
        else:
            t, inner = written
            self.touched[(r, c)] = value
        return f"{start}{t}>{inner}{kept}</c>" if inner or kept else f"{start}{t}/>"

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
            self.before_heights[r] = self._ht(r) if r in self.initial_rows else None
        self.height_rows.add(r)
        text = str(int(height)) if float(height).is_integer() else f"{height:g}"
        row = self._rows.get(r)
        end = row.find(">") if row.__class__ is str else -1
        if end > 0 and row[end - 1] != "/":          # a row not split: its start tag edited in its text
            start = row[:end]
        else:
            row = self._row(r)
            start = row.start
        if attr(start, "ht") != text or attr(start, "customHeight") != "1":
            start = set_attr(set_attr(start, "ht", text), "customHeight", "1")
            if row.__class__ is str:
                self._rows[r] = start + row[end:]
            else:
                row.start = start
            self.changed = True

    def delete_rows_from(self, r: int) -> None:
        self.deleted_from = r if self.deleted_from is None else min(self.deleted_from, r)
        for number in [n for n in self._rows if n >= r]:
            row = self._rows.pop(number)
            if self.record and number in self.initial_rows and number not in self.deleted_rows:
                self.deleted_rows[number] = row          # as it is now: edits before were recorded
        for key in [k for k in self.touched if k[0] >= r]:
            del self.touched[key]
        self.changed = True

    def set_ref(self, tag: str, ref: str) -> None:
        """The ref of <dimension> or <autoFilter> (left alone when the sheet has none). The sheet's
        own autoFilter comes after sheetData and before any customSheetViews (which have their own)."""
        if tag == "dimension":
            text, end = self.head, len(self.head)
        else:
            text = self.tail
            views = text.find("<customSheetViews")
            end = views if views >= 0 else len(text)
        start = text.find(f"<{tag}", 0, end)
        while start >= 0 and text[start + len(tag) + 1] not in " />":    # <autoFilterX: another element
            start = text.find(f"<{tag}", start + 1, end)
        if start < 0:
            return
        close = text.index(">", start)
        if text[close - 1] == "/":              # <autoFilter .../>: the attribute goes before "/>"
            close -= 1
        element = text[start:close]
        if attr(element, "ref") == ref:
            return
        text = text[:start] + set_attr(element.rstrip(), "ref", ref) + text[close:]
        if tag == "dimension":
            self.head = text
        else:
            self.tail = text
        self.changed = True

    def widths(self) -> dict[int, tuple[float, bool]]:
        """Column number -> (width, hidden) from <cols>, read once."""
        if self._widths is None:
            start = self.head.find("<cols>")
            end = self.head.find("</cols>", start)
            self._widths = _column_widths(self.head[start:end if end >= 0 else len(self.head)] if start >= 0 else "")
        return self._widths

    def tobytes(self) -> bytes:
        rows = self._rows
        body = [row if row.__class__ is str else row.text() for row in (rows[r] for r in sorted(rows))]
        return f"{self.head}{''.join(body)}{self.tail}".encode("utf-8")


def _start(row: Row | str) -> str:
    """A row's start tag (without '>'), whether it is split into cells or still text."""
    return row.start if row.__class__ is Row else row_start(row)


def _column_widths(cols: str) -> dict[int, tuple[float, bool]]:
    out: dict[int, tuple[float, bool]] = {}
    for col in _COL.findall(cols):
        width = float(attr(col, "width") or 8.43)
        hidden = attr(col, "hidden") in ("1", "true")
        for n in range(int(attr(col, "min")), int(attr(col, "max")) + 1):
            out[n] = (width, hidden)
    return out
