"""Checks: what is wrong with a department's return, as Problems (codes in problems.py).

The functions return lists of Problems and never raise for bad content. They run on a
DepartmentReturn read from a returned file (collect) or from a master's department sheet
(validate): both have the same layout, so cell addresses mean the same cells.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from openpyxl.utils.cell import get_column_letter

from workbook.sheets.department import row_specs, shared_plan_cells
from workbook.domain.era import fiscal_year_label
from workbook.domain.indicator_rules import earlier_of, judge, running_figures
from workbook.sheets.layout import (ACCEPTED_TEMPLATE_VERSIONS, ACTION_ROW, COLUMNS, Column, DIRECTIONS, INDICATOR_ROW,
                     CONTACT_NAME_CELL, DATA_SHEET, FIRST_ROW, IDENTITY_COLUMNS, IDENTITY_SHEET, PLAN_KEYS, applies,
                     HEADER_ROW, TEMPLATE_VERSION, col_letter, col_number, column, header_for, is_open, split_key, width_of)
from workbook.rules.rows import duplicate_keys, identity_doubts, key_label, merged_inputs
from workbook.sheets.identity import IDENTITY_CELLS
from workbook.domain.plan import Plan
from workbook.domain.normalize import clean_text, loose, nfkc, parse_number
from workbook.domain.problems import Problem, problem
from workbook.domain.returns import DepartmentReturn, Identity
from workbook.domain.scale import scale_caption
from workbook.domain.settings import Settings

Earlier = dict[tuple[str, str], dict[int, float]]   # (indicator key, department) -> closed year -> actual
TEXT_LIMIT = 32767   # characters an Excel cell holds
CONTACT_LABEL = "回答者（担当者名）"
PHONE_LABEL = "電話（内線）"
ROW_CELL_COLUMN = "code"   # where a row-level problem points (取組番号 column)


@dataclass(frozen=True)
class Where:
    file: str
    sheet: str
    department: str

    def problem(self, code: str, **kwargs: object) -> Problem:
        return problem(code, file=self.file, sheet=self.sheet, department=self.department, **kwargs)


def blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def same_text(a: object, b: object) -> bool:
    def norm(v: object) -> str:
        return clean_text(v).replace("\r\n", "\n").replace("\r", "\n")
    return norm(a) == norm(b)


# --- identity --------------------------------------------------------------------------------


def identity_problems(identity: Identity, plan: Plan, settings: Settings, file: str) -> list[Problem]:
    """Whose file this is and whether it is this year's: any error here means it is not merged."""
    known = {d.name for d in plan.departments}
    where = Where(file, IDENTITY_SHEET, identity.department if identity.department in known else "")
    out = []
    if identity.department not in known:
        out.append(where.problem("unknown-department", cell=IDENTITY_CELLS["department"],
                                 value=identity.department or "（空欄）"))
    if loose(identity.municipality) != loose(settings.municipality) or \
            loose(identity.plan_name) != loose(settings.plan_name):
        cell = IDENTITY_CELLS["plan_name" if loose(identity.municipality) == loose(settings.municipality)
                              else "municipality"]
        out.append(where.problem("wrong-plan", cell=cell, value=f"{identity.municipality} {identity.plan_name}".strip(),
                                 expected=f"{settings.municipality} {settings.plan_name}"))
    if identity.fiscal_year != settings.fiscal_year:
        year = fiscal_year_label(identity.fiscal_year) if identity.fiscal_year > 0 else "年度不明"
        out.append(where.problem("wrong-fiscal-year", cell=IDENTITY_CELLS["fiscal_year"], value=year,
                                 expected=fiscal_year_label(settings.fiscal_year)))
    if identity.scale_fingerprint and identity.scale_fingerprint != settings.scale.fingerprint():
        out.append(where.problem("scale-changed", cell=IDENTITY_CELLS["scale_fingerprint"],
                                 value=identity.scale_name or identity.scale_fingerprint,
                                 expected=scale_caption(settings.scale)))
    if identity.template_version not in ACCEPTED_TEMPLATE_VERSIONS:
        out.append(where.problem("unknown-template-version", cell=IDENTITY_CELLS["template_version"],
                                 value=identity.template_version or "（空欄）"))
    return out


