"""What a department reports: one entry per action it is responsible for, plus a contact."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

CONTACT_FIELDS = ("回答者（担当者名）", "電話（内線）")


@dataclass
class Entry:
    """One department's answer for one action, as it stands in a sheet (values as entered)."""

    action_code: str
    department: str
    values: dict[str, object] = field(default_factory=dict)   # input key -> value (action row)
    actuals: dict[int, object] = field(default_factory=dict)  # indicator number (1..) -> 実績値
    prev_grade: str = ""
    prev_result: str = ""
    prev_internal: str = ""      # last year's 内部評価 of the action (read-only beside the row)
    prev_committee: str = ""     # last year's 委員会意見 of the action

    @property
    def has_previous(self) -> bool:
        return bool(self.prev_grade or self.prev_result or self.prev_internal or self.prev_committee)

    @property
    def has_opinion(self) -> bool:
        """Last year's 内部評価 or 委員会意見 is there: the department may answer it (意見への対応)."""
        return bool(self.prev_internal.strip() or self.prev_committee.strip())

    def previous(self) -> "Entry":
        """Only the 前年度 fields, as an entry of its own (what a distributed file shows read-only)."""
        return Entry(self.action_code, self.department, prev_grade=self.prev_grade, prev_result=self.prev_result,
                     prev_internal=self.prev_internal, prev_committee=self.prev_committee)

    def get(self, key: str) -> object:
        return self.values.get(key)

    def text(self, key: str) -> str:
        value = self.values.get(key)
        return "" if value is None else str(value).strip()

    @property
    def grade(self) -> str:
        return self.text("grade")

    def is_blank(self) -> bool:
        return not any(self.text(k) for k in self.values if k != "actual") and not any(
            v not in (None, "") for v in self.actuals.values())

    def copy(self, **changes) -> "Entry":
        return replace(self, values=dict(self.values), actuals=dict(self.actuals), **changes)


@dataclass
class Identity:
    """Who a distributed file belongs to; collection trusts this, not the file name."""

    municipality: str
    plan_name: str
    fiscal_year: int
    department: str
    template_version: str
    row_keys: tuple[str, ...]
    distributed_at: str = ""
    # row key -> (取組番号, 重点取組, 指標) as the row showed them when the file was made: with the key,
    # what identifies a row (files made before template 2026.2 carry none: the plan's are used)
    row_labels: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    # the 評価基準 the file was made with (files made before the scale became data carry none)
    scale_fingerprint: str = ""
    scale_name: str = ""      # '4段階（S・A・B・C・－）', for messages


@dataclass
class DepartmentReturn:
    identity: Identity
    entries: dict[str, Entry]                 # action code -> entry
    contact_name: str = ""
    contact_phone: str = ""
    row_keys_found: tuple[str, ...] = ()      # keys in sheet order, as found in the file
    key_rows: dict[str, int] = field(default_factory=dict)   # key -> sheet row number
    plan_cells: dict[str, dict[str, object]] = field(default_factory=dict)  # key -> plan column values
    formulas: dict[str, str] = field(default_factory=dict)  # cell address -> formula text (input cells)
    extra_rows: list[tuple[int, str]] = field(default_factory=list)  # (row, first text) rows without a known key
    duplicate_rows: dict[str, list[int]] = field(default_factory=dict)  # key -> later rows that carry it again
    merged_ranges: tuple[str, ...] = ()       # merged cell ranges of the table sheet ('F7:G7')
    error_cells: dict[str, str] = field(default_factory=dict)   # input cell -> error value ('#N/A') typed or pasted
    layout_width: int = 0     # the layout's columns found left of the hidden 未入力数 column (0: not known)
    headers: tuple[str, ...] = ()   # the table's header row as found


def same_value(a: object, b: object) -> bool:
    """Two cell values are the same as stored: empty is empty, numbers by value, else type and value."""
    if a.__class__ is str and b.__class__ is str:      # most cells: text against text
        return a == b
    if a in (None, "") and b in (None, ""):
        return True
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool) \
            and not isinstance(b, bool):
        return float(a) == float(b)
    return type(a) is type(b) and a == b
