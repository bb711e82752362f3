"""The values only the table form of the progress report uses (templates/build_report_table.py):
the columns of an action's row, 施策の体系 (the tree) and 関連事業と担当課 (the ● matrix).

Departments' own text is put in as typed (only made safe for a docx run); what this module adds
is labels (【課名】, 実績：, 課題：, 意見への対応：) and the marks of the tree and the matrix.
"""
from __future__ import annotations

from workbook.domain.plan import Plan
from workbook.domain.progress import ActionProgress

from .scale_view import UNGRADED_LABEL
from .text import clean

NOT_ENTERED = "（未記入）"
NOT_REPORTED = "（未報告）"
TAKES_PART = "●"
MATRIX_MAX_DEPARTMENTS = 40    # more departments than this: the matrix in several tables


def _per_department(p: ActionProgress, compose) -> str:
    """compose(department) -> text, for every department that reported; labelled 【課名】 when several."""
    several = len(p.action.departments) > 1
    parts = []
    for department in p.reported_departments:
        text = compose(department)
        if text:
            parts.append(f"【{department}】{text}" if several else text)
    return "\n".join(parts)


def _labelled(first: str, rest: list[tuple[str, str]]) -> str:
    """The first text as it is, then 'label：text' for the others that are there, run on after a full-width
    space (a dense table saves a line per text this way; a department's own line breaks stay)."""
    text = first
    for label, more in rest:
        if more:
            text = f"{text}　{label}：{more}" if text else f"{label}：{more}"
    return text


def row_fields(p: ActionProgress) -> dict:
    """The cells of the action's row that the card layout does not have as such."""
    def text(department: str, key: str) -> str:
        return clean(p.entries[department].text(key))

    several = len(p.action.departments) > 1
    lines = []
    for department in p.action.departments:
        if department in p.missing_departments:
            lines.append(f"{department}{NOT_REPORTED}")
        elif several:
            lines.append(f"{department}（{p.department_grades.get(department) or UNGRADED_LABEL}）")
        else:
            lines.append(department)
    work = _per_department(p, lambda d: _labelled(text(d, "content"), [("実績", text(d, "result"))]))
    assessment = _per_department(p, lambda d: _labelled(text(d, "reason"), [("課題", text(d, "issues")),
                                                                          ("意見への対応", text(d, "response"))]))
    for label, value in (("内部評価", p.internal_evaluation), ("委員会意見", p.committee_opinion)):
        if clean(value):
            assessment = "\n".join(t for t in (assessment, f"〔{label}〕{clean(value)}") if t)
    return {"department_lines": "\n".join(lines), "work": work or NOT_ENTERED, "assessment": assessment,
            "next_text": clean(p.joined("next"))}


def tree(plan: Plan) -> list[dict]:
    """施策の体系: 基本目標 → 施策 → 重点取組 in plan order ((再掲) marked)."""
    goals = []
    for goal in plan.goals:
        measures = []
        for measure in (m for m in plan.measures if m.goal_code == goal.code):
            actions = [{"code": a.code, "title": clean(a.title) + ("（再掲）" if a.is_relisting else "")}
                       for a in plan.actions_in_measure(measure.code)]
            measures.append({"code": measure.code, "name": clean(measure.name), "actions": actions})
        goals.append({"code": goal.code, "name": clean(goal.name), "measures": measures})
    return goals


def matrix(plan: Plan, limit: int = MATRIX_MAX_DEPARTMENTS) -> list[dict]:
    """関連事業と担当課: per group of at most limit departments, the actions per 基本目標 with one mark per
    department (● where the department takes part). One group unless the city has more departments."""
    names = [d.name for d in plan.departments if plan.actions_of(d.name)]
    groups = []
    for start in range(0, len(names), limit) if names else ():
        chosen = names[start:start + limit]
        goals = []
        for goal in plan.goals:
            actions = [{"code": a.code, "title": clean(a.title), "relisted_from": a.relisted_from,
                        "marks": [TAKES_PART if d in a.departments else "" for d in chosen]}
                       for a in plan.actions_in_goal(goal.code)]
            if actions:
                goals.append({"code": goal.code, "name": clean(goal.name), "actions": actions})
        groups.append({"departments": chosen, "first": chosen[0], "last": chosen[-1], "goals": goals})
    return groups
