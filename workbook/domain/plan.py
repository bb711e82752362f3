"""The plan, independent of Excel: 基本目標 → 施策 → 重点取組/事業.

Codes are data ("1-1-1" in Komae, "1（1）①-3" in Saitama): nothing here parses them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Direction(str, Enum):
    """Which way an indicator improves: 以上 (higher is better) or 以下 (lower is better)."""

    HIGHER = "以上"
    LOWER = "以下"


class Accumulation(str, Enum):
    ANNUAL = "単年度"
    CUMULATIVE = "累計"


class IndicatorRule(str, Enum):
    """判定方法: how an indicator's actual suggests a grade."""

    RATIO = "目標比"       # actual against the year's target, in percent
    PACE = "進捗率"        # the way from the baseline against the way expected by now
    BASELINE = "基準値比"  # improved, unchanged or worse against the baseline


class IndicatorKind(str, Enum):
    ACTIVITY = "活動指標"
    OUTCOME = "成果指標"


@dataclass(frozen=True)
class Band:
    """許容幅 of the 基準値比 rule: within it counts as unchanged; in points, or percent of the baseline."""

    value: float
    in_points: bool = True

    @property
    def text(self) -> str:
        return f"{self.value:g}" + ("ポイント" if self.in_points else "％")


class EvaluationKind(str, Enum):
    QUANTITATIVE = "定量的"
    QUALITATIVE = "定性的"


def indicator_key(action_code: str, name: str) -> str:
    """How an indicator is told apart: its action and its name."""
    return f"{action_code}|{name}"


@dataclass(frozen=True)
class Indicator:
    action_code: str
    name: str
    unit: str = ""
    baseline: float | None = None
    baseline_year: str = ""
    target: float | None = None
    target_year: str = ""
    direction: Direction = Direction.HIGHER
    accumulation: Accumulation = Accumulation.ANNUAL
    department: str = ""  # the department that reports it; "" = every department of the action
    yearly_targets: dict[int, float] = field(default_factory=dict)  # fiscal year (R-number) -> target
    note: str = ""
    rule: IndicatorRule | None = None   # None: the default on 設定
    band: Band | None = None            # 許容幅 (基準値比)
    kind: IndicatorKind | None = None   # 種別

    @property
    def key(self) -> str:
        return indicator_key(self.action_code, self.name)

    def target_for(self, fiscal_year: int) -> float | None:
        """The target that the year is graded against: the year's own, else the plan's final one."""
        return self.yearly_targets.get(fiscal_year, self.target)


@dataclass(frozen=True)
class Action:
    """A 重点取組 / 事業: the unit departments report on."""

    code: str
    title: str
    goal_code: str
    measure_code: str
    departments: tuple[str, ...]
    overview: str = ""
    activity: str = ""  # 取組
    kind: EvaluationKind = EvaluationKind.QUALITATIVE
    relisted_from: str = ""  # (再掲): code of the action this one repeats
    targets: dict[int, str] = field(default_factory=dict)  # fiscal year (R-number) -> 取組目標
    budgets: dict[int, float] = field(default_factory=dict)  # fiscal year -> 事業費 (千円)
    note: str = ""
    order: int = 0

    @property
    def is_relisting(self) -> bool:
        return bool(self.relisted_from)

    def target_for(self, fiscal_year: int) -> str:
        return self.targets.get(fiscal_year, "")


@dataclass(frozen=True)
class Measure:
    code: str
    name: str
    goal_code: str
    direction: str = ""   # 施策の方向性 (seed 004's 実施計画), when the plan file gives it
    reach: str = ""       # 計画期間終了時点の到達目標, when the plan file gives it


@dataclass(frozen=True)
class Goal:
    code: str
    name: str


@dataclass(frozen=True)
class Department:
    name: str
    contact: str = ""
    phone: str = ""
    email: str = ""


class _Tracked(list):
    """A list that counts its changes, so that the plan's lookups know when to rebuild their index."""

    version = 0

    def _changed(self) -> None:
        self.version += 1


