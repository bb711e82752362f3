"""The distributed department file: what a department receives, and what survives its round trip."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from workbook.sheets import styles as st
from workbook.files.department_file import file_name, read_department_file, write_department_file
from workbook.sheets.department import row_specs
from workbook.sheets.instructions import write_instructions
from workbook.sheets.layout import (ACTION_ROW, COLUMNS, CONTACT_NAME_CELL, CONTACT_PHONE_CELL, DATA_SHEET, FIRST_ROW,
                             HEADER_ROW, IDENTITY_SHEET, INFO_SHEET, MISSING_COUNT_CELL, TEMPLATE_VERSION,
                             applies, col_letter, col_number, is_open)
from workbook.domain.returns import Entry
from workbook.files.sample import komae_plan, komae_settings
from macros.sample_answers import fill_return

HAS_OFFICE = shutil.which("soffice") is not None and shutil.which("pdfinfo") is not None
needs_office = pytest.mark.skipif(not HAS_OFFICE, reason="LibreOffice / poppler not installed")


@pytest.fixture(scope="module")
def plan():
    return komae_plan()


@pytest.fixture(scope="module")
def settings():
    return komae_settings()


def write(tmp_path: Path, plan, settings, department: str, previous=None) -> Path:
    path = tmp_path / "配布" / file_name(settings, department)
    write_department_file(path, plan, settings, department, previous=previous, instructions=write_instructions)
    return path


def soffice(tmp_path: Path, fmt: str, src: Path, outdir: Path) -> Path:
    """Convert with LibreOffice headless, with a profile of this test's own (tests may run in parallel)."""
    profile = (tmp_path / "lo_profile").resolve()
    subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", fmt,
                    "--outdir", str(outdir), str(src)], check=True, capture_output=True, timeout=300)
    out = outdir / f"{src.stem}.{fmt.split(':')[0]}"
    assert out.exists(), f"LibreOffice wrote no {out.name}"
    return out


def grade_validation(ws):
    return next(dv for dv in ws.data_validations.dataValidation if dv.type == "list")


# --- naming and identity ------------------------------------------------------------------------
def test_file_name_says_year_and_department_and_is_a_legal_name(settings):
    assert file_name(settings, "福祉政策課") == "令和6年度_進捗報告_福祉政策課.xlsx"
    assert file_name(settings, "A/B:課") == "令和6年度_進捗報告_A＿B＿課.xlsx"


def test_file_holds_exactly_the_departments_rows_and_its_identity(tmp_path, plan, settings):
    path = write(tmp_path, plan, settings, "まちづくり推進課")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [INFO_SHEET, DATA_SHEET, IDENTITY_SHEET]
    assert wb[IDENTITY_SHEET].sheet_state == "hidden"
    assert wb.security.lockStructure
    returned = read_department_file(path)
    identity = returned.identity
    assert (identity.municipality, identity.plan_name, identity.fiscal_year, identity.department,
            identity.template_version) == ("狛江市", settings.plan_name, 6, "まちづくり推進課", TEMPLATE_VERSION)
    assert identity.row_keys == ("4-2-2", "4-2-2#1", "5-3-1", "5-3-1#1")
    assert returned.row_keys_found == identity.row_keys
    assert set(returned.entries) == {"4-2-2", "5-3-1"}
    assert all(e.is_blank() for e in returned.entries.values())


def test_shared_action_is_in_both_departments_files(tmp_path, plan, settings):
    for department in ("福祉政策課", "学校教育課"):
        returned = read_department_file(write(tmp_path, plan, settings, department))
        assert "3-3-1" in returned.entries and "3-3-2" in returned.entries
        assert set(returned.entries) == {a.code for a in plan.actions_of(department)}


# --- protection, drop-downs, messages, marks ---------------------------------------------------------
def test_plan_cells_locked_input_cells_open_and_sheet_protected(tmp_path, plan, settings):
    path = write(tmp_path, plan, settings, "まちづくり推進課")
    ws = openpyxl.load_workbook(path)[DATA_SHEET]
    assert ws.protection.sheet
    rows = {key: FIRST_ROW + i for i, (key, _, _) in enumerate(row_specs(plan, "まちづくり推進課"))}
    for key, kind, _ in row_specs(plan, "まちづくり推進課"):
        for col in COLUMNS:
            cell = ws.cell(row=rows[key], column=col_number(col.key))
            open_ = is_open(col, settings.fiscal_year, plan.fiscal_years[-1]) and applies(col, kind)
            assert cell.protection.locked is (not open_), (cell.coordinate, col.key)
    assert ws["C7"].value == plan.action("4-2-2").title and ws["C7"].protection.locked
    for ref in (CONTACT_NAME_CELL, CONTACT_PHONE_CELL):
        assert not ws[ref].protection.locked