def column_problems(ret: DepartmentReturn, file: str) -> list[Problem]:
    """A table whose columns were deleted or added (its hidden 未入力数 column moved): every value
    may stand in another column's place, so an error here means the file is not merged."""
    want = width_of(ret.identity.template_version)
    where = Where(file, DATA_SHEET, ret.identity.department)
    if want is not None and ret.layout_width and ret.layout_width != want:
        return [where.problem("columns-changed", cell=f"{col_letter('code')}{HEADER_ROW}",
                              value=get_column_letter(ret.layout_width), expected=get_column_letter(want))]
    if ret.identity.template_version != TEMPLATE_VERSION or not ret.headers:
        return []
    for col, expected, loose_expected in _headers(ret.identity.fiscal_year):   # as many columns, but one moved
        i = col_number(col.key) - 1                                          # (or one deleted and another inserted)
        have = ret.headers[i] if i < len(ret.headers) else ""
        if have != expected and loose(have) != loose_expected:     # the sheet breaks a header to fit its column
            return [where.problem("columns-moved", cell=f"{col_letter(col.key)}{HEADER_ROW}", value=have or "（空欄）",
                                  expected=expected)]
    return []


@lru_cache(maxsize=None)
def _headers(fiscal_year: int) -> tuple[tuple[Column, str, str], ...]:
    """(column, header, header compared loosely) of the columns after A, for every file's header row."""
    return tuple((col, header_for(col, fiscal_year), loose(header_for(col, fiscal_year))) for col in COLUMNS[1:])


_NAME_DELIMITERS = frozenset("_ 　()（）[]［］「」『』【】〔〕{}<>＜＞~～〜-－‐・,，、。.+＋#＃0123456789")


def named_departments(file_name: str, departments: list[str]) -> list[str]:
    """The departments a file name names whole, between the delimiters of the distributed names
    (令和6年度_進捗報告_福祉課.xlsx): 福祉課 is not named by …_高齢福祉課.xlsx, and additions such as
    （回答）, コピー ～ or (修正) change nothing."""
    stem = nfkc(file_name.rsplit(".", 1)[0])
    found = []
    for name in departments:
        target = nfkc(name)
        start = stem.find(target)
        while start >= 0:
            end = start + len(target)
            if (start == 0 or stem[start - 1] in _NAME_DELIMITERS) and (end == len(stem) or stem[end] in _NAME_DELIMITERS):
                found.append(name)
                break
            start = stem.find(target, start + 1)
    return found


def file_name_problems(identity: Identity, plan: Plan, file: str) -> list[Problem]:
    """file-name-mismatch when the file name names another department than the identity sheet."""
    named = named_departments(file, [d.name for d in plan.departments])
    if not named or identity.department in named:
        return []
    # charged to the department the name names (typically it filled in a copy of another's file),
    # never to the department whose copy it was: that department's status does not change
    owner = named[0] if len(named) == 1 else ""
    return [problem("file-name-mismatch", file=file, sheet=IDENTITY_SHEET, cell=IDENTITY_CELLS["department"],
                    department=owner, value=identity.department, expected="・".join(named))]


def ownership_problems(ret: DepartmentReturn, plan: Plan, file: str, foreign_rows: bool = True) -> list[Problem]:
    """Whether the table belongs to the department the identity names: an error here means the file
    is not merged (another department's file, or an identity edited by hand).

    The table does not belong when none of its rows is planned for the department, or (foreign_rows)
    when a row the file was distributed with is an action the plan gives only to other departments.
    A return accepted before is checked without foreign_rows: an action given to another department
    since then is a row the plan no longer has for it (layout_problems), not a reason to drop it.
    """
    department = ret.identity.department
    if department not in {d.name for d in plan.departments}:
        return []
    planned = {key for key, _, _ in row_specs(plan, department)}
    found = list(ret.row_keys_found)
    distributed = set(ret.identity.row_keys)
    codes = plan.derived(("actions by code",), lambda: {a.code: a for a in plan.actions})
    foreign = []
    for key in found:
        if foreign_rows and key not in planned and key in distributed:
            action = codes.get(split_key(key)[0])
            if action is not None and department not in action.departments:
                foreign.append(key)
    if not foreign and (not planned or not found or planned & set(found)):
        return []
    shown = foreign or found
    value = "、".join(key_label(k) for k in shown[:5]) + (f" ほか {len(shown) - 5} 行" if len(shown) > 5 else "")
    return [Where(file, DATA_SHEET, department).problem(
        "rows-not-department", cell=f"{col_letter(ROW_CELL_COLUMN)}{ret.key_rows[shown[0]]}", value=value)]


