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
from macros.operations import report, validate
from macros.report import keep_existing, run_report
from tests.conftest import needs_soffice
from tests.generators.docx_read import all_text, toc_entries
from tests.generators.sample_returns import filled_master
from workbook.files.master import build_master
from workbook.errors import ReportError
from workbook.files.sample import komae_plan, komae_settings

DOCX = ("令和6年度_進捗状況報告書.docx", "令和6年度_委員会用概要.docx")
PDF = ("令和6年度_進捗状況報告書.pdf", "令和6年度_委員会用概要.pdf")
DRAFT_PLAN = ("令和6年度_実施計画（案）.docx", "令和6年度_実施計画（案）.xlsx")   # always a draft: （案）


@pytest.fixture
def master(tmp_path):
    return filled_master(tmp_path)


def test_writes_both_documents_into_the_report_folder(master):
    outcome = run_report(master, pdf=False)
    folder = master.parent / "報告書"
    assert sorted(p.name for p in folder.iterdir()) == sorted(DOCX + DRAFT_PLAN)
    assert [p.name for p in outcome.files] == list(DOCX + DRAFT_PLAN)
    assert any("指導室" in line for line in outcome.lines)  # the department that did not report
    codes = {row.cells[0].text for t in Document(str(folder / DOCX[0])).tables for row in t.rows}
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
    assert len(list(folder.glob("*.docx"))) == 6          # the three documents, each kept once
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
    assert [p.suffix for p in outcome.files] == [".docx", ".docx", ".docx", ".xlsx"]
    assert any("LibreOffice" in line for line in outcome.lines)


def test_a_master_nobody_answered_yet_still_gives_both_documents(tmp_path):
    path = build_master(komae_plan(), komae_settings(), tmp_path / "empty.xlsm")
    outcome = report(path, pdf=False)
    assert len(outcome.files) == 4                  # with 実施計画（案）, .docx and .xlsx
    text = "\n".join(p.text for p in Document(str(outcome.files[1])).paragraphs)
    assert "達成度Aの取組はありません。" in text


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


def _last_page_lines(pdf) -> int:
    pages = _pages(pdf)
    text = subprocess.run(["pdftotext", "-layout", "-f", str(pages), "-l", str(pages), str(pdf), "-"],
                          capture_output=True, text=True).stdout
    return sum(1 for line in text.splitlines() if line.strip())


@needs_soffice
def test_pdfs_are_made_the_toc_numbered_and_the_summary_fits_three_pages(master):
    outcome = run_report(master, pdf=True)
    folder = master.parent / "報告書"
    assert sorted(p.name for p in folder.iterdir()) == sorted(DOCX + PDF + DRAFT_PLAN + ("令和6年度_実施計画（案）.pdf",))
    assert len(outcome.files) == 7
    assert _pages(folder / PDF[1]) in (None, 1, 2, 3)
    if shutil.which("pdfinfo"):
        assert _pages(folder / PDF[1]) == 1 or _last_page_lines(folder / PDF[1]) > pdf_files.NEAR_EMPTY_LINES
        entries = toc_entries(Document(str(folder / DOCX[0])))
        assert entries and all(page.isdigit() for _, page in entries)      # as the PDF has them
        toc_page = subprocess.run(["pdftotext", "-layout", "-f", "2", "-l", "2", str(folder / PDF[0]), "-"],
                                  capture_output=True, text=True).stdout
        printed = [line.split()[-1] for line in toc_page.splitlines() if line.strip() and line.split()[-1].isdigit()]
        assert printed == [page for _, page in entries]
        assert not any("目次のページ番号" in line for line in outcome.lines)


@needs_soffice
def test_summary_fits_three_pages_with_long_answers_and_many_a_and_c(tmp_path):
    path = filled_master(tmp_path, missing=(), grades=("A", "C"), long=True)
    run_report(path, pdf=True)
    summary = path.parent / "報告書" / PDF[1]
    assert _pages(summary) in (None, 1, 2, 3)
    if shutil.which("pdfinfo"):
        assert _pages(summary) == 1 or _last_page_lines(summary) > pdf_files.NEAR_EMPTY_LINES


# --- 進捗一覧 must show what the report counts ---------------------------------------------------
def _set_cell(path, sheet, ref, value):
    from workbook.files.master import Master

    m = Master.open(path)
    m.wb[sheet][ref] = value
    m.save(backup=False)


