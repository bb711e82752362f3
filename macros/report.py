"""報告書作成: the Word progress report and the committee summary (and PDFs), from the master.

Every number comes from Master.summary(), the aggregation that also fills 進捗一覧. The report
is made only when 進捗一覧 as saved shows that aggregation (codes and grades): a department sheet
corrected by hand, or a changed setting, must first go through ③ 検証, so that the sheet the
section reads and the documents the committee reads never disagree.
An existing report is never overwritten: it is renamed with its time stamp first.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Callable

from generators import committee_summary, progress_report
from generators import pdf as pdf_files
from workbook.files.intake import reason_text
from workbook.errors import ReportError
from workbook.files.master import Master
from workbook.sheets.names import SHEET_PROGRESS
from workbook.sheets.progress_sheet import progress_differences

from workbook.ooxml.save import keep_aside
from workbook.domain.era import fiscal_year_label

from . import windows
from .finish import refuse_hand_edited_year
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


def run_report(master: Path, pdf: bool = True, progress: Progress = _quiet, folder: Path | None = None) -> Outcome:
    progress(f"マスター {Path(master).name} を読み込んでいます…")
    m = Master.open(master)
    refuse_hand_edited_year(m.snapshot)
    summary = m.summary()
    check_progress_sheet(m, summary, Path(master))
    folder = folder or m.folder(m.settings.report_folder)
    folder.mkdir(parents=True, exist_ok=True)
    outcome = Outcome()
    fiscal_year = summary.fiscal_year
    documents = [
        ("進捗状況報告書", progress_report.file_name(fiscal_year), progress_report.write_progress_report),
        ("委員会用概要", committee_summary.file_name(fiscal_year), committee_summary.write_committee_summary),
    ]
    with tempfile.TemporaryDirectory(prefix=".report_", dir=folder) as tmp:
        made = []
        for label, name, write in documents:
            progress(f"{label}を作成しています…")
            made.append((label, write(summary, m.plan, m.settings, Path(tmp) / name)))
        pdfs = _convert(made, Path(tmp) / "pdf", pdf, progress, outcome)
        for label, path in made:
            place(path, folder / path.name, outcome, f"{label}を作成しました")
            if path in pdfs:
                place(pdfs[path], folder / pdfs[path].name, outcome, f"{label}（PDF）を作成しました")
            else:  # a PDF of an earlier version must not sit beside the new .docx as if it were current
                stale = keep_existing(folder / f"{path.stem}.pdf")
                if stale is not None:
                    outcome.say(f"  （以前の PDF は内容が古いため {stale.name} に名前を変えました）")
    _notes(summary, outcome)
    return outcome


def run_year_report(master: Path, fiscal_year: int, pdf: bool = True, progress: Progress = _quiet) -> Outcome:
    """A closed year's documents made again by run_report from its 年度末の控え (macros/year_end.py),
    into <報告書フォルダ>/令和N年度/; the reported year's are made as run_report makes them."""
    m = Master.open(master)
    if fiscal_year == m.settings.fiscal_year:
        return run_report(master, pdf, progress)
    copy = find_year_end_copy(m.snapshot, fiscal_year)
    label = fiscal_year_label(fiscal_year)
    outcome = run_report(copy, pdf, progress, folder=m.folder(m.settings.report_folder) / label)
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
        except Exception as exc:  # COM errors (pywintypes.com_error) carry Word's own text
            errors.append(f"{document.name}: {exc}")
            continue
        if target.exists() and target.stat().st_size > 0:
            converted[document] = target
    if not converted:
        raise RuntimeError("Word で変換できませんでした" + (f"（{errors[0]}）" if errors else ""))
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


def _notes(summary, outcome: Outcome) -> None:
    if summary.missing_departments:
        outcome.say(f"未提出の担当課：{'、'.join(summary.missing_departments)}")
    with_relistings = len(summary.ungraded())
    if with_relistings:
        without = sum(1 for p in summary.ungraded() if not p.action.is_relisting)
        scope = ("再掲を含めても同じ" if without == with_relistings
                 else f"再掲を除く。再掲を含めると {with_relistings} 件")
        outcome.say(f"達成度が未記入の取組が {without} 件（{scope}）あります（報告書では「未評価」と表示）。")
