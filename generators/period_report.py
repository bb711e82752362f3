"""The Word 計画期間評価報告書: the plan period side by side, in the progress report's table form
(landscape, house style; template period_report_tpl.docx, built by templates/build_period_report.py).

The chapters go where the template's ［本文］ stands, written here because their tables have one
column per fiscal year:
    1 計画期間の評価の概要        which years are closed, which is still 見込み
    2 取組ごとの達成度の推移      per 基本目標, each action's 達成度（統合） per year
    3 指標の推移                  baseline → actuals → target per indicator, and a chart of each
    4 基本目標ごとの達成度の件数  per 基本目標 and year, the actions per code
    5 2か年度以上…の取組          graded below the middle of the scale in two years or more
    6 次期計画の策定に向けた整理  per action: the period's grades, the last 課題 and 今後の方向性,
                                  and an empty column for the section's 次期計画での方向性
"""
from __future__ import annotations

import datetime as dt
import tempfile
from collections import Counter
from functools import partial
from pathlib import Path

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.shared import Mm

from workbook.domain.era import fiscal_year_label, wareki_date, year_span_label
from workbook.domain.house_style import house_text, number
from workbook.domain.plan import Accumulation
from workbook.domain.settings import Settings

from .marks import SAMPLE_MARK, SAMPLE_NOTE
from .period import ESTIMATE, UNGRADED, Period, Trajectory
from .period_charts import trajectory_chart
from .table_fit import fixed_columns, keep_rows_whole
from .template import PERIOD_REPORT_TEMPLATE, render

TITLE = "計画期間評価報告書"
BODY_MARKER = "［本文］"              # templates/build_period_report.BODY_MARKER
TEXT_WIDTH = 267                     # mm: A4 landscape with the house margins
CELL, HEAD, NUM, CAPTION, NOTE = "表本文", "表見出し", "表本文（数値）", "表題", "注記"
YEAR_WIDTH = 20


def file_name(period: Period) -> str:
    """Named by the plan period, as the document is (made mid-period too: 令和6年度〜令和8年度_…)."""
    span = period_text(period)
    return f"{span}_{TITLE}.docx" if span else f"{TITLE}.docx"


def period_text(period: Period) -> str:
    years = period.span or period.plan.fiscal_years or tuple(period.years)
    return year_span_label(years[0], years[-1]) if years else ""


def write_period_report(period: Period, settings: Settings, out: Path, today: dt.date | None = None) -> Path:
    today = today or dt.date.today()
    sample = SAMPLE_MARK if settings.sample else ""
    context = {"plan_name": settings.plan_name or period.plan.name, "period": period_text(period),
               "municipality": settings.municipality or period.plan.municipality, "as_of": wareki_date(today),
               "mark": {"sample": sample, "draft": "", "sample_note": SAMPLE_NOTE if settings.sample else ""}}
    with tempfile.TemporaryDirectory(prefix="period_charts_") as tmp:
        return render(PERIOD_REPORT_TEMPLATE, context, out,
                      finish=partial(_body, period=period, charts=Path(tmp), title=f"{sample}{TITLE}"))


# --- the chapters -------------------------------------------------------------------------------
def _body(doc, period: Period, charts: Path, title: str) -> None:
    marker = next(p for p in doc.paragraphs if p.text.strip() == BODY_MARKER)
    marker._p.getparent().remove(marker._p)
    _overview(doc, period)
    _grades(doc, period)
    _indicators(doc, period, charts)
    _counts(doc, period)
    _low(doc, period)
    _closing(doc, period)
    doc.core_properties.title = title


def _overview(doc, period: Period) -> None:
    doc.add_heading("1　計画期間の評価の概要", level=1)
    closed = "・".join(fiscal_year_label(y) for y in period.closed_years) or "なし"
    doc.add_paragraph(f"計画期間（{period_text(period)}）のうち、締めた年度（{closed}）の実績を"
                      "シート「年度別実績」から、年度ごとに並べました。")
    if period.estimate_year is not None:
        doc.add_paragraph(f"{fiscal_year_label(period.estimate_year)}はまだ締めていないため、"
                          f"その値は現時点の回答による{ESTIMATE}です（表では「{ESTIMATE}」と記載）。")
    doc.add_paragraph(f"達成度は取組ごとの達成度（統合）で、件数は再掲を含みます。回答がない・評価基準にない値の年度は"
                      f"「{UNGRADED}」です。評価基準：{period.scale.name}"
                      f"（{'・'.join(period.scale.codes)}）。")


