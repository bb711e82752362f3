"""Grades (達成度): the A/B/C/－ rule of seed 002, suggestion from indicators, consolidation.

Thresholds and the multi-department rule are settings (設定 sheet), never constants in callers.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from workbook.domain.plan import Direction

GRADES = ("A", "B", "C", "－")
DASH = "－"
_RANK = {"A": 3, "B": 2, "C": 1}

GRADE_LABELS = {
    "A": "目標を上回った",
    "B": "目標を達成した",
    "C": "目標を下回った",
    "－": "評価不能",
}

GRADE_DEFINITIONS = {
    "A": "目標に対し実績が概ね{a}％以上／事業予定を前倒しで実施できた／予定を超える成果があった",
    "B": "目標に対し実績が概ね{b}％以上{a}％未満／事業予定を概ね実施できた",
    "C": "目標に対し実績が概ね{b}％未満／事業予定の一部もしくは全部を実施できなかった",
    "－": "計画外の事情（感染症の影響等）により事業を実施できず、評価できない",
}


class MultiDepartmentRule(str, Enum):
    """How the grades of an action reported by several departments become one."""

    LOWEST_IGNORING_DASH = "－を除き低い方"   # seed 002: B and － give B; B and C give C
    LOWEST = "低い方（－も含む）"             # any － makes the action －; else the lower grade
    HIGHEST_IGNORING_DASH = "－を除き高い方"

    @classmethod
    def parse(cls, text: str) -> "MultiDepartmentRule":
        for rule in cls:
            if rule.value == str(text).strip():
                return rule
        raise ValueError(text)


@dataclass(frozen=True)
class Thresholds:
    """Achievement ratio (percent) at or above which a grade is given."""

    a: float = 110.0
    b: float = 90.0

    def definitions(self) -> dict[str, str]:
        fmt = {"a": _pct(self.a), "b": _pct(self.b)}
        return {g: GRADE_DEFINITIONS[g].format(**fmt) for g in GRADES}


def _pct(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def achievement_ratio(actual: float | None, target: float | None,
                      direction: Direction | str = Direction.HIGHER) -> float | None:
    """Actual against target in percent; for lower-is-better the ratio runs the other way.

    None when either value is missing or the division is undefined.
    """
    if actual is None or target is None:
        return None
    direction = Direction(direction)
    if direction is Direction.HIGHER:
        return None if target == 0 else actual / target * 100.0
    if actual == 0:
        return None if target == 0 else float("inf")
    return target / actual * 100.0


def grade_for_ratio(ratio: float | None, thresholds: Thresholds = Thresholds()) -> str | None:
    if ratio is None:
        return None
    if ratio >= thresholds.a:
        return "A"
    if ratio >= thresholds.b:
        return "B"
    return "C"


def suggest_grade(actual: float | None, target: float | None,
                  direction: Direction | str = Direction.HIGHER,
                  thresholds: Thresholds = Thresholds()) -> str | None:
    return grade_for_ratio(achievement_ratio(actual, target, direction), thresholds)


def consolidate(grades: list[str], rule: MultiDepartmentRule = MultiDepartmentRule.LOWEST_IGNORING_DASH) -> str:
    """One grade from the departments' grades; '' while any department's grade is missing."""
    if not grades or any(g not in GRADES for g in grades):
        return ""
    letters = [g for g in grades if g != DASH]
    if rule is MultiDepartmentRule.LOWEST and len(letters) < len(grades):
        return DASH
    if not letters:
        return DASH
    pick = max if rule is MultiDepartmentRule.HIGHEST_IGNORING_DASH else min
    return pick(letters, key=_RANK.__getitem__)


def differs_from_suggestion(grade: str, suggested: str | None) -> bool:
    """A self-grade inconsistent with the indicator (a － is a separate judgement, never flagged)."""
    return bool(suggested) and grade in _RANK and grade != suggested