# --- layout ----------------------------------------------------------------------------------
def layout_problems(ret: DepartmentReturn, plan: Plan, settings: Settings, where: Where) -> list[Problem]:
    """Rows added, removed or moved, and plan cells edited (those edits are never merged).

    The rows expected are the plan's for the department now; the rows the file was distributed
    with (its identity sheet) tell a row the department removed or added (errors) from one the plan
    gained or lost after distribution (warnings: row-not-distributed, row-not-in-plan)."""
    out: list[Problem] = []
    expected_cells = shared_plan_cells(plan, where.department, settings.fiscal_year)
    expected = list(expected_cells)                      # the plan's rows for the department, in order
    distributed = set(ret.identity.row_keys) or set(expected)
    found = list(ret.row_keys_found)
    rows = ret.key_rows
    cell = col_letter(ROW_CELL_COLUMN)
    not_distributed: set[str] = set()
    distributed_rows = {key: FIRST_ROW + i for i, key in enumerate(ret.identity.row_keys)}
    for key in expected:
        if key in rows:
            continue
        code = split_key(key)[0]
        if key in distributed:     # named with the row it had in the file as distributed
            at = f"{cell}{distributed_rows[key]}" if key in distributed_rows else ""
            out.append(where.problem("row-removed", cell=at, value=key_label(key), action_code=code))
        elif code not in not_distributed:    # added to the plan after the file was made
            not_distributed.add(code)
            out.append(where.problem("row-not-distributed", value=key_label(key), action_code=code))
    for row, text in ret.extra_rows:
        out.append(where.problem("row-added", cell=f"{cell}{row}", value=text))
    for key in found:
        if key in expected_cells:
            continue
        if key in distributed:    # deleted from the plan (or given to another department) after distribution
            out.append(where.problem("row-not-in-plan", cell=f"{cell}{rows[key]}", value=key_label(key),
                                     action_code=split_key(key)[0]))
        else:
            out.append(where.problem("row-added", cell=f"{cell}{rows[key]}", value=key))
    position = {key: i for i, key in enumerate(expected)}
    in_order = _longest_increasing([k for k in found if k in position], position)
    for key in found:
        if key in position and key not in in_order:
            out.append(where.problem("row-moved", cell=f"{cell}{rows[key]}", value=key_label(key),
                                     action_code=split_key(key)[0]))
    out += identity_doubts(ret, expected_cells, where) + duplicate_keys(ret, where) + merged_inputs(ret, where)
    for key in found:
        if key not in expected_cells:
            continue
        cells = ret.plan_cells.get(key, {})
        for col_key in PLAN_KEYS:
            if col_key in IDENTITY_COLUMNS:     # what identifies the row: identity_doubts above
                continue
            want, got = expected_cells[key].get(col_key), cells.get(col_key)
            if not same_text(want, got):
                out.append(where.problem(
                    "plan-cell-edited", cell=f"{col_letter(col_key)}{rows[key]}", value=_short(got),
                    expected=_short(want), field=column(col_key).header, action_code=split_key(key)[0]))
    return out


