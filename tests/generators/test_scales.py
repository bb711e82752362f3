"""Both documents on scales other than the default: columns, counts, shares and points follow the scale.

Masters on the 4段階 scale (with 点数) and the 進捗区分 scale (with 中止 left out of shares) are
filled, both documents written and read back; counts are recounted from the saved workbook with
the scale's table (記号, 順位, 統合で無視, 割合の分母, 点数) read here, not through the generators.
"""
from __future__ import annotations

import datetime as dt
import unicodedata
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

import openpyxl
import pytest
from docx.oxml.ns import qn

from generators.committee_summary import write_committee_summary
from generators.progress_report import write_progress_report
from workbook.domain.scale_presets import PRESETS
from workbook.files.master import Master

from .docx_read import all_text, leading_number, open_docx, paragraphs, styled, table_rows, tables_with_header
from .sample_returns import filled_master

DAY = dt.date(2025, 7, 1)
SCALES = ("4段階", "進捗区分")


@pytest.fixture(scope="module", params=SCALES)
def written(request, tmp_path_factory):
    """(scale, master path, committee summary, progress report) for one scale."""
    scale = PRESETS[request.param]
    folder = tmp_path_factory.mktemp("scale")
    path = filled_master(folder, scale=scale)
    master = Master.open(path)
    assert master.settings.scale == scale          # the master keeps its scale on 評価基準
    summary = master.summary()
    committee = write_committee_summary(summary, master.plan, master.settings, folder / "summary.docx", today=DAY)
    report = write_progress_report(summary, master.plan, master.settings, folder / "report.docx", today=DAY)
    return scale, path, open_docx(committee), open_docx(report)


# --- the independent recount ------------------------------------------------------------------------
def _key(text) -> str:
    return unicodedata.normalize("NFKC", "" if text is None else str(text)).strip().upper()


def _combine(scale, codes: list[str]) -> str:
    """The lower rank wins; codes marked 統合で無視 only count when nothing else is there; missing -> ''."""
    if not codes or "" in codes:
        return ""
    grades = [scale.grade(c) for c in codes]
    kept = [g for g in grades if not g.ignored_in_combination]
    if not kept:
        return next(g.code for g in scale.grades if g.code in codes)
    ranked = [g for g in kept if g.rank is not None]
    return min(ranked, key=lambda g: g.rank).code if ranked else kept[0].code


def recount(path, scale) -> dict[str, Counter]:
    """Goal number -> Counter of codes (re-listings included); '*' for all actions without re-listings."""
    by_key = {_key(g.code): g.code for g in scale.grades}
    wb = openpyxl.load_workbook(path)
    plan_rows = list(wb["計画"].iter_rows(values_only=True))
    head = list(plan_rows[0])
    goal_i, code_i, relist_i, dept_i = (head.index(h) for h in ("基本目標番号", "取組番号", "再掲元", "担当課"))
    actions = {str(r[code_i]): (str(r[goal_i]), bool(r[relist_i])) for r in plan_rows[1:] if r[code_i]}
    owners = {str(r[code_i]): [d.strip() for d in str(r[dept_i]).split("、")] for r in plan_rows[1:] if r[code_i]}
    grades: dict[str, dict[str, str]] = {code: {} for code in actions}
    for department in (r[0] for r in wb["担当課"].iter_rows(min_row=2, values_only=True) if r[0]):
        rows = list(wb[department].iter_rows(values_only=True))
        header_at = next(i for i, r in enumerate(rows) if r[0] == "行キー")
        grade_i = ["".join(str(v or "").split()) for v in rows[header_at]].index("自己評価")
        for r in rows[header_at + 1:]:
            if r[0] and "#" not in str(r[0]):
                grades[str(r[0])][department] = by_key.get(_key(r[grade_i]), "")
    result: dict[str, Counter] = {"*": Counter()}
    for code, (goal, relisting) in actions.items():
        grade = _combine(scale, [grades[code].get(d, "") for d in owners[code]])
        result.setdefault(goal, Counter())[grade] += 1
        if not relisting:
            result["*"][grade] += 1
    return result


def share(n: int, of: int) -> str:
    """'25％': n of `of`, rounded half up."""
    return f"{(Decimal(n * 100) / Decimal(of)).quantize(Decimal('1'), rounding=ROUND_HALF_UP)}％"


def points_average(scale, counts: Counter) -> str:
    """'62.5（B）': the mean 点数 of the graded codes that have one, and the nearest code (a tie: the lower)."""
    points = [scale.grade(c).points for c, n in counts.items() if c and scale.grade(c).points is not None
              for _ in range(n)]
    if not points:
        return "－"
    mean = sum(points) / len(points)
    nearest = min((g for g in scale.grades if g.points is not None), key=lambda g: (abs(g.points - mean), g.points))
    return f"{mean:.1f}（{nearest.code}）"


def _lines(text: str) -> list[str]:
    return [t for t in text.splitlines() if t]


