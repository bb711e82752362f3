"""Page geometry of a rendered report: the paper chosen on 設定, and rows taller than a page.

- set_paper: the table form's template is A4 landscape; with 設定「進捗状況報告書の用紙」= A3横 every
  landscape section becomes A3 landscape and every table, and the 目次's right tab, grows with the
  text width (the font sizes stay, so rows take fewer lines).
- allow_tall_rows_to_split: every row of the action tables is kept on one page (w:cantSplit), except
  a row estimated taller than a page, which may then continue on the next (Word would otherwise
  cut it off at the page's foot).
"""
from __future__ import annotations

import math

from docx.oxml.ns import qn
from docx.shared import Mm

from workbook.domain.settings import PAPER_A3

from .table_fit import TWIPS_PER_MM, ems

A3_LANDSCAPE_MM = (420, 297)
ROW_POINTS = 8.0          # 取組表本文: 8 pt on lines exactly 10.5 pt apart
LINE_POINTS = 10.5
CELL_PAD_MM = 3.0         # the cell's margins, left and right
ROW_PAD_MM = 1.5          # top and bottom
_MM_PER_POINT = 25.4 / 72


def _scale_twips(el, attr: str, factor: float) -> None:
    value = el.get(qn(attr))
    if value is not None and value.lstrip("-").isdigit():
        el.set(qn(attr), str(int(int(value) * factor)))


def set_paper(document, paper: str) -> None:
    """Turn every landscape section to A3 landscape when paper is A3横 (A4横 leaves the template's page)."""
    if paper != PAPER_A3:
        return
    factor = None
    for section in document.sections:
        if section.page_width <= section.page_height:
            continue
        old = section.page_width - section.left_margin - section.right_margin
        section.page_width, section.page_height = Mm(A3_LANDSCAPE_MM[0]), Mm(A3_LANDSCAPE_MM[1])
        factor = (section.page_width - section.left_margin - section.right_margin) / old
    if factor is None:
        return
    body = document.element.body
    for tblw in body.iter(qn("w:tblW")):
        if tblw.get(qn("w:type")) == "dxa":
            _scale_twips(tblw, "w:w", factor)
    for col in body.iter(qn("w:gridCol")):
        _scale_twips(col, "w:w", factor)
    for tcw in body.iter(qn("w:tcW")):
        if tcw.get(qn("w:type")) == "dxa":
            _scale_twips(tcw, "w:w", factor)
    for tab in document.styles.element.iter(qn("w:tab")):
        if tab.get(qn("w:val")) == "right":
            _scale_twips(tab, "w:pos", factor)


def _lines(text: str, width_mm: float, points: float) -> int:
    per_line = max((width_mm - CELL_PAD_MM) / (points * _MM_PER_POINT), 1.0)
    return sum(max(1, math.ceil(ems(line) / per_line)) for line in text.split("\n"))


def _cell_text(tc) -> str:
    lines = []
    for p in tc.iter(qn("w:p")):
        lines.append("".join("\n" if el.tag == qn("w:br") else (el.text or "")
                             for el in p.iter(qn("w:t"), qn("w:br"))))
    return "\n".join(lines)


def row_height_mm(tr, points: float = ROW_POINTS) -> float:
    """An estimate of a row's height from its text and its cells' widths."""
    tallest = 0.0
    for tc in tr.findall(qn("w:tc")):
        width = tc.find(f"{qn('w:tcPr')}/{qn('w:tcW')}")
        width_mm = int(width.get(qn("w:w"))) / TWIPS_PER_MM if width is not None else 30.0
        tallest = max(tallest, _lines(_cell_text(tc), width_mm, points) * LINE_POINTS * _MM_PER_POINT)
    return tallest + ROW_PAD_MM


def page_text_height_mm(document) -> float:
    section = document.sections[-1]
    return (section.page_height - section.top_margin - section.bottom_margin) / Mm(1)


def allow_tall_rows_to_split(document, title: str) -> int:
    """Remove w:cantSplit from the rows of the tables titled title that would not fit on a page (the
    repeated header row taken off); returns how many rows may now split."""
    room = page_text_height_mm(document)
    freed = 0
    for tbl in document.element.body.iter(qn("w:tbl")):
        caption = tbl.find(f"{qn('w:tblPr')}/{qn('w:tblCaption')}")
        if caption is None or caption.get(qn("w:val")) != title:
            continue
        rows = tbl.findall(qn("w:tr"))
        header = row_height_mm(rows[0]) if rows else 0.0
        for tr in rows[1:]:
            keep = tr.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}")
            if keep is not None and row_height_mm(tr) > room - header:
                keep.getparent().remove(keep)
                freed += 1
    return freed
