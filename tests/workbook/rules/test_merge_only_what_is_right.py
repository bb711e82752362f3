"""A row is merged only when its identity is certain; a value reported as an error is never merged.

Each scenario: a good return is collected first, then a newer, damaged one. Wherever collect
reports an error, the master's cells must be exactly what the good return left."""
from __future__ import annotations

import openpyxl
import pytest

from tests.macros.city import CONSULT, POLICY, City, every_cell
from tests.workbook.returns_kit import Text, small_plan
from workbook.files.master import Master
from workbook.ooxml.patch import PackagePatch
from workbook.sheets import names
from workbook.sheets.layout import DATA_SHEET

FIRST, SECOND = "2025-05-01T01:00:00Z", "2025-05-10T01:00:00Z"


@pytest.fixture
def city(tmp_path):
    return City(tmp_path)


def cells(city: City, department: str, refs: str) -> dict[str, object]:
    ws = city.book()[department]
    return {ref: ws[ref].value for ref in refs.split()}


def good_then(city: City, department: str, damage, changes=None, **kw) -> tuple[dict, dict]:
    """Collect a good return, then a newer one made by changes and damage(wb); every cell of the master
    before and after the second collect."""
    city.send(department, name="good.xlsx", saved=FIRST)
    city.collect()
    before = every_cell(city.master)
    path = city.send(department, changes, name="second.xlsx", **kw)
    if damage is not None:
        wb = openpyxl.load_workbook(path)
        damage(wb[DATA_SHEET])
        wb.save(path)
    from tests.workbook.returns_kit import set_saved_time
    set_saved_time(path, SECOND)
    city.collect()
    return before, every_cell(city.master)


def row(snapshot: dict, sheet: str, number: int) -> list[tuple]:
    return [c for c in snapshot[sheet][number - 1]]


# --- identity of rows -------------------------------------------------------------------------------
def test_visible_columns_sorted_under_the_hidden_key_merge_nothing_of_the_moved_rows(city):
    """The department lifted the protection (no password) and sorted B:O of rows 7-8, leaving A."""
    def sort_visible(ws):
        for col in range(2, 16):
            a, b = ws.cell(row=7, column=col), ws.cell(row=8, column=col)
            a.value, b.value = b.value, a.value
    before, after = good_then(city, POLICY, sort_visible,
                              {"1-1-1": {"result": "1-1-1 の新しい成果"}, "1-1-2": {"result": "1-1-2 の新しい成果"}})
    assert row(after, POLICY, 7) == row(before, POLICY, 7) and row(after, POLICY, 8) == row(before, POLICY, 8)
    assert {("row-identity-doubt", POLICY, "B7"), ("row-identity-doubt", POLICY, "B8")} <= set(city.checks())
    assert city.status()[POLICY][2] == "要修正"


def test_rows_moved_whole_are_still_matched_by_key(city):
    def move_whole(ws):
        for col in range(1, 16):
            a, b = ws.cell(row=7, column=col), ws.cell(row=8, column=col)
            a.value, b.value = b.value, a.value
    _, after = good_then(city, POLICY, move_whole, {"1-1-1": {"result": "新しい成果"}})
    assert cells(city, POLICY, "H7")["H7"] == "新しい成果"
    assert "row-identity-doubt" not in {c[0] for c in city.checks()}


def test_a_copied_row_holds_back_both_rows_of_its_key(city):
    def copy_row(ws):
        ws.insert_rows(9)
        for col in range(1, 16):
            ws.cell(row=9, column=col).value = ws.cell(row=7, column=col).value
        ws["H9"] = "コピーした行の成果"
    before, after = good_then(city, POLICY, copy_row, {"1-1-1": {"result": "元の行の新しい成果"}})
    assert row(after, POLICY, 7) == row(before, POLICY, 7)
    assert ("row-duplicate-key", POLICY, "B9") in city.checks()


def test_an_inserted_row_is_not_merged_and_the_others_are(city):
    def insert(ws):
        ws.insert_rows(8)
        ws["B8"], ws["F8"] = "1-1-9", "勝手に足した行"
    _, after = good_then(city, POLICY, insert, {"1-1-2": {"result": "1-1-2 の新しい成果"}})
    assert ("row-added", POLICY, "B8") in city.checks()
    assert "勝手に足した行" not in str(after[POLICY])
    assert cells(city, POLICY, "H8")["H8"] == "1-1-2 の新しい成果"


