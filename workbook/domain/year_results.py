"""What a closed fiscal year leaves behind: one record per action × department × year (年度別実績).

Built from the one aggregation (domain.progress.Summary) when the year is closed, so the record,
進捗一覧 and the year's documents all rest on the same numbers. Read back from the master's
年度別実績 sheet (workbook.sheets.year_results_sheet) by later years.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from workbook.domain.normalize import parse_number
from workbook.domain.plan import indicator_key
from workbook.domain.progress import Summary

# the department's answer fields kept per year (keys of the department table) and their names
TEXT_FIELDS = {"content": "取組内容", "result": "実績・成果", "reason": "評価の理由", "issues": "課題",
               "next": "今後の方向性・次年度の取組"}
# the department's answer to last year's opinions and its proposals (template 2026.3), kept per year;
# the years are relative to the row's fiscal year (次年度 = the year after it)
PROPOSAL_FIELDS = {"response": "意見への対応", "next_plan_1": "次年度の取組（要求）",
                   "next_budget_1": "次年度 事業費（千円・要求額）", "next_plan_2": "翌々年度の取組（見込み）",
                   "next_budget_2": "翌々年度 事業費（千円・見込み）", "direction": "今後の方針"}
PROPOSAL_BUDGETS = ("next_budget_1", "next_budget_2")


@dataclass(frozen=True)
class IndicatorResult:
    """One indicator a department reported for the year: the year's target and its actual."""

    name: str
    unit: str = ""
    target: float | None = None
    actual: float | None = None


@dataclass(frozen=True)
class YearResult:
    """One department's results for one action in one closed fiscal year."""

    fiscal_year: int
    action_code: str
    title: str
    department: str
    target: str = ""                    # 取組目標 of the year
    grade: str = ""                     # 自己評価 (normalised to the scale; '' when none or invalid)
    consolidated: str = ""              # 達成度（統合） of the action
    texts: dict[str, str] = field(default_factory=dict)   # TEXT_FIELDS -> text
    budget: float | None = None         # 事業費（千円）
    internal_evaluation: str = ""
    committee_opinion: str = ""
    status: str = ""                    # the department's 提出状況 when the year was closed
    indicators: tuple[IndicatorResult, ...] = ()
    proposals: dict[str, object] = field(default_factory=dict)   # PROPOSAL_FIELDS -> text, or 千円 (None)

    def __post_init__(self) -> None:     # every field present, so records compare by value
        object.__setattr__(self, "texts", {k: self.texts.get(k, "") for k in TEXT_FIELDS})
        object.__setattr__(self, "proposals", {
            k: self.proposals.get(k) if k in PROPOSAL_BUDGETS else (self.proposals.get(k) or "")
            for k in PROPOSAL_FIELDS})

    def text(self, key: str) -> str:
        return self.texts.get(key, "")

    def proposal(self, key: str) -> object:
        """意見への対応, 今後の方針 and the proposals' texts ('' when none); 事業費 as a number or None."""
        return self.proposals.get(key)

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.fiscal_year, self.action_code, self.department)


def results_of_year(summary: Summary, states: dict[str, str]) -> list[YearResult]:
    """The records of summary's year, in plan order, one per action and responsible department.

    states: department -> its 提出状況 at closing (受理 / 要修正 / 未提出)."""
    out = []
    for p in summary.actions:
        action = p.action
        for department in action.departments:
            entry = p.entries.get(department)
            budget = parse_number(entry.get("budget")) if entry else None
            proposals = {k: _amount(entry.get(k)) if k in PROPOSAL_BUDGETS else entry.text(k)
                         for k in PROPOSAL_FIELDS} if entry else {}
            indicators = tuple(
                IndicatorResult(i.indicator.name, i.indicator.unit, i.target, i.actual)
                for i in p.indicators if i.department == department)
            out.append(YearResult(
                fiscal_year=summary.fiscal_year, action_code=action.code, title=action.title, department=department,
                target=action.target_for(summary.fiscal_year), grade=p.department_grades.get(department, ""),
                consolidated=p.grade, texts={k: entry.text(k) if entry else "" for k in TEXT_FIELDS},
                budget=budget.value if budget else None, internal_evaluation=p.internal_evaluation.strip(),
                committee_opinion=p.committee_opinion.strip(), status=states.get(department, ""),
                indicators=indicators, proposals=proposals))
    return out


def _amount(value: object) -> float | None:
    parsed = parse_number(value)
    return parsed.value if parsed else None


def earlier_actuals(results: list[YearResult], fiscal_year: int) -> dict[tuple[str, str], dict[int, float]]:
    """(indicator key, department) -> closed year -> actual, for the years before fiscal_year: what a
    累計 indicator adds up (domain.indicator_rules.judge). An indicator with no closed year before is
    left out, so it is judged on the year alone, as before any year was closed."""
    out: dict[tuple[str, str], dict[int, float]] = {}
    for r in results:
        if r.fiscal_year >= fiscal_year:
            continue
        for i in r.indicators:
            if i.actual is not None:
                out.setdefault((indicator_key(r.action_code, i.name), r.department), {})[r.fiscal_year] = i.actual
    return out


def years_of(results: list[YearResult]) -> list[int]:
    return sorted({r.fiscal_year for r in results})


def differences(kept: list[YearResult], again: list[YearResult], limit: int = 3) -> list[str]:
    """Where records made again from a year's frozen master differ from those kept when it was
    closed ('1-1-2 福祉政策課 自己評価：B → C'); [] when they agree."""
    by_key = {r.key: r for r in again}
    out: list[str] = []
    for r in kept:
        other = by_key.pop(r.key, None)
        if other is None:
            out.append(f"{r.action_code} {r.department}：年度末の控えにありません")
            continue
        for label, a, b in _compared(r, other):
            if a != b:
                out.append(f"{r.action_code} {r.department} {label}：「{a}」→「{b}」")
    out += [f"{code} {department}：年度別実績にありません" for _, code, department in by_key]
    return out[:limit] + ([f"ほか {len(out) - limit} 件"] if len(out) > limit else [])


def _compared(a: YearResult, b: YearResult):
    yield "自己評価", a.grade, b.grade
    yield "達成度（統合）", a.consolidated, b.consolidated
    yield "取組目標", a.target, b.target
    for key, label in TEXT_FIELDS.items():
        yield label, a.text(key), b.text(key)
    yield "事業費", a.budget, b.budget
    yield "内部評価", a.internal_evaluation, b.internal_evaluation
    yield "委員会意見", a.committee_opinion, b.committee_opinion
    for key, label in PROPOSAL_FIELDS.items():
        yield label, a.proposal(key), b.proposal(key)
    yield "指標", _indicators(a), _indicators(b)


def _indicators(r: YearResult) -> list[tuple]:
    return [(i.name, i.target, i.actual) for i in r.indicators]
