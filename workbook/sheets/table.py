"""The one department-table parser: rows of values (as python-calamine or openpyxl read them) and the
input cells' formulas (from the sheet XML) -> the table's keys, entries, plan cells and contact.

Gives the same DepartmentReturn as files.department_file.read_department_file (openpyxl), which stays the
reference; tests compare the two on the same files. Also reads the master's department sheets
(the same layout) for collect and validate. Differences from the openpyxl reader, on purpose:
a row key found twice keeps its first row (the copy is reported as an added row), and
calamine's numbers come back as int when they are whole.
"""
from __future__ import annotations

import re
from xml.sax.saxutils import unescape
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

from workbook.sheets.layout import (ACTION_ROW, COLUMNS, CONTACT_NAME_CELL, CONTACT_PHONE_CELL, FIRST_ROW,
                     HEADER_ROW, HELPER_HEADER, PLAN_KEYS, PREV_KEYS, applies, col_letter, col_number, split_key)
from workbook.domain.normalize import clean_text
from workbook.domain.returns import Entry

INPUT_COLUMNS = frozenset(col_number(c.key) for c in COLUMNS if c.editable)
_LETTERS = {c.key: col_letter(c.key) for c in COLUMNS}
_NUMBERS = {c.key: col_number(c.key) for c in COLUMNS}
_KEYS = tuple(c.key for c in COLUMNS)


def _cell_index(ref: str) -> tuple[int, int]:
    letters, row = coordinate_from_string(ref)
    return row, column_index_from_string(letters)


CONTACT_CELLS = (_cell_index(CONTACT_NAME_CELL), _cell_index(CONTACT_PHONE_CELL))


def is_input_cell(r: int, c: int) -> bool:
    """A cell a department types into: an input column of the table, or a contact cell above it."""
    return (r >= FIRST_ROW and c in INPUT_COLUMNS) or (r, c) in CONTACT_CELLS


def at(rows: list[list[object]], r: int, c: int) -> object:
    """Value of the 1-based cell (r, c), None outside the rows read."""
    if r - 1 < len(rows):
        row = rows[r - 1]
        if c - 1 < len(row):
            return row[c - 1]
    return None


@dataclass
class Table:
    """A department table as found in a sheet (a return's 進捗報告 or a master's department sheet)."""

    entries: dict[str, Entry]
    keys: tuple[str, ...]
    key_rows: dict[str, int]
    plan_cells: dict[str, dict[str, object]]
    formulas: dict[str, str]
    extra_rows: list[tuple[int, str]]
    contact: tuple[str, str]
    target_header: str = ""
    values: dict[str, dict[str, object]] = field(default_factory=dict)  # key -> column key -> value
    duplicates: dict[str, list[int]] = field(default_factory=dict)  # key -> later rows that carry it again
    width: int = len(COLUMNS)   # the columns left of 未入力数 (an older template has fewer; one inserted, more)
    headers: tuple[str, ...] = ()   # the header row as found (what tells a column moved)

    @property
    def current_layout(self) -> bool:
        return self.width == len(COLUMNS)


def layout_width(rows: list[list[object]]) -> int:
    """How many of the layout's columns a sheet has: those left of its hidden 未入力数 column (a sheet
    written by an older template ends earlier; the columns added since read as absent, never as
    that helper column's counts; a column inserted makes it wider than the layout). A header row
    without the helper counts as the whole layout."""
    header = rows[HEADER_ROW - 1] if len(rows) >= HEADER_ROW else []
    for i, value in enumerate(header):
        if i >= 1 and clean_text(value) == HELPER_HEADER:
            return i
    return len(COLUMNS)


