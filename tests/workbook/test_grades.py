import pytest

from workbook.domain.grades import (MultiDepartmentRule, Thresholds, achievement_ratio, consolidate,
                             differs_from_suggestion, suggest_grade)


@pytest.mark.parametrize("actual,target,grade", [
    (306, 120, "A"), (132, 120, "A"), (131.9, 120, "B"), (108, 120, "B"), (107.9, 120, "C"), (0, 120, "C"),
])
def test_saitama_thresholds(actual, target, grade):
    assert suggest_grade(actual, target) == grade


def test_lower_is_better_runs_the_other_way():
    # 再犯者率 46.5% -> target 45.0%: 45.0 actual is on target, 50 is worse
    assert achievement_ratio(45.0, 45.0, "以下") == pytest.approx(100.0)
    assert suggest_grade(50.0, 45.0, "以下") == "B"   # 90%
    assert suggest_grade(52.0, 45.0, "以下") == "C"
    assert suggest_grade(40.0, 45.0, "以下") == "A"


def test_thresholds_are_settings():
    strict = Thresholds(a=120, b=100)
    assert suggest_grade(115, 100, thresholds=strict) == "B"
    assert suggest_grade(99, 100, thresholds=strict) == "C"
    assert "120％以上" in strict.definitions()["A"]


def test_missing_values_give_no_suggestion():
    assert suggest_grade(None, 10) is None
    assert suggest_grade(5, None) is None
    assert suggest_grade(5, 0) is None


@pytest.mark.parametrize("grades,rule,expected", [
    (["B", "－"], MultiDepartmentRule.LOWEST_IGNORING_DASH, "B"),   # seed 002's footnote
    (["B", "C"], MultiDepartmentRule.LOWEST_IGNORING_DASH, "C"),
    (["A", "B"], MultiDepartmentRule.LOWEST_IGNORING_DASH, "B"),
    (["－", "－"], MultiDepartmentRule.LOWEST_IGNORING_DASH, "－"),
    (["B", "－"], MultiDepartmentRule.LOWEST, "－"),
    (["A", "C"], MultiDepartmentRule.HIGHEST_IGNORING_DASH, "A"),
    (["B", ""], MultiDepartmentRule.LOWEST_IGNORING_DASH, ""),       # one department still missing
    (["A"], MultiDepartmentRule.LOWEST_IGNORING_DASH, "A"),
])
def test_consolidation_rules(grades, rule, expected):
    assert consolidate(grades, rule) == expected


def test_dash_is_never_flagged_as_inconsistent():
    assert differs_from_suggestion("－", "A") is False
    assert differs_from_suggestion("C", "A") is True
    assert differs_from_suggestion("A", None) is False
