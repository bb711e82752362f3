"""Validate on small masters made per test, after collect: it checks what the master holds and
leaves the correction lists as they were; older 検証結果 layouts are read."""
from __future__ import annotations

import openpyxl
import pytest

from tests.macros.city import CONSULT, POLICY, City, every_cell
from macros.validate import run_validate
from workbook.rules.status import ENTRY_CODES
from workbook.sheets import master_sheets as ms
from workbook.sheets import names
from workbook.files.master import Master
from workbook.domain.problems import REPORT_COLUMNS

COL = {name: i for i, name in enumerate(REPORT_COLUMNS)}     # 検証結果 columns by name


@pytest.fixture
def city(tmp_path):
    return City(tmp_path)


def test_validate_checks_what_the_master_holds(city):
    path = city.send(POLICY, {"1-1-1": {"grade": "◎"}})
    wb = openpyxl.load_workbook(path)
    wb["進捗報告"]["D8"] = "書き換えた目標"
    wb.save(path)
    city.collect()
    assert {c[0] for c in city.checks()} >= {"grade-invalid", "plan-cell-edited"}
    assert city.book()[POLICY]["I7"].value is None                 # the flagged grade was not merged
    master = Master.open(city.master)
    master.department_sheet(POLICY)["I7"] = "◎"     # the section types it into the master by hand
    master.save(backup=False)
    run_validate(city.master)
    assert ("grade-invalid", POLICY, "I7") in city.checks()       # now found in the master's own sheet
    sheet = openpyxl.load_workbook(city.root / "返却票" / "令和6年度_返却票_福祉政策課.xlsx").active
    listed = [r for r in sheet.iter_rows(min_row=12, values_only=True) if r[5] == "I7"]
    assert listed[0][4] == "進捗報告" and "シート「進捗報告」" in listed[0][7]   # as the department's file calls it
    master = Master.open(city.master)
    master.department_sheet(POLICY)["I7"] = "A"     # the section corrects the grade by hand
    master.save(backup=False)
    outcome = run_validate(city.master)
    codes = {c[0] for c in city.checks()}
    assert "grade-invalid" not in codes and "plan-cell-edited" in codes and "not-returned" in codes
    assert city.status()[POLICY][2:5] == ["要修正", 1, 0]
    assert city.progress()["1-1-1"]["達成度（統合）"] == "A"
    assert outcome.lines


def test_validate_right_after_collect_leaves_the_correction_lists_as_they_were(city):
    """validate keeps the file-level rows collect wrote (plan-cell-edited, ...): whole, with 取組番号
    and 項目, so the correction list it writes is the one collect wrote."""
    path = city.send(POLICY, {"1-1-1": {"grade": "◎"}})
    wb = openpyxl.load_workbook(path)
    wb["進捗報告"]["D8"] = "書き換えた目標"
    wb["進捗報告"]["D7"] = "これも書き換えた"
    wb.save(path)
    city.send(CONSULT, {"1-1-2": {"content": None}})
    (city.inbox / "memo.xlsx").write_text("not a workbook")
    city.collect()
    folder = city.root / "返却票"
    lists = {p.name: (every_cell(p), p.read_bytes()) for p in folder.iterdir()}
    assert len(lists) == 2
    code, cell, action, field = (REPORT_COLUMNS.index(h) for h in ("コード", "セル", "取組番号", "項目"))
    edited = sorted((r[cell], r[action], r[field]) for r in city.rows(names.SHEET_CHECKS) if r[code] == "plan-cell-edited")
    assert edited == [("D7", "1-1-1", "取組目標"), ("D8", "1-1-2", "取組目標")]
    carried = [r for r in city.rows(names.SHEET_CHECKS) if r[code] not in ENTRY_CODES]
    assert sorted(r[code] for r in carried) == ["file-not-workbook", "plan-cell-edited", "plan-cell-edited"]
    policy = openpyxl.load_workbook(folder / "令和6年度_返却票_福祉政策課.xlsx").active
    assert [r[2:6] for r in policy.iter_rows(min_row=12, values_only=True)] == [
        ("1-1-1", "取組目標", "進捗報告", "D7"), ("1-1-1", "自己評価", "進捗報告", "I7"),
        ("1-1-2", "取組目標", "進捗報告", "D8")]
    run_validate(city.master)
    assert {p.name: (every_cell(p), p.read_bytes()) for p in folder.iterdir()} == lists
    assert [r for r in city.rows(names.SHEET_CHECKS) if r[code] not in ENTRY_CODES] == carried
    run_validate(city.master)
    assert {p.name: (every_cell(p), p.read_bytes()) for p in folder.iterdir()} == lists
    assert [r for r in city.rows(names.SHEET_CHECKS) if r[code] not in ENTRY_CODES] == carried


