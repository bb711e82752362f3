"""Patch: change cell values in a saved workbook package without an openpyxl round trip.

openpyxl loads and rewrites every part of a workbook (slow for a master with many sheets, and it
drops parts it does not understand). A patch parses only the sheets it changes, edits their
<sheetData>, and copies every other part of the package byte for byte, so the VBA project,
buttons and drawings cannot be lost. Saving keeps the master's guarantees: a dated backup, a
temporary file, a comparison of the package's part list, then one atomic replace
(workbook.ooxml.save.replace_atomically). Parts the patch does not change are neither inflated
nor compressed again: their compressed bytes are copied as they are (workbook.ooxml.zipcopy).

What the patch changed is described per sheet by changes() (workbook.ooxml.changes): the Excel
writer applies that description to the open book instead of saving the package.

Values are written as inline strings, numbers or booleans; a string starting with "=" stays
text (never a <f> formula). A cell keeps its style (s=); a new cell takes the style it is given.
An empty value removes the cell's value (never an empty inline string); the style stays.
"""
from __future__ import annotations

import io
import math
import posixpath
import re
import unicodedata
import zipfile
from functools import reduce
from operator import add
from pathlib import Path

from lxml import etree
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string

from workbook.errors import MasterError
from workbook.ooxml.changes import CellReader, SheetChange, describe
from workbook.ooxml.save import backup_copy, replace_atomically
from workbook.ooxml.zipcopy import write_package

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
REL_DOC = f"{REL}/officeDocument"
CALC_CHAIN = "xl/calcChain.xml"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, remove_blank_text=False)
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_REF = re.compile(r"^([A-Z]+)(\d+)$")


def _q(tag: str) -> str:
    return f"{{{MAIN}}}{tag}"


_C = _q("c")
_ROW = _q("row")
_EXT = _q("extLst")
_CELL_REFS = etree.XPath("m:c/@r", namespaces={"m": MAIN}, smart_strings=False)
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


def xml_text(text: str) -> str:
    """Characters XML cannot hold become the OOXML escape _xHHHH_ (Excel and calamine decode it)."""
    return _ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def split_ref(ref: str) -> tuple[int, int]:
    """'F12' -> (12, 6)."""
    match = _REF.match(ref)
    if not match:
        raise ValueError(ref)
    return int(match.group(2)), column_index_from_string(match.group(1))


class SheetXml:
    """One worksheet part, parsed, with its rows and cells indexed for editing."""

    def __init__(self, data: bytes):
        self.root = etree.fromstring(data, _PARSER)
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

    # --- finding and making rows and cells -------------------------------------------------
    def _row(self, r: int) -> etree._Element:
        row = self._rows.get(r)
        if row is None:
            row = etree.Element(_q("row"), r=str(r))
            later = [n for n in self._rows if n > r]
            if later:
                self._rows[min(later)].addprevious(row)
            else:
                self.sheet_data.append(row)
            self._rows[r] = row
        return row

    def _row_cells(self, r: int) -> dict[int, etree._Element]:
        cells = self._cells.get(r)
        if cells is None:
            row = self._row(r)
            found = row.findall(_C)
            refs = _CELL_REFS(row)
            if len(refs) == len(found):             # every cell has its r= (Excel and openpyxl write it)
                digits = len(str(r))
                columns = _COLUMNS
                cells = {columns.get(ref[:-digits]) or _column(ref[:-digits]): cell for ref, cell in zip(refs, found)}
                self._cells[r] = cells
                return cells
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
        if "t" in attrib:
            del attrib["t"]
        self.changed = True
        touched = self.touched
        touched[(r, c)] = None
        if value is None or value == "":
            return
        kind = type(value)
        if kind is bool:
            attrib["t"] = "b"
            _sub(cell, _V).text = "1" if value else "0"
            touched[(r, c)] = value
        elif kind is not str and isinstance(value, (int, float)) and \
                not (isinstance(value, float) and not math.isfinite(value)):
            _sub(cell, _V).text = str(value) if isinstance(value, int) else repr(value)
            touched[(r, c)] = value
        else:
            text_value = str(value)
            content = xml_text(text_value)
            if not content:
                return            # an empty inline string (<c t="inlineStr"/>) is never written
            touched[(r, c)] = text_value
            attrib["t"] = "inlineStr"
            text = _sub(_sub(cell, _IS), _T)
            text.text = content
            if content != content.strip() or "\n" in content:
                text.set(XML_SPACE, "preserve")

    def set_height(self, r: int, height: float) -> None:
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
            self.sheet_data.remove(self._rows.pop(number))
            self._cells.pop(number, None)
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


class _Widths(dict):
    """Character -> display width (2.0 for East Asian wide and full-width, else 1.1), filled on demand."""

    def __missing__(self, ch: str) -> float:
        width = self[ch] = 2.0 if unicodedata.east_asian_width(ch) in "WF" else 1.1
        return width


