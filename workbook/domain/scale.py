"""The evaluation scheme (評価基準): a city's grading codes as data, and the rules over them.

A scale is the 評価基準 table: one Grade per code, in the table's order. Everything that names a
code (drop-downs, checks, counts, documents) asks the scale; only scale_presets.py names codes.
"""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from enum import Enum
from functools import cached_property

from workbook.domain.normalize import DASHES, nfkc


# circles typed for ○ (U+25CB): 〇 (ideographic zero) and ◯ (large circle)
_CIRCLES = str.maketrans({"〇": "○", "◯": "○"})


def match_key(code: str) -> str:
    """What typed input and a code are matched on: width, case, ○'s variants, any single dash."""
    key = nfkc(code).strip().upper().translate(_CIRCLES)
    return DASHES[0] if len(key) == 1 and key in DASHES else key


class Common(str, Enum):
    """共通区分: what a code means across cities, so that masters with different scales compare."""

    ABOVE = "上回った"
    MET = "達成"
    BELOW = "下回った"
    UNASSESSABLE = "評価不能"
    NOT_APPLICABLE = "対象外"


class Trend(str, Enum):
    """基準値比: the three outcomes of comparing an indicator with its baseline."""

    IMPROVED = "改善"
    UNCHANGED = "横ばい"
    WORSE = "悪化"


class CombineRule(str, Enum):
    """How the grades of an action reported by several departments become one (設定)."""

    LOWEST = "低い方（統合で無視する記号を除く）"
    HIGHEST = "高い方（統合で無視する記号を除く）"
    LOWEST_STRICT = "低い方（統合で無視する記号があればその記号）"
    POINTS = "点数の平均（最も近い記号、同点は低い方）"

    @classmethod
    def parse(cls, text: object) -> "CombineRule":
        value = nfkc(str(text)).strip()
        for rule in cls:
            if nfkc(rule.value) == value:
                return rule
        if value in _LEGACY_RULES:
            return _LEGACY_RULES[value]
        raise ValueError(text)


# the names masters made before the scale became data wrote on 設定
_LEGACY_RULES = {nfkc("－を除き低い方"): CombineRule.LOWEST, nfkc("低い方（－も含む）"): CombineRule.LOWEST_STRICT,
                 nfkc("－を除き高い方"): CombineRule.HIGHEST}


@dataclass(frozen=True)
class Grade:
    """One row of the 評価基準 table."""

    code: str                              # 記号
    name: str                              # 名称
    definition: str = ""                   # 定義 (what departments read)
    rank: int | None = None                # 順位: higher is better; None = not ranked
    in_denominator: bool = True            # 割合の分母: 含める / 除く
    ignored_in_combination: bool = False   # 統合で無視
    common: Common = Common.MET            # 共通区分
    trend: Trend | None = None             # 基準値比 mark
    reason_required: bool = False         # 理由必須
    points: float | None = None            # 点数
    floor: float | None = None             # 判定下限(％)

    @property
    def ranked(self) -> bool:
        return self.rank is not None

    @property
    def label(self) -> str:
        """'A：目標を上回った'."""
        return f"{self.code}：{self.name}" if self.name else self.code


