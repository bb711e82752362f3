"""demo --years 3: R6, R7 and R8 with next-year between them, then the 計画期間評価報告書.

Built once, without PDFs (the other demo test makes the one PDF run). Read back as a person would:
年度別実績 and 進捗一覧 with openpyxl, the report with python-docx.
"""
from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from macros.operations import DEMO_MASTER_NAME
from macros.sample_answers import NOT_RETURNED, answer_for, on_scale, sample_actual
from tests.generators.docx_read import all_text, open_docx
from workbook.domain.normalize import parse_number
from workbook.domain.scale_presets import DEFAULT_SCALE
from workbook.files.sample import komae_plan
from workbook.files.snapshot import MasterSnapshot

ROOT = Path(__file__).resolve().parents[2]
YEARS = {"令和6年度": 6, "令和7年度": 7, "令和8年度": 8}      # all closed; the master moves on to R9
# The first year's deliberate mistakes (macros/sample_answers.py): 福祉政策課's file comes back 要修正,
# R6 closes (forced) without what was held back: the row whose grey plan cell was changed, and the
# grades that cannot be taken (C without a reason, ◎).
HELD_R6 = {("1-2-2", "福祉政策課")}
GRADE_HELD_R6 = {("2-2-2", "福祉政策課"), ("4-1-2", "福祉政策課")}
PERIOD_REPORT = "令和6年度〜令和8年度_計画期間評価報告書.docx"


@pytest.fixture(scope="module")
def demo3(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo3") / "demo"
    result = subprocess.run([sys.executable, "-m", "macros", "demo", "--out", str(out), "--years", "3", "--no-pdf"],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return out, result.stdout


def _year_rows(out: Path) -> list[dict]:
    ws = openpyxl.load_workbook(out / DEMO_MASTER_NAME, keep_vba=True)["年度別実績"]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:] if any(v is not None for v in r)]


def _expected(code: str, department: str, year: int) -> tuple[str, str]:
    """(自己評価, 取組内容) as the sample answered, '' where nothing reached the master."""
    if year == 6 and (department in NOT_RETURNED or (code, department) in HELD_R6):
        return "", ""
    answer = answer_for(komae_plan(), code, department, year)
    if year == 6 and (code, department) in GRADE_HELD_R6:
        return "", answer.content
    return on_scale(answer.grade, DEFAULT_SCALE), answer.content


def test_demo_runs_three_years_and_closes_each_with_the_revised_implementation_plan(demo3):
    out, stdout = demo3
    for label in ("R6 年度更新", "R7 年度更新", "R8 報告書作成", "R8 年度更新", "計画期間評価報告書"):
        assert label in stdout
    for year in (6, 7, 8):
        assert (out / "年度末" / f"狛江市_再犯防止推進計画_進捗管理_令和{year}年度末.xlsm").exists()
        revision = out / "計画改定" / f"実施計画_令和{year + 1}年度改定（サンプル）.xlsx"
        assert revision.exists()
        assert f"計画ファイル {revision.name} から" in stdout and f"計画に 令和{year + 3}年度 を加えました。" in stdout
    assert "提出期限を「令和7年5月30日（金）」から「令和8年5月29日（金）」に進めました" in stdout
    assert "提出期限を「令和8年5月29日（金）」から「令和9年5月28日（金）」に進めました" in stdout
    # the committee that reads each year's report: its day and its name's year move on with the year
    assert "開催日（委員会用概要）を「令和7年7月10日（木）」から「令和8年7月9日（木）」に進めました" in stdout
    assert "会議名（委員会用概要）を「令和7年度第1回 狛江市民福祉推進委員会」から「令和8年度第1回 狛江市民福祉推進委員会」に" \
        in stdout
    sheet = openpyxl.load_workbook(out / DEMO_MASTER_NAME, keep_vba=True)["年度別実績"]
    assert "サンプル" in sheet.oddHeader.center.text                  # printed, it says so like every other sheet
    summary = all_text(open_docx(next(out.rglob("令和8年度_委員会用概要.docx"))))
    assert "令和9年度第1回 狛江市民福祉推進委員会" in summary and "令和9年7月8日（木）" in summary


