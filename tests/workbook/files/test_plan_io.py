"""Plan import: the embedded Komae plan, a Saitama-numbered plan, and bad plan files."""
from __future__ import annotations

import csv

import openpyxl
import pytest

from workbook.errors import PlanFileError
from workbook.domain.plan import Direction, EvaluationKind
from workbook.files.plan_import import import_plan

SAITAMA_HEADER = ["基本目標番号", "基本目標", "施策番号", "施策", "事業番号", "事業名", "事業内容", "所管課",
                  "評価区分", "再掲元", "取組目標(R3)", "取組目標(R4)"]


def saitama_rows():
    return [
        ["1", "就労・住居の確保等のための取組", "1（1）①", "就職に向けた相談・支援等の充実", "1",
         "ワークステーションさいたまにおける取組", "ワンストップ就労支援を実施します。", "労働政策課", "定量的", "",
         "就職者数 120人", "就職者数 120人"],
        ["1", "就労・住居の確保等のための取組", "1（1）①", "就職に向けた相談・支援等の充実", "3",
         "さいたま若者自立支援ルームにおける取組", "自立支援プログラムを実施します。", "青少年育成課", "定量的", "",
         "ステップアップ 55人", "ステップアップ 60人"],
        ["1", "就労・住居の確保等のための取組", "1（2）", "住居の確保等", "12",
         "住宅確保要配慮者の入居を拒まない賃貸住宅の供給の促進", "セーフティネット住宅の登録を促進します。",
         "住宅政策課、福祉総務課", "定量的", "", "登録戸数 5,300戸", "登録戸数 5,600戸"],
        ["2", "保健医療・福祉サービスの利用の促進等のための取組", "2（1）①", "保健医療・福祉サービスの提供", "14",
         "包括的な支援体制の構築", "福祉丸ごと相談センターを開設します。", "福祉総務課", "定性的", "",
         "4区に開設", "全区に開設"],
        ["2", "保健医療・福祉サービスの利用の促進等のための取組", "2（1）②", "関係機関・団体との連携の強化", "30",
         "同上（再掲）", "依存症家族教室を実施します。", "こころの健康センター", "", "14",
         "2クール実施", "2クール実施"],
    ]


def write_xlsx(path, header, rows, indicators=None):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "計画"
    ws.append(header)
    for row in rows:
        ws.append(row)
    if indicators:
        wi = wb.create_sheet("指標")
        for row in indicators:
            wi.append(row)
    wb.save(path)
    return path


def test_komae_sample_is_complete(komae_plan):
    assert len(komae_plan.goals) == 5
    assert len(komae_plan.measures) == 16
    assert len(komae_plan.actions) == 33
    assert komae_plan.fiscal_years == (6, 7, 8)
    assert [a.code for a in komae_plan.actions][:3] == ["1-1-1", "1-1-2", "1-2-1"]
    assert komae_plan.action("1-1-1").targets == {6: "ホームページ及びチラシの作成", 7: "周知先の開拓及び配架",
                                                  8: "周知先の開拓及び配架"}
    for code in ("3-3-1", "3-3-2"):
        assert komae_plan.action(code).departments == ("福祉政策課", "学校教育課")
    for code in ("4-2-2", "5-3-1"):
        assert komae_plan.action(code).departments == ("福祉政策課", "まちづくり推進課")
        assert komae_plan.action(code).kind is EvaluationKind.QUANTITATIVE
    assert komae_plan.action("5-1-1").departments == ("福祉政策課", "指導室")
    assert komae_plan.action("5-3-1").relisted_from == "4-2-2"
    assert {d.name for d in komae_plan.departments} == {"福祉政策課", "福祉相談課", "学校教育課", "指導室", "まちづくり推進課"}
    for action in komae_plan.actions:
        assert all(action.targets[y] for y in (6, 7, 8)), action.code
        text = action.title + action.overview + action.activity + "".join(action.targets.values())
        for damaged in ("柏江", "泊江", "福江駅", "アウトドーチ", "アウトーチ"):
            assert damaged not in text, (action.code, damaged)