def _longest_increasing(keys: list[str], position: dict[str, int]) -> set[str]:
    """The largest set of keys already in the expected order; the others have moved."""
    import bisect

    tails: list[int] = []
    tail_index: list[int] = []
    parent = [-1] * len(keys)
    for i, key in enumerate(keys):
        p = position[key]
        j = bisect.bisect_left(tails, p)
        if j == len(tails):
            tails.append(p)
            tail_index.append(i)
        else:
            tails[j] = p
            tail_index[j] = i
        parent[i] = tail_index[j - 1] if j else -1
    keep: set[str] = set()
    i = tail_index[-1] if tail_index else -1
    while i >= 0:
        keep.add(keys[i])
        i = parent[i]
    return keep


def _short(value: object, limit: int = 60) -> str:
    text = clean_text(value)
    return text if len(text) <= limit else text[:limit] + "…"


# --- entries ---------------------------------------------------------------------------------
def entry_problems(ret: DepartmentReturn, plan: Plan, settings: Settings, where: Where,
                   earlier: Earlier | None = None) -> list[Problem]:
    """Missing, malformed and inconsistent entries, and formulas or over-long text in input cells."""
    out: list[Problem] = []
    planned = {key: kind for key, kind, _ in row_specs(plan, where.department)}
    last_year = settings.period_end(plan.fiscal_years)
    # the columns open this year (今後の方針: the plan's last year only); plain: text asks nothing more than
    # to be there and fit in a cell; optional: an empty cell asks nothing (_input_problem finds nothing)
    inputs = {kind: [(col, letter, header_for(col, settings.fiscal_year), not col.numeric and col.key != "direction",
                      not col.required and col.key not in ("actual", "response"))
                     for col, letter in columns if is_open(col, settings.fiscal_year, last_year)]
              for kind, columns in _INPUTS.items()}
    formulas, errors = ret.formulas, ret.error_cells
    no_cell_listed = not formulas and not errors     # no input cell holds a formula or an error value
    for key in ret.row_keys_found:
        if key not in planned:
            continue
        code, n = split_key(key)
        entry = ret.entries.get(code)
        if entry is None:
            continue
        row = ret.key_rows[key]
        kind = planned[key]
        values = entry.values if kind == ACTION_ROW else {"actual": entry.actuals.get(n)}
        for col, letter, header, plain, optional in inputs[kind]:
            value = values.get(col.key)
            if no_cell_listed and (value is None and optional
                                   or value.__class__ in _NUMBERS and col.numeric
                                   or plain and value.__class__ is str and len(value) <= TEXT_LIMIT and value.strip()):
                continue    # most cells: text filled in, an optional cell left empty, a number where one is asked
            cell = f"{letter}{row}"
            if cell in formulas:
                out.append(where.problem("formula-in-input", value=formulas[cell], cell=cell, field=header,
                                         action_code=code))
                continue
            if cell in errors:
                out.append(where.problem("error-value-in-input", value=errors[cell], cell=cell, field=header,
                                         action_code=code))
                continue
            found = _input_problem(col, value, values, entry)
            if found:
                out.extend(where.problem(kind_, cell=cell, field=header, action_code=code, **more)
                           for kind_, more in found)
        if kind == ACTION_ROW:
            out.extend(_grade_problems(ret, plan, settings, where, code, row, earlier))
    for cell, formula in ret.formulas.items():
        if int(cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) < FIRST_ROW:   # the contact cells above the table
            label = CONTACT_LABEL if cell == CONTACT_NAME_CELL else PHONE_LABEL
            out.append(where.problem("formula-in-input", cell=cell, value=formula, field=label))
    for cell, text in ret.error_cells.items():
        if int(cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) < FIRST_ROW:
            label = CONTACT_LABEL if cell == CONTACT_NAME_CELL else PHONE_LABEL
            out.append(where.problem("error-value-in-input", cell=cell, value=text, field=label))
    if blank(ret.contact_name) and CONTACT_NAME_CELL not in ret.formulas and CONTACT_NAME_CELL not in ret.error_cells:
        out.append(where.problem("contact-missing", cell=CONTACT_NAME_CELL, field=CONTACT_LABEL))
    return out