def test_grade_drop_down_and_input_messages_cover_the_rows(tmp_path, plan, settings):
    path = write(tmp_path, plan, settings, "福祉政策課")
    ws = openpyxl.load_workbook(path)[DATA_SHEET]
    last = FIRST_ROW + len(row_specs(plan, "福祉政策課")) - 1
    grade = grade_validation(ws)
    assert grade.formula1 == '"A,B,C,－"'
    assert str(grade.sqref) == f"I{FIRST_ROW}:I{last}"
    assert grade.showErrorMessage and grade.showInputMessage
    prompts = {str(dv.sqref): dv.prompt for dv in ws.data_validations.dataValidation if dv.showInputMessage}
    for key in ("content", "result", "reason", "issues", "next"):
        assert prompts[f"{col_letter(key)}{FIRST_ROW}:{col_letter(key)}{last}"]
    assert any(f"{col_letter('actual')}{FIRST_ROW}:{col_letter('actual')}{last}" in ref for ref in prompts)
    assert prompts[CONTACT_NAME_CELL] and prompts[CONTACT_PHONE_CELL]


def test_conditional_formats_mark_missing_entries_and_a_reasonless_c(tmp_path, plan, settings):
    path = write(tmp_path, plan, settings, "まちづくり推進課")
    ws = openpyxl.load_workbook(path)[DATA_SHEET]
    rules = {str(cf.sqref): [r.formula[0] for r in cf.rules] for cf in ws.conditional_formatting}
    last = FIRST_ROW + 3
    for key in ("content", "result", "grade", "actual", "reason"):
        assert f"{col_letter(key)}{FIRST_ROW}:{col_letter(key)}{last}" in rules, key
    reason = rules[f"J{FIRST_ROW}:J{last}"][0]
    assert '"C"' in reason and '"－"' in reason and f"J{FIRST_ROW}" in reason
    assert CONTACT_NAME_CELL in rules and CONTACT_PHONE_CELL in rules


def test_missing_count_formula_sums_a_helper_per_row_and_the_contact(tmp_path, plan, settings):
    path = write(tmp_path, plan, settings, "まちづくり推進課")
    ws = openpyxl.load_workbook(path)[DATA_SHEET]
    helper = len(COLUMNS) + 1
    letter = openpyxl.utils.get_column_letter(helper)
    assert ws[MISSING_COUNT_CELL].value == (f"=SUM({letter}{FIRST_ROW}:{letter}{FIRST_ROW + 3})"
                                            f'+IF({CONTACT_NAME_CELL}="",1,0)+IF({CONTACT_PHONE_CELL}="",1,0)')
    assert ws.column_dimensions[letter].hidden
    for row in range(FIRST_ROW, FIRST_ROW + 4):
        assert str(ws.cell(row=row, column=helper).value).startswith("=IF(")
    assert 'I7&""="－"' in ws.cell(row=FIRST_ROW, column=helper).value       # action row: grade and reason
    assert ws.cell(row=FIRST_ROW + 1, column=helper).value == '=IF(OR(G8="",ISNUMBER(G8)),0,1)'  # indicator row


def test_print_set_up_a4_landscape_in_two_column_groups_with_frozen_header(tmp_path, plan, settings):
    path = write(tmp_path, plan, settings, "福祉相談課")     # 福祉政策課 reports the sample's 再犯者率
    ws = openpyxl.load_workbook(path)[DATA_SHEET]
    last = FIRST_ROW + len(row_specs(plan, "福祉相談課")) - 1
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.orientation == "landscape"
    # this year's report up to 事業費 on one page wide, then the proposals, 取組番号・重点取組 repeated:
    # a fixed scale (Excel ignores manual breaks when fitting to pages)
    assert not ws.sheet_properties.pageSetUpPr.fitToPage
    assert [b.id for b in ws.col_breaks.brk] == [col_number("budget")]
    assert ws.print_title_cols == f"${col_letter('code')}:${col_letter('title')}"
    assert 40 <= ws.page_setup.scale <= 100 and ws.page_setup.pageOrder == "overThenDown"
    assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    # this year's inputs and the proposals for the next two years (今後の方針 only in the plan's last year)
    assert ws.print_area == f"'{DATA_SHEET}'!$B$1:${col_letter('next_budget_2')}${last}"
    assert ws.freeze_panes == f"D{FIRST_ROW}"
    assert ws.page_margins.footer < ws.page_margins.bottom
    # no indicator rows for this department: the 指標 column is hidden, 実績値 stays (it holds the phone cell)
    assert ws.column_dimensions[col_letter("indicator")].hidden
    assert not ws.column_dimensions[col_letter("actual")].hidden


