"""The progress report's second layout, one card per action on A4 portrait (report --layout cards)."""
from __future__ import annotations

import datetime as dt

import pytest

from generators.progress_report import write_progress_report
from workbook.files.master import Master

from .docx_read import all_text, open_docx, paragraphs, styled, table_rows, tables_with_header
from .sample_returns import EVALUATIONS, filled_master

DAY = dt.date(2025, 6, 30)


@pytest.fixture(scope="module")
def master(tmp_path_factory):
    return Master.open(filled_master(tmp_path_factory.mktemp("master")))


@pytest.fixture(scope="module")
def report(master, tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "cards.docx"
    write_progress_report(master.summary(), master.plan, master.settings, out, today=DAY, layout="cards")
    return open_docx(out)


def test_pages_are_a4_portrait_with_the_draft_mark_in_the_header(report):
    for section in report.sections:
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert report.sections[1].header.paragraphs[0].text == "狛江市第1次再犯防止推進計画　令和6年度 進捗状況報告書（案）"
    assert "付録　未了の事項" in paragraphs(report)


def test_every_goal_measure_and_action_appears(report, master):
    headings2 = styled(report, "Heading 2")
    headings3 = styled(report, "Heading 3")
    for goal in master.plan.goals:
        assert f"基本目標{goal.code}　{goal.name}" in headings2
    for measure in master.plan.measures:
        assert f"施策{measure.code}　{measure.name}" in headings3
    card_codes = [t.rows[0].cells[0].text for t in report.tables if len(t.columns) == 2]
    assert card_codes == [a.code for a in master.plan.actions]


def test_action_card_holds_the_years_target_answers_and_grade(report, master):
    cards = {t.rows[0].cells[0].text: dict(table_rows(t)[1:]) for t in report.tables if len(t.columns) == 2}
    card = cards["1-1-1"]
    assert card["取組目標（R6）"] == master.plan.action("1-1-1").target_for(6)
    assert card["担当課"].startswith("福祉政策課")
    assert card["取組内容"] == "1-1-1 の取組を実施した（福祉政策課）。\n関係機関と連携した。"
    assert card["実績・成果"] == "参加者 10人、配布 100部。<連携先> & 協力団体 3団体"  # escaped, not lost
    assert card["達成度"] == "A（目標を上回った）"
    assert card["課題"] == "周知先の拡大が課題。"
    assert card["今後の方向性"] == "次年度は周知先を開拓する。"
    # two departments, B and －: one grade B, both shown
    assert cards["3-3-1"]["達成度"].startswith("B（目標を達成した）")
    assert "学校教育課：－" in cards["3-3-1"]["達成度"]
    relisting = next(t for t in report.tables if t.rows[0].cells[0].text == "3-3-2")  # its own card
    assert relisting.rows[0].cells[1].text.endswith("（再掲：3-3-1）")


def test_evaluations_appear_only_where_filled(report):
    cards = {t.rows[0].cells[0].text: dict(table_rows(t)[1:]) for t in report.tables if len(t.columns) == 2}
    internal, committee = EVALUATIONS["1-1-1"]
    assert cards["1-1-1"]["内部評価"] == internal
    assert cards["1-1-1"]["委員会意見"] == committee
    assert [code for code, card in cards.items() if "内部評価" in card] == ["1-1-1"]


def test_grade_rule_and_thresholds_come_from_settings(report, master):
    (rule_table,) = tables_with_header(report, "達成度")
    rows = table_rows(rule_table)[1:]
    scale = master.settings.scale
    assert [r[0] for r in rows] == list(scale.codes)
    assert [r[1:] for r in rows] == [[g.name, g.definition] for g in scale.grades]
    assert "110％" in rows[0][2]
    text = all_text(report)
    assert master.settings.multi_department_rule.value in text
    assert "（実績÷目標が110％以上でA、90％以上でB、それ未満でC。少ないほど良い指標は目標÷実績）" in text


def test_overall_table_says_relistings_are_left_out(report, master):
    summary = master.summary()
    captions = styled(report, "表題")
    assert "表2　達成度の内訳（再掲を除く）" in captions
    assert "表3　基本目標別の達成度の内訳（再掲を含む）" in captions
    overall = tables_with_header(report, "区分")[0]
    rows = {r[0].strip(): r for r in table_rows(overall)}
    assert rows["計画全体"][1] == str(summary.counts(include_relistings=False).total)
    assert rows["うち定量的評価"][1] == "1"
    assert rows["（参考）再掲を含む"][1] == str(len(master.plan.actions))


def test_departments_not_reported_and_ungraded_actions(report):
    assert "次の担当課からの報告がまだありません：指導室" in paragraphs(report)
    unreported = next(t for t in tables_with_header(report, "取組番号") if "未報告の担当課" in table_rows(t)[0])
    assert [r[0] for r in table_rows(unreported)[1:]] == ["3-4-1", "3-4-2", "5-1-1"]


def test_ungraded_count_and_list_say_relistings_are_in(report):
    text = paragraphs(report)
    line = next(t for t in text if t.startswith("達成度が記入されていない取組"))
    assert line.startswith("達成度が記入されていない取組は 3 件（再掲を含む。再掲を除くと 3 件）")
    assert "表5　達成度が未記入の取組（再掲を含む）" in text


def test_ungraded_reasons_and_target_years_in_the_written_report(tmp_path):
    """表5 says a grade was typed but is not A/B/C/－; 表4 and the card say which year's target it is."""
    from dataclasses import replace

    from tests.workbook.returns_kit import small_plan, small_settings
    from workbook.domain.progress import summarize
    from workbook.domain.returns import Entry

    plan = small_plan()
    plan.indicators.append(replace(plan.indicators[0], name="相談者数", unit="人", yearly_targets={6: 40.0}))
    settings = small_settings(plan)
    entries = {("福祉政策課", "1-1-1"): Entry("1-1-1", "福祉政策課", values={"content": "実施した。", "grade": "◎"}),
               ("福祉相談課", "1-1-3"): Entry("1-1-3", "福祉相談課", values={"content": "実施した。", "grade": "B"},
                                          actuals={1: 95, 2: 44})}
    out = write_progress_report(summarize(plan, entries, settings, ["福祉政策課", "福祉相談課"]), plan, settings,
                                tmp_path / "report.docx", today=DAY, layout="cards")
    doc = open_docx(out)
    indicators, ungraded = tables_with_header(doc, "取組番号")
    assert [r[4] for r in table_rows(indicators)[1:]] == ["100件以上\n（R8 最終目標）", "40人以上（R6）"]
    assert {r[0]: r[3] for r in table_rows(ungraded)[1:]} == {
        "1-1-1": "（達成度が A・B・C・－ 以外：◎）", "1-1-2": "福祉政策課、福祉相談課"}
    cards = {t.rows[0].cells[0].text: dict(table_rows(t)[1:]) for t in doc.tables if len(t.columns) == 2}
    assert cards["1-1-3"]["指標の実績"].splitlines() == [
        "相談件数：実績 95件（R8最終目標 100件以上、目標比 95％ → B）",
        "相談者数：実績 44人（R6目標 40人以上、目標比 110％ → A）"]
    # the lower of the indicators' suggestions, and each indicator's when there are several
    assert cards["1-1-3"]["指標からの目安"].splitlines() == ["B", "相談件数：目標比 95.0％ → B",
                                                        "相談者数：目標比 110.0％ → A"]
    assert "指標からの目安" not in cards["1-1-1"]
