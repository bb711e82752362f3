"""The template context: a Summary, the Plan and the Settings turned into plain text for docxtpl.

Every number comes from workbook.domain.progress.Summary (the aggregation that also fills 進捗一覧);
this module only picks and formats. Values are strings, lists and dicts so that a person editing
a template sees names like {{ k.actions }} or {{ a.result }} and nothing else.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

from workbook.domain.era import fiscal_year_label, short_label, wareki_date
from workbook.domain.grades import DASH, GRADE_LABELS, GRADES
from workbook.domain.plan import EvaluationKind, Plan
from workbook.domain.progress import ActionProgress, GradeCounts, IndicatorProgress, Summary
from workbook.domain.settings import Settings

# Grade -> the key a template uses for its column ("－" is not a usable name in a template).
GRADE_KEYS = {"A": "a", "B": "b", "C": "c", DASH: "dash", "": "ungraded"}
UNGRADED_LABEL = "未評価"
GRADE_FILLS = {"A": "DDEBF7", "B": "E2EFDA", "C": "FCE4E4", DASH: "EDEDED", "": "FFFFFF"}
SCOPE_WITH = "再掲を含む"
SCOPE_WITHOUT = "再掲を除く"
NOT_ENTERED = "（未記入）"
UNGRADED_ONLY = "（達成度のみ未記入）"
INVALID_GRADE = "達成度が A・B・C・－ 以外"

# Limits that keep the committee summary to one to three pages (the full list is in the report).
MAX_HIGHLIGHTS = 6
MAX_ATTENTION = 6
HIGHLIGHT_CHARS = 90
REASON_CHARS = 60
GRADE_CHARS = 20      # a grade typed as a sentence, cut in 表5

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(value: object) -> str:
    """Text safe for a docx run: newlines kept (docxtpl makes them line breaks), control characters dropped.

    docxtpl turns \\a, \\f and \\t in values into paragraph, page and tab breaks: staff text never should.
    """
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _CONTROL.sub("", text).strip()


def shorten(text: str, limit: int) -> str:
    text = " ".join(line.strip() for line in clean(text).splitlines() if line.strip())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def number(value: float | None) -> str:
    if value is None:
        return "－"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def percent(value: float | None) -> str:
    """36.36 -> '36％' (rounded half up, as a person rounds; full-width ％ as in the 設定 definitions)."""
    if value is None:
        return "－"
    if value == float("inf"):
        return "－"
    return f"{Decimal(str(value)).quantize(Decimal('1'), rounding=ROUND_HALF_UP)}％"


def count_text(counts: GradeCounts, grade: str) -> str:
    """'12（36%）': a count and its share of the row's total."""
    n = counts.counts.get(grade, 0)
    return f"{n}（{percent(counts.share(grade))}）" if counts.total else "0"


def counts_row(label: str, counts: GradeCounts, sub: bool = False) -> dict:
    """A row of a counts table; a sub-row (うち…) is indented with a full-width space."""
    row = {"label": f"　{label}" if sub else label, "total": str(counts.total), "sub": sub}
    for grade, key in GRADE_KEYS.items():
        row[key] = count_text(counts, grade)
    return row


def counts_line(counts: GradeCounts) -> str:
    """'A 2件・B 4件・C 0件・－ 1件・未評価 0件'."""
    parts = [f"{g} {counts.counts.get(g, 0)}件" for g in GRADES]
    parts.append(f"{UNGRADED_LABEL} {counts.counts.get('', 0)}件")
    return "・".join(parts)


def grade_text(grade: str) -> str:
    return f"{grade}（{GRADE_LABELS[grade]}）" if grade in GRADE_LABELS else UNGRADED_LABEL


