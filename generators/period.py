"""The plan period in one view, for the 計画期間評価報告書: every closed year's records (年度別実績)
and, while it is not closed, the current year's (見込み), per action, per indicator and per 基本目標.

Only data here (no Word): generators/period_report.py writes it, generators/period_charts.py draws it.
An action counts once a year with its 達成度（統合） (再掲を含む), as the yearly reports count it.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from workbook.domain.era import parse_fiscal_year, short_label
from workbook.domain.plan import Accumulation, Direction, Indicator, IndicatorRule, Plan
from workbook.domain.scale import Scale
from workbook.domain.year_results import YearResult

UNGRADED = "未評価"
ESTIMATE = "見込み"


@dataclass(frozen=True)
class Trajectory:
    """One indicator across the period: baseline → each year's actual → target."""

    action_code: str
    department: str
    indicator: Indicator
    rule: IndicatorRule
    actuals: dict[int, float | None] = field(default_factory=dict)    # fiscal year -> actual

    @property
    def baseline_year(self) -> int | None:
        return parse_fiscal_year(self.indicator.baseline_year) if self.indicator.baseline_year else None

    @property
    def target_year(self) -> int | None:
        return parse_fiscal_year(self.indicator.target_year) if self.indicator.target_year else None

    @property
    def lower_is_better(self) -> bool:
        return self.indicator.direction is Direction.LOWER

    @property
    def cumulative(self) -> bool:
        return self.indicator.accumulation is Accumulation.CUMULATIVE

    @property
    def values(self) -> dict[int, float | None]:
        """What the indicator is judged on, year by year: the actuals, or for 累計 the running totals
        (a year without an actual has none, the total goes on from the years that have one)."""
        if not self.cumulative:
            return dict(self.actuals)
        out, total = {}, 0.0
        for year in sorted(self.actuals):
            value = self.actuals[year]
            if value is not None:
                total += value
            out[year] = total if value is not None else None
        return out


@dataclass
class Period:
    plan: Plan
    scale: Scale
    records: list[YearResult]            # closed years and, last, the estimate year's
    estimate_year: int | None = None     # the current year, not closed yet (its values are 見込み)
    default_rule: IndicatorRule = IndicatorRule.RATIO
    span: tuple[int, ...] = ()           # the plan period (設定's 計画期間); () = the plan's years

    @property
    def years(self) -> list[int]:
        return sorted({r.fiscal_year for r in self.records})

    @property
    def closed_years(self) -> list[int]:
        return [y for y in self.years if y != self.estimate_year]

    def year_label(self, year: int) -> str:
        return short_label(year) + (f"（{ESTIMATE}）" if year == self.estimate_year else "")

    def _first(self) -> dict[tuple[int, str], YearResult]:
        out: dict[tuple[int, str], YearResult] = {}
        for r in self.records:
            out.setdefault((r.fiscal_year, r.action_code), r)
        return out

    def grade(self, code: str, year: int) -> str:
        """The action's 達成度（統合） in the year ('' when none, or the year has no record of it)."""
        record = self._first().get((year, code))
        return record.consolidated if record else ""

    def grades(self, code: str) -> dict[int, str]:
        return {y: self.grade(code, y) for y in self.years}

    def latest(self, code: str) -> list[YearResult]:
        """The action's records of its last year in the period (one per department)."""
        years = [r.fiscal_year for r in self.records if r.action_code == code]
        return [r for r in self.records if r.action_code == code and r.fiscal_year == max(years)] if years else []

    def counts(self, goal: str, year: int) -> Counter:
        """Actions of the 基本目標 per code in the year (UNGRADED for none or a code the scale lacks)."""
        out: Counter = Counter()
        for action in self.plan.actions_in_goal(goal):
            code = self.grade(action.code, year)
            out[code if code in self.scale.codes else UNGRADED] += 1
        return out

    @property
    def count_columns(self) -> list[str]:
        return list(self.scale.codes) + [UNGRADED]

    def below_middle(self, code: str) -> bool:
        """A grade ranked below the middle of the scale's ranked grades."""
        ranks = [g.rank for g in self.scale.ranked]
        grade = self.scale.grade(code)
        return bool(ranks and grade and grade.ranked and grade.rank < (max(ranks) + min(ranks)) / 2)

    def repeatedly_low(self, times: int = 2) -> list[str]:
        """Codes of the actions graded below the middle in at least `times` years."""
        return [a.code for a in self.plan.actions
                if sum(self.below_middle(g) for g in self.grades(a.code).values()) >= times]

    def trajectories(self) -> list[Trajectory]:
        """Every indicator a department reports, in plan order (a 再掲 action's are its source's)."""
        out = []
        for action in self.plan.actions:
            if action.is_relisting:
                continue
            for department in action.departments:
                for indicator in self.plan.indicators_of(action.code, department):
                    shared = not indicator.department and len(action.departments) > 1
                    actuals = self._actuals(action.code, department, indicator, shared)
                    out.append(Trajectory(action.code, department, indicator, indicator.rule or self.default_rule,
                                          actuals))
        return out

    def _actuals(self, code: str, department: str, indicator: Indicator, shared: bool) -> dict[int, float | None]:
        """Year -> the department's actual of the indicator; an indicator one department reports also
        takes the years another department reported it in (担当課 changed), as 累計 counts them."""
        own: dict[int, float | None] = {}
        others: dict[int, float | None] = {}
        for r in self.records:
            if r.action_code != code:
                continue
            found = next((i for i in r.indicators if i.name == indicator.name), None)
            if r.department == department:
                own[r.fiscal_year] = found.actual if found else None
            elif not shared and found is not None and found.actual is not None:
                others.setdefault(r.fiscal_year, found.actual)
        return {y: own.get(y) if own.get(y) is not None else others.get(y) for y in sorted({*own, *others})}