def _year_heads(period: Period) -> list[str]:
    """One column head per year; （見込み） on a line of its own, as the column is narrow."""
    return [period.year_label(y).replace("（", "\n（") for y in period.years]


def _grades(doc, period: Period) -> None:
    doc.add_heading("2　取組ごとの達成度の推移", level=1)
    years = period.years
    fixed = [16, 0, 34]
    fixed[1] = TEXT_WIDTH - sum(fixed) - YEAR_WIDTH * len(years)
    for goal in period.plan.goals:
        actions = period.plan.actions_in_goal(goal.code)
        if not actions:
            continue
        doc.add_paragraph(f"基本目標{goal.code}　{goal.name}", CAPTION)
        rows = [[a.code, a.title, "、".join(a.departments)] + [_grade(period, a.code, y) for y in years]
                for a in actions]
        report_table(doc, fixed + [YEAR_WIDTH] * len(years), ["取組番号", "重点取組", "担当課"] + _year_heads(period), rows,
               numeric_from=3, first_numeric=True)


def _indicators(doc, period: Period, charts: Path) -> None:
    doc.add_heading("3　指標の推移", level=1)
    trajectories = period.trajectories()
    if not trajectories:
        doc.add_paragraph("この計画には指標がありません。")
        return
    doc.add_paragraph("基準値から各年度の実績値、目標値までの推移です。グラフは上ほど良い向きに描いています"
                      "（「以下」の指標は縦軸を逆にしています）。破線は目標値、点線は判定方法が進捗率の指標の"
                      "目標に向かう線" + (f"、白抜きの点は{ESTIMATE}" if period.estimate_year else "") + "です。"
                      + ("「累計」の指標は各年度までの実績の合計を示しています。" if any(t.cumulative for t in trajectories)
                         else ""), NOTE)
    years = period.years
    fixed = [16, 0, 28, 20, 20, 14]
    fixed[1] = TEXT_WIDTH - sum(fixed) - YEAR_WIDTH * len(years)
    rows = []
    for t in trajectories:
        i = t.indicator
        name = f"{i.name}（{Accumulation.CUMULATIVE.value}）" if t.cumulative else i.name
        rows.append([t.action_code, name, t.department, _value(i.baseline, i.unit, i.baseline_year)]
                    + [_value(t.values.get(y), i.unit) for y in years]
                    + [_value(i.target, i.unit, i.target_year), i.direction.value])
    heads = ["取組番号", "指標名", "担当課", "基準値"] + _year_heads(period) + ["目標値", "向き"]
    widths = fixed[:4] + [YEAR_WIDTH] * len(years) + fixed[4:]
    report_table(doc, widths, heads, rows, numeric_from=3, first_numeric=True)
    for n, t in enumerate(trajectories, start=1):
        _chart(doc, period, t, charts / f"indicator_{n}.png", n)


def _chart(doc, period: Period, t: Trajectory, path: Path, n: int) -> None:
    trajectory_chart(t, period.years, period.estimate_year, path)
    name = f"{t.indicator.name}（{Accumulation.CUMULATIVE.value}）" if t.cumulative else t.indicator.name
    caption = doc.add_paragraph(f"図{n}　{t.action_code}　{name}（{t.department}、"
                                f"{'少ないほど良い' if t.lower_is_better else '多いほど良い'}）", CAPTION)
    caption.paragraph_format.keep_with_next = True
    doc.add_picture(str(path), width=Mm(130))


def _counts(doc, period: Period) -> None:
    doc.add_heading("4　基本目標ごとの達成度の件数", level=1)
    columns = period.count_columns
    rows = []
    for goal in period.plan.goals:
        for n, y in enumerate(period.years):
            counts = period.counts(goal.code, y)
            rows.append([f"基本目標{goal.code}" if n == 0 else "", period.year_label(y)] + [str(counts.get(c, 0)) for c in columns]
                        + [str(sum(counts.values()))])
    for n, y in enumerate(period.years):
        total = sum((period.counts(g.code, y) for g in period.plan.goals), start=Counter())
        rows.append(["合計" if n == 0 else "", period.year_label(y)] + [str(total.get(c, 0)) for c in columns] + [str(sum(total.values()))])
    width = 18
    first = TEXT_WIDTH - 30 - width * (len(columns) + 1)
    report_table(doc, [min(first, 60), 30] + [width] * (len(columns) + 1), ["基本目標", "年度"] + columns + ["計"], rows,
           numeric_from=1)