def test_the_rolled_plan_reaches_r11_while_the_plan_period_stays_r6_to_r8(demo3):
    """Each revision adds a year of 取組目標 and 事業費 (the 実施計画's window); 計画期間 on 設定 is the plan's own."""
    from macros.demo_plan import SAMPLE_BUDGETS, revised_plan

    out, _ = demo3
    snap = MasterSnapshot.read(out / DEMO_MASTER_NAME)
    assert snap.settings.fiscal_year == 9
    assert snap.settings.plan_period == "令和6年度〜令和8年度"
    assert snap.plan.fiscal_years == (6, 7, 8, 9, 10, 11)
    assert all(a.target_for(11) for a in snap.plan.actions)
    expected = revised_plan(revised_plan(revised_plan(komae_plan(), 7), 8), 9)
    for action in snap.plan.actions:
        assert action.budgets == expected.action(action.code).budgets
    assert snap.plan.action("4-2-2").budgets[9] == round(SAMPLE_BUDGETS["4-2-2"] * 1.02 ** 3)
    assert snap.plan.action("5-3-1").budgets == {}         # a 再掲 is not counted twice


def test_year_results_hold_every_action_for_r6_r7_and_r8_as_the_sample_answered(demo3):
    out, _ = demo3
    plan = komae_plan()
    rows = {(YEARS[r["年度"]], r["取組番号"], r["担当課"]): r for r in _year_rows(out)}
    pairs = [(a.code, d) for a in plan.actions for d in a.departments]
    assert set(rows) == {(y, c, d) for y in YEARS.values() for c, d in pairs}
    for (year, code, department), row in rows.items():
        grade, content = _expected(code, department, year)
        assert (row["自己評価"] or "", row["取組内容"] or "") == (grade, content), (year, code, department)
    # the indicators' actuals as the sample typed them (the recount: sample_actual, read as numbers)
    for (year, code, department), row in rows.items():
        for n, indicator in enumerate(plan.indicators_of(code, department), start=1):
            if year == 6 and department in NOT_RETURNED:
                continue
            typed = parse_number(sample_actual(plan, code, department, n, year)).value
            assert row[f"指標{n} 実績値"] == pytest.approx(typed), (year, code, department, indicator.name)


def test_grades_change_from_year_to_year_both_ways(demo3):
    out, _ = demo3
    grades = {(YEARS[r["年度"]], r["取組番号"], r["担当課"]): r["自己評価"] for r in _year_rows(out)}
    rank = {g.code: g.rank for g in DEFAULT_SCALE.ranked}
    moves = [rank[grades[(7, c, d)]] - rank[grades[(6, c, d)]] for (y, c, d) in grades
             if y == 6 and grades[(6, c, d)] in rank and grades.get((7, c, d)) in rank]
    assert any(m > 0 for m in moves) and any(m < 0 for m in moves)


def _counts_table(docx) -> list[list[str]]:
    table = next(t for t in docx.tables if [c.text for c in t.rows[0].cells][:2] == ["基本目標", "年度"])
    return [[c.text for c in row.cells] for row in table.rows]


def test_period_report_has_every_action_and_year_and_counts_equal_a_recount(demo3):
    out, _ = demo3
    docx = open_docx(out / "報告書" / PERIOD_REPORT)
    text = all_text(docx)
    assert "【サンプル】" in text and "計画期間評価報告書" in text
    for action in komae_plan().actions:
        assert action.code in text
    for label in ("R6", "R7", "R8"):
        assert label in text
    assert "見込み）" not in text and "R9" not in text            # the period is R6–R8, all closed
    assert "令和6年度〜令和8年度" in text
    # the recount: each action once a year with its 達成度（統合）, by 基本目標 (the code's first part)
    recount: dict[tuple[str, str], Counter] = {}
    seen = set()
    for r in _year_rows(out):
        key = (r["年度"], r["取組番号"])
        if key in seen:
            continue
        seen.add(key)
        label = {"令和6年度": "R6", "令和7年度": "R7", "令和8年度": "R8"}[r["年度"]]
        recount.setdefault((f"基本目標{r['取組番号'].split('-')[0]}", label), Counter())[r["達成度（統合）"] or "未評価"] += 1
    rows = _counts_table(docx)
    columns = rows[0][2:-1]
    assert columns == list(DEFAULT_SCALE.codes) + ["未評価"]
    goal, found = "", {}
    for row in rows[1:]:
        goal = row[0] or goal
        if goal == "合計":
            continue
        found[(goal, row[1])] = Counter({c: int(v) for c, v in zip(columns, row[2:-1]) if int(v)})
        assert int(row[-1]) == sum(int(v) for v in row[2:-1])
    assert found == recount


