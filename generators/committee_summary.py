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
from .marks import OpenItems
from .context import SCOPE_WITH, chart_rows, committee_summary_context, scale_of
from .template import COMMITTEE_SUMMARY_TEMPLATE, render

TITLE = "委員会用概要"
# Tighter and tighter: (at most this many actions per list, the chart's width in mm) for fit 0, 1, 2, 3.
# macros/report.py takes the next one while the PDF's last page is nearly empty.
FITS = ((None, 110), (4, 100), (3, 90), (2, 80))


def file_name(fiscal_year: int) -> str:
    """'令和6年度_委員会用概要.docx'."""
    return f"{fiscal_year_label(fiscal_year)}_{TITLE}.docx"


def write_committee_summary(summary: Summary, plan: Plan, settings: Settings, out: Path,
                            template: Path = COMMITTEE_SUMMARY_TEMPLATE, today: dt.date | None = None,
                            items: OpenItems | None = None, fit: int = 0) -> Path:
    """items: what is still open (see generators/marks.py); the summary is then a draft（案）.
    fit: how tight (FITS): shorter lists and a smaller chart, so that the last page is not nearly empty."""
    limit, chart_width = FITS[min(fit, len(FITS) - 1)]
    context = committee_summary_context(summary, plan, settings, today or dt.date.today(), items, limit)
    with tempfile.TemporaryDirectory(prefix="chart_") as tmp:
        chart = grade_distribution_chart(chart_rows(summary, plan), Path(tmp) / "grades.png",
                                         xlabel=f"取組数（{SCOPE_WITH}）", scale=scale_of(summary, settings))
        return render(template, context, out, images={"chart": (chart, chart_width)})