def parse_table(rows: list[list[object]], department: str, formulas: dict[str, str] | None = None,
                known_keys: tuple[str, ...] = ()) -> Table:
    """rows: normalised values from A1. formulas: cell address -> '=...' of input cells.

    known_keys: the row keys the file was made with (its identity sheet). A row whose hidden key
    (column A) was cleared is recognised by the code shown in column B when that names one of them.
    """
    formulas = formulas or {}
    entries: dict[str, Entry] = {}
    keys: list[str] = []
    key_rows: dict[str, int] = {}
    plan_cells: dict[str, dict[str, object]] = {}
    found: dict[str, str] = {}
    extra: list[tuple[int, str]] = []
    table_values: dict[str, dict[str, object]] = {}
    duplicates: dict[str, list[int]] = {}
    width = layout_width(rows)
    present = [col for col in COLUMNS if _NUMBERS[col.key] <= width]
    letters = [(col.key, _LETTERS[col.key]) for col in present]                  # where a formula can stand in
    input_letters = [_LETTERS[col.key] for col in present if col.editable]
    action_keys = [c.key for c in present if c.editable and applies(c, ACTION_ROW)]
    absent = dict.fromkeys(_KEYS)    # every column key -> None, in layout order
    for r in range(FIRST_ROW, len(rows) + 1):
        row = rows[r - 1]
        limit = min(len(row), width)
        values = absent.copy()
        values.update(zip(_KEYS, row[:limit]))
        if formulas:
            for col_key, letter in letters:
                address = f"{letter}{r}"
                if address in formulas:
                    values[col_key] = formulas[address]
        key = clean_text(values["key"])
        if not key and known_keys:
            key = _key_from_code(clean_text(values["code"]), known_keys, key_rows)
        if key in key_rows:            # a copied row: which of the two is the action's cannot be told
            duplicates.setdefault(key, []).append(r)
            continue
        if not key:
            text = next((clean_text(v) for v in values.values() if clean_text(v)), "")
            if text:
                extra.append((r, text[:40]))
            continue
        code, n = split_key(key)
        keys.append(key)
        key_rows[key] = r
        table_values[key] = values
        plan_cells[key] = {k: values[k] for k in PLAN_KEYS}
        if formulas:
            for letter in input_letters:
                address = f"{letter}{r}"
                if address in formulas:
                    found[address] = formulas[address]
        entry = entries.setdefault(code, Entry(code, department))
        if n is None:    # a column the sheet's template does not have is left out (not an empty answer)
            entry.values = {k: values[k] for k in action_keys}
            for prev in PREV_KEYS:
                setattr(entry, prev, clean_text(values[prev]))
        else:
            entry.actuals[n] = values["actual"]
    contact = []
    for r, c in CONTACT_CELLS:
        address = f"{get_column_letter(c)}{r}"
        contact.append(formulas.get(address, at(rows, r, c)))
        if address in formulas:
            found[address] = formulas[address]
    return Table(entries, tuple(keys), key_rows, plan_cells, found, extra,
                 (clean_text(contact[0]), clean_text(contact[1])),
                 clean_text(at(rows, HEADER_ROW, col_number("target"))), table_values, duplicates, width,
                 tuple(clean_text(v) for v in (rows[HEADER_ROW - 1] if len(rows) >= HEADER_ROW else ())))


def _key_from_code(code: str, known_keys: tuple[str, ...], taken: dict[str, int]) -> str:
    """The row key a visible 取組番号 ('1-1-1', or '1-1-3 指標' on an indicator row) stands for:
    the action's key, or the first of its indicator keys not yet found; '' when none fits."""
    if not code:
        return ""
    if code in known_keys and split_key(code)[1] is None:
        return code
    base = code.removesuffix("指標").strip()
    if base != code:
        for key in known_keys:
            action, n = split_key(key)
            if action == base and n is not None and key not in taken:
                return key
    return ""


_CELL_FORMULA = re.compile(
    rb'<(?:\w+:)?c\b([^>]*)>\s*<(?:\w+:)?f\b([^>]*?)(/?)>(?:([^<]*)</(?:\w+:)?f>)?')
_REF_ATTR = re.compile(rb'\br="([A-Z]+)(\d+)"')