def test_text_inputs_are_text_cells_and_an_equals_answer_stays_text(tmp_path, plan, settings):
    path = write(tmp_path, plan, settings, "福祉相談課")
    wb = openpyxl.load_workbook(path)
    ws = wb[DATA_SHEET]
    for col in COLUMNS:
        if col.editable and applies(col, ACTION_ROW):
            assert ws.cell(row=FIRST_ROW, column=col_number(col.key)).number_format == (
                "#,##0.##" if col.numeric else "@"), col.key
    st.write_text(ws, FIRST_ROW, col_number("content"), "=前年度と同じ")
    st.write_text(ws, FIRST_ROW, col_number("issues"), "=SUM(1,2)")
    wb.save(path)
    again = openpyxl.load_workbook(path)[DATA_SHEET]
    assert again.cell(row=FIRST_ROW, column=col_number("issues")).data_type == "s"
    returned = read_department_file(path)
    entry = returned.entries["3-1-2"]
    assert (entry.get("content"), entry.get("issues")) == ("=前年度と同じ", "=SUM(1,2)")
    assert returned.formulas == {}


def test_last_years_answers_stand_read_only_beside_the_inputs(tmp_path, plan, settings):
    previous = {"4-2-2": Entry("4-2-2", "まちづくり推進課", prev_grade="B", prev_result="相談者30人、解決率68％")}
    path = write(tmp_path, plan, settings, "まちづくり推進課", previous=previous)
    ws = openpyxl.load_workbook(path)[DATA_SHEET]
    grade, result = ws[f"{col_letter('prev_grade')}{FIRST_ROW}"], ws[f"{col_letter('prev_result')}{FIRST_ROW}"]
    assert (grade.value, result.value) == ("B", "相談者30人、解決率68％")
    assert grade.protection.locked and result.protection.locked
    assert not ws.column_dimensions[col_letter("prev_grade")].hidden
    assert read_department_file(path).entries["4-2-2"].prev_grade == "B"
    assert str(ws.print_area).endswith(f"${col_letter('next_budget_2')}${FIRST_ROW + 3}")   # printed as well
    # without last year's answers the two columns are hidden, not removed (the layout stays)
    blank = openpyxl.load_workbook(write(tmp_path / "b", plan, settings, "まちづくり推進課"))[DATA_SHEET]
    assert blank.column_dimensions[col_letter("prev_result")].hidden
    assert blank.cell(row=HEADER_ROW, column=col_number("prev_result")).value == "前年度 実績・成果"


# --- LibreOffice -------------------------------------------------------------------------------
@needs_office
def test_filled_file_keeps_identity_and_entries_through_a_libreoffice_round_trip(tmp_path, plan, settings):
    distributed = write(tmp_path, plan, settings, "まちづくり推進課")
    filled = fill_return(distributed, tmp_path / "回収" / distributed.name, plan)
    wb = openpyxl.load_workbook(filled)
    st.write_text(wb[DATA_SHEET], FIRST_ROW + 2, col_number("issues"), "=特になし")  # typed as text
    wb.save(filled)
    before = read_department_file(filled)

    out = soffice(tmp_path, "xlsx", filled, tmp_path / "lo")
    after = read_department_file(out)

    assert after is not None, "identity sheet lost"
    assert after.identity == before.identity
    assert after.row_keys_found == before.identity.row_keys
    assert {c: (e.values, e.actuals) for c, e in after.entries.items()} == {
        c: (e.values, e.actuals) for c, e in before.entries.items()}
    assert after.entries["4-2-2"].actuals[1] == "７５％" and after.entries["5-3-1"].actuals[1] == 75
    assert after.entries["5-3-1"].get("issues") == "=特になし" and after.formulas == {}
    assert (after.contact_name, after.contact_phone) == (before.contact_name, before.contact_phone)
    wb = openpyxl.load_workbook(out)
    assert wb[IDENTITY_SHEET].sheet_state == "hidden" and wb[IDENTITY_SHEET].protection.sheet
    # LibreOffice writes <workbookProtection/> without lockStructure: the structure lock is lost,
    # the identity sheet itself (hidden, protected) is not
    ws = wb[DATA_SHEET]
    assert ws.protection.sheet and ws["C7"].protection.locked and not ws["F7"].protection.locked
    assert grade_validation(ws).formula1 == '"A,B,C,－"'
    assert len(list(ws.conditional_formatting)) >= 5
    # LibreOffice stores the computed count: only the "７５％" is left to correct
    values = openpyxl.load_workbook(out, data_only=True)[DATA_SHEET]
    assert values[MISSING_COUNT_CELL].value == 1


