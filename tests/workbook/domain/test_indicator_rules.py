"""Seed 003's worked examples on the さいたま市方式 scale (判定下限 A 110, B 90, C 0; 改善 A, 横ばい B, 悪化 C)."""
import pytest

from workbook.domain.indicator_rules import earlier_of, judge, running_figures
from workbook.domain.plan import Accumulation, Band, Direction, Indicator, IndicatorRule
from workbook.domain.scale_presets import SAITAMA

RECIDIVISM = Indicator("1-1-1", "再犯者率", "％", 46.5, "R2", 45.0, "R8", Direction.LOWER)
EMPLOYERS = Indicator("2-1-1", "協力雇用主数", "社", 9, "R3", 11, "R9", Direction.HIGHER)
AWARENESS = Indicator("3-1-1", "社会を明るくする運動の認知度", "％", 13.7, "R3", 30.0, "R9", Direction.HIGHER,
                      rule=IndicatorRule.BASELINE, band=Band(3, in_points=True))


def _judge(indicator, actual, year, rule=None):
    if rule:
        indicator = Indicator(**{**indicator.__dict__, "rule": rule})
    return judge(indicator, actual, year, SAITAMA)


@pytest.mark.parametrize("actual,ratio,code", [(44.0, 102.3, "B"), (40.5, 111.1, "A"), (51.7, 87.0, "C")])
def test_recidivism_rate_against_the_target(actual, ratio, code):
    j = _judge(RECIDIVISM, actual, 6, IndicatorRule.RATIO)
    assert round(j.ratio, 1) == ratio and j.code == code


@pytest.mark.parametrize("actual,ratio,code", [(45.0, 200.0, "A"), (46.2, 40.0, "C")])
def test_recidivism_rate_on_pace_in_r5(actual, ratio, code):
    j = _judge(RECIDIVISM, actual, 5, IndicatorRule.PACE)   # expected 45.75
    assert j.ratio == pytest.approx(ratio) and j.code == code


@pytest.mark.parametrize("actual,ratio,code", [(10, 100.0, "B"), (13, 400.0, "A"), (9, 0.0, "C")])
def test_cooperating_employers_on_pace_in_r6(actual, ratio, code):
    j = _judge(EMPLOYERS, actual, 6, IndicatorRule.PACE)    # expected 10
    assert j.ratio == pytest.approx(ratio) and j.code == code


@pytest.mark.parametrize("actual,code", [(20.0, "A"), (15.0, "B"), (10.0, "C")])
def test_awareness_against_the_baseline_with_a_band_of_three_points(actual, code):
    assert _judge(AWARENESS, actual, 6).code == code


def test_no_survey_that_year_gives_no_suggestion():
    assert _judge(AWARENESS, None, 6) is None
    assert _judge(RECIDIVISM, None, 6, IndicatorRule.PACE) is None


def test_a_band_in_percent_is_relative_to_the_baseline():
    ind = Indicator(**{**AWARENESS.__dict__, "band": Band(10, in_points=False)})   # 10 % of 13.7 = 1.37
    assert _judge(ind, 15.0, 6).code == "B" and _judge(ind, 15.2, 6).code == "A"


def test_lower_is_better_against_the_baseline():
    ind = Indicator(**{**RECIDIVISM.__dict__, "rule": IndicatorRule.BASELINE, "band": Band(0.5)})
    assert [_judge(ind, v, 6).code for v in (45.0, 46.8, 48.0)] == ["A", "B", "C"]


def test_cumulative_compares_running_totals():
    ind = Indicator("4-1-1", "相談件数", "件", None, "", 300, "R8", Direction.HIGHER, Accumulation.CUMULATIVE,
                    yearly_targets={6: 100, 7: 100, 8: 100})
    j = judge(ind, 95, 7, SAITAMA, earlier_actuals={6: 120})
    assert (j.actual, j.target) == (215, 200) and round(j.ratio, 1) == 107.5 and j.code == "B"
    assert judge(ind, 95, 6, SAITAMA, earlier_actuals={}).ratio == pytest.approx(95.0)


def test_cumulative_without_the_earlier_years_compares_the_year_with_its_own_target():
    ind = Indicator("4-1-1", "相談件数", "件", None, "", 300, "R8", Direction.HIGHER, Accumulation.CUMULATIVE,
                    yearly_targets={6: 100, 7: 100, 8: 100})
    j = judge(ind, 95, 7, SAITAMA)
    assert (j.actual, j.target, j.code) == (95, 100, "B")


def test_the_running_figures_explain_a_cumulative_ratio():
    ind = Indicator("4-1-1", "相談件数", "件", None, "", 300, "R8", Direction.HIGHER, Accumulation.CUMULATIVE,
                    yearly_targets={6: 100, 7: 100, 8: 100})
    j = judge(ind, 90, 7, SAITAMA, earlier_actuals={6: 120})
    assert j.cumulative and running_figures(j, ind, 7) == "累計 210件（R7までの目標 200件以上）"
    assert j.text == "目標比 105.0％ → B"
    alone = judge(ind, 90, 7, SAITAMA)          # no closed years given: the year alone, nothing to add
    assert not alone.cumulative and running_figures(alone, ind, 7) == ""


def test_earlier_years_of_another_single_department_still_count():
    ind = Indicator("4-1-1", "相談件数", "件", None, "", 300, "R8", Direction.HIGHER, Accumulation.CUMULATIVE)
    moved = {("4-1-1|相談件数", "福祉相談課"): {6: 120.0}, ("4-1-1|相談件数", "福祉政策課"): {7: 90.0}}
    assert earlier_of(moved, ind, "福祉政策課", shared=False) == {6: 120.0, 7: 90.0}
    assert earlier_of(moved, ind, "福祉政策課", shared=True) == {7: 90.0}      # each keeps its own total
    assert earlier_of(moved, ind, "生活福祉課", shared=True) is None
    both = {("4-1-1|相談件数", "福祉相談課"): {6: 120.0}, ("4-1-1|相談件数", "福祉政策課"): {6: 80.0}}
    assert earlier_of(both, ind, "福祉政策課", shared=False) == {6: 80.0}      # reported by both: its own
    assert earlier_of({}, ind, "福祉政策課", shared=False) is None
