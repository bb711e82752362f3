"""累計 indicators over closed years: 進捗一覧's suggestion and collect's check add up the actuals that
年度別実績 keeps for the years before, against the sum of the yearly targets."""
from __future__ import annotations

from dataclasses import replace

from tests.macros.city import CONSULT, POLICY, City
from tests.workbook.returns_kit import small_plan
from workbook.domain.plan import Accumulation
from workbook.domain.year_results import earlier_actuals
from workbook.files.master import Master
from workbook.files.snapshot import MasterSnapshot

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
