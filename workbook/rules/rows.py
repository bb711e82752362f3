"""Which rows and cells of a return can be trusted: a row is merged only when its identity is certain,
and a cell only when nothing about its value was reported as an error.

A row's identity is its hidden key (column A) together with what the row shows: 取組番号, 重点取組
and, on an indicator row, the indicator. They must agree with each other and with the plan as the
file was distributed (the identity sheet records each row's labels; for older files the plan's are
used), after width and white-space folding. A later revision of the master's plan is accepted too,
so an honest return never fails because the section edited a title after distribution.

blocked() turns the problems found in a return into what must not be merged: whole rows (identity
in doubt, a copied key) and single cells (every error that names an input cell). A grade and its
reason travel together: when either is blocked, neither is merged.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from openpyxl.utils.cell import column_index_from_string, coordinate_from_string, get_column_letter

from workbook.domain.normalize import clean_text, same_loose
from workbook.domain.problems import Problem
from workbook.domain.returns import DepartmentReturn
from workbook.domain.plan import Plan
from workbook.sheets.table import is_input_cell
from workbook.sheets.layout import (COLUMNS, CONTACT_NAME_CELL, CONTACT_PHONE_CELL, IDENTITY_COLUMNS, col_letter,
                                    split_key)

ROW_CODES = frozenset({"row-identity-doubt", "row-duplicate-key"})   # errors that block a whole row
CONTACT_CELLS = frozenset({CONTACT_NAME_CELL, CONTACT_PHONE_CELL})
# merged on purpose in every distributed file: the phone cell spans two columns
_PHONE_ROW = coordinate_from_string(CONTACT_PHONE_CELL)[1]
_PHONE_COL = column_index_from_string(coordinate_from_string(CONTACT_PHONE_CELL)[0])
MERGED_BY_DESIGN = frozenset({f"{CONTACT_PHONE_CELL}:{get_column_letter(_PHONE_COL + 1)}{_PHONE_ROW}"})


def key_label(key: str) -> str:
    code, n = split_key(key)
    return code if n is None else f"{code}（指標{n}）"


def _shown(cells: dict[str, object]) -> str:
    return " ".join(clean_text(cells.get(k)).replace("\n", " ") for k in ("code", "title") if clean_text(cells.get(k)))


def identity_doubts(ret: DepartmentReturn, expected: dict[str, dict[str, object]], where) -> list[Problem]:
    """row-identity-doubt for every row whose key and shown labels disagree; expected: the plan's
    cells for the department's rows now (sheets.department.expected_plan_cells)."""
    out = []
    recorded = bool(ret.identity.row_labels)
    # a file made before the labels were recorded (template 2026.1): the key and the shown 取組番号
    # must agree; titles and indicators may have been revised in the plan since, honestly
    columns = IDENTITY_COLUMNS if recorded else ("code",)
    for key in ret.row_keys_found:
        shown = ret.plan_cells.get(key, {})
        allowed = [labels for labels in (dict(zip(IDENTITY_COLUMNS, ret.identity.row_labels[key]))
                                         if key in ret.identity.row_labels else None, expected.get(key)) if labels]
        if not allowed:
            continue      # a row the file was not distributed with and the plan lacks: row-added says so
        if any(all(same_loose(shown.get(k), labels.get(k)) for k in columns) for labels in allowed):
            continue
        want = allowed[0]
        out.append(where.problem(
            "row-identity-doubt", cell=f"{col_letter('code')}{ret.key_rows[key]}", value=_shown(shown) or "（空欄）",
            expected=f"{key_label(key)} {clean_text(want.get('title')).splitlines()[0] if clean_text(want.get('title')) else ''}".strip(),
            action_code=split_key(key)[0]))
    return out


def duplicate_keys(ret: DepartmentReturn, where) -> list[Problem]:
    """row-duplicate-key for each later row that carries a key already found (a copied row)."""
    cell = col_letter("code")
    return [where.problem("row-duplicate-key", cell=f"{cell}{row}", value=key_label(key),
                          expected=f"{cell}{ret.key_rows[key]}", action_code=split_key(key)[0])
            for key, rows in ret.duplicate_rows.items() for row in rows]