@dataclass(frozen=True)
class Scale:
    """A city's codes in table order (the order of columns and colours in every document)."""

    name: str
    grades: tuple[Grade, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(g.code for g in self.grades)

    @cached_property
    def _by_code(self) -> dict[str, Grade]:
        """Code -> its grade, the first in the table for a code given twice (made once: a scale is frozen)."""
        found: dict[str, Grade] = {}
        for g in self.grades:
            found.setdefault(g.code, g)
        return found

    def grade(self, code: str) -> Grade | None:
        return self._by_code.get(code)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    @cached_property
    def ranked(self) -> tuple[Grade, ...]:
        """Ranked codes, best first."""
        return tuple(sorted((g for g in self.grades if g.ranked), key=lambda g: -g.rank))

    @property
    def has_points(self) -> bool:
        return any(g.points is not None for g in self.grades)

    def label(self, code: str) -> str:
        grade = self.grade(code)
        return grade.label if grade else code

    def normalize(self, value: object) -> str | None:
        """A typed code as the scale spells it: 'ａ ' -> 'A', any dash -> the scale's dash code.

        '' for an empty cell; None when the text is not one of the scale's codes."""
        if value is None:
            return ""
        text = str(value).strip()
        if not text:
            return ""
        if text in self:
            return text
        key = match_key(text)
        return next((g.code for g in self.grades if match_key(g.code) == key), None)

    def reason_required(self, code: str) -> bool:
        grade = self.grade(code)
        return bool(grade and grade.reason_required)

    def for_ratio(self, ratio: float | None) -> str | None:
        """The code a ratio (percent) suggests: the best code whose 判定下限 the ratio reaches;
        below every 判定下限, the code with the lowest one. None without a ratio or floors."""
        if ratio is None or (isinstance(ratio, float) and math.isnan(ratio)):
            return None
        floored = [g for g in self.ranked if g.floor is not None]
        for grade in floored:
            if ratio >= grade.floor:
                return grade.code
        return floored[-1].code if floored else None

    def for_trend(self, trend: Trend | None) -> str | None:
        if trend is None:
            return None
        return next((g.code for g in self.grades if g.trend is trend), None)

    def lowest(self, codes: list[str]) -> str:
        """The lowest-ranked of some suggested codes ('' when none is ranked)."""
        ranked = [c for c in codes if self.grade(c) and self.grade(c).ranked]
        return min(ranked, key=lambda c: self.grade(c).rank) if ranked else ""

    def differs_from_suggestion(self, code: str, suggested: str | None) -> bool:
        """A self-grade inconsistent with the indicators (an unranked code is a separate judgement)."""
        grade = self.grade(code)
        comparable = bool(grade and grade.ranked and (grade.floor is not None or grade.trend is not None))
        return bool(suggested) and comparable and code != suggested

    def combine(self, codes: list[str], rule: CombineRule = CombineRule.LOWEST) -> str:
        """One code from the departments' codes; '' while any is missing or not in the scale."""
        if not codes or any(c not in self for c in codes):
            return ""
        grades = [self.grade(c) for c in codes]
        kept = [g for g in grades if not g.ignored_in_combination]
        if rule is CombineRule.LOWEST_STRICT and any(g.ignored_in_combination for g in grades):
            return self._first_ignored([g for g in grades if g.ignored_in_combination])
        if not kept:
            return grades[0].code if len({g.code for g in grades}) == 1 else self._first_ignored(grades)
        if rule is CombineRule.POINTS:
            average = self.points_average([g.code for g in kept])
            if average is not None:
                return self.nearest(average)
            rule = CombineRule.LOWEST
        ranked = [g for g in kept if g.ranked]
        if not ranked:
            return kept[0].code
        pick = max if rule is CombineRule.HIGHEST else min
        return pick(ranked, key=lambda g: g.rank).code

    def _first_ignored(self, grades: list[Grade]) -> str:
        """Several different ignored codes: the one first in the table."""
        present = {g.code for g in grades}
        return next(g.code for g in self.grades if g.code in present)

    def points_average(self, codes: list[str]) -> float | None:
        """The mean 点数 of the codes that have one; None when none has."""
        points = [self.grade(c).points for c in codes if self.grade(c) and self.grade(c).points is not None]
        return sum(points) / len(points) if points else None

    def nearest(self, average: float) -> str:
        """The code whose 点数 is nearest the average; a tie goes to the lower code."""
        scored = sorted((g for g in self.grades if g.points is not None and g.ranked),
                        key=lambda g: (abs(g.points - average), g.points))
        return scored[0].code if scored else ""

    def in_denominator(self, code: str) -> bool:
        grade = self.grade(code)
        return bool(grade and grade.in_denominator)

    def fingerprint(self) -> str:
        """A short digest of everything that decides a grade; the same table gives the same text."""
        return self._fingerprint

    @cached_property
    def _fingerprint(self) -> str:     # made once: a scale is frozen (collect checks every file against it)
        canon = "\n".join("\t".join(_canon(v) for v in (
            g.code, g.name, g.definition, g.rank, g.in_denominator, g.ignored_in_combination, g.common.value,
            g.trend.value if g.trend else "", g.reason_required, g.points, g.floor)) for g in self.grades)
        return hashlib.sha256(canon.encode("utf-8")).hexdigest()[:16]


def scale_caption(scale: Scale) -> str:
    """'4段階（S・A・B・C・－、版 5cc12249）': a scale as messages name it; the version tells two
    states of one scale apart (a changed floor)."""
    return f"{scale.name}（{'・'.join(scale.codes)}、版 {scale.fingerprint()[:8]}）"


def _canon(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
