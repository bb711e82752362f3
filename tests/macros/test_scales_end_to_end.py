"""Every preset and a city's own table, end to end: new → distribute → filled returns → collect → report.

The drop-down of each distributed file holds exactly the scale's codes; the counts per code in the
committee summary equal a recount made here from the master's department sheets, without the
add-on's aggregation. No PDFs (the demo test makes those).
"""
from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from macros import operations as ops
from macros.cli import main as cli
from macros.distribute import fill_sample_returns
from workbook.domain.scale_presets import PRESETS
from workbook.files.sample import KOMAE_INDICATORS, KOMAE_PLAN
from workbook.sheets.layout import DATA_SHEET, FIRST_ROW, col_number

CUSTOM = [  # a city's own table: 3 ranked codes with points, and one excluded from shares
    ["記号", "名称", "定義", "順位", "割合の分母", "統合で無視", "共通区分", "基準値比", "理由必須", "点数", "判定下限(％)"],
    ["◎", "達成", "目標を達成した", 3, "含める", "", "達成", "改善", "", 3, 100],
    ["○", "一部達成", "目標の一部を達成した", 2, "含める", "", "下回った", "横ばい", "", 2, 60],
    ["×", "未達成", "目標を達成できなかった", 1, "含める", "", "下回った", "悪化", "○", 1, 0],
    ["対象外", "対象外", "今年度は実施の予定がなかった", "", "除く", "○", "対象外", "", "○", "", ""],
]


def plan_copy(tmp_path: Path) -> Path:
    """The Komae plan as a city's plan file (CSV, indicators beside)."""
    folder = tmp_path / "plan"
    folder.mkdir()
    plan = folder / "komae_plan.csv"
    plan.write_bytes(KOMAE_PLAN.read_bytes())
    (folder / "komae_plan_指標.csv").write_bytes(KOMAE_INDICATORS.read_bytes())
    return plan


def custom_table(tmp_path: Path) -> Path:
    path = tmp_path / "独自_評価基準.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(CUSTOM)
    return path


def recount(master: Path, scale) -> dict[str, int]:
    """Counts per code from the department sheets: one grade per action, the lowest ranked code among
    the departments' codes that are not ignored in combination (all ignored: that code)."""
    wb = openpyxl.load_workbook(master, read_only=True)
    grades: dict[str, list[str]] = {}
    plan_codes = [r[4] for r in wb["計画"].iter_rows(min_row=2, values_only=True) if r[4]]
    departments = [r[0] for r in wb["担当課"].iter_rows(min_row=2, values_only=True) if r[0]]
    for name in departments:
        ws = wb[name]
        for row in ws.iter_rows(min_row=FIRST_ROW, values_only=True):
            key, grade = row[0], row[col_number("grade") - 1]
            if key and "#" not in str(key):
                grades.setdefault(str(key), []).append("" if grade is None else str(grade).strip())
    rank = {g.code: g.rank for g in scale.grades}
    ignored = {g.code for g in scale.grades if g.ignored_in_combination}
    counts = {code: 0 for code in scale.codes}
    counts[""] = 0
    for code in plan_codes:
        given = grades.get(str(code), [""])
        if any(g not in rank for g in given):
            counts[""] += 1
            continue
        kept = [g for g in given if g not in ignored] or given
        ranked = [g for g in kept if rank[g] is not None]
        counts[min(ranked, key=rank.get) if ranked else kept[0]] += 1
    return counts


@pytest.mark.parametrize("choice", sorted(PRESETS) + ["独自の表"])
def test_a_whole_year_on_the_scale(tmp_path, choice):
    scale_arg = str(custom_table(tmp_path)) if choice == "独自の表" else choice
    out = tmp_path / "city"
    assert cli(["new", "--plan", str(plan_copy(tmp_path)), "--out", str(out), "--municipality", "狛江市",
                "--scale", scale_arg]) == 0
    master = next(out.glob("*.xlsm"))
    snap_scale = ops.open_master(master).settings.scale
    expected_codes = tuple(r[0] for r in CUSTOM[1:]) if choice == "独自の表" else PRESETS[choice].codes
    assert snap_scale.codes == expected_codes

    ops.distribute(master)
    distributed = sorted((out / "配布").glob("*.xlsx"))
    assert distributed
    for path in distributed:
        ws = openpyxl.load_workbook(path)[DATA_SHEET]
        lists = [dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"]
        assert lists == ['"' + ",".join(expected_codes) + '"'], path.name

    fill_sample_returns(master)
    ops.collect(master)
    ops.report(master, pdf=False)
    counts = recount(master, snap_scale)
    assert sum(counts.values()) == len(ops.open_master(master).plan.actions)
    assert sum(n for code, n in counts.items() if code) > 0
    summary = next((out / "報告書").glob("*委員会用概要.docx"))
    assert_summary_counts(summary, snap_scale, counts)


def assert_summary_counts(path: Path, scale, counts: dict[str, int]) -> None:
    from tests.generators.docx_read import grade_counts_table

    table = grade_counts_table(path, with_relistings=True)
    shared = [c for c in scale.codes if scale.in_denominator(c)]
    apart = [c for c in scale.codes if not scale.in_denominator(c)]     # shown after 未評価, past a divider
    assert list(table) == shared + ["未評価"] + apart
    assert [table[c] for c in scale.codes] == [counts[c] for c in scale.codes]
    assert table["未評価"] == counts[""]
