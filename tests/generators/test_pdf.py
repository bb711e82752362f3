"""PDF copies through LibreOffice, when it is installed."""
from __future__ import annotations

import shutil

import pytest
from docx import Document

from generators import pdf
from tests.conftest import needs_soffice


def test_no_libreoffice_is_reported_not_guessed(monkeypatch, tmp_path):
    monkeypatch.setattr(pdf, "soffice", lambda: None)
    with pytest.raises(FileNotFoundError):
        pdf.convert([tmp_path / "a.docx"], tmp_path)


@needs_soffice
def test_converts_a_docx(tmp_path):
    doc = Document()
    doc.add_paragraph("進捗状況報告書")
    source = tmp_path / "報告.docx"
    doc.save(str(source))
    converted = pdf.convert([source], tmp_path / "pdf")
    assert converted[source].read_bytes().startswith(b"%PDF")


def _captioned_tables(count: int = 60):
    """Tables of a heading row and two rows, each under a caption kept with it and after 0 to 8 short
    paragraphs, so that some heading rows fall at a page's foot."""
    from generators.table_fit import keep_rows_whole

    doc = Document()
    for i in range(count):
        for k in range(i % 9):
            doc.add_paragraph(f"本文 {i}-{k}")
        doc.add_paragraph(f"表 {i}").paragraph_format.keep_with_next = True
        t = doc.add_table(rows=3, cols=2)
        t.style = "Table Grid"
        t.cell(0, 0).text, t.cell(0, 1).text = "番号", "見出し"
        for r in (1, 2):
            t.cell(r, 0).text, t.cell(r, 1).text = f"T{i}R{r}", "一行目\n二行目"
        keep_rows_whole(t)
    return doc


def test_the_heading_row_is_kept_with_the_first_row_only():
    from generators.table_fit import keep_heading_with_first_row

    doc = _captioned_tables(2)
    assert keep_heading_with_first_row(doc) == 2
    for t in doc.tables:
        kept = [all(p.paragraph_format.keep_with_next for c in row.cells for p in c.paragraphs) for row in t.rows]
        assert kept == [True, True, False]


@needs_soffice
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils missing")
def test_no_table_row_is_lost_at_a_page_foot(tmp_path):
    """LibreOffice 7.4 drops the first row under a heading row left at a page's foot (both w:cantSplit)."""
    import subprocess

    from generators.table_fit import keep_heading_with_first_row

    doc = _captioned_tables()
    keep_heading_with_first_row(doc)
    source = tmp_path / "表.docx"
    doc.save(str(source))
    text = subprocess.run(["pdftotext", str(pdf.convert([source], tmp_path / "pdf")[source]), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert [f"T{i}R{r}" for i in range(60) for r in (1, 2) if f"T{i}R{r}" not in text] == []
