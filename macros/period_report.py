"""計画期間評価報告書 (period-report): the plan period side by side, from 年度別実績 and, while it is
not closed, the current year's answers (marked 見込み). The master is only read.

It can be made during the plan's last year, while the next plan is drafted: the current year's
records are made from the one aggregation as next-year would make them, and shown as 見込み.
Nothing current is shown when nothing is reported for the year yet (right after a close).
The period is 設定's 計画期間 (the plan's own years when the master was made): years the rolling
実施計画 added beyond it (next-year --plan) belong to the next plan and are left out, so after the
last year is closed the report shows every year of the period closed, with no 見込み.
"""
from __future__ import annotations

from pathlib import Path

from generators.period import Period
from generators.period_report import file_name, write_period_report
from workbook.domain.era import fiscal_year_label
from workbook.domain.year_results import results_of_year
from workbook.errors import ReportError
from workbook.files.master import Master
from workbook.rules.late import late_departments
from workbook.rules.status import ACCEPTED

from .finish import check_rows, refuse_hand_edited_year, status_of
from .outcome import Outcome, Progress, quiet as _quiet
from .report import place


def period_of(master: Path) -> Period:
    m = Master.open(master)
    snap = m.snapshot
    refuse_hand_edited_year(snap)
    kept = snap.year_results()
    year = m.settings.fiscal_year
    span = m.settings.period_years(m.plan.fiscal_years)
    records = [r for r in kept if r.fiscal_year != year and r.fiscal_year in span]
    estimate = None
    if year in span and not any(r.fiscal_year == year for r in kept):
        summary = m.summary()
        if any(not e.is_blank() for p in summary.actions for e in p.entries.values()):
            late = late_departments(snap.plan, status_of(snap), check_rows(snap))
            states = {d.name: ACCEPTED for d in snap.plan.departments} | {l.name: l.state for l in late}
            records += results_of_year(summary, states)
            estimate = year
    return Period(m.plan, m.settings.scale, sorted(records, key=lambda r: r.fiscal_year), estimate,
                  m.settings.indicator_rule, span), m


def run_period_report(master: Path, progress: Progress = _quiet) -> Outcome:
    progress(f"マスター {Path(master).name} を読み込んでいます…")
    period, m = period_of(master)
    if not period.years:
        raise ReportError("締めた年度も今年度の回答もまだないため、計画期間評価報告書を作れません。"
                          "年度を締める（⑥ 年度更新）か、今年度の回答を回収してから実行してください。")
    folder = m.folder(m.settings.report_folder)
    folder.mkdir(parents=True, exist_ok=True)
    progress("計画期間評価報告書を作成しています…")
    out = folder / f".{file_name(period)}"
    write_period_report(period, m.settings, out)
    outcome = Outcome()
    place(out, folder / file_name(period), outcome, "計画期間評価報告書を作成しました")
    years = "・".join(period.year_label(y) for y in period.years)
    outcome.say(f"  年度：{years}" + (f"（{fiscal_year_label(period.estimate_year)}はまだ締めていないため見込み）"
                                     if period.estimate_year else ""))
    return outcome
