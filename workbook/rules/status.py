"""Submission status (提出状況) and the problems that stay open between runs (検証結果), as typed rows.

What collect and validate decide about each department lives here, not in the operations: which
state a department is in, how its errors and warnings are counted, which 検証結果 rows carry over
to the next run, and how a carried row becomes a correction-list item again. The sheets keep
their column layouts (STATUS_HEADERS, REPORT_COLUMNS); these rows are read from and written to
them by name, never by position elsewhere.
"""
from __future__ import annotations

from dataclasses import astuple, dataclass, fields

from workbook.domain.plan import Plan
from workbook.domain.returns import Identity
from workbook.domain.scale import Scale, scale_caption
from workbook.domain.problems import ERROR, REPORT_COLUMNS, SEVERITY_LABELS, WARNING, Report, problem
from workbook.files.corrections import Item

ACCEPTED, NEEDS_FIX, NOT_RETURNED = "受理", "要修正", "未提出"
SECTION_ONLY = frozenset({"plan-name-changed", "scale-changed", "scale-edited-after-merge"})   # the section's own change: not counted against a department
ENTRY_CODES = frozenset({"required-missing", "actual-missing", "contact-missing", "grade-invalid", "reason-missing", "number-invalid",
                         "grade-inconsistent", "direction-invalid", "response-missing", "formula-in-input", "error-value-in-input", "text-too-long",
                         "not-returned"})


def scale_edits_after_merge(merged: dict[str, Identity], scale: Scale) -> list:
    """scale-edited-after-merge warnings: departments whose merged return was made (and so merged,
    collect holds any other) under another 評価基準 than the master's now. merged: department -> the
    identity of its accepted return (files made before the scale became data carry none: skipped)."""
    return [problem("scale-edited-after-merge", department=department, sheet="評価基準",
                    value=identity.scale_name or identity.scale_fingerprint, expected=scale_caption(scale))
            for department, identity in merged.items()
            if identity.scale_fingerprint and identity.scale_fingerprint != scale.fingerprint()]


def _text(value: object) -> str:
    return "" if value is None else str(value)


@dataclass
class StatusRow:
    """One row of 提出状況 (its columns, in order: STATUS_HEADERS)."""

    department: str
    actions: object
    state: str
    errors: object = ""
    warnings: object = ""
    file: str = ""
    received_at: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    sha256: str = ""

    @classmethod
    def from_row(cls, row: list[object]) -> "StatusRow":
        values = (list(row) + [""] * len(fields(cls)))[:len(fields(cls))]
        return cls(_text(values[0]), values[1], _text(values[2]), *values[3:5], *(_text(v) for v in values[5:]))

    def to_row(self) -> list[object]:
        return list(astuple(self))

    @property
    def reported(self) -> bool:
        """The department's return was merged (受理 or 要修正 with its SHA-256); a row without the
        hash names a file that was rejected, which does not count as reported."""
        return self.state in (ACCEPTED, NEEDS_FIX) and bool(self.sha256)