def test_period_report_refuses_a_master_with_nothing_closed_or_reported(tmp_path, capsys):
    from macros.cli import main
    from macros.operations import new_master
    from workbook.files.sample import komae_settings

    master = new_master(komae_plan(), komae_settings(6), tmp_path)
    assert main(["period-report", str(master)]) == 2
    assert "締めた年度も今年度の回答もまだないため" in capsys.readouterr().err
    assert not (tmp_path / "報告書").exists() or not any((tmp_path / "報告書").iterdir())


def test_report_for_r6_made_again_after_r8_is_what_the_demo_wrote_in_r6(demo3):
    """R8 is closed too: R6's documents, 実施計画（案） included, come again from R6's year-end copy."""
    import re

    from macros.cli import main

    out, _ = demo3

    def text(path: Path) -> str:
        return re.sub(r"令和(\d+|元)年\d+月\d+日", "＜日付＞", all_text(open_docx(path)))

    def cells(path: Path) -> list[tuple]:
        return list(openpyxl.load_workbook(path)["実施計画（案）"].iter_rows(values_only=True))

    names = ("令和6年度_進捗状況報告書.docx", "令和6年度_委員会用概要.docx", "令和6年度_実施計画（案）.docx")
    written = {name: text(out / "報告書" / name) for name in names}
    assert main(["report", str(out / DEMO_MASTER_NAME), "--fiscal-year", "R6", "--no-pdf"]) == 0
    assert {name: text(out / "報告書" / "令和6年度" / name) for name in names} == written
    book = "令和6年度_実施計画（案）.xlsx"
    assert cells(out / "報告書" / "令和6年度" / book) == cells(out / "報告書" / book)


def test_r8_implementation_plan_has_every_measure_the_years_and_the_revised_budgets(demo3):
    """実施計画（案） of R8 (made before R8 was closed): 取組状況 R6–R8, 取組 and 事業費 R9–R11 as the two
    revisions left the plan, except where the single department of an action proposed (要求 for R9, 見込み for
    R10): then its proposal, as 年度別実績 kept it for R8."""
    from macros.demo_plan import revised_plan

    out, _ = demo3
    plan = revised_plan(revised_plan(komae_plan(), 7), 8)
    docx = open_docx(out / "報告書" / "令和8年度_実施計画（案）.docx")
    text = all_text(docx)
    assert "【サンプル】実施計画（案）" in text and "令和9年度改定案" in text
    for measure in plan.measures:
        assert f"{measure.code}　{measure.name}" in text
    assert "計画期間終了時点（令和8年度）の到達目標" in text and "（未記入）" in text   # Komae's file gives none
    cells = {c.text for t in docx.tables for row in t.rows for c in row.cells}
    kept = {r.action_code: r for r in MasterSnapshot.read(out / DEMO_MASTER_NAME).year_results() if r.fiscal_year == 8}
    proposed = 0
    for action in plan.actions:
        if len(action.departments) > 1:
            continue
        for year, (text_key, budget_key, label) in zip((9, 10), (("next_plan_1", "next_budget_1", "要求"),
                                                                 ("next_plan_2", "next_budget_2", "見込み"))):
            record = kept[action.code]
            text, amount, planned = record.proposal(text_key), record.proposal(budget_key), action.budgets.get(year)
            proposed += bool(text or amount is not None)
            shown = (f"（{label}）{text}" if text else action.target_for(year)) + \
                (f"\n（事業費 {amount:,.0f}千円・{label}）" if amount is not None else
                 f"\n（事業費 {planned:,.0f}千円）" if planned else "")       # the plan's stays unless one is asked
            assert shown in cells, (action.code, year)
    assert proposed       # the sample departments propose for some actions
    ws = openpyxl.load_workbook(out / "報告書" / "令和8年度_実施計画（案）.xlsx")["実施計画（案）"]
    assert ws["A1"].value.startswith("【サンプル】") and ws.oddHeader.center.text
    heads = [c.value for c in ws[5]]
    assert [h for h in heads if h.startswith("取組状況")] == ["取組状況（R6）", "取組状況（R7）", "取組状況（R8）"]
    rows = {r[0].value: [c.value for c in r] for r in ws.iter_rows(min_row=6) if r[0].value}
    assert {m.code for m in plan.measures} | {a.code for a in plan.actions} <= set(rows)
    for action in plan.actions:
        if len(action.departments) > 1:
            continue
        for year, budget_key in ((9, "next_budget_1"), (10, "next_budget_2")):
            record = kept[action.code]
            want = record.proposal(budget_key) if record.proposal(budget_key) is not None else action.budgets.get(year)
            assert rows[action.code][heads.index(f"R{year}の事業費（千円）")] == want, action.code
    # 取組状況 R6 from 年度別実績 (the sample's 実績・成果), R8 from the year being reported
    year_rows = {(YEARS[r["年度"]], r["取組番号"]): r for r in _year_rows(out) if r["担当課"] == "福祉政策課"}
    assert rows["1-1-1"][heads.index("取組状況（R6）")] == year_rows[(6, "1-1-1")]["実績・成果"]
    assert rows["1-1-1"][heads.index("取組状況（R8）")] == year_rows[(8, "1-1-1")]["実績・成果"]


