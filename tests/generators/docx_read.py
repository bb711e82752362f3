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


def header_texts(doc) -> list[str]:
    """Every header paragraph, the first pages' own headers included (w:titlePg)."""
    return [p.text for s in doc.sections for part in (s.header, s.first_page_header) for p in part.paragraphs]


def all_text(doc) -> str:
    parts = paragraphs(doc) + cell_texts(doc) + header_texts(doc)
    for section in doc.sections:
        for part in (section.footer, section.first_page_footer):
            parts.extend(p.text for p in part.paragraphs)
    return "\n".join(parts)


# a date or a year in western form: 2025/6/30, 2025-06-30, 2025年, 2025年度 (never in what the documents write)
WESTERN_DATE = re.compile(r"(?<![0-9０-９])(?:19|20)[0-9]{2}(?:\s*[/.\-]\s*[0-9]{1,2}(?![0-9])|\s*年)")


def western_dates(text: str) -> list[str]:
    return WESTERN_DATE.findall(text)


def toc_entries(doc) -> list[tuple[str, str]]:
    """(heading, page) of each 目次 entry: the paragraphs in the 目次 styles, split at their tab."""
    entries = []
    for p in doc.paragraphs:
        if p.style is not None and p.style.name in ("目次項目1", "目次項目2"):
            title, _, page = p.text.rpartition("\t")
            entries.append((title, page))
    return entries


def landscape(section) -> bool:
    return section.page_width > section.page_height


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


def grade_counts_table(path: Path, with_relistings: bool = True) -> dict[str, int]:
    """The counts of a written document's grade table, {column header: count} in the table's column order:
    the 合計 row of the 基本目標 table (再掲を含む), or the 計画全体 row (再掲を除く). The 取組数 and 平均点
    columns are left out; the codes counted in shares come first, then 未評価, then the codes left out of
    shares (割合の分母 = 除く)."""
    doc = open_docx(path)
    label = "合計" if with_relistings else "計画全体"
    for table in tables_with_header(doc, "区分"):
        rows = table_rows(table)
        if rows[0][1] != "取組数":
            continue
        for row in rows[1:]:
            if row[0].strip() == label:
                return {h: leading_number(c) for h, c in zip(rows[0][2:], row[2:]) if h != "平均点"}
    raise AssertionError(f"no grade table with a row {label} in {path}")
