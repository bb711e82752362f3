"""目次 with page numbers that are really there, in the PDF and in Word.

After rendering, add_toc replaces the template's paragraph ［目次］ with one entry per 見出し 1 and
見出し 2 that follows it: the heading's text, a tab (dot leader) and a PAGEREF field pointing to a
bookmark put on the heading. The fields' results (what Word shows until fields are updated) are
'－' at first. Then:

- LibreOffice converts the document (macros/report.py does it for the PDF, or only to paginate
  when no PDF is wanted). LibreOffice computes PAGEREF fields itself, so the PDF's 目次 is right;
  it also exports the bookmarks as named destinations (generators/pdf.py), whose physical pages
  `pdfinfo -dests` lists. pages_from_pdf turns them into the numbers the footers show (the body
  section restarts at 1), and fill_numbers writes them into the fields' results of the .docx, so
  Word shows the same numbers on opening. (Word lays pages out with its own fonts; if its pages
  differ, ［すべて選択］→ F9 recomputes every entry from the bookmarks.)
- Without LibreOffice (or pdfinfo), the results stay '－' and the fields are marked dirty: Word
  recomputes them when asked to update fields (F9), and macros/report.py says so.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

TOC_MARKER = "［目次］"           # templates/build_report_table.TOC_MARKER
BOOKMARK = "_TocSaihan"          # Word hides bookmarks whose names start with '_'
START = f"{BOOKMARK}Start"       # + the number it starts at: the first paragraph of the restarted section
LEVELS = {"Heading 1": "目次項目1", "Heading 2": "目次項目2"}   # heading style -> entry style
NO_PAGE = "－"
_BOOKMARK_ID = 9000
_DEST = re.compile(r'^\s*(\d+)\s+\[.*\]\s+"(.*)"\s*$')


def _bookmark(paragraph_el, name: str, number: int) -> None:
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(number))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(number))
    ppr = paragraph_el.find(qn("w:pPr"))
    if ppr is not None:
        ppr.addnext(start)
    else:
        paragraph_el.insert(0, start)
    paragraph_el.append(end)


def _run(paragraph_el, child=None, text: str | None = None):
    r = OxmlElement("w:r")
    if child is not None:
        r.append(child)
    if text is not None:
        t = OxmlElement("w:t")
        t.set(qn("xml:space"), "preserve")
        t.text = text
        r.append(t)
    paragraph_el.append(r)
    return r


def _fld_char(kind: str, dirty: bool = False):
    el = OxmlElement("w:fldChar")
    el.set(qn("w:fldCharType"), kind)
    if dirty:
        el.set(qn("w:dirty"), "true")
    return el


def _entry(document, text: str, style: str, bookmark: str):
    """An entry: the heading's text, a tab, PAGEREF to its bookmark (result '－' until filled)."""
    paragraph = document.add_paragraph()
    try:
        paragraph.style = style
    except KeyError:      # a template without the entry styles: Word's default paragraph
        pass
    p = paragraph._p
    _run(p, text=text)
    _run(p, OxmlElement("w:tab"))
    _run(p, _fld_char("begin", dirty=True))
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" PAGEREF {bookmark} \\h "
    _run(p, instr)
    _run(p, _fld_char("separate"))
    _run(p, text=NO_PAGE)
    _run(p, _fld_char("end"))
    return p


def _numbering_start(body):
    """(first paragraph, start number) of the first section whose page numbers restart; (None, 1) if none."""
    first = None
    sections = [el for el in body.iterchildren(qn("w:p")) if el.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None]
    ends = {id(el) for el in sections}
    final = body.find(qn("w:sectPr"))
    for el in body.iterchildren(qn("w:p")):
        if first is None:
            first = el
        if id(el) in ends:
            number = el.find(f"{qn('w:pPr')}/{qn('w:sectPr')}/{qn('w:pgNumType')}")
            if number is not None and number.get(qn("w:start")):
                return first, int(number.get(qn("w:start")))
            first = None
    number = final.find(qn("w:pgNumType")) if final is not None else None
    if number is not None and number.get(qn("w:start")) and first is not None:
        return first, int(number.get(qn("w:start")))
    return None, 1


def add_toc(document) -> list[str]:
    """Replace the ［目次］ paragraph with the entries; returns the entries' texts ([] without a marker)."""
    paragraphs = document.paragraphs
    marker = next((i for i, p in enumerate(paragraphs) if p.text.strip() == TOC_MARKER), None)
    if marker is None:
        return []
    headings = [p for p in paragraphs[marker + 1:]
                if p.style is not None and p.style.name in LEVELS and p.text.strip()]
    first, start = _numbering_start(document.element.body)
    if first is not None:
        _bookmark(first, f"{START}{start}", _BOOKMARK_ID)
    anchor = paragraphs[marker]._p
    texts = []
    for n, heading in enumerate(headings, start=1):
        name = f"{BOOKMARK}{n:03d}"
        _bookmark(heading._p, name, _BOOKMARK_ID + n)
        text = " ".join(heading.text.split("\n")).strip()
        entry = _entry(document, text, LEVELS[heading.style.name], name)
        anchor.addprevious(entry)
        texts.append(text)
    anchor.getparent().remove(anchor)
    return texts


def pages_from_pdf(pdf: Path) -> dict[str, str]:
    """bookmark -> the page number its footer shows, read from the PDF's named destinations
    (`pdfinfo -dests`, poppler-utils); {} when pdfinfo is missing or the PDF has none."""
    executable = shutil.which("pdfinfo")
    if executable is None:
        return {}
    try:
        done = subprocess.run([executable, "-dests", str(pdf)], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return {}
    physical = {}
    for line in done.stdout.splitlines():
        match = _DEST.match(line)
        if match and BOOKMARK.lstrip("_") in match.group(2):
            key = "_" + match.group(2)[match.group(2).index(BOOKMARK.lstrip("_")):]   # LibreOffice writes _ as 5F
            physical.setdefault(key, int(match.group(1)))
    starts = [name for name in physical if name.startswith(START)]
    start_page, start_number = (physical.pop(starts[0]), int(starts[0][len(START):] or 1)) if starts else (1, 1)
    return {name: str(page - start_page + start_number) for name, page in physical.items()}


def fill_numbers(docx: Path, pages: dict[str, str]) -> int:
    """Write the page numbers into the PAGEREF fields' results of the saved .docx; returns how many."""
    doc = Document(str(docx))
    filled = 0
    for p in doc.element.body.iter(qn("w:p")):
        begin, name, in_result = None, None, False
        for r in p.iterchildren(qn("w:r")):
            char = r.find(qn("w:fldChar"))
            kind = char.get(qn("w:fldCharType")) if char is not None else None
            instr = r.find(qn("w:instrText"))
            if kind == "begin":
                begin, name, in_result = char, None, False
            elif instr is not None and begin is not None:
                match = re.search(rf"PAGEREF\s+({BOOKMARK}\w+)", instr.text or "")
                name = match.group(1) if match else name
            elif kind == "separate":
                in_result = name in pages
            elif kind == "end":
                begin, name, in_result = None, None, False
            elif in_result and r.find(qn("w:t")) is not None:
                r.find(qn("w:t")).text = pages[name]
                begin.attrib.pop(qn("w:dirty"), None)
                filled += 1
                in_result = False
    doc.save(str(docx))
    return filled
