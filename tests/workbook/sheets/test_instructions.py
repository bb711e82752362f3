"""The 記入方法 sheet: deadline, contact, grade definitions from the settings, shared actions."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from workbook.files.department_file import file_name, write_department_file
from workbook.domain.scale_presets import PRESETS, legacy_scale
from workbook.sheets.instructions import write_instructions
from workbook.sheets.layout import COLUMNS, INFO_SHEET, header_for, is_open
from workbook.files.sample import komae_plan, komae_settings


@pytest.fixture(scope="module")
def plan():
    return komae_plan()


@pytest.fixture(scope="module")
def settings():
    return replace(komae_settings(), deadline="令和7年6月13日（金）", contact="福祉政策課 地域福祉係 内線2345",
                   scale=legacy_scale(120.0, 80.0))


def sheet(tmp_path: Path, plan, settings, department: str):
    path = tmp_path / file_name(settings, department)
    write_department_file(path, plan, settings, department, instructions=write_instructions)
    return openpyxl.load_workbook(path)[INFO_SHEET]


def pairs(ws) -> dict[str, str]:
    """Label (column B) -> text (column C) for every row that has both."""
    return {str(b.value): str(c.value) for b, c in ws.iter_rows(min_col=2, max_col=3) if b.value and c.value}


def texts(ws) -> list[str]:
    return [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]


def test_deadline_contact_department_and_year_are_stated(tmp_path, plan, settings):
    ws = sheet(tmp_path, plan, settings, "福祉相談課")
    found = pairs(ws)
    assert found["提出期限"] == "令和7年6月13日（金）"
    assert found["提出先・問い合わせ"] == "福祉政策課 地域福祉係 内線2345"
    assert found["担当課"] == "福祉相談課"
    assert found["報告対象"].startswith("令和6年度（令和6年4月1日～令和7年3月31日）")   # dates in 和暦
    assert found["報告する取組"].startswith("3 件")
    assert ws["B1"].value.startswith("令和6年度 狛江市第1次再犯防止推進計画")


def test_grade_definitions_follow_the_scale_in_the_settings(tmp_path, plan, settings):
    found = pairs(sheet(tmp_path, plan, settings, "福祉相談課"))
    for grade in settings.scale.grades:
        assert found[grade.label] == grade.definition
    assert "120％以上" in found["A：目標を上回った"]
    assert "80％以上120％未満" in found["B：目標を達成した"]
    assert "80％未満" in found["C：目標を下回った"]


def test_every_input_column_and_the_contact_is_explained(tmp_path, plan, settings):
    found = pairs(sheet(tmp_path, plan, settings, "福祉相談課"))
    labels = list(found)
    for col in COLUMNS:      # labelled as the sheet's headers are: the proposals with their years
        if is_open(col, settings.fiscal_year, plan.fiscal_years[-1]):
            assert any(label.startswith(header_for(col, settings.fiscal_year)) for label in labels), col.header
    assert "回答者（必須）" in found and "電話（内線）（必須）" in found
    assert any(label.startswith("評価の理由（") and "C・－" in label for label in labels)
    assert "令和7年度の取組（要求）" in found and "当初予算ベース" in found["令和7年度 事業費（千円・要求額）"]
    assert not any(label.startswith("今後の方針") for label in labels)          # the plan's last year only
    last = pairs(sheet(tmp_path / "last", plan, replace(settings, fiscal_year=8), "福祉相談課"))
    assert any(label.startswith("今後の方針") for label in last)


def test_shared_actions_are_listed_with_the_other_department(tmp_path, plan, settings):
    found = pairs(sheet(tmp_path, plan, settings, "学校教育課"))
    assert found["3-3-1"] == f"{plan.action('3-3-1').title}（共同：福祉政策課）"
    assert found["3-3-2"].endswith("（共同：福祉政策課）")
    alone = texts(sheet(tmp_path / "b", plan, settings, "福祉相談課"))
    assert "複数の課で担当する取組" not in alone


def test_sheet_is_read_only_and_prints_on_a4_portrait(tmp_path, plan, settings):
    ws = sheet(tmp_path, plan, settings, "福祉政策課")
    assert ws.protection.sheet
    assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.orientation == "portrait"
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert len(ws.row_breaks.brk) == 1   # page 1: how to fill and return; page 2: reference
    assert ws.print_area.endswith(f"$C${ws.max_row}")


def test_without_deadline_the_sheet_says_it_will_be_announced(tmp_path, plan, settings):
    found = pairs(sheet(tmp_path, plan, replace(settings, deadline="", contact=""), "指導室"))
    assert found["提出期限"] == "（別途お知らせします）"


def test_another_scale_lists_its_own_codes(tmp_path, plan, settings):
    scale = PRESETS["進捗区分"]
    ws = sheet(tmp_path, plan, replace(settings, scale=scale), "福祉相談課")
    found = pairs(ws)
    assert [label for label in found if label in {g.label for g in scale.grades}] == [g.label for g in scale.grades]
    assert any("C・未着手・中止・評価困難" in t for t in texts(ws))