def _progress_grade(path, code):
    import openpyxl

    ws = openpyxl.load_workbook(path)["進捗一覧"]
    header = [c.value for c in ws[1]]
    code_i, grade_i = header.index("取組番号"), header.index("達成度（統合）")
    return next(r[grade_i] for r in ws.iter_rows(min_row=2, values_only=True) if r[code_i] == code)


def test_a_department_sheet_corrected_by_hand_stops_the_report_until_validate(master):
    from workbook.errors import ReportError

    assert _progress_grade(master, "3-1-3") == "B"
    _set_cell(master, "福祉相談課", "I8", "A")            # 3-1-3, typed Ｂ by the department
    with pytest.raises(ReportError) as caught:
        run_report(master, pdf=False)
    message = str(caught.value)
    assert "3-1-3" in message and "③ 検証" in message and f'python -m macros validate "{master}"' in message
    assert not (master.parent / "報告書").exists() or not list((master.parent / "報告書").glob("*.docx"))
    validate(master)
    assert _progress_grade(master, "3-1-3") == "A"
    outcome = run_report(master, pdf=False)
    assert len(outcome.files) == 4


def test_a_changed_setting_stops_the_report_until_validate(master):
    """3-3-1 is B (福祉政策課) and － (学校教育課): B under the default rule, － when any － counts."""
    from workbook.errors import ReportError

    _set_cell(master, "設定", "C7", "低い方（－も含む）")
    with pytest.raises(ReportError) as caught:
        run_report(master, pdf=False)
    assert "3-3-1" in str(caught.value)
    validate(master)
    assert _progress_grade(master, "3-3-1") == "－"
    run_report(master, pdf=False)


def test_a_grade_typed_into_the_progress_sheet_is_not_silently_ignored(master):
    from workbook.errors import ReportError

    import openpyxl

    ws = openpyxl.load_workbook(master)["進捗一覧"]
    row = next(c.row for c in ws["C"] if c.value == "1-1-1")
    _set_cell(master, "進捗一覧", f"J{row}", "C" if _progress_grade(master, "1-1-1") != "C" else "A")
    with pytest.raises(ReportError):
        run_report(master, pdf=False)


def test_the_command_line_explains_a_stale_progress_sheet(master, capsys):
    _set_cell(master, "福祉相談課", "I8", "A")
    assert main(["report", str(master), "--no-pdf"]) == 2
    err = capsys.readouterr().err
    assert "進捗一覧" in err and "validate" in err


def test_ungraded_count_says_whether_relistings_are_in(tmp_path):
    path = build_master(komae_plan(), komae_settings(), tmp_path / "empty.xlsm")
    outcome = report(path, pdf=False)
    line = next(line for line in outcome.lines if line.startswith("  ・達成度が未記入の取組"))
    assert "30 件（再掲を除く。再掲を含めると 33 件）" in line


def test_an_action_missing_from_the_progress_sheet_is_named(master):
    """A plan row added by hand (or a progress sheet from an older plan): the code is named, the list is not."""
    from workbook.errors import ReportError
    from workbook.files.master import Master

    m = Master.open(master)
    ws = m.wb["進捗一覧"]
    row = next(c.row for c in ws["C"] if c.value == "2-1-1")
    ws.delete_rows(row)
    m.save(backup=False)
    with pytest.raises(ReportError) as caught:
        run_report(master, pdf=False)
    message = str(caught.value)
    assert "進捗一覧にない取組：2-1-1" in message and "1-1-1" not in message
    validate(master)
    run_report(master, pdf=False)


def test_a_year_typed_on_settings_is_refused_before_the_sheets_are_compared(master):
    """設定's year edited by hand: the sheets are another year's, and ⑥ 年度更新 is the way on."""
    from workbook.errors import MasterError

    _set_cell(master, "設定", "C4", 7)
    with pytest.raises(MasterError) as caught:
        run_report(master, pdf=False)
    assert "各課シートと進捗一覧は令和6年度のもの" in str(caught.value) and "⑥ 年度更新" in str(caught.value)


