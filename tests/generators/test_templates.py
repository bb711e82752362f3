"""The templates: rebuilt from code, and the committed ones have what a municipality restyles."""
from __future__ import annotations

import importlib.util

import pytest
from docx import Document
from docx.oxml.ns import qn

from generators.letters import REMINDER_TEMPLATE, REQUEST_MEMO_TEMPLATE
from generators.template import (COMMITTEE_SUMMARY_TEMPLATE, IMPLEMENTATION_PLAN_TEMPLATE, PERIOD_REPORT_TEMPLATE,
                                 PROGRESS_REPORT_CARDS_TEMPLATE, PROGRESS_REPORT_TEMPLATE,
                                 TEMPLATES)

from .docx_read import east_asia_font


def _builder():
    spec = importlib.util.spec_from_file_location("build_templates", TEMPLATES / "build_templates.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_build_script_writes_every_template(tmp_path):
    written = _builder().build_all(tmp_path)
    assert [p.name for p in written] == [PROGRESS_REPORT_TEMPLATE.name, PROGRESS_REPORT_CARDS_TEMPLATE.name,
                                         COMMITTEE_SUMMARY_TEMPLATE.name, REQUEST_MEMO_TEMPLATE.name,
                                         REMINDER_TEMPLATE.name, PERIOD_REPORT_TEMPLATE.name,
                                         IMPLEMENTATION_PLAN_TEMPLATE.name]
    for path in written:
        assert Document(str(path)).paragraphs


@pytest.mark.parametrize("template, page", [(PROGRESS_REPORT_TEMPLATE, (297, 210)),
                                            (PROGRESS_REPORT_CARDS_TEMPLATE, (210, 297)),
                                            (COMMITTEE_SUMMARY_TEMPLATE, (210, 297)), (REQUEST_MEMO_TEMPLATE, (210, 297)),
                                            (REMINDER_TEMPLATE, (210, 297)), (PERIOD_REPORT_TEMPLATE, (297, 210)),
                                            (IMPLEMENTATION_PLAN_TEMPLATE, (297, 210))])
def test_committed_template_is_a4_japanese_with_page_numbers(template, page):
    """A4 (the table form landscape), one page-number style (「- 3 -」) in every document."""
    doc = Document(str(template))
    for section in doc.sections:
        assert (round(section.page_width.mm), round(section.page_height.mm)) == page
    footers = [p.text for s in doc.sections for part in (s.footer, s.first_page_footer) for p in part.paragraphs
               if "PAGE" in p._p.xml]
    assert footers and set(footers) == {"- 1 -"}
    assert east_asia_font(doc.styles["Normal"]) in ("游明朝", "ＭＳ 明朝")
    for name in ("Heading 1", "Heading 2", "Title"):
        assert east_asia_font(doc.styles[name]) in ("游ゴシック", "ＭＳ ゴシック")
        fonts = doc.styles[name].element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsiaTheme")) is None  # a theme font would override the named one
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    assert defaults.find(".//" + qn("w:lang")).get(qn("w:eastAsia")) == "ja-JP"
    assert "報告書表" in [s.name for s in doc.styles]
    for table in doc.tables:
        first = table._tbl.tr_lst[0]
        assert first.trPr.find(qn("w:tblHeader")) is not None
        assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"


@pytest.mark.parametrize("template, tables", [(PROGRESS_REPORT_TEMPLATE, 1), (PROGRESS_REPORT_CARDS_TEMPLATE, 2),
                                              (COMMITTEE_SUMMARY_TEMPLATE, 2)])
def test_grade_tables_loop_over_the_scales_columns(template, tables):
    """No template names a code: the counts tables repeat one column per code ({%tc for %}), and carry
    the title generators/table_fit.py looks for to set their widths."""
    from generators.table_fit import COUNTS_TABLE

    doc = Document(str(template))
    marked = [t for t in doc.tables
              if (c := t._tbl.tblPr.find(qn("w:tblCaption"))) is not None and c.get(qn("w:val")) == COUNTS_TABLE]
    assert len(marked) == tables
    for t in marked:
        header = [c.text for c in t.rows[0].cells]
        assert header[:2] == ["区分", "取組数"]
        assert "{%tc for v in columns.counted %}" in header and "{%tc for v in columns.apart %}" in header
    text = "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])
    for literal in ("Ａ", "Ｂ", "Ｃ", "k.a ", "k.dash", "threshold_a"):
        assert literal not in text


def test_widths_give_the_label_column_what_is_left_within_bounds():
    from generators.table_fit import LABEL_MAX_MM, LABEL_MIN_MM, widths

    few = widths([["区分"], ["取組数", "30"], ["A", "7（23％）"]], 170)
    assert few[0] == LABEL_MAX_MM and sum(few) == pytest.approx(170)
    many = widths([["区分"]] + [["評価困難", "12（100％）"]] * 12, 170)
    assert many[0] == LABEL_MIN_MM and sum(many) == pytest.approx(170)
    middle = widths([["区分"]] + [["評価困難", "1\n10％"]] * 8, 170)
    assert LABEL_MIN_MM < middle[0] < LABEL_MAX_MM and len(set(middle[1:])) == 1


def test_the_table_form_holds_the_marker_its_loops_and_the_tables_generators_fit():
    """The paragraph ［目次］ (generators/toc.py), the tree's and the matrix's loops, and the tables'
    titles that generators/table_fit.py and page_setup.py look for; header rows repeat, rows do not split."""
    doc = Document(str(PROGRESS_REPORT_TEMPLATE))
    text = [p.text for p in doc.paragraphs]
    assert "［目次］" in text and "{%p for g in tree %}" in text and "{%p for grp in matrix %}" in text
    titles = [c.get(qn("w:val")) for t in doc.tables if (c := t._tbl.tblPr.find(qn("w:tblCaption"))) is not None]
    assert {"関連事業と担当課", "取組状況確認表", "達成度の件数表"} <= set(titles)
    for table in doc.tables:
        assert all(tr.trPr.find(qn("w:cantSplit")) is not None for tr in table._tbl.tr_lst)
    assert "{{ mark.draft }}" in doc.sections[1].header.paragraphs[0].text


@pytest.mark.parametrize("template", [REQUEST_MEMO_TEMPLATE, REMINDER_TEMPLATE])
def test_a_letters_closing_never_stands_alone_on_a_page(template):
    """「以上」 shares one unsplittable paragraph with the contact line before it."""
    closing = [p for p in Document(str(template)).paragraphs if p.text.endswith("以上")]
    assert len(closing) == 1 and "{{ contact }}" in closing[0].text
    assert closing[0].paragraph_format.keep_together