def _input_problem(col: Column, value: object, values: dict[str, object], entry) -> list[tuple[str, dict]]:
    """What is wrong with one input cell's value (code, the problem's fields besides where it is)."""
    out = []
    if isinstance(value, str) and len(value) > TEXT_LIMIT:
        out.append(("text-too-long", dict(value=f"{len(value):,}")))
    if col.required and blank(value):
        out.append(("required-missing", {}))
    elif col.key == "actual" and blank(value):
        out.append(("actual-missing", {}))   # a year without a survey is normal
    elif col.numeric and not blank(value) and parse_number(value) is None:
        out.append(("number-invalid", dict(value=_short(value))))
    elif col.key == "direction" and not blank(value) and clean_text(value) not in DIRECTIONS:
        out.append(("direction-invalid", dict(value=_short(value), choices="・".join(DIRECTIONS))))
    elif col.key == "response" and blank(value) and col.key in values and entry.has_opinion:
        out.append(("response-missing", dict(value=_opinions(entry))))
    return out


def _opinions(entry) -> str:
    """Which of last year's opinions the row shows ('内部評価・委員会意見')."""
    return "・".join(name for name, text in (("内部評価", entry.prev_internal), ("委員会意見", entry.prev_committee))
                    if text.strip())


_NUMBERS = (int, float)   # a number in a numeric column: _input_problem finds nothing (bool is neither class)
_INPUTS = {kind: [(c, col_letter(c.key)) for c in COLUMNS if c.editable and applies(c, kind)]
           for kind in (ACTION_ROW, INDICATOR_ROW)}


def _grade_problems(ret: DepartmentReturn, plan: Plan, settings: Settings, where: Where, code: str,
                    row: int, earlier: Earlier | None = None) -> list[Problem]:
    entry = ret.entries[code]
    raw = entry.values.get("grade")
    grade_cell = f"{col_letter('grade')}{row}"
    if grade_cell in ret.formulas or blank(raw):
        return []
    scale = settings.scale
    grade = scale.normalize(raw)
    at = dict(action_code=code)
    if not grade:
        return [where.problem("grade-invalid", cell=grade_cell, value=_short(raw), field="自己評価",
                              choices="・".join(scale.codes), **at)]
    out = []
    reason = entry.values.get("reason")
    if scale.reason_required(grade) and blank(reason) and f"{col_letter('reason')}{row}" not in ret.formulas:
        out.append(where.problem("reason-missing", cell=f"{col_letter('reason')}{row}", value=grade,
                                 field="評価の理由", **at))
    suggested, ratios = suggestion(plan, settings, where.department, code, entry.actuals, earlier)
    if scale.differs_from_suggestion(grade, suggested):
        out.append(where.problem("grade-inconsistent", cell=grade_cell, value=grade, expected=suggested,
                                 ratio="・".join(ratios), field="自己評価", **at))
    return out


def suggestion(plan: Plan, settings: Settings, department: str, code: str,
               actuals: dict[int, object], earlier: Earlier | None = None) -> tuple[str, list[str]]:
    """The code the department's indicators suggest for an action (the lowest of theirs), and the
    measures behind it ('目標比 102.3％'). earlier: the closed years' actuals (年度別実績, through
    MasterSnapshot.earlier_actuals), which a 累計 indicator adds up as 進捗一覧 does."""
    codes, measures = [], []
    for n, indicator in enumerate(plan.indicators_of(code, department), start=1):
        parsed = parse_number(actuals.get(n))
        shared = not indicator.department and len(plan.action(code).departments) > 1
        judgement = judge(indicator, parsed.value if parsed else None, settings.fiscal_year, settings.scale,
                          settings.indicator_rule, earlier_of(earlier, indicator, department, shared))
        if judgement and judgement.code:
            codes.append(judgement.code)
            running = running_figures(judgement, indicator, settings.fiscal_year)
            measures.append(f"{running}、{judgement.measure}" if running else judgement.measure)
    return settings.scale.lowest(codes), measures


def return_problems(ret: DepartmentReturn, plan: Plan, settings: Settings, where: Where,
                    earlier: Earlier | None = None) -> list[Problem]:
    """Layout and entries of a return whose identity is right (earlier: as for suggestion)."""
    return layout_problems(ret, plan, settings, where) + entry_problems(ret, plan, settings, where, earlier)

