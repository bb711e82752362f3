"""A scale changed after distribution is caught: collect holds such a return, validate warns after a merge."""
from __future__ import annotations

import openpyxl

from macros.validate import run_validate
from tests.macros.city import CONSULT, POLICY, City
from workbook.sheets import names
from workbook.sheets.identity import IDENTITY_CELLS


def edit_scale(city: City, cells: dict[str, object]) -> None:
    wb = openpyxl.load_workbook(city.master)
    for ref, value in cells.items():
        wb[names.SHEET_SCALE][ref] = value
    wb.save(city.master)


def test_each_distributed_file_records_the_scale(tmp_path):
    city = City(tmp_path)
    path = city.send(POLICY)
    ws = openpyxl.load_workbook(path)["識別情報"]
    assert ws[IDENTITY_CELLS["scale_fingerprint"]].value == city.settings.scale.fingerprint()
    assert ws[IDENTITY_CELLS["scale_name"]].value == (
        f"さいたま市方式（A・B・C・－、版 {city.settings.scale.fingerprint()[:8]}）")


def test_a_return_made_under_another_scale_is_held(tmp_path):
    city = City(tmp_path)
    city.send(POLICY, {"1-1-1": {"result": "新しい実績"}})
    city.send(CONSULT)
    edit_scale(city, {"K4": 130})          # the section raises A's floor after distribution
    city.collect()
    held = [c for c in city.checks() if c[0] == "scale-changed"]
    assert sorted(held) == sorted([("scale-changed", CONSULT, IDENTITY_CELLS["scale_fingerprint"]),
                                   ("scale-changed", POLICY, IDENTITY_CELLS["scale_fingerprint"])])
    assert city.status()[POLICY][2] == "未提出"          # the section's change: not counted against the department
    rows = [r for r in city.rows(POLICY) if r[0] == "1-1-1"]
    assert rows and "新しい実績" not in [str(v) for v in rows[0]]
    assert not (tmp_path / "返却票").exists() or not any((tmp_path / "返却票").iterdir())


def test_validate_warns_when_the_scale_is_edited_after_a_merge(tmp_path):
    city = City(tmp_path)
    city.send(POLICY)
    city.collect()
    assert city.status()[POLICY][2] == "受理"
    run_validate(city.master)
    assert not [c for c in city.checks() if c[0] == "scale-edited-after-merge"]
    edit_scale(city, {"B4": "目標を大きく上回った"})
    run_validate(city.master)
    assert [c for c in city.checks() if c[0] == "scale-edited-after-merge"] == [
        ("scale-edited-after-merge", POLICY, "")]
    assert city.status()[POLICY][2] == "受理"            # a warning for the section, not the department's error
    run_validate(city.master)                            # found again, not doubled
    assert len([c for c in city.checks() if c[0] == "scale-edited-after-merge"]) == 1


def test_a_new_year_keeps_the_scale(tmp_path):
    """⑥ 年度更新 leaves 評価基準 as it is: next year's files carry the same scale."""
    from workbook.files.master import Master

    city = City(tmp_path)
    edit_scale(city, {"K4": 120})               # the city's own floor, set before distribution
    city.settings = Master.open(city.master).settings
    city.send(POLICY)
    city.collect()
    assert city.status()[POLICY][2] == "受理"
    before = Master.open(city.master).settings.scale
    city.close_year(force=True)                 # ⑥ 年度更新
    city.collect()
    after = Master.open(city.master).settings
    assert after.fiscal_year == 7 and after.scale == before and after.scale.grade("A").floor == 120
    kept = Master.open(city.root / "年度末" / "master_令和6年度末.xlsm").settings      # the closed year's copy too
    assert kept.fiscal_year == 6 and kept.scale == before


def test_a_scale_edited_before_distribution_reaches_the_masters_own_sheets(tmp_path):
    """A code added to 評価基準 before ① 配布: the files and the master's department sheets offer it."""
    from macros.operations import distribute

    city = City(tmp_path)
    wb = openpyxl.load_workbook(city.master)
    ws = wb[names.SHEET_SCALE]
    ws.insert_rows(4)
    for c, value in enumerate(["S", "大きく上回った", "", 4, "含める", None, "上回った", None, None, None, 130], 1):
        ws.cell(row=4, column=c, value=value)
    wb.save(city.master)
    outcome = distribute(city.master)
    assert any("評価基準" in line for line in outcome.lines)
    book = openpyxl.load_workbook(city.master)
    for department in (POLICY, CONSULT):
        lists = [dv.formula1 for dv in book[department].data_validations.dataValidation if dv.type == "list"]
        assert lists == ['"S,A,B,C,－"'], department
    again = distribute(city.master).lines                                    # once only
    assert not any("評価基準" in line for line in again), again
