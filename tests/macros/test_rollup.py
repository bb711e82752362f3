"""rollup: three cities on three scales, built with the add-on's own commands and filled returns.

The counts per city and per 重点課題 in the roll-up equal a recount made here from the masters'
sheets with openpyxl (計画, 担当課, the department sheets, 評価基準), without the add-on's readers or
aggregation; the 重点課題 of each 施策 comes from the 対応表 the run wrote. A corrected 対応表 is kept
on the next run; a file that is not a master, a second master of the same city and year, a master
with no returns and one from before the 評価基準 sheet are noted, and the rest still rolls up; a year
closed by ⑥ 年度更新 is a row of its own, counted from 年度別実績. The masters are never written.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path

import openpyxl
import pytest

from macros import operations as ops
from macros.cli import main as cli
from macros.distribute import fill_sample_returns
from tests.macros.test_scales_end_to_end import plan_copy
from workbook.sheets.layout import FIRST_ROW, col_number

CITIES = [("狛江市", "132195", "さいたま市方式"), ("府中市", "132063", "4段階"), ("伊達市", "", "進捗区分")]
CLASSES = ["上回った", "達成", "下回った", "評価不能", "対象外", "未評価"]


def set_settings(master: Path, values: dict[str, object]) -> None:
    wb = openpyxl.load_workbook(master, keep_vba=True)
    ws = wb["設定"]
    rows = {c.value: c.row for c in ws["A"]}
    for key, value in values.items():
        ws.cell(row=rows[key], column=3).value = value
    wb.save(master)


@pytest.fixture(scope="module")
def masters(tmp_path_factory) -> list[Path]:
    root = tmp_path_factory.mktemp("rollup")
    plan = plan_copy(root)
    out = []
    for name, code, scale in CITIES:
        folder = root / name
        assert cli(["new", "--plan", str(plan), "--out", str(folder), "--municipality", name, "--scale", scale]) == 0
        master = next(folder.glob("*.xlsm"))
        set_settings(master, {"municipality_code": code})
        ops.distribute(master)
        fill_sample_returns(master)
        ops.collect(master)
        out.append(master)
    return out


def table(path: Path, sheet: str, header_row: int = 1) -> list[dict[str, object]]:
    ws = openpyxl.load_workbook(path, read_only=True)[sheet]
    rows = list(ws.iter_rows(min_row=header_row, values_only=True))
    header = rows[0]
    body = []
    for row in rows[1:]:
        if all(v in (None, "") for v in row):
            break
        body.append(dict(zip(header, row)))
    return body


def recount(master: Path, measure_priority: dict[str, str]) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """共通区分 counts over the plan's actions that are not re-listings, and the same per 重点課題
    label, from the sheets as a person would read them."""
    wb = openpyxl.load_workbook(master, read_only=True)
    scale_rows = list(wb["評価基準"].iter_rows(values_only=True))
    start = next(i for i, r in enumerate(scale_rows) if r[0] == "記号")
    head = list(scale_rows[start])
    grades = [dict(zip(head, r)) for r in scale_rows[start + 1:] if r[0] not in (None, "")]
    rank = {str(g["記号"]): g["順位"] for g in grades}
    ignored = {str(g["記号"]) for g in grades if g["統合で無視"] == "○"}
    common = {str(g["記号"]): g["共通区分"] for g in grades}
    plan_rows = list(wb["計画"].iter_rows(values_only=True))
    ph = list(plan_rows[0])
    actions = [dict(zip(ph, r)) for r in plan_rows[1:] if r[ph.index("取組番号")]]
    given: dict[str, list[str]] = {}
    for (department,) in wb["担当課"].iter_rows(min_row=2, max_col=1, values_only=True):
        if not department:
            continue
        for row in wb[department].iter_rows(min_row=FIRST_ROW, values_only=True):
            key, grade = row[0], row[col_number("grade") - 1]
            if key and "#" not in str(key):
                given.setdefault(str(key), []).append("" if grade is None else str(grade).strip())
    total = {c: 0 for c in CLASSES}
    per: dict[str, dict[str, int]] = {}
    for action in actions:
        if action.get("再掲元"):
            continue
        codes = given.get(str(action["取組番号"]), [""])
        if any(g not in rank for g in codes):
            cls = "未評価"
        else:
            kept = [g for g in codes if g not in ignored] or codes
            ranked = [g for g in kept if rank[g] is not None]
            cls = common[min(ranked, key=rank.get) if ranked else kept[0]]
        total[cls] += 1
        label = measure_priority[str(action["施策番号"])]
        per.setdefault(label, {c: 0 for c in CLASSES})[cls] += 1
    return total, per


def run(inputs: list[Path], out: Path) -> Path:
    assert cli(["rollup", "--out", str(out)] + [str(p) for p in inputs]) == 0
    return next(out.glob("進捗集約_*.xlsx"))


def assert_counts_equal_recount(book: Path, masters: list[Path]) -> None:
    summary = {(r["自治体名"]): r for r in table(book, "集約", header_row=3)}
    by_priority = table(book, "重点課題別")
    mapping = table(book, "対応表")
    assert set(summary) == {name for name, _, _ in CITIES}
    for master, (name, code, scale) in zip(masters, CITIES):
        row = summary[name]
        assert (row["自治体コード"] or "") == code and row["評価基準"] == scale
        measures = {str(m["施策番号"]): m["重点課題"] for m in mapping if m["自治体名"] == name}
        total, per = recount(master, measures)
        assert {c: row[f"{c}（件）"] for c in CLASSES} == total, name
        assert row["取組数（再掲を除く）"] == sum(total.values())
        assert sum(n for c, n in total.items() if c != "未評価") > 0, name     # the returns were graded
        rolled = {r["重点課題"]: {c: r[c] for c in CLASSES} for r in by_priority if r["自治体名"] == name}
        assert {k: v for k, v in rolled.items() if sum(v.values())} == per, name


def test_three_scales_roll_up_to_the_recount(masters, tmp_path):
    out = tmp_path / "集約"
    before = [hashlib.sha256(m.read_bytes()).hexdigest() for m in masters]
    book = run(masters, out)
    assert [hashlib.sha256(m.read_bytes()).hexdigest() for m in masters] == before    # read only
    assert_counts_equal_recount(book, masters)
    assert (out / "対応表.xlsx").exists() and list(out.glob("進捗集約概要_*.docx"))
    notes = [r[0] for r in openpyxl.load_workbook(book)["集約"].iter_rows(min_row=8, max_col=1, values_only=True) if r[0]]
    assert any("評価基準が自治体によって異なります" in n for n in notes)
    assert any("伊達市" in n and "全国地方公共団体コードがない" in n for n in notes)
    points = {r["自治体名"]: r["点数の平均"] for r in table(book, "集約", header_row=3)}
    assert points["府中市"] is not None and points["狛江市"] is None    # only the 4段階 scale has points
    indicators = table(book, "指標")
    assert indicators and {r["自治体名"] for r in indicators} == {name for name, _, _ in CITIES}


def test_a_corrected_map_is_kept_on_the_next_run(masters, tmp_path):
    out = tmp_path / "集約"
    run(masters, out)
    wb = openpyxl.load_workbook(out / "対応表.xlsx")
    ws = wb["対応表"]
    header = [c.value for c in ws[1]]
    col = header.index("重点課題") + 1
    first = ws.cell(row=2, column=col).value
    corrected = "7 再犯防止に向けた基盤の整備" if not str(first).startswith("7") else "1 就労・住居の確保"
    ws.cell(row=2, column=col).value = corrected
    city, measure = ws.cell(row=2, column=2).value, ws.cell(row=2, column=5).value
    wb.save(out / "対応表.xlsx")
    for old in out.glob("進捗集約_*.xlsx"):
        old.unlink()
    book = run(masters, out)
    kept = [r for r in table(out / "対応表.xlsx", "対応表") if r["自治体名"] == city and str(r["施策番号"]) == measure]
    assert kept[0]["重点課題"] == corrected
    assert [r for r in table(book, "対応表") if r["自治体名"] == city and str(r["施策番号"]) == measure][0]["重点課題"] \
        == corrected
    assert_counts_equal_recount(book, masters)     # the recount follows the corrected table too


def _first_komae_map_row(masters: list[Path], out: Path):
    """Roll up the first two cities into out; the 対応表 open for editing, its header and 狛江市's first row."""
    run(masters[:2], out)
    map_path = out / "対応表.xlsx"
    wb = openpyxl.load_workbook(map_path)
    ws = wb["対応表"]
    header = [c.value for c in ws[1]]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=header.index("自治体名") + 1).value == "狛江市")
    return map_path, wb, ws, header, row


