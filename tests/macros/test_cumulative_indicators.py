"""累計 indicators over closed years: 進捗一覧's suggestion and collect's check add up the actuals that
年度別実績 keeps for the years before, against the sum of the yearly targets."""
from __future__ import annotations

from dataclasses import replace

import openpyxl

from tests.macros.city import CONSULT, POLICY, City
from tests.workbook.returns_kit import small_plan
from workbook.domain.plan import Accumulation
from workbook.domain.year_results import earlier_actuals
from workbook.files.master import Master
from workbook.files.snapshot import MasterSnapshot
from workbook.sheets import names

KEY = ("1-1-3|相談件数", CONSULT)


def cumulative_plan():
    """1-1-3's 相談件数 counted over the period: 30 + 30 + 40 = 100 件 by R8."""
    plan = small_plan()
    plan.indicators[:] = [replace(plan.indicators[0], accumulation=Accumulation.CUMULATIVE,
                                  yearly_targets={6: 30.0, 7: 30.0, 8: 40.0})]
    return plan


def a_year(city: City, actual: float, grade: str = "B") -> None:
    for path in city.inbox.iterdir():
        path.unlink()
    city.send(POLICY)
    city.send(CONSULT, {"1-1-3": {"grade": grade}, "1-1-3#1": {"actual": actual}})
    city.collect()


def test_a_cumulative_indicator_adds_up_the_two_closed_years(tmp_path):
    city = City(tmp_path, plan=cumulative_plan())
    a_year(city, 30)                    # R6: 30 of 30
    city.close_year()
    a_year(city, 20, grade="C")         # R7: 20 of 30 alone; 50 of 60 in all
    assert city.progress()["1-1-3"]["推奨評価（指標）"] == "C"        # 83.3％ of the running target
    city.close_year()
    a_year(city, 50, grade="A")         # R8: 50 of 40 alone (125％: A), 100 of 100 in all (100％: B)

    snap = MasterSnapshot.read(city.master)
    assert snap.settings.fiscal_year == 8
    assert earlier_actuals(snap.year_results(), 8)[KEY] == {6: 30.0, 7: 20.0}
    assert snap.earlier_actuals()[KEY] == {6: 30.0, 7: 20.0}
    indicator = next(i for p in Master.open(city.master).summary().actions for i in p.indicators)
    assert (indicator.actual, indicator.judgement.actual, indicator.judgement.target) == (50.0, 100.0, 100.0)
    assert indicator.ratio == 100.0 and indicator.suggested == "B"
    assert city.progress()["1-1-3"]["推奨評価（指標）"] == "B"
    # collect's check judges the same running total: the self-grade A differs from B
    assert any(code == "grade-inconsistent" and dept == CONSULT for code, dept, _ in city.checks())
    message = next(r for r in city.rows("検証結果") if "grade-inconsistent" in r)
    assert "100.0％" in "".join(str(v) for v in message if v)


def test_without_closed_years_the_year_is_judged_alone(tmp_path):
    city = City(tmp_path, plan=cumulative_plan())
    a_year(city, 36)
    assert MasterSnapshot.read(city.master).earlier_actuals() == {}
    assert city.progress()["1-1-3"]["推奨評価（指標）"] == "A"        # 36 of 30: 120％


def test_the_screens_show_the_running_total_the_ratio_is_on(tmp_path):
    """進捗一覧, collect's message and the yearly report's figures explain 目標比 by the running total
    and the summed target, next to the year's own actual."""
    city = City(tmp_path, plan=cumulative_plan())
    a_year(city, 30)                    # R6: 30 of 30
    city.close_year()
    a_year(city, 33, grade="A")         # R7: 33 alone (110％: A); 63 of 60 in all (105％: B)
    line = city.progress()["1-1-3"]["指標の実績"]
    assert line == "相談件数：R7 33件　累計 63件（R7までの目標 60件以上）　目標比 105.0％ → B"
    message = next(r for r in city.rows("検証結果") if "grade-inconsistent" in r)
    text = "".join(str(v) for v in message if v)
    assert "累計 63件（R7までの目標 60件以上）、目標比 105.0％" in text and "110" not in text

    from generators.context import _indicator_line, indicator_row
    ip = next(i for p in Master.open(city.master).summary().actions for i in p.indicators)
    assert _indicator_line(ip, 7) == "相談件数：実績 33件（累計 63件（R7までの目標 60件以上）、目標比 105％ → B）"
    row = indicator_row(ip, 7, several=False)
    assert row["actual"] == "33件\n（累計 63件）" and row["target"] == "60件以上（R7まで累計）"
    assert row["ratio"] == "105％" and row["progress"] == "105％"   # a running total starts from nothing

    from macros.cli import main as cli
    from workbook.files.rollup_book import INDICATOR_HEADERS, INDICATOR_SHEET
    assert cli(["rollup", "--out", str(tmp_path / "集約"), str(city.master)]) == 0
    book = openpyxl.load_workbook(next((tmp_path / "集約").glob("進捗集約_*.xlsx")))
    found = [dict(zip(INDICATOR_HEADERS, r)) for r in book[INDICATOR_SHEET].iter_rows(min_row=2, values_only=True)
             if r[3] == "1-1-3"]
    assert [(f["指標名"], f["目標値"], f["実績値"], f["進捗（％）"], f["提案"]) for f in found] == [
        ("相談件数　累計 63件（R7までの目標 60件以上）", 30, 33, 105, "B")]


def test_a_changed_reporting_department_keeps_the_running_total(tmp_path):
    """1-1-3 moves from 福祉相談課 to 福祉政策課 after R6: R7 still adds R6's actual, and the period
    report shows R6 in the indicator's row and its running totals."""
    city = City(tmp_path, plan=cumulative_plan())
    a_year(city, 30)
    city.close_year()
    book = openpyxl.load_workbook(city.master, keep_vba=True)      # 担当課 changed on シート「計画」
    ws = book[names.SHEET_PLAN]
    column = next(c.column for c in ws[1] if c.value == "担当課")
    row = next(c.row for c in ws["E"] if c.value == "1-1-3")
    ws.cell(row=row, column=column, value=POLICY)
    book.save(city.master)
    city.plan = replace(city.plan, actions=[replace(a, departments=(POLICY,)) if a.code == "1-1-3" else a
                                            for a in city.plan.actions])
    for path in city.inbox.iterdir():
        path.unlink()
    city.send(POLICY, {"1-1-3": {"grade": "C"}, "1-1-3#1": {"actual": 20}})
    city.send(CONSULT)
    city.collect()
    snap = MasterSnapshot.read(city.master)
    assert snap.earlier_actuals()[KEY] == {6: 30.0}
    indicator = next(i for p in Master.open(city.master).summary().actions for i in p.indicators)
    assert (indicator.department, indicator.judgement.actual, indicator.judgement.target) == (POLICY, 50.0, 60.0)
    assert "累計 50件（R7までの目標 60件以上）" in city.progress()["1-1-3"]["指標の実績"]

    from macros.period_report import period_of
    period, _ = period_of(city.master)
    t = next(t for t in period.trajectories() if t.indicator.name == "相談件数")
    assert (t.department, t.actuals, t.values) == (POLICY, {6: 30.0, 7: 20.0}, {6: 30.0, 7: 50.0})
