"""The 計画期間評価報告書's indicator charts: better is up, the target and (進捗率) the pace line drawn."""
from __future__ import annotations

from generators.period import Trajectory
from generators.period_charts import trajectory_chart, trajectory_figure
from workbook.domain.plan import Accumulation, Direction, Indicator, IndicatorRule


def _trajectory(direction: Direction, rule: IndicatorRule) -> Trajectory:
    low = direction is Direction.LOWER
    indicator = Indicator("1-1-1", "再犯者数" if low else "相談件数", "人", baseline=50, baseline_year="R5",
                          target=40 if low else 60, target_year="R8", direction=direction, rule=rule)
    return Trajectory("1-1-1", "福祉政策課", indicator, rule, {6: 47, 7: 44, 8: 45} if low else {6: 52, 7: 55, 8: 54})


def _lines(fig) -> dict[str, object]:
    return {line.get_label(): line for line in fig.axes[0].get_lines()}


def test_a_lower_is_better_indicator_is_drawn_with_better_up_and_says_so():
    fig = trajectory_figure(_trajectory(Direction.LOWER, IndicatorRule.PACE), [6, 7, 8], 8)
    ax = fig.axes[0]
    assert ax.yaxis_inverted()
    assert "少ないほど良い" in ax.get_ylabel()
    labels = _lines(fig)
    assert "目標値 40人（R8）" in labels and "目標に向かう線（進捗率の基準）" in labels and "見込み" in labels
    pace = labels["目標に向かう線（進捗率の基準）"].get_ydata()
    assert pace[0] == 50 and pace[-1] == 40


def test_a_higher_is_better_indicator_judged_by_ratio_has_no_pace_line(tmp_path):
    t = _trajectory(Direction.HIGHER, IndicatorRule.RATIO)
    fig = trajectory_figure(t, [6, 7], None)
    assert not fig.axes[0].yaxis_inverted()
    assert "目標に向かう線（進捗率の基準）" not in _lines(fig) and "見込み" not in _lines(fig)
    assert trajectory_chart(t, [6, 7], None, tmp_path / "c.png").stat().st_size > 0


def test_a_cumulative_indicator_is_drawn_as_running_totals_against_its_target():
    indicator = Indicator("1-1-2", "相談件数", "件", baseline=None, baseline_year="", target=300, target_year="R8",
                          direction=Direction.HIGHER, accumulation=Accumulation.CUMULATIVE,
                          yearly_targets={6: 100, 7: 100, 8: 100})
    t = Trajectory("1-1-2", "福祉相談課", indicator, IndicatorRule.RATIO, {6: 120.0, 7: 90.0})
    assert t.values == {6: 120.0, 7: 210.0}
    lines = _lines(trajectory_figure(t, [6, 7], None))
    assert list(lines["累計（各年度までの実績の合計）"].get_ydata()) == [120.0, 210.0]
    assert "目標値 300件（R8）（累計）" in lines


def test_a_percent_unit_is_written_in_the_house_style():
    indicator = Indicator("1-1-1", "再犯者率", "%", baseline=46.5, baseline_year="R3", target=45.0, target_year="R8",
                          direction=Direction.LOWER)
    fig = trajectory_figure(Trajectory("1-1-1", "福祉政策課", indicator, IndicatorRule.RATIO, {6: 46.0}), [6], None)
    texts = [a.get_text() for a in fig.axes[0].texts] + list(_lines(fig)) + [fig.axes[0].get_ylabel()]
    assert "46％" in texts and "目標値 45％（R8）" in _lines(fig) and not any("%" in t for t in texts)
