"""The 目次: entries with PAGEREF fields to bookmarks on the headings, and their numbers read from a PDF's
named destinations (pdfinfo -dests) and written back into the .docx."""
from __future__ import annotations

import subprocess

from docx import Document
from docx.enum.section import WD_SECTION
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from generators import toc

from .docx_read import paragraphs


def small_report(path):
    """A cover section with ［目次］, then a section numbered from 1 with three headings."""
    doc = Document()
    doc.add_paragraph("表紙")
    doc.add_paragraph(toc.TOC_MARKER)
    body = doc.add_section(WD_SECTION.NEW_PAGE)
    start = OxmlElement("w:pgNumType")
    start.set(qn("w:start"), "1")
    body._sectPr.append(start)
    for text, style in (("1　はじめに", "Heading 1"), ("基本目標1　相談", "Heading 2"), ("2　指標", "Heading 1")):
        doc.add_paragraph(text, style=style)
        doc.add_paragraph("本文")
    toc.add_toc(doc)
    doc.save(str(path))
    return path


def results(path) -> list[str]:
    return [p.text.rpartition("\t")[2] for p in Document(str(path)).paragraphs if "\t" in p.text]


def test_entries_replace_the_marker_and_point_to_bookmarks_on_the_headings(tmp_path):
    path = small_report(tmp_path / "r.docx")
    doc = Document(str(path))
    assert toc.TOC_MARKER not in paragraphs(doc)
    assert [p.text for p in doc.paragraphs if "\t" in p.text] == ["1　はじめに\t－", "基本目標1　相談\t－", "2　指標\t－"]
    marks = [b.get(qn("w:name")) for b in doc.element.body.iter(qn("w:bookmarkStart"))]
    assert sorted(marks) == ["_TocSaihan001", "_TocSaihan002", "_TocSaihan003", "_TocSaihanStart1"]
    begins = [c for c in doc.element.body.iter(qn("w:fldChar")) if c.get(qn("w:fldCharType")) == "begin"]
    assert all(c.get(qn("w:dirty")) == "true" for c in begins)     # Word recomputes them on F9 until filled


def test_numbers_from_the_pdfs_destinations_are_written_into_the_fields(tmp_path, monkeypatch):
    path = small_report(tmp_path / "r.docx")
    listing = ('Page  Destination                 Name\n'
               '   3 [ XYZ   43  535 null      ] "5FTocSaihan001"\n'
               '   3 [ XYZ   43  535 null      ] "5FTocSaihanStart1"\n'
               '   4 [ XYZ   43  135 null      ] "5FTocSaihan002"\n'
               '   7 [ XYZ   43  547 null      ] "5FTocSaihan003"\n')
    monkeypatch.setattr(toc.shutil, "which", lambda name: "/usr/bin/pdfinfo")
    monkeypatch.setattr(toc.subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(a, 0, listing, ""))
    pages = toc.pages_from_pdf(tmp_path / "r.pdf")
    assert pages == {"_TocSaihan001": "1", "_TocSaihan002": "2", "_TocSaihan003": "5"}
    assert toc.fill_numbers(path, pages) == 3
    assert results(path) == ["1", "2", "5"]
    doc = Document(str(path))
    assert not any(c.get(qn("w:dirty")) for c in doc.element.body.iter(qn("w:fldChar")))


def test_without_pdfinfo_there_are_no_numbers(tmp_path, monkeypatch):
    monkeypatch.setattr(toc.shutil, "which", lambda name: None)
    assert toc.pages_from_pdf(tmp_path / "r.pdf") == {}


def test_a_template_without_the_marker_gets_no_toc():
    doc = Document()
    doc.add_paragraph("1　はじめに", style="Heading 1")
    assert toc.add_toc(doc) == []
