"""Row heights as the add-on estimates them: lines of wrapped text over the column widths.

Neither openpyxl nor LibreOffice sets row heights from wrapped text, so the writers set them;
styles.autofit_rows sets them on an openpyxl sheet, row_height computes one for the patch
(files.master_update); both count lines with text_lines.
"""
from __future__ import annotations

import math

from workbook.domain.normalize import display_width


NO_WIDTH = (8.43, False)      # a column without a width of its own: Excel's default


def text_lines(value: str, width: float) -> int:
    """The lines a wrapped text takes in a column of this width (already less its padding)."""
    if "\n" not in value:
        return max(1, math.ceil(display_width(value) / width))
    return sum(max(1, math.ceil(display_width(part) / width)) for part in value.split("\n"))


class RowHeights:
    """Row heights on one sheet: its column widths (as the lines are counted in them) worked out
    once, and the lines of each (text, width) kept for the whole patch (memo, shared between sheets)."""

    def __init__(self, widths: dict[int, tuple[float, bool]], memo: dict[tuple[str, float], int] | None = None,
                 skip: set[int] = frozenset()):
        self.hidden = {col for col, (_, hidden) in widths.items() if hidden} | set(skip)   # not counted
        self.widths = {col: (width - 1.0 if width > 3.0 else 2.0) for col, (width, hidden) in widths.items()
                       if not hidden}
        self.default = NO_WIDTH[0] - 1.0
        self.memo = {} if memo is None else memo

    def height(self, values: dict[int, object], line_height: float = 14.0, min_lines: int = 1,
               max_lines: int = 30) -> float:
        """The height styles.autofit_rows gives a row with these values (column number -> value)."""
        lines = min_lines
        widths, hidden, memo, default = self.widths, self.hidden, self.memo, self.default
        for col, value in values.items():
            if value.__class__ is not str and not isinstance(value, str) or not value or value[0] == "=" \
                    or col in hidden:
                continue
            width = widths.get(col, default)
            n = memo.get((value, width))
            if n is None:
                n = memo[(value, width)] = text_lines(value, width)
            if n > lines:
                lines = n
                if lines >= max_lines:
                    break
        return min(lines, max_lines) * line_height + 4


def row_height(values: dict[int, object], widths: dict[int, tuple[float, bool]], line_height: float = 14.0,
               min_lines: int = 1, max_lines: int = 30, memo: dict[tuple[str, float], int] | None = None) -> float:
    """The height styles.autofit_rows gives a row with these values (column number -> value).

    memo: (text, width) -> lines, kept by the caller for one patch (the same texts recur)."""
    return RowHeights(widths, memo).height(values, line_height, min_lines, max_lines)