# --- the tests ------------------------------------------------------------------------------------
def expected_header(scale) -> list[str]:
    counted = [g.code for g in scale.grades if g.in_denominator]
    apart = [g.code for g in scale.grades if not g.in_denominator]
    return ["区分", "取組数"] + counted + ["未評価"] + apart + (["平均点"] if any(
        g.points is not None for g in scale.grades) else [])


def goal_tables(doc) -> list:
    return [t for t in tables_with_header(doc, "区分") if any(r[0].startswith("基本目標") for r in table_rows(t)[1:])]


@pytest.mark.parametrize("which", ["committee", "report"])
def test_the_grade_table_has_the_scales_codes_and_the_recounted_numbers(written, which):
    scale, path, committee, report = written
    doc = committee if which == "committee" else report
    expected = recount(path, scale)
    (table,) = goal_tables(doc)
    rows = table_rows(table)
    header = rows[0]
    assert header == expected_header(scale)
    order = [c for c in header[2:] if c != "平均点"]
    codes = [("" if c == "未評価" else c) for c in order]
    seen = 0
    for row in rows[1:]:
        if not row[0].startswith("基本目標"):
            continue
        goal = row[0].removeprefix("基本目標").split("　")[0]
        counts = expected[goal]
        total = sum(counts.values())
        apart = sum(counts[g.code] for g in scale.grades if not g.in_denominator)
        assert leading_number(row[1]) == total
        cells = dict(zip(codes, row[2:2 + len(codes)]))
        assert [leading_number(cells[c]) for c in codes] == [counts[c] for c in codes], goal
        for code in codes:
            if code and not scale.grade(code).in_denominator:
                assert cells[code] == str(counts[code])                  # a count, no share
            else:
                assert _lines(cells[code])[-1] == share(counts[code], total - apart), (goal, code)
        if "平均点" in header:
            assert row[-1].replace("\n", "") == points_average(scale, counts)
        seen += 1
    assert seen == 5


def test_a_code_left_out_of_shares_is_shown_apart(written):
    scale, path, committee, report = written
    apart = [g.code for g in scale.grades if not g.in_denominator]
    for doc in (committee, report):
        (table,) = goal_tables(doc)
        header = table_rows(table)[0]
        border = [tc.find(qn("w:tcPr")).find(qn("w:tcBorders")) is not None for tc in table._tbl.tr_lst[0].tc_lst]
        assert border == [h in apart[:1] for h in header]          # the divider before the apart codes
        notes = styled(doc, "注記")
        if apart:
            assert any(f"割合は取組数から{apart[0]}の件数を除いた数に対する" in n for n in notes)
            assert any(f"{apart[0]}の欄は件数のみで、割合の計算から除いています" in n for n in notes)
        else:
            assert any("割合は取組数に対する" in n for n in notes)
    if apart:
        counts = recount(path, scale)["*"]
        line = next(p for p in paragraphs(committee) if p.startswith("・達成度（"))
        assert line.endswith(f"。割合の計算から除く取組：{apart[0]}\u00a0{counts[apart[0]]}件")
        assert counts[apart[0]] > 0             # the sample has some, so the check means something


def test_the_points_average_appears_when_the_scale_has_points(written):
    scale, path, committee, report = written
    has_points = any(g.points is not None for g in scale.grades)
    text = paragraphs(committee)
    line = [p for p in text if p.startswith("・平均点（")]
    if has_points:
        counts = recount(path, scale)["*"]
        assert line == [f"・平均点（再掲を除く。かっこ内は最も近い達成度）：{points_average(scale, counts)}"]
        assert any(p.startswith("平均点は、達成度の点数（S 100点、A 75点、B 50点、C 25点。－と未評価は除く）")
                   for p in text)
    else:
        assert line == [] and "平均点" not in all_text(committee)


def test_the_grading_rule_is_the_scales(written):
    scale, _, committee, report = written
    (rule_table,) = tables_with_header(report, "達成度")
    assert table_rows(rule_table)[1:] == [[g.code, g.name, g.definition] for g in scale.grades]
    assert f"表1　達成度の基準（{scale.name}）" in styled(report, "表題")
    assert "（実績÷目標が120％以上でS、100％以上でA、80％以上でB、それ未満でC。少ないほど良い指標は目標÷実績）" \
        in all_text(report)
    reasons = "・".join(g.code for g in scale.grades if g.reason_required)
    headings = styled(committee, "Heading 1")
    assert "3　主な成果（達成度Sの取組）" in headings
    assert f"4　達成度{reasons}の取組" in headings
    assert "{{" not in all_text(committee) + all_text(report)


def test_the_table_columns_fit_the_page_and_the_longest_header(written):
    _, _, committee, report = written
    for doc in (committee, report):
        for table in goal_tables(doc):
            widths = [int(c.get(qn("w:w"))) / 56.7 for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
            assert len(widths) == len(table_rows(table)[0])
            assert sum(widths) <= 170.5
            assert 28 <= widths[0] <= 45.5
            header = table_rows(table)[0]
            longest = max(range(2, len(header)), key=lambda i: len(header[i]))
            assert widths[longest] >= len(header[longest]) * 9 * 25.4 / 72 + 3   # one line at 9 pt
