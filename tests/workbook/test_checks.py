"""Checks: one small return made per problem code; assert on codes, cells and values.

small_plan(): 福祉政策課 has 1-1-1 (row 7) and 1-1-2 (row 8); 福祉相談課 has 1-1-2 (row 7), 1-1-3 (row 8)
and the indicator row 1-1-3#1 (row 9, target 100 件以上). Columns: B 取組番号, C 重点取組, F 取組内容,
G 実績値, H 実績・成果, I 自己評価, J 評価の理由, M 事業費.
"""
from __future__ import annotations

import openpyxl
import pytest

from tests.workbook.returns_kit import Text, distribute, lower_plan, make_return, small_plan, small_settings
from workbook.checks import Where, expected_plan_cells, identity_problems, return_problems
from workbook.dept_file import read_department_file
from workbook.intake import inspect
from workbook.layout import DATA_SHEET, IDENTITY_SHEET
from workbook.patch import PackagePatch


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
    found += return_problems(ret, plan, settings, Where(path.name, DATA_SHEET, department))
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


def test_unknown_template_version(tmp_path):
    found = problems(tmp_path, edit=_identity(6, "2019.1"))
    assert [(p.code, p.value) for p in found] == [("unknown-template-version", "2019.1")]


# --- layout -----------------------------------------------------------------------------------
def test_row_added(tmp_path):
    def edit(wb):
        wb[DATA_SHEET]["F9"] = "追加した取組"
    found = problems(tmp_path, edit=edit)
    assert [(p.code, p.cell, p.value) for p in found] == [("row-added", "B9", "追加した取組")]


def test_row_copied_with_its_key_is_an_added_row(tmp_path):
    def edit(wb):
        ws = wb[DATA_SHEET]
        for col in range(1, 16):
            ws.cell(row=9, column=col).value = ws.cell(row=8, column=col).value
    found = problems(tmp_path, edit=edit)
    assert [(p.code, p.cell, p.value) for p in found] == [("row-added", "B9", "1-1-2")]


def test_row_removed(tmp_path):
    def edit(wb):
        wb[DATA_SHEET].delete_rows(8)
    found = problems(tmp_path, edit=edit)
    assert [(p.code, p.value, p.action_code) for p in found] == [("row-removed", "1-1-2", "1-1-2")]


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


def test_plan_cell_edited(tmp_path):
    def edit(wb):
        wb[DATA_SHEET]["C7"] = "周知の推進（修正）"
    found = problems(tmp_path, edit=edit)
    assert [(p.code, p.cell, p.value, p.expected) for p in found] == [
        ("plan-cell-edited", "C7", "周知の推進（修正）", "相談窓口の周知")]


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


def test_indicator_actual_missing(tmp_path):
    found = problems(tmp_path, "福祉相談課", changes={"1-1-3#1": {"actual": None}})
    assert pairs(found) == [("required-missing", "G9")]


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


def test_indicator_number_invalid(tmp_path):
    found = problems(tmp_path, "福祉相談課", changes={"1-1-3#1": {"actual": "集計中"}})
    assert [(p.code, p.cell) for p in found] == [("number-invalid", "G9")]


def test_grade_inconsistent_with_the_indicator(tmp_path):
    found = problems(tmp_path, "福祉相談課", changes={"1-1-3": {"grade": "A"}, "1-1-3#1": {"actual": "５０件"}})
    assert [(p.code, p.cell, p.value, p.expected, p.ratio, p.severity) for p in found] == [
        ("grade-inconsistent", "I8", "A", "C", "50.0%", "warning")]


def test_grade_consistent_and_dash_are_not_flagged(tmp_path):
    assert problems(tmp_path, "福祉相談課", changes={"1-1-3": {"grade": "A"}, "1-1-3#1": {"actual": 115}}) == []
    assert problems(tmp_path, "福祉相談課", changes={"1-1-3": {"grade": "－"}, "1-1-3#1": {"actual": 10}}) == []


def test_thresholds_come_from_settings(tmp_path):
    plan = small_plan()
    settings = small_settings(plan)
    settings.thresholds = type(settings.thresholds)(a=130.0, b=100.0)
    found = problems(tmp_path, "福祉相談課", changes={"1-1-3": {"grade": "A"}, "1-1-3#1": {"actual": 120}},
                     plan=plan, settings=settings)
    assert [(p.code, p.expected) for p in found] == [("grade-inconsistent", "B")]


def test_lower_is_better_indicator_reverses_the_ratio(tmp_path):
    plan = lower_plan()   # 再犯者率, target 45 % or lower
    found = problems(tmp_path, "福祉相談課", plan=plan, changes={"1-1-3": {"grade": "C"}, "1-1-3#1": {"actual": 40}})
    assert [(p.code, p.expected, p.ratio) for p in found] == [("grade-inconsistent", "A", "112.5%")]
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
