"""The Word 進捗集約概要: the roll-up of many municipalities on one A4 document.

Built directly with python-docx (no template): the house fonts (游明朝 body, 游ゴシック headings, set
for East Asian text in the styles' XML), tables with a repeated header row, a chart per 重点課題
(one bar per city) and per city (one bar per 重点課題), and the caveats first: different scales,
different years, missing returns, and every note of the run.
"""
from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from workbook.domain.house_style import number
from workbook.domain.national_plan import PLAN_NAME, PRIORITIES, UNMAPPED
from workbook.domain.rollup import CLASSES, CityYear, ClassCounts, total_by_priority

from .rollup_charts import class_chart
from .table_fit import fixed_columns, keep_heading_with_first_row, keep_rows_whole

BODY_FONT, HEADING_FONT = "游明朝", "游ゴシック"
DETAIL_LIMIT = 30          # up to this many cities: a chart per 重点課題 (a bar per city) and per city
CHART_ROWS = 30            # beyond: the cities' overall counts, this many bars a chart (one A4 page)
CHART_WIDTH_MM = 160


def _fonts(style, font: str, size: float, bold: bool = False) -> None:
    style.font.name, style.font.size, style.font.bold = font, Pt(size), bold
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        fonts.set(qn(attr), font)


def _document(title: str):
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(20))
    _fonts(doc.styles["Normal"], BODY_FONT, 10.5)
    for name, size in (("Title", 16), ("Heading 1", 13), ("Heading 2", 11)):
        _fonts(doc.styles[name], HEADING_FONT, size, bold=True)
        doc.styles[name].font.color.rgb = None
    footer = section.footer.paragraphs[0]
    footer.alignment = 1
    run = footer.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.text = text
        run._r.append(el)
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = title, "", ""
    return doc


def _table(doc, header: list[str], rows: list[list[str]], widths: list[float]):
    t = doc.add_table(rows=1 + len(rows), cols=len(header))
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    fixed_columns(t, widths)   # fixed layout: the widths hold in Word and LibreOffice
    t._tbl.tblPr.find(qn("w:tblW")).set(qn("w:type"), "dxa")
    t._tbl.tblPr.find(qn("w:tblW")).set(qn("w:w"), str(int(sum(widths) * 56.7)))
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), "57")    # 1 mm: four full-width characters fit a 12.5 mm column
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    t._tbl.tblPr.append(margins)
    keep_rows_whole(t)
    for r, values in enumerate([header] + rows):
        row = t.rows[r]
        for c, value in enumerate(values):
            cell = row.cells[c]
            p = cell.paragraphs[0]
            run = p.add_run(str(value))
            run.font.size = Pt(7 if r == 0 else 8)
            run.bold = r == 0
            if r == 0 or c >= 1:
                p.alignment = 1
            if r == 0:
                shading = OxmlElement("w:shd")
                shading.set(qn("w:val"), "clear")
                shading.set(qn("w:fill"), "DDEBF7")
                cell._tc.get_or_add_tcPr().append(shading)
    return t


def _label(city: CityYear, years: int) -> str:
    return city.municipality + (f" {city.year_label}" if years > 1 else "")


