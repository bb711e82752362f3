"""The 設定 sheet: values read back, and bad values refused with the cell named."""
from __future__ import annotations

import openpyxl
import pytest

from workbook.errors import MasterError
from workbook.files.master import Master, build_master
from workbook.domain.settings import SETTING_ROWS, settings_from_values


def cell_of(key: str) -> str:
    return f"C{[k for k, _, _ in SETTING_ROWS].index(key) + 2}"


@pytest.fixture
def master_path(tmp_path, komae_plan, komae_settings):
    return build_master(komae_plan, komae_settings, tmp_path / "master.xlsx")


def set_setting(path, key, value):
    wb = openpyxl.load_workbook(path)
    wb["設定"][cell_of(key)] = value
    wb.save(path)


@pytest.mark.parametrize("key,value", [
    ("fiscal_year", "令和六年度"), ("fiscal_year", 0), ("indicator_rule", "平均値"),
    ("multi_department_rule", "平均"), ("mail_attachment", "送らない"), ("plan_period", "令和8年度〜令和6年度"),
])
def test_bad_settings_name_the_cell_and_value(master_path, key, value):
    set_setting(master_path, key, value)
    with pytest.raises(MasterError) as info:
        Master.open(master_path)
    message = str(info.value)
    assert "シート「設定」" in message and str(value) in message
    assert cell_of(key) in message


@pytest.mark.parametrize("key,value,cell", [("threshold_a", "百十", "C5"), ("threshold_a", 50, "C5"),
                                            ("threshold_b", -5, "C6")])
def test_a_master_from_before_the_scale_sheet_keeps_its_threshold_cells(master_path, key, value, cell):
    """Masters made before 評価基準 hold threshold_a/threshold_b in rows 5 and 6 and no 評価基準 sheet."""
    wb = openpyxl.load_workbook(master_path)
    del wb["評価基準"]
    ws = wb["設定"]
    ws["A5"], ws["C5"], ws["A6"], ws["C6"] = "threshold_a", 110, "threshold_b", 90
    ws[cell] = value
    wb.save(master_path)
    with pytest.raises(MasterError) as info:
        Master.open(master_path)
    assert f"セル {cell}" in str(info.value) and str(value) in str(info.value)


def test_a_year_outside_the_plan_is_refused(master_path):
    set_setting(master_path, "fiscal_year", "R12")
    with pytest.raises(MasterError) as info:
        Master.open(master_path)
    assert cell_of("fiscal_year") in str(info.value) and "取組目標(R12)" in str(info.value)


def test_thresholds_and_years_in_any_usual_form():
    settings = settings_from_values({"fiscal_year": "令和７年度", "threshold_a": "１２０％", "threshold_b": "95%"})
    assert settings.fiscal_year == 7
    assert [g.floor for g in settings.scale.ranked] == [120, 95, 0]   # a master from before 評価基準


def test_collect_also_refuses_a_year_outside_the_plan(master_path):
    from macros.operations import collect

    set_setting(master_path, "fiscal_year", "R12")
    before = master_path.read_bytes()
    with pytest.raises(MasterError) as info:
        collect(master_path)
    assert cell_of("fiscal_year") in str(info.value)
    assert master_path.read_bytes() == before


def test_a_master_that_is_not_a_workbook_is_told_in_japanese(tmp_path):
    fake = tmp_path / "master.xlsm"
    fake.write_text("not a workbook", encoding="utf-8")
    with pytest.raises(MasterError) as info:
        Master.open(fake)
    assert "File is not a zip file" not in str(info.value)


def test_letter_settings_are_appended_so_earlier_cells_stay():
    keys = [k for k, _, _ in SETTING_ROWS]
    assert keys.index("protection_password") == 14 and cell_of("deadline") == "C8"
    assert keys[15:22] == ["sender", "sender_name", "document_number", "resubmission_deadline", "reminder_folder",
                           "mail_attachment", "shared_folder"]
    assert keys[22:30] == ["meeting_document_number", "meeting_name", "meeting_date", "report_paper",
                           "publisher_section", "publisher_address", "publisher_phone", "sample"]
    assert keys[30:] == ["year_end_folder", "municipality_code", "prefecture",   # ⑥ 年度更新 (15), the roll-up (16)
                         "plan_period"]                                     # 計画期間 (15)


def test_the_year_end_folder_reads_back_and_defaults_for_an_older_master(master_path):
    assert settings_from_values({"fiscal_year": 6}).year_end_folder == "年度末"
    set_setting(master_path, "year_end_folder", "年度末の控え")
    assert Master.open(master_path).settings.year_end_folder == "年度末の控え"


