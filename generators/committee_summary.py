"""The committee summary (委員会用概要): key figures, chart, counts, highlights, what needs attention."""
from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from workbook.domain.era import fiscal_year_label
from workbook.domain.plan import Plan
from workbook.domain.progress import Summary
from workbook.domain.settings import Settings

from .charts import grade_distribution_chart
from .context import SCOPE_WITH, chart_rows, committee_summary_context, scale_of
from .template import COMMITTEE_SUMMARY_TEMPLATE, render

TITLE = "委員会用概要"
CHART_WIDTH_MM = 140


def file_name(fiscal_year: int) -> str:
    """'令和6年度_委員会用概要.docx'."""
    return f"{fiscal_year_label(fiscal_year)}_{TITLE}.docx"


def write_committee_summary(summary: Summary, plan: Plan, settings: Settings, out: Path,
                            template: Path = COMMITTEE_SUMMARY_TEMPLATE, today: dt.date | None = None) -> Path:
    context = committee_summary_context(summary, plan, settings, today or dt.date.today())
    with tempfile.TemporaryDirectory(prefix="chart_") as tmp:
        chart = grade_distribution_chart(chart_rows(summary, plan), Path(tmp) / "grades.png",
                                         xlabel=f"取組数（{SCOPE_WITH}）", scale=scale_of(summary, settings))
        return render(template, context, out, images={"chart": (chart, CHART_WIDTH_MM)})
