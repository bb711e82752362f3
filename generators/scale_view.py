"""How a city's evaluation scale (評価基準) shows in the documents: colours and sentences.

Nothing here names a grading code: colours follow each code's 共通区分 and its rank among the
codes of the same 共通区分; sentences list the codes the scale gives, in the scale's order.
"""
from __future__ import annotations

from workbook.domain.house_style import PERCENT, number
from workbook.domain.scale import Common, Grade, Scale

UNGRADED_LABEL = "未評価"

# Chart colours by 共通区分, in order of rank within the group (best first). They stay apart when
# printed in grey: blues for at or above the target, oranges for below, greys for the rest.
_CHART = {
    Common.ABOVE: ("#1F4E78", "#2E75B6", "#203864"),
    Common.MET: ("#5B9BD5", "#9DC3E6", "#BDD7EE"),
    Common.BELOW: ("#F4B183", "#ED7D31", "#C55A11", "#843C0C"),
    Common.UNASSESSABLE: ("#A5A5A5", "#7F7F7F", "#595959"),
    Common.NOT_APPLICABLE: ("#D9D9D9", "#BFBFBF"),
}
_HATCH = {Common.NOT_APPLICABLE: ".."}
UNGRADED_STYLE = ("#FFFFFF", "///")
# Light cell shading by 共通区分 (the grade cell of an action's table).
_FILL = {Common.ABOVE: "DDEBF7", Common.MET: "E2EFDA", Common.BELOW: "FCE4E4",
         Common.UNASSESSABLE: "EDEDED", Common.NOT_APPLICABLE: "F2F2F2"}
NO_FILL = "FFFFFF"


def _group(scale: Scale, grade: Grade) -> list[Grade]:
    """The codes sharing grade's 共通区分: ranked ones best first, then the others in table order."""
    same = [g for g in scale.grades if g.common is grade.common]
    return sorted((g for g in same if g.ranked), key=lambda g: -g.rank) + [g for g in same if not g.ranked]


def chart_style(scale: Scale, code: str) -> tuple[str, str]:
    """(colour, hatch) of a code's series; 未評価 ('') is white and hatched."""
    grade = scale.grade(code) if code else None
    if grade is None:
        return UNGRADED_STYLE
    group = _group(scale, grade)
    shades = _CHART[grade.common]
    # one code alone in a group takes the group's usual colour (the second shade for 下回った)
    start = 1 if len(group) == 1 and grade.common is Common.BELOW else 0
    return shades[(start + group.index(grade)) % len(shades)], _HATCH.get(grade.common, "")


def is_dark(colour: str) -> bool:
    """Whether white text reads better than black on the colour (relative luminance)."""
    r, g, b = (int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.5


def cell_fill(scale: Scale, code: str) -> str:
    grade = scale.grade(code) if code else None
    return _FILL.get(grade.common, NO_FILL) if grade else NO_FILL


def legend_label(scale: Scale, code: str) -> str:
    """'A：目標を上回った'; a code that is its own name ('完了') once; '' is 未評価."""
    grade = scale.grade(code) if code else None
    if grade is None:
        return UNGRADED_LABEL
    return grade.code if grade.name in ("", grade.code) else grade.label


def grade_text(scale: Scale, code: str) -> str:
    """'A（目標を上回った）' for a card; 未評価 for ''."""
    grade = scale.grade(code) if code else None
    if grade is None:
        return UNGRADED_LABEL
    return grade.code if grade.name in ("", grade.code) else f"{grade.code}（{grade.name}）"


def codes_text(codes: list[str] | tuple[str, ...]) -> str:
    return "・".join(codes)


def percent_floor(value: float) -> str:
    """110 -> '110％', 87.5 -> '87.5％': a 判定下限 as the scale gives it (not rounded)."""
    return f"{number(value)}{PERCENT}"


def ratio_rule(scale: Scale) -> str:
    """'110％以上でA、90％以上でB、それ未満でC': the codes a ratio suggests (Scale.for_ratio), in words.

    '' when no code has a 判定下限."""
    floored = [g for g in scale.ranked if g.floor is not None]
    if not floored:
        return ""
    parts = [f"{percent_floor(g.floor)}以上で{g.code}" for g in floored[:-1]]
    parts.append(f"それ未満で{floored[-1].code}" if parts else f"{floored[-1].code}")
    return "、".join(parts)


def reason_codes(scale: Scale) -> tuple[str, ...]:
    """The codes that need a reason (理由必須), in table order."""
    return tuple(g.code for g in scale.grades if g.reason_required)


def above_codes(scale: Scale) -> tuple[str, ...]:
    """The codes whose 共通区分 is 上回った (the actions the committee summary shows as results)."""
    return tuple(g.code for g in scale.grades if g.common is Common.ABOVE)


def excluded_codes(scale: Scale) -> tuple[str, ...]:
    """The codes left out of shares (割合の分母 = 除く), in table order."""
    return tuple(g.code for g in scale.grades if not g.in_denominator)


def counted_codes(scale: Scale) -> tuple[str, ...]:
    return tuple(g.code for g in scale.grades if g.in_denominator)


def points_text(value: float | None) -> str:
    return "" if value is None else number(value)


def points_rule(scale: Scale) -> str:
    """'S 100点、A 75点、B 50点、C 25点' ('' when the scale gives no 点数)."""
    return "、".join(f"{g.code} {points_text(g.points)}点" for g in scale.grades if g.points is not None)


def average_text(scale: Scale, average: float | None, two_lines: bool = False) -> str:
    """'62.5（B）': a points average and the code nearest it (a tie goes to the lower code); '－' without."""
    if average is None:
        return "－"
    return f"{average:.1f}" + ("\n" if two_lines else "") + f"（{scale.nearest(average)}）"


def invalid_grade(scale: Scale) -> str:
    """'達成度が ＜the scale's codes＞ 以外'."""
    return f"達成度が {codes_text(scale.codes)} 以外"
