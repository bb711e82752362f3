"""The one aggregation: per-action progress and the counts the committee sees.

進捗一覧, the Word report and the committee summary all read these objects; nothing else
computes a grade count.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from workbook.domain.grades import DASH, GRADES, achievement_ratio, consolidate, grade_for_ratio
from workbook.domain.plan import Action, EvaluationKind, Indicator, Plan
from workbook.domain.normalize import normalize_grade, parse_number
from workbook.domain.returns import Entry
from workbook.domain.settings import Settings


@dataclass(frozen=True)
class IndicatorProgress:
    indicator: Indicator
    department: str
    actual: float | None
    target: float | None
    ratio: float | None          # achievement ratio in percent (direction applied)
    suggested: str | None
    progress: float | None       # share of the way from baseline to target, in percent


@dataclass(frozen=True)
class ActionProgress:
    action: Action
    department_grades: dict[str, str]          # department -> normalised grade ('' if missing/invalid)
    grade: str                                 # consolidated grade, '' while incomplete
    suggested: str                             # from indicators ('' when none)
    indicators: tuple[IndicatorProgress, ...]
    entries: dict[str, Entry]                  # department -> entry (only those reported)
    internal_evaluation: str = ""
    committee_opinion: str = ""

    @property
    def reported_departments(self) -> list[str]:
        return [d for d in self.action.departments if d in self.entries and not self.entries[d].is_blank()]

    @property
    def missing_departments(self) -> list[str]:
        return [d for d in self.action.departments if d not in self.reported_departments]

    def joined(self, key: str) -> str:
        """A text field over departments: the text alone for one department, labelled for several."""
        texts = [(d, self.entries[d].text(key)) for d in self.reported_departments]
        parts = [(d, t) for d, t in texts if t]
        if len(self.action.departments) == 1:
            return parts[0][1] if parts else ""
        return "\n".join(f"【{d}】{t}" for d, t in parts)


@dataclass(frozen=True)
class GradeCounts:
    counts: dict[str, int]       # A/B/C/－ and '' (未評価)
    total: int

    def share(self, grade: str) -> float:
        return 0.0 if self.total == 0 else self.counts.get(grade, 0) / self.total * 100.0

    @property
    def graded(self) -> int:
        return sum(self.counts.get(g, 0) for g in GRADES)


def count_grades(items: list[ActionProgress]) -> GradeCounts:
    counter = Counter(p.grade for p in items)
    counts = {g: counter.get(g, 0) for g in GRADES}
    counts[""] = counter.get("", 0)
    return GradeCounts(counts, len(items))


@dataclass
class Summary:
    fiscal_year: int
    actions: list[ActionProgress]
    departments: list[str]
    returned_departments: list[str] = field(default_factory=list)

    def subset(self, include_relistings: bool = True, goal: str | None = None,
               kind: EvaluationKind | None = None) -> list[ActionProgress]:
        return [p for p in self.actions
                if (include_relistings or not p.action.is_relisting)
                and (goal is None or p.action.goal_code == goal)
                and (kind is None or p.action.kind is kind)]

    def counts(self, include_relistings: bool = True, goal: str | None = None,
               kind: EvaluationKind | None = None) -> GradeCounts:
        return count_grades(self.subset(include_relistings, goal, kind))

    @property
    def missing_departments(self) -> list[str]:
        return [d for d in self.departments if d not in self.returned_departments]

    def highlighted(self) -> list[ActionProgress]:
        return [p for p in self.actions if p.grade == "A" and not p.action.is_relisting]

    def needing_attention(self) -> list[ActionProgress]:
        return [p for p in self.actions if p.grade in ("C", DASH) and not p.action.is_relisting]

    def ungraded(self) -> list[ActionProgress]:
        return [p for p in self.actions if not p.grade]


def _number(value: object) -> float | None:
    parsed = parse_number(value)
    return parsed.value if parsed else None


def indicator_progress(indicator: Indicator, department: str, actual: object, fiscal_year: int,
                       settings: Settings) -> IndicatorProgress:
    value = _number(actual)
    target = indicator.target_for(fiscal_year)
    ratio = achievement_ratio(value, target, indicator.direction)
    progress = None
    if value is not None and target is not None and indicator.baseline is not None and target != indicator.baseline:
        progress = (value - indicator.baseline) / (target - indicator.baseline) * 100.0
    return IndicatorProgress(indicator, department, value, target, ratio,
                             grade_for_ratio(ratio, settings.thresholds), progress)


def action_progress(plan: Plan, action: Action, entries: dict[str, Entry], settings: Settings,
                    evaluations: tuple[str, str] = ("", "")) -> ActionProgress:
    grades: dict[str, str] = {}
    indicators: list[IndicatorProgress] = []
    for department in action.departments:
        entry = entries.get(department)
        grades[department] = (normalize_grade(entry.get("grade")) or "") if entry else ""
        for n, indicator in enumerate(plan.indicators_of(action.code, department), start=1):
            actual = entry.actuals.get(n) if entry else None
            indicators.append(indicator_progress(indicator, department, actual, settings.fiscal_year, settings))
    suggestions = [i.suggested for i in indicators if i.suggested]
    suggested = consolidate(suggestions, settings.multi_department_rule) if suggestions else ""
    return ActionProgress(
        action=action, department_grades=grades,
        grade=consolidate(list(grades.values()), settings.multi_department_rule),
        suggested=suggested, indicators=tuple(indicators),
        entries={d: e for d, e in entries.items() if d in action.departments},
        internal_evaluation=evaluations[0], committee_opinion=evaluations[1],
    )


def summarize(plan: Plan, entries: dict[tuple[str, str], Entry], settings: Settings,
              returned_departments: list[str], evaluations: dict[str, tuple[str, str]] | None = None) -> Summary:
    """entries: (department, action code) -> Entry as merged in the master."""
    evaluations = evaluations or {}
    by_action: dict[str, dict[str, Entry]] = {}
    for (department, code), entry in entries.items():
        by_action.setdefault(code, {})[department] = entry
    actions = [action_progress(plan, a, by_action.get(a.code, {}), settings, evaluations.get(a.code, ("", "")))
               for a in plan.actions]
    return Summary(settings.fiscal_year, actions, [d.name for d in plan.departments], list(returned_departments))
