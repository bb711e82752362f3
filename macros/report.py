"""報告書作成: the Word progress report and the committee summary (and PDFs), from the master, and
the draft of next year's 実施計画 (実施計画（案）, Word and .xlsx: workbook.domain.implementation_plan).

Every number comes from Master.summary(), the aggregation that also fills 進捗一覧. The report
is made only when 進捗一覧 as saved shows that aggregation (codes and grades): a department sheet
corrected by hand, or a changed setting, must first go through ③ 検証, so that the sheet the
section reads and the documents the committee reads never disagree.
An existing report is never overwritten: it is renamed with its time stamp first.

While anything is open (a department 未提出 or 要修正 on 提出状況, an action without a grade) both
documents are drafts: （案） in their titles and headers, an appendix of what is open, and the same
lines in the outcome (what the command line prints and the ④ button shows); final=True refuses
instead. LibreOffice, when it makes the PDFs, also paginates the table form: the 目次's page numbers
are then written into the .docx (generators/toc.py). Without it they are left for Word (F9).
"""
from __future__ import annotations

import shutil
import tempfile
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Callable

from generators import committee_summary, implementation_doc, progress_report
from generators import pdf as pdf_files
from generators.marks import OpenItems, open_items
from workbook.rules.late import late_departments
from workbook.rules.status import CheckRow, StatusRow
from workbook.sheets import names
from workbook.domain.implementation_plan import implementation_plan
from workbook.files.implementation_book import write_implementation_book
from workbook.files.intake import reason_text
from workbook.domain.settings import SAMPLE_NOTE
from workbook.errors import ReportError
from workbook.files.master import Master
from workbook.sheets.names import SHEET_PROGRESS
from workbook.sheets.progress_sheet import progress_differences

from workbook.ooxml.save import keep_aside
from workbook.domain.era import fiscal_year_label

from . import windows
from .finish import refuse_hand_edited_year, refuse_year_without_targets
from .outcome import Outcome, Progress, quiet as _quiet
from .year_end import find_year_end_copy


def keep_existing(path: Path) -> Path | None:
    """Rename an existing file to <stem>_<its time stamp><suffix>; returns the new name."""
    try:
        return keep_aside(path)
    except OSError as exc:
        raise ReportError(f"{path.name} を別名で残せません（{reason_text(exc)}）。Word などで開いていれば閉じてから"
                          "もう一度実行してください。") from exc


def place(made: Path, final: Path, outcome: Outcome, label: str) -> Path:
    """Move a finished file into place, keeping any earlier one under a time-stamped name."""
    kept = keep_existing(final)
    shutil.move(str(made), str(final))
    outcome.files.append(final)
    outcome.say(f"{label}: {final}")
    if kept is not None:
        outcome.say(f"  （以前の {final.name} は {kept.name} として残しました）")
    return final


LAYOUTS = tuple(progress_report.LAYOUTS)       # 'table' (the default), 'cards'
MEETING_KEYS = {"document_number": "meeting_document_number", "name": "meeting_name", "date": "meeting_date"}


def open_items_of(m: Master, summary) -> OpenItems:
    """What keeps the documents drafts: 提出状況 and 検証結果 as collect and validate left them, and the grades."""
    status = [StatusRow.from_row(r) for r in m.status_rows()]
    checks = CheckRow.from_sheet(m.snapshot.rows(names.SHEET_CHECKS)) if m.snapshot.has_sheet(names.SHEET_CHECKS) else []
    return open_items(summary, late_departments(m.plan, status, checks))


def refuse_draft(items: OpenItems) -> ReportError:
    return ReportError("まだ済んでいない事項があるため、確定版（--final）は作成していません。\n"
                       + "\n".join(f"  ・{line}" for line in items.lines()) + "\n"
                       "済ませてから（回収・③ 検証のあと）もう一度実行してください。"
                       "--final を付けなければ、（案）として作成します。")


