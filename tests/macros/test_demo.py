"""The README's demo command, run as a new user would, and what it leaves behind."""
from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from docx.enum.section import WD_ORIENT

from macros.operations import DEMO_MASTER_NAME
from tests.conftest import soffice
from tests.generators.docx_read import all_text, landscape, open_docx, paragraphs, toc_entries, western_dates
from workbook.domain.problems import REPORT_COLUMNS

ROOT = Path(__file__).resolve().parents[2]
DEPARTMENTS = ["福祉政策課", "福祉相談課", "学校教育課", "指導室", "まちづくり推進課"]
REPORTS = ("令和6年度_進捗状況報告書.docx", "令和6年度_委員会用概要.docx")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The README's command as it is: with PDFs when LibreOffice is there (it also numbers the 目次)."""
    out = tmp_path_factory.mktemp("demo") / "demo"
    result = subprocess.run([sys.executable, "-m", "macros", "demo", "--out", str(out)],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return out, result.stdout


def test_demo_prints_progress_and_what_it_wrote(demo):
    out, stdout = demo
    assert "[1/5]" in stdout and "[5/5]" in stdout
    assert DEMO_MASTER_NAME in stdout and "配布/" in stdout and "回収/" in stdout and "報告書/" in stdout


def test_demo_master_holds_the_komae_plan_and_a_sheet_per_department(demo):
    out, _ = demo
    wb = openpyxl.load_workbook(out / DEMO_MASTER_NAME, keep_vba=True)
    codes = [r[4] for r in wb["計画"].iter_rows(min_row=2, values_only=True) if r[4]]
    assert len(codes) == 33 and codes[0] == "1-1-1" and codes[-1] == "5-3-2"
    for name in DEPARTMENTS:
        assert name in wb.sheetnames
    for name in ("操作", "進捗一覧", "提出状況", "検証結果", "設定", "履歴", "xlwings.conf"):
        assert name in wb.sheetnames


def test_demo_folders(demo):
    out, _ = demo
    assert sorted(p.name for p in (out / "配布").glob("*.xlsx")) == sorted(
        f"令和6年度_進捗報告_{d}.xlsx" for d in DEPARTMENTS)
    assert len(list((out / "回収").glob("*.xlsx"))) == 4          # 指導室 does not return in the sample
    assert {p.name for p in (out / "報告書").glob("*.docx")} == set(REPORTS) | {"令和6年度_実施計画（案）.docx"}


def test_demo_status_and_problems(demo):
    out, _ = demo
    wb = openpyxl.load_workbook(out / DEMO_MASTER_NAME, keep_vba=True)
    status = {r[0]: r[2] for r in wb["提出状況"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert status == {"福祉政策課": "要修正", "福祉相談課": "受理", "学校教育課": "受理", "指導室": "未提出",
                      "まちづくり推進課": "受理"}
    code = REPORT_COLUMNS.index("コード")
    codes = {r[code] for r in wb["検証結果"].iter_rows(min_row=2, values_only=True) if r[code]}
    assert {"row-identity-doubt", "reason-missing", "grade-invalid"} <= codes


def test_demo_report_is_the_published_table_form_marked_as_a_sample_draft(demo):
    out, stdout = demo
    doc = open_docx(out / "報告書" / REPORTS[0])
    text = all_text(doc)
    for words in ("目次", "施策の体系", "関連事業と担当課", "サンプル", "（案）", "デモのために作った架空のもの"):
        assert words in text, words
    entries = toc_entries(doc)
    assert [t for t, _ in entries][:3] == ["1　計画の推進と評価体制", "（1）この報告書について", "（2）評価体制"]
    assert "付録　未了の事項" in [t for t, _ in entries]
    if soffice() and shutil.which("pdfinfo"):
        assert all(page.isdigit() for _, page in entries), entries       # numbered from LibreOffice's PDF
        pages = [int(page) for _, page in entries]
        assert pages == sorted(pages) and pages[0] == 1
    assert doc.sections and all(landscape(s) and s.orientation == WD_ORIENT.LANDSCAPE for s in doc.sections)
    assert "（案）として作成しました" in stdout and "・未提出の担当課（1 課）：指導室" in stdout
    assert "・要修正の担当課（1 課）：福祉政策課" in stdout


def test_demo_summary_carries_the_meeting(demo):
    out, _ = demo
    doc = open_docx(out / "報告書" / REPORTS[1])
    first = [p.text for p in doc.sections[0].first_page_header.paragraphs]
    assert first[0].endswith("資料2") and "サンプル" in first[0] and "（案）" in first[0]   # 資料番号
    assert first[1] == "令和7年度第1回 狛江市民福祉推進委員会　令和7年7月10日（木）"          # 会議名, 開催日
    assert paragraphs(doc)[1] == "【サンプル】令和6年度 進捗状況（概要）（案）"
    pdf = out / "報告書" / REPORTS[1].replace(".docx", ".pdf")
    if pdf.exists() and shutil.which("pdfinfo"):
        from generators.pdf import near_empty_last_page

        assert not near_empty_last_page(pdf)


def test_every_date_the_documents_write_is_wareki(demo):
    out, _ = demo
    documents = sorted(out.rglob("*.docx"))
    assert len(documents) >= 3
    for path in documents:
        assert western_dates(all_text(open_docx(path))) == [], path.name


def test_demo_archive_is_byte_for_byte(demo):
    out, _ = demo
    archived = {hashlib.sha256(p.read_bytes()).hexdigest() for p in (out / "受領控").glob("*.xlsx")}
    received = {hashlib.sha256(p.read_bytes()).hexdigest() for p in (out / "回収").glob("*.xlsx")}
    assert received and received == archived


def test_running_the_demo_again_keeps_the_previous_output(demo, tmp_path):
    out = tmp_path / "again"
    for _ in range(2):
        subprocess.run([sys.executable, "-m", "macros", "demo", "--out", str(out), "--no-pdf"], cwd=ROOT,
                       capture_output=True, text=True, check=True, timeout=600)
    moved = [p for p in tmp_path.iterdir() if p.name.startswith("again.old-")]
    assert len(moved) == 1 and (moved[0] / DEMO_MASTER_NAME).exists()


def test_bad_plan_file_gives_a_message_and_exit_code_2(tmp_path):
    bad = tmp_path / "plan.csv"
    bad.write_text("番号,事業名\n1,x\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "macros", "new", "--plan", str(bad), "--out", str(tmp_path / "o")],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "plan.csv" in result.stderr and "担当課" in result.stderr
    assert "Traceback" not in result.stderr


def test_new_builds_a_master_from_a_plan_file(tmp_path):
    from tests.workbook.files.test_plan_io import SAITAMA_HEADER, saitama_rows, write_xlsx

    plan = write_xlsx(tmp_path / "saitama.xlsx", SAITAMA_HEADER, saitama_rows())
    result = subprocess.run([sys.executable, "-m", "macros", "new", "--plan", str(plan), "--out", str(tmp_path / "o"),
                             "--municipality", "さいたま市", "--plan-name", "さいたま市再犯防止推進計画"],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    [master] = list((tmp_path / "o").glob("*.xlsm"))
    wb = openpyxl.load_workbook(master, keep_vba=True)
    assert [r[4] for r in wb["計画"].iter_rows(min_row=2, values_only=True) if r[4]] == ["1", "3", "12", "14", "30"]
    assert wb["設定"]["C2"].value == "さいたま市"


def test_command_line_refuses_to_write_a_master_open_in_excel(demo, tmp_path):
    import shutil

    out, _ = demo
    copy = tmp_path / DEMO_MASTER_NAME
    shutil.copy2(out / DEMO_MASTER_NAME, copy)
    (tmp_path / ("~$" + DEMO_MASTER_NAME)).write_bytes(b"owner")
    before = copy.read_bytes()
    result = subprocess.run([sys.executable, "-m", "macros", "collect", str(copy), str(out / "回収")], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 2 and "開かれています" in result.stderr
    assert copy.read_bytes() == before


@pytest.mark.parametrize("args,expected", [
    (["new", "--plan", "workbook/data", "--out", "OUT"], "フォルダではなく"),
    (["new", "--plan", "workbook/data/komae_plan.csv", "--out", "OUT", "--fiscal-year", "R9"], "令和9年度"),
    (["distribute", "workbook"], "フォルダです"),
    (["report", "no/such/master.xlsm"], "見つかりません"),
    (["collect"], "次の引数が必要です"),
])
def test_bad_arguments_give_japanese_messages_not_tracebacks(tmp_path, args, expected):
    args = [a.replace("OUT", str(tmp_path / "o")) for a in args]
    result = subprocess.run([sys.executable, "-m", "macros", *args], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 2
    assert expected in result.stderr and "Traceback" not in result.stderr


def test_bad_arguments_leave_the_output_folder_where_it_is(tmp_path, monkeypatch, capsys):
    from macros.cli import main

    work = tmp_path / "作業"
    work.mkdir()
    (work / "台帳.xlsx").write_bytes(b"kept")
    assert main(["demo", "--out", str(work), "--no-pdf", "--years", "9"]) == 2
    assert (work / "台帳.xlsx").read_bytes() == b"kept" and not list(tmp_path.glob("作業.old-*"))
    assert main(["demo", "--out", str(work), "--no-pdf"]) == 2          # not a demo's output: left alone
    assert (work / "台帳.xlsx").read_bytes() == b"kept" and not list(tmp_path.glob("作業.old-*"))
    monkeypatch.chdir(work)
    assert main(["demo", "--out", ".", "--no-pdf"]) == 2
    assert "指定できません" in capsys.readouterr().err
    assert (work / "台帳.xlsx").read_bytes() == b"kept"
