"""The template context: a Summary, the Plan and the Settings turned into plain text for docxtpl.

Every number comes from workbook.domain.progress.Summary (the aggregation that also fills 進捗一覧);
this module only picks and formats. Values are strings, lists and dicts so that a person editing
a template sees names like {{ k.actions }} or {{ a.result }} and nothing else.
"""
from __future__ import annotations

import datetime as dt
import re
from functools import partial

from workbook.domain.house_style import NONE, house_text, number
from workbook.domain.era import fiscal_year_label, short_label, wareki_date
from workbook.domain.indicator_rules import running_figures
from workbook.domain.plan import EvaluationKind, IndicatorKind, Plan
from workbook.domain.progress import ActionProgress, IndicatorProgress, Summary
from workbook.domain.scale import Scale
from workbook.domain.settings import Settings

from .counts import (SCOPE_WITH, SCOPE_WITHOUT, chart_rows, count_text, counts_context, counts_line,  # noqa: F401
                     goal_table, grades_line, overall_table, percent, two_lines)
from .marks import OpenItems, marks_context, open_items
from .table_form import matrix, row_fields, tree
from .text import clean, shorten  # noqa: F401 (letters and tests take them from here)
from .scale_view import (UNGRADED_LABEL, above_codes, average_text, cell_fill, codes_text, grade_text,
                         invalid_grade, ratio_rule, reason_codes)

NOT_ENTERED = "（未記入）"
UNGRADED_ONLY = "（達成度のみ未記入）"

# Limits that keep the committee summary to one to three pages (the full list is in the report).
MAX_HIGHLIGHTS = 6
MAX_ATTENTION = 6
HIGHLIGHT_CHARS = 90
REASON_CHARS = 60
GRADE_CHARS = 20      # a grade typed as a sentence, cut in 表5

def scale_of(summary: Summary, settings: Settings) -> Scale:
    """The scale the summary was counted with (the settings' when the summary does not say)."""
    return summary.scale or settings.scale


# --- pieces -------------------------------------------------------------------------------
def key_figures(summary: Summary) -> dict:
    """The numbers both documents quote; the scope of each is in its name."""
    without = summary.counts(include_relistings=False)
    with_relistings = summary.counts(include_relistings=True)
    figures = {
        "actions": number(without.total),
        "actions_with_relistings": number(with_relistings.total),
        "relistings": number(with_relistings.total - without.total),
        "quantitative": number(summary.counts(False, kind=EvaluationKind.QUANTITATIVE).total),
        "qualitative": number(summary.counts(False, kind=EvaluationKind.QUALITATIVE).total),
        "departments": number(len(summary.departments)),
        "returned": number(len(summary.departments) - len(summary.missing_departments)),
        "missing": number(len(summary.missing_departments)),
        "graded": number(without.graded),
        "ungraded_actions": number(without.counts.get("", 0)),
        "ungraded_actions_with_relistings": number(with_relistings.counts.get("", 0)),
        "ungraded": count_text(without, ""),
        "grades": grades_line(without),
        "points": average_text(without.scale, without.points_average) if without.scale.has_points else "",
        "scope": SCOPE_WITHOUT,
    }
    return figures


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
    unit = house_text(ind.unit)
    year, final = target_year(ip, fiscal_year)
    label = "目標" if ip.target is None else f"{year}{'最終目標' if final else '目標'}"
    target = number(ip.target) + (f"{unit}{ind.direction.value}" if ip.target is not None else "")
    text = f"{ind.name}：実績 {number(ip.actual)}{unit}（{label} {target}"
    running = running_figures(ip.judgement, ind, fiscal_year) if ip.judgement else ""
    if running:       # 累計: the running total and the summed target explain the ratio
        text = f"{ind.name}：実績 {number(ip.actual)}{unit}（{running}"
    if ip.judgement is not None and (ip.judgement.ratio is not None or ip.judgement.trend is not None):
        text += f"、{judgement_text(ip)}"
    return text + "）"


def judgement_text(ip: IndicatorProgress) -> str:
    """'目標比 102％ → B', '進捗率 200％ → A', '基準値比 改善 → A': the rule, its measure and the code."""
    j = ip.judgement
    if j is None:
        return "実績なし"
    if j.ratio is None and j.trend is None:
        return "判定できない"      # no target, or a target equal to the baseline
    measure = j.measure_text(places=0, infinite=NONE)
    return f"{measure} → {j.code}" if j.code else measure


