"""Checks: one small return made per problem code; assert on codes, cells and values.

small_plan(): 福祉政策課 has 1-1-1 (row 7) and 1-1-2 (row 8); 福祉相談課 has 1-1-2 (row 7), 1-1-3 (row 8)
and the indicator row 1-1-3#1 (row 9, target 100 件以上). Columns: B 取組番号, C 重点取組, F 取組内容,
G 実績値, H 実績・成果, I 自己評価, J 評価の理由, M 事業費.
"""
from __future__ import annotations

import openpyxl
import pytest

from tests.workbook.returns_kit import Text, distribute, lower_plan, make_return, small_plan, small_settings
from workbook.sheets.department import expected_plan_cells
from workbook.rules.checks import Where, identity_problems, ownership_problems, return_problems
from workbook.files.department_file import read_department_file
from workbook.files.intake import inspect
from workbook.sheets.layout import DATA_SHEET, IDENTITY_SHEET
from workbook.ooxml.patch import PackagePatch


def problems(tmp_path, department="福祉政策課", changes=None, edit=None, plan=None, settings=None,
             contact=("山田", "内線123")):
    plan = plan or small_plan()
    settings = settings or small_settings(plan)
    path = make_return(plan, settings, tmp_path / "in", department, changes, contact=contact)
    if edit is not None:
        wb = openpyxl.load_workbook(path)
        edit(wb)
        wb.save(path)
    data = path.read_bytes()
    intake = inspect(data, path.name, len(data))
    assert intake.problems == []
    ret = intake.ret
    found = identity_problems(ret.identity, plan, settings, path.name)
    found += ownership_problems(ret, plan, path.name)
    found += return_problems(ret, plan, settings, Where(path.name, DATA_SHEET, ret.identity.department))
    return found


def pairs(found):
    return sorted((p.code, p.cell) for p in found)


def test_a_good_return_has_no_problems(tmp_path):
    assert problems(tmp_path) == []
    assert problems(tmp_path, "福祉相談課") == []


# --- identity -----------------------------------------------------------------------------
def _identity(row: int, value: str):
    def edit(wb):
        wb[IDENTITY_SHEET].cell(row=row, column=3).value = value
    return edit


def test_unknown_department(tmp_path):
    found = problems(tmp_path, edit=_identity(5, "総務課"))
    assert [p.code for p in found if p.code == "unknown-department"] == ["unknown-department"]
    assert found[0].value == "総務課" and found[0].department == ""


def test_wrong_plan(tmp_path):
    found = problems(tmp_path, edit=_identity(2, "隣の市"))
    assert [p.code for p in found] == ["wrong-plan"]


def test_wrong_fiscal_year(tmp_path):
    plan = small_plan()
    found = problems(tmp_path, edit=_identity(4, "5"), plan=plan)
    assert [(p.code, p.value, p.expected) for p in found] == [("wrong-fiscal-year", "令和5年度", "令和6年度")]
    assert found[0].department == "福祉政策課"
    assert (found[0].sheet, found[0].cell) == (IDENTITY_SHEET, "C4")       # where the year is written


def test_identity_problems_point_to_their_cell(tmp_path):
    found = problems(tmp_path / "a", edit=_identity(3, "別の計画"))
    assert [(p.code, p.sheet, p.cell) for p in found] == [("wrong-plan", IDENTITY_SHEET, "C3")]
    found = problems(tmp_path / "b", edit=_identity(5, "総務課"))
    assert [(p.code, p.sheet, p.cell) for p in found if p.code == "unknown-department"] == [
        ("unknown-department", IDENTITY_SHEET, "C5")]


def test_unknown_template_version(tmp_path):
    found = problems(tmp_path, edit=_identity(6, "2019.1"))
    assert [(p.code, p.value) for p in found] == [("unknown-template-version", "2019.1")]


# --- layout -----------------------------------------------------------------------------------
def test_row_added(tmp_path):
    def edit(wb):
        wb[DATA_SHEET]["F9"] = "追加した取組"
    found = problems(tmp_path, edit=edit)
    assert [(p.code, p.cell, p.value) for p in found] == [("row-added", "B9", "追加した取組")]


def test_row_copied_with_its_key_is_a_duplicate_key(tmp_path):
    def edit(wb):
        ws = wb[DATA_SHEET]
        for col in range(1, 16):
            ws.cell(row=9, column=col).value = ws.cell(row=8, column=col).value
    found = problems(tmp_path, edit=edit)
    assert [(p.code, p.cell, p.value, p.expected) for p in found] == [("row-duplicate-key", "B9", "1-1-2", "B8")]