_WIDTHS = _Widths()
_NO_WIDTH = (8.43, False)


def display_width(text: str) -> float:
    """styles.display_width, memoised per character (row heights of a large master in milliseconds).

    The widths are added one by one from 0.0, left to right, as styles.display_width adds them
    (reduce, not sum: sum may compensate rounding), so both give the same float."""
    if text.isascii():
        return len(text) * 1.1
    return reduce(add, map(_WIDTHS.__getitem__, text), 0.0)


def text_lines(value: str, width: float) -> int:
    """The lines a wrapped text takes in a column of this width (already less its padding)."""
    if "\n" not in value:
        return max(1, math.ceil(display_width(value) / width))
    return sum(max(1, math.ceil(display_width(part) / width)) for part in value.split("\n"))


def row_height(values: dict[int, object], widths: dict[int, tuple[float, bool]], line_height: float = 14.0,
               min_lines: int = 1, max_lines: int = 30, memo: dict[tuple[str, float], int] | None = None) -> float:
    """The height styles.autofit_rows gives a row with these values (column number -> value).

    memo: (text, width) -> lines, kept by the caller for one patch (the same texts recur)."""
    lines = min_lines
    for col, value in values.items():
        if type(value) is not str and not isinstance(value, str) or not value or value[0] == "=":
            continue
        width, hidden = widths.get(col, _NO_WIDTH)
        if hidden:
            continue
        width = width - 1.0 if width > 3.0 else 2.0
        if memo is None:
            lines = max(lines, text_lines(value, width))
        else:
            n = memo.get((value, width))
            if n is None:
                n = memo[(value, width)] = text_lines(value, width)
            lines = max(lines, n)
        if lines >= max_lines:
            break
    return min(lines, max_lines) * line_height + 4


