"""The master workbook: built from a plan, read back from the file written."""
from __future__ import annotations

import re

import olefile
import openpyxl
import pytest

from tests.workbook.files.test_plan_io import SAITAMA_HEADER, saitama_rows, write_xlsx
from workbook.errors import MasterError
from workbook.sheets.layout import FIRST_ROW, HEADER_ROW, col_letter, col_number
from workbook.files.master import Master, build_master
from workbook.files.plan_import import import_plan
from workbook.domain.returns import Entry
from workbook.domain.settings import Settings

FIXED = ["操作", "計画", "指標", "担当課"]
AFTER = ["進捗一覧", "提出状況", "検証結果", "設定", "評価基準", "履歴", "xlwings.conf"]


@pytest.fixture
def master_path(tmp_path, komae_plan, komae_settings):
    return build_master(komae_plan, komae_settings, tmp_path / "master.xlsx")


def keys_of(ws):
    return [ws.cell(row=r, column=1).value for r in range(FIRST_ROW, ws.max_row + 1) if ws.cell(row=r, column=1).value]


def test_sheets_are_the_fixed_set_plus_one_per_department(master_path):
    wb = openpyxl.load_workbook(master_path)
    departments = ["福祉政策課", "福祉相談課", "学校教育課", "指導室", "まちづくり推進課"]
    assert wb.sheetnames == FIXED + departments + AFTER


def test_plan_sheet_holds_all_33_actions_with_departments_and_targets(master_path):
    ws = openpyxl.load_workbook(master_path)["計画"]
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, (c.value for c in row))) for row in ws.iter_rows(min_row=2) if row[0].value]
    assert len(rows) == 33
    by_code = {r["取組番号"]: r for r in rows}
    assert by_code["3-3-1"]["担当課"] == "福祉政策課、学校教育課"
    assert by_code["5-1-1"]["担当課"] == "福祉政策課、指導室"
    assert by_code["1-1-1"]["取組目標(R6)"] == "ホームページ及びチラシの作成"
    assert by_code["1-1-1"]["取組目標(R7)"] == "周知先の開拓及び配架"
    assert all(r["取組目標(R6)"] and r["取組目標(R7)"] and r["取組目標(R8)"] for r in rows)


def test_department_sheets_hold_exactly_their_actions(master_path, komae_plan):
    wb = openpyxl.load_workbook(master_path)
    for department in komae_plan.departments:
        ws = wb[department.name]
        action_keys = [k for k in keys_of(ws) if "#" not in k]
        assert action_keys == [a.code for a in komae_plan.actions_of(department.name)]
    assert keys_of(wb["まちづくり推進課"]) == ["4-2-2", "4-2-2#1", "5-3-1", "5-3-1#1"]
    assert "3-3-1" in keys_of(wb["学校教育課"]) and "3-3-1" in keys_of(wb["福祉政策課"])


def test_plan_columns_locked_inputs_open_and_grade_dropdown(master_path):
    ws = openpyxl.load_workbook(master_path)["福祉政策課"]
    assert ws.protection.sheet
    row = FIRST_ROW
    assert ws.cell(row=row, column=col_number("title")).protection.locked
    assert ws.cell(row=row, column=col_number("target")).protection.locked
    for key in ("content", "result", "grade", "reason", "issues", "next"):
        assert not ws.cell(row=row, column=col_number(key)).protection.locked, key
    grade_range = f"{col_letter('grade')}{FIRST_ROW}"
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert any(grade_range in str(dv.sqref) for dv in lists)
    assert '"A,B,C,－"' == lists[0].formula1
    assert ws.freeze_panes == f"D{FIRST_ROW}"
    assert ws.cell(row=HEADER_ROW, column=col_number("target")).value == "取組目標（令和6年度）"
    assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.orientation == "landscape"


