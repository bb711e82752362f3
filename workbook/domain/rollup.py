"""The roll-up of many municipalities' progress onto common ground: 共通区分 and the national 重点課題.

Each city grades on its own scale; a roll-up counts only through each code's 共通区分 (上回った /
達成 / 下回った / 評価不能 / 対象外, and 未評価 for an action not yet graded), so that cities with
different scales stand side by side without pretending their codes are the same. Re-listed actions
((再掲)) are left out, so that no action counts twice. Shares are of the actions not 対象外.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from workbook.domain.era import fiscal_year_label
from workbook.domain.indicator_rules import running_figures
from workbook.domain.national_plan import PRIORITIES, suggest
from workbook.domain.plan import Plan
from workbook.domain.progress import ActionProgress, Summary
from workbook.domain.scale import Common, Scale
from workbook.domain.year_results import YearResult

UNGRADED = "未評価"
CLASSES: tuple[str, ...] = tuple(c.value for c in Common) + (UNGRADED,)
ON_TRACK = (Common.ABOVE, Common.MET)


def common_class(scale: Scale, code: str) -> str:
    grade = scale.grade(code) if code else None
    return grade.common.value if grade else UNGRADED


@dataclass
class ClassCounts:
    counts: dict[str, int] = field(default_factory=lambda: {c: 0 for c in CLASSES})

    def add(self, cls: str, n: int = 1) -> None:
        self.counts[cls] = self.counts.get(cls, 0) + n

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def denominator(self) -> int:
        return self.total - self.counts.get(Common.NOT_APPLICABLE.value, 0)

    def share(self, cls: str) -> float | None:
        """Percent of the actions that are not 対象外; None for 対象外 itself or an empty denominator."""
        if cls == Common.NOT_APPLICABLE.value or not self.denominator:
            return None
        return self.counts.get(cls, 0) / self.denominator * 100.0


@dataclass(frozen=True)
class MapRow:
    """One line of the 対応表: a city's 施策 (under its 基本目標) and the 重点課題 it counts under."""

    key: str                 # the city: 全国地方公共団体コード, else its name
    municipality: str
    goal_code: str
    goal: str
    measure_code: str
    measure: str
    priority: int | None     # None: 未分類
    suggested: int | None    # what the keyword rules suggest

    @property
    def match(self) -> tuple[str, str, str]:
        return (self.key, self.measure_code, self.measure)


@dataclass(frozen=True)
class IndicatorRow:
    action_code: str
    action: str
    department: str
    name: str
    unit: str
    baseline: float | None
    target: float | None
    actual: float | None
    progress: float | None
    suggested: str
    common: str


@dataclass
class CityYear:
    """One municipality's one fiscal year, as its master gives it."""

    key: str
    code: str
    municipality: str
    plan_name: str
    period: str
    fiscal_year: int
    source: str
    scale_name: str
    has_points: bool
    actions: int
    departments: int
    returned: int
    counts: ClassCounts
    points_average: float | None
    indicators: int | None          # None for a closed year (年度別実績 keeps actuals, not suggestions)
    on_track: int | None
    by_priority: dict[int | None, ClassCounts]
    indicator_rows: list[IndicatorRow]
    last_collect: dt.datetime | None = None

    @property
    def year_label(self) -> str:
        return fiscal_year_label(self.fiscal_year)

    @property
    def completeness(self) -> float | None:
        return self.returned / self.departments * 100.0 if self.departments else None


def city_key(code: str, municipality: str) -> str:
    return code or municipality


def plan_period(plan: Plan, period_years: tuple[int, ...] = ()) -> str:
    """The plan period: period_years (設定's 計画期間) when given, else the years the plan has 取組目標 for."""
    years = sorted(period_years or plan.fiscal_years)
    if not years:
        return ""
    return fiscal_year_label(years[0]) + ("" if len(years) == 1 else "～" + fiscal_year_label(years[-1]))


def map_rows(key: str, municipality: str, plan: Plan, saved: dict[tuple[str, str, str], int | None]) -> list[MapRow]:
    """The city's 施策 with the 重点課題 a person chose (saved, by city, 施策番号 and 施策) or, for a
    施策 not in the saved table, the one the keyword rules suggest."""
    goals = {g.code: g.name for g in plan.goals}
    rows = []
    for m in plan.measures:
        goal = goals.get(m.goal_code, "")
        suggested = suggest(m.name, goal)
        match = (key, m.code, m.name)
        rows.append(MapRow(key, municipality, m.goal_code, goal, m.code, m.name,
                           saved[match] if match in saved else suggested, suggested))
    return rows