def _collect_an_edited_plan_cell(city) -> None:
    """The policy section's return with its 取組目標 (D7, a plan cell) changed, collected."""
    path = city.send(POLICY)
    wb = openpyxl.load_workbook(path)
    wb["進捗報告"]["D7"] = "書き換えた目標"
    wb.save(path)
    city.collect()


def test_validate_reads_a_checks_sheet_without_the_action_columns(city):
    """A master whose 検証結果 was written before 取組番号/項目 were added: its rows are read by
    their headers, and the sheet gets the current columns."""
    _collect_an_edited_plan_cell(city)
    master = Master.open(city.master)
    ws = master.wb[names.SHEET_CHECKS]
    ws.delete_cols(REPORT_COLUMNS.index("取組番号") + 1, 2)
    master.save(backup=False)
    run_validate(city.master)
    header = [c.value for c in city.book()[names.SHEET_CHECKS][1]]
    assert header[:len(REPORT_COLUMNS)] == REPORT_COLUMNS
    assert ("plan-cell-edited", POLICY, "D7") in city.checks()
    assert city.status()[POLICY][2:5] == ["要修正", 1, 0]


OLD_REPORT_COLUMNS = ["重要度", "コード", "内容", "担当課", "ファイル", "シート", "セル", "値", "対応", "取組番号", "項目",
                      "保留時のマスターの値"]      # 検証結果 as masters before the code moved to its narrow column


def test_validate_reads_a_checks_sheet_with_the_code_second(city):
    """A master whose 検証結果 has the earlier column order: read by the headers; validate writes
    the current columns and keeps every row."""
    _collect_an_edited_plan_cell(city)
    rows = city.rows(names.SHEET_CHECKS)
    master = Master.open(city.master)
    ws = master.wb[names.SHEET_CHECKS]
    ms.reset(ws)
    ms.table(ws, OLD_REPORT_COLUMNS, [[r[COL[h]] for h in OLD_REPORT_COLUMNS] for r in rows])
    master.save(backup=False)
    run_validate(city.master)
    header = [c.value for c in city.book()[names.SHEET_CHECKS][1]]
    assert header[:len(REPORT_COLUMNS)] == REPORT_COLUMNS
    assert ("plan-cell-edited", POLICY, "D7") in city.checks()
    assert city.rows(names.SHEET_CHECKS) == rows
    assert city.status()[POLICY][2:5] == ["要修正", 1, 0]


def test_a_row_deleted_from_the_masters_sheet_stops_every_write(city):
    """Its answers would be lost (a rewrite puts the row back blank): validate, collect and next-year
    change nothing and name the sheet and the action."""
    from macros.collect import run_collect
    from macros.next_year import run_next_year
    from workbook.errors import MasterError

    city.send(POLICY)
    city.collect()
    wb = openpyxl.load_workbook(city.master, keep_vba=True)
    ws = wb[POLICY]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=2).value == "1-1-1")
    ws.delete_rows(row)
    wb.save(city.master)
    before = city.master.read_bytes()
    for run in (run_validate, run_collect, lambda m: run_next_year(m, force=True)):
        with pytest.raises(MasterError) as info:
            run(city.master)
        assert f"シート「{POLICY}」の取組 1-1-1" in str(info.value)
    assert city.master.read_bytes() == before


def test_a_department_whose_name_is_inside_anothers_is_not_taken_for_a_deleted_row(tmp_path):
    """政策課 is part of 福祉政策課: an action the plan now also gives 政策課 is not there yet, not deleted."""
    from dataclasses import replace

    from macros.finish import refuse_deleted_rows
    from tests.workbook.returns_kit import small_plan
    from workbook.domain.plan import Action, Department
    from workbook.files.snapshot import MasterSnapshot

    plan = small_plan()
    plan.actions.append(Action("1-1-4", "会議の運営", "1", "1-1", ("政策課",), targets={6: "会議の開催"}, order=3))
    plan.departments.append(Department("政策課"))
    city = City(tmp_path, plan=plan)
    run_validate(city.master)                      # 進捗一覧 lists 1-1-1 under 福祉政策課 only
    snap = MasterSnapshot.read(city.master)
    widened = replace(plan, actions=[replace(a, departments=a.departments + ("政策課",)) if a.code == "1-1-1" else a
                                     for a in plan.actions])
    refuse_deleted_rows(snap.for_year(snap.settings.fiscal_year, widened))
