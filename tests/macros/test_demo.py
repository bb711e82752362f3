"""The README's demo command, run as a new user would, and what it leaves behind."""
from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from macros.operations import DEMO_MASTER_NAME
from workbook.domain.problems import REPORT_COLUMNS

ROOT = Path(__file__).resolve().parents[2]
DEPARTMENTS = ["福祉政策課", "福祉相談課", "学校教育課", "指導室", "まちづくり推進課"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "demo"
    result = subprocess.run([sys.executable, "-m", "macros", "demo", "--out", str(out), "--no-pdf"],
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
    assert {p.name for p in (out / "報告書").glob("*.docx")} == {"令和6年度_進捗状況報告書.docx",
                                                                "令和6年度_委員会用概要.docx"}


def test_demo_status_and_problems(demo):
    out, _ = demo
    wb = openpyxl.load_workbook(out / DEMO_MASTER_NAME, keep_vba=True)
    status = {r[0]: r[2] for r in wb["提出状況"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert status == {"福祉政策課": "要修正", "福祉相談課": "受理", "学校教育課": "受理", "指導室": "未提出",
                      "まちづくり推進課": "受理"}
    code = REPORT_COLUMNS.index("コード")
    codes = {r[code] for r in wb["検証結果"].iter_rows(min_row=2, values_only=True) if r[code]}
    assert {"row-identity-doubt", "reason-missing", "grade-invalid"} <= codes


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
    from tests.workbook.test_plan_io import SAITAMA_HEADER, saitama_rows, write_xlsx

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
