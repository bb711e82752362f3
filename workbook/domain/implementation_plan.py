"""実施計画（案）: the rolling implementation plan per 施策, in seed 004's form, as data.

Komae revises its 実施計画 every July (seed 004): the year just reported gets its 取組状況, and the
next three years their 取組 and 事業費 (千円). The draft is made by `report` from
- the plan: 施策 (with 施策の方向性 and 到達目標 when the plan file gives them), 担当課, and each
  action's 取組目標 and 事業費 per year (the plan's 事業費 follow the initial budget, 当初予算ベース);
- the year history: 実績・成果 of the closed years (年度別実績) and of the year reported;
- the departments' proposals in their returns (Entry values): next year's 取組 and 要求額
  (next_plan_1, next_budget_1) and the year after's outlook (next_plan_2, next_budget_2), and
  their direction (継続・拡充・見直し・完了) and 意見への対応 (response). A proposed 取組 is shown, labelled 要求 or 見込み,
  instead of the plan's; a proposed 事業費 replaces the plan's only when every department of the action gives
  one (the plan's 事業費 is the action's, not a department's share); otherwise the plan's stays and the amounts
  proposed are named beside it. The third year is the plan's.
Nothing is invented: what neither the plan nor a department gives is left blank (BLANK).
"""
from __future__ import annotations

from dataclasses import dataclass

from workbook.domain.house_style import number
from workbook.domain.normalize import parse_number
from workbook.domain.plan import Action, Goal, Measure, Plan
from workbook.domain.progress import ActionProgress, Summary
from workbook.domain.year_results import YearResult

TITLE = "実施計画（案）"
BLANK = "（未記入）"
WINDOW = 3                      # the 実施計画's years: the three after the year reported
PLAN, REQUESTED, OUTLOOK = "計画", "要求", "見込み"
# the proposals of the department file, per year after the one reported: (取組, 事業費, label)
PROPOSALS = (("next_plan_1", "next_budget_1", REQUESTED), ("next_plan_2", "next_budget_2", OUTLOOK))
DIRECTION = "direction"         # 継続 / 拡充 / 見直し / 完了
RESPONSE = "response"           # 意見への対応: the department's answer to last year's committee opinion


@dataclass(frozen=True)
class YearWork:
    """One action's 取組 and 事業費 (千円) for one year of the window, and where they come from."""

    year: int
    text: str
    budget: float | None
    source: str = PLAN          # of the 事業費: PLAN (当初予算ベース) or REQUESTED / OUTLOOK (every department's proposal)
    text_source: str = PLAN     # of the 取組: PLAN, or REQUESTED / OUTLOOK when a department proposed one
    other_amounts: str = ""     # amounts some (not all) departments proposed, beside the plan's 事業費

    @property
    def proposed(self) -> bool:
        return self.source != PLAN

    @property
    def text_proposed(self) -> bool:
        return self.text_source != PLAN


@dataclass(frozen=True)
class ActionRow:
    action: Action
    results: dict[int, str]     # year -> 取組状況 (実績・成果) of the years so far
    work: tuple[YearWork, ...]  # the window's years
    direction: str = ""         # the departments' 今後の方向性 (継続・拡充・見直し・完了), '' when none
    response: str = ""          # their 意見への対応 (委員会意見 → next year's budget, seed 004), '' when none


@dataclass(frozen=True)
class MeasureBlock:
    goal: Goal
    measure: Measure
    departments: tuple[str, ...]
    rows: tuple[ActionRow, ...]


@dataclass(frozen=True)
class ImplementationPlan:
    fiscal_year: int                 # the year reported
    past_years: tuple[int, ...]      # the years of 取組状況 (up to WINDOW, the last being the year reported)
    window: tuple[int, ...]          # the years of 取組 and 事業費
    end_year: int | None             # the plan period's last year (到達目標)
    blocks: tuple[MeasureBlock, ...]

    def budget_total(self, year: int) -> float | None:
        """The year's 事業費 over every action, each once (a (再掲) row repeats another's); None when
        neither the plan nor a department gives one."""
        budgets = [w.budget for b in self.blocks for r in b.rows if not r.action.is_relisting
                   for w in r.work if w.year == year and w.budget is not None]
        return sum(budgets) if budgets else None


