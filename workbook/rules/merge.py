"""Merge: a department's return into the entries its master sheet holds.

What is taken, and how:
- only input columns and the contact cells; plan columns are never merged (checks.py reports
  an edited plan cell);
- values are kept as the department typed them, except that a grade in any recognised form
  (Ａ, ｂ, ー, ―) is stored as A/B/C/－, a number with units or full-width digits (１２０人,
  5,621戸, 96%, 延べ10,091名) as the number, line breaks as "\\n", and text longer than a cell
  holds is cut to 32,767 characters (the archive keeps the file as sent; the cut is reported);
- a formula is stored as its text ("=SUM(…)"), which the writers keep as text, never a formula;
- a row missing from the return leaves that row of the master as it was, and so does a column its
  template did not have yet (a file of an older template version);
- every value that replaces a non-empty value is listed as a Change for 履歴 (old and new).

Which return of a department wins ("newer"): the one last saved later, by the time the file
itself records (docProps/core.xml dcterms:modified, written by Excel and LibreOffice on save,
whatever the file's name or how it travelled); for a file without it, the modification time
the file had when it was received. Ties go to the file received later by the add-on (the
archive's first-received time), then to the SHA-256, so the choice never depends on the order
files are listed in. Only returns whose identity checks pass take part.
"""
from __future__ import annotations

from dataclasses import dataclass

from workbook.files.archive import ArchiveRecord
from workbook.rules.checks import TEXT_LIMIT
from workbook.sheets.department import row_specs
from workbook.domain.scale import Scale
from workbook.sheets.layout import (ACTION_ROW, COLUMNS, CONTACT_NAME_CELL, CONTACT_PHONE_CELL, applies, col_letter,
                                    column, header_for, split_key)
from workbook.rules.rows import Blocked
from workbook.domain.plan import Plan
from workbook.domain.normalize import clean_text, parse_number
from workbook.domain.returns import CONTACT_FIELDS, DepartmentReturn, Entry, same_value



@dataclass(frozen=True)
class Change:
    department: str
    action_code: str
    field: str
    old: object
    new: object


@dataclass
class Candidate:
    """A return whose identity is right, with where it came from."""

    ret: DepartmentReturn
    record: ArchiveRecord
    saved_at: str = ""
    file: str = ""          # the name it was received under (for problems and 提出状況)

    @property
    def department(self) -> str:
        return self.ret.identity.department

    def order(self) -> tuple[str, str, str]:
        return (self.saved_at or self.record.modified, self.record.received_at, self.record.sha256)


def newest(candidates: list[Candidate]) -> tuple[Candidate, list[Candidate]]:
    """The newer return (see the module doc) and the others, newest first."""
    ranked = sorted(candidates, key=Candidate.order, reverse=True)
    return ranked[0], ranked[1:]


