"""Column widths of the grade-count tables, set after rendering.

A grade-count table has one column per code of the city's scale (docxtpl {%tc for %} cells), so
its columns are known only when it is rendered. The template marks such a table with the
table title (代替テキストのタイトル) COUNTS_TABLE; after rendering, every column but the first gets
the width its widest text needs, and the first column (the row labels) takes what is left,
between LABEL_MIN_MM and LABEL_MAX_MM. Widths are estimated from the characters: ASCII about
half an em, anything else (kana, kanji, full-width forms, ◎○△) one em, with a margin for
fonts whose digits run wider.
"""
from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm

COUNTS_TABLE = "達成度の件数表"   # templates/docx_kit.py writes the same title
TWIPS_PER_MM = 56.7
LABEL_MIN_MM = 28.0
LABEL_MAX_MM = 45.0
PAD_MM = 3.6              # the cell margins of the table style (1.5 mm each side) and a little air
SLACK = 1.08              # fonts differ from the estimate (proportional digits, substituted fonts)
CELL_POINTS = 9.0         # 表本文 / 表見出し
_MM_PER_POINT = 25.4 / 72


def ems(text: str) -> float:
    """Text width in ems: ASCII half an em, other characters one."""
    return sum(0.55 if ch.isascii() else 1.0 for ch in text)


def text_width_mm(text: str, points: float = CELL_POINTS) -> float:
    """The width of the longest line of text, in mm, at the font size given."""
    return max((ems(line) for line in text.split("\n")), default=0.0) * points * _MM_PER_POINT * SLACK


def needed_mm(texts: list[str], points: float = CELL_POINTS) -> float:
    return max((text_width_mm(t, points) for t in texts), default=0.0) + PAD_MM


def _is_marked(tbl) -> bool:
    props = tbl.find(qn("w:tblPr"))
    caption = props.find(qn("w:tblCaption")) if props is not None else None
    return caption is not None and caption.get(qn("w:val")) == COUNTS_TABLE


def _table_mm(tbl) -> float:
    """The table's width (w:tblW) in millimetres."""
    return int(tbl.find(qn("w:tblPr")).find(qn("w:tblW")).get(qn("w:w"))) / TWIPS_PER_MM


def _set_grid(tbl, mm: list[float]) -> list[int]:
    """Replace the table's w:tblGrid with columns of these widths; their widths in twips."""
    twips = [int(w * TWIPS_PER_MM) for w in mm]
    grid = tbl.find(qn("w:tblGrid"))
    for col in list(grid):
        grid.remove(col)
    for w in twips:
        col = OxmlElement("w:gridCol")
        col.set(qn("w:w"), str(w))
        grid.append(col)
    return twips


def fixed_columns(table, mm: list[float]) -> None:
    """A python-docx table laid out at these column widths (mm): its grid and every cell's width, so
    Word and LibreOffice keep them (autofit off)."""
    table.autofit = False
    _set_grid(table._tbl, mm)
    for row in table.rows:
        for cell, width in zip(row.cells, mm):
            cell.width = Mm(width)


def keep_rows_whole(table) -> None:
    """No row split over two pages, and the first row repeated at the top of each."""
    for r, row in enumerate(table.rows):
        props = row._tr.get_or_add_trPr()
        props.append(OxmlElement("w:cantSplit"))
        if r == 0:
            props.append(OxmlElement("w:tblHeader"))


def keep_heading_with_first_row(document) -> int:
    """Every paragraph of a table's repeated heading rows and of its first row under them kept with
    the next (w:keepNext): the heading never stands alone at a page's foot. LibreOffice 7.4 (the
    PDF copies) otherwise moves that first row (w:cantSplit) to the next page and loses it there,
    under the repeated heading. Returns how many tables were set."""
    done = 0
    for tbl in document.element.body.iter(qn("w:tbl")):
        rows = tbl.findall(qn("w:tr"))
        heading = [tr for tr in rows if tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None]
        if not heading or len(rows) == len(heading):
            continue
        for tr in rows[:len(heading) + 1]:
            for p in tr.iter(qn("w:p")):
                p.get_or_add_pPr().get_or_add_keepNext()
        done += 1
    return done


def _cell_properties(tc):
    """The cell's w:tcPr, made when it has none."""
    props = tc.find(qn("w:tcPr"))
    if props is None:
        props = OxmlElement("w:tcPr")
        tc.insert(0, props)
    return props


def _set_width(tc, twips: int) -> None:
    """w:tcW of a cell (the rendered body is plain XML: no python-docx element classes)."""
    props = _cell_properties(tc)
    width = props.find(qn("w:tcW"))
    if width is None:
        width = OxmlElement("w:tcW")
        props.insert(1 if props.find(qn("w:cnfStyle")) is not None else 0, width)
    width.set(qn("w:type"), "dxa")
    width.set(qn("w:w"), str(twips))


