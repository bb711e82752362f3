"""The rolling implementation plan (実施計画, seed 004): a revised plan replaces the coming years.

Every July the plan's 取組 and 事業費 for this year and the next are set again and one more year
is added. A revised plan file (the layout of `new`) is taken in by ⑥ 年度更新 for the years from
the new reported year on: its 取組目標 and 事業費 replace the plan's, years it adds extend the plan,
and closed years are never changed. Actions are matched by 取組番号; adding or removing actions,
or changing their names or departments, is done on the 計画 sheet, not here.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from workbook.domain.plan import Action, Plan

TARGET, BUDGET = "取組目標", "事業費"


@dataclass(frozen=True)
class PlanChange:
    """One value the revision replaced: (action, 取組目標 or 事業費, year, old, new)."""

    action_code: str
    kind: str
    fiscal_year: int
    old: object
    new: object


@dataclass
class Revision:
    plan: Plan                                          # the plan with the revision applied
    changes: list[PlanChange] = field(default_factory=list)
    added_years: tuple[int, ...] = ()
    unknown_codes: tuple[str, ...] = ()                 # in the file, not in the plan
    missing_codes: tuple[str, ...] = ()                 # in the plan, not in the file
    past_differences: tuple[str, ...] = ()              # actions whose closed years differ in the file (kept)
    other_differences: tuple[str, ...] = ()             # actions whose name or departments differ (kept)

    @property
    def matches(self) -> bool:
        return not self.unknown_codes and not self.missing_codes


def revise(plan: Plan, revised: Plan, first_year: int) -> Revision:
    """The plan with revised's 取組目標 and 事業費 for first_year and later. A year counts as given by
    the file when it has the year's column (取組目標) or any action has a 事業費 for it; a blank cell
    in a given year blanks the value. Nothing is applied when the actions do not match."""
    codes = {a.code for a in plan.actions}
    given = {a.code: a for a in revised.actions}
    unknown = tuple(a.code for a in revised.actions if a.code not in codes)
    missing = tuple(a.code for a in plan.actions if a.code not in given)
    if unknown or missing:
        return Revision(plan, unknown_codes=unknown, missing_codes=missing)
    target_years = [y for y in revised.fiscal_years if y >= first_year]
    budget_years = sorted({y for a in revised.actions for y in a.budgets if y >= first_year})
    changes: list[PlanChange] = []
    actions: list[Action] = []
    past, other = [], []
    for action in plan.actions:
        new = given[action.code]
        targets, budgets = dict(action.targets), dict(action.budgets)
        for year in target_years:
            old, value = action.targets.get(year, ""), new.targets.get(year, "")
            if old != value:
                changes.append(PlanChange(action.code, TARGET, year, old, value))
            targets[year] = value
        for year in budget_years:
            old, value = action.budgets.get(year), new.budgets.get(year)
            if old != value:
                changes.append(PlanChange(action.code, BUDGET, year, old, value))
            if value is None:
                budgets.pop(year, None)
            else:
                budgets[year] = value
        if any(action.targets.get(y, "") != new.targets.get(y, "")
               for y in revised.fiscal_years if y < first_year and y in plan.fiscal_years):
            past.append(action.code)
        if (action.title, action.departments) != (new.title, new.departments):
            other.append(action.code)
        actions.append(replace(action, targets=targets, budgets=budgets))
    years = tuple(sorted(set(plan.fiscal_years) | set(target_years)))
    out = replace(plan, fiscal_years=years, actions=actions, indicators=list(plan.indicators),
                  departments=list(plan.departments), goals=list(plan.goals), measures=list(plan.measures))
    return Revision(out, changes, tuple(y for y in years if y not in plan.fiscal_years),
                    past_differences=tuple(past), other_differences=tuple(other))