def _low(doc, period: Period) -> None:
    doc.add_heading("5　2か年度以上、評価基準の中位より低い達成度だった取組", level=1)
    low = [period.plan.action(c) for c in period.repeatedly_low()]
    middle = [g.code for g in period.scale.ranked if period.below_middle(g.code)]
    doc.add_paragraph(f"達成度が {'・'.join(middle)} だった年度が2つ以上ある取組です。", NOTE)
    if not low:
        doc.add_paragraph("該当する取組はありません。")
        return
    years = period.years
    fixed = [16, 60, 34, 0]
    fixed[3] = TEXT_WIDTH - sum(fixed) - YEAR_WIDTH * len(years)
    rows = [[a.code, a.title, "、".join(a.departments)] + [_grade(period, a.code, y) for y in years]
            + [_joined(period, a.code, "issues")] for a in low]
    report_table(doc, fixed[:3] + [YEAR_WIDTH] * len(years) + fixed[3:],
           ["取組番号", "重点取組", "担当課"] + _year_heads(period) + ["課題（直近の年度）"], rows, numeric_from=3,
           first_numeric=True, numeric_to=3 + len(years))


def _closing(doc, period: Period) -> None:
    doc.add_heading("6　次期計画の策定に向けた整理", level=1)
    doc.add_paragraph("取組ごとに計画期間の達成度と、直近の年度の課題・今後の方向性を並べました。"
                      "「次期計画での方向性」には、計画の最終年度に担当課が選んだ今後の方針（継続・拡充・見直し・完了）を"
                      "載せています。空欄の取組は、担当課と協議のうえ記入してください。", NOTE)
    years = period.years
    text = (TEXT_WIDTH - 16 - 28 - 24 - YEAR_WIDTH * len(years)) / 3
    widths = [16, text, 28] + [YEAR_WIDTH] * len(years) + [text, text, 24]
    rows = [[a.code, a.title, "、".join(a.departments)] + [_grade(period, a.code, y) for y in years]
            + [_joined(period, a.code, "issues"), _joined(period, a.code, "next"), _joined(period, a.code, "direction")]
            for a in period.plan.actions]
    report_table(doc, widths, ["取組番号", "重点取組", "担当課"] + _year_heads(period)
           + ["課題（直近の年度）", "今後の方向性（直近の年度）", "次期計画での方向性"], rows, numeric_from=3,
           first_numeric=True, numeric_to=3 + len(years))


# --- helpers ------------------------------------------------------------------------------------
def _grade(period: Period, code: str, year: int) -> str:
    """The grade, or 未評価 (never a blank that reads like a code)."""
    grade = period.grade(code, year)
    return grade if grade in period.scale.codes else UNGRADED


def _joined(period: Period, code: str, key: str) -> str:
    """A text of the action's latest year (an answer, or a proposal such as 今後の方針), labelled
    【課名】 when several departments gave one."""
    def text(r) -> str:
        return r.text(key) if key in r.texts else str(r.proposal(key) or "")

    records = [r for r in period.latest(code) if text(r)]
    if len(records) == 1:
        return text(records[0])
    return "\n".join(f"【{r.department}】{text(r)}" for r in records)


def _value(value: float | None, unit: str, year: str = "") -> str:
    if value is None:
        return ""
    return f"{number(value)}{house_text(unit)}" + (f"（{house_text(year)}）" if year else "")


def report_table(doc, widths: list[float], header: list[str], rows: list[list[str]], numeric_from: int = 99,
           first_numeric: bool = False, numeric_to: int | None = None):
    """A table in the template's 報告書表 style: fixed widths, the header row repeated on each page,
    no row split over two pages; columns from numeric_from (to numeric_to) centred."""
    t = doc.add_table(rows=1 + len(rows), cols=len(widths))
    t.style = doc.styles["報告書表"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    fixed_columns(t, widths)
    keep_rows_whole(t)
    for r, values in enumerate([header] + rows):
        for c, (cell, value) in enumerate(zip(t.rows[r].cells, values)):
            numeric = numeric_from <= c < (numeric_to if numeric_to is not None else len(widths)) or \
                (first_numeric and c == 0)
            style = HEAD if r == 0 else NUM if numeric else CELL
            lines = str(value).split("\n")
            cell.paragraphs[0].text, cell.paragraphs[0].style = lines[0], style
            for line in lines[1:]:
                cell.add_paragraph(line, style=style)
    doc.add_paragraph("", "表間")
    return t