# --- pieces -------------------------------------------------------------------------------
def key_figures(summary: Summary) -> dict:
    """The numbers both documents quote; the scope of each is in its name."""
    without = summary.counts(include_relistings=False)
    with_relistings = summary.counts(include_relistings=True)
    figures = {
        "actions": str(without.total),
        "actions_with_relistings": str(with_relistings.total),
        "relistings": str(with_relistings.total - without.total),
        "quantitative": str(summary.counts(False, kind=EvaluationKind.QUANTITATIVE).total),
        "qualitative": str(summary.counts(False, kind=EvaluationKind.QUALITATIVE).total),
        "departments": str(len(summary.departments)),
        "returned": str(len(summary.departments) - len(summary.missing_departments)),
        "missing": str(len(summary.missing_departments)),
        "graded": str(without.graded),
        "ungraded_actions": str(without.counts.get("", 0)),
        "ungraded_actions_with_relistings": str(with_relistings.counts.get("", 0)),
        "scope": SCOPE_WITHOUT,
    }
    for grade, key in GRADE_KEYS.items():
        figures[key] = count_text(without, grade)
    return figures


def overall_table(summary: Summary) -> dict:
    rows = [counts_row("計画全体", summary.counts(False))]
    for kind in EvaluationKind:
        rows.append(counts_row(f"うち{kind.value}評価", summary.counts(False, kind=kind), sub=True))
    return {"scope": SCOPE_WITHOUT, "rows": rows,
            "reference": counts_row(f"（参考）{SCOPE_WITH}", summary.counts(True))}


def goal_table(summary: Summary, plan: Plan, split: bool) -> dict:
    rows = []
    for goal in plan.goals:
        rows.append(counts_row(f"基本目標{goal.code}　{goal.name}", summary.counts(True, goal=goal.code)))
        if split:
            for kind in EvaluationKind:
                rows.append(counts_row(f"うち{kind.value}評価", summary.counts(True, goal=goal.code, kind=kind),
                                       sub=True))
    return {"scope": SCOPE_WITH, "rows": rows, "total": counts_row("合計", summary.counts(True))}


def chart_rows(summary: Summary, plan: Plan) -> list[tuple[str, GradeCounts]]:
    """(label, counts) per 基本目標, 再掲を含む — the same numbers as goal_table."""
    return [(f"基本目標{g.code}", summary.counts(True, goal=g.code)) for g in plan.goals]


def target_year(ip: IndicatorProgress, fiscal_year: int) -> tuple[str, bool]:
    """The year the target ip is graded against belongs to, and whether it is the plan's final target:
    ('R6', False) for the year's own target; ('R8', True) when the indicator has none for the year
    and its final target stands in (Indicator.target_for); ('', True) when the final year is not given."""
    ind = ip.indicator
    if fiscal_year in ind.yearly_targets:
        return short_label(fiscal_year), False
    return clean(ind.target_year), True


def _indicator_line(ip: IndicatorProgress, fiscal_year: int) -> str:
    ind = ip.indicator
    unit = ind.unit
    year, final = target_year(ip, fiscal_year)
    label = "目標" if ip.target is None else f"{year}{'最終目標' if final else '目標'}"
    target = number(ip.target) + (f"{unit}{ind.direction.value}" if ip.target is not None else "")
    text = f"{ind.name}：実績 {number(ip.actual)}{unit}（{label} {target}"
    if ip.ratio is not None:
        text += f"、達成率 {percent(ip.ratio)}"
    return text + "）"


def indicator_row(ip: IndicatorProgress, fiscal_year: int, several: bool) -> dict:
    ind = ip.indicator
    unit = ind.unit

    def with_year(value: float | None, year: str, direction: str = "", own_line: bool = False) -> str:
        """own_line: the year on a line of its own (a long label would otherwise break inside a word)."""
        shown = f"{number(value)}{unit}{direction}" if value is not None else number(value)
        return shown + (("\n" if own_line else "") + f"（{year}）" if year else "")

    name = f"{ind.name}（{unit}）" if unit else ind.name
    if several and ip.department:
        name += f"\n［{ip.department}］"
    year, final = target_year(ip, fiscal_year)
    target_label = " ".join(t for t in (year, "最終目標" if final else "") if t)
    return {
        "code": ind.action_code,
        "name": name,
        "baseline": with_year(ind.baseline, ind.baseline_year),
        "actual": f"{number(ip.actual)}{unit if ip.actual is not None else ''}",
        "target": with_year(ip.target, target_label if ip.target is not None else "", ind.direction.value,
                            own_line=final),
        "final_target": with_year(ind.target, ind.target_year, ind.direction.value),
        "direction": ind.direction.value,
        "ratio": percent(ip.ratio),
        "progress": percent(ip.progress),
        "suggested": ip.suggested or "－",
    }


