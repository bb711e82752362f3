"""The grade-distribution chart: drawn offline with the font matplotlib-fontja ships, one series per code."""
from __future__ import annotations

import warnings

import pytest
from PIL import Image

from generators.charts import grade_distribution_chart, japanese_font, legend_columns, series
from generators.scale_view import legend_label
from workbook.domain.progress import GradeCounts
from workbook.domain.scale_presets import DEFAULT_SCALE, PRESETS


def counts(scale, *numbers: int, ungraded: int = 0) -> GradeCounts:
    """numbers: one count per code of the scale, in its order."""
    values = dict(zip(scale.codes, numbers))
    values = {code: values.get(code, 0) for code in scale.codes} | {"": ungraded}
    return GradeCounts(values, sum(values.values()), scale)


def test_font_is_the_packaged_ipaex_gothic():
    font = japanese_font()
    assert font.get_file().endswith("ipaexg.ttf")
    assert "matplotlib_fontja" in font.get_file()


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_chart_has_no_missing_glyphs_and_is_a_png(tmp_path, name):
    scale = PRESETS[name]
    rows = [("基本目標1", counts(scale, 1, 2, 1, 0)), ("基本目標2", counts(scale, 0, 3, 0, 2, 1, ungraded=1)),
            ("基本目標3", counts(scale))]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font" for tofu
        path = grade_distribution_chart(rows, tmp_path / "c.png", title="達成度（再掲を含む）", xlabel="取組数")
    with Image.open(path) as image:
        assert image.format == "PNG"
        width, height = image.size
    assert width == 1280 and height > 400


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_one_series_per_code_in_the_scales_order_with_distinct_colours(name):
    scale = PRESETS[name]
    drawn = series(scale)
    assert [code for code, _, _ in drawn] == list(scale.codes) + [""]
    styles = [(colour, hatch) for _, colour, hatch in drawn]
    assert len(set(styles)) == len(styles)
    labels = [legend_label(scale, code) for code in scale.codes]
    assert all(label.startswith(code) for label, code in zip(labels, scale.codes))


def test_the_legend_takes_more_lines_when_the_labels_are_long():
    short = [legend_label(DEFAULT_SCALE, c) for c in DEFAULT_SCALE.codes] + ["未評価"]
    long = [legend_label(PRESETS["進捗区分"], c) for c in PRESETS["進捗区分"].codes] + ["未評価"]
    assert legend_columns(short) == len(short)
    assert 1 <= legend_columns(long) < len(long)


def test_chart_with_no_actions_still_draws(tmp_path):
    path = grade_distribution_chart([], tmp_path / "empty.png")
    assert path.stat().st_size > 0