@dataclass
class CheckRow:
    """One row of 検証結果 (its columns, in order: REPORT_COLUMNS)."""

    severity: str      # the Japanese label (エラー/警告)
    message: str       # the problem's Japanese title
    department: str
    file: str
    sheet: str
    cell: str
    value: object      # as the sheet holds it (a number stays a number when the row is written back)
    action: str
    action_code: str
    field: str
    code: str
    kept: object = ""  # held values: the master's value when collect did not take the department's

    @classmethod
    def from_row(cls, row: list[object]) -> "CheckRow":
        values = ["" if v is None else v for v in (list(row) + [""] * len(REPORT_COLUMNS))[:len(REPORT_COLUMNS)]]
        return cls(*values)

    @classmethod
    def from_sheet(cls, rows: list[list[object]]) -> list["CheckRow"]:
        """The rows under the header, read by column name (a column the sheet lacks, as in a master
        written before 取組番号/項目 were added, reads as '')."""
        if not rows:
            return []
        where = {str(h): i for i, h in enumerate(rows[0]) if h not in (None, "")}
        out = []
        for row in rows[1:]:
            if not any(v not in (None, "") for v in row):
                continue
            out.append(cls.from_row([row[where[n]] if n in where and where[n] < len(row) else ""
                                     for n in REPORT_COLUMNS]))
        return out

    def to_row(self) -> list[object]:
        return list(astuple(self))

    @property
    def is_error(self) -> bool:
        return self.severity == SEVERITY_LABELS[ERROR]

    def item(self) -> Item:
        """The correction-list item this row was made from (corrections.item)."""
        return Item(ERROR if self.is_error else WARNING, *(_text(v) for v in (
            self.code, self.sheet, self.cell, self.action_code, self.field, self.value, self.action)))

    def order(self) -> tuple:
        cell = _text(self.cell)
        digits = "".join(ch for ch in cell if ch.isdigit())
        return (not self.is_error, *(_text(v) for v in (self.department, self.file, self.sheet)),
                int(digits) if digits else 0, cell)


def accepted(status: list[StatusRow]) -> dict[str, str]:
    """Department -> SHA-256 of the return accepted before."""
    return {r.department: r.sha256 for r in status if r.reported}


def count_errors(rows: list[CheckRow]) -> int:
    return sum(1 for r in rows if r.is_error)


@dataclass(frozen=True)
class Taken:
    """The file a department's state names: the return merged, or the last one rejected."""

    file: str
    received_at: str
    sha256: str = ""


def status_rows(plan: Plan, before: list[StatusRow], report: Report, merged: dict[str, Taken],
                rejected: dict[str, Taken], contacts: dict[str, tuple[str, str]], carried: list[CheckRow] = (),
                validate: bool = False, stale: set[str] = frozenset()) -> list[StatusRow]:
    """提出状況: one row per department; adds a not-returned problem for each department still 未提出.

    受理/要修正 only for a department whose return was merged (its SHA-256 in the last column);
    a department whose files were all rejected is 未提出 with the file named. Validate recounts the
    rows collect left; a department in stale (its sheet rolled to another year) starts again."""
    old_rows = {r.department: r for r in before}
    rows = []
    for department in plan.departments:
        name = department.name
        actions = len(plan.actions_of(name))
        old = old_rows.get(name)
        contact = contacts.get(name, ("", ""))
        was_merged = name in merged or (old is not None and old.reported and name not in stale)
        if not was_merged and actions:
            report.add(problem("not-returned", department=name, value=actions))
        problems = [p for p in report.for_department(name) if p.code not in SECTION_ONLY]
        mine = [r for r in carried if r.department == name]
        errors = sum(1 for p in problems if p.is_error) + count_errors(mine)
        warnings = len(problems) + len(mine) - errors
        state = NEEDS_FIX if errors else ACCEPTED
        if name in merged:
            taken = merged[name]
            row = StatusRow(name, actions, state, errors, warnings, taken.file, taken.received_at, *contact, taken.sha256)
        elif was_merged:
            # validate: as collect left it, recounted; collect: accepted before, archived copy unreadable
            row = StatusRow(**vars(old))
            if validate:
                row.state, row.errors, row.warnings = state, errors, warnings
                row.contact_name, row.contact_phone = contact
        else:
            row = StatusRow(name, actions, NOT_RETURNED, contact_name=contact[0], contact_phone=contact[1])
            if name in rejected:     # files came and none could be taken in: named, not counted as reported
                row.errors, row.warnings = errors, warnings
                row.file, row.received_at = rejected[name].file, rejected[name].received_at
            elif validate and old is not None and old.file and name not in stale:     # as collect left it
                row.errors, row.warnings, row.file, row.received_at = errors, warnings, old.file, old.received_at
        rows.append(row)
    return rows
