"""Row heights as the add-on estimates them: lines of wrapped text over the column widths.

Neither openpyxl nor LibreOffice sets row heights from wrapped text, so the writers set them;
styles.autofit_rows does it with openpyxl, row_height for the patch (workbook.ooxml.patch).
"""
from __future__ import annotations

import math
import unicodedata
from functools import reduce
from operator import add


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