def _cell_text(tc) -> str:
    """A cell's text with its paragraphs and line breaks as newlines."""
    lines = []
    for p in tc.iter(qn("w:p")):
        parts = []
        for el in p.iter(qn("w:t"), qn("w:br")):
            parts.append("\n" if el.tag == qn("w:br") else (el.text or ""))
        lines.append("".join(parts))
    return "\n".join(lines)


def widths(columns: list[list[str]], total_mm: float) -> list[float]:
    """Column widths in mm: each column after the first as wide as its widest text needs; the first
    takes the rest, kept between LABEL_MIN_MM and LABEL_MAX_MM (the others grow or shrink to fit)."""
    needs = [needed_mm(texts) for texts in columns[1:]]
    label = total_mm - sum(needs)
    if not needs:
        return [total_mm]
    if label > LABEL_MAX_MM:
        extra = (label - LABEL_MAX_MM) / len(needs)
        return [LABEL_MAX_MM] + [n + extra for n in needs]
    if label < LABEL_MIN_MM:
        scale = (total_mm - LABEL_MIN_MM) / sum(needs)
        return [LABEL_MIN_MM] + [n * scale for n in needs]
    return [label] + needs


def fit_counts_tables(document) -> None:
    """Set the column widths of every marked table of a rendered python-docx document."""
    for tbl in document.element.body.iter(qn("w:tbl")):
        if not _is_marked(tbl):
            continue
        rows = [tr.findall(qn("w:tc")) for tr in tbl.findall(qn("w:tr"))]
        count = max((len(r) for r in rows), default=0)
        if count == 0:
            continue
        columns = [[_cell_text(r[c]) for r in rows if c < len(r)] for c in range(count)]
        twips = _set_grid(tbl, widths(columns, _table_mm(tbl)))
        for row in rows:
            for tc, w in zip(row, twips):
                _set_width(tc, w)


# --- the matrix of actions and departments (関連事業と担当課) ---------------------------------------
MATRIX_TABLE = "関連事業と担当課"   # templates/build_report_table.MATRIX_TABLE
CODE_MM = 16.0
TITLE_MIN_MM = 70.0
DEPARTMENT_MM = (4.5, 20.0)       # a department's column: at least, at most
VERTICAL_BELOW_MM = 12.0          # narrower columns take their header written vertically
HEADER_POINTS = 9.0


def _span(tc, columns: int) -> None:
    props = _cell_properties(tc)
    span = props.find(qn("w:gridSpan"))
    if span is None:
        span = OxmlElement("w:gridSpan")
        width = props.find(qn("w:tcW"))
        (width.addnext(span) if width is not None else props.insert(0, span))
    span.set(qn("w:val"), str(columns))


def _vertical(tc, row, name: str) -> None:
    """The header written top to bottom (縦書き), the row as tall as the longest name needs."""
    props = tc.find(qn("w:tcPr"))
    direction = OxmlElement("w:textDirection")
    direction.set(qn("w:val"), "tbRl")
    props.append(direction)
    height_mm = ems(name) * HEADER_POINTS * _MM_PER_POINT * 1.1 + PAD_MM
    trpr = row.find(qn("w:trPr"))
    old = trpr.find(qn("w:trHeight"))
    if old is None or int(old.get(qn("w:val"))) < height_mm * TWIPS_PER_MM:
        if old is not None:
            trpr.remove(old)
        el = OxmlElement("w:trHeight")
        el.set(qn("w:val"), str(int(height_mm * TWIPS_PER_MM)))
        el.set(qn("w:hRule"), "atLeast")
        trpr.insert(0, el)


def matrix_widths(total_mm: float, departments: int) -> list[float]:
    """取組番号, 重点取組, then one equal column per department; 重点取組 takes what is left."""
    each = min(max((total_mm - CODE_MM - TITLE_MIN_MM) / max(departments, 1), DEPARTMENT_MM[0]), DEPARTMENT_MM[1])
    return [CODE_MM, total_mm - CODE_MM - each * departments] + [each] * departments


def fit_matrix(document) -> None:
    """Widths, spans and header direction of every rendered matrix table."""
    for tbl in document.element.body.iter(qn("w:tbl")):
        caption = tbl.find(f"{qn('w:tblPr')}/{qn('w:tblCaption')}")
        if caption is None or caption.get(qn("w:val")) != MATRIX_TABLE:
            continue
        rows = tbl.findall(qn("w:tr"))
        departments = len(rows[0].findall(qn("w:tc"))) - 2
        mm = matrix_widths(_table_mm(tbl), departments)
        twips = _set_grid(tbl, mm)
        for tr in rows:
            cells = tr.findall(qn("w:tc"))
            if len(cells) == 1:
                _set_width(cells[0], sum(twips))
                _span(cells[0], len(twips))
                continue
            for tc, w in zip(cells, twips):
                _set_width(tc, w)
        if mm[2:] and mm[2] < VERTICAL_BELOW_MM:
            for tc in rows[0].findall(qn("w:tc"))[2:]:
                _vertical(tc, rows[0], _cell_text(tc))
