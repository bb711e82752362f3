"""The grade counts both documents show: tables with one column per code of the city's scale.

Columns: the codes counted in shares in the scale's order, then 未評価; after a divider, the
codes the scale leaves out of shares (割合の分母 = 除く), with counts only; then, when the scale
gives 点数, the points average and the code nearest it. The templates loop over these columns
({%tc for %}), so no template names a code.
"""
from __future__ import annotations

from workbook.domain.house_style import number, percent
from workbook.domain.plan import EvaluationKind, Plan
from workbook.domain.progress import GradeCounts, Summary
from workbook.domain.scale import Scale

from .scale_view import (UNGRADED_LABEL, average_text, codes_text, counted_codes, excluded_codes, points_rule)
from .table_fit import LABEL_MIN_MM, needed_mm

SCOPE_WITH = "再掲を含む"
SCOPE_WITHOUT = "再掲を除く"
TOTAL_HEADER = "取組数"
POINTS_HEADER = "平均点"
PAGE_MM = 170.0            # the templates' text width (A4, 20 mm margins)
_WIDEST_ONE_LINE = "99（99％）"   # a count and its share on one line
NBSP = "\u00a0"            # a code and its count: Word keeps them on one line (LibreOffice may still break there)


def columns(scale: Scale) -> dict:
    """The headers of a counts table after 区分 and 取組数."""
    return {"counted": list(counted_codes(scale)) + [UNGRADED_LABEL], "apart": list(excluded_codes(scale)),
            "points": scale.has_points}


def _one_line_width(scale: Scale, sample: str = _WIDEST_ONE_LINE) -> float:
    cols = columns(scale)
    width = needed_mm([TOTAL_HEADER, "999"])
    width += sum(needed_mm([header, sample]) for header in cols["counted"])
    width += sum(needed_mm([header, "99"]) for header in cols["apart"])
    if cols["points"]:
        longest = max((g.code for g in scale.grades if g.points is not None), key=len)
        width += needed_mm([POINTS_HEADER, f"99.9（{longest}）"])
    return width


def two_lines(scale: Scale) -> bool:
    """Count and share on two lines in every cell when one line would leave the row labels too narrow."""
    return LABEL_MIN_MM + _one_line_width(scale) > PAGE_MM


def count_text(counts: GradeCounts, grade: str, two: bool = False) -> str:
    """'12（36％）' (or '12' over '36％'): a count and its share; a code left out of shares: the count alone."""
    n = number(counts.counts.get(grade, 0))
    if grade and not counts.scale.in_denominator(grade):
        return n
    if not counts.total:
        return "0"
    share = percent(counts.share(grade))
    return f"{n}\n{share}" if two else f"{n}（{share}）"


def counts_row(label: str, counts: GradeCounts, sub: bool = False, two: bool = False) -> dict:
    """A row of a counts table; a sub-row (うち…) is indented with a full-width space."""
    scale = counts.scale
    return {"label": f"　{label}" if sub else label, "total": number(counts.total), "sub": sub,
            "cells": [count_text(counts, code, two) for code in counted_codes(scale) + ("",)],
            "apart": [count_text(counts, code, two) for code in excluded_codes(scale)],
            "points": average_text(scale, counts.points_average, two) if scale.has_points else ""}


def counts_line(counts: GradeCounts) -> str:
    """'A 2件・B 4件・C 0件・－ 1件・未評価 0件': every code of the scale in order, then 未評価."""
    parts = [f"{code}{NBSP}{number(counts.counts.get(code, 0))}件" for code in counts.scale.codes]
    parts.append(f"{UNGRADED_LABEL}{NBSP}{number(counts.counts.get('', 0))}件")
    return "・".join(parts)


def grades_line(counts: GradeCounts) -> str:
    """'A 2（7％）、B 4（13％）…': counts and shares in one sentence; 未評価 only when there are some;
    the codes left out of shares at the end, with counts only."""
    scale = counts.scale
    parts = [f"{code}{NBSP}{count_text(counts, code)}" for code in counted_codes(scale)]
    if counts.counts.get("", 0):
        parts.append(f"{UNGRADED_LABEL}{NBSP}{count_text(counts, '')}")
    line = "、".join(parts)
    apart = [f"{code}{NBSP}{number(counts.counts.get(code, 0))}件" for code in excluded_codes(scale)]
    if apart:
        line += f"。割合の計算から除く取組：{'、'.join(apart)}"
    return line


def counts_form(two: bool) -> str:
    """How a cell holds its numbers, for a caption ('件数（割合）')."""
    return "上段は件数、下段は割合" if two else "件数（割合）"


def counts_note(scale: Scale, two: bool) -> str:
    """The note under a counts table: what a cell holds and what the shares are of."""
    apart = codes_text(excluded_codes(scale))
    base = f"取組数から{apart}の件数を除いた数" if apart else "取組数"
    cell = "各欄の上段は件数、下段は割合です。" if two else "各欄は件数（割合）。"
    note = f"{cell}割合は{base}に対するもので、四捨五入のため合計が100％にならない場合があります。"
    if apart:
        note += f"{apart}の欄は件数のみで、割合の計算から除いています。"
    return note


def points_note(scale: Scale) -> str:
    """How the 平均点 column is made ('' when the scale gives no 点数)."""
    if not scale.has_points:
        return ""
    left_out = codes_text([g.code for g in scale.grades if g.points is None])
    without = f"。{left_out}と未評価は除く" if left_out else "。未評価は除く"
    return (f"平均点は、達成度の点数（{points_rule(scale)}{without}）の平均です。"
            "かっこ内は平均点に最も近い達成度（同じだけ離れているときは低い方）です。")


# --- the tables ----------------------------------------------------------------------------
def overall_table(summary: Summary, two: bool) -> dict:
    rows = [counts_row("計画全体", summary.counts(False), two=two)]
    for kind in EvaluationKind:
        rows.append(counts_row(f"うち{kind.value}評価", summary.counts(False, kind=kind), sub=True, two=two))
    return {"scope": SCOPE_WITHOUT, "rows": rows,
            "reference": counts_row(f"（参考）{SCOPE_WITH}", summary.counts(True), two=two)}


def goal_table(summary: Summary, plan: Plan, split: bool, two: bool) -> dict:
    rows = []
    for goal in plan.goals:
        rows.append(counts_row(f"基本目標{goal.code}　{goal.name}", summary.counts(True, goal=goal.code), two=two))
        if split:
            for kind in EvaluationKind:
                rows.append(counts_row(f"うち{kind.value}評価", summary.counts(True, goal=goal.code, kind=kind),
                                       sub=True, two=two))
    return {"scope": SCOPE_WITH, "rows": rows, "total": counts_row("合計", summary.counts(True), two=two)}


def chart_rows(summary: Summary, plan: Plan) -> list[tuple[str, GradeCounts]]:
    """(label, counts) per 基本目標, 再掲を含む — the same numbers as goal_table."""
    return [(f"基本目標{g.code}", summary.counts(True, goal=g.code)) for g in plan.goals]


def counts_context(summary: Summary, scale: Scale) -> dict:
    """What both documents say about the columns of their counts tables."""
    two = two_lines(scale)
    return {"columns": columns(scale), "counts_form": counts_form(two), "counts_note": counts_note(scale, two),
            "points_note": points_note(scale)}
