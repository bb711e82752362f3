"""Reading generated .docx files back in tests (python-docx), independent of the generators."""
from __future__ import annotations

import re
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn


def open_docx(path: Path):
    return Document(str(path))


def paragraphs(doc) -> list[str]:
    return [p.text for p in doc.paragraphs]


def cell_texts(doc) -> list[str]:
    return [cell.text for table in doc.tables for row in table.rows for cell in row.cells]


def all_text(doc) -> str:
    parts = paragraphs(doc) + cell_texts(doc)
    for section in doc.sections:
        for part in (section.header, section.footer):
            parts.extend(p.text for p in part.paragraphs)
    return "\n".join(parts)


def styled(doc, style_name: str) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style is not None and p.style.name == style_name]


def table_rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def tables_with_header(doc, first: str) -> list:
    return [t for t in doc.tables if t.rows and t.rows[0].cells[0].text == first]


def leading_number(text: str) -> int:
    match = re.match(r"\s*(\d+)", text)
    assert match, f"no count in {text!r}"
    return int(match.group(1))


def east_asia_font(style) -> str | None:
    rpr = style.element.rPr
    fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
    return None if fonts is None else fonts.get(qn("w:eastAsia"))
