"""next-year over the plan period: two years closed one after the other, 計画期間 from the plan's own
years, the last year closed with --end-of-plan, and the period report's name mid-period."""
from __future__ import annotations

from __future__ import annotations

import openpyxl
import pytest

from macros.next_year import run_next_year
from tests.macros.city import CONSULT, POLICY, City, with_targets
from workbook.errors import MasterError
from workbook.files.master import Master
from workbook.files.snapshot import MasterSnapshot
from workbook.sheets import names
from tests.macros.year_kit import (a_full_year)


@pytest.fixture
def city(tmp_path):
    return City(tmp_path, vba=True)


def test_two_years_closed_one_after_the_other(tmp_path):
    """A master moved on twice (R6 → R7 → R8) keeps both closed years, each with its own copy."""
    city = City(tmp_path)
    for year in (6, 7):
        city.send(POLICY)
        city.send(CONSULT)
        city.collect()
        for path in city.inbox.iterdir():
            path.unlink()
        city.close_year()
        assert city.settings.fiscal_year == year + 1
    snap = MasterSnapshot.read(city.master)
    assert snap.settings.fiscal_year == 8
    assert sorted({r.fiscal_year for r in snap.year_results()}) == [6, 7]
    assert [r.target for r in snap.year_results() if r.action_code == "1-1-1"] == ["チラシの作成", "チラシの作成（R7）"]
    assert sorted(p.name for p in (tmp_path / "年度末").iterdir()) == ["master_令和6年度末.xlsm", "master_令和7年度末.xlsm"]
    assert MasterSnapshot.read(tmp_path / "年度末" / "master_令和7年度末.xlsm").settings.fiscal_year == 7


def test_a_master_without_a_plan_period_gets_the_plans_own_years_before_a_revision_extends_them(city):
    """A master made before 設定 had 計画期間 (the row is not there): closing the year with a revised
    plan that adds a year writes the plan's own years first, so the period does not grow with it."""
    from workbook.domain.era import year_span_label

    master = Master.open(city.master)
    ws = master.wb[names.SHEET_SETTINGS]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value == "plan_period")
    ws.delete_rows(row)
    master.save(backup=False)
    before = MasterSnapshot.read(city.master)
    years = before.plan.fiscal_years
    assert before.settings.plan_period == "" and before.settings.period_years(years) == years
    a_full_year(city)
    later = max(years) + 1
    city.plan = with_targets(city.plan, 7)          # the revision gives 令和7年度 and adds a year after the plan's
    outcome = run_next_year(city.master, city.revised_plan(later), force=True)
    after = MasterSnapshot.read(city.master)
    assert later in after.plan.fiscal_years
    own = year_span_label(min(years), max(years))
    assert after.settings.plan_period == own
    assert after.settings.period_end(after.plan.fiscal_years) == max(years)
    assert any(f"計画期間「{own}」" in line for line in outcome.lines)
    ws = openpyxl.load_workbook(city.master)[names.SHEET_SETTINGS]     # added under the last setting, above the note
    keys = [ws.cell(row=r, column=1).value for r in range(2, ws.max_row + 1)]
    row = keys.index("plan_period") + 2
    assert ws.cell(row=row - 1, column=1).value and ws.cell(row=row, column=3).value == own
    note = next(r for r in range(2, ws.max_row + 1) if str(ws.cell(row=r, column=2).value or "").startswith("達成度の記号"))
    assert note > row


def test_the_plan_periods_last_year_closes_with_end_of_plan_and_nothing_is_distributed_after(city):
    """No 取組目標 for the year after the plan period: next-year says --end-of-plan; with it the last year
    is closed like any other, the period report has every year closed, and distribute refuses."""
    from macros.distribute import run_distribute
    from macros.operations import period_report
    from tests.generators.docx_read import all_text, open_docx

    master = Master.open(city.master)
    master.write_setting_values({"plan_period": "令和6年度〜令和6年度"})
    master.save(backup=False)
    a_full_year(city)
    with pytest.raises(MasterError, match="--end-of-plan"):
        run_next_year(city.master)
    outcome = run_next_year(city.master, end_of_plan=True)
    snap = MasterSnapshot.read(city.master)
    assert snap.settings.fiscal_year == 7 and {r.fiscal_year for r in snap.year_results()} == {6}
    assert any("計画期間の最後の年度（令和6年度）を締めました" in line for line in outcome.lines)
    from macros.operations import remind, report as make_report
    for operation in (run_distribute, remind, make_report, run_next_year):   # nothing was distributed for 令和7年度
        with pytest.raises(MasterError, match="令和7年度の取組目標が一つもないため"):
            operation(city.master)
    again = make_report(city.master, pdf=False, fiscal_year=6)               # the closed year's documents still
    assert any(p.name == "令和6年度_進捗状況報告書.docx" for p in again.files)
    report = next(p for p in period_report(city.master).files if p.suffix == ".docx")
    text = all_text(open_docx(report))
    assert "令和6年度" in text and "見込み" not in text


def test_end_of_plan_is_refused_when_the_next_year_has_targets(city):
    master = Master.open(city.master)
    master.write_setting_values({"plan_period": "令和6年度〜令和6年度"})
    master.save(backup=False)
    a_full_year(city)
    before = city.master.read_bytes()
    with pytest.raises(MasterError, match="令和7年度の取組目標があるため、--end-of-plan は使えません"):
        run_next_year(city.master, city.revised_plan(7), end_of_plan=True)
    assert city.master.read_bytes() == before


def test_end_of_plan_is_refused_before_the_plan_periods_last_year(city):
    a_full_year(city)
    before = city.master.read_bytes()
    with pytest.raises(MasterError, match="最終年度（令和8年度）を締めるときだけ"):
        run_next_year(city.master, end_of_plan=True)
    assert city.master.read_bytes() == before


def test_a_period_report_made_mid_period_is_named_by_the_plan_period(city):
    """Made in 令和7年度 of a 令和6〜8年度 plan: the file says the period its cover says, with R7 見込み."""
    from macros.operations import period_report
    from tests.generators.docx_read import all_text, open_docx

    a_full_year(city)
    city.close_year()
    report = next(p for p in period_report(city.master).files if p.suffix == ".docx")
    assert report.name == "令和6年度〜令和8年度_計画期間評価報告書.docx"
    assert "令和6年度〜令和8年度" in all_text(open_docx(report))
