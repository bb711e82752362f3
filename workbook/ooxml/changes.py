"""What a patch changed, per sheet: the description the Excel writer applies to the open book.

A PackagePatch edits sheet XML in memory. Before it is saved (the command line) or instead of
being saved (a button in Excel, where Excel holds the file open), describe() compares each
edited sheet with the sheet as it was read and reports, per sheet that really changed, one
SheetChange: the smallest rectangle covering every cell whose value changed, with the new and
the old values of every cell in it (unchanged cells too, read from the sheet XML: the open book
holds the same, since Excel saved it just before the operation read the file), and the row
heights that change. Values are Python values as a block holds them: a formula is a Formula
(its text, '=...'), any other str is text, numbers are int/float, date-formatted numbers are
datetime, an empty cell is None.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree
from openpyxl.formula.translate import Translator
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import from_excel

from workbook.ooxml import cell_xml

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


def _q(tag: str) -> str:
    return f"{{{MAIN}}}{tag}"


_T, _R = _q("t"), _q("r")


class Formula(str):
    """A cell formula ('=SUM(A1:A3)'), as opposed to text that happens to start with '='."""


@dataclass
class SheetChange:
    """One sheet's change: a rectangle of values from (row, column), and row heights.

    values / before: the rectangle's new and old values, row by row (same shape).
    heights / old_heights: for every row from the first to the last whose height changes, its
    new and its old height in points (a row whose height does not change has the same in both).
    used_rows / used_columns: the last row and column holding cells before the change (what
    Excel's UsedRange covers): rows written below it have no format yet.
    """

    sheet: str
    row: int
    column: int
    values: list[list[object]]
    before: list[list[object]]
    heights: dict[int, float] = field(default_factory=dict)
    old_heights: dict[int, float] = field(default_factory=dict)
    used_rows: int = 0
    used_columns: int = 0

    @property
    def last_row(self) -> int:
        return self.row + max(len(self.values), 1) - 1

    @property
    def last_column(self) -> int:
        return self.column + max((len(r) for r in self.values), default=1) - 1

    @property
    def changed_heights(self) -> dict[int, float]:
        return {r: h for r, h in self.heights.items() if self.old_heights.get(r) != h}


class CellReader:
    """Cell values from sheet XML, with the package's shared strings and date formats."""

    def __init__(self, shared_strings: bytes | None, styles: bytes | None, date1904: bool = False):
        self._strings_xml, self._styles_xml = shared_strings, styles
        self._strings: list[str] | None = None
        self._dates: set[int] | None = None
        self._epoch = 1904 if date1904 else 1900

    @property
    def strings(self) -> list[str]:
        if self._strings is None:
            self._strings = []
            if self._strings_xml:
                for si in etree.fromstring(self._strings_xml, _PARSER).iterfind(_q("si")):
                    self._strings.append(_text(si))
        return self._strings

    @property
    def date_styles(self) -> set[int]:
        """Indexes of cellXfs whose number format shows a date."""
        if self._dates is None:
            self._dates = set()
            if self._styles_xml:
                root = etree.fromstring(self._styles_xml, _PARSER)
                custom = {int(n.get("numFmtId")): n.get("formatCode", "")
                          for n in root.iterfind(f"{_q('numFmts')}/{_q('numFmt')}")}
                xfs = root.find(_q("cellXfs"))
                for i, xf in enumerate(xfs.iterfind(_q("xf")) if xfs is not None else ()):
                    fmt = int(xf.get("numFmtId") or 0)
                    code = custom.get(fmt, BUILTIN_FORMATS.get(fmt, ""))
                    if code and is_date_format(code):
                        self._dates.add(i)
        return self._dates

    def value(self, cell: str | None, shared: dict[str, tuple[str, str]]) -> object:
        """The value a block holds for this cell's text (None for no cell). shared: si -> (ref, formula)."""
        parts = None if cell is None else cell_xml.content(cell)
        if parts is None:                     # no <v>, <f> or <is>: an empty (perhaps styled) cell
            return None
        start, inner = parts
        kind = cell_xml.attr(start, "t")
        found = cell_xml.formula(inner)
        if found is not None:
            attrs, text = found
            si = cell_xml.attr(attrs, "si")
            if cell_xml.attr(attrs, "t") == "shared" and si in shared and not text:
                origin, formula = shared[si]
                return Formula(Translator("=" + formula, origin).translate_formula(cell_xml.attr(start, "r")))
            if text is not None:
                return Formula("=" + text)
        if kind == "inlineStr":
            text = cell_xml.inline_text(inner)
            return None if text is None else (_decode(text) or None)
        raw = cell_xml.value_text(inner)
        if raw is None:
            return None
        if kind == "s":
            return self.strings[int(raw)] or None
        if kind in ("str", "e"):
            return raw or None
        if kind == "b":
            return raw.strip() in ("1", "true")
        number = float(raw)
        if int(cell_xml.attr(start, "s") or 0) in self.date_styles:
            return from_excel(number, epoch=_epoch_date(self._epoch))
        if number.is_integer() and not any(ch in raw for ch in ".eE"):
            return int(number)
        return number


def _epoch_date(year: int):
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

    return CALENDAR_MAC_1904 if year == 1904 else CALENDAR_WINDOWS_1900


def _text(node: etree._Element) -> str:
    """The text of an <si>: its <t>, or its rich-text runs' <t> (phonetic <rPh> left out)."""
    t = node.find(_T)
    if t is not None:
        text = t.text or ""
    else:
        text = "".join(r.findtext(_T) or "" for r in node.iterfind(_R))
    return _decode(text)


def _decode(text: str) -> str:
    """The OOXML escape _xHHHH_ decoded."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def same(a: object, b: object) -> bool:
    """Equal values of the same kind (a formula is never equal to text)."""
    if isinstance(a, Formula) != isinstance(b, Formula) or isinstance(a, bool) != isinstance(b, bool):
        return False
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return type(a) is type(b) and a == b


def describe(title: str, original, final, reader: CellReader) -> SheetChange | None:
    """The change from original to final (two SheetXml of one sheet); None when nothing differs.

    Candidates are the cells final was given (final.touched, which holds the values given) and
    every cell of the rows it deleted; of these, the cells whose value differs bound the
    rectangle. A cell neither given nor deleted holds what it held: its value is read once, from
    original.
    """
    touched, deleted_from = final.touched, final.deleted_from
    candidates = set(touched)
    if deleted_from is not None:
        for r in original.row_numbers():
            if r >= deleted_from:
                candidates.update((r, c) for c in original.columns_of(r))
    shared = original.shared_formulas()
    olds: dict[tuple[int, int], object] = {}

    def old(r: int, c: int) -> object:
        key = (r, c)
        if key not in olds:
            olds[key] = reader.value(original.cell_at(r, c), shared)
        return olds[key]

    def new(r: int, c: int) -> object:
        key = (r, c)
        if key in touched:
            return touched[key]
        if deleted_from is not None and r >= deleted_from:
            return None
        return old(r, c)

    differ = [(r, c) for r, c in candidates if not same(old(r, c), new(r, c))]
    default = original.default_height()
    moved = sorted(r for r in final.height_rows if (final.height(r) or default) != (original.height(r) or default))
    if not differ and not moved:
        return None
    used_rows, used_columns = original.used_range()
    if differ:
        rows, cols = [r for r, _ in differ], [c for _, c in differ]
        top, left, bottom, right = min(rows), min(cols), max(rows), max(cols)
        values = [[new(r, c) for c in range(left, right + 1)] for r in range(top, bottom + 1)]
        before = [[old(r, c) for c in range(left, right + 1)] for r in range(top, bottom + 1)]
    else:
        top, left, values, before = moved[0], 1, [], []
    change = SheetChange(title, top, left, values, before, used_rows=used_rows, used_columns=used_columns)
    if moved:
        for r in range(moved[0], moved[-1] + 1):
            change.heights[r] = final.height(r) or default
            change.old_heights[r] = original.height(r) or default
    return change