def indicator_row(ip: IndicatorProgress, fiscal_year: int, several: bool) -> dict:
    ind = ip.indicator
    unit = house_text(ind.unit)   # a unit beside a number the add-on formats: 75％, not 75%

    def with_year(value: float | None, year: str, direction: str = "", own_line: bool = False) -> str:
        """own_line: the year on a line of its own (a long label would otherwise break inside a word)."""
        shown = f"{number(value)}{unit}{direction}" if value is not None else number(value)
        return shown + (("\n" if own_line else "") + f"（{year}）" if year else "")

    name = f"{ind.name}（{unit}）" if unit else ind.name
    department = f"［{ip.department}］" if several and ip.department else ""
    year, final = target_year(ip, fiscal_year)
    target_label = " ".join(t for t in (year, "最終目標" if final else "") if t)
    target = partial(with_year, ip.target, target_label if ip.target is not None else "", ind.direction.value)
    actual = f"{number(ip.actual)}{unit if ip.actual is not None else ''}"
    j = ip.judgement
    if j is not None and j.cumulative:    # 累計: judged on the running total against the summed targets
        actual += f"\n（累計 {number(j.actual)}{unit}）"
        target = partial(with_year, j.target, f"{short_label(fiscal_year)}まで累計" if j.target is not None else "",
                         ind.direction.value)
    return {
        "code": ind.action_code,
        "name": "\n".join(t for t in (name, department) if t),
        "name_line": name + department,          # the wide (landscape) table: one line where it fits
        "baseline": with_year(ind.baseline, ind.baseline_year),
        "actual": actual,
        "target": target(own_line=final),
        "target_line": target(),
        "final_target": with_year(ind.target, ind.target_year, ind.direction.value),
        "direction": ind.direction.value,
        "ratio": percent(ip.ratio),
        "judgement": judgement_text(ip),
        "progress": percent(ip.progress),
        "suggested": ip.suggested or "なし",
    }


def action_card(p: ActionProgress, fiscal_year: int, scale: Scale) -> dict:
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
        "grade_text": grade_text(scale, p.grade),
        "grade_fill": cell_fill(scale, p.grade),
        "department_grades": grades,
        "suggested": p.suggested,
        "suggestion": "\n".join(t for t in (p.suggested, clean(p.suggestion_note)) if t) if p.suggested else "",
        "reason": clean(p.joined("reason")),
        "issues": clean(p.joined("issues")),
        "next": clean(p.joined("next")),
        "response": clean(p.joined("response")),     # the answer to last year's 内部評価・委員会意見
        "budget": clean(p.joined("budget")),
        "indicators": "\n".join(_indicator_line(i, fiscal_year) for i in p.indicators if i.actual is not None),
        "missing_departments": "、".join(p.missing_departments),
        "internal_evaluation": clean(p.internal_evaluation),
        "committee_opinion": clean(p.committee_opinion),
    }


def goals_detail(summary: Summary, plan: Plan, scale: Scale) -> list[dict]:
    by_code = {p.action.code: p for p in summary.actions}
    goals = []
    for goal in plan.goals:
        measures = []
        for measure in (m for m in plan.measures if m.goal_code == goal.code):
            actions = [action_card(by_code[a.code], summary.fiscal_year, scale) | row_fields(by_code[a.code])
                       for a in plan.actions_in_measure(measure.code) if a.code in by_code]
            measures.append({"code": measure.code, "name": clean(measure.name), "actions": actions})
        counts = summary.counts(True, goal=goal.code)
        goals.append({"code": goal.code, "name": clean(goal.name), "total": number(counts.total),
                      "counts": counts_line(counts), "scope": SCOPE_WITH, "measures": measures})
    return goals


def indicators_table(summary: Summary) -> list[dict]:
    rows = []
    for p in summary.actions:
        several = len({i.department for i in p.indicators}) > 1
        rows.extend(indicator_row(i, summary.fiscal_year, several) for i in p.indicators)
    return rows


def indicator_groups(summary: Summary) -> list[dict]:
    """The indicator rows by 種別 (成果指標, then 活動指標, then those without one); one group without
    a title when the plan sets no 種別."""
    groups: dict[str, list[dict]] = {}
    for p in summary.actions:
        several = len({i.department for i in p.indicators}) > 1
        for i in p.indicators:
            kind = i.indicator.kind.value if i.indicator.kind else ""
            groups.setdefault(kind, []).append(indicator_row(i, summary.fiscal_year, several))
    if set(groups) <= {""}:
        return [{"title": "", "rows": groups.get("", [])}] if groups else []
    order = [IndicatorKind.OUTCOME.value, IndicatorKind.ACTIVITY.value, ""]
    return [{"title": kind or "種別の設定がない指標", "rows": groups[kind]} for kind in order if kind in groups]


def unreported(summary: Summary, scale: Scale) -> list[dict]:
    """Actions without a grade yet, with the departments still to answer."""
    return [{"code": p.action.code, "title": clean(p.action.title), "departments": "、".join(p.action.departments),
             "missing": ungraded_note(p, scale)} for p in summary.ungraded()]


def ungraded_note(p: ActionProgress, scale: Scale) -> str:
    """Why an action has no grade, department by department: a department that has not reported is
    named; one that reported without a usable grade is told apart: no grade at all, or a grade
    not of the scale (shown as typed). The department is named too when the action has several."""
    several = len(p.action.departments) > 1
    parts = []
    for department in p.action.departments:
        if department in p.missing_departments:
            parts.append(department)
            continue
        if p.department_grades.get(department) in scale:
            continue
        typed = shorten(p.entries[department].grade, GRADE_CHARS)
        note = f"（{invalid_grade(scale)}：{typed}）" if typed else UNGRADED_ONLY
        parts.append(f"{department}{note}" if several else note)
    return "、".join(parts) or UNGRADED_ONLY