def test_a_roll_up_of_other_cities_keeps_the_corrections_of_the_rest(masters, tmp_path, capsys):
    """Corrections for 狛江市 stay in the 対応表 through a roll-up of 府中市 alone; a row the cities'
    plans no longer have is dropped only after the old 対応表 is copied aside."""
    out = tmp_path / "集約"
    map_path, wb, ws, header, row = _first_komae_map_row(masters, out)
    col, code_col = (header.index(h) + 1 for h in ("重点課題", "施策番号"))
    corrected = "7 再犯防止に向けた基盤の整備" if not str(ws.cell(row=row, column=col).value).startswith("7") \
        else "1 就労・住居の確保"
    ws.cell(row=row, column=col).value = corrected
    measure = str(ws.cell(row=row, column=code_col).value)
    gone = [ws.cell(row=row, column=c).value for c in range(1, len(header) + 1)]
    gone[header.index("施策")] = "計画の改定でなくなった施策"
    gone[header.index("自治体名")], gone[header.index("自治体コード")] = "府中市", "132063"
    ws.append(gone)
    wb.save(map_path)

    run(masters[1:2], out)
    assert "対応表の 1 行が" in capsys.readouterr().out
    komae = [r for r in table(map_path, "対応表") if r["自治体名"] == "狛江市" and str(r["施策番号"]) == measure]
    assert [r["重点課題"] for r in komae] == [corrected]
    assert "計画の改定でなくなった施策" not in [r["施策"] for r in table(map_path, "対応表")]
    copies = list((out / "バックアップ").glob("対応表_*.xlsx"))
    assert len(copies) == 1 and "計画の改定でなくなった施策" in [r["施策"] for r in table(copies[0], "対応表")]

    book = run(masters[:2], out)
    rolled = [r for r in table(book, "対応表") if r["自治体名"] == "狛江市" and str(r["施策番号"]) == measure]
    assert [r["重点課題"] for r in rolled] == [corrected]