def action_card(p: ActionProgress, fiscal_year: int) -> dict:
    a = p.action
    several = len(a.departments) > 1
    grades = "　".join(f"{d}：{g or UNGRADED_LABEL}" for d, g in p.department_grades.items()) if several else ""
    return {
        "code": a.code,
        "title": clean(a.title),
        "relisted_from": a.relisted_from,
        "departments": "、".join(a.departments),
        "kind": a.kind.value,
        "target": clean(a.target_for(fiscal_year)) or "－",
        "content": clean(p.joined("content")) or NOT_ENTERED,
        "result": clean(p.joined("result")) or NOT_ENTERED,
        "grade": p.grade or UNGRADED_LABEL,
        "grade_text": grade_text(p.grade),
        "grade_fill": GRADE_FILLS.get(p.grade, "FFFFFF"),
        "department_grades": grades,
        "suggested": p.suggested,
        "reason": clean(p.joined("reason")),
        "issues": clean(p.joined("issues")),
        "next": clean(p.joined("next")),
        "budget": clean(p.joined("budget")),
        "indicators": "\n".join(_indicator_line(i, fiscal_year) for i in p.indicators if i.actual is not None),
        "missing_departments": "、".join(p.missing_departments),
        "internal_evaluation": clean(p.internal_evaluation),
        "committee_opinion": clean(p.committee_opinion),
    }


def goals_detail(summary: Summary, plan: Plan) -> list[dict]:
    by_code = {p.action.code: p for p in summary.actions}
    goals = []
    for goal in plan.goals:
        measures = []
        for measure in (m for m in plan.measures if m.goal_code == goal.code):
            actions = [action_card(by_code[a.code], summary.fiscal_year)
                       for a in plan.actions_in_measure(measure.code) if a.code in by_code]
            measures.append({"code": measure.code, "name": clean(measure.name), "actions": actions})
        counts = summary.counts(True, goal=goal.code)
        goals.append({"code": goal.code, "name": clean(goal.name), "total": str(counts.total),
                      "counts": counts_line(counts), "scope": SCOPE_WITH, "measures": measures})
    return goals


def indicators_table(summary: Summary) -> list[dict]:
    rows = []
    for p in summary.actions:
        several = len({i.department for i in p.indicators}) > 1
        rows.extend(indicator_row(i, summary.fiscal_year, several) for i in p.indicators)
    return rows


def unreported(summary: Summary) -> list[dict]:
    """Actions without a grade yet, with the departments still to answer."""
    return [{"code": p.action.code, "title": clean(p.action.title), "departments": "、".join(p.action.departments),
             "missing": ungraded_note(p)} for p in summary.ungraded()]


def ungraded_note(p: ActionProgress) -> str:
    """Why an action has no grade, department by department: a department that has not reported is
    named; one that reported without a usable grade is told apart: no grade at all, or a grade
    other than A/B/C/－ (shown as typed). The department is named too when the action has several."""
    several = len(p.action.departments) > 1
    parts = []
    for department in p.action.departments:
        if department in p.missing_departments:
            parts.append(department)
            continue
        if p.department_grades.get(department) in GRADES:
            continue
        typed = shorten(p.entries[department].grade, GRADE_CHARS)
        note = f"（{INVALID_GRADE}：{typed}）" if typed else UNGRADED_ONLY
        parts.append(f"{department}{note}" if several else note)
    return "、".join(parts) or UNGRADED_ONLY


def _has_number(p: ActionProgress) -> bool:
    return any(i.actual is not None for i in p.indicators) or bool(re.search(r"[0-9０-９]", p.joined("result")))


