"""Charts for the documents, drawn with the IPAex Gothic font that matplotlib-fontja ships (works offline).

No pyplot: a Figure with its own Agg canvas, so nothing depends on a display or global figure state.
"""
from __future__ import annotations

from pathlib import Path

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties

from workbook.domain.progress import GradeCounts
from workbook.domain.scale import Scale
from workbook.domain.scale_presets import DEFAULT_SCALE

from .scale_view import chart_style, is_dark, legend_label
from .table_fit import ems

LEGEND_EMS = 54            # what fits one line of the legend, in 9-point full-width characters
_KEY_EMS = 3.0             # a legend entry's colour key and the spaces around it


def series(scale: Scale) -> list[tuple[str, str, str]]:
    """(code, colour, hatch) per code of the scale in its order, then 未評価 (''): one series each."""
    return [(code, *chart_style(scale, code)) for code in scale.codes + ("",)]


def legend_columns(labels: list[str]) -> int:
    """All labels on one line when they fit, else as many columns as the longest label allows."""
    if sum(ems(label) + _KEY_EMS for label in labels) <= LEGEND_EMS:
        return max(len(labels), 1)
    return max(1, min(len(labels), int(LEGEND_EMS // (max(ems(label) for label in labels) + _KEY_EMS))))


def row_major(items: list, ncol: int) -> list:
    """items in the order matplotlib fills a legend (column by column) so that they read row by row."""
    nrows = -(-len(items) // ncol) if items else 0
    return [items[r * ncol + c] for c in range(ncol) for r in range(nrows) if r * ncol + c < len(items)]


def japanese_font() -> FontProperties:
    """The font file matplotlib-fontja ships (IPAexGothic), registered with matplotlib."""
    import matplotlib_fontja  # registers the font on import

    return FontProperties(fname=matplotlib_fontja.get_font_ttf_path())


def stacked_bars(ax, names: list[str], segments: list[tuple[str, str, str, list[int]]], small: FontProperties,
                 linewidth: float, height: float, min_share: float = 0.0) -> None:
    """Horizontal bars, one per name (top to bottom in the order given), one segment per (label, colour,
    hatch, values), each count written in its segment (not in one narrower than min_share of the
    longest bar so far). The x axis ends just past the longest bar."""
    left = [0] * len(names)
    for label, colour, hatch, values in segments:
        values = values[::-1]
        bars = ax.barh(names[::-1], values, left=left, color=colour, hatch=hatch, edgecolor="#404040",
                       linewidth=linewidth, label=label, height=height)
        for bar, value in zip(bars, values):
            if value and bar.get_width() >= max(max(left) + max(values), 1) * min_share:
                ax.text(bar.get_x() + bar.get_width() / 2, bar.get_y() + bar.get_height() / 2, str(value),
                        ha="center", va="center", fontproperties=small,
                        color="white" if is_dark(colour) else "black",
                        bbox={"facecolor": "white", "edgecolor": "none", "pad": 1} if hatch else None)
        left = [a + b for a, b in zip(left, values)]
    ax.set_xlim(0, max(left + [1]) * 1.05)


def style_axis(ax, xlabel: str, small: FontProperties, title: str, title_font: FontProperties) -> None:
    """The house look of a bar chart: integer ticks, a light grid behind the bars, no top/right frame."""
    ax.set_xlabel(xlabel, fontproperties=small)
    ax.xaxis.get_major_locator().set_params(integer=True)
    for tick in ax.get_xticklabels() + ax.get_yticklabels():
        tick.set_fontproperties(small)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="x", color="#D9D9D9", linewidth=0.5)
    ax.set_axisbelow(True)
    if title:
        ax.set_title(title, fontproperties=title_font)


def grade_distribution_chart(rows: list[tuple[str, GradeCounts]], path: Path, title: str = "",
                             xlabel: str = "取組数", scale: Scale | None = None) -> Path:
    """Stacked horizontal bars, one per row (基本目標), one segment per code of the scale and 未評価,
    each count written in its segment. scale: the rows' own when not given."""
    scale = scale or (rows[0][1].scale if rows else DEFAULT_SCALE)
    font = japanese_font()
    small = FontProperties(fname=font.get_file(), size=9)
    shown = [(code, colour, hatch) for code, colour, hatch in series(scale)
             if code or any(counts.counts.get("", 0) for _, counts in rows)]
    labels = [legend_label(scale, code) for code, _, _ in shown]
    ncol = legend_columns(labels)
    legend_rows = -(-len(labels) // ncol)
    height = 0.4 * max(len(rows), 1) + 1.0 + 0.25 * legend_rows
    with matplotlib.rc_context({"font.family": font.get_name(), "axes.unicode_minus": False}):
        fig = Figure(figsize=(6.4, height), dpi=200)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        segments = [(label, colour, hatch, [counts.counts.get(code, 0) for _, counts in rows])
                    for (code, colour, hatch), label in zip(shown, labels)]
        stacked_bars(ax, [label for label, _ in rows], segments, small, linewidth=0.6, height=0.6)
        style_axis(ax, xlabel, small, title, FontProperties(fname=font.get_file(), size=11))
        handles, names = ax.get_legend_handles_labels()
        ax.legend(row_major(handles, ncol), row_major(names, ncol), loc="upper center",
                  bbox_to_anchor=(0.5, -0.22 if len(rows) > 3 else -0.35), ncol=ncol,
                  frameon=False, prop=small, handlelength=1.2, columnspacing=1.0)
        fig.tight_layout()
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, format="png")
    return path
