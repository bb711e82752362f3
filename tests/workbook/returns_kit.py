"""Test helpers: small plans, distributed department files and filled returns made per scenario."""
from __future__ import annotations

import os
from pathlib import Path

import openpyxl

from workbook.files.department_file import file_name, write_department_file
from workbook.sheets.department import row_specs
from workbook.sheets.layout import ACTION_ROW, DATA_SHEET, FIRST_ROW, col_number
from workbook.domain.plan import Action, Department, Direction, EvaluationKind, Goal, Indicator, Measure, Plan
from workbook.domain.settings import Settings


class Text(str):
    """A value the filler writes as text even when it starts with '=' (what a person types as text)."""


def small_plan() -> Plan:
    """Three actions, two departments; 1-1-2 is shared; 1-1-3 has an indicator (target 100 件以上)."""
    goals = [Goal("1", "相談支援体制の構築")]
    measures = [Measure("1-1", "相談窓口の周知", "1")]
    actions = [
        Action("1-1-1", "相談窓口の周知", "1", "1-1", ("福祉政策課",), targets={6: "チラシの作成"}, order=0),
        Action("1-1-2", "関係機関との連携", "1", "1-1", ("福祉政策課", "福祉相談課"),
               targets={6: "連携会議の開催"}, order=1),
        Action("1-1-3", "相談件数の拡大", "1", "1-1", ("福祉相談課",), kind=EvaluationKind.QUANTITATIVE,
               targets={6: "相談件数 100件"}, order=2),
    ]
    indicators = [Indicator("1-1-3", "相談件数", "件", 80.0, "R5", 100.0, "R8", Direction.HIGHER),
                  ]
    return Plan("テスト市", "テスト市再犯防止推進計画", (6, 7, 8), goals, measures, actions, indicators,
                [Department("福祉政策課"), Department("福祉相談課")])


def lower_plan() -> Plan:
    """small_plan with a lower-is-better indicator on 1-1-3 (再犯者率 target 45%以下)."""
    plan = small_plan()
    plan.indicators[:] = [Indicator("1-1-3", "再犯者率", "%", 46.5, "R3", 45.0, "R8", Direction.LOWER)]
    return plan


def small_settings(plan: Plan, fiscal_year: int = 6) -> Settings:
    return Settings(municipality=plan.municipality, plan_name=plan.name, fiscal_year=fiscal_year)


def good_values(plan: Plan, department: str, fiscal_year: int = 6) -> dict[str, dict[str, object]]:
    """Complete, valid answers for every row of a department: grade B, actual = target."""
    values: dict[str, dict[str, object]] = {}
    for key, kind, indicator in row_specs(plan, department):
        if kind == ACTION_ROW:
            values[key] = {"content": f"{key} の取組を実施した。", "result": f"{key} 実績 3回",
                           "grade": "B", "reason": "概ね予定どおり実施した。", "issues": "特になし",
                           "next": "継続する", "budget": 120}
        else:
            values[key] = {"actual": indicator.target_for(fiscal_year)}
    return values


def distribute(plan: Plan, settings: Settings, folder: Path, department: str) -> Path:
    path = folder / file_name(settings, department)
    write_department_file(path, plan, settings, department)
    return path


def fill(path: Path, values: dict[str, dict[str, object]], contact: tuple[str, str] = ("山田", "内線123"),
         out: Path | None = None, mtime: float | None = None) -> Path:
    """Type values into a distributed file (by row key and column key) and save it (as out)."""
    wb = openpyxl.load_workbook(path)
    ws = wb[DATA_SHEET]
    rows = {ws.cell(row=r, column=1).value: r for r in range(FIRST_ROW, ws.max_row + 1)}
    ws["D3"], ws["G3"] = contact
    for key, cells in values.items():
        for col_key, value in cells.items():
            cell = ws.cell(row=rows[key], column=col_number(col_key))
            cell.value = value
            if isinstance(value, Text):
                cell.data_type = "s"
    out = out or path
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    if mtime is not None:
        os.utime(out, (mtime, mtime))
    return out


def make_return(plan: Plan, settings: Settings, folder: Path, department: str,
                changes: dict[str, dict[str, object]] | None = None, name: str | None = None,
                contact: tuple[str, str] = ("山田", "内線123")) -> Path:
    """A complete return for a department, with some cells changed, saved in folder."""
    folder.mkdir(parents=True, exist_ok=True)
    blank = distribute(plan, settings, folder.parent / "_blank", department)
    values = good_values(plan, department, settings.fiscal_year)
    for key, cells in (changes or {}).items():
        values.setdefault(key, {}).update(cells)
    return fill(blank, values, contact, out=folder / (name or blank.name))


def set_saved_time(path: Path, stamp: str) -> Path:
    """Rewrite the 'last saved' time inside a file (docProps/core.xml dcterms:modified), e.g. '2025-05-01T10:00:00Z'."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as z:
        parts = [(i, z.read(i)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in parts:
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(<)", rb"\g<1>" + stamp.encode() + rb"\g<2>", data)
            z.writestr(info, data)
    return path