def city_year(summary: Summary, plan: Plan, code: str, municipality: str, plan_name: str, source: str,
              mapping: list[MapRow], last_collect: dt.datetime | None = None,
              period_years: tuple[int, ...] = ()) -> CityYear:
    scale = summary.scale
    measure_priority = {row.measure_code: row.priority for row in mapping}
    counts = ClassCounts()
    by_priority: dict[int | None, ClassCounts] = {p.number: ClassCounts() for p in PRIORITIES}
    indicators: list[IndicatorRow] = []
    graded: list[str] = []
    for p in summary.actions:
        if p.action.is_relisting:
            continue
        cls = common_class(scale, p.grade)
        counts.add(cls)
        by_priority.setdefault(measure_priority.get(p.action.measure_code), ClassCounts()).add(cls)
        if p.grade:
            graded.append(p.grade)
        indicators += _indicator_rows(p, scale, summary.fiscal_year)
    on_track = sum(1 for i in indicators if i.common in (c.value for c in ON_TRACK))
    return CityYear(
        key=city_key(code, municipality), code=code, municipality=municipality, plan_name=plan_name,
        period=plan_period(plan, period_years), fiscal_year=summary.fiscal_year, source=source, scale_name=scale.name,
        has_points=scale.has_points, actions=counts.total, departments=len(summary.departments),
        returned=len([d for d in summary.departments if d in summary.returned_departments]),
        counts=counts, points_average=scale.points_average(graded) if scale.has_points else None,
        indicators=len(indicators), on_track=on_track, by_priority=by_priority, indicator_rows=indicators,
        last_collect=last_collect)


def _indicator_rows(p: ActionProgress, scale: Scale, fiscal_year: int) -> list[IndicatorRow]:
    """One row per indicator; a 累計 indicator judged on running totals names them after its name
    (its 進捗率 and suggestion rest on them, its 目標 and 実績 stay the year's own)."""
    def name(i) -> str:
        running = running_figures(i.judgement, i.indicator, fiscal_year) if i.judgement else ""
        return f"{i.indicator.name}　{running}" if running else i.indicator.name

    return [IndicatorRow(p.action.code, p.action.title, i.department, name(i), i.indicator.unit,
                         i.indicator.baseline, i.target, i.actual, i.progress, i.suggested or "",
                         common_class(scale, i.suggested) if i.suggested else "")
            for i in p.indicators]


def closed_year(results: list[YearResult], fiscal_year: int, plan: Plan, scale: Scale, code: str,
                municipality: str, plan_name: str, source: str, mapping: list[MapRow],
                period_years: tuple[int, ...] = ()) -> CityYear:
    """A year closed by ⑥ 年度更新, from its 年度別実績 records: one 達成度（統合） per action (the
    records repeat it per department). An action the plan no longer has counts under 未分類."""
    measure_priority = {row.measure_code: row.priority for row in mapping}
    actions = {a.code: a for a in plan.actions}
    grades: dict[str, str] = {}
    departments: dict[str, bool] = {}
    for r in results:
        if r.fiscal_year != fiscal_year:
            continue
        grades.setdefault(r.action_code, r.consolidated)
        departments[r.department] = departments.get(r.department, False) or r.status in ("受理", "要修正")
    counts = ClassCounts()
    by_priority: dict[int | None, ClassCounts] = {p.number: ClassCounts() for p in PRIORITIES}
    for action_code, grade in grades.items():
        action = actions.get(action_code)
        if action is not None and action.is_relisting:
            continue
        cls = common_class(scale, grade)
        counts.add(cls)
        number = measure_priority.get(action.measure_code) if action is not None else None
        by_priority.setdefault(number, ClassCounts()).add(cls)
    graded = [g for g in grades.values() if g]
    return CityYear(
        key=city_key(code, municipality), code=code, municipality=municipality, plan_name=plan_name,
        period=plan_period(plan, period_years), fiscal_year=fiscal_year, source=source, scale_name=scale.name,
        has_points=scale.has_points, actions=counts.total, departments=len(departments),
        returned=sum(departments.values()), counts=counts,
        points_average=scale.points_average(graded) if scale.has_points else None,
        indicators=None, on_track=None, by_priority=by_priority, indicator_rows=[])


def total_by_priority(cities: list[CityYear]) -> dict[int | None, ClassCounts]:
    out: dict[int | None, ClassCounts] = {p.number: ClassCounts() for p in PRIORITIES}
    for city in cities:
        for number, counts in city.by_priority.items():
            target = out.setdefault(number, ClassCounts())
            for cls, n in counts.counts.items():
                target.add(cls, n)
    return out