def run_report(master: Path, pdf: bool = True, progress: Progress = _quiet, layout: str = "table",
               final: bool = False, meeting: dict[str, str] | None = None, folder: Path | None = None) -> Outcome:
    """layout: 'table' or 'cards'; final: refuse while anything is open; meeting: 資料番号, 会議名 and
    開催日 for this run ({'document_number', 'name', 'date'}), instead of 設定's."""
    progress(f"マスター {Path(master).name} を読み込んでいます…")
    m = Master.open(master)
    refuse_hand_edited_year(m.snapshot)
    refuse_year_without_targets(m.snapshot, "報告書を作っていません")
    summary = m.summary()
    check_progress_sheet(m, summary, Path(master))
    items = open_items_of(m, summary)
    if final and items.draft:
        raise refuse_draft(items)
    settings = replace(m.settings, **{MEETING_KEYS[k]: v.strip() for k, v in (meeting or {}).items() if v and v.strip()})
    folder = folder or m.folder(settings.report_folder)
    folder.mkdir(parents=True, exist_ok=True)
    outcome = Outcome()
    fiscal_year = summary.fiscal_year
    documents = [
        ("進捗状況報告書", progress_report.file_name(fiscal_year),
         partial(progress_report.write_progress_report, layout=layout, items=items)),
        ("委員会用概要", committee_summary.file_name(fiscal_year),
         partial(committee_summary.write_committee_summary, items=items)),
    ]
    draft = implementation_plan(m.plan, summary, m.snapshot.year_results(), settings.period_years(m.plan.fiscal_years))
    documents.append(("実施計画（案）", implementation_doc.file_name(fiscal_year),
                      lambda _s, plan, st, out: implementation_doc.write_implementation_doc(draft, st, out, plan.name)))
    with tempfile.TemporaryDirectory(prefix=".report_", dir=folder) as tmp:
        made = []
        for label, name, write in documents:
            progress(f"{label}を作成しています…")
            made.append((label, write(summary, m.plan, settings, Path(tmp) / name)))
        pdfs = _convert(made, Path(tmp) / "pdf", pdf, progress, outcome)
        _paginate(made[0][1], pdfs.get(made[0][1]), pdf, outcome)
        _fit_summary(made[1][1], pdfs, lambda fit: documents[1][2](summary, m.plan, settings, made[1][1], fit=fit),
                     progress, outcome)
        book = write_implementation_book(draft, Path(tmp) / Path(made[2][1]).with_suffix(".xlsx").name,
                                         settings.plan_name, settings.title(""), SAMPLE_NOTE if settings.sample else "")
        for label, path in made:
            place(path, folder / path.name, outcome, f"{label}を作成しました")
            if path in pdfs:
                place(pdfs[path], folder / pdfs[path].name, outcome, f"{label}（PDF）を作成しました")
            else:  # a PDF of an earlier version must not sit beside the new .docx as if it were current
                stale = keep_existing(folder / f"{path.stem}.pdf")
                if stale is not None:
                    outcome.say(f"  （以前の PDF は内容が古いため {stale.name} に名前を変えました）")
        place(book, folder / book.name, outcome, "実施計画（案）（Excel）を作成しました")
    _notes(items, outcome)
    return outcome


def run_year_report(master: Path, fiscal_year: int, pdf: bool = True, progress: Progress = _quiet,
                    **options) -> Outcome:
    """A closed year's documents made again by run_report from its 年度末の控え (macros/year_end.py),
    into <報告書フォルダ>/令和N年度/; the reported year's are made as run_report makes them."""
    m = Master.open(master)
    if fiscal_year == m.settings.fiscal_year:
        return run_report(master, pdf, progress, **options)
    copy = find_year_end_copy(m.snapshot, fiscal_year)
    label = fiscal_year_label(fiscal_year)
    outcome = run_report(copy, pdf, progress, folder=m.folder(m.settings.report_folder) / label, **options)
    outcome.lines.insert(0, f"{label}の報告書を、年度末の控え {copy.name} から作り直しました。")
    return outcome


MAX_DIFFERENCES_SHOWN = 3


def check_progress_sheet(m: Master, summary, master: Path) -> None:
    """Refuse to report when 進捗一覧 no longer shows what the department sheets give."""
    differences = progress_differences(
        m.snapshot.rows(SHEET_PROGRESS) if m.snapshot.has_sheet(SHEET_PROGRESS) else None, summary)
    if not differences:
        return
    shown = []
    for d in differences[:MAX_DIFFERENCES_SHOWN]:
        where = f"取組 {d.code} の{d.column}" if d.code else d.column
        shown.append(f"  ・{where}：進捗一覧「{d.shown or '（空欄）'}」／各課シート・設定から「{d.expected or '（空欄）'}」")
    if len(differences) > MAX_DIFFERENCES_SHOWN:
        shown.append(f"  ほか {len(differences) - MAX_DIFFERENCES_SHOWN} 件")
    raise ReportError(
        f"シート「{SHEET_PROGRESS}」が各課シート・設定の今の内容と合っていないため、報告書を作成していません。\n"
        + "\n".join(shown) + "\n"
        "各課シートや設定を直接直したときは、先に ③ 検証 を実行して進捗一覧を更新してから、"
        "もう一度 ④ 報告書作成 を実行してください。\n"
        f"（コマンドの場合：python -m macros validate \"{master}\"）")


