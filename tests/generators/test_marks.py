"""What the documents say about themselves: what keeps them drafts, the sample and the colophon lines."""
from __future__ import annotations

import datetime as dt

from generators.marks import OpenItems, open_items, publisher, wareki_month
from workbook.domain.plan import Department
from workbook.domain.problems import ERROR
from workbook.files.corrections import Item
from workbook.rules.late import Late
from workbook.rules.status import NEEDS_FIX, NOT_RETURNED


def test_nothing_open_is_final():
    assert not OpenItems().draft and OpenItems().lines() == []


def test_each_kind_of_open_item_is_one_line_and_long_lists_are_cut():
    codes = tuple(f"1-{n}" for n in range(1, 26))
    items = OpenItems(("指導室", "学校教育課"), (("福祉政策課", 3),), codes, 22)
    assert items.draft
    assert items.lines() == [
        "未提出の担当課（2 課）：指導室、学校教育課",
        "要修正の担当課（1 課）：福祉政策課（直す箇所 3 件）",
        "達成度が未記入の取組 22 件（再掲を除く。再掲を含めると 25 件）：" + "、".join(codes[:20]) + " ほか 5 件",
    ]


def test_open_items_come_from_the_late_departments_and_the_grades(komae_plan, komae_settings):
    from workbook.domain.progress import summarize

    summary = summarize(komae_plan, {}, komae_settings, [])
    error = Item(ERROR, "reason-missing", "福祉政策課", "J7", "1-1-1", "理由", "", "理由を入力してください")
    late = [Late(Department("指導室"), NOT_RETURNED, 2), Late(Department("福祉政策課"), NEEDS_FIX, 26, items=[error])]
    items = open_items(summary, late)
    assert items.not_returned == ("指導室",) and items.to_fix == (("福祉政策課", 1),)
    assert len(items.ungraded) == len(komae_plan.actions)
    alone = open_items(summary)            # a summary alone: the departments not reported stand for 未提出
    assert alone.not_returned == tuple(d.name for d in komae_plan.departments) and alone.to_fix == ()


def test_colophon_publisher_and_month():
    assert publisher("狛江市", "狛江市 福祉保健部 福祉政策課") == "狛江市 福祉保健部 福祉政策課"
    assert publisher("狛江市", "福祉保健部 福祉政策課") == "狛江市　福祉保健部 福祉政策課"
    assert publisher("狛江市", "") == "狛江市"
    assert wareki_month(dt.date(2025, 7, 10)) == "令和7年7月"
    assert wareki_month(dt.date(2019, 5, 1)) == "令和元年5月"


def test_the_meeting_and_the_colophon_as_typed_on_the_settings_in_the_house_style(komae_settings):
    from dataclasses import replace

    from generators.marks import marks_context

    settings = replace(komae_settings, meeting_document_number="資料２", meeting_name="令和７年度第１回 推進会議",
                       meeting_date="令和７年７月１０日（木）", publisher_phone="０３-３４３０-１１１１", sample=True)
    context = marks_context(settings, "狛江市", OpenItems(), dt.date(2025, 7, 1), "資料")
    assert context["meeting"] == {"number": "資料2", "name": "令和7年度第1回 推進会議", "date": "令和7年7月10日（木）",
                                  "line": "令和7年度第1回 推進会議　令和7年7月10日（木）"}
    assert context["colophon"]["phone"] == "03-3430-1111" and context["colophon"]["month"] == "令和7年7月"
    assert context["mark"]["sample"] == "【サンプル】" and context["mark"]["draft"] == ""
