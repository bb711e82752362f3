"""Formatting in the template context: shares, text cleaning, scopes."""
from __future__ import annotations

import datetime as dt

from generators.context import (SCOPE_WITH, SCOPE_WITHOUT, clean, committee_summary_context, count_text, percent,
                                progress_report_context, shorten)
from workbook.progress import GradeCounts, summarize


def test_percent_rounds_half_up():
    assert percent(12.5) == "13％"
    assert percent(100 / 3) == "33％"
    assert percent(None) == "－"
    assert percent(float("inf")) == "－"


def test_count_text_gives_count_and_share():
    counts = GradeCounts({"A": 1, "B": 2, "C": 0, "－": 0, "": 0}, 3)
    assert count_text(counts, "A") == "1（33％）"
    assert count_text(counts, "C") == "0（0％）"
    assert count_text(GradeCounts({}, 0), "A") == "0"


def test_clean_drops_characters_docx_cannot_hold_and_keeps_newlines():
    assert clean("a\x0bb\r\nc\td\x07e\x0c") == "ab\nc de"
    assert clean(None) == ""
    assert shorten("一行目\n二行目", 5) == "一行目…"
    assert shorten("短い", 5) == "短い"


def test_empty_master_context_has_every_action_ungraded(komae_plan, komae_settings):
    summary = summarize(komae_plan, {}, komae_settings, [])
    context = progress_report_context(summary, komae_plan, komae_settings, dt.date(2025, 4, 1))
    assert context["k"]["actions"] == "30" and context["k"]["relistings"] == "3"
    assert context["k"]["scope"] == SCOPE_WITHOUT and context["by_goal"]["scope"] == SCOPE_WITH
    assert context["overall"]["rows"][0]["ungraded"] == "30（100％）"
    assert len(context["unreported"]) == 33
    assert context["missing_departments"].split("、") == [d.name for d in komae_plan.departments]
    summary_context = committee_summary_context(summary, komae_plan, komae_settings, dt.date(2025, 4, 1))
    assert summary_context["highlights"] == [] and summary_context["attention"] == []


def test_ungraded_counts_name_their_scope(komae_plan, komae_settings):
    summary = summarize(komae_plan, {}, komae_settings, [])
    k = committee_summary_context(summary, komae_plan, komae_settings, dt.date(2025, 4, 1))["k"]
    assert (k["ungraded_actions"], k["ungraded_actions_with_relistings"]) == ("30", "33")
    assert k["ungraded"] == "30（100％）" and k["scope"] == SCOPE_WITHOUT


def test_indicator_lines_show_which_way_the_target_runs():
    from generators.context import indicator_row
    from tests.workbook.returns_kit import lower_plan, small_settings
    from workbook.progress import indicator_progress

    plan = lower_plan()
    ip = indicator_progress(plan.indicators[0], "福祉相談課", 50, 6, small_settings(plan))
    row = indicator_row(ip, 6, several=False)
    assert (row["target"], row["final_target"]) == ("45%以下（R6）", "45%以下（R8）")
    from generators.context import _indicator_line

    assert _indicator_line(ip, 6) == "再犯者率：実績 50%（R6目標 45%以下、達成率 90％）"
