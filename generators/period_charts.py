"""One chart per indicator for the 計画期間評価報告書: baseline → each year's actual → target.

Better is always up: for a 以下 indicator (lower is better) the value axis is inverted and says
so. The target is a dashed line; where the indicator is judged by 進捗率 the pace line (the
straight way from the baseline to the target) is dotted; the year still open (見込み) is a hollow
marker. No pyplot (see generators/charts.py).
"""
from __future__ import annotations

from pathlib import Path

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties

from workbook.domain.era import short_label
from workbook.domain.house_style import house_text, number
from workbook.domain.indicator_rules import expected_value
from workbook.domain.plan import Accumulation, IndicatorRule

from .charts import japanese_font
from .period import ESTIMATE, Trajectory

ACTUAL, TARGET, PACE = "#1F4E78", "#C00000", "#7F7F7F"


def trajectory_chart(t: Trajectory, years: list[int], estimate_year: int | None, path: Path) -> Path:
    """years: the period's fiscal years (the x axis, after the baseline year when it is earlier)."""
    fig = trajectory_figure(t, years, estimate_year)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png")
    return path


def trajectory_figure(t: Trajectory, years: list[int], estimate_year: int | None) -> Figure:
    font = japanese_font()
    small = FontProperties(fname=font.get_file(), size=8)
    base_year, target_year = t.baseline_year, t.target_year
    xs = sorted(set(years) | ({base_year} if base_year else set()) | ({target_year} if target_year else set()))
    labels = [short_label(y) + ("（基準）" if y == base_year else f"（{ESTIMATE}）" if y == estimate_year else "")
              for y in xs]
    unit = house_text(t.indicator.unit)     # 75％, not 75%
    values = t.values                        # for 累計, the running totals
    with matplotlib.rc_context({"font.family": font.get_name(), "axes.unicode_minus": False}):
        fig = Figure(figsize=(5.2, 2.8), dpi=200)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        points = [(y, values.get(y)) for y in years if values.get(y) is not None]
        if base_year and t.indicator.baseline is not None:
            points = [(base_year, t.indicator.baseline)] + [p for p in points if p[0] != base_year]
        closed = [p for p in points if p[0] != estimate_year]
        if closed:
            ax.plot([xs.index(y) for y, _ in closed], [v for _, v in closed], color=ACTUAL, marker="o",
                    linewidth=1.6, markersize=5,
                    label="累計（各年度までの実績の合計）" if t.cumulative else "実績値（基準値）")
        guess = [p for p in points if p[0] == estimate_year]
        if guess:
            last = closed[-1:] + guess
            ax.plot([xs.index(y) for y, _ in last], [v for _, v in last], color=ACTUAL, linestyle="--", linewidth=1.2)
            ax.plot([xs.index(y) for y, _ in guess], [v for _, v in guess], color=ACTUAL, linestyle="--", marker="o",
                    markerfacecolor="white", linewidth=1.2, markersize=5, label=f"{ESTIMATE}")
        for y, v in points:
            ax.annotate(f"{number(v)}{unit}", (xs.index(y), v), textcoords="offset points", xytext=(0, 6),
                        ha="center", fontproperties=small, color=ACTUAL, zorder=4,
                        bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.85})
        target = t.indicator.target
        if target is not None:
            ax.axhline(target, color=TARGET, linestyle="--", linewidth=1.0,
                       label=f"目標値 {number(target)}{unit}" + (f"（{short_label(target_year)}）" if target_year else "")
                       + (f"（{Accumulation.CUMULATIVE.value}）" if t.cumulative else ""))
        if (t.rule is IndicatorRule.PACE and None not in (target, t.indicator.baseline, base_year, target_year)):
            pace = [expected_value(t.indicator.baseline, base_year, target, target_year, y) for y in xs]
            # drawn over the actuals: an indicator exactly on pace would otherwise hide it
            ax.plot(range(len(xs)), pace, color=PACE, linestyle=":", linewidth=1.8, zorder=3,
                    label="目標に向かう線（進捗率の基準）")
        values = [v for _, v in points] + ([target] if target is not None else [])
        if values:
            low, high = min(values), max(values)
            pad = (high - low) * 0.25 or abs(high) * 0.1 or 1
            ax.set_ylim(low - pad, high + pad)
        if t.lower_is_better:
            ax.invert_yaxis()
        ax.set_xticks(range(len(xs)), labels)
        ax.set_xlim(-0.4, len(xs) - 0.6)
        ax.set_ylabel(("少ないほど良い" if t.lower_is_better else "多いほど良い") + (f"（{unit}）" if unit else ""),
                      fontproperties=small)
        ax.text(0.0, 1.02, "▲ 良い方向", transform=ax.transAxes, ha="left", va="bottom", fontproperties=small,
                color="#404040")
        for tick in ax.get_xticklabels() + ax.get_yticklabels():
            tick.set_fontproperties(small)
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(axis="y", color="#D9D9D9", linewidth=0.5)
        ax.set_axisbelow(True)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, frameon=False, prop=small,
                  handlelength=2.0, columnspacing=1.0)
        fig.tight_layout()
    return fig