def _cells(ref: str) -> list[str]:
    first, _, last = ref.partition(":")
    (c1, r1), (c2, r2) = coordinate_from_string(first), coordinate_from_string(last or first)
    return [f"{get_column_letter(c)}{r}" for r in range(r1, r2 + 1)
            for c in range(column_index_from_string(c1), column_index_from_string(c2) + 1)]


def _is_input(cell: str) -> bool:
    letters, row = coordinate_from_string(cell)
    return is_input_cell(row, column_index_from_string(letters))


def merged_inputs(ret: DepartmentReturn, where) -> list[Problem]:
    """input-cells-merged for every merged range that covers an input cell (beyond the designed ones)."""
    return [where.problem("input-cells-merged", cell=ref)
            for ref in ret.merged_ranges if ref not in MERGED_BY_DESIGN and any(_is_input(c) for c in _cells(ref))]


def with_kept_values(problems: list[Problem], ret: DepartmentReturn, values: dict[str, dict[str, object]],
                     contact: tuple[str, str]) -> list[Problem]:
    """The problems, each error about one input cell carrying what the master holds there now
    (values: the master's department table, row key -> column key -> value). Validate compares it
    with the master later: a value the section typed by hand settles the error; the old one does not."""
    key_at = {row: key for key, row in ret.key_rows.items()}
    column_at = {col_letter(c.key): c.key for c in COLUMNS if c.editable}
    out = []
    for p in problems:
        if p.is_error and p.cell and ":" not in p.cell and p.code not in ROW_CODES:
            letters, row = coordinate_from_string(p.cell)
            if p.cell in CONTACT_CELLS:
                have = contact[0] if p.cell == CONTACT_NAME_CELL else contact[1]
            elif row in key_at and letters in column_at:
                have = values.get(key_at[row], {}).get(column_at[letters])
            else:
                out.append(p)
                continue
            p = replace(p, kept="" if have is None else str(have))
        out.append(p)
    return out


@dataclass
class Blocked:
    """What of a return is not merged: rows by sheet row number, cells by address."""

    rows: set[int] = field(default_factory=set)
    cells: set[str] = field(default_factory=set)

    def __contains__(self, cell: str) -> bool:
        return cell in self.cells or (bool(self.rows) and coordinate_from_string(cell)[1] in self.rows)


def blocked(problems: list[Problem], ret: DepartmentReturn) -> Blocked:
    """Every error that names a cell blocks it (a merged range: each cell it covers); the row-level
    codes block their rows, and a copied key blocks every row that carries it."""
    out = Blocked()
    for p in problems:
        if not p.is_error or not p.cell:
            continue
        if p.code in ROW_CODES:
            out.rows.add(coordinate_from_string(p.cell)[1])
            if p.code == "row-duplicate-key" and p.expected:
                out.rows.add(coordinate_from_string(p.expected)[1])
        else:
            out.cells.update(_cells(p.cell))
    grade, reason = col_letter("grade"), col_letter("reason")
    for cell in list(out.cells):
        letters, row = coordinate_from_string(cell)
        if letters in (grade, reason):      # a grade and its reason travel together
            out.cells.update({f"{grade}{row}", f"{reason}{row}"})
    return out


def deleted_action_rows(plan: Plan, key_rows: dict[str, dict[str, int]],
                        listed: set[tuple[str, str]]) -> list[tuple[str, str]]:
    """(department, 取組番号) of the action rows deleted by hand from the master's department sheets
    (key_rows: department -> its sheet's rows by key). A row counts as deleted when the saved 進捗一覧
    lists the action under that department (listed); a row the plan gained since then (an action, a
    department) is not there yet, and the next write adds it."""
    return [(department, action.code) for department, rows in key_rows.items()
            for action in plan.actions_of(department) if action.code not in rows and (action.code, department) in listed]
