"""The master's sheet names, and the rule that turns a department name into a sheet name."""
from __future__ import annotations

from workbook.errors import MasterError

SHEET_OPERATIONS = "操作"
SHEET_PLAN = "計画"
SHEET_INDICATORS = "指標"
SHEET_DEPARTMENTS = "担当課"
SHEET_PROGRESS = "進捗一覧"
SHEET_STATUS = "提出状況"
SHEET_CHECKS = "検証結果"
SHEET_SETTINGS = "設定"
SHEET_SCALE = "評価基準"
SHEET_HISTORY = "履歴"
SHEET_YEAR_RESULTS = "年度別実績"   # made by the first ⑥ 年度更新, right after 進捗一覧
SHEET_XLWINGS = "xlwings.conf"
FIXED_BEFORE = (SHEET_OPERATIONS, SHEET_PLAN, SHEET_INDICATORS, SHEET_DEPARTMENTS)
FIXED_AFTER = (SHEET_PROGRESS, SHEET_YEAR_RESULTS, SHEET_STATUS, SHEET_CHECKS, SHEET_SETTINGS, SHEET_SCALE,
               SHEET_HISTORY, SHEET_XLWINGS)


def sheet_title(department: str) -> str:
    """A department name as a legal sheet name (31 characters, no []:*?/\\)."""
    title = "".join("＿" if ch in '[]:*?/\\' else ch for ch in department).strip("'")
    return title[:31]


def check_sheet_titles(departments: list[str]) -> None:
    """Refuse department names that would share a sheet (with each other or a fixed sheet)."""
    taken = {name.casefold(): f"シート「{name}」" for name in FIXED_BEFORE + FIXED_AFTER}
    clashes = []
    for name in departments:
        key = sheet_title(name).casefold()
        if key in taken:
            clashes.append(f"担当課「{name}」のシート名「{sheet_title(name)}」が{taken[key]}と同じになります。")
        taken.setdefault(key, f"担当課「{name}」")
    if clashes:
        raise MasterError("\n".join(clashes) + "\nシート名は31文字までなので、先頭31文字で区別できる担当課名にしてください。")
