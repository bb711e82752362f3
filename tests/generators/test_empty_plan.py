"""Both documents for a plan without actions or departments: no claim that every department reported."""
from __future__ import annotations

import datetime as dt

import pytest

from generators.committee_summary import write_committee_summary
from generators.progress_report import write_progress_report
from workbook.domain.plan import Plan
from workbook.domain.progress import summarize
from workbook.domain.settings import Settings

from .docx_read import all_text, open_docx

DAY = dt.date(2025, 7, 1)


@pytest.mark.parametrize("write", [write_progress_report, write_committee_summary])
def test_an_empty_plan_says_there_was_nothing_to_report(tmp_path, write):
    plan = Plan("テスト市", "テスト市再犯防止推進計画", (6, 7, 8), [], [], [])
    settings = Settings(municipality="テスト市", plan_name=plan.name, fiscal_year=6)
    summary = summarize(plan, {}, settings, [])
    text = all_text(open_docx(write(summary, plan, settings, tmp_path / "out.docx", today=DAY)))
    assert "すべての担当課から報告がありました" not in text
    assert "すべての取組に達成度が記入されています" not in text
    assert "0 課のうち 0 課" not in text
    assert "計画に取組が登録されていない" in text


def test_a_plan_everyone_answered_still_says_so(tmp_path):
    from workbook.files.master import Master

    from .sample_returns import filled_master

    master = Master.open(filled_master(tmp_path, missing=()))
    out = write_progress_report(master.summary(), master.plan, master.settings, tmp_path / "r.docx", today=DAY)
    text = all_text(open_docx(out))
    assert "すべての担当課から報告がありました。" in text and "すべての取組に達成度が記入されています。" in text
    assert "計画に取組が登録されていない" not in text
