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


def row_height(values: dict[int, object], widths: dict[int, tuple[float, bool]], line_height: float = 14.0,
               min_lines: int = 1, max_lines: int = 30, memo: dict[tuple[str, float], int] | None = None) -> float:
    """The height styles.autofit_rows gives a row with these values (column number -> value).

    memo: (text, width) -> lines, kept by the caller for one patch (the same texts recur)."""
    lines = min_lines
    for col, value in values.items():
        if type(value) is not str and not isinstance(value, str) or not value or value[0] == "=":
            continue
        width, hidden = widths.get(col, NO_WIDTH)
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