def test_row_removed(tmp_path):
    def edit(wb):
        wb[DATA_SHEET].delete_rows(8)
    found = problems(tmp_path, edit=edit)
    assert [(p.code, p.cell, p.value, p.action_code) for p in found] == [("row-removed", "B8", "1-1-2", "1-1-2")]


def test_indicator_row_removed(tmp_path):
    def edit(wb):
        wb[DATA_SHEET].delete_rows(9)
    found = problems(tmp_path, "福祉相談課", edit=edit)
    assert [(p.code, p.value) for p in found] == [("row-removed", "1-1-3（指標1）")]


def test_row_moved(tmp_path):
    def edit(wb):
        ws = wb[DATA_SHEET]
        for col in range(1, 16):
            a, b = ws.cell(row=7, column=col), ws.cell(row=8, column=col)
            a.value, b.value = b.value, a.value
    found = problems(tmp_path, edit=edit)
    assert [p.code for p in found] == ["row-moved"]
    assert found[0].cell in ("B7", "B8")


def test_an_edited_title_puts_the_row_identity_in_doubt(tmp_path):
    def edit(wb):
        wb[DATA_SHEET]["C7"] = "周知の推進（修正）"
    found = problems(tmp_path, edit=edit)
    assert [(p.code, p.cell, p.value, p.expected) for p in found] == [
        ("row-identity-doubt", "B7", "1-1-1 周知の推進（修正）", "1-1-1 相談窓口の周知")]


def test_plan_cell_edited(tmp_path):
    def edit(wb):
        wb[DATA_SHEET]["D7"] = "チラシの作成（修正）"
    found = problems(tmp_path, edit=edit)
    assert [(p.code, p.cell, p.value, p.expected) for p in found] == [
        ("plan-cell-edited", "D7", "チラシの作成（修正）", "チラシの作成")]


def test_expected_plan_cells_are_what_the_distributed_file_holds(tmp_path):
    plan = small_plan()
    settings = small_settings(plan)
    for department in ("福祉政策課", "福祉相談課"):
        ret = read_department_file(distribute(plan, settings, tmp_path, department))
        expected = expected_plan_cells(plan, department, settings.fiscal_year)
        assert {k: {c: v for c, v in cells.items()} for k, cells in ret.plan_cells.items()} == expected


# --- entries ----------------------------------------------------------------------------------
def test_required_missing(tmp_path):
    found = problems(tmp_path, changes={"1-1-1": {"content": None, "grade": " "}})
    assert pairs(found) == [("required-missing", "F7"), ("required-missing", "I7")]
    assert found[0].action_code == "1-1-1" and found[0].field == "取組内容"


def test_contact_missing(tmp_path):
    found = problems(tmp_path, contact=(None, None))
    assert [(p.code, p.cell, p.severity) for p in found] == [("contact-missing", "D3", "warning")]


@pytest.mark.parametrize("typed", ["Ａ", "ｂ", " c ", "ー", "―", "-", "－"])
def test_grades_typed_in_other_forms_are_valid(tmp_path, typed):
    found = problems(tmp_path, changes={"1-1-1": {"grade": typed, "reason": "理由あり"}})
    assert found == []


@pytest.mark.parametrize("typed", ["◎", "S", "AB", "良"])
def test_grade_invalid(tmp_path, typed):
    found = problems(tmp_path, changes={"1-1-1": {"grade": typed}})
    assert [(p.code, p.cell, p.value) for p in found] == [("grade-invalid", "I7", typed)]


@pytest.mark.parametrize("typed, grade", [("C", "C"), ("ー", "－"), ("ｃ", "C")])
def test_reason_missing(tmp_path, typed, grade):
    found = problems(tmp_path, changes={"1-1-2": {"grade": typed, "reason": None}})
    assert [(p.code, p.cell, p.value) for p in found] == [("reason-missing", "J8", grade)]


@pytest.mark.parametrize("typed", ["１２０人", "5,621戸", "96%", "延べ10,091名", 120, "64.3％"])
def test_numbers_with_units_and_full_width_digits_are_numbers(tmp_path, typed):
    found = problems(tmp_path, changes={"1-1-1": {"budget": typed}})
    assert found == []


@pytest.mark.parametrize("typed", ["たくさん", "10件から20件", "約"])
def test_number_invalid(tmp_path, typed):
    found = problems(tmp_path, changes={"1-1-1": {"budget": typed}})
    assert [(p.code, p.cell, p.value) for p in found] == [("number-invalid", "M7", typed)]


