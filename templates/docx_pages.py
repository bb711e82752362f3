"""Pages of the Word templates: paper, orientation and margins, headers and footers, page numbers,
fields. python-docx has no API for some of these (w:pgNumType, w:titlePg): they are set in the XML.

One page-number style for every document: 「- 3 -」 centred in the footer.
"""
from __future__ import annotations

from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm

A4 = (210, 297)          # mm, portrait (width, height)
A3 = (297, 420)
PORTRAIT_MARGINS = (22, 20, 20, 20)     # top, bottom, left, right
LANDSCAPE_MARGINS = (17, 14, 15, 15)
# Schema order (ECMA-376): the elements that come after w:pgNumType / w:titlePg in w:sectPr.
_AFTER_PGNUMTYPE = ("w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg", "w:textDirection", "w:bidi",
                    "w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange")
_AFTER_TITLEPG = ("w:textDirection", "w:bidi", "w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange")


def _margins(section, top: float, bottom: float, left: float, right: float) -> None:
    section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
    section.left_margin, section.right_margin = Mm(left), Mm(right)
    section.header_distance, section.footer_distance = Mm(min(10, top - 8)), Mm(min(9, bottom - 6))


def a4(section) -> None:
    """A4 portrait (the committee summary and the letters)."""
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(A4[0]), Mm(A4[1])
    _margins(section, *PORTRAIT_MARGINS)


def landscape(section, paper: tuple[int, int] = A4) -> None:
    """Landscape (the progress report's table form): A4 in the template, A3 chosen on 設定 when rendering."""
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(paper[1]), Mm(paper[0])
    _margins(section, *LANDSCAPE_MARGINS)


def text_width_mm(section) -> float:
    return (section.page_width - section.left_margin - section.right_margin) / Mm(1)


def field(paragraph, code: str, placeholder: str = "1") -> None:
    """A Word field (PAGE, NUMPAGES, PAGEREF) that Word and LibreOffice fill in."""
    def fld(kind: str):
        run = paragraph.add_run()
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        run._r.append(el)

    fld("begin")
    instr = paragraph.add_run()._r
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {code} "
    instr.append(text)
    fld("separate")
    paragraph.add_run(placeholder)
    fld("end")


def page_number_footer(section, paragraph=None) -> None:
    """「- 3 -」 centred: the one page-number style of every document."""
    p = paragraph or section.footer.paragraphs[0]
    p.style = "Footer"
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("- ")
    field(p, "PAGE")
    p.add_run(" -")


def restart_numbering(section) -> None:
    pg = OxmlElement("w:pgNumType")
    pg.set(qn("w:start"), "1")
    section._sectPr.insert_element_before(pg, *_AFTER_PGNUMTYPE)


def continue_numbering(section) -> None:
    """A section that goes on counting pages (python-docx copies the section before's w:pgNumType)."""
    for el in section._sectPr.findall(qn("w:pgNumType")):
        section._sectPr.remove(el)


def own_header_footer(section) -> None:
    """The section's header and footer are its own (not continued from the section before)."""
    for part in (section.header, section.footer, section.first_page_header, section.first_page_footer):
        part.is_linked_to_previous = False


def different_first_page(section) -> None:
    """w:titlePg: the first page of the section has its own header and footer."""
    if section._sectPr.find(qn("w:titlePg")) is None:
        section._sectPr.insert_element_before(OxmlElement("w:titlePg"), *_AFTER_TITLEPG)


def header_line(part, text: str, align=WD_ALIGN_PARAGRAPH.RIGHT, first: bool = True):
    """A paragraph of a header (the first one, or a new one after it)."""
    p = part.paragraphs[0] if first else part.add_paragraph()
    p.text, p.alignment = text, align
    p.style = "Header"
    return p