# words of the notes on how the plan was extracted from its PDF (kept in workbook/data/PROVENANCE.md)
EXTRACTION_WORDS = ("抽出", "補完", "仮置き", "転記", "ずれ", "判断", "修正")


def test_komae_plan_shows_users_no_extraction_notes(komae_plan):
    """備考 is the city's; a target the source does not give reads 要確認, never a guess."""
    for action in komae_plan.actions:
        assert not any(w in action.note for w in EXTRACTION_WORDS), (action.code, action.note)
    for indicator in komae_plan.indicators:
        assert not any(w in indicator.note for w in EXTRACTION_WORDS), (indicator.action_code, indicator.note)
    for code in ("3-4-1", "3-4-2", "5-1-1"):
        assert set(komae_plan.action(code).targets.values()) == {"要確認"}
    assert komae_plan.action("1-1-2").targets[8] == "要確認"


def test_komae_indicator_is_machizukuri_and_marked_sample(komae_plan):
    [indicator] = komae_plan.indicators_of("4-2-2")
    assert indicator.department == "まちづくり推進課"
    assert indicator.direction is Direction.HIGHER
    assert "サンプル" in indicator.note
    assert komae_plan.indicators_of("4-2-2", "福祉政策課") == []


def test_saitama_numbering_imports_without_code_change(tmp_path):
    path = write_xlsx(tmp_path / "saitama.xlsx", SAITAMA_HEADER, saitama_rows(),
                      indicators=[["事業番号", "指標名", "単位", "現状値", "目標値", "目標の向き"],
                                  ["12", "セーフティネット住宅登録戸数", "戸", "5,000", "5,300", "以上"]])
    plan = import_plan(path, "さいたま市", "さいたま市再犯防止推進計画")
    assert [a.code for a in plan.actions] == ["1", "3", "12", "14", "30"]
    assert [m.code for m in plan.measures] == ["1（1）①", "1（2）", "2（1）①", "2（1）②"]
    assert plan.fiscal_years == (3, 4)
    assert plan.action("12").departments == ("住宅政策課", "福祉総務課")
    assert plan.action("30").relisted_from == "14"
    assert plan.action("14").kind is EvaluationKind.QUALITATIVE
    assert plan.indicators[0].target == 5300 and plan.indicators[0].baseline == 5000