def test_an_unreadable_correction_of_an_absent_city_is_kept_in_the_backup(masters, tmp_path):
    out = tmp_path / "集約"
    map_path, wb, ws, header, row = _first_komae_map_row(masters, out)
    ws.cell(row=row, column=header.index("重点課題") + 1).value = "８番"
    count = sum(1 for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=header.index("自治体名") + 1).value == "狛江市")
    wb.save(map_path)
    run(masters[1:2], out)                      # 狛江市 is not in this run
    assert sum(1 for r in table(map_path, "対応表") if r["自治体名"] == "狛江市") == count
    (copy,) = (out / "バックアップ").glob("対応表_*.xlsx")
    assert "８番" in [r["重点課題"] for r in table(copy, "対応表")]


def test_a_bad_file_and_a_duplicate_are_noted_and_the_rest_rolls_up(masters, tmp_path, capsys):
    folder = tmp_path / "提出"
    folder.mkdir()
    for master in masters:
        shutil.copy(master, folder / master.name.replace(".xlsm", f"_{master.parent.name}.xlsm"))
    older = folder / "狛江市_古い控え.xlsm"
    shutil.copy(masters[0], older)
    wb = openpyxl.load_workbook(older, keep_vba=True)          # an earlier last collect than the original's
    for row in wb["提出状況"].iter_rows(min_row=2):
        if row[6].value:
            row[6].value = dt.datetime(2020, 4, 1, 9, 0)
    wb.save(older)
    legacy = folder / "旧様式町.xlsm"                           # a master from before the 評価基準 sheet
    shutil.copy(masters[0], legacy)
    set_settings(legacy, {"municipality": "旧様式町", "municipality_code": "999997"})
    wb = openpyxl.load_workbook(legacy, keep_vba=True)
    wb.remove(wb["評価基準"])
    wb.save(legacy)
    (folder / "メモ.xlsx").write_text("マスターではありません", encoding="utf-8")
    other = openpyxl.Workbook()
    other.active["A1"] = "名簿"
    other.save(folder / "名簿.xlsx")
    fresh = tmp_path / "川口市"                                 # a master with no returns yet
    assert cli(["new", "--plan", str(plan_copy(tmp_path)), "--out", str(fresh), "--municipality", "川口市",
                "--scale", "3段階"]) == 0
    capsys.readouterr()
    out = tmp_path / "集約"
    book = run([folder, next(fresh.glob("*.xlsm"))], out)
    printed = capsys.readouterr().out
    summary = table(book, "集約", header_row=3)
    assert sorted(r["自治体名"] for r in summary) == sorted([name for name, _, _ in CITIES] + ["川口市", "旧様式町"])
    kawaguchi = next(r for r in summary if r["自治体名"] == "川口市")
    assert kawaguchi["提出課数"] == 0 and kawaguchi["未評価（件）"] == kawaguchi["取組数（再掲を除く）"] > 0
    assert "川口市（令和6年度）: まだ回答を取り込んでいません" in printed
    assert "旧様式町.xlsm: シート「評価基準」ができる前の版" in printed
    komae = next(r for r in summary if r["自治体名"] == "狛江市")
    assert komae["ファイル"] != older.name
    for text in ("メモ.xlsx", "名簿.xlsx", older.name):
        assert text in printed
        assert any(text in str(r[0]) for r in openpyxl.load_workbook(book)["集約"].iter_rows(values_only=True) if r[0])
    assert "マスターとして読めない" in printed and "2 つ以上あります" in printed


