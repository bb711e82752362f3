"""Formatting in the template context: shares, text cleaning, scopes."""
from __future__ import annotations

import datetime as dt

from generators.context import (SCOPE_WITH, SCOPE_WITHOUT, clean, committee_summary_context, count_text,
                                progress_report_context, shorten, unreported)
from workbook.domain.progress import GradeCounts, summarize
from workbook.domain.scale_presets import DEFAULT_SCALE, PRESETS


def test_counts_and_shares_are_in_the_house_style():
    """Thousands separated, shares rounded half up with a full-width ％ (workbook.domain.house_style)."""
    counts = GradeCounts({"A": 1250, "B": 750, "C": 0, "－": 0, "": 0}, 2000, DEFAULT_SCALE)
    assert count_text(counts, "A") == "1,250（63％）"
    assert count_text(counts, "B") == "750（38％）"


def test_count_text_gives_count_and_share():
    counts = GradeCounts({"A": 1, "B": 2, "C": 0, "－": 0, "": 0}, 3, DEFAULT_SCALE)
    assert count_text(counts, "A") == "1（33％）"
    assert count_text(counts, "C") == "0（0％）"
    assert count_text(counts, "A", two=True) == "1\n33％"
    assert count_text(GradeCounts({}, 0, DEFAULT_SCALE), "A") == "0"


def test_a_code_left_out_of_shares_shows_its_count_alone_and_leaves_the_denominator():
    scale = PRESETS["進捗区分"]
    apart = [g.code for g in scale.grades if not g.in_denominator]
    counted = [g.code for g in scale.grades if g.in_denominator]
    values = {code: 0 for code in scale.codes} | {counted[0]: 1, counted[1]: 2, apart[0]: 2, "": 1}
    counts = GradeCounts(values, 6, scale)
    assert count_text(counts, apart[0]) == "2"
    assert count_text(counts, counted[1]) == "2（50％）"       # of 4 = 6 - 2 left out
    assert count_text(counts, "") == "1（25％）"


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
    assert context["columns"]["counted"] == list(DEFAULT_SCALE.codes) + ["未評価"]
    assert context["overall"]["rows"][0]["cells"][-1] == "30（100％）"
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
    from workbook.domain.progress import indicator_progress

    plan = lower_plan()
    ip = indicator_progress(plan.indicators[0], "福祉相談課", 50, 6, small_settings(plan))
    row = indicator_row(ip, 6, several=False)
    # no target for R6: the final one (R8) is graded against, and says so
    assert (row["target"], row["final_target"]) == ("45％以下\n（R8 最終目標）", "45％以下（R8）")
    from generators.context import _indicator_line

    assert _indicator_line(ip, 6) == "再犯者率：実績 50％（R8最終目標 45％以下、目標比 90％ → B）"


def test_indicator_tables_say_the_rule_and_stand_apart_by_kind():
    """Seed 003's indicators: 進捗率 and 基準値比 say so, and 成果指標 / 活動指標 get a table each."""
    from generators.context import indicator_groups
    from workbook.domain.plan import Band, Direction, Indicator, IndicatorKind, IndicatorRule
    from workbook.domain.returns import Entry
    from workbook.files.sample import komae_plan, komae_settings

    plan, settings = komae_plan(), komae_settings(5)
    first, second = plan.actions[0], plan.actions[1]
    department = first.departments[0]
    plan.indicators[:] = [
        Indicator(first.code, "再犯者率", "％", 46.5, "R2", 45.0, "R8", Direction.LOWER, rule=IndicatorRule.PACE,
                  department=department, kind=IndicatorKind.OUTCOME),
        Indicator(second.code, "認知度", "％", 13.7, "R3", 30.0, "R9", rule=IndicatorRule.BASELINE, band=Band(3),
                  department=second.departments[0], kind=IndicatorKind.ACTIVITY),
    ]
    entries = {(department, first.code): Entry(first.code, department, actuals={1: 45.0}),
               (second.departments[0], second.code): Entry(second.code, second.departments[0], actuals={1: 20.0})}
    groups = indicator_groups(summarize(plan, entries, settings, []))
    assert [g["title"] for g in groups] == ["成果指標", "活動指標"]
    assert groups[0]["rows"][0]["judgement"] == "進捗率 200％ → A"
    assert groups[1]["rows"][0]["judgement"] == "基準値比 改善 → A"


def test_a_target_shows_the_year_it_belongs_to():
    """Indicator.target_for falls back to the final target: the year shown is the target's own."""
    from dataclasses import replace

    from generators.context import _indicator_line, indicator_row
    from tests.workbook.returns_kit import small_plan, small_settings
    from workbook.domain.progress import indicator_progress

    plan = small_plan()
    settings = small_settings(plan)
    yearly = replace(plan.indicators[0], yearly_targets={6: 90.0, 7: 95.0})
    final_only = plan.indicators[0]
    no_year = replace(final_only, target_year="")
    no_target = replace(final_only, target=None, target_year="")
    rows = {name: (indicator_row(ip, 6, several=False)["target"], _indicator_line(ip, 6))
            for name, ip in (("yearly", indicator_progress(yearly, "福祉相談課", 99, 6, settings)),
                             ("final", indicator_progress(final_only, "福祉相談課", 99, 6, settings)),
                             ("no_year", indicator_progress(no_year, "福祉相談課", 99, 6, settings)),
                             ("none", indicator_progress(no_target, "福祉相談課", 99, 6, settings)))}
    assert rows["yearly"] == ("90件以上（R6）", "相談件数：実績 99件（R6目標 90件以上、目標比 110％ → A）")
    assert rows["final"] == ("100件以上\n（R8 最終目標）", "相談件数：実績 99件（R8最終目標 100件以上、目標比 99％ → B）")
    assert rows["no_year"] == ("100件以上\n（最終目標）", "相談件数：実績 99件（最終目標 100件以上、目標比 99％ → B）")
    assert rows["none"] == ("－", "相談件数：実績 99件（目標 －）")
    # R7 has its own target; R8 has none but is the final year
    assert indicator_row(indicator_progress(yearly, "福祉相談課", 99, 7, settings), 7, False)["target"] == "95件以上（R7）"
    assert indicator_row(indicator_progress(yearly, "福祉相談課", 99, 8, settings), 8, False)["target"] == \
        "100件以上\n（R8 最終目標）"