def _tracking(name: str):
    def method(self, *args, **kwargs):
        result = getattr(list, name)(self, *args, **kwargs)
        self._changed()
        return result
    method.__name__ = name
    return method


for _name in ("__setitem__", "__delitem__", "__iadd__", "__imul__", "append", "extend", "insert", "pop", "remove",
              "clear", "sort", "reverse"):
    setattr(_Tracked, _name, _tracking(_name))


@dataclass
class Plan:
    """The whole plan: goals, measures, actions in plan order, and indicators.

    Lookups by code and department use an index built on first use and rebuilt whenever the action
    or indicator lists change (a 1,000-action plan is asked thousands of times per collect)."""

    municipality: str
    name: str
    fiscal_years: tuple[int, ...]  # R-numbers covered by the plan, e.g. (6, 7, 8)
    goals: list[Goal]
    measures: list[Measure]
    actions: list[Action]
    indicators: list[Indicator] = field(default_factory=list)
    departments: list[Department] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._index: tuple | None = None
        self._derived: dict[tuple, object] = {}
        known = {d.name for d in self.departments}
        for name in self.department_names_in_actions():
            if name not in known:
                self.departments.append(Department(name))
                known.add(name)

    def department_names_in_actions(self) -> list[str]:
        seen: dict[str, None] = {}
        for action in self.actions:
            for name in action.departments:
                seen.setdefault(name, None)
        return list(seen)

    def _lookup(self) -> tuple[dict, dict, dict]:
        """(code -> action, department -> actions, action code -> indicators), current."""
        for name in ("actions", "indicators"):
            if not isinstance(getattr(self, name), _Tracked):
                object.__setattr__(self, name, _Tracked(getattr(self, name)))
        # the lists themselves are kept in the key (compared by identity): a list replaced by another
        # can never pass for it, as a new list at a freed list's address could by id()
        acts, inds = self.actions, self.indicators
        key = (acts, acts.version, inds, inds.version)
        old = self._index[0] if self._index is not None else None
        if old is None or old[0] is not acts or old[1] != key[1] or old[2] is not inds or old[3] != key[3]:
            by_code: dict[str, Action] = {}
            by_department: dict[str, list[Action]] = {}
            for action in self.actions:
                by_code.setdefault(action.code, action)
                for name in action.departments:
                    by_department.setdefault(name, []).append(action)
            indicators: dict[str, list[Indicator]] = {}
            for indicator in self.indicators:
                indicators.setdefault(indicator.action_code, []).append(indicator)
            self._index = (key, (by_code, by_department, indicators))
            self._derived = {}
        return self._index[1]

    def derived(self, key: tuple, compute):
        """A value derived from the plan (e.g. a department's table rows), computed once for each
        state of its action and indicator lists."""
        self._lookup()
        if key not in self._derived:
            self._derived[key] = compute()
        return self._derived[key]

    def action(self, code: str) -> Action:
        try:
            return self._lookup()[0][code]
        except KeyError:
            raise KeyError(code) from None

    def actions_of(self, department: str) -> list[Action]:
        return list(self._lookup()[1].get(department, ()))

    def without_target(self, fiscal_year: int) -> list[str]:
        """Codes of the actions with no 取組目標 for the year (all of them: nothing to report that year)."""
        return [a.code for a in self.actions if not a.target_for(fiscal_year).strip()]

    def actions_in_goal(self, goal_code: str) -> list[Action]:
        return [a for a in self.actions if a.goal_code == goal_code]

    def actions_in_measure(self, measure_code: str) -> list[Action]:
        return [a for a in self.actions if a.measure_code == measure_code]

    def indicators_of(self, action_code: str, department: str | None = None) -> list[Indicator]:
        return [i for i in self._lookup()[2].get(action_code, ())
                if department is None or not i.department or i.department == department]

    def goal(self, code: str) -> Goal:
        return next(g for g in self.goals if g.code == code)

    def measure(self, code: str) -> Measure:
        return next(m for m in self.measures if m.code == code)