def pdf_converter() -> tuple[str, Callable[[list[Path], Path], dict[Path, Path]]] | None:
    """LibreOffice when it is installed; otherwise Word on Windows (through pywin32); otherwise None."""
    if pdf_files.soffice() is not None:
        return "LibreOffice", pdf_files.convert
    if windows.word_available():
        return "Word", word_convert
    return None


def word_convert(documents: list[Path], outdir: Path) -> dict[Path, Path]:
    """Each .docx to PDF through Word (macros.windows.word_export); raises RuntimeError when none was made."""
    outdir.mkdir(parents=True, exist_ok=True)
    converted, errors = {}, []
    for document in documents:
        target = outdir / f"{document.stem}.pdf"
        try:
            windows.word_export(document, target)
        except Exception:  # COM errors (pywintypes.com_error): a tuple of codes, not a message for a person
            errors.append(document.name)
            continue
        if target.exists() and target.stat().st_size > 0:
            converted[document] = target
    if not converted:
        raise RuntimeError("Word で変換できませんでした" + (f"（{'、'.join(errors)}）" if errors else ""))
    return converted


def _convert(made, outdir: Path, wanted: bool, progress: Progress, outcome: Outcome) -> dict[Path, Path]:
    if not wanted:
        return {}
    converter = pdf_converter()
    if converter is None:
        outcome.say("PDF を作る LibreOffice も Word も見つからないため PDF は作成していません"
                    "（Word の報告書はできています。Word で開いて PDF に保存できます）。")
        return {}
    name, convert = converter
    progress(f"PDF に変換しています（{name}）…")
    try:
        return convert([path for _, path in made], outdir)
    except (RuntimeError, OSError) as exc:
        outcome.say(f"PDF を作成できませんでした（{reason_text(exc)}）。Word の報告書はできています。")
        return {}


def _fit_summary(path: Path, pdfs: dict[Path, Path], write: Callable[[int], Path], progress: Progress,
                 outcome: Outcome) -> None:
    """While the summary's PDF (LibreOffice's) ends with a nearly empty page, write it tighter and convert again
    (committee_summary.FITS: shorter lists of actions, a smaller chart)."""
    if path not in pdfs or pdf_files.soffice() is None:
        return
    fit = 0
    while pdf_files.near_empty_last_page(pdfs[path]) and fit + 1 < len(committee_summary.FITS):
        fit += 1
        progress("委員会用概要の最後のページがほとんど空白のため、詰めて作り直しています…")
        write(fit)
        try:
            pdfs.update(pdf_files.convert([path], pdfs[path].parent))
        except (RuntimeError, OSError):
            return
    if fit:
        outcome.say("委員会用概要は、最後のページがほとんど空白にならないよう、主な成果などの一覧を短くし図を小さくしました"
                    "（全件は進捗状況報告書にあります）。")


def _paginate(report: Path, made_pdf: Path | None, wanted: bool, outcome: Outcome) -> None:
    """The 目次's page numbers from LibreOffice's PDF into the .docx (the table form only)."""
    if not progress_report.has_toc(report):
        return
    if made_pdf is not None and progress_report.paginate(report, made_pdf):
        return
    why = "（--no-pdf のときは LibreOffice でページを数えません）" if not wanted else ""
    outcome.say(f"目次のページ番号は空欄（－）です{why}。Word で開いて［Ctrl］+［A］、［F9］を押すと入ります"
                "（LibreOffice と poppler-utils があれば、報告書作成のときに入ります）。")


def _notes(items: OpenItems, outcome: Outcome) -> None:
    """A draft says so, with what is open (the same lines as the documents' appendix)."""
    if not items.draft:
        return
    outcome.say("まだ済んでいない事項があるため、進捗状況報告書と委員会用概要は（案）として作成しました：")
    for line in items.lines():
        outcome.say(f"  ・{line}")
    outcome.say("済んだら、もう一度 ④ 報告書作成 を実行してください（（案）の付かない版を作ります）。")