def test_settings_sheet_round_trips(master_path, komae_settings):
    from dataclasses import replace

    master = Master.open(master_path)
    # 計画期間 is written from the plan's years when the master is made
    assert master.settings == replace(komae_settings, plan_period="令和6年度〜令和8年度")
    assert len(master.plan.actions) == 33
    assert master.plan.departments[0].contact  # 担当課 sheet carries contacts


def test_build_refuses_to_overwrite(master_path, komae_plan, komae_settings):
    before = master_path.read_bytes()
    with pytest.raises(MasterError):
        build_master(komae_plan, komae_settings, master_path)
    assert master_path.read_bytes() == before


def test_save_keeps_a_backup_and_department_text_stays_text(master_path):
    master = Master.open(master_path)
    entry = Entry("4-2-2", "まちづくり推進課", values={"content": "=SUM(A1:A3) と書いた", "result": "相談 12件",
                                                         "grade": "B"}, actuals={1: 72})
    master.write_department("まちづくり推進課", {"4-2-2": entry}, ("山田", "内線123"))
    backup = master.save()
    assert backup is not None and backup.exists()
    ws = openpyxl.load_workbook(master_path)["まちづくり推進課"]
    cell = ws.cell(row=FIRST_ROW, column=col_number("content"))
    assert cell.value == "=SUM(A1:A3) と書いた" and cell.data_type == "s"
    assert ws.cell(row=FIRST_ROW + 1, column=col_number("actual")).value == 72
    reopened = Master.open(master_path)
    assert reopened.entries_of("まちづくり推進課")["4-2-2"].text("grade") == "B"
    assert reopened.contact_of("まちづくり推進課") == ("山田", "内線123")
    summary = reopened.summary()
    progress = next(p for p in summary.actions if p.action.code == "4-2-2")
    assert progress.department_grades == {"福祉政策課": "", "まちづくり推進課": "B"}
    assert progress.indicators[0].actual == 72 and progress.suggested == "B"   # 72 / 70 = 103% -> B


