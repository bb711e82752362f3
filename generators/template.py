"""A docxtpl template in templates/: find it, render a context into it, report a broken one in Japanese."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import Environment, StrictUndefined, TemplateError, UndefinedError

from workbook.errors import ReportError

from .table_fit import fit_counts_tables, keep_heading_with_first_row

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
PROGRESS_REPORT_TEMPLATE = TEMPLATES / "progress_report_tpl.docx"            # the table form (the default)
PROGRESS_REPORT_CARDS_TEMPLATE = TEMPLATES / "progress_report_cards_tpl.docx"
COMMITTEE_SUMMARY_TEMPLATE = TEMPLATES / "committee_summary_tpl.docx"
PERIOD_REPORT_TEMPLATE = TEMPLATES / "period_report_tpl.docx"               # 計画期間評価報告書
IMPLEMENTATION_PLAN_TEMPLATE = TEMPLATES / "implementation_plan_tpl.docx"   # 実施計画（案）


def environment() -> Environment:
    """Escaped output (staff text may hold < or &) and a loud error for a name the context lacks."""
    return Environment(undefined=StrictUndefined, autoescape=True)


def render(template: Path, context: dict, out: Path, images: dict[str, tuple[Path, float]] | None = None,
           finish: Callable[[object], None] = fit_counts_tables) -> Path:
    """Render context into template and save to out. images: name -> (PNG path, width in mm);
    finish: what is done to the rendered python-docx document before it is saved (the counts
    tables' widths; the report adds its page setup and 目次). Then every table's heading rows are kept
    with its first row (table_fit.keep_heading_with_first_row)."""
    template = Path(template)
    if not template.exists():
        raise ReportError(f"報告書のテンプレート {template} が見つかりません。")
    try:
        doc = DocxTemplate(str(template))
        values = dict(context)
        for name, (path, width) in (images or {}).items():
            values[name] = InlineImage(doc, str(path), width=Mm(width))
        doc.render(values, jinja_env=environment(), autoescape=True)
    except UndefinedError as exc:
        names = re.findall(r"'([^']+)'", str(exc))       # jinja2: "'k' is undefined" / "... has no attribute 'a'"
        name = f"「{names[-1]}」" if names else ""
        raise ReportError(f"テンプレート {template.name} に、この版にない差し込み項目{name}があります。"
                          "{{ }} の中の名前を元に戻してください。") from exc
    except TemplateError as exc:
        line = f"（{exc.lineno} 行目付近）" if getattr(exc, "lineno", None) else ""
        raise ReportError(f"テンプレート {template.name} の差し込み指定を読めません{line}。"
                          "{{ }} や {%p … %} の部分を変更・削除していないか確認してください。") from exc
    except Exception as exc:  # a damaged .docx: python-docx and lxml raise many kinds
        raise ReportError(f"テンプレート {template.name} を開けません（壊れているか、Word の文書 .docx ではありません）。"
                          "templates フォルダの元のテンプレートに戻してください。") from exc
    finish(doc.docx)
    keep_heading_with_first_row(doc.docx)
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(out))
    return out
