"""Documents generated from the master: the Word progress report and the committee summary.

context.py turns a workbook.domain.progress.Summary into template values (counts.py: the grade-count
tables, one column per code of the city's scale; scale_view.py: colours and sentences from the scale),
charts.py draws the chart, template.py renders the docxtpl templates in templates/ (table_fit.py sets
the widths of the count tables' columns), pdf.py converts with LibreOffice.
"""