def test_the_roll_up_names_the_plan_period_not_the_rolled_years(demo3, tmp_path):
    from macros.rollup import rollup

    out, _ = demo3
    rollup([out / DEMO_MASTER_NAME], tmp_path)
    book = openpyxl.load_workbook(next(tmp_path.glob("進捗集約_*.xlsx")))
    rows = list(book["集約"].iter_rows(values_only=True))
    head = next(n for n, r in enumerate(rows) if "計画期間" in r)
    period, year = rows[head].index("計画期間"), rows[head].index("報告対象年度")
    found = {(r[year], r[period]) for r in rows[head + 1:] if r[1]}
    assert found == {(f"令和{y}年度", "令和6年度～令和8年度") for y in (6, 7, 8, 9)}   # R9: the master, nothing yet
    # the demo's master holds invented answers: the roll-up made from it says so, in the book and the overview
    assert rows[0][0].startswith("【サンプル】")
    assert any(str(r[0]).startswith("サンプル：狛江市") for r in rows if r[0])
    from tests.generators.docx_read import all_text, open_docx
    text = all_text(open_docx(next(tmp_path.glob("進捗集約概要_*.docx"))))
    assert text.count("【サンプル】") >= 1 and "サンプル：狛江市" in text


def test_the_demo_feeds_back_opinions_and_collects_proposals_and_r8s_directions(demo3):
    """R6 and R7 were evaluated (sample 内部評価・委員会意見): the next year's files show them and some
    departments answer; every year has proposals; in R8 (the plan's last year) 今後の方針 is chosen, and
    the plan-period report's closing table carries it."""
    from workbook.sheets.layout import DIRECTIONS

    out, _ = demo3
    kept = MasterSnapshot.read(out / DEMO_MASTER_NAME).year_results()
    assert any(r.internal_evaluation for r in kept if r.fiscal_year == 6)
    assert any(r.proposal("response") for r in kept if r.fiscal_year == 7)
    assert any(r.proposal("next_budget_1") for r in kept) and any(r.proposal("next_plan_2") for r in kept)
    assert not any(r.proposal("direction") for r in kept if r.fiscal_year < 8)   # R6 and R7 are not the last year
    directions = Counter(r.proposal("direction") or None for r in kept if r.fiscal_year == 8)
    assert set(directions) - {None} == set(DIRECTIONS) and directions["継続"] > directions["見直し"]
    closing = next(t for t in open_docx(out / "報告書" / PERIOD_REPORT).tables
                   if t.rows[0].cells[-1].text == "次期計画での方向性")
    assert {row.cells[-1].text for row in closing.rows[1:]} & set(DIRECTIONS)