def test_master_from_a_saitama_numbered_plan(tmp_path):
    plan_file = write_xlsx(tmp_path / "saitama.xlsx", SAITAMA_HEADER, saitama_rows())
    plan = import_plan(plan_file, "さいたま市", "さいたま市再犯防止推進計画")
    settings = Settings("さいたま市", "さいたま市再犯防止推進計画", 3)
    path = build_master(plan, settings, tmp_path / "out" / "saitama.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[4:9] == ["労働政策課", "青少年育成課", "住宅政策課", "福祉総務課", "こころの健康センター"]
    assert keys_of(wb["福祉総務課"]) == ["12", "14"]
    master = Master.open(path)
    assert [a.code for a in master.plan.actions] == ["1", "3", "12", "14", "30"]
    assert master.plan.action("30").relisted_from == "14"
    assert master.settings.fiscal_year == 3


def test_department_names_that_would_share_a_sheet_are_refused(tmp_path, komae_settings):
    from workbook.domain.plan import Action, Goal, Measure, Plan

    long_a = "地域福祉部生活支援課生活困窮者自立相談支援担当再犯防止推進係第一班"
    long_b = "地域福祉部生活支援課生活困窮者自立相談支援担当再犯防止推進係第二班"
    assert long_a[:31] == long_b[:31]
    actions = [Action("1", "x", "1", "1-1", (long_a,), targets={6: "t"}),
               Action("2", "y", "1", "1-1", (long_b,), targets={6: "t"}),
               Action("3", "z", "1", "1-1", ("設定",), targets={6: "t"})]
    plan = Plan("市", "計画", (6,), [Goal("1", "g")], [Measure("1-1", "m", "1")], actions)
    with pytest.raises(MasterError) as info:
        build_master(plan, komae_settings, tmp_path / "m.xlsx")
    assert "第二班" in str(info.value) and "シート「設定」" in str(info.value)
    assert not (tmp_path / "m.xlsx").exists()


# --- 進捗一覧 and 設定 as a person sees them --------------------------------------------------------
def test_progress_sheet_is_protected_except_the_evaluation_columns(master_path):
    master = Master.open(master_path)
    master.write_progress()          # as collect/validate rebuild it
    master.save(backup=False)
    ws = openpyxl.load_workbook(master_path)["進捗一覧"]
    p = ws.protection
    assert p.sheet and not p.password
    assert p.formatColumns is False and p.formatRows is False and p.autoFilter is False   # allowed, as 各課シート
    header = [c.value for c in ws[1]]
    row = 2
    for name in ("内部評価", "委員会意見"):
        assert not ws.cell(row=row, column=header.index(name) + 1).protection.locked, name
    for name in ("取組番号", "各課の自己評価", "達成度（統合）", "実績・成果"):
        assert ws.cell(row=row, column=header.index(name) + 1).protection.locked, name


def test_lower_is_better_actual_shows_the_direction_in_the_progress_sheet():
    from tests.workbook.returns_kit import lower_plan, small_plan, small_settings
    from workbook.sheets.progress_sheet import PROGRESS_HEADERS, progress_rows
    from workbook.domain.progress import summarize

    column = PROGRESS_HEADERS.index("指標の実績")
    for plan, want in ((lower_plan(), "再犯者率：50％（目標 45％以下）　目標比 90.0％ → B"),
                       (small_plan(), "相談件数：120件（目標 100件以上）　目標比 120.0％ → A")):
        entry = Entry("1-1-3", "福祉相談課", values={"grade": "C"}, actuals={1: 50 if plan.indicators[0].unit == "%" else 120})
        summary = summarize(plan, {("福祉相談課", "1-1-3"): entry}, small_settings(plan), ["福祉相談課"])
        row = next(r for r in progress_rows(summary) if r[2] == "1-1-3")
        assert row[column] == want


def test_a_sheet_added_to_a_saved_master_gets_its_vba_document_module_and_keeps_the_rest(tmp_path):
    """年度別実績 is added to masters made before it (by the first ⑥ 年度更新): Excel needs a document
    module per sheet, and the project keeps every module and Sub it had (buttons too)."""
    from macros.vba import build_project
    from workbook.domain.year_results import YearResult
    from workbook.files.master import VbaSpec
    from workbook.ooxml.buttons import document_modules, existing_buttons
    from workbook.ooxml.package import Package
    from workbook.ooxml.vba.reader import module_code
    from tests.workbook.returns_kit import small_plan, small_settings

    plan = small_plan()
    path = build_master(plan, small_settings(plan), tmp_path / "master.xlsm", vba=VbaSpec(build_project))
    before_project = Package(path).parts["xl/vbaProject.bin"]
    buttons = [(b.macro, b.caption, b.top_left) for b in existing_buttons(path)]
    master = Master.open(path)
    master.write_year_results([YearResult(6, "1-1-1", "相談窓口の周知", "福祉政策課", grade="B")])
    master.save(backup=False)
    wb = openpyxl.load_workbook(path, keep_vba=True)
    assert wb.sheetnames.index("年度別実績") == wb.sheetnames.index("進捗一覧") + 1
    project = Package(path).parts["xl/vbaProject.bin"]
    documents = re.findall(r"^Document=(\w+)/", olefile.OleFileIO(project).openstream("PROJECT").read().decode(), re.M)
    assert documents == document_modules(path) and len(documents) == len(wb.sheetnames) + 1
    for module in ("Addin", "xlwings", "xlwings_udfs", "Dictionary"):
        assert module_code(project, module) == module_code(before_project, module), module
    assert [(b.macro, b.caption, b.top_left) for b in existing_buttons(path)] == buttons
    master = Master.open(path)                        # saved again: nothing to add, the project is kept as it is
    master.write_year_results([])
    master.save(backup=False)
    assert Package(path).parts["xl/vbaProject.bin"] == project
