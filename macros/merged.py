"""What collect and validate decided to write, and the answers they take out of the sheets.

Answers leave a department sheet in two ways, and both are kept in 履歴 before the sheet is rewritten
in the same save: rows the plan no longer has for the department (「計画から削除」, collect and
validate), and, when ⑥ 年度更新 moves the master on to the next year, last year's answers, contacts
and evaluations (「年度繰越」, macros/next_year.py; their values also go to 年度別実績).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable

from workbook.domain.era import fiscal_year_label
from workbook.rules.merge import Candidate
from workbook.domain.returns import Entry
from workbook.files.snapshot import MasterSnapshot

from .outcome import Outcome

PLAN_DROP = "計画から削除"     # 履歴 operation: an answer the plan no longer has a row for
YEAR_ROLL = "年度繰越"         # 履歴 operation: last year's answer, contact or evaluation left out for the new year


@dataclass
class Merged:
    """What merging decided, department by department."""

    chosen: dict[str, Candidate] = field(default_factory=dict)
    departments: dict[str, tuple[dict, tuple[str, str]]] = field(default_factory=dict)   # sheets to write
    entries: dict[tuple[str, str], Entry] = field(default_factory=dict)                   # (department, code)
    contacts: dict[str, tuple[str, str]] = field(default_factory=dict)
    history: list[list[object]] = field(default_factory=list)


def now() -> str:
    return dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")


def _sheet_drops(snap: MasterSnapshot, operation: str, dropped: Callable[[str], list]) -> Merged:
    """履歴 rows for the answers dropped(department) lists, and the sheets to rewrite in the same save."""
    out = Merged()
    stamp = now()
    for department in snap.plan.departments:
        name = department.name
        rows = [[stamp, operation, name, code, label, value, "", ""] for code, label, value in dropped(name)]
        if rows:
            state = snap.department(name)
            out.history += rows
            out.departments[name] = (state.entries, state.contact)
    return out


def plan_drops(snap: MasterSnapshot, outcome: Outcome) -> Merged:
    """This year's answers in rows the plan no longer has for a department (an action or indicator
    deleted, or given to another department, after the sheet was written)."""
    out = _sheet_drops(snap, PLAN_DROP, snap.dropped_answers)
    for name in out.departments:
        rows = [r for r in out.history if r[2] == name]
        codes = "、".join(dict.fromkeys(str(r[3]) for r in rows))
        outcome.say(f"{name}: 計画にない取組 {codes} の回答 {len(rows)} 件をシートから外し、"
                    f"シート「履歴」に記録しました（操作「{PLAN_DROP}」）。")
    return out


def year_drops(snap: MasterSnapshot, outcome: Outcome) -> Merged:
    """snap read for the next year (MasterSnapshot.for_year, ⑥ 年度更新): rewriting every department
    sheet and 進捗一覧 for it leaves last year's answers out; they go to 履歴 first."""
    out = _sheet_drops(snap, YEAR_ROLL, snap.rolled_over)
    answers = len(out.history)
    out.history += [[now(), YEAR_ROLL, "", code, label, value, "", ""]
                    for code, label, value in snap.rolled_evaluations()]
    evaluations = len(out.history) - answers
    if out.history:
        parts = ([f"各課シートの回答・連絡先 {answers} 件"] if answers else []) + \
                ([f"進捗一覧の内部評価・委員会意見 {evaluations} 件"] if evaluations else [])
        outcome.say(f"報告対象年度が {fiscal_year_label(snap.settings.fiscal_year)} に変わったため、前の年度の"
                    f"{'と'.join(parts)}をシートから外し、シート「履歴」に記録しました（操作「{YEAR_ROLL}」、"
                    f"計 {len(out.history)} 件）。")
    return out


def join(into: Merged, more: Merged) -> None:
    into.departments.update(more.departments)
    into.history += more.history