@needs_office
def test_missing_count_counts_what_is_missing_when_calculated(tmp_path, plan, settings):
    path = write(tmp_path, plan, settings, "学校教育課")
    wb = openpyxl.load_workbook(path)
    ws = wb[DATA_SHEET]
    ws[CONTACT_NAME_CELL] = "山田"                          # phone left empty: 1
    for col, value in (("content", "実施した"), ("result", "1回"), ("grade", "C")):  # no reason for C: 1
        ws.cell(row=FIRST_ROW, column=col_number(col), value=value)
    ws.cell(row=FIRST_ROW + 1, column=col_number("grade"), value="◎")  # content, result empty, bad grade: 3
    wb.save(path)
    out = soffice(tmp_path, "xlsx", path, tmp_path / "lo")
    assert openpyxl.load_workbook(out, data_only=True)[DATA_SHEET][MISSING_COUNT_CELL].value == 5


@needs_office
def test_pdf_prints_on_a4_with_the_whole_table_width_on_each_page(tmp_path, plan, settings):
    path = write(tmp_path, plan, settings, "福祉政策課")
    pdf = soffice(tmp_path, "pdf", path, tmp_path / "pdf")
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "99", str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    sizes = [line.split(":", 1)[1] for line in info.splitlines() if line.startswith("Page") and "size" in line]
    assert sizes and all("A4" in s for s in sizes)
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    table_pages = [p for p in pages if "取組番号" in p]
    assert table_pages, "no table page"
    for page in table_pages:  # one page wide: first and last printed columns on every page
        assert "重点取組" in page and "事業費" in page
    assert any("記入方法" in p and "提出期限" in p for p in pages)


def test_relisted_actions_say_which_action_they_repeat(tmp_path, komae_plan, komae_settings):
    from workbook.files.department_file import read_department_file, write_department_file

    path = tmp_path / "f.xlsx"
    write_department_file(path, komae_plan, komae_settings, "学校教育課")
    ret = read_department_file(path)
    assert ret.plan_cells["3-3-2"]["title"] == "関係機関との連携による修学支援\n（3-3-1 の再掲）"
    assert ret.plan_cells["3-3-1"]["title"] == "義務教育を修了していない出所者等の修学支援"


def test_a_sheet_written_again_in_the_plans_last_year_shows_the_direction_and_keeps_no_old_column_settings(tmp_path):
    """A master's department sheet is rewritten in place each year (master_sheets.reset keeps column
    settings): 今後の方針, hidden in R6, is shown in R8, the period's last year; an older layout's hidden
    column there (its 未入力数) is shown again; no two <col> ranges overlap."""
    import zipfile
    from lxml import etree

    from workbook.domain.scale_presets import DEFAULT_SCALE
    from workbook.sheets import master_sheets as ms
    from tests.workbook.returns_kit import small_plan
    from workbook.sheets.department import write_department_table

    plan = small_plan()
    wb = openpyxl.Workbook()
    ws = wb.active
    write_department_table(ws, plan, "福祉政策課", 6, scale=DEFAULT_SCALE, period_end=8)
    assert ws.column_dimensions[col_letter("direction")].hidden
    ws.column_dimensions.group(col_letter("prev_internal"), col_letter("direction"), hidden=True)   # an older sheet
    ms.reset(ws)
    write_department_table(ws, plan, "福祉政策課", 8, scale=DEFAULT_SCALE, period_end=8)
    path = tmp_path / "again.xlsx"
    wb.save(path)
    ws = openpyxl.load_workbook(path).active
    for key in ("prev_internal", "response", "next_budget_2", "direction"):
        assert not ws.column_dimensions[col_letter(key)].hidden, key
    assert ws.column_dimensions["A"].hidden
    with zipfile.ZipFile(path) as z:
        cols = etree.fromstring(z.read("xl/worksheets/sheet1.xml")).iter(
            "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}col")
        spans = sorted((int(c.get("min")), int(c.get("max"))) for c in cols)
    assert all(a[1] < b[0] for a, b in zip(spans, spans[1:])), spans