def test_a_relisted_row_follows_the_same_rule(tmp_path):
    city = City(tmp_path)
    import dataclasses

    plan = small_plan()
    plan.actions[1] = dataclasses.replace(plan.actions[1], relisted_from="1-1-1")   # 「（1-1-1 の再掲）」
    city.plan = plan
    from workbook.files.master import build_master
    city.master.unlink()
    city.master = build_master(plan, city.settings, tmp_path / "master.xlsm")
    honest = city.send(POLICY, name="honest.xlsx", saved=FIRST)
    city.collect()
    assert "row-identity-doubt" not in {c[0] for c in city.checks()}
    assert cells(city, POLICY, "F8")["F8"] == "1-1-2 の取組を実施した。"
    wb = openpyxl.load_workbook(honest)
    wb[DATA_SHEET]["C8"] = "関係機関との連携"        # the 再掲 note deleted: which action is this row?
    wb[DATA_SHEET]["F8"] = "書き換えた内容"
    wb.save(honest)
    from tests.workbook.returns_kit import set_saved_time
    set_saved_time(honest, SECOND)
    city.collect()
    assert ("row-identity-doubt", POLICY, "B8") in city.checks()
    assert cells(city, POLICY, "F8")["F8"] == "1-1-2 の取組を実施した。"


def test_a_title_revised_in_the_plan_after_distribution_does_not_fail_an_honest_return(city):
    path = city.send(POLICY, name="honest.xlsx")          # distributed with the old title
    master = Master.open(city.master)
    master.wb[names.SHEET_PLAN]["F2"] = "相談窓口の周知（改訂）"   # 計画!F2: 1-1-1's 重点取組
    master.save(backup=False)
    assert Master.open(city.master).plan.action("1-1-1").title == "相談窓口の周知（改訂）"
    city.collect()
    assert "row-identity-doubt" not in {c[0] for c in city.checks()}
    assert cells(city, POLICY, "F7")["F7"] == "1-1-1 の取組を実施した。"
    assert path.exists()


def test_a_deleted_row_is_named_with_its_code_and_row(city):
    _, _ = good_then(city, POLICY, lambda ws: ws.delete_rows(8))
    assert ("row-removed", POLICY, "B8") in city.checks()


# --- values reported as errors ------------------------------------------------------------------------
@pytest.mark.parametrize("code, department, changes, damage, refs", [
    ("formula-in-input", POLICY, {"1-1-1": {"result": "=1+1"}}, None, "H7"),
    ("number-invalid", CONSULT, {"1-1-3#1": {"actual": "たくさん"}}, None, "G9"),
    ("grade-invalid", POLICY, {"1-1-1": {"grade": "◎", "reason": "新しい理由"}}, None, "I7 J7"),
    ("reason-missing", POLICY, {"1-1-1": {"grade": "C", "reason": None}}, None, "I7 J7"),
    ("required-missing", POLICY, {"1-1-1": {"content": None}}, None, "F7"),
    ("input-cells-merged", POLICY, {"1-1-1": {"result": "結合した成果"}}, lambda ws: ws.merge_cells("H7:I7"), "H7 I7 J7"),
])
def test_a_value_reported_as_an_error_never_replaces_a_good_one(city, code, department, changes, damage, refs):
    good_then(city, department, damage, changes)
    row_number = int(refs.split()[0][1:])
    assert any(c[0] == code and c[1] == department and c[2].endswith(str(row_number)) for c in city.checks()), \
        city.checks()
    expected = {"F7": "1-1-1 の取組を実施した。", "H7": "1-1-1 実績 3回", "I7": "B", "J7": "概ね予定どおり実施した。",
                "G9": 100}
    assert cells(city, department, refs) == {r: expected[r] for r in refs.split()}


def test_text_too_long_is_not_merged(city):
    city.send(POLICY, name="good.xlsx", saved=FIRST)
    city.collect()
    path = city.send(POLICY, name="second.xlsx")
    patch = PackagePatch(path)          # openpyxl cuts strings at 32,767: write the cell into the XML
    patch.sheet(DATA_SHEET).set(7, 8, "長" * 40000)
    patch.save(None)
    from tests.workbook.returns_kit import set_saved_time
    set_saved_time(path, SECOND)
    city.collect()
    assert ("text-too-long", POLICY, "H7") in city.checks()
    assert cells(city, POLICY, "H7")["H7"] == "1-1-1 実績 3回"


def test_a_deliberate_clear_of_a_plain_cell_is_merged_with_the_old_value_in_history(city):
    good_then(city, POLICY, None, {"1-1-1": {"issues": None}})
    assert cells(city, POLICY, "K7")["K7"] is None
    history = city.rows(names.SHEET_HISTORY)
    assert [(h[3], h[4], h[5], h[6]) for h in history] == [("1-1-1", "課題", "特になし", None)]


def test_warnings_merge(city):
    good_then(city, CONSULT, None, {"1-1-3": {"grade": "A"}})     # actual = target: grade-inconsistent (warning)
    assert ("grade-inconsistent", CONSULT, "I8") in city.checks()
    assert cells(city, CONSULT, "I8")["I8"] == "A"


def test_a_rejected_value_is_listed_in_the_correction_list(city):
    good_then(city, POLICY, None, {"1-1-1": {"grade": "◎"}})
    sheet = openpyxl.load_workbook(city.root / "返却票" / "令和6年度_返却票_福祉政策課.xlsx").active
    listed = [r for r in sheet.iter_rows(min_row=12, values_only=True) if r[5] == "I7"]
    assert listed and listed[0][6] == "◎"


