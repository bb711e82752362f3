"""報告書作成: run_report writes both documents into the report folder and never loses an old one."""
from __future__ import annotations

import os
import shutil
import subprocess
import time

import pytest
from docx import Document

from generators import pdf as pdf_files
from macros.cli import main
from macros.operations import report
from macros.report import keep_existing, run_report
from tests.conftest import needs_soffice
from tests.generators.sample_returns import filled_master
from workbook.master import build_master
from workbook.sample import komae_plan, komae_settings

DOCX = ("令和6年度_進捗状況報告書.docx", "令和6年度_委員会用概要.docx")
PDF = ("令和6年度_進捗状況報告書.pdf", "令和6年度_委員会用概要.pdf")


@pytest.fixture
def master(tmp_path):
    return filled_master(tmp_path)


def test_writes_both_documents_into_the_report_folder(master):
    outcome = run_report(master, pdf=False)
    folder = master.parent / "報告書"
    assert sorted(p.name for p in folder.iterdir()) == sorted(DOCX)
    assert [p.name for p in outcome.files] == list(DOCX)
    assert any("指導室" in line for line in outcome.lines)  # the department that did not report
    codes = {t.rows[0].cells[0].text for t in Document(str(folder / DOCX[0])).tables}
    assert {a.code for a in komae_plan().actions} <= codes


def test_an_existing_report_is_kept_under_a_time_stamped_name(master):
    run_report(master, pdf=False)
    folder = master.parent / "報告書"
    first = folder / DOCX[0]
    old_time = time.time() - 3600
    os.utime(first, (old_time, old_time))
    first_bytes = first.read_bytes()
    outcome = run_report(master, pdf=False)
    stamp = time.strftime("%Y%m%d_%H%M%S", time.localtime(old_time))
    kept = folder / f"令和6年度_進捗状況報告書_{stamp}.docx"
    assert kept.read_bytes() == first_bytes
    assert first.exists()
    assert len(list(folder.glob("*.docx"))) == 4
    assert any(kept.name in line for line in outcome.lines)


def test_an_old_pdf_is_set_aside_when_no_new_one_is_made(master):
    folder = master.parent / "報告書"
    folder.mkdir()
    old_pdf = folder / PDF[0]
    old_pdf.write_bytes(b"%PDF-old")
    run_report(master, pdf=False)
    assert not old_pdf.exists()
    assert [p.read_bytes() for p in folder.glob("令和6年度_進捗状況報告書_*.pdf")] == [b"%PDF-old"]


def test_keep_existing_never_reuses_a_name(tmp_path):
    target = tmp_path / "a.docx"
    names = set()
    for n in range(3):
        target.write_text(str(n))
        os.utime(target, (1_700_000_000, 1_700_000_000))
        names.add(keep_existing(target).name)
    assert len(names) == 3
    assert keep_existing(tmp_path / "missing.docx") is None


def test_without_libreoffice_the_docx_are_written_and_a_note_says_so(master, monkeypatch):
    monkeypatch.setattr(pdf_files, "soffice", lambda: None)
    outcome = run_report(master, pdf=True)
    assert [p.suffix for p in outcome.files] == [".docx", ".docx"]
    assert any("LibreOffice" in line for line in outcome.lines)


def test_a_master_nobody_answered_yet_still_gives_both_documents(tmp_path):
    path = build_master(komae_plan(), komae_settings(), tmp_path / "empty.xlsm")
    outcome = report(path, pdf=False)
    assert len(outcome.files) == 2
    text = "\n".join(p.text for p in Document(str(outcome.files[1])).paragraphs)
    assert "達成度Ａの取組はありません。" in text


def test_command_line(master, capsys):
    assert main(["report", str(master), "--no-pdf"]) == 0
    assert "進捗状況報告書を作成しました" in capsys.readouterr().out


def test_command_line_reports_a_missing_master(tmp_path, capsys):
    assert main(["report", str(tmp_path / "none.xlsm"), "--no-pdf"]) == 2
    assert "エラー" in capsys.readouterr().err


def _pages(pdf) -> int | None:
    if not shutil.which("pdfinfo"):
        return None
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


@needs_soffice
def test_pdfs_are_made_and_the_summary_fits_three_pages(master):
    outcome = run_report(master, pdf=True)
    folder = master.parent / "報告書"
    assert sorted(p.name for p in folder.iterdir()) == sorted(DOCX + PDF)
    assert len(outcome.files) == 4
    assert _pages(folder / PDF[1]) in (None, 1, 2, 3)


@needs_soffice
def test_summary_fits_three_pages_with_long_answers_and_many_a_and_c(tmp_path):
    path = filled_master(tmp_path, missing=(), grades=("A", "C"), long=True)
    run_report(path, pdf=True)
    assert _pages(path.parent / "報告書" / PDF[1]) in (None, 1, 2, 3)