def test_a_closed_year_is_a_row_of_its_own(masters, tmp_path):
    """After ⑥ 年度更新 the master reports 令和7年度 (no returns yet) and keeps 令和6年度 in 年度別実績:
    two rows, the closed year's counts equal to the recount of the master before it was closed."""
    rolled = tmp_path / "府中市" / masters[1].name
    rolled.parent.mkdir()
    shutil.copy(masters[1], rolled)
    ops.next_year(rolled, force=True)
    out = tmp_path / "集約"
    assert cli(["rollup", "--out", str(out), str(rolled)]) == 0
    book = next(out.glob("進捗集約_*.xlsx"))
    rows = {r["報告対象年度"]: r for r in table(book, "集約", header_row=3)}
    assert set(rows) == {"令和6年度", "令和7年度"}
    measures = {str(m["施策番号"]): m["重点課題"] for m in table(book, "対応表")}
    total, _ = recount(masters[1], measures)
    assert {c: rows["令和6年度"][f"{c}（件）"] for c in CLASSES} == total
    assert rows["令和7年度"]["未評価（件）"] == rows["令和7年度"]["取組数（再掲を除く）"]
    notes = [r[0] for r in openpyxl.load_workbook(book)["集約"].iter_rows(min_row=6, max_col=1, values_only=True)]
    assert any("報告対象年度が異なります" in str(n) for n in notes)
    # the overview's 重点課題 totals: one table a year, each adding up to that year's actions (not the two summed)
    from tests.generators.docx_read import open_docx, table_rows, tables_with_header

    doc = open_docx(next(out.glob("進捗集約概要_*.docx")))
    totals = [sum(int(r[1]) for r in table_rows(t)[1:]) for t in tables_with_header(doc, "重点課題")]
    assert totals == [rows["令和6年度"]["取組数（再掲を除く）"], rows["令和7年度"]["取組数（再掲を除く）"]]
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 2"][:2] == \
        ["令和6年度（集約したすべての自治体）", "令和7年度（集約したすべての自治体）"]


def test_cities_without_a_code_are_told_apart_by_prefecture(masters, tmp_path):
    """Two 府中市 without the code, one in 東京都 and one in 広島県: two rows, not a duplicate."""
    import shutil

    copies = []
    for prefecture in ("東京都", "広島県"):
        folder = tmp_path / prefecture
        folder.mkdir()
        copy = folder / masters[1].name
        shutil.copy2(masters[1], copy)
        set_settings(copy, {"municipality_code": None, "prefecture": prefecture})
        copies.append(copy)
    book = run(copies, tmp_path / "集約")
    names = sorted(r["自治体名"] for r in table(book, "集約", header_row=3) if r.get("自治体名"))
    assert names == ["広島県 府中市", "東京都 府中市"]


def test_every_sheet_of_a_sample_roll_up_says_so_when_printed(masters, tmp_path):
    sample = tmp_path / "見本" / masters[0].name
    sample.parent.mkdir()
    shutil.copy(masters[0], sample)
    set_settings(sample, {"sample": "サンプル"})
    for inputs, marked in (([masters[1]], False), ([sample], True)):
        out = tmp_path / f"集約{marked}"
        wb = openpyxl.load_workbook(run(inputs, out))
        assert [("サンプル" in (ws.oddHeader.center.text or "")) for ws in wb.worksheets] == [marked] * 4