def write_overview(path: Path, title: str, cities: list[CityYear], notes: list[str], today: dt.date,
                   sample: bool = False) -> Path:
    """sample: a master holds the demo's invented answers (the title says サンプル, the notes say whose)."""
    from workbook.domain.era import wareki_date
    from workbook.domain.settings import SAMPLE_TITLE

    doc = _document((SAMPLE_TITLE if sample else "") + "進捗集約概要")
    doc.add_paragraph((SAMPLE_TITLE if sample else "") + "再犯防止推進計画 進捗集約概要", style="Title")
    years = len({c.fiscal_year for c in cities})
    doc.add_paragraph(f"{wareki_date(today)}作成　集約した自治体×年度：{len(cities)} 件")
    doc.add_heading("1 集約にあたっての注意", level=1)
    doc.add_paragraph("各自治体の達成度は、それぞれの評価基準の「共通区分」（上回った・達成・下回った・評価不能・"
                      "対象外）に置き換えて数えています。取組数は再掲を除きます。", style="List Bullet")
    missing = [c for c in cities if c.returned < c.departments]
    for note in notes:
        doc.add_paragraph(note, style="List Bullet")
    if missing:
        doc.add_paragraph("回答がそろっていない自治体：" + "、".join(
            f"{_label(c, years)}（{c.returned}/{c.departments} 課）" for c in missing)
            + "。未提出の課の取組は未評価として数えています。", style="List Bullet")

    doc.add_heading("2 自治体別の状況", level=1)
    header = ["自治体", "年度", "評価基準", "取組数", "提出"] + list(CLASSES) + ["点数平均", "順調な指標"]
    rows = [[c.municipality, c.year_label, c.scale_name, str(c.actions), f"{c.returned}/{c.departments}"]
            + [str(c.counts.counts.get(cls, 0)) for cls in CLASSES]
            + ["－" if c.points_average is None else number(c.points_average, 1),
               "－" if c.indicators is None else f"{c.on_track}/{c.indicators}"]
            for c in cities]
    _table(doc, header, rows, [18, 17, 19, 9, 10] + [12.5] * len(CLASSES) + [11, 11])

    doc.add_heading("3 重点課題別の状況", level=1)
    doc.add_paragraph(f"重点課題は{PLAN_NAME}の 7 つです。各自治体の施策がどの重点課題にあたるかは、集約のブックの"
                      "シート「対応表」（キーワードによる提案を担当者が確認・修正したもの）によります。")
    # one total per reported year: a city's actions are counted once a year, never summed over years
    per_year = {year: total_by_priority([c for c in cities if c.fiscal_year == year])
                for year in sorted({c.fiscal_year for c in cities})}
    keys = [p.number for p in PRIORITIES] + \
        ([None] if any(t.get(None, ClassCounts()).total for t in per_year.values()) else [])
    names = {p.number: p.label for p in PRIORITIES}
    detailed = len(cities) <= DETAIL_LIMIT
    with tempfile.TemporaryDirectory() as tmp:
        images = Path(tmp)
        for year, totals in per_year.items():
            label = next(c.year_label for c in cities if c.fiscal_year == year)
            if years > 1:
                doc.add_heading(f"{label}（集約したすべての自治体）", level=2)
            rows = [[names.get(k, UNMAPPED), str(totals.get(k, ClassCounts()).total)]
                    + [str(totals.get(k, ClassCounts()).counts.get(cls, 0)) for cls in CLASSES] for k in keys]
            _table(doc, ["重点課題", "取組数"] + list(CLASSES), rows, [62, 14] + [15] * len(CLASSES))
            chart = class_chart([(names.get(k, UNMAPPED), totals.get(k, ClassCounts())) for k in keys],
                                images / f"total{year}.png",
                                title="重点課題別（集約したすべての自治体" + (f"・{label}）" if years > 1 else "）"))
            doc.add_picture(str(chart), width=Mm(CHART_WIDTH_MM))
        if not detailed:
            doc.add_paragraph(f"自治体が {DETAIL_LIMIT} を超えるため、重点課題ごとの自治体別のグラフは省きました。"
                              "自治体ごとの件数は集約のブックのシート「重点課題別」にあります。")
        for k in keys if detailed else []:
            doc.add_heading(names.get(k, UNMAPPED), level=2)
            per_city = [(_label(c, years), c.by_priority.get(k, ClassCounts())) for c in cities]
            if not any(counts.total for _, counts in per_city):
                doc.add_paragraph("この重点課題にあたる施策は、対応表にありません。")
                continue
            doc.add_picture(str(class_chart(per_city, images / f"p{k}.png")), width=Mm(CHART_WIDTH_MM))
        doc.add_heading("4 自治体別の状況" + ("（重点課題別）" if detailed else ""), level=1)
        if detailed:
            for n, c in enumerate(cities):
                rows_c = [(names.get(k, UNMAPPED), c.by_priority.get(k, ClassCounts())) for k in keys]
                doc.add_heading(f"{_label(c, 2)}（{c.scale_name}）", level=2)
                doc.add_picture(str(class_chart(rows_c, images / f"c{n}.png")), width=Mm(CHART_WIDTH_MM))
        else:
            doc.add_paragraph(f"自治体ごとの取組の共通区分（{CHART_ROWS} 自治体ずつ）。重点課題別の内訳は、"
                              "集約のブックのシート「重点課題別」にあります。")
            overall = [(_label(c, years), c.counts) for c in cities]
            for i in range(0, len(overall), CHART_ROWS):
                chart = class_chart(overall[i:i + CHART_ROWS], images / f"all{i}.png")
                doc.add_picture(str(chart), width=Mm(CHART_WIDTH_MM))
        path.parent.mkdir(parents=True, exist_ok=True)
        keep_heading_with_first_row(doc)
        doc.save(str(path))
    return path
