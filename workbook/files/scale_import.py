"""The 評価基準 a new master starts with: a preset by name, a table file, or the plan file's own.

`new --scale NAME|FILE`; without --scale, the plan file's sheet 評価基準 (.xlsx) or
<name>_評価基準.csv beside a CSV plan; without either, the default preset.
"""
from __future__ import annotations

from pathlib import Path

from workbook.domain.problems import problem
from workbook.domain.scale import Scale
from workbook.domain.scale_presets import DEFAULT_SCALE, PRESETS, preset
from workbook.errors import PlanFileError
from workbook.files.plan_import import read_rows
from workbook.sheets.names import SHEET_SCALE
from workbook.sheets.scale_sheet import read_scale_rows

PRESET_LIST = "・".join(PRESETS)


def scale_for_new(plan_file: Path, choice: str | Path | None = None) -> Scale:
    """The scale chosen at `new`; PlanFileError naming the cells of a bad table or listing the presets."""
    if choice in (None, ""):
        return plan_file_scale(Path(plan_file)) or DEFAULT_SCALE
    found = preset(str(choice))
    if found is not None:
        return found
    path = Path(choice)
    if not path.is_file():
        p = problem("scale-unknown-preset", value=str(choice), choices=PRESET_LIST)
        raise PlanFileError(p.message, [p])
    return _read_table(path, None)


def plan_file_scale(plan_file: Path) -> Scale | None:
    """The 評価基準 table a plan file carries; None when it has none."""
    if plan_file.suffix.lower() == ".csv":
        beside = plan_file.with_name(f"{plan_file.stem}_評価基準.csv")
        return _read_table(beside, None) if beside.is_file() else None
    return _read_table(plan_file, SHEET_SCALE)


def _read_table(path: Path, sheet: str | None) -> Scale | None:
    if sheet is None and path.suffix.lower() != ".csv":
        found = read_rows(path, SHEET_SCALE)
        read = found or read_rows(path, None)
    else:
        read = read_rows(path, sheet)
    if read is None:
        return None
    name, rows = read
    scale, problems = read_scale_rows(rows, name=path.stem.replace("_評価基準", ""), sheet=name if
                                      path.suffix.lower() != ".csv" else "", file=path.name)
    if scale is None:
        lines = [f"評価基準の表 {path.name} を読み込めません（{len(problems)} 件）:"]
        lines += [f"  - {p.message}" for p in problems[:30]]
        raise PlanFileError("\n".join(lines), problems)
    return scale
