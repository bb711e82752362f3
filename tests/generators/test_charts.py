"""The grade-distribution chart: drawn offline with the font matplotlib-fontja ships."""
from __future__ import annotations

import warnings

from PIL import Image

from generators.charts import grade_distribution_chart, japanese_font
from workbook.domain.progress import GradeCounts


def counts(a: int, b: int, c: int, dash: int, ungraded: int = 0) -> GradeCounts:
    return GradeCounts({"A": a, "B": b, "C": c, "－": dash, "": ungraded}, a + b + c + dash + ungraded)


def test_font_is_the_packaged_ipaex_gothic():
    font = japanese_font()
    assert font.get_file().endswith("ipaexg.ttf")
    assert "matplotlib_fontja" in font.get_file()


def test_chart_has_no_missing_glyphs_and_is_a_png(tmp_path):
    rows = [("基本目標1", counts(1, 2, 1, 0)), ("基本目標2", counts(0, 3, 0, 2, 1)), ("基本目標3", counts(0, 0, 0, 0))]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font" for tofu
        path = grade_distribution_chart(rows, tmp_path / "c.png", title="達成度（再掲を含む）", xlabel="取組数")
    with Image.open(path) as image:
        assert image.format == "PNG"
        width, height = image.size
    assert width == 1280 and height > 400


def test_chart_with_no_actions_still_draws(tmp_path):
    path = grade_distribution_chart([], tmp_path / "empty.png")
    assert path.stat().st_size > 0