def test_without_libreoffice_word_makes_the_pdfs(master, monkeypatch):
    """Windows with Word: macros.windows.word_export (replaced here) is called once per document."""
    from macros import report as report_module, windows

    exported = []

    def export(docx, pdf):
        exported.append(docx.suffix)
        pdf.write_bytes(b"%PDF-1.7 word")

    monkeypatch.setattr(pdf_files, "soffice", lambda: None)
    monkeypatch.setattr(windows, "word_available", lambda: True)
    monkeypatch.setattr(windows, "word_export", export)
    assert report_module.pdf_converter()[0] == "Word"
    outcome = run_report(master, pdf=True)
    assert exported == [".docx", ".docx", ".docx"]
    assert sorted(p.suffix for p in outcome.files) == [".docx"] * 3 + [".pdf"] * 3 + [".xlsx"]


def test_libreoffice_first_and_none_without_either(monkeypatch):
    from macros import report as report_module, windows

    monkeypatch.setattr(windows, "word_available", lambda: True)
    monkeypatch.setattr(pdf_files, "soffice", lambda: "/usr/bin/soffice")
    assert report_module.pdf_converter()[0] == "LibreOffice"
    monkeypatch.setattr(pdf_files, "soffice", lambda: None)
    monkeypatch.setattr(windows, "word_available", lambda: False)
    assert report_module.pdf_converter() is None


def test_a_word_failure_is_one_note_and_the_docx_stay(master, monkeypatch):
    from macros import windows

    def export(docx, pdf):
        raise OSError("Word is busy")

    monkeypatch.setattr(pdf_files, "soffice", lambda: None)
    monkeypatch.setattr(windows, "word_available", lambda: True)
    monkeypatch.setattr(windows, "word_export", export)
    outcome = run_report(master, pdf=True)
    assert [p.suffix for p in outcome.files] == [".docx", ".docx", ".docx", ".xlsx"]
    assert sum("PDF" in line for line in outcome.lines) == 1


# --- drafts, --final, the layout and the meeting --------------------------------------------------
def test_a_draft_says_what_is_open_in_the_outcome(master):
    outcome = run_report(master, pdf=False)
    assert "まだ済んでいない事項があるため、進捗状況報告書と委員会用概要は（案）として作成しました：" in outcome.lines
    assert "  ・未提出の担当課（1 課）：指導室" in outcome.lines
    assert any("目次のページ番号は空欄（－）です（--no-pdf" in line for line in outcome.lines)
    for name in DOCX:
        assert "（案）" in all_text(Document(str(master.parent / "報告書" / name)))


def test_final_refuses_a_draft_with_the_list_and_exit_code_2(master, capsys):
    assert main(["report", str(master), "--no-pdf", "--final"]) == 2
    err = capsys.readouterr().err
    assert "確定版（--final）は作成していません" in err and "・未提出の担当課（1 課）：指導室" in err
    assert not (master.parent / "報告書").exists()


def test_a_needs_fix_department_keeps_it_a_draft(tmp_path):
    from workbook.files.master import Master

    path = filled_master(tmp_path, missing=())
    m = Master.open(path)
    rows = [list(r) for r in m.status_rows()]
    rows[0][2], rows[0][3] = "要修正", 2
    m.write_status(rows)
    m.save(backup=False)
    with pytest.raises(ReportError) as caught:
        run_report(path, pdf=False, final=True)
    assert f"要修正の担当課（1 課）：{rows[0][0]}" in str(caught.value)


def test_final_when_nothing_is_open(tmp_path):
    path = filled_master(tmp_path, missing=())
    outcome = run_report(path, pdf=False, final=True)
    assert not any("（案）" in line.replace("実施計画（案）", "") for line in outcome.lines)   # that one is a draft by name
    for name in DOCX:
        text = all_text(Document(str(path.parent / "報告書" / name)))
        assert "（案）" not in text and "付録" not in text


def test_command_line_layout_and_meeting_options(master, capsys):
    assert main(["report", str(master), "--no-pdf", "--layout", "cards", "--document-number", "資料3",
                 "--meeting-name", "第2回 推進委員会", "--meeting-date", "令和7年8月1日（金）"]) == 0
    folder = master.parent / "報告書"
    report_doc = Document(str(folder / DOCX[0]))
    assert all(s.page_width < s.page_height for s in report_doc.sections)          # cards: A4 portrait
    first = [p.text for p in Document(str(folder / DOCX[1])).sections[0].first_page_header.paragraphs]
    assert first == ["（案）　資料3", "第2回 推進委員会　令和7年8月1日（金）"]
    assert "目次のページ番号" not in capsys.readouterr().out                            # cards have no 目次
