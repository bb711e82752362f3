"""A small city per test: a master of the small plan, an inbox, and readers of what collect wrote."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import openpyxl

from macros.collect import run_collect
from tests.workbook.returns_kit import make_return, set_saved_time, small_plan, small_settings
from workbook.domain.era import short_label
from workbook.domain.plan import Plan
from workbook.domain.problems import REPORT_COLUMNS
from workbook.files.master import build_master
from workbook.sheets import master_sheets as ms
from workbook.sheets import names, progress_sheet

POLICY, CONSULT = "福祉政策課", "福祉相談課"


class City:
    def __init__(self, root: Path, vba: bool = False, plan: Plan | None = None):
        self.plan = plan or small_plan()
        self.settings = small_settings(self.plan)
        self.root = root
        if vba:
            from macros.operations import new_master

            self.master = new_master(self.plan, self.settings, root, name="master.xlsm")
        else:
            self.master = build_master(self.plan, self.settings, root / "master.xlsm")
        self.inbox = root / "回収"
        self.inbox.mkdir()

    def send(self, department: str, changes=None, name: str | None = None, saved: str | None = None, **kw) -> Path:
        path = make_return(self.plan, self.settings, self.inbox, department, changes, name=name, **kw)
        return set_saved_time(path, saved) if saved else path

    def collect(self):
        return run_collect(self.master, None)

    def revised_plan(self, year: int, budget: float | None = None, name: str = "実施計画_改定.xlsx") -> Path:
        """A plan file (the layout of `new`) of this city's plan with a 取組目標 for year ('…（R7）' after
        the first year's) and, given, a 事業費 for it: the July revision of seed 004."""
        plan = with_targets(self.plan, year, budget)
        wb = openpyxl.Workbook()
        ms.write_plan(wb.active, plan)
        wb.active.title = names.SHEET_PLAN
        ms.write_indicators(wb.create_sheet(names.SHEET_INDICATORS), plan)
        path = self.root / name
        wb.save(path)
        return path

    def close_year(self, force: bool = False, plan: Path | None | bool = True):
        """⑥ 年度更新 (next-year) with a revised plan giving next year's 取組目標 (plan=True), a plan file
        of the test's own, or none (False); the city then sends returns for the new year."""
        from macros.next_year import run_next_year

        year = self.settings.fiscal_year + 1
        path = self.revised_plan(year) if plan is True else (plan or None)
        outcome = run_next_year(self.master, path, force)
        if plan is True:
            self.plan = with_targets(self.plan, year)
        self.settings = replace(self.settings, fiscal_year=year)
        return outcome

    def book(self):
        return openpyxl.load_workbook(self.master)

    def rows(self, sheet: str) -> list[list[object]]:
        return [list(r) for r in self.book()[sheet].iter_rows(min_row=2, values_only=True) if any(r)]

    def checks(self) -> list[tuple[str, str, str]]:
        """(code, department, cell) of each 検証結果 row."""
        i = {h: REPORT_COLUMNS.index(h) for h in ("コード", "担当課", "セル")}
        return [(r[i["コード"]], r[i["担当課"]] or "", r[i["セル"]] or "") for r in self.rows(names.SHEET_CHECKS)]

    def status(self) -> dict[str, list[object]]:
        return {r[0]: r for r in self.rows(names.SHEET_STATUS)}

    def progress(self) -> dict[str, dict[str, object]]:
        return {r[2]: dict(zip(progress_sheet.PROGRESS_HEADERS, r)) for r in self.rows(names.SHEET_PROGRESS)}


def with_targets(plan: Plan, year: int, budget: float | None = None) -> Plan:
    first = plan.fiscal_years[0]
    actions = [replace(a, targets={**a.targets, year: f"{a.target_for(first)}（{short_label(year)}）"},
                       budgets={**a.budgets, year: budget} if budget is not None else a.budgets) for a in plan.actions]
    return replace(plan, actions=actions, indicators=list(plan.indicators), departments=list(plan.departments),
                   fiscal_years=tuple(sorted(set(plan.fiscal_years) | {year})))


def every_cell(path: Path) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: [tuple((c.coordinate, c.value, c.data_type) for c in row) for row in ws.iter_rows()]
            for ws in wb.worksheets}


FIRST_BUTTONS = ("Distribute", "Collect", "Validate", "MakeReports")


def earlier_version_city(tmp_path: Path, monkeypatch, missing: tuple[str, ...]) -> City:
    """A City whose master an earlier version made: only the first four buttons, and a VBA project
    without the Subs named in `missing` (made with them patched away, then put back)."""
    import re

    from macros import vba
    from workbook.files import master as master_module

    old_steps = tuple(s for s in master_module.STEPS if s.macro in FIRST_BUTTONS)
    sub = re.compile(rf"Sub ({'|'.join(missing)})\(\).*?End Sub\n", re.S)
    old_bas = {name: sub.sub("", src) for name, src in vba.bas_sources().items()}
    monkeypatch.setattr(master_module, "STEPS", old_steps)
    monkeypatch.setattr(vba, "bas_sources", lambda: old_bas)
    city = City(tmp_path, vba=True)
    monkeypatch.undo()
    return city
