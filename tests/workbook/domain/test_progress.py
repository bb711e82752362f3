"""domain.progress: the 進捗 of an indicator is the way from its baseline to the plan's final target."""
from dataclasses import replace

import pytest

from tests.workbook.returns_kit import lower_plan, small_plan, small_settings
from workbook.domain.progress import indicator_progress


def test_progress_runs_to_the_final_target_when_the_year_has_its_own():
    """再犯者率 47.3 → 45 (R8), R6's own target 46.5: an actual of 46.5 meets the year's target
    (目標比 100％) but has covered only 0.8 of the 2.3 points to the final target (35％)."""
    plan = lower_plan()
    indicator = replace(plan.indicators[0], baseline=47.3, yearly_targets={6: 46.5, 7: 45.8})
    ip = indicator_progress(indicator, "福祉相談課", 46.5, 6, small_settings(plan))
    assert ip.target == 46.5 and ip.ratio == pytest.approx(100.0)
    assert ip.progress == pytest.approx(0.8 / 2.3 * 100.0)


def test_progress_of_a_higher_is_better_indicator_with_yearly_targets():
    plan = small_plan()
    indicator = replace(plan.indicators[0], baseline=50.0, target=100.0, yearly_targets={6: 60.0})
    ip = indicator_progress(indicator, "福祉相談課", 60, 6, small_settings(plan))
    assert ip.progress == pytest.approx(20.0)


def test_no_progress_without_a_final_target_or_a_baseline():
    plan = small_plan()
    settings = small_settings(plan)
    no_final = replace(plan.indicators[0], baseline=50.0, target=None, yearly_targets={6: 60.0})
    no_baseline = replace(plan.indicators[0], baseline=None, yearly_targets={6: 60.0})
    assert indicator_progress(no_final, "福祉相談課", 60, 6, settings).progress is None
    assert indicator_progress(no_baseline, "福祉相談課", 60, 6, settings).progress is None