def test_document_settings_read_back(master_path):
    for key, value in (("meeting_document_number", "資料2"), ("meeting_name", "第1回 推進会議"),
                       ("report_paper", "A3横"), ("publisher_phone", "03-0000-0000"), ("sample", "サンプル")):
        set_setting(master_path, key, value)
    settings = Master.open(master_path).settings
    assert (settings.meeting_document_number, settings.meeting_name, settings.report_paper, settings.publisher_phone,
            settings.sample) == ("資料2", "第1回 推進会議", "A3横", "03-0000-0000", True)
    set_setting(master_path, "report_paper", "B5")
    with pytest.raises(MasterError) as info:
        Master.open(master_path)
    assert cell_of("report_paper") in str(info.value)


def test_letter_settings_read_back(master_path):
    for key, value in (("sender", "福祉保健部福祉政策課長"), ("document_number", "狛福政発第12号"),
                       ("resubmission_deadline", "令和7年6月13日（金）"), ("reminder_folder", "督促"),
                       ("mail_attachment", "添付せず本文にパスを書く"), ("shared_folder", r"\\fs\share")):
        set_setting(master_path, key, value)
    settings = Master.open(master_path).settings
    assert (settings.sender, settings.document_number, settings.resubmission_deadline, settings.reminder_folder) == (
        "福祉保健部福祉政策課長", "狛福政発第12号", "令和7年6月13日（金）", "督促")
    assert not settings.attach_files and settings.shared_folder == r"\\fs\share"


def test_a_master_without_the_letter_rows_reads_with_defaults():
    settings = settings_from_values({"fiscal_year": 6})
    assert settings.reminder_folder == "再依頼" and settings.attach_files and settings.document_number == ""


def test_the_points_rule_needs_points_on_the_scale(master_path):
    set_setting(master_path, "multi_department_rule", "点数の平均（最も近い記号、同点は低い方）")
    with pytest.raises(MasterError) as info:
        Master.open(master_path)
    assert cell_of("multi_department_rule") in str(info.value) and "点数" in str(info.value)


def test_the_municipality_code_is_six_digits_or_blank(master_path):
    assert [k for k, _, _ in SETTING_ROWS][-3:-1] == ["municipality_code", "prefecture"]    # appended: older rows keep their cells
    assert Master.open(master_path).settings.municipality_code == ""
    set_setting(master_path, "municipality_code", "１３２１９５")
    assert Master.open(master_path).settings.municipality_code == "132195"
    assert settings_from_values({"fiscal_year": 6, "municipality_code": 11002}).municipality_code == "011002"
    set_setting(master_path, "municipality_code", "13219")
    with pytest.raises(MasterError) as info:
        Master.open(master_path)
    assert cell_of("municipality_code") in str(info.value) and "6 桁" in str(info.value)


def test_the_plan_period_is_the_plans_years_when_the_master_is_made_and_reads_back(master_path):
    """計画期間: written from the plan's own years; a rolled plan (years added by revision) does not move it."""
    settings = Master.open(master_path).settings
    assert settings.plan_period == "令和6年度〜令和8年度"
    assert settings.period_years((6, 7, 8, 9, 10)) == (6, 7, 8)
    set_setting(master_path, "plan_period", "R6～R11")
    assert Master.open(master_path).settings.period_years((6, 7, 8)) == (6, 7, 8, 9, 10, 11)
    set_setting(master_path, "plan_period", None)     # an older master, or left blank: the plan's years
    assert Master.open(master_path).settings.period_years((6, 7, 8, 9)) == (6, 7, 8, 9)


def test_days_typed_as_excel_dates_read_back_in_wareki(master_path):
    """2025/5/30 typed into a 標準 cell becomes a date cell: the deadline and the meeting still read as 和暦."""
    import datetime as dt

    for key, value in (("deadline", dt.datetime(2025, 5, 30)), ("resubmission_deadline", dt.date(2019, 6, 14)),
                       ("meeting_date", "2025/7/10")):
        set_setting(master_path, key, value)
    settings = Master.open(master_path).settings
    assert (settings.deadline, settings.resubmission_deadline, settings.meeting_date) == (
        "令和7年5月30日（金）", "令和元年6月14日（金）", "令和7年7月10日（木）")


def test_a_day_written_in_words_stays_as_written():
    values = {"fiscal_year": 6, "deadline": "令和7年5月30日（金）正午", "meeting_date": "7月10日"}
    settings = settings_from_values(values)
    assert (settings.deadline, settings.meeting_date) == ("令和7年5月30日（金）正午", "7月10日")
