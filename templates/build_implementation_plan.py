"""実施計画（案） (implementation_plan_tpl.docx): the rolling 実施計画 per 施策 (seed 004), landscape, in
the house style and table form of the progress report.

    cover                               section 1: no header or footer
    body                                section 2: numbered from 1, the header names the document

The body is one marker paragraph ［本文］: generators/implementation_doc.py writes one block per 施策
there (its tables have one column per year, known only when rendering), in this template's styles
(見出し 1/2, 表題, 報告書表, 表本文, 表見出し, 注記). It is always a draft: （案） in the title.
"""
from __future__ import annotations

from pathlib import Path

from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm

from docx_kit import NOTE, para, table_form_styles, tag, new_document
from docx_pages import header_line, landscape, own_header_footer, page_number_footer, restart_numbering, text_width_mm
import report_parts as parts

IMPLEMENTATION_PLAN = "implementation_plan_tpl.docx"
TITLE = "実施計画（案）"
BODY_MARKER = "［本文］"              # generators/implementation_doc.BODY_MARKER
HEADER = "{{ mark.sample }}{{ plan_name }}　" + TITLE + "（{{ revision }}）"


def build_implementation_plan(path: Path) -> Path:
    doc = new_document(TITLE, page=landscape)
    table_form_styles(doc, text_width_mm(doc.sections[0]))
    cover = doc.sections[0]
    para(doc, "{{ plan_name }}", "Subtitle").paragraph_format.space_before = Mm(40)
    para(doc, "{{ mark.sample }}" + TITLE, "Title")
    para(doc, "（{{ revision }}）", "Subtitle")
    tag(doc, parts.SAMPLE_NOTE[0])
    para(doc, parts.SAMPLE_NOTE[1], NOTE, align=WD_ALIGN_PARAGRAPH.CENTER)
    tag(doc, parts.SAMPLE_NOTE[2])
    para(doc, "{{ as_of }}", "Subtitle").paragraph_format.space_before = Mm(30)
    para(doc, "{{ municipality }}", "Subtitle")
    body = doc.add_section(WD_SECTION.NEW_PAGE)
    restart_numbering(body)
    own_header_footer(body)
    header_line(body.header, HEADER)
    page_number_footer(body)
    own_header_footer(cover)
    para(doc, BODY_MARKER)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path
