"""Cell values of a workbook's sheets, read with python-calamine: the one module that uses it.

Reading a large master or a return with calamine takes milliseconds where openpyxl takes most
of a second. Values come back as openpyxl gives them: '' as None, whole numbers as int, dates as
ISO text, so every reader of rows (the department-table parser, the master's sheets, plan import)
sees one kind of value whatever read the file.
"""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path


def value(v: object) -> object:
    """A calamine value as openpyxl gives it: '' -> None, 3.0 -> 3, dates as ISO text."""
    if v == "" or v is None:
        return None
    if isinstance(v, float) and v.is_integer() and abs(v) < 2 ** 53:
        return int(v)
    if isinstance(v, (dt.datetime, dt.date, dt.time)):
        return v.isoformat(sep=" ") if isinstance(v, dt.datetime) else v.isoformat()
    if isinstance(v, dt.timedelta):
        return str(v)
    return v


def normalize_rows(rows: list[list[object]]) -> list[list[object]]:
    """value() on every cell; text (most cells: '' -> None) without a call."""
    return [[(v or None) if v.__class__ is str else value(v) for v in row] for row in rows]


class SheetValues:
    """The sheets of one workbook, each read once, on first use, from A1."""

    def __init__(self, book):
        self._book = book
        self.names: list[str] = list(book.sheet_names)
        self._rows: dict[str, list[list[object]]] = {}

    @classmethod
    def open(cls, source: bytes | str | Path) -> "SheetValues":
        """From the file's bytes or its path; calamine's own exception types pass through (the
        callers name the file in Japanese)."""
        from python_calamine import CalamineWorkbook

        if isinstance(source, (bytes, bytearray)):
            return cls(CalamineWorkbook.from_filelike(io.BytesIO(source)))
        return cls(CalamineWorkbook.from_path(str(source)))

    def rows(self, title: str) -> list[list[object]]:
        """A sheet's values from A1 ('' as None, whole numbers as int); [] when there is no such sheet."""
        if title not in self._rows:
            if title not in self.names:
                return []
            self._rows[title] = normalize_rows(self._book.get_sheet_by_name(title).to_python(skip_empty_area=False))
        return self._rows[title]
