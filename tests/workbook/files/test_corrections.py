"""Correction lists (返却票): one per department with problems, in Japanese, A4, rewritten only on change."""
from __future__ import annotations

import datetime as dt

import openpyxl

from tests.workbook.returns_kit import small_plan, small_settings
from workbook.files.corrections import HEADERS, TABLE_ROW, file_name, item, write_corrections
from workbook.domain.house_style import WAREKI_DATE_FORMAT
from workbook.domain.problems import problem

SOURCE = ("令和6年度_進捗報告_福祉政策課.xlsx", "2025-05-20 10:00:00")


def sample_items():
    return [
        item(problem("grade-invalid", file=SOURCE[0], sheet="進捗報告", cell="I21", value="◎",
                     department="福祉政策課", action_code="4-1-2", field="自己評価")),
        item(problem("plan-cell-edited", file=SOURCE[0], sheet="進捗報告", cell="C10", value="短くした題",
                     expected="元の題", department="福祉政策課", action_code="1-2-2", field="重点取組")),
        item(problem("contact-missing", file=SOURCE[0], sheet="進捗報告", cell="D3", field="回答者（担当者名）",
                     department="福祉政策課")),
        item(problem("older-return", file="old.xlsx", department="福祉政策課", expected=SOURCE[0])),
    ]


def test_a_list_per_department_with_cells_values_and_what_to_do(tmp_path):
    settings = small_settings(small_plan())
    lists, removed = write_corrections(tmp_path, settings, {"福祉政策課": (SOURCE, sample_items())},
                                       today=dt.date(2025, 5, 21))
    assert removed == [] and lists == [tmp_path / file_name(settings, "福祉政策課")]
    ws = openpyxl.load_workbook(lists[0]).active
    assert ws.title == "返却票"
    assert "返却票" in ws["A1"].value
    assert ws["C4"].value == "福祉政策課　御中"
    assert ws["C5"].value == f"{SOURCE[0]}（受信 令和7年5月20日 10:00）"
    # the issue date is a real date shown in 和暦
    assert ws["C6"].value == dt.datetime(2025, 5, 21) and ws["C6"].number_format == WAREKI_DATE_FORMAT
    assert ws["C7"].value == "要修正 2 件　要確認 1 件"
    assert [c.value for c in ws[TABLE_ROW]] == HEADERS
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=TABLE_ROW + 1, values_only=False)]
    # in sheet order (contact cell D3 first), the section-only older-return left out
    assert [(r[1], r[2], r[5], r[6]) for r in rows] == [
        ("要確認", None, "D3", None), ("要修正", "1-2-2", "C10", "短くした題"), ("要修正", "4-1-2", "I21", "◎")]
    assert all(r[4] == "進捗報告" and r[7] for r in rows)
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4 and ws.page_setup.orientation == "landscape"


def test_unchanged_list_is_not_rewritten_and_a_list_without_problems_is_removed(tmp_path):
    settings = small_settings(small_plan())
    lists, _ = write_corrections(tmp_path, settings, {"福祉政策課": (SOURCE, sample_items())})
    before = lists[0].stat().st_mtime_ns
    again, removed = write_corrections(tmp_path, settings, {"福祉政策課": (SOURCE, sample_items())},
                                       today=dt.date.today() + dt.timedelta(days=3))
    assert again == lists and removed == [] and lists[0].stat().st_mtime_ns == before
    changed, _ = write_corrections(tmp_path, settings, {"福祉政策課": (SOURCE, sample_items()[:1])})
    assert changed[0].stat().st_mtime_ns != before
    gone, removed = write_corrections(tmp_path, settings, {"福祉政策課": (SOURCE, sample_items()[3:])})
    assert gone == [] and removed == lists and not lists[0].exists()


def test_a_file_the_add_on_did_not_write_is_never_removed(tmp_path):
    settings = small_settings(small_plan())
    mine = tmp_path / file_name(settings, "福祉相談課")
    wb = openpyxl.Workbook()
    wb.active["A1"] = "担当者が手で作ったメモ"
    wb.save(mine)
    lists, removed = write_corrections(tmp_path, settings, {})
    assert lists == [] and removed == [] and mine.exists()


def test_department_names_become_safe_file_names(tmp_path):
    settings = small_settings(small_plan())
    assert file_name(settings, "福祉/相談課") == "令和6年度_返却票_福祉＿相談課.xlsx"


def test_problems_only_the_section_can_resolve_make_no_list(tmp_path):
    """The plan or 設定 changed after distribution: nothing the department can correct in its file."""
    settings = small_settings(small_plan())
    items = [item(problem("row-not-distributed", file=SOURCE[0], sheet="進捗報告", value="1-1-4",
                          department="福祉相談課", action_code="1-1-4")),
             item(problem("row-not-in-plan", file=SOURCE[0], sheet="進捗報告", cell="B8", value="1-1-3",
                          department="福祉相談課", action_code="1-1-3")),
             item(problem("plan-name-changed", file=SOURCE[0], sheet="識別情報", cell="C3", value="旧計画名",
                          expected="新計画名", department="福祉相談課"))]
    lists, removed = write_corrections(tmp_path, settings, {"福祉相談課": (SOURCE, items)})
    assert lists == [] and removed == [] and list(tmp_path.iterdir()) == []


def test_the_same_items_in_another_order_give_the_same_list(tmp_path):
    """validate rebuilds collect's items from 検証結果 in that sheet's order: the list must not change."""
    settings = small_settings(small_plan())
    items = sample_items() + [
        item(problem("row-removed", file=SOURCE[0], sheet="進捗報告", value=code, department="福祉政策課",
                     action_code=code)) for code in ("2-1-1", "1-1-3")] + [
        item(problem("rows-not-department", file=SOURCE[0], department="福祉政策課", value="1-1-2"))]
    lists, _ = write_corrections(tmp_path, settings, {"福祉政策課": (SOURCE, items)})
    before = lists[0].stat().st_mtime_ns
    rows = [r for r in openpyxl.load_workbook(lists[0]).active.iter_rows(min_row=TABLE_ROW + 1, values_only=True)]
    assert [(r[2], r[5]) for r in rows[:3]] == [(None, None), ("1-1-3", None), ("2-1-1", None)]
    again, _ = write_corrections(tmp_path, settings, {"福祉政策課": (SOURCE, items[::-1])})
    assert again == lists and lists[0].stat().st_mtime_ns == before