def storable(key: str, value: object, scale: Scale | None = None) -> object:
    """The value as the master keeps it (see the module doc)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = value.replace("\r\n", "\n").replace("\r", "\n")
        if value.startswith("="):
            return value[:TEXT_LIMIT]
    col = column(key)
    if key == "grade":
        grade = scale.normalize(value) if scale else None
        return grade or value
    if key == "direction":               # a choice: kept as the drop-down has it (checked before merging)
        return clean_text(value) or None
    if col.numeric and not isinstance(value, bool):
        parsed = parse_number(value)
        if parsed is not None:
            return int(parsed.value) if parsed.value.is_integer() else parsed.value
        return value
    if isinstance(value, str) and len(value) > TEXT_LIMIT:
        return value[:TEXT_LIMIT]
    return value


def incoming_entries(ret: DepartmentReturn, plan: Plan, department: str,
                     held: Blocked | None = None, scale: Scale | None = None,
                     closed: frozenset[str] = frozenset()) -> dict[str, Entry]:
    """The return's values for the department's planned rows, as the master would store them.

    held: the rows and cells reported as errors (rules.rows.blocked); they are left out, so the
    master keeps what it had there. closed: the input columns not asked this year (layout.closed_keys;
    今後の方針 before the period's last year): whatever a file holds there is not taken either."""
    held = held or Blocked()
    out: dict[str, Entry] = {}
    inputs = [(c.key, col_letter(c.key)) for c in COLUMNS
              if c.editable and applies(c, ACTION_ROW) and c.key not in closed]
    actual = col_letter("actual")
    everything = not held.cells and not held.rows    # nothing held: no cell needs looking up
    for key, kind, _ in row_specs(plan, department):
        if key not in ret.key_rows:
            continue
        code, n = split_key(key)
        source = ret.entries.get(code)
        if source is None:
            continue
        row = ret.key_rows[key]
        entry = out.setdefault(code, Entry(code, department))
        if kind == ACTION_ROW:
            values = source.values
            # a column the return's template does not have (an older file) leaves the master's value
            entry.values = {k: storable(k, values.get(k), scale) for k, letter in inputs
                            if k in values and (everything or f"{letter}{row}" not in held)}
        elif everything or f"{actual}{row}" not in held:
            entry.actuals[n] = storable("actual", source.actuals.get(n))
    return out


def field_label(plan: Plan, department: str, code: str, key: str, n: int | None = None,
                fiscal_year: int | None = None) -> str:
    """The column's name as the sheet shows it (the proposals with their fiscal years, given one)."""
    if n is not None:
        indicators = plan.indicators_of(code, department)
        name = indicators[n - 1].name if 0 < n <= len(indicators) else f"指標{n}"
        return f"実績値（{name}）"
    col = column(key)
    return header_for(col, fiscal_year) if fiscal_year is not None else col.header


def merge_entries(current: dict[str, Entry], incoming: dict[str, Entry], plan: Plan,
                  department: str, fiscal_year: int | None = None) -> tuple[dict[str, Entry], list[Change]]:
    """current with incoming's values laid over it; the replaced non-empty values as Changes."""
    merged = {code: entry.copy() for code, entry in current.items()}
    changes: list[Change] = []
    for code, new in incoming.items():
        entry = merged.setdefault(code, Entry(code, department))
        for key, value in new.values.items():
            old = entry.values.get(key)
            if not same_value(old, value):
                if old not in (None, ""):
                    changes.append(Change(department, code, field_label(plan, department, code, key, fiscal_year=fiscal_year), old, value))
                entry.values[key] = value
        for n, value in new.actuals.items():
            old = entry.actuals.get(n)
            if not same_value(old, value):
                if old not in (None, ""):
                    changes.append(Change(department, code, field_label(plan, department, code, "actual", n),
                                          old, value))
                entry.actuals[n] = value
    return merged, changes


def merge_contact(current: tuple[str, str], incoming: tuple[str, str], department: str,
                  keep: Blocked | None = None) -> tuple[tuple[str, str], list[Change]]:
    """The contact cells of a return over the master's; a cell in keep stays as the master had it."""
    keep = keep or Blocked()
    incoming = tuple(old if cell in keep else new
                     for cell, old, new in zip((CONTACT_NAME_CELL, CONTACT_PHONE_CELL), current, incoming))
    changes = [Change(department, "", label, old, new)
               for label, old, new in zip(CONTACT_FIELDS, current, incoming) if old and old != new]
    return (incoming[0], incoming[1]), changes


def entries_equal(a: dict[str, Entry], b: dict[str, Entry]) -> bool:
    """Same values in every input cell (missing entries count as empty)."""
    for code in set(a) | set(b):
        x, y = a.get(code), b.get(code)
        xv, yv = (x.values if x else {}), (y.values if y else {})
        xa, ya = (x.actuals if x else {}), (y.actuals if y else {})
        if any(not same_value(xv.get(k), yv.get(k)) for k in set(xv) | set(yv)):
            return False
        if any(not same_value(xa.get(k), ya.get(k)) for k in set(xa) | set(ya)):
            return False
    return True
