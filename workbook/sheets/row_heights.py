"""Row heights as the add-on estimates them: lines of wrapped text over the column widths.

Neither openpyxl nor LibreOffice sets row heights from wrapped text, so the writers set them, all
by RowHeights: styles.autofit_rows on an openpyxl sheet, files.master_update in the patch (with a
LineMemo shared by the patch's sheets), and row_height for one row.
"""
from __future__ import annotations

import math

from workbook.domain.normalize import display_width


NO_WIDTH = (8.43, False)      # a column without a width of its own: Excel's default


def text_lines(value: str, width: float) -> int:
    """The lines a wrapped text takes in a column of this width (already less its padding)."""
    return lines_of(line_widths(value), width)


def line_widths(value: str) -> tuple[float, ...]:
    """The display width of each of a text's lines."""
    if "\n" not in value:
        return (display_width(value),)
    return tuple(map(display_width, value.split("\n")))


def lines_of(widths: tuple[float, ...], width: float) -> int:
    """The lines taken by lines of these display widths, wrapped in a column of this width."""
    if len(widths) == 1:
        return max(1, math.ceil(widths[0] / width))
    return sum(max(1, math.ceil(w / width)) for w in widths)


class LineMemo:
    """What the row heights of one patch keep for all its sheets: the lines of each (text, column
    width), and each text's line widths (a text is measured once, whatever columns it is in)."""

    def __init__(self):
        self.lines: dict[tuple[str, float], int] = {}
        self.widths: dict[str, tuple[float, ...]] = {}

    def count(self, value: str, width: float) -> int:
        n = self.lines.get((value, width))
        if n is None:
            widths = self.widths.get(value)
            if widths is None:
                widths = self.widths[value] = line_widths(value)
            n = self.lines[(value, width)] = lines_of(widths, width)
        return n


class RowHeights:
    """Row heights on one sheet: its column widths (as the lines are counted in them) worked out
    once, and the lines of the texts kept for the whole patch (memo, shared between sheets)."""

    def __init__(self, widths: dict[int, tuple[float, bool]], memo: LineMemo | None = None,
                 skip: set[int] = frozenset()):
        self.hidden = {col for col, (_, hidden) in widths.items() if hidden} | set(skip)   # not counted
        self.widths = {col: (width - 1.0 if width > 3.0 else 2.0) for col, (width, hidden) in widths.items()
                       if not hidden}
        self.default = NO_WIDTH[0] - 1.0
        self.memo = LineMemo() if memo is None else memo

    def height(self, values: dict[int, object], line_height: float = 14.0, min_lines: int = 1,
               max_lines: int = 30) -> float:
        """The height styles.autofit_rows gives a row with these values (column number -> value)."""
        lines = min_lines
        widths, hidden, default = self.widths, self.hidden, self.default
        known, count = self.memo.lines, self.memo.count
        for col, value in values.items():
            if value.__class__ is not str and not isinstance(value, str) or not value or value[0] == "=" \
                    or col in hidden:
                continue
            width = widths.get(col, default)
            n = known.get((value, width)) or count(value, width)
            if n > lines:
                lines = n
                if lines >= max_lines:
                    break
        return min(lines, max_lines) * line_height + 4


def row_height(values: dict[int, object], widths: dict[int, tuple[float, bool]], line_height: float = 14.0,
               min_lines: int = 1, max_lines: int = 30, memo: LineMemo | None = None) -> float:
    """The height styles.autofit_rows gives a row with these values (column number -> value).

    memo: kept by the caller for one patch (the same texts recur)."""
    return RowHeights(widths, memo).height(values, line_height, min_lines, max_lines)