_ERROR_CELL = re.compile(rb'<(?:\w+:)?c\b([^>]*\bt="e"[^>]*)>(.*?)</(?:\w+:)?c>', re.S)
_VALUE = re.compile(rb'<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>')
_MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*\bref="([A-Z]+\d+(?::[A-Z]+\d+)?)"')
_SPACE = frozenset(b" \t\n\r\f\v")   # what \s matches in a bytes pattern
# searched as patterns (faster than bytes.find): an <f tag as _CELL_FORMULA has it (\b: not <formula1>
# or <fill>), and the ':f' of a prefixed one
_F_TAG, _PREFIXED_F = re.compile(rb"<f\b"), re.compile(rb":f")


def _matches_at(pattern: re.Pattern, xml: bytes, starts) -> list[re.Match]:
    """pattern.finditer(xml), trying only the positions in starts: the same matches whenever every
    position a match can start at is among them (scanning a sheet for a rare tag costs a regex attempt
    at every '<'; a literal search finds the few places worth trying)."""
    found, pos = [], 0
    for start in sorted(set(starts)):
        if start >= pos and (match := pattern.match(xml, start)):
            found.append(match)
            pos = match.end()
    return found


def _formula_cells(xml: bytes) -> list[re.Match]:
    """_CELL_FORMULA.finditer(xml). A match is a <c ...> tag, spaces, then <f: the '<' of its <c> lies
    between the '>' before that tag and the tag's own '>', right before the spaces before a '<f'."""
    if _PREFIXED_F.search(xml):     # a prefixed <x:f> can be there: every tag is worth trying
        return list(_CELL_FORMULA.finditer(xml))
    starts = []
    for f in _F_TAG.finditer(xml):
        end = f.start() - 1
        while end >= 0 and xml[end] in _SPACE:
            end -= 1
        if end >= 0 and xml[end] == 0x3E:   # '>'
            start = xml.find(b"<", xml.rfind(b">", 0, end) + 1, end)
            while start != -1:
                starts.append(start)
                start = xml.find(b"<", start + 1, end)
    return _matches_at(_CELL_FORMULA, xml, starts)


def merged_ranges(xml: bytes) -> tuple[str, ...]:
    """The ranges of the sheet's merged cells ('B3:C3', or a single cell), in sheet order."""
    starts, found = [], xml.find(b"mergeCell")
    while found != -1:   # a match is '<', maybe a prefix, then mergeCell: its '<' is the last one before
        starts.append(xml.rfind(b"<", 0, found))
        found = xml.find(b"mergeCell", found + 9)
    return tuple(m.group(1).decode() for m in _matches_at(_MERGE_CELL, xml, starts))


def input_errors(xml: bytes) -> dict[str, str]:
    """Address -> '#N/A' of every input cell holding an error value without a formula (pasted as a
    value): calamine reads it as an empty cell, which must not pass for a deliberate clear."""
    out: dict[str, str] = {}
    if b't="e"' not in xml:    # every match holds it
        return out
    for match in _ERROR_CELL.finditer(xml):
        ref = _REF_ATTR.search(match.group(1))
        if ref is None or b"<f" in match.group(2):
            continue
        r, c = int(ref.group(2)), column_index_from_string(ref.group(1).decode())
        if is_input_cell(r, c):
            value = _VALUE.search(match.group(2))
            out[f"{ref.group(1).decode()}{r}"] = value.group(1).decode("utf-8") if value else "#VALUE!"
    return out


def input_formulas(xml: bytes) -> dict[str, str]:
    """Address -> '=formula' of every formula in an input cell (table input columns, contact cells).

    A regular expression over the sheet XML: <f> is the first child of <c> in SpreadsheetML, and
    this is ten times faster than parsing the sheet. tests compare it with lxml.
    """
    out: dict[str, str] = {}
    for match in _formula_cells(xml):
        ref = _REF_ATTR.search(match.group(1))
        if ref is None:
            continue
        r, c = int(ref.group(2)), column_index_from_string(ref.group(1).decode())
        if is_input_cell(r, c):
            text = "" if match.group(3) else unescape((match.group(4) or b"").decode("utf-8"),
                                                       {"&quot;": '"', "&apos;": "'"})
            out[f"{ref.group(1).decode()}{r}"] = "=" + (text or "（共有数式）")
    return out