def highlights(summary: Summary, fiscal_year: int) -> tuple[list[dict], int]:
    """Actions graded A (re-listings once), those with numbers first; at most MAX_HIGHLIGHTS."""
    items = summary.highlighted()
    chosen = sorted(items, key=lambda p: not _has_number(p))[:MAX_HIGHLIGHTS]
    chosen_codes = {p.action.code for p in chosen}
    rows = []
    for p in (p for p in items if p.action.code in chosen_codes):
        result = shorten(p.joined("result"), HIGHLIGHT_CHARS) or NOT_ENTERED
        figures = "\n".join(_indicator_line(i, fiscal_year) for i in p.indicators if i.actual is not None)
        rows.append({"code": p.action.code, "title": clean(p.action.title),
                     "departments": "、".join(p.action.departments), "result": result, "indicators": figures})
    return rows, len(items) - len(rows)


def attention(summary: Summary) -> tuple[list[dict], int]:
    """Actions graded C or － (re-listings once), with the reason and the way forward."""
    items = summary.needing_attention()
    rows = []
    for p in items[:MAX_ATTENTION]:
        rows.append({"code": p.action.code, "title": clean(p.action.title),
                     "departments": "、".join(p.action.departments), "grade": p.grade,
                     "grade_text": grade_text(p.grade), "grade_fill": GRADE_FILLS[p.grade],
                     "reason": shorten(p.joined("reason"), REASON_CHARS) or NOT_ENTERED,
                     "next": shorten(p.joined("next"), REASON_CHARS)})
    return rows, len(items) - len(rows)


def returns_note(summary: Summary) -> str:
    """One sentence on the returns; 'all returned' only when there was something to return."""
    if not summary.actions:
        return "計画に取組が登録されていないため、担当課への報告の依頼はありません。"
    if not summary.departments:
        return "担当課が登録されていません。"
    if summary.missing_departments:
        return f"次の担当課からの報告がまだありません：{'、'.join(summary.missing_departments)}"
    return "すべての担当課から報告がありました。"


# --- the two documents ---------------------------------------------------------------------
def common_context(summary: Summary, plan: Plan, settings: Settings, today: dt.date) -> dict:
    return {
        "municipality": clean(settings.municipality or plan.municipality),
        "plan_name": clean(settings.plan_name or plan.name),
        "fiscal_year": fiscal_year_label(summary.fiscal_year),
        "fiscal_year_short": short_label(summary.fiscal_year),
        "date": wareki_date(today),
        "k": key_figures(summary),
        "overall": overall_table(summary),
        "missing_departments": "、".join(summary.missing_departments),
        "returns_note": returns_note(summary),
    }


def progress_report_context(summary: Summary, plan: Plan, settings: Settings, today: dt.date) -> dict:
    definitions = settings.thresholds.definitions()
    context = common_context(summary, plan, settings, today)
    context.update({
        "grades": [{"grade": g, "label": GRADE_LABELS[g], "definition": definitions[g]} for g in GRADES],
        "threshold_a": percent(settings.thresholds.a),
        "threshold_b": percent(settings.thresholds.b),
        "multi_department_rule": settings.multi_department_rule.value,
        "by_goal": goal_table(summary, plan, split=True),
        "goals": goals_detail(summary, plan),
        "indicators": indicators_table(summary),
        "unreported": unreported(summary),
    })
    return context


def committee_summary_context(summary: Summary, plan: Plan, settings: Settings, today: dt.date) -> dict:
    context = common_context(summary, plan, settings, today)
    shown, more = highlights(summary, summary.fiscal_year)
    needing, more_attention = attention(summary)
    context.update({
        "by_goal": goal_table(summary, plan, split=False),
        "highlights": shown,
        "highlights_more": str(more) if more else "",
        "attention": needing,
        "attention_more": str(more_attention) if more_attention else "",
        "attention_codes": "、".join(p.action.code for p in summary.needing_attention()),
        "unreported_count": str(len(summary.ungraded())),   # 再掲を含む (kept for edited templates; see k)
    })
    return context
