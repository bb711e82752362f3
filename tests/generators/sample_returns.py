"""A master with departments' answers written into its sheets, for the report tests.

Until the collect step fills masters in tests, answers are written with Master.write_department,
the way collection merges them. Grades are typed the way staff type them (full-width, dash variants).
A master on another evaluation scale (scale=…) cycles that scale's codes, some typed full-width.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from workbook.files.master import Master, build_master
from workbook.sheets.names import SHEET_PROGRESS
from workbook.sheets.progress_sheet import PROGRESS_EDITABLE, PROGRESS_HEADERS
from workbook.domain.returns import Entry
from workbook.domain.scale import Scale
from workbook.domain.scale_presets import DEFAULT_SCALE
from workbook.files.sample import komae_plan, komae_settings

# Raw grades as typed, cycled over each department's actions.
TYPED_GRADES = ("A", "Ｂ", "B", "C", "ー", "b", "Ａ", "B", "－")
# Fixed answers where the multi-department rule matters: (department, code) -> typed grade.
FIXED = {
    ("福祉政策課", "3-3-1"): "B", ("学校教育課", "3-3-1"): "－",     # B and － give B
    ("福祉政策課", "4-2-2"): "A", ("まちづくり推進課", "4-2-2"): "C",  # A and C give C
}
EVALUATIONS = {"1-1-1": ("周知先を広げる余地がある。", "委員会：チラシの配架先に保護司会を加えること。")}
LONG_RESULT = "令和6年度は関係機関と連携し、相談窓口の周知チラシを市内の公共施設など計42か所に配架した。" * 6
LONG_REASON = "予定していた研修会が講師の都合により延期となり、年度内に実施できなかったため。" * 4
LONG_NEXT = "次年度は早期に日程を調整し、関係機関と連携して確実に実施する。" * 4


def full_width(code: str) -> str:
    """'S' -> 'Ｓ': how a code is often typed."""
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in code)


def typed_codes(scale: Scale) -> tuple[str, ...]:
    """Every code of the scale, then the ASCII ones again typed full-width."""
    return scale.codes + tuple(full_width(c) for c in scale.codes if c.isascii() and c.isalnum())


def answer(code: str, department: str, grade: str, n: int, long: bool = False, scale: Scale = DEFAULT_SCALE) -> Entry:
    poor = scale.reason_required(scale.normalize(grade) or "")
    values = {
        "content": f"{code} の取組を実施した（{department}）。\n関係機関と連携した。",
        "result": LONG_RESULT if long else f"参加者 {10 + n}人、配布 {100 + n * 5}部。<連携先> & 協力団体 3団体",
        "grade": grade,
        "reason": (LONG_REASON if long else f"{code} は予定の一部を実施できなかった。") if poor else "",
        "issues": "周知先の拡大が課題。",
        "next": LONG_NEXT if long else "次年度は周知先を開拓する。",
    }
    return Entry(code, department, values=values, actuals={1: "75%"})


def _sha256(department: str) -> str:
    """Stands for the SHA-256 of the accepted return that 提出状況 records (a merged return has one)."""
    return hashlib.sha256(f"{department}.xlsx".encode()).hexdigest()


def filled_master(folder: Path, missing: tuple[str, ...] = ("指導室",), evaluations: bool = True,
                  grades: tuple[str, ...] | None = None, long: bool = False, scale: Scale | None = None) -> Path:
    """A Komae master where every department except `missing` has answered every action.

    grades: typed grades cycled over each department's actions (TYPED_GRADES; typed_codes(scale) on
    another scale, without the FIXED answers); long: answers as long as staff write.
    """
    plan, settings = komae_plan(), komae_settings()
    if scale is not None:
        settings.scale = scale
    grades = grades or (TYPED_GRADES if scale is None else typed_codes(scale))
    fixed = FIXED if scale is None else {}
    path = build_master(plan, settings, folder / "狛江市_進捗管理.xlsm")
    master = Master.open(path)
    status = []
    for department in plan.departments:
        actions = plan.actions_of(department.name)
        if department.name in missing:
            status.append([department.name, len(actions), "未提出", "", "", "", "", "", "", ""])
            continue
        entries = {}
        for n, action in enumerate(actions):
            grade = fixed.get((department.name, action.code), grades[n % len(grades)])
            entries[action.code] = answer(action.code, department.name, grade, n, long, settings.scale)
        master.write_department(department.name, entries, ("担当 花子", "内線1234"))
        status.append([department.name, len(actions), "受理", 0, 0, f"{department.name}.xlsx",
                       "2025-05-30 10:00", "担当 花子", "内線1234", _sha256(department.name)])
    master.write_status(status)
    master.write_progress()
    if evaluations:
        ws = master.wb[SHEET_PROGRESS]
        code_col = PROGRESS_HEADERS.index("取組番号") + 1
        cols = [PROGRESS_HEADERS.index(name) + 1 for name in PROGRESS_EDITABLE]
        for row in range(2, ws.max_row + 1):
            code = ws.cell(row=row, column=code_col).value
            if code in EVALUATIONS:
                for col, text in zip(cols, EVALUATIONS[code]):
                    ws.cell(row=row, column=col, value=text)
    master.save(backup=False)
    return path