def test_csv_in_shift_jis_is_read(tmp_path):
    path = tmp_path / "plan.csv"
    with path.open("w", encoding="cp932", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(SAITAMA_HEADER)
        writer.writerows(saitama_rows())
    plan = import_plan(path)
    assert len(plan.actions) == 5 and plan.name == "plan"


def test_bad_plan_names_row_and_column(tmp_path):
    rows = saitama_rows()
    rows[1][7] = ""            # 所管課 missing on file row 3 (column H)
    rows[3][4] = "1"           # duplicate 事業番号 on file row 5 (column E)
    rows[4][9] = "99"          # 再掲元 unknown on file row 6 (column J)
    rows[2][8] = "定量"        # not a valid 評価区分 on file row 4 (column I)
    path = write_xlsx(tmp_path / "bad.xlsx", SAITAMA_HEADER, rows)
    with pytest.raises(PlanFileError) as info:
        import_plan(path)
    found = {(p.code, p.cell) for p in info.value.problems}
    assert found == {("plan-missing-value", "H3"), ("plan-duplicate-code", "E5"),
                     ("plan-unknown-relisting", "J6"), ("plan-bad-choice", "I4")}
    assert "H3" in str(info.value)


def test_missing_columns_are_all_reported(tmp_path):
    path = write_xlsx(tmp_path / "cols.xlsx", ["番号", "事業名", "取組目標(R6)"], [["1", "x", "y"]])
    with pytest.raises(PlanFileError) as info:
        import_plan(path)
    missing = {p.value for p in info.value.problems if p.code == "plan-missing-column"}
    assert missing == {"基本目標番号", "基本目標", "施策番号", "施策", "担当課"}


def test_plan_without_year_targets_is_refused(tmp_path):
    path = write_xlsx(tmp_path / "noyears.xlsx", SAITAMA_HEADER[:10], [r[:10] for r in saitama_rows()])
    with pytest.raises(PlanFileError) as info:
        import_plan(path)
    assert [p.code for p in info.value.problems] == ["plan-no-years"]


def test_indicator_for_unknown_action_and_bad_number(tmp_path):
    path = write_xlsx(tmp_path / "ind.xlsx", SAITAMA_HEADER, saitama_rows(),
                      indicators=[["取組番号", "指標名", "目標値", "目標の向き"],
                                  ["77", "架空の指標", "10", "以上"],
                                  ["1", "就職者数", "たくさん", "以上"],
                                  ["3", "割合", "64", "多い方"]])
    with pytest.raises(PlanFileError) as info:
        import_plan(path)
    assert {(p.code, p.sheet, p.cell) for p in info.value.problems} == {
        ("plan-unknown-action", "指標", "A2"), ("plan-bad-number", "指標", "C3"), ("plan-bad-choice", "指標", "D4")}


def test_western_year_headers_are_read_and_odd_ones_reported(tmp_path):
    header = SAITAMA_HEADER[:10] + ["取組目標（2021年度）", "取組目標(令和4年度)"]
    plan = import_plan(write_xlsx(tmp_path / "w.xlsx", header, saitama_rows()))
    assert plan.fiscal_years == (3, 4)
    odd = SAITAMA_HEADER[:10] + ["取組目標(R3)", "取組目標（来年度）"]
    with pytest.raises(PlanFileError) as info:
        import_plan(write_xlsx(tmp_path / "odd.xlsx", odd, saitama_rows()))
    assert [(p.code, p.cell, p.value) for p in info.value.problems] == [("plan-bad-year", "L1", "取組目標(来年度)")]


def test_a_plan_without_actions_is_refused(tmp_path):
    with pytest.raises(PlanFileError) as info:
        import_plan(write_xlsx(tmp_path / "empty.xlsx", SAITAMA_HEADER, []))
    assert [p.code for p in info.value.problems] == ["plan-no-actions"]


def test_csv_indicator_problems_name_their_file_and_blank_rows_are_not_unknown(tmp_path):
    plan = tmp_path / "city.csv"
    rows = saitama_rows()
    rows[0][5] = ""                     # 事業番号 1 has no 事業名 (F2)
    with plan.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([SAITAMA_HEADER] + rows)
    with (tmp_path / "city_指標.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["取組番号", "指標名", "目標値"], ["1", "就職者数", "120"], ["3", "割合", "多め"]])
    with pytest.raises(PlanFileError) as info:
        import_plan(plan)
    assert {(p.code, p.file, p.cell) for p in info.value.problems} == {
        ("plan-missing-value", "city.csv", "F2"), ("plan-bad-number", "city_指標.csv", "C3")}
    assert "city_指標.csv: " in str(info.value)


def test_one_code_with_two_names_is_reported(tmp_path):
    rows = saitama_rows()
    rows[1][3] = "就職に向けた相談・支援"        # same 施策番号 1（1）① as row 2, another name (D3)
    with pytest.raises(PlanFileError) as info:
        import_plan(write_xlsx(tmp_path / "names.xlsx", SAITAMA_HEADER, rows))
    assert [(p.code, p.cell) for p in info.value.problems] == [("plan-inconsistent-name", "D3")]


def test_a_plan_whose_action_list_is_replaced_looks_up_the_new_actions():
    # a new list could be made where a freed one was (same id()): the lookup must still see it
    from workbook.domain.plan import Action, Plan

    plan = Plan("サンプル市", "サンプル計画", [2025], [], [],
                actions=[Action(code="1", title="一", goal_code="G", measure_code="M", departments=["福祉課"])])
    for n in range(50):
        code = str(n + 2)
        plan.actions = [Action(code=code, title="新", goal_code="G", measure_code="M", departments=["福祉課"])]
        assert plan.action(code).code == code
        assert [a.code for a in plan.actions_of("福祉課")] == [code]
