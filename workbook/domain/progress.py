"""The one aggregation: per-action progress and the counts the committee sees.

進捗一覧, the Word report and the committee summary all read these objects; nothing else
computes a grade count.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from workbook.domain.indicator_rules import Judgement, earlier_of, judge
from workbook.domain.plan import Action, EvaluationKind, Indicator, Plan
from workbook.domain.normalize import parse_number
from workbook.domain.scale import Common, Scale
from workbook.domain.returns import Entry
from workbook.domain.settings import Settings


@dataclass(frozen=True)
class IndicatorProgress:
    indicator: Indicator
    department: str
    actual: float | None
    target: float | None
    ratio: float | None          # the rule's percent (目標比 or 進捗率); None for 基準値比
    suggested: str | None
    progress: float | None       # share of the way from baseline to the final target, in percent
    judgement: Judgement | None = None   # None when the year has no actual


@dataclass(frozen=True)
class ActionProgress:
    action: Action
    department_grades: dict[str, str]          # department -> normalised grade ('' if missing/invalid)
    grade: str                                 # consolidated grade, '' while incomplete
    suggested: str                             # from indicators: the lowest of theirs ('' when none)
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
        return self.joined_fields((key,))[0]

    def joined_fields(self, keys: tuple[str, ...]) -> list[str]:
        """joined() of each key, the reporting departments found once for all of them."""
        reported = self.reported_departments
        single = len(self.action.departments) == 1
        out = []
        for key in keys:
            texts = [(d, self.entries[d].text(key)) for d in reported]
            parts = [(d, t) for d, t in texts if t]
            if single:
                out.append(parts[0][1] if parts else "")
            else:
                out.append("\n".join(f"【{d}】{t}" for d, t in parts))
        return out

    @property
    def suggestion_note(self) -> str:
        """Each indicator's suggestion when there are several ('再犯者率：目標比 102.3％ → B'), else ''."""
        judged = [i for i in self.indicators if i.judgement]
        if len(judged) < 2:
            return ""
        return "\n".join(f"{i.indicator.name}：{i.judgement.text}" for i in judged)


@dataclass(frozen=True)
class GradeCounts:
    counts: dict[str, int]       # every code of the scale, in its order, and '' (未評価)
    total: int
    scale: Scale

    @property
    def denominator(self) -> int:
        """The actions that count in shares: all but those graded with a code the scale excludes."""
        return self.total - sum(n for code, n in self.counts.items() if code and not self.scale.in_denominator(code))

    def share(self, grade: str) -> float:
        if not self.scale.in_denominator(grade) and grade:
            return 0.0
        return 0.0 if self.denominator == 0 else self.counts.get(grade, 0) / self.denominator * 100.0

    @property
    def graded(self) -> int:
        return sum(n for code, n in self.counts.items() if code)

    @property
    def points_average(self) -> float | None:
        """The mean 点数 of the graded actions whose code has points; None when none has."""
        codes = [code for code, n in self.counts.items() if code for _ in range(n)]
        return self.scale.points_average(codes)


def count_grades(items: list[ActionProgress], scale: Scale) -> GradeCounts:
    counter = Counter(p.grade for p in items)
    counts = {g: counter.get(g, 0) for g in scale.codes}
    counts[""] = counter.get("", 0)
    return GradeCounts(counts, len(items), scale)


@dataclass
class Summary:
    fiscal_year: int
    actions: list[ActionProgress]
    departments: list[str]
    returned_departments: list[str] = field(default_factory=list)
    scale: Scale | None = None

    def subset(self, include_relistings: bool = True, goal: str | None = None,
               kind: EvaluationKind | None = None) -> list[ActionProgress]:
        return [p for p in self.actions
                if (include_relistings or not p.action.is_relisting)
                and (goal is None or p.action.goal_code == goal)
                and (kind is None or p.action.kind is kind)]

    def counts(self, include_relistings: bool = True, goal: str | None = None,
               kind: EvaluationKind | None = None) -> GradeCounts:
        return count_grades(self.subset(include_relistings, goal, kind), self._scale)

    @property
    def _scale(self) -> Scale:
        from workbook.domain.scale_presets import DEFAULT_SCALE
        return self.scale or DEFAULT_SCALE

    @property
    def missing_departments(self) -> list[str]:
        return [d for d in self.departments if d not in self.returned_departments]

    def highlighted(self) -> list[ActionProgress]:
        return [p for p in self.actions if self._common(p.grade) is Common.ABOVE and not p.action.is_relisting]

    def needing_attention(self) -> list[ActionProgress]:
        """Actions graded with a code that needs a reason (below target, or not assessable)."""
        return [p for p in self.actions if self._scale.reason_required(p.grade) and not p.action.is_relisting]

    def _common(self, code: str) -> Common | None:
        grade = self._scale.grade(code)
        return grade.common if grade else None

    def ungraded(self) -> list[ActionProgress]:
        return [p for p in self.actions if not p.grade]


