"""PDF copies through LibreOffice, when it is installed."""
from __future__ import annotations

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
