"""Documents generated from the master: the Word progress report and the committee summary.

context.py turns a workbook.domain.progress.Summary into template values, charts.py draws the chart,
template.py renders the docxtpl templates in templates/, pdf.py converts with LibreOffice.
"""