def test_a_blank_actual_is_a_warning_not_an_error(tmp_path):
    """No survey this year: the department may leave 実績値 blank; it is asked to check, not to fix."""
    found = problems(tmp_path, "福祉相談課", changes={"1-1-3#1": {"actual": None}})
    assert [(p.code, p.cell, p.severity) for p in found] == [("actual-missing", "G9", "warning")]


def test_indicator_number_invalid(tmp_path):
    found = problems(tmp_path, "福祉相談課", changes={"1-1-3#1": {"actual": "集計中"}})
    assert [(p.code, p.cell) for p in found] == [("number-invalid", "G9")]


def test_grade_inconsistent_with_the_indicator(tmp_path):
    found = problems(tmp_path, "福祉相談課", changes={"1-1-3": {"grade": "A"}, "1-1-3#1": {"actual": "５０件"}})
    assert [(p.code, p.cell, p.value, p.expected, p.ratio, p.severity) for p in found] == [
        ("grade-inconsistent", "I8", "A", "C", "目標比 50.0％", "warning")]


def test_grade_consistent_and_dash_are_not_flagged(tmp_path):
    assert problems(tmp_path, "福祉相談課", changes={"1-1-3": {"grade": "A"}, "1-1-3#1": {"actual": 115}}) == []
    assert problems(tmp_path, "福祉相談課", changes={"1-1-3": {"grade": "－"}, "1-1-3#1": {"actual": 10}}) == []


def test_floors_come_from_the_scale(tmp_path):
    from workbook.domain.scale_presets import legacy_scale

    plan = small_plan()
    settings = small_settings(plan)
    settings.scale = legacy_scale(130.0, 100.0)
    found = problems(tmp_path, "福祉相談課", changes={"1-1-3": {"grade": "A"}, "1-1-3#1": {"actual": 120}},
                     plan=plan, settings=settings)
    assert [(p.code, p.expected) for p in found] == [("grade-inconsistent", "B")]


def test_lower_is_better_indicator_reverses_the_ratio(tmp_path):
    plan = lower_plan()   # 再犯者率, target 45 % or lower
    found = problems(tmp_path, "福祉相談課", plan=plan, changes={"1-1-3": {"grade": "C"}, "1-1-3#1": {"actual": 40}})
    assert [(p.code, p.expected, p.ratio) for p in found] == [("grade-inconsistent", "A", "目標比 112.5％")]
    assert problems(tmp_path, "福祉相談課", plan=plan, changes={"1-1-3": {"grade": "A"}, "1-1-3#1": {"actual": 40}}) == []


def test_formula_in_input(tmp_path):
    found = problems(tmp_path, changes={"1-1-1": {"content": "=SUM(1,2)"}})
    assert [(p.code, p.cell, p.value) for p in found] == [("formula-in-input", "F7", "=SUM(1,2)")]


def test_formula_in_contact_cell(tmp_path):
    found = problems(tmp_path, contact=("=A1", "内線1"))
    assert [(p.code, p.cell) for p in found] == [("formula-in-input", "D3")]


def test_text_starting_with_equals_is_not_a_formula(tmp_path):
    assert problems(tmp_path, changes={"1-1-1": {"content": Text("=の記号で始まる文章")}}) == []


def test_text_too_long(tmp_path):
    plan = small_plan()
    settings = small_settings(plan)
    path = make_return(plan, settings, tmp_path / "in", "福祉政策課")
    patch = PackagePatch(path)   # openpyxl cuts strings at 32,767: write the cell into the XML directly
    patch.sheet(DATA_SHEET).set(7, 8, "長" * 40000)
    patch.save(None)
    data = path.read_bytes()
    ret = inspect(data, path.name, len(data)).ret
    found = return_problems(ret, plan, settings, Where(path.name, DATA_SHEET, "福祉政策課"))
    assert [(p.code, p.cell, p.value) for p in found] == [("text-too-long", "H7", "40,000")]


# --- whose table it is (C1) -----------------------------------------------------------------
def test_identity_naming_another_department_is_an_identity_error(tmp_path):
    """福祉相談課's file with 識別情報 C5 changed to 福祉政策課: 1-1-3 is not 福祉政策課's action."""
    found = problems(tmp_path, "福祉相談課", edit=_identity(5, "福祉政策課"))
    mine = [p for p in found if p.code == "rows-not-department"]
    assert [(p.department, p.sheet, p.cell, p.is_error) for p in mine] == [("福祉政策課", DATA_SHEET, "B8", True)]
    assert "1-1-3" in mine[0].value and "1-1-2" not in mine[0].value    # 1-1-2 is shared: not foreign


