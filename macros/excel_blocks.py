"""Blocks of values into and out of an xlwings sheet, and a SheetChange written in two range calls.

Every Range write is a COM round trip in real Excel. A change (workbook.ooxml.changes.SheetChange,
what the patch of an update changes on one sheet) is written with at most two:
1. one value write of its rectangle (unchanged cells in it get the values they hold: the patch
   read them from the file Excel saved just before);
2. one call for the row heights of the rows from the first to the last whose height changes:
   one RowHeight assignment when they all get the same height, else Rows.AutoFit over them
   (Excel measures the text itself; RowHeight takes one number per call).
Rows written below the sheet's used range first take the format of its last row (one
Range.Copy to a destination, no clipboard) - only when a table grows, as 履歴 does.
"""
from __future__ import annotations

import math

from workbook.files.sheet_book import Block, Formula, height_runs
from workbook.ooxml.changes import SheetChange


def to_excel(value: object) -> object:
    """A block value as written through Range.value.

    Excel parses a string assigned to Range.Value as if typed: '=...' becomes a formula and
    '01', '1-1', '1,000' become numbers or dates (xlwings issues #36, #436, #1635). A leading
    apostrophe keeps any text as text and is not part of the cell's value, so every non-empty
    str that is not a Formula is written with one.
    """
    if isinstance(value, Formula):
        return str(value)
    if isinstance(value, str):
        return "'" + value if value else None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def excel_rows(rows: Block) -> list[list[object]]:
    return [[to_excel(v) for v in r] for r in rows]


def rows_2d(value: object) -> Block:
    if isinstance(value, (list, tuple)):
        if value and isinstance(value[0], (list, tuple)):
            return [list(r) for r in value]
        return [list(value)]
    return [[value]]


def read_range(rng) -> Block:
    """A range's values, formulas as Formula (two reads: values and formulas)."""
    values = rows_2d(rng.options(ndim=2).value)
    formulas = rows_2d(rng.formula)
    return [[Formula(f) if isinstance(f, str) and f.startswith("=") and f != v else v
             for v, f in zip(value_row, formula_row)] for value_row, formula_row in zip(values, formulas)]


def similar(open_block: Block, saved_block: Block) -> bool:
    """The open book's cells against the file's (Excel's numbers are doubles; formulas are compared
    as being formulas, since Excel may spell them differently)."""
    if len(open_block) != len(saved_block):
        return False
    for a_row, b_row in zip(open_block, saved_block):
        if len(a_row) != len(b_row):
            return False
        for a, b in zip(a_row, b_row):
            if isinstance(a, Formula) or isinstance(b, Formula):
                if not (isinstance(a, Formula) and isinstance(b, Formula)):
                    return False
            elif isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
                if not math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12):
                    return False
            elif a != b:
                return False
    return True


def write_change(ws, change: SheetChange, heights_set: list[bool]) -> None:
    """The change into an (unprotected) sheet. heights_set[0] becomes True before the heights call."""
    if change.values:
        template = max(change.used_rows, 2)
        width = max(change.last_column, change.used_columns)
        if change.last_row > template:
            ws.range((template, 1), (template, width)).copy(ws.range((template + 1, 1), (change.last_row, width)))
        ws.range((change.row, change.column)).value = excel_rows(change.values)
    if change.changed_heights:
        heights_set[0] = True
        rows = ws.range((min(change.heights), 1), (max(change.heights), 1))
        distinct = set(change.heights.values())
        if len(distinct) == 1:
            rows.row_height = distinct.pop()
        else:
            rows.rows.autofit()


def restore_change(ws, change: SheetChange, heights_set: bool) -> None:
    """Put a sheet written by write_change back: the rectangle's old values (only when the open
    book no longer holds them) and the old heights (one call per run of equal heights). Formats
    given to new rows stay, as values cleared in Excel keep theirs."""
    if change.values:
        rng = ws.range((change.row, change.column), (change.last_row, change.last_column))
        if not similar(read_range(rng), change.before):
            ws.range((change.row, change.column)).value = excel_rows(change.before)
    if heights_set:
        for first, last, height in height_runs(change.old_heights):
            ws.range((first, 1), (last, 1)).row_height = height