def implementation_plan(plan: Plan, summary: Summary, results: list[YearResult],
                        period_years: tuple[int, ...] = ()) -> ImplementationPlan:
    """The draft after summary's year: results are the closed years' records (年度別実績);
    period_years the plan period (設定's 計画期間), for the 到達目標's year and the first 取組状況 year."""
    year = summary.fiscal_year
    first = min(period_years or plan.fiscal_years or (year,))
    past = tuple(y for y in range(max(first, year - WINDOW + 1), year + 1))
    window = tuple(range(year + 1, year + 1 + WINDOW))
    progress = {p.action.code: p for p in summary.actions}
    blocks = []
    for measure in plan.measures:
        actions = plan.actions_in_measure(measure.code)
        if not actions:
            continue
        departments = tuple(dict.fromkeys(d for a in actions for d in a.departments))
        rows = tuple(_row(a, progress.get(a.code), results, past, window, year) for a in actions)
        blocks.append(MeasureBlock(plan.goal(measure.goal_code), measure, departments, rows))
    end = max(period_years) if period_years else (max(plan.fiscal_years) if plan.fiscal_years else None)
    return ImplementationPlan(year, past, window, end, tuple(blocks))


def _row(action: Action, p: ActionProgress | None, results: list[YearResult], past: tuple[int, ...],
         window: tuple[int, ...], year: int) -> ActionRow:
    texts = {y: _joined(action, [(r.department, r.text("result")) for r in results
                                 if r.action_code == action.code and r.fiscal_year == y]) for y in past if y != year}
    entries = [(d, p.entries[d]) for d in action.departments if p and d in p.entries]
    texts[year] = _joined(action, [(d, e.text("result")) for d, e in entries])
    work = []
    for n, y in enumerate(window):
        plan_text, plan_budget = action.target_for(y).strip(), action.budgets.get(y)
        if n >= len(PROPOSALS):
            work.append(YearWork(y, plan_text, plan_budget))
            continue
        text_key, budget_key, label = PROPOSALS[n]
        amounts = [(d, _number(e.get(budget_key))) for d, e in entries]
        amounts = [(d, b) for d, b in amounts if b is not None]
        text = _joined(action, [(d, e.text(text_key)) for d, e in entries])
        if amounts and len(amounts) == len(action.departments):     # every department asks: their sum
            budget, source, others = sum(b for _, b in amounts), label, ""
        else:                                                        # the plan's, and what some ask beside it
            budget, source = plan_budget, PLAN
            named = len(action.departments) > 1
            others = (f"{label}額 " + "、".join((f"{d} " if named else "") + f"{number(b, 0)}千円" for d, b in amounts)
                      if amounts else "")
        work.append(YearWork(y, text or plan_text, budget, source, label if text else PLAN, others))
    direction = _joined(action, [(d, e.text(DIRECTION)) for d, e in entries])
    return ActionRow(action, texts, tuple(work), direction, _joined(action, [(d, e.text(RESPONSE)) for d, e in entries]))


def _joined(action: Action, texts: list[tuple[str, str]]) -> str:
    """The text alone for one department; 【課名】 before each for several (as 進捗一覧 joins them)."""
    parts = [(d, t) for d, t in texts if t]
    if len(action.departments) == 1 or len({t for _, t in parts}) == 1 and len(parts) == len(action.departments):
        return parts[0][1] if parts else ""
    return "\n".join(f"【{d}】{t}" for d, t in parts)


def _number(value: object) -> float | None:
    parsed = parse_number(value)
    return parsed.value if parsed else None
