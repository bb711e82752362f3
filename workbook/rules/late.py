"""Who is late: the departments still 未提出, and those 要修正 with the items they have to correct.

Read from 提出状況 (StatusRow) and 検証結果 (CheckRow) as collect and validate left them; the
items are the ones their correction lists (返却票) carry. A master no return was collected into
yet (提出状況 empty) has every department with actions still to submit.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from workbook.domain.plan import Department, Plan
from workbook.domain.problems import ERROR
from workbook.files.corrections import NOT_SENT, Item
from workbook.rules.status import NEEDS_FIX, NOT_RETURNED, CheckRow, StatusRow


@dataclass
class Late:
    department: Department
    state: str                 # NOT_RETURNED or NEEDS_FIX
    actions: int
    file: str = ""             # the return taken in, or the last one refused ('' when none came)
    items: list[Item] = field(default_factory=list)   # as on the department's correction list

    @property
    def name(self) -> str:
        return self.department.name

    @property
    def not_returned(self) -> bool:
        return self.state == NOT_RETURNED

    @property
    def errors(self) -> int:
        return sum(1 for i in self.items if i.severity == ERROR)


def late_departments(plan: Plan, status: list[StatusRow], checks: list[CheckRow]) -> list[Late]:
    """In the order of 担当課: 未提出 (none came, or none could be taken in) and 要修正."""
    rows = {r.department: r for r in status}
    out = []
    for department in plan.departments:
        actions = len(plan.actions_of(department.name))
        if not actions:
            continue
        row = rows.get(department.name)
        state = row.state if row is not None else NOT_RETURNED
        if state not in (NOT_RETURNED, NEEDS_FIX):
            continue
        mine = sorted((c for c in checks if c.department == department.name and c.code not in NOT_SENT),
                      key=CheckRow.order)
        out.append(Late(department, state, actions, row.file if row is not None else "",
                        [c.item() for c in mine]))
    return out
