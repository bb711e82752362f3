"""Charts of the roll-up: stacked bars of 共通区分 counts, one bar per row (a city, or a 重点課題).

Drawn as generators/charts.py draws the report's charts: a Figure with its own Agg canvas and the
IPAex Gothic font of matplotlib-fontja; colours by 共通区分 as in the reports (scale_view).
"""
from __future__ import annotations

from pathlib import Path

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties

from workbook.domain.rollup import CLASSES, UNGRADED, ClassCounts
from workbook.domain.scale import Common

from .charts import japanese_font, legend_columns, row_major, stacked_bars, style_axis
from .scale_view import UNGRADED_STYLE
from .table_fit import ems

STYLE = {Common.ABOVE.value: ("#2E75B6", ""), Common.MET.value: ("#9DC3E6", ""),
         Common.BELOW.value: ("#ED7D31", ""), Common.UNASSESSABLE.value: ("#A5A5A5", ""),
         Common.NOT_APPLICABLE.value: ("#D9D9D9", ".."), UNGRADED: UNGRADED_STYLE}
DPI = 150


def class_chart(rows: list[tuple[str, ClassCounts]], path: Path, title: str = "", xlabel: str = "取組数") -> Path:
    font = japanese_font()
    small = FontProperties(fname=font.get_file(), size=8)
    shown = [c for c in CLASSES if any(counts.counts.get(c, 0) for _, counts in rows)] or [CLASSES[0]]
    ncol = legend_columns(shown)
    legend_rows = -(-len(shown) // ncol)
    bottom_in, top_in = 0.5 + 0.22 * legend_rows, 0.35 if title else 0.15
    height = 0.28 * max(len(rows), 1) + bottom_in + top_in
    left_in = max((ems(label) for label, _ in rows), default=2) * 8 / 72 + 0.25
    with matplotlib.rc_context({"font.family": font.get_name(), "axes.unicode_minus": False}):
        fig = Figure(figsize=(6.4, height), dpi=DPI)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        segments = [(cls, *STYLE[cls], [counts.counts.get(cls, 0) for _, counts in rows]) for cls in shown]
        stacked_bars(ax, [label for label, _ in rows], segments, small, linewidth=0.5, height=0.65, min_share=0.03)
        ax.set_ylim(-0.6, len(rows) - 0.4)
        style_axis(ax, xlabel, small, title, FontProperties(fname=font.get_file(), size=10))
        handles, labels = ax.get_legend_handles_labels()
        ax.legend(row_major(handles, ncol), row_major(labels, ncol), loc="upper center",
                  bbox_to_anchor=(0.5, -0.42 / (height - bottom_in - top_in)), ncol=ncol, frameon=False, prop=small,
                  handlelength=1.2, columnspacing=1.0)
        # fixed margins instead of tight_layout, which draws the figure twice (charts are most of the time)
        fig.subplots_adjust(left=min(left_in / 6.4, 0.55), right=0.97, bottom=bottom_in / height,
                            top=1 - top_in / height)
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, format="png")
    return path
