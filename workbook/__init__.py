"""Plan model, master workbook and department files (the only place that touches openpyxl)."""
