"""What the next-year tests share: a year's answers and evaluations on a small city, the year-end
copy's name, and a plan file for --plan."""
from __future__ import annotations

import openpyxl

from tests.macros.city import CONSULT, POLICY, City
from tests.workbook.returns_kit import good_values
from workbook.domain.plan import Plan
from workbook.files.master import Master
from workbook.sheets import master_sheets as ms
from workbook.sheets import names, progress_sheet

COPY = "年度末/master_令和6年度末.xlsm"
CONSULT_CHANGES = {"1-1-2": {"grade": "C", "reason": "会議が1回中止", "issues": "日程調整", "budget": 80},
                   "1-1-3": {"content": "相談会を開いた", "result": "相談 95件", "next": "周知を強める"},
                   "1-1-3#1": {"actual": 95}}
POLICY_CHANGES = {"1-1-1": {"grade": "A", "result": "チラシ 500部を配布", "budget": 150}}


def answered(city: City, department: str, changes: dict) -> dict:
    values = good_values(city.plan, department)
    for key, cells in changes.items():
        values.setdefault(key, {}).update(cells)
    return values


def evaluate(city: City, evaluations: dict[str, tuple[str, str]]) -> None:
    """The section types 内部評価 and 委員会意見 into 進捗一覧."""
    master = Master.open(city.master)
    ws = master.wb[names.SHEET_PROGRESS]
    code_col = progress_sheet.PROGRESS_HEADERS.index("取組番号") + 1
    internal, committee = (progress_sheet.PROGRESS_HEADERS.index(n) + 1 for n in progress_sheet.PROGRESS_EDITABLE)
    for r in range(2, ws.max_row + 1):
        if ws.cell(row=r, column=code_col).value in evaluations:
            text = evaluations[ws.cell(row=r, column=code_col).value]
            ws.cell(row=r, column=internal, value=text[0])
            ws.cell(row=r, column=committee, value=text[1])
    master.save(backup=False)


def a_full_year(city: City) -> None:
    city.send(POLICY, POLICY_CHANGES)
    city.send(CONSULT, CONSULT_CHANGES)
    city.collect()
    evaluate(city, {"1-1-2": ("連携は進んだ", "会議の回数を増やすこと")})


def plan_file(plan: Plan, path):
    wb = openpyxl.Workbook()
    ms.write_plan(wb.active, plan)
    wb.active.title = names.SHEET_PLAN
    wb.save(path)
    return path