def test_the_protection_password_is_optional_and_changes_nothing_collect_accepts(tmp_path):
    city = City(tmp_path)
    city.settings.protection_password = "guard"
    path = city.send(POLICY)
    ws = openpyxl.load_workbook(path)[DATA_SHEET]
    assert ws.protection.sheet and ws.protection.password
    city.collect()
    assert city.status()[POLICY][2] == "受理"


def test_text_typed_as_text_is_merged_as_text(city):
    good_then(city, POLICY, None, {"1-1-1": {"result": Text("=は記号")}})
    assert cells(city, POLICY, "H7")["H7"] == "=は記号"


def _without_labels(path):
    """The file as template 2026.1 made it: no row labels in the identity sheet, and the table ending
    at 前年度 実績・成果 (the columns of 2026.3 not there yet)."""
    from workbook.sheets.layout import col_number

    wb = openpyxl.load_workbook(path)
    first = col_number("prev_internal")
    wb[DATA_SHEET].delete_cols(first, col_number("direction") - first + 1)
    ws = wb["識別情報"]
    for row in ws.iter_rows(min_row=1, min_col=4, max_col=6):
        for cell in row:
            cell.value = None
    for row in ws.iter_rows(min_col=1, max_col=3):
        if row[0].value == "template_version":
            row[2].value = "2026.1"
    wb.save(path)
    return path


def test_a_2026_1_file_after_a_plan_revision_is_still_merged(city):
    path = _without_labels(city.send(POLICY, name="old.xlsx"))
    master = Master.open(city.master)
    master.wb[names.SHEET_PLAN]["F2"] = "相談窓口の周知（改訂）"
    master.save(backup=False)
    city.collect()
    assert "row-identity-doubt" not in {c[0] for c in city.checks()}
    assert cells(city, POLICY, "F7")["F7"] == "1-1-1 の取組を実施した。"
    assert path.exists()


def test_a_2026_1_file_with_visible_columns_sorted_is_held(city):
    path = city.send(POLICY, name="old.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb[DATA_SHEET]
    for col in range(2, 16):
        a, b = ws.cell(row=7, column=col), ws.cell(row=8, column=col)
        a.value, b.value = b.value, a.value
    wb.save(path)
    _without_labels(path)
    city.collect()
    assert {("row-identity-doubt", POLICY, "B7"), ("row-identity-doubt", POLICY, "B8")} <= set(city.checks())
    assert cells(city, POLICY, "F7 F8") == {"F7": None, "F8": None}


def test_validate_keeps_a_held_value_reported_until_the_section_types_one(city):
    from macros.validate import run_validate

    good_then(city, POLICY, None, {"1-1-1": {"result": "=1+1"}})
    lists = city.root / "返却票" / "令和6年度_返却票_福祉政策課.xlsx"
    assert ("formula-in-input", POLICY, "H7") in city.checks() and lists.exists()
    listed = lists.read_bytes()
    run_validate(city.master)
    assert ("formula-in-input", POLICY, "H7") in city.checks()       # the master still shows the old value
    assert city.status()[POLICY][2] == "要修正" and lists.read_bytes() == listed
    master = Master.open(city.master)
    master.department_sheet(POLICY)["H7"] = "電話で確認した成果"        # the section types the value by hand
    master.save(backup=False)
    run_validate(city.master)
    assert "formula-in-input" not in {c[0] for c in city.checks()}
    assert city.status()[POLICY][2] == "受理"


def test_an_error_value_pasted_into_an_input_cell_is_not_a_clear(city):
    city.send(POLICY, name="good.xlsx", saved=FIRST)
    city.collect()
    path = city.send(POLICY, name="second.xlsx")
    patch = PackagePatch(path)          # a value pasted from a broken formula: <c t="e"><v>#N/A</v></c>
    sheet = patch.sheet(DATA_SHEET)
    sheet.set(7, 11, None)
    patch.save(None)
    import re
    import zipfile
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    part = next(n for n in parts if n.startswith("xl/worksheets/sheet2"))
    parts[part] = re.sub(rb'<c r="K7"([^>]*?)(/>|>.*?</c>)', rb'<c r="K7"\1 t="e"><v>#N/A</v></c>', parts[part], count=1)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    from tests.workbook.returns_kit import set_saved_time
    set_saved_time(path, SECOND)
    city.collect()
    assert ("error-value-in-input", POLICY, "K7") in city.checks()
    assert cells(city, POLICY, "K7")["K7"] == "特になし"
    assert "特になし" not in {r[5] for r in city.rows(names.SHEET_HISTORY)}


def test_a_chosen_direction_is_kept_as_the_list_has_it_not_with_the_spaces_typed_around_it():
    from workbook.rules.merge import storable

    assert storable("direction", " 拡充　") == "拡充"
    assert storable("direction", "  ") is None
