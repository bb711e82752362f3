"""The evaluation scale as data: presets, combination over 順位, suggestions from 判定下限."""
import pytest

from workbook.domain.scale import CombineRule, Trend
from workbook.domain.scale_presets import FIVE_LEVELS, FOUR_LEVELS, PRESETS, PROGRESS_CLASSES, SAITAMA, legacy_scale


@pytest.mark.parametrize("ratio,code", [(306 / 120 * 100, "A"), (110.0, "A"), (109.9, "B"), (90.0, "B"),
                                        (89.9, "C"), (0.0, "C"), (-50.0, "C")])
def test_saitama_floors(ratio, code):
    assert SAITAMA.for_ratio(ratio) == code


def test_no_ratio_no_suggestion():
    assert SAITAMA.for_ratio(None) is None


def test_four_levels_and_progress_classes_use_their_own_floors():
    assert [FOUR_LEVELS.for_ratio(r) for r in (130, 119, 85, 10)] == ["S", "A", "B", "C"]
    assert [PROGRESS_CLASSES.for_ratio(r) for r in (125, 100, 80, 79)] == ["S", "A", "B", "C"]


def test_trend_marks():
    assert [SAITAMA.for_trend(t) for t in Trend] == ["A", "B", "C"]


@pytest.mark.parametrize("codes,rule,expected", [
    (["B", "－"], CombineRule.LOWEST, "B"),      # seed 002's footnote: － is ignored
    (["B", "C"], CombineRule.LOWEST, "C"),
    (["A", "B"], CombineRule.LOWEST, "B"),
    (["－", "－"], CombineRule.LOWEST, "－"),     # ignored unless every grade is such a code
    (["B", "－"], CombineRule.LOWEST_STRICT, "－"),
    (["A", "C"], CombineRule.HIGHEST, "A"),
    (["B", ""], CombineRule.LOWEST, ""),          # one department still missing
    (["B", "Z"], CombineRule.LOWEST, ""),         # not a code of the scale
    (["A"], CombineRule.LOWEST, "A"),
])
def test_combination_over_rank(codes, rule, expected):
    assert SAITAMA.combine(codes, rule) == expected


def test_points_average_rounds_to_the_nearest_code_and_a_tie_goes_down():
    # 4段階: S 100, A 75, B 50, C 25
    assert FOUR_LEVELS.combine(["S", "A"], CombineRule.POINTS) == "A"     # 87.5: tie between S and A -> A
    assert FOUR_LEVELS.combine(["S", "S", "C"], CombineRule.POINTS) == "A"  # 75
    assert FOUR_LEVELS.combine(["S", "－"], CombineRule.POINTS) == "S"    # － ignored
    assert FIVE_LEVELS.nearest(90.0) == "B"     # A 100 / B 80: tie -> lower
    assert FOUR_LEVELS.points_average(["S", "－", "C"]) == pytest.approx(62.5)


def test_excluded_codes_and_reasons_are_data():
    assert not PROGRESS_CLASSES.in_denominator("中止") and PROGRESS_CLASSES.in_denominator("評価困難")
    assert [g.code for g in SAITAMA.grades if g.reason_required] == ["C", "－"]
    assert PROGRESS_CLASSES.combine(["中止", "評価困難"], CombineRule.LOWEST) == "中止"   # first in table order
    assert PROGRESS_CLASSES.combine(["A", "中止"], CombineRule.LOWEST) == "A"


def test_unranked_codes_are_never_flagged_against_a_suggestion():
    assert SAITAMA.differs_from_suggestion("－", "A") is False
    assert SAITAMA.differs_from_suggestion("C", "A") is True
    assert SAITAMA.differs_from_suggestion("A", None) is False


@pytest.mark.parametrize("typed,code", [("Ａ", "A"), (" b ", "B"), ("ｃ", "C"), ("-", "－"), ("ー", "－"),
                                        ("―", "－"), ("", ""), (None, ""), ("D", None), ("AB", None)])
def test_typed_codes_are_normalised_to_the_scale(typed, code):
    assert SAITAMA.normalize(typed) == code


def test_word_codes_and_symbols():
    assert PROGRESS_CLASSES.normalize(" 完了 ") == "完了"
    assert PRESETS["3段階"].normalize("◎") == "◎"
    assert PRESETS["3段階"].normalize("A") is None


def test_fingerprint_changes_with_anything_that_decides_a_grade():
    assert SAITAMA.fingerprint() == legacy_scale(110, 90).fingerprint()
    assert SAITAMA.fingerprint() != legacy_scale(120, 90).fingerprint()
    assert len({s.fingerprint() for s in PRESETS.values()}) == len(PRESETS)


def test_legacy_rule_names_still_parse():
    assert CombineRule.parse("－を除き低い方") is CombineRule.LOWEST
    assert CombineRule.parse("低い方（－も含む）") is CombineRule.LOWEST_STRICT
    with pytest.raises(ValueError):
        CombineRule.parse("平均")


def test_circles_typed_for_the_white_circle_are_the_white_circle():
    assert PRESETS["3段階"].normalize("〇") == "○" and PRESETS["3段階"].normalize("◯") == "○"


def test_ignored_codes_follow_the_table_order_whatever_the_order_given():
    assert PROGRESS_CLASSES.combine(["評価困難", "中止"], CombineRule.LOWEST_STRICT) == "中止"
    assert PROGRESS_CLASSES.combine(["中止", "評価困難"], CombineRule.LOWEST_STRICT) == "中止"


def test_a_code_no_rule_can_suggest_is_never_flagged():
    assert PROGRESS_CLASSES.differs_from_suggestion("完了", "S") is False     # no 判定下限, no 基準値比 mark
    assert PROGRESS_CLASSES.differs_from_suggestion("C", "S") is True


def test_presets_by_name_in_any_width():
    from workbook.domain.scale_presets import preset

    assert preset("４段階") is FOUR_LEVELS and preset("なし") is None
