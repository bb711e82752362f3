"""Rows and cells of a worksheet's <sheetData>, as XML text: split, read and written without a tree.

A patch rewrites thousands of cells of a master; building and serialising an element tree for
each costs most of a collect, so sheetData is held as the text of its rows (workbook.ooxml.sheet_xml)
and a row is split into the text of its cells only when it is edited or read. The text is the
part as Excel, openpyxl or lxml wrote it: elements in the main namespace without a prefix,
attributes in double quotes, no comments, CDATA or processing instructions (sheet_xml passes any
other part through lxml once to make it so). What a cell holds is read the way workbook.ooxml.changes
reads it: the formula, the inline string (phonetic runs left out) or <v>.
"""
from __future__ import annotations

import re

from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string

ROW = re.compile(r"<row\b[^>]*?(?:/>|>.*?</row>)", re.S)
CELL = re.compile(r"<c\b[^>]*?(?:/>|>.*?</c>)", re.S)
_ROW_NUMBER = re.compile(r'\sr="(\d+)"')
_CELL_REF = re.compile(r'\sr="([A-Z]+)\d*"')
_FIRST_REF = re.compile(r'<c r="([A-Z]+)')
_T_ATTR = re.compile(r'\st="[^"]*"')
_SPANS = re.compile(r'\sspans="[^"]*"')
_F_TAG = re.compile(r"<f\b([^>]*?)(?:/>|>(.*?)</f>)", re.S)
_V_TAG = re.compile(r"<v\b[^>]*?(?:/>|>(.*?)</v>)", re.S)
_IS_TAG = re.compile(r"<is\b[^>]*?(?:/>|>(.*?)</is>)", re.S)
_T_TAG = re.compile(r"<t\b[^>]*?(?:/>|>(.*?)</t>)", re.S)
_RUN = re.compile(r"<r\b[^>]*?(?:/>|>(.*?)</r>)", re.S)
_PHONETIC = re.compile(r"<rPh\b[^>]*?(?:/>|>.*?</rPh>)", re.S)
_ENTITY = re.compile(r"&(#x[0-9A-Fa-f]+|#[0-9]+|lt|gt|amp|quot|apos);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
_ATTRS: dict[str, re.Pattern] = {}
_COLUMNS: dict[str, int] = {}
_LETTERS: dict[int, str] = {}


def column(letters: str) -> int:
    col = _COLUMNS.get(letters)
    if col is None:
        col = _COLUMNS[letters] = column_index_from_string(letters)
    return col


def letter(col: int) -> str:
    text = _LETTERS.get(col)
    if text is None:
        text = _LETTERS[col] = get_column_letter(col)
    return text


def _attribute(name: str) -> re.Pattern:
    """The pattern of one attribute's value in a start tag (made once per name)."""
    pattern = _ATTRS.get(name)
    if pattern is None:
        pattern = _ATTRS[name] = re.compile(rf'\s{re.escape(name)}="([^"]*)"')
    return pattern


def attr(tag: str, name: str) -> str | None:
    """The value of an attribute in a start tag's text (unescaped), or None."""
    match = _attribute(name).search(tag)
    return None if match is None else unescape(match.group(1))


def set_attr(tag: str, name: str, value: str) -> str:
    """A start tag's text with the attribute set (in its place, or added at the end)."""
    match = _attribute(name).search(tag)
    if match is None:
        return f'{tag} {name}="{value}"'
    return f'{tag[:match.start(1)]}{value}{tag[match.end(1):]}'


def without_spans(start: str) -> str:
    """A row's start tag without spans= (a hint Excel writes; stale once cells are added)."""
    return _SPANS.sub("", start) if ' spans="' in start else start


def escape(text: str) -> str:
    """Text as XML element content, escaped as lxml (libxml2) writes it."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    return text


def _entity(m: re.Match) -> str:
    name = m.group(1)
    if name[0] == "#":
        return chr(int(name[2:], 16) if name[1] in "xX" else int(name[1:]))
    return _NAMED[name]


def unescape(text: str) -> str:
    return _ENTITY.sub(_entity, text) if "&" in text else text


# --- rows ---------------------------------------------------------------------------------------
def row_number(text: str) -> int | None:
    match = _ROW_NUMBER.search(text, 0, text.find(">"))
    return int(match.group(1)) if match else None


def row_start(text: str) -> str:
    """A row's start tag without its closing '>' or '/>'."""
    end = text.find(">")
    return text[:end - 1].rstrip() if text[end - 1] == "/" else text[:end]


class Row:
    """An edited row: its start tag (without '>'), its cells' text by column, and what follows
    the cells (an <extLst>, mostly nothing)."""

    __slots__ = ("start", "cells", "rest")

    def __init__(self, start: str, cells: dict[int, str] | None = None, rest: str = ""):
        self.start = start
        self.cells = {} if cells is None else cells
        self.rest = rest

    @property
    def ordered(self) -> bool:
        """The cells are held in column order (text() writes them in column order either way)."""
        cols = list(self.cells)
        return cols == sorted(cols)

    @classmethod
    def parse(cls, text: str, r: int) -> "Row":
        end = text.find(">")
        if text[end - 1] == "/":
            return cls(text[:end - 1].rstrip())
        body = text[end + 1:-6]
        pieces = body.split("<c ")
        letters = _FIRST_REF.findall(body)
        # the usual form: every cell starts <c r="..., right after the previous one, and the row
        # holds nothing after its last cell; anything else is read by the regular expression
        if pieces[0] or len(letters) != len(pieces) - 1 or body.count("><c ") != len(letters) - 1 or \
                not (body.endswith("</c>") or body.endswith("/>")) or "<extLst" in pieces[-1] or \
                "<c>" in body or "<c/>" in body:      # a cell without attributes
            return cls._parse_any(text[:end], body, r)
        cols = [_COLUMNS.get(x) or column(x) for x in letters]
        return cls(text[:end], dict(zip(cols, ["<c " + piece for piece in pieces[1:]])))

    @classmethod
    def _parse_any(cls, start: str, body: str, r: int) -> "Row":
        cells: dict[int, str] = {}
        previous, last = 0, 0
        for match in CELL.finditer(body):
            cell = match.group()
            ref = _CELL_REF.search(cell, 0, cell.find(">"))
            col = column(ref.group(1)) if ref else previous + 1
            if not ref:                       # a cell without r=: the one after the previous
                cell = f'<c r="{letter(col)}{r}"{cell[2:]}'
            cells[col] = cell
            previous, last = col, match.end()
        return cls(start, cells, body[last:].strip())

    def text(self) -> str:
        if not self.cells and not self.rest:
            return self.start + "/>"
        cells = self.cells
        return f"{self.start}>{''.join([cells[c] for c in sorted(cells)])}{self.rest}</row>"


def split_rows(body: str) -> list[str]:
    """The text of each <row> in a <sheetData>'s content, in order."""
    pieces = body.split("<row ")
    rows = ["<row " + piece for piece in pieces[1:]]
    # anything before the first row, a <row> or <row/> without attributes, a row not ended: the long way
    if pieces[0].strip() or body.count("<row") != len(rows) or \
            not all(row.endswith("</row>") or row.endswith("/>") for row in rows):
        return [m.group() for m in ROW.finditer(body)]
    return [row if row[-1] == ">" else row.rstrip() for row in rows]


def last_column(text: str) -> int | None:
    """The column of a row's last cell (cells are in column order), from the row's text; None
    when it has no cell or its last cell has no r=."""
    i = max(text.rfind("<c "), text.rfind("<c>"), text.rfind("<c/>"))
    if i < 0 or text[i + 2] != " ":       # no cell, or the last has no attributes
        return None
    ref = _CELL_REF.search(text, i, text.find(">", i))
    return column(ref.group(1)) if ref else None


# --- cells --------------------------------------------------------------------------------------
def cell_start(cell: str) -> tuple[str, str]:
    """(the start tag without '>' and without t=, what is kept of the content: its <extLst>)."""
    end = cell.find(">")
    if cell[end - 1] == "/":
        start, content = cell[:end - 1], ""
        if start[-1] <= " ":
            start = start.rstrip()
    else:
        start, content = cell[:end], cell[end + 1:-4]
    i = start.find(' t="')
    if i >= 0:
        start = start[:i] + start[start.index('"', i + 4) + 1:]
    elif 't="' in start:
        start = _T_ATTR.sub("", start)
    i = content.find("<extLst") if content else -1
    return start, (content[i:] if i >= 0 else "")


def has_formula(cell: str) -> bool:
    return "<f" in cell and _F_TAG.search(cell) is not None


def content(cell: str) -> tuple[str, str] | None:
    """(the start tag, the content) of a cell; None when it has no child element."""
    end = cell.find(">")
    if cell[end - 1] == "/":
        return None
    inner = cell[end + 1:-4]
    return (cell[:end], inner) if "<" in inner else None


def formula(inner: str) -> tuple[str, str | None] | None:
    """(the <f>'s attributes text, its formula or None when empty) of a cell's content; None when none."""
    match = _F_TAG.search(inner) if "<f" in inner else None
    if match is None:
        return None
    return match.group(1), (unescape(match.group(2)) if match.group(2) else None)


def value_text(inner: str) -> str | None:
    """The text of a cell's <v>, or None."""
    match = _V_TAG.search(inner)
    return unescape(match.group(1)) if match and match.group(1) else None


def inline_text(inner: str) -> str | None:
    """The text of a cell's <is>: its <t>, or its rich-text runs' <t> (phonetic <rPh> left out);
    None when there is no <is>."""
    match = _IS_TAG.search(inner)
    if match is None:
        return None
    node = match.group(1) or ""
    if "<rPh" in node:
        node = _PHONETIC.sub("", node)
    direct = _T_TAG.search(_RUN.sub("", node)) if "<r" in node else _T_TAG.search(node)
    if direct is not None:
        return unescape(direct.group(1) or "")
    texts = []
    for run in _RUN.finditer(node):
        t = _T_TAG.search(run.group(1) or "")
        texts.append(unescape(t.group(1) or "") if t else "")
    return "".join(texts)


def shared_formulas(cells) -> dict[str, tuple[str, str]]:
    """si -> (the anchor cell, its formula) of the shared formulas among these cells' text."""
    out = {}
    for cell in cells:
        if "shared" not in cell:
            continue
        parts = content(cell)
        found = formula(parts[1]) if parts else None
        if found and found[1] and attr(found[0], "t") == "shared" and attr(found[0], "si") is not None:
            out[attr(found[0], "si")] = (attr(parts[0], "r"), found[1])
    return out