def test_a_table_without_any_row_of_the_department_is_an_identity_error(tmp_path):
    """Every row of the file is an action since deleted, and the department has only a new one."""
    from workbook.domain.plan import Action

    plan = small_plan()
    path = make_return(plan, small_settings(plan), tmp_path / "in", "福祉相談課")
    later = small_plan()
    later.actions[:] = [later.actions[0], Action("1-1-5", "新しい取組", "1", "1-1", ("福祉相談課",),
                                                  targets={6: "目標"}, order=1)]
    later.indicators[:] = []
    ret = inspect(path.read_bytes(), path.name, path.stat().st_size).ret
    found = ownership_problems(ret, later, path.name)
    assert [(p.code, p.cell, p.department) for p in found] == [("rows-not-department", "B7", "福祉相談課")]


def test_a_department_s_own_file_has_no_ownership_problem(tmp_path):
    for department in ("福祉政策課", "福祉相談課"):
        assert problems(tmp_path / department, department) == []


# --- the plan changed after distribution (I5) -------------------------------------------------
def test_rows_of_actions_deleted_or_added_after_distribution_are_warnings(tmp_path):
    """Distributed with 1-1-2 and 1-1-3 (+ indicator); then 1-1-3 deleted and 1-1-4 added to 福祉相談課."""
    from workbook.domain.plan import Action

    plan = small_plan()
    settings = small_settings(plan)
    path = make_return(plan, settings, tmp_path / "in", "福祉相談課")
    later = small_plan()
    later.actions[:] = [a for a in later.actions if a.code != "1-1-3"] + [
        Action("1-1-4", "新しい取組", "1", "1-1", ("福祉相談課",), targets={6: "新しい目標"}, order=3)]
    later.indicators[:] = []
    data = path.read_bytes()
    ret = inspect(data, path.name, len(data)).ret
    assert ownership_problems(ret, later, path.name) == []
    found = return_problems(ret, later, settings, Where(path.name, DATA_SHEET, "福祉相談課"))
    assert sorted((p.code, p.cell, p.value, p.is_error) for p in found) == [
        ("row-not-distributed", "", "1-1-4", False),
        ("row-not-in-plan", "B8", "1-1-3", False),
        ("row-not-in-plan", "B9", "1-1-3（指標1）", False)]


def test_a_cleared_row_key_falls_back_to_the_visible_code(tmp_path):
    def clear(wb):
        for row in (8, 9):                   # 1-1-3 and its indicator row 1-1-3#1
            wb[DATA_SHEET].cell(row=row, column=1).value = None
    found = problems(tmp_path, "福祉相談課", edit=clear)
    assert found == []
    plan = small_plan()
    path = next((tmp_path / "in").glob("*.xlsx"))
    data = path.read_bytes()
    ret = inspect(data, path.name, len(data)).ret
    assert ret.key_rows == {"1-1-2": 7, "1-1-3": 8, "1-1-3#1": 9}
    assert ret.entries["1-1-3"].actuals[1] == plan.indicators[0].target_for(6)


def test_a_cleared_key_with_an_unknown_code_is_still_an_added_row(tmp_path):
    def clear(wb):
        wb[DATA_SHEET]["A8"] = None
        wb[DATA_SHEET]["B8"] = "9-9-9"
    found = problems(tmp_path, "福祉相談課", edit=clear)
    assert ("row-added", "B8") in pairs(found) and ("row-removed", "B8") in pairs(found)


def test_another_scale_is_followed_by_every_check(tmp_path):
    from workbook.domain.scale_presets import PRESETS

    plan = small_plan()
    settings = small_settings(plan)
    settings.scale = PRESETS["3段階"]
    ok = {"1-1-2": {"grade": "○"}}
    assert problems(tmp_path, "福祉相談課", changes={**ok, "1-1-3": {"grade": "◎"}, "1-1-3#1": {"actual": 115}},
                    plan=plan, settings=settings) == []
    found = problems(tmp_path, "福祉相談課", changes={**ok, "1-1-3": {"grade": "A"}}, plan=plan, settings=settings)
    assert [(p.code, p.cell, p.choices) for p in found] == [("grade-invalid", "I8", "◎・○・△・－")]
    found = problems(tmp_path, "福祉相談課", changes={**ok, "1-1-3": {"grade": "△", "reason": None}, "1-1-3#1": {"actual": 50}},
                     plan=plan,
                     settings=settings)
    assert [(p.code, p.cell) for p in found] == [("reason-missing", "J8")]