def test_ungraded_actions_say_why_department_by_department():
    """表5: not reported (the department named), reported without a grade, or a grade not A/B/C/－ (as typed)."""
    from tests.workbook.returns_kit import small_plan, small_settings
    from workbook.domain.returns import Entry

    plan = small_plan()
    settings = small_settings(plan)

    def entry(code, department, grade):
        return Entry(code, department, values={"content": "実施した。", "grade": grade})

    entries = {("福祉政策課", "1-1-1"): entry("1-1-1", "福祉政策課", "◎"),
               ("福祉政策課", "1-1-2"): entry("1-1-2", "福祉政策課", None),
               ("福祉相談課", "1-1-2"): entry("1-1-2", "福祉相談課", "Ｂ")}
    rows = {r["code"]: r["missing"] for r in unreported(summarize(plan, entries, settings, ["福祉政策課"]), settings.scale)}
    assert rows == {"1-1-1": "（達成度が A・B・C・－ 以外：◎）",
                    "1-1-2": "福祉政策課（達成度のみ未記入）",
                    "1-1-3": "福祉相談課"}
    entries[("福祉相談課", "1-1-2")] = entry("1-1-2", "福祉相談課", "よくできた")
    entries[("福祉相談課", "1-1-3")] = entry("1-1-3", "福祉相談課", "")
    entries[("福祉政策課", "1-1-1")] = entry("1-1-1", "福祉政策課", "Ｓ")    # another city's scale: not usable here
    rows = {r["code"]: r["missing"] for r in unreported(summarize(plan, entries, settings, ["福祉政策課", "福祉相談課"]),
                                                           settings.scale)}
    assert rows == {"1-1-1": "（達成度が A・B・C・－ 以外：Ｓ）",
                    "1-1-2": "福祉政策課（達成度のみ未記入）、福祉相談課（達成度が A・B・C・－ 以外：よくできた）",
                    "1-1-3": "（達成度のみ未記入）"}


def test_a_grade_not_of_the_scale_is_named_with_the_scales_codes():
    """On the 進捗区分 scale, 表5 lists that scale's codes; the default scale's 'C' is one of them, '◎' not."""
    from tests.workbook.returns_kit import small_plan, small_settings
    from workbook.domain.returns import Entry

    plan = small_plan()
    settings = small_settings(plan)
    settings.scale = PRESETS["進捗区分"]
    entries = {("福祉政策課", "1-1-1"): Entry("1-1-1", "福祉政策課", values={"content": "実施した。", "grade": "◎"}),
               ("福祉相談課", "1-1-3"): Entry("1-1-3", "福祉相談課", values={"content": "実施した。", "grade": "ｃ"})}
    summary = summarize(plan, entries, settings, ["福祉政策課", "福祉相談課"])
    rows = {r["code"]: r["missing"] for r in unreported(summary, settings.scale)}
    assert rows["1-1-1"] == "（達成度が 完了・S・A・B・C・未着手・中止・評価困難 以外：◎）"
    assert "1-1-3" not in rows


def test_the_ratio_rule_and_the_texts_come_from_the_scale():
    from generators.scale_view import grade_text, invalid_grade, ratio_rule
    from workbook.domain.scale_presets import legacy_scale

    assert ratio_rule(DEFAULT_SCALE) == "110％以上でA、90％以上でB、それ未満でC"
    assert ratio_rule(legacy_scale(105, 95.5)) == "105％以上でA、95.5％以上でB、それ未満でC"
    assert ratio_rule(PRESETS["進捗区分"]) == "120％以上でS、100％以上でA、80％以上でB、それ未満でC"
    assert grade_text(PRESETS["進捗区分"], "完了") == "完了" and grade_text(DEFAULT_SCALE, "") == "未評価"
    assert grade_text(PRESETS["4段階"], "S") == "S（目標を大きく上回った）"
    assert invalid_grade(PRESETS["3段階"]) == "達成度が ◎・○・△・－ 以外"


def test_colours_follow_the_common_meaning_not_the_code():
    from generators.scale_view import cell_fill

    four, default = PRESETS["4段階"], DEFAULT_SCALE
    # a code above the target is shaded alike on both scales, whatever its letter
    assert cell_fill(four, "S") == cell_fill(default, "A")
    assert cell_fill(four, "A") == cell_fill(default, "B")       # 達成 on both
    assert cell_fill(four, "－") == cell_fill(default, "－") and cell_fill(four, "") == "FFFFFF"