def _has_number(p: ActionProgress) -> bool:
    return any(i.actual is not None for i in p.indicators) or bool(re.search(r"[0-9０-９]", p.joined("result")))


def highlights(summary: Summary, fiscal_year: int, limit: int | None = None) -> tuple[list[dict], int]:
    """Actions graded with a code above the target (re-listings once), those with numbers first;
    at most MAX_HIGHLIGHTS."""
    items = summary.highlighted()
    chosen = sorted(items, key=lambda p: not _has_number(p))[:limit or MAX_HIGHLIGHTS]
    chosen_codes = {p.action.code for p in chosen}
    rows = []
    for p in (p for p in items if p.action.code in chosen_codes):
        result = shorten(p.joined("result"), HIGHLIGHT_CHARS) or NOT_ENTERED
        figures = "\n".join(_indicator_line(i, fiscal_year) for i in p.indicators if i.actual is not None)
        rows.append({"code": p.action.code, "title": clean(p.action.title),
                     "departments": "、".join(p.action.departments), "result": result, "indicators": figures})
    return rows, len(items) - len(rows)


def attention(summary: Summary, scale: Scale, limit: int | None = None) -> tuple[list[dict], int]:
    """Actions graded with a code that needs a reason (re-listings once), with the reason and the way forward."""
    items = summary.needing_attention()
    rows = []
    for p in items[:limit or MAX_ATTENTION]:
        rows.append({"code": p.action.code, "title": clean(p.action.title),
                     "departments": "、".join(p.action.departments), "grade": p.grade,
                     "grade_text": grade_text(scale, p.grade), "grade_fill": cell_fill(scale, p.grade),
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
def grades_of(scale: Scale) -> list[dict]:
    """The 評価基準 table as the documents list it: code, name, definition."""
    return [{"grade": g.code, "label": g.name, "definition": clean(g.definition)} for g in scale.grades]


def graded_with(codes: tuple[str, ...], otherwise: str) -> str:
    """'達成度C・－の取組' for the codes given; otherwise when the scale has none."""
    return f"達成度{codes_text(codes)}の取組" if codes else otherwise


def common_context(summary: Summary, plan: Plan, settings: Settings, today: dt.date, items: OpenItems | None,
                   document: str) -> dict:
    """What both documents say; items: what is still open (from the summary alone when not given)."""
    scale = scale_of(summary, settings)
    municipality = clean(settings.municipality or plan.municipality)
    return {
        **marks_context(settings, municipality, items or open_items(summary), today, document),
        "municipality": municipality,
        "plan_name": clean(settings.plan_name or plan.name),
        "fiscal_year": fiscal_year_label(summary.fiscal_year),
        "fiscal_year_short": short_label(summary.fiscal_year),
        "date": wareki_date(today),
        "k": key_figures(summary),
        "scale_name": clean(scale.name),
        **counts_context(summary, scale),
        "overall": overall_table(summary, two_lines(scale)),
        "missing_departments": "、".join(summary.missing_departments),
        "returns_note": returns_note(summary),
    }


def progress_report_context(summary: Summary, plan: Plan, settings: Settings, today: dt.date,
                            items: OpenItems | None = None) -> dict:
    """For either layout of the report (table form or cards): the same names in both."""
    scale = scale_of(summary, settings)
    context = common_context(summary, plan, settings, today, items, "報告書")
    context.update({
        "grades": grades_of(scale),
        "ratio_rule": ratio_rule(scale),
        "multi_department_rule": settings.multi_department_rule.value,
        "by_goal": goal_table(summary, plan, split=True, two=two_lines(scale)),
        "by_goal_total": goal_table(summary, plan, split=False, two=two_lines(scale)),
        "tree": tree(plan),
        "matrix": matrix(plan),
        "goals": goals_detail(summary, plan, scale),
        "indicators": indicators_table(summary),
        "indicator_groups": indicator_groups(summary),
        "unreported": unreported(summary, scale),
    })
    return context


def committee_summary_context(summary: Summary, plan: Plan, settings: Settings, today: dt.date,
                              items: OpenItems | None = None, limit: int | None = None) -> dict:
    """limit: at most this many actions in 主な成果 and in the list that needs attention (the module's
    MAX_HIGHLIGHTS and MAX_ATTENTION when not given)."""
    scale = scale_of(summary, settings)
    context = common_context(summary, plan, settings, today, items, "資料")
    shown, more = highlights(summary, summary.fiscal_year, limit)
    needing, more_attention = attention(summary, scale, limit)
    context.update({
        "by_goal": goal_table(summary, plan, split=False, two=two_lines(scale)),
        "highlights": shown,
        "highlights_more": str(more) if more else "",
        "highlights_title": graded_with(above_codes(scale), "目標を上回った取組"),
        "attention": needing,
        "attention_more": str(more_attention) if more_attention else "",
        "attention_title": graded_with(reason_codes(scale), "理由の記入が必要な取組"),
        "attention_codes": "、".join(p.action.code for p in summary.needing_attention()),
        "unreported_count": str(len(summary.ungraded())),   # 再掲を含む (kept for edited templates; see k)
    })
    return context
