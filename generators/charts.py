"""Charts for the documents, drawn with the IPAex Gothic font that matplotlib-fontja ships (works offline).

No pyplot: a Figure with its own Agg canvas, so nothing depends on a display or global figure state.
"""
from __future__ import annotations

from pathlib import Path

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties

from workbook.domain.grades import DASH, GRADE_LABELS, GRADES
from workbook.domain.progress import GradeCounts

# (grade, colour, hatch): colours that stay distinct when printed in grey, hatches for 未評価.
SERIES = (
    ("A", "#1F4E78", ""),
    ("B", "#5B9BD5", ""),
    ("C", "#ED7D31", ""),
    (DASH, "#A5A5A5", ""),
    ("", "#FFFFFF", "///"),
)
UNGRADED_LABEL = "未評価"


def japanese_font() -> FontProperties:
    """The font file matplotlib-fontja ships (IPAexGothic), registered with matplotlib."""
    import matplotlib_fontja  # registers the font on import

    return FontProperties(fname=matplotlib_fontja.get_font_ttf_path())


def grade_distribution_chart(rows: list[tuple[str, GradeCounts]], path: Path, title: str = "",
                             xlabel: str = "取組数") -> Path:
    """Stacked horizontal bars, one per row (基本目標), counts of A/B/C/－/未評価 written in each segment."""
    font = japanese_font()
    small = FontProperties(fname=font.get_file(), size=9)
    height = 0.4 * max(len(rows), 1) + 1.25
    with matplotlib.rc_context({"font.family": font.get_name(), "axes.unicode_minus": False}):
        fig = Figure(figsize=(6.4, height), dpi=200)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        labels = [label for label, _ in rows][::-1]
        left = [0] * len(rows)
        for grade, colour, hatch in SERIES:
            values = [counts.counts.get(grade, 0) for _, counts in rows][::-1]
            if grade == "" and not any(values):
                continue
            name = f"{grade}：{GRADE_LABELS[grade]}" if grade in GRADES else UNGRADED_LABEL
            bars = ax.barh(labels, values, left=left, color=colour, hatch=hatch, edgecolor="#404040",
                           linewidth=0.6, label=name, height=0.6)
            for bar, value in zip(bars, values):
                if value:
                    dark = colour in ("#1F4E78", "#ED7D31")
                    ax.text(bar.get_x() + bar.get_width() / 2, bar.get_y() + bar.get_height() / 2, str(value),
                            ha="center", va="center", fontproperties=small,
                            color="white" if dark else "black",
                            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1} if hatch else None)
            left = [a + b for a, b in zip(left, values)]
        ax.set_xlabel(xlabel, fontproperties=small)
        ax.set_xlim(0, max(left + [1]) * 1.05)
        ax.xaxis.get_major_locator().set_params(integer=True)
        for tick in ax.get_xticklabels() + ax.get_yticklabels():
            tick.set_fontproperties(small)
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(axis="x", color="#D9D9D9", linewidth=0.5)
        ax.set_axisbelow(True)
        if title:
            ax.set_title(title, fontproperties=FontProperties(fname=font.get_file(), size=11))
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22 if len(rows) > 3 else -0.35), ncol=5,
                  frameon=False, prop=small, handlelength=1.2, columnspacing=1.0)
        fig.tight_layout()
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, format="png")
    return path