def _number(value: object) -> float | None:
    parsed = parse_number(value)
    return parsed.value if parsed else None


def indicator_progress(indicator: Indicator, department: str, actual: object, fiscal_year: int,
                       settings: Settings, earlier_actuals: dict[int, float] | None = None) -> IndicatorProgress:
    value = _number(actual)
    target = indicator.target_for(fiscal_year)
    judgement = judge(indicator, value, fiscal_year, settings.scale, settings.indicator_rule, earlier_actuals)
    progress = None
    if judgement is not None and judgement.cumulative:
        # 累計 starts from nothing: the running total against the summed targets (as its 目標比)
        if judgement.target:
            progress = judgement.actual / judgement.target * 100.0
    else:   # 進捗: how much of the way from the baseline to the plan's final target (not the year's) is covered
        final, baseline = indicator.target, indicator.baseline
        if value is not None and final is not None and baseline is not None and final != baseline:
            progress = (value - baseline) / (final - baseline) * 100.0
    return IndicatorProgress(indicator, department, value, target, judgement.ratio if judgement else None,
                             (judgement.code or None) if judgement else None, progress, judgement)


def action_progress(plan: Plan, action: Action, entries: dict[str, Entry], settings: Settings,
                    evaluations: tuple[str, str] = ("", ""),
                    earlier_actuals: dict[tuple[str, str], dict[int, float]] | None = None) -> ActionProgress:
    scale = settings.scale
    grades: dict[str, str] = {}
    indicators: list[IndicatorProgress] = []
    for department in action.departments:
        entry = entries.get(department)
        grades[department] = (scale.normalize(entry.get("grade")) or "") if entry else ""
        for n, indicator in enumerate(plan.indicators_of(action.code, department), start=1):
            actual = entry.actuals.get(n) if entry else None
            earlier = earlier_of(earlier_actuals, indicator, department,
                                 shared=not indicator.department and len(action.departments) > 1)
            indicators.append(indicator_progress(indicator, department, actual, settings.fiscal_year, settings,
                                                 earlier))
    suggested = scale.lowest([i.suggested for i in indicators if i.suggested])
    return ActionProgress(
        action=action, department_grades=grades,
        grade=scale.combine(list(grades.values()), settings.multi_department_rule),
        suggested=suggested, indicators=tuple(indicators),
        entries={d: e for d, e in entries.items() if d in action.departments},
        internal_evaluation=evaluations[0], committee_opinion=evaluations[1],
    )


def summarize(plan: Plan, entries: dict[tuple[str, str], Entry], settings: Settings,
              returned_departments: list[str], evaluations: dict[str, tuple[str, str]] | None = None,
              earlier_actuals: dict[tuple[str, str], dict[int, float]] | None = None) -> Summary:
    """entries: (department, action code) -> Entry as merged in the master; earlier_actuals:
    (indicator key, department) -> fiscal year -> actual, the years before (for 累計)."""
    evaluations = evaluations or {}
    by_action: dict[str, dict[str, Entry]] = {}
    for (department, code), entry in entries.items():
        by_action.setdefault(code, {})[department] = entry
    actions = [action_progress(plan, a, by_action.get(a.code, {}), settings, evaluations.get(a.code, ("", "")),
                               earlier_actuals)
               for a in plan.actions]
    return Summary(settings.fiscal_year, actions, [d.name for d in plan.departments], list(returned_departments),
                   settings.scale)