class PackagePatch:
    """A saved workbook read into memory; sheets parsed on demand; save() writes it back once."""

    def __init__(self, path: Path, data: bytes | None = None):
        self.path = Path(path)
        stat = self.path.stat()
        self._stamp = (stat.st_mtime_ns, stat.st_size)
        self.data = self.path.read_bytes() if data is None else data
        self._zip = zipfile.ZipFile(io.BytesIO(self.data))
        self.infos = [i for i in self._zip.infolist() if not i.filename.endswith("/")]
        self.parts = _Parts(self._zip, self.infos)      # inflated when first read
        self.sheets: dict[str, SheetXml] = {}
        self._workbook: etree._Element | None = None
        self._workbook_changed = False
        self.workbook_part = self._target("", REL_DOC)
        self.sheet_parts: dict[str, str] = {}
        self.sheet_order: list[str] = []
        rels = self._rels(self.workbook_part)
        for sheet in self.workbook.iterfind(f"{_q('sheets')}/{_q('sheet')}"):
            target = rels.get(sheet.get(f"{{{REL}}}id"))
            if target:
                self.sheet_parts[sheet.get("name")] = target
            self.sheet_order.append(sheet.get("name"))

    def _rels(self, part: str) -> dict[str, str]:
        folder, name = posixpath.split(part)
        data = self.parts.get(posixpath.join(folder, "_rels", f"{name}.rels"))
        if data is None:
            return {}
        out = {}
        for rel in etree.fromstring(data, _PARSER):
            target = rel.get("Target", "")
            out[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else \
                posixpath.normpath(posixpath.join(folder, target))
            out[rel.get("Type")] = out[rel.get("Id")]
        return out

    def _target(self, part: str, rel_type: str) -> str:
        target = self._rels(part).get(rel_type)
        if not target or target not in self.parts:
            raise MasterError(f"{self.path.name} にブック本体がありません。Excel ブックか確認してください。")
        return target

    @property
    def workbook(self) -> etree._Element:
        if self._workbook is None:
            self._workbook = etree.fromstring(self.parts[self.workbook_part], _PARSER)
        return self._workbook

    def sheet(self, title: str) -> SheetXml:
        if title not in self.sheets:
            if title not in self.sheet_parts:
                raise MasterError(f"{self.path.name} にシート「{title}」がありません。")
            self.sheets[title] = SheetXml(self.parts[self.sheet_parts[title]])
        return self.sheets[title]

    def set_filter_range(self, title: str, ref: str) -> None:
        """Keep the _FilterDatabase name Excel pairs with a sheet's autoFilter in step with it."""
        index = str(self.sheet_order.index(title))
        absolute = "$" + ref.replace(":", ":$")
        absolute = re.sub(r"([A-Z]+)(\d+)", r"\1$\2", absolute)
        for name in self.workbook.iterfind(f"{_q('definedNames')}/{_q('definedName')}"):
            if name.get("name") == "_xlnm._FilterDatabase" and name.get("localSheetId") == index:
                text = f"'{title}'!{absolute}"
                if name.text != text:
                    name.text = text
                    self._workbook_changed = True

    def _calc_chain(self) -> bytes | None:
        """Excel's list of formula cells, without the cells whose formula a value replaced."""
        gone = {(str(self.sheet_order.index(t) + 1), ref) for t, s in self.sheets.items() for ref in s.removed_formulas}
        if not gone or CALC_CHAIN not in self.parts:
            return None
        ids = {}
        for n, sheet in enumerate(self.workbook.iterfind(f"{_q('sheets')}/{_q('sheet')}"), start=1):
            ids[str(n)] = sheet.get("sheetId")
        gone = {(ids.get(i, i), ref) for i, ref in gone}
        root = etree.fromstring(self.parts[CALC_CHAIN], _PARSER)
        current = None
        for entry in list(root):
            current = entry.get("i") or current
            if (current, entry.get("r")) in gone:
                following = entry.getnext()
                if entry.get("i") and following is not None and not following.get("i"):
                    following.set("i", entry.get("i"))
                root.remove(entry)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    @property
    def changed(self) -> bool:
        return any(s.changed for s in self.sheets.values())

    def changes(self) -> list[SheetChange]:
        """What the edits change, per sheet in workbook order (before save(): the package as read
        is the base). A sheet whose values and row heights end as they were is left out."""
        reader = self._reader()
        out = []
        for title in self.sheet_order:
            sheet = self.sheets.get(title)
            if sheet is None or not sheet.changed:
                continue
            change = describe(title, SheetXml(self.parts[self.sheet_parts[title]]), sheet, reader)
            if change is not None:
                out.append(change)
        return out

    def _reader(self) -> CellReader:
        rels = self._rels(self.workbook_part)
        strings = rels.get(f"{REL}/sharedStrings")
        styles = rels.get(f"{REL}/styles")
        pr = self.workbook.find(_q("workbookPr"))
        return CellReader(self.parts.get(strings) if strings else None, self.parts.get(styles) if styles else None,
                          date1904=pr is not None and pr.get("date1904") in ("1", "true"))

    def save(self, backup_folder: Path | None) -> Path | None:
        """Backup, write a temporary package, check no part was lost, replace the master."""
        from workbook.ooxml.xlsm import check_parts_kept, part_names

        stat = self.path.stat()
        if (stat.st_mtime_ns, stat.st_size) != self._stamp:
            raise MasterError(f"{self.path.name} は読み込んだ後に変更されました（Excel で保存された可能性があります）。"
                              "Excel で閉じてから、もう一度実行してください。")
        new_parts = {self.sheet_parts[t]: s.tobytes() for t, s in self.sheets.items() if s.changed}
        if new_parts:
            calc = self.workbook.find(_q("calcPr"))
            if calc is None:
                calc = etree.SubElement(self.workbook, _q("calcPr"))
            calc.set("fullCalcOnLoad", "1")  # formulas over patched cells are recalculated on opening
        chain = self._calc_chain()
        if chain is not None:
            new_parts[CALC_CHAIN] = chain
        if new_parts or self._workbook_changed:
            new_parts[self.workbook_part] = etree.tostring(self.workbook, xml_declaration=True, encoding="UTF-8",
                                                           standalone=True)
        backup = None
        if backup_folder is not None:
            backup = backup_copy(self.path, backup_folder)

        def write(tmp: Path) -> None:
            write_package(tmp, self.data, self.infos, new_parts)
            check_parts_kept({i.filename for i in self.infos}, part_names(tmp), self.path)

        try:
            replace_atomically(self.path, write)
        except PermissionError as exc:
            raise MasterError(f"{self.path.name} を書き換えられません。Excel で開いている場合は閉じてから、"
                              "もう一度実行してください。") from exc
        self.data = self.path.read_bytes()
        self._zip = zipfile.ZipFile(io.BytesIO(self.data))
        self.infos = [i for i in self._zip.infolist() if not i.filename.endswith("/")]
        self.parts = _Parts(self._zip, self.infos, new_parts)
        for title, sheet in self.sheets.items():
            sheet.touched.clear()
            sheet.height_rows.clear()
            sheet.deleted_from = None
        stat = self.path.stat()
        self._stamp = (stat.st_mtime_ns, stat.st_size)
        for s in self.sheets.values():
            s.changed = False
            s.removed_formulas.clear()
        self._workbook_changed = False
        return backup


class _Parts:
    """The package's parts by name, each inflated when first read."""

    def __init__(self, z: zipfile.ZipFile, infos: list[zipfile.ZipInfo], known: dict[str, bytes] | None = None):
        self._zip = z
        self._names = {i.filename for i in infos}
        self._data: dict[str, bytes] = dict(known or {})

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def __getitem__(self, name: str) -> bytes:
        data = self._data.get(name)
        if data is None:
            if name not in self._names:
                raise KeyError(name)
            data = self._data[name] = self._zip.read(name)
        return data

    def get(self, name: str, default: bytes | None = None) -> bytes | None:
        return self[name] if name in self._names else default
