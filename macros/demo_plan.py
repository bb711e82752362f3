"""The demo's July revision of the rolling 実施計画 (seed 004): a revised plan file per year.

Komae's 実施計画 shows three years and grows by one at each yearly review: when year Y begins, Y's
取組 and 事業費 are set on the initial budget (当初予算ベース) and Y+1, Y+2 are outlined. The demo
writes that revision as the documented plan-file layout (the 計画 and 指標 sheets of `new`, the same
writers as the master's) and passes it to ⑥ 年度更新 with --plan, as a section would.

The added year's 取組目標 carries the year before's on (seed 004 repeats it), or the action's 取組
where the plan has no usable text (要確認); 事業費 are invented sample figures (千円) for the actions
whose answers report a cost. The file says サンプル in its name and page header.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from openpyxl import Workbook

from workbook.domain.era import fiscal_year_label
from workbook.domain.plan import Plan
from workbook.domain.settings import SAMPLE_NOTE
from workbook.sheets import master_sheets as ms
from workbook.sheets import styles as st

WINDOW = 3                 # the 実施計画 shows this many years from the year being started
UNKNOWN = ("", "要確認")   # a target the sample plan does not give
FOLDER = "計画改定"
# action code -> 事業費 of the plan's first year (千円, sample figures; only direct costs, as seed 004 counts)
SAMPLE_BUDGETS: dict[str, float] = {"1-1-1": 180, "2-1-1": 50, "2-1-2": 500, "3-2-1": 360, "4-2-2": 3300,
                                    "5-2-2": 850}
GROWTH = 0.02              # the sample budgets grow this much a year


def revised_plan(plan: Plan, new_year: int) -> Plan:
    """The plan as revised when new_year begins: 取組目標 up to new_year + 2 and 事業費 for the window."""
    window = range(new_year, new_year + WINDOW)
    actions = []
    for action in plan.actions:
        targets, budgets = dict(action.targets), dict(action.budgets)
        for year in window:
            if not targets.get(year, "").strip():
                before = targets.get(year - 1, "").strip()
                targets[year] = action.activity if before in UNKNOWN else before
        base = None if action.is_relisting else SAMPLE_BUDGETS.get(action.code)   # a 再掲 is counted once
        if base is not None:
            first = plan.fiscal_years[0] if plan.fiscal_years else new_year
            for year in window:
                budgets[year] = float(round(base * (1 + GROWTH) ** (year - first)))
        actions.append(replace(action, targets=targets, budgets=budgets))
    years = tuple(sorted(set(plan.fiscal_years) | set(window)))
    return replace(plan, fiscal_years=years, actions=actions, indicators=list(plan.indicators),
                   departments=list(plan.departments), goals=list(plan.goals), measures=list(plan.measures))


def write_revised_plan(plan: Plan, new_year: int, out: Path) -> Path:
    """The revision as a plan file in out/計画改定/ (sheets 計画 and 指標, marked as sample)."""
    revised = revised_plan(plan, new_year)
    wb = Workbook()
    wb.remove(wb.active)
    ms.write_plan(wb.create_sheet("計画"), revised)
    ms.write_indicators(wb.create_sheet("指標"), revised)
    for ws in wb.worksheets:
        st.mark_sample(ws, SAMPLE_NOTE)
    path = out / FOLDER / f"実施計画_{fiscal_year_label(new_year)}改定（サンプル）.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
