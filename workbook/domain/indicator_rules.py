"""Indicator rules (判定方法): what an indicator's actual suggests, on any scale.

目標比 compares the actual with the year's target; 進捗率 compares the way travelled from the
baseline with the way expected by now; 基準値比 says improved, unchanged or worse against the
baseline within a band. 累計 indicators compare running totals when the earlier years' actuals
are given (otherwise the year's actual against the year's target). A year with no actual suggests
nothing (surveys are periodic, statistics lag).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from workbook.domain.era import parse_fiscal_year, short_label
from workbook.domain.house_style import NONE, house_text, number, percent
from workbook.domain.plan import Accumulation, Band, Direction, Indicator, IndicatorRule
from workbook.domain.scale import Scale, Trend


@dataclass(frozen=True)
class Judgement:
    """One indicator's suggestion: the rule, the number behind it, the code ('' when the scale
    has no code for it) and a short text for notes ('目標比 102.3％ → B')."""

    rule: IndicatorRule
    actual: float            # the value judged (the running total for 累計)
    target: float | None     # what it was judged against (the cumulative target for 累計)
    ratio: float | None      # percent for 目標比 / 進捗率
    trend: Trend | None      # for 基準値比
    code: str
    cumulative: bool = False  # judged on running totals (actual and target are the sums up to the year)

    @property
    def measure(self) -> str:
        return self.measure_text()

    def measure_text(self, places: int = 1, infinite: str = "∞") -> str:
        """'目標比 102.3％', '基準値比 改善': the rule and its measure (percent in the house style)."""
        if self.rule is IndicatorRule.BASELINE or self.ratio is None:
            return f"{self.rule.value} {self.trend.value if self.trend else NONE}"
        ratio = percent(self.ratio, places) if math.isfinite(self.ratio) else infinite
        return f"{self.rule.value} {ratio}"

    @property
    def text(self) -> str:
        return f"{self.measure} → {self.code}" if self.code else self.measure


def achievement_ratio(actual: float | None, target: float | None,
                      direction: Direction | str = Direction.HIGHER) -> float | None:
    """Actual against target in percent; for lower-is-better the ratio runs the other way.

    None when either value is missing or the division is undefined."""
    if actual is None or target is None:
        return None
    direction = Direction(direction)
    if direction is Direction.HIGHER:
        return None if target == 0 else actual / target * 100.0
    if actual == 0:
        return None if target == 0 else float("inf")
    return target / actual * 100.0


def expected_value(baseline: float, baseline_year: int, target: float, target_year: int, year: int) -> float | None:
    """Where the indicator should stand in a year on a straight line from baseline to target."""
    if target_year <= baseline_year:
        return None
    share = min(max((year - baseline_year) / (target_year - baseline_year), 0.0), 1.0)
    return baseline + (target - baseline) * share


def pace_ratio(actual: float | None, baseline: float | None, baseline_year: int | None, target: float | None,
               target_year: int | None, year: int) -> float | None:
    """進捗率: (actual − baseline) / (expected − baseline) × 100; None when it is undefined."""
    if None in (actual, baseline, baseline_year, target, target_year):
        return None
    expected = expected_value(baseline, baseline_year, target, target_year, year)
    if expected is None or expected == baseline:
        return None
    return (actual - baseline) / (expected - baseline) * 100.0


def trend(actual: float | None, baseline: float | None, band: Band | None,
          direction: Direction | str = Direction.HIGHER) -> Trend | None:
    """基準値比: within the band is unchanged; otherwise better or worse in the indicator's direction."""
    if actual is None or baseline is None:
        return None
    diff = actual - baseline
    width = 0.0 if band is None else band.value if band.in_points else abs(baseline) * band.value / 100.0
    if abs(diff) <= width + 1e-9:
        return Trend.UNCHANGED
    better = diff > 0 if Direction(direction) is Direction.HIGHER else diff < 0
    return Trend.IMPROVED if better else Trend.WORSE


def cumulative_target(indicator: Indicator, year: int) -> float | None:
    """The sum of the yearly targets up to the year; the plan's target when it has none by year."""
    years = [y for y in indicator.yearly_targets if y <= year]
    return sum(indicator.yearly_targets[y] for y in years) if years else indicator.target


def judge(indicator: Indicator, actual: float | None, year: int, scale: Scale,
          default_rule: IndicatorRule = IndicatorRule.RATIO,
          earlier_actuals: dict[int, float] | None = None) -> Judgement | None:
    """The suggestion of one indicator for a year; None when the year has no actual."""
    if actual is None:
        return None
    rule = indicator.rule or default_rule
    direction = indicator.direction
    value, target = actual, indicator.target_for(year)
    cumulative = indicator.accumulation is Accumulation.CUMULATIVE and earlier_actuals is not None
    if cumulative:
        # running totals; without the earlier years' actuals (None), the year's own target as before
        value = actual + sum(v for y, v in earlier_actuals.items() if y < year)
        target = cumulative_target(indicator, year)
    if rule is IndicatorRule.BASELINE:
        mark = trend(value, indicator.baseline, indicator.band, direction)
        return Judgement(rule, value, indicator.baseline, None, mark, scale.for_trend(mark) or "", cumulative)
    if rule is IndicatorRule.PACE:
        final_year = parse_fiscal_year(indicator.target_year) or (max(indicator.yearly_targets)
                                                                  if indicator.yearly_targets else None)
        ratio = pace_ratio(value, indicator.baseline, parse_fiscal_year(indicator.baseline_year),
                           indicator.target, final_year, year)
    else:
        ratio = achievement_ratio(value, target, direction)
    return Judgement(rule, value, target, ratio, None, scale.for_ratio(ratio) or "", cumulative)


def running_figures(judgement: Judgement, indicator: Indicator, year: int) -> str:
    """'累計 210件（R7までの目標 200件以上）': the running total and the cumulative target a 累計
    indicator was judged on (the figures its 目標比 is explained by); '' when it was judged on the year."""
    if not judgement.cumulative:
        return ""
    unit = house_text(indicator.unit)
    target = (f"（{short_label(year)}までの目標 {number(judgement.target)}{unit}{indicator.direction.value}）"
              if judgement.target is not None and judgement.rule is not IndicatorRule.BASELINE else "")
    return f"{Accumulation.CUMULATIVE.value} {number(judgement.actual)}{unit}{target}"


def earlier_of(earlier: dict[tuple[str, str], dict[int, float]] | None, indicator: Indicator, department: str,
               shared: bool) -> dict[int, float] | None:
    """The closed years' actuals a 累計 indicator adds up for a department (None when none).

    earlier: (indicator key, department) -> year -> actual (domain.year_results.earlier_actuals).
    shared: the indicator is reported by several departments now; each keeps its own totals. An
    indicator one department reports counts every earlier year that one department reported, even
    when 担当課 changed since; years reported by several departments then leave it to its own."""
    if not earlier:
        return None
    own = earlier.get((indicator.key, department))
    if shared:
        return own
    others = [years for (key, _), years in earlier.items() if key == indicator.key]
    merged: dict[int, float] = {}
    for years in others:
        for year, value in years.items():
            if year in merged:
                return own          # a year reported by several departments: per-department totals
            merged[year] = value
    return merged or own
