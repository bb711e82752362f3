"""The Word progress report in its default, published table form (取組状況確認表), written from a master
whose department sheets hold answers and read back with python-docx."""
from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import replace

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from generators.progress_report import file_name, write_progress_report
from generators.template import PROGRESS_REPORT_TEMPLATE
from workbook.errors import ReportError
from workbook.files.master import Master

from .docx_read import (all_text, east_asia_font, header_texts, landscape, open_docx, paragraphs, styled, table_rows,
                        tables_with_header, toc_entries, western_dates)
from .sample_returns import EVALUATIONS, filled_master

DAY = dt.date(2025, 6, 30)
ACTION_HEADER = ["取組番号", "重点取組", "担当課", "取組目標（R6）", "取組内容・実績", "達成度", "評価の理由・課題", "今後の方向性"]
COLOPHON = {"publisher_section": "狛江市 福祉保健部 福祉政策課", "publisher_address": "〒201-8585 東京都狛江市和泉本町一丁目1番5号",
            "publisher_phone": "03-3430-1111（代表）"}


@pytest.fixture(scope="module")
def master(tmp_path_factory):
    return Master.open(filled_master(tmp_path_factory.mktemp("master")))


@pytest.fixture(scope="module")
def report(master, tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / file_name(master.settings.fiscal_year)
    write_progress_report(master.summary(), master.plan, replace(master.settings, **COLOPHON), out, today=DAY)
    return open_docx(out)


def action_rows(doc) -> dict[str, dict[str, str]]:
    """Action code -> {column header: cell text} over every 基本目標's table."""
    rows = {}
    for table in doc.tables:
        grid = table_rows(table)
        if grid and grid[0] == ACTION_HEADER:
            rows.update({r[0]: dict(zip(ACTION_HEADER, r)) for r in grid[1:] if len(set(r)) > 1})
    return rows


def test_file_name_has_the_fiscal_year():
    assert file_name(6) == "令和6年度_進捗状況報告書.docx"


def test_cover_names_plan_year_municipality_and_date_in_wareki(report):
    first = paragraphs(report)[:6]
    assert first[:3] == ["狛江市第1次再犯防止推進計画", "令和6年度　進捗状況報告書（案）", "（取組状況確認表）"]
    assert "令和7年6月30日" in first and "狛江市" in first
    assert "サンプル" not in all_text(report)           # not the demo's master


def test_toc_lists_every_section_and_goal_with_a_page_field_to_its_heading(report, master):
    entries = toc_entries(report)
    titles = [t for t, _ in entries]
    assert titles[:5] == ["1　計画の推進と評価体制", "（1）この報告書について", "（2）評価体制", "（3）達成度の基準",
                          "2　施策の体系"]
    assert ["3　関連事業と担当課", "4　取組状況（取組状況確認表）"] == titles[5:7]
    assert titles[7:12] == [f"基本目標{g.code}　{g.name}" for g in master.plan.goals]
    assert titles[12:] == ["5　指標の状況", "付録　未了の事項"]
    assert {page for _, page in entries} == {"－"}        # no LibreOffice here: left for Word (F9)
    headings = styled(report, "Heading 1") + styled(report, "Heading 2")
    assert set(titles) <= set(headings)
    body = report.element.body
    marks = {b.get(qn("w:name")) for b in body.iter(qn("w:bookmarkStart"))}
    fields = [t.text for t in body.iter(qn("w:instrText")) if "PAGEREF" in t.text]
    assert len(fields) == len(entries) and all(f.split()[1] in marks for f in fields)
    assert "［目次］" not in paragraphs(report)


def test_system_tree_lists_goals_measures_and_actions(report, master):
    plan = master.plan
    assert styled(report, "体系（基本目標）") == [f"基本目標{g.code}　{g.name}" for g in plan.goals]
    assert styled(report, "体系（施策）") == [f"{m.code}　{m.name}" for m in plan.measures]
    actions = styled(report, "体系（取組）")
    assert len(actions) == len(plan.actions) and actions[0] == f"1-1-1　{plan.action('1-1-1').title}"
    assert "3-3-2　" in actions[plan.actions.index(plan.action("3-3-2"))] and actions[
        plan.actions.index(plan.action("3-3-2"))].endswith("（再掲）")
    tree_section = next(s for s in report.sections if s._sectPr.find(qn("w:cols")) is not None
                        and s._sectPr.find(qn("w:cols")).get(qn("w:num")) == "3")
    assert tree_section is not None


def test_matrix_marks_each_action_under_its_departments(report, master):
    (matrix,) = [t for t in report.tables if t._tbl.tblPr.find(qn("w:tblCaption")) is not None
                 and t._tbl.tblPr.find(qn("w:tblCaption")).get(qn("w:val")) == "関連事業と担当課"]
    grid = table_rows(matrix)
    departments = grid[0][2:]
    assert departments == [d.name for d in master.plan.departments]
    rows = {r[0]: r for r in grid[1:] if not r[0].startswith("基本目標")}
    assert set(rows) == {a.code for a in master.plan.actions}
    for action in master.plan.actions:
        assert [d for d, mark in zip(departments, rows[action.code][2:]) if mark == "●"] == list(action.departments)
    goal_rows = [tr for tr in matrix._tbl.tr_lst if len(tr.tc_lst) == 1]
    assert len(goal_rows) == len(master.plan.goals)
    assert all(tr.tc_lst[0].tcPr.find(qn("w:gridSpan")).get(qn("w:val")) == str(len(departments) + 2)
               for tr in goal_rows)
    widths = [int(c.get(qn("w:w"))) for c in matrix._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert len(widths) == len(departments) + 2 and abs(sum(widths) - Mm(267).twips) < 60


def test_one_row_per_action_with_the_published_columns(report, master):
    rows = action_rows(report)
    assert list(rows) == [a.code for a in master.plan.actions]
    row = rows["1-1-1"]
    assert row["取組目標（R6）"] == master.plan.action("1-1-1").target_for(6)
    assert row["担当課"] == "福祉政策課"
    assert row["取組内容・実績"] == ("1-1-1 の取組を実施した（福祉政策課）。\n関係機関と連携した。"
                               "　実績：参加者 10人、配布 100部。<連携先> & 協力団体 3団体")   # escaped, not lost
    assert row["達成度"] == "A"
    assert row["今後の方向性"] == "次年度は周知先を開拓する。"
    # two departments, B and －: one grade B, each department's beside its name, texts labelled
    assert rows["3-3-1"]["達成度"] == "B"
    assert rows["3-3-1"]["担当課"] == "福祉政策課（B）\n学校教育課（－）"
    assert rows["3-3-1"]["取組内容・実績"].startswith("【福祉政策課】3-3-1 の取組を実施した")
    assert rows["3-3-2"]["重点取組"].endswith("（再掲：3-3-1）")
    assert rows["3-4-1"]["担当課"] == "指導室（未報告）" and rows["3-4-1"]["達成度"] == "未評価"
    assert rows["3-4-1"]["取組内容・実績"] == "（未記入）"


def test_evaluations_follow_the_departments_reasons_where_filled(report):
    internal, committee = EVALUATIONS["1-1-1"]
    rows = action_rows(report)
    assert rows["1-1-1"]["評価の理由・課題"] == f"課題：周知先の拡大が課題。\n〔内部評価〕{internal}\n〔委員会意見〕{committee}"
    assert [code for code, row in rows.items() if "〔内部評価〕" in row["評価の理由・課題"]] == ["1-1-1"]
    assert rows["1-2-2"]["評価の理由・課題"] == "1-2-2 は予定の一部を実施できなかった。　課題：周知先の拡大が課題。"


def test_pages_are_landscape_headers_repeat_and_rows_stay_whole(report):
    for section in report.sections:
        assert landscape(section)
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (297, 210)
    assert "狛江市第1次再犯防止推進計画　令和6年度 進捗状況報告書（案）" in header_texts(report)
    body = report.sections[1]
    assert "PAGE" in body.footer._element.xml
    assert body._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"
    assert all(s._sectPr.find(qn("w:pgNumType")) is None for s in report.sections[2:])   # one count from 1
    assert east_asia_font(report.styles["Normal"]) == "游明朝"
    for table in report.tables:
        rows = table._tbl.tr_lst
        assert rows[0].trPr.find(qn("w:tblHeader")) is not None
        assert all(tr.trPr.find(qn("w:cantSplit")) is not None for tr in rows)
        width = sum(int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol")))
        assert width <= Mm(267).twips + 60


def test_a3_on_the_settings_turns_the_pages_and_widens_the_tables(master, tmp_path):
    settings = replace(master.settings, report_paper="A3横")
    doc = open_docx(write_progress_report(master.summary(), master.plan, settings, tmp_path / "a3.docx", today=DAY))
    assert {(round(s.page_width.mm), round(s.page_height.mm)) for s in doc.sections} == {(420, 297)}
    action_table = next(t for t in doc.tables if table_rows(t)[0] == ACTION_HEADER)
    width = sum(int(c.get(qn("w:w"))) for c in action_table._tbl.tblGrid.findall(qn("w:gridCol"))) / Mm(1).twips
    assert 385 <= width <= 391


def test_a_row_taller_than_a_page_may_split_and_no_other(tmp_path):
    from tests.generators.sample_returns import LONG_RESULT

    path = filled_master(tmp_path, missing=())
    m = Master.open(path)
    entries = m.entries_of("福祉相談課")
    entries["3-1-2"].values["result"] = LONG_RESULT * 12
    m.write_department("福祉相談課", entries, ("担当 花子", "内線1234"))
    m.write_progress()
    m.save(backup=False)
    m = Master.open(path)
    doc = open_docx(write_progress_report(m.summary(), m.plan, m.settings, tmp_path / "r.docx", today=DAY))
    free = [tr for t in doc.tables for tr in t._tbl.tr_lst if tr.trPr.find(qn("w:cantSplit")) is None]
    assert len(free) == 1 and "3-1-2" in "".join(t.text for t in free[0].iter(qn("w:t")))


def test_draft_ends_with_what_is_open_and_a_colophon_from_the_settings(report):
    text = paragraphs(report)
    start = text.index("付録　未了の事項")
    assert "・未提出の担当課（1 課）：指導室" in text[start:]
    assert any(t.startswith("・達成度が未記入の取組 3 件（再掲を含めても同じ）：3-4-1、3-4-2、5-1-1") for t in text[start:])
    ungraded = next(t for t in tables_with_header(report, "取組番号") if table_rows(t)[0][-1] == "未報告の担当課")
    assert [r[0] for r in table_rows(ungraded)[1:]] == ["3-4-1", "3-4-2", "5-1-1"]
    colophon = styled(report, "奥付")
    assert colophon == ["狛江市第1次再犯防止推進計画", "令和6年度 進捗状況報告書（案）", "令和7年6月発行",
                        "発行：狛江市 福祉保健部 福祉政策課", COLOPHON["publisher_address"], "電話　03-3430-1111（代表）"]


def test_a_final_report_has_no_draft_mark_and_no_appendix(tmp_path):
    m = Master.open(filled_master(tmp_path, missing=()))
    doc = open_docx(write_progress_report(m.summary(), m.plan, m.settings, tmp_path / "r.docx", today=DAY))
    text = all_text(doc)
    assert "（案）" not in text and "付録" not in text and "未了" not in text
    assert "すべての担当課から報告がありました。" in text


def test_sample_data_says_so_in_title_header_and_one_line(master, tmp_path):
    settings = replace(master.settings, sample=True)
    doc = open_docx(write_progress_report(master.summary(), master.plan, settings, tmp_path / "s.docx", today=DAY))
    assert paragraphs(doc)[1] == "【サンプル】令和6年度　進捗状況報告書（案）"
    assert "【サンプル】狛江市第1次再犯防止推進計画　令和6年度 進捗状況報告書（案）" in header_texts(doc)
    assert sum("デモのために作った架空のもの" in p for p in paragraphs(doc)) == 1
    assert doc.core_properties.title == "【サンプル】令和6年度 進捗状況報告書（案）"


def test_house_style_in_what_the_report_writes(report):
    text = all_text(report)
    assert western_dates(text) == []
    assert "%" not in text.replace("<連携先> & 協力団体", "")       # every share and unit with ％
    assert "{{" not in text and "{%" not in text and "}}" not in text


def test_indicator_table_baseline_actual_target_on_one_line_each(report):
    tables = [table_rows(t) for t in tables_with_header(report, "取組番号") if table_rows(t)[0][1] == "指標（単位）"]
    assert len(tables) == 2             # 成果指標 (the sample's 再犯者率 on 5-2-2), then those without a 種別
    assert tables[0][1][0] == "5-2-2" and tables[0][1][2] == "47.3％（R5）"
    rows = tables[1]
    assert rows[0] == ["取組番号", "指標（単位）", "現状値", "実績値", "年度目標", "最終目標", "判定（目安）", "進捗"]
    assert rows[1][0] == "4-2-2"
    # no R6 target in the plan: graded against the final one, which is what the year column says
    assert rows[1][2:] == ["60％（R5）", "75％", "70％以上（R8 最終目標）", "70％以上（R8）", "目標比 107％ → B", "150％"]


def test_cards_are_the_other_layout(master, tmp_path):
    doc = open_docx(write_progress_report(master.summary(), master.plan, master.settings, tmp_path / "c.docx",
                                          today=DAY, layout="cards"))
    assert all(not landscape(s) for s in doc.sections)
    assert [t.rows[0].cells[0].text for t in doc.tables if len(t.columns) == 2] == [a.code for a in master.plan.actions]
    assert toc_entries(doc) == []


def test_edited_template_is_followed(master, tmp_path):
    template = tmp_path / "edited.docx"
    shutil.copy(PROGRESS_REPORT_TEMPLATE, template)
    doc = Document(str(template))
    heading = doc.styles["Heading 1"]
    heading.element.rPr.find(qn("w:rFonts")).set(qn("w:eastAsia"), "ＭＳ ゴシック")
    sentence = next(p for p in doc.paragraphs if p.text.startswith("各担当課の報告と自己評価をもとに"))
    for run in sentence.runs[1:]:
        run.text = ""
    sentence.runs[0].text = "{{ municipality }}では、推進会議と委員会が毎年評価します。"
    doc.save(str(template))
    out = write_progress_report(master.summary(), master.plan, master.settings, tmp_path / "out.docx",
                                template=template, today=DAY)
    result = open_docx(out)
    assert east_asia_font(result.styles["Heading 1"]) == "ＭＳ ゴシック"
    assert "狛江市では、推進会議と委員会が毎年評価します。" in paragraphs(result)


def test_logo_placed_in_template_header_is_kept(master, tmp_path):
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (40, 20), "navy").save(logo)
    template = tmp_path / "with_logo.docx"
    doc = Document(str(PROGRESS_REPORT_TEMPLATE))
    doc.sections[1].header.paragraphs[0].add_run().add_picture(str(logo), width=Mm(15))
    doc.save(str(template))
    out = write_progress_report(master.summary(), master.plan, master.settings, tmp_path / "out.docx",
                                template=template, today=DAY)
    header = open_docx(out).sections[1].header
    assert header._element.xpath(".//pic:pic")
    assert any("image" in rel.reltype for rel in header.part.rels.values())


@pytest.mark.parametrize("text, fragment", [("{{ no_such_value }}", "no_such_value"), ("{%p for x in %}", "")])
def test_broken_template_is_a_report_error(master, tmp_path, text, fragment):
    template = tmp_path / "broken.docx"
    doc = Document(str(PROGRESS_REPORT_TEMPLATE))
    doc.add_paragraph(text)
    doc.save(str(template))
    with pytest.raises(ReportError) as caught:
        write_progress_report(master.summary(), master.plan, master.settings, tmp_path / "out.docx",
                              template=template)
    assert fragment in str(caught.value)
    assert not (tmp_path / "out.docx").exists()


def test_missing_template_is_a_report_error(master, tmp_path):
    with pytest.raises(ReportError):
        write_progress_report(master.summary(), master.plan, master.settings, tmp_path / "out.docx",
                              template=tmp_path / "none.docx")
