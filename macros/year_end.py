"""年度末の控え: the master as it stood when ⑥ 年度更新 closed a year, kept read-only in the folder
named on 設定 (default 年度末/), and found again by `report --fiscal-year`.

The copy is the master's bytes as next-year read them, so it holds that year's plan, scale,
settings, answers, 進捗一覧 and evaluations exactly; it opens as a master of that year. A copy
already there is never overwritten: the same bytes are left alone, other bytes are moved aside
with their time stamp first.
"""
from __future__ import annotations

import stat
import sys
from pathlib import Path

from workbook.domain.era import fiscal_year_label, short_label
from workbook.domain.year_results import differences, results_of_year
from workbook.errors import MasterError
from workbook.files.master import Master
from workbook.files.snapshot import MasterSnapshot
from workbook.ooxml.save import keep_aside, replace_atomically
from workbook.sheets.names import SHEET_YEAR_RESULTS

from .finish import status_of

READ_ONLY = stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH


def copy_name(master: Path, fiscal_year: int) -> str:
    """'狛江市_進捗管理_令和6年度末.xlsm'."""
    return f"{master.stem}_{fiscal_year_label(fiscal_year)}末{master.suffix}"


def keep_year_end_copy(snap: MasterSnapshot) -> tuple[Path, str]:
    """Write the snapshot's bytes as its year's copy; (path, what happened, for the output)."""
    folder = snap.folder(snap.settings.year_end_folder)
    path = folder / copy_name(snap.path, snap.settings.fiscal_year)
    note = ""
    if path.exists():
        if path.read_bytes() == snap.data:
            return path, "（同じ内容の控えが既にあるため、そのままにしました）"
        kept = keep_aside(path)
        note = f"（以前の控えは {kept.name} として残しました）"
    replace_atomically(path, data=snap.data)
    path.chmod(READ_ONLY)
    return path, note


def find_year_end_copy(snap: MasterSnapshot, fiscal_year: int) -> Path:
    """The copy of a closed year, checked against what 年度別実績 kept of it; a Japanese message
    saying what is wrong otherwise (the year not closed, the copy missing or changed since)."""
    label = fiscal_year_label(fiscal_year)
    kept = [r for r in snap.year_results() if r.fiscal_year == fiscal_year]
    closed = sorted({r.fiscal_year for r in snap.year_results()})
    if not kept:
        shown = "・".join(fiscal_year_label(y) for y in closed) or "まだありません"
        raise MasterError(f"{label}は締めた年度ではありません（シート「{SHEET_YEAR_RESULTS}」の締めた年度：{shown}）。"
                          f"報告対象年度（{fiscal_year_label(snap.settings.fiscal_year)}）の報告書は --fiscal-year を"
                          "付けずに作成してください。")
    folder = snap.folder(snap.settings.year_end_folder)
    path = folder / copy_name(snap.path, fiscal_year)
    if not path.exists():
        path = next((p for p in sorted(folder.glob("*.xlsm")) if _year_of(p) == fiscal_year), path)
    if not path.exists():
        raise MasterError(f"{label}の年度末の控え {path.name} が {folder} にありません。"
                          "⑥ 年度更新で作られた控えを、このフォルダ（設定の「年度末フォルダ」）に戻してください。")
    copy = Master.open(path)
    if copy.settings.fiscal_year != fiscal_year:
        raise MasterError(f"{path.name} は{fiscal_year_label(copy.settings.fiscal_year)}のマスターです。"
                          f"{label}の年度末の控えを {folder} に置いてください。")
    again = results_of_year(copy.summary(), {r.department: r.state for r in status_of(copy.snapshot)})
    found = differences(kept, again)
    if found:
        raise MasterError(f"{path.name} の内容が、{label}を締めた時にシート「{SHEET_YEAR_RESULTS}」に記録した内容と"
                          "違うため、報告書を作り直していません（控えが締めた後に書き換えられています）。\n"
                          + "\n".join(f"  ・{line}" for line in found))
    return path


def _year_of(path: Path) -> int | None:
    try:
        return MasterSnapshot.read(path).settings.fiscal_year
    except Exception:   # not a master, or unreadable: not the copy looked for
        return None


def command_line(master: Path, fiscal_year: int, needs_plan: bool = False) -> list[str]:
    """How to run next-year for this master from a command prompt on this PC (shown by the button)."""
    install = Path(__file__).resolve().parent.parent
    python = Path(sys.executable)
    if python.name.lower() == "pythonw.exe":
        python = python.with_name("python.exe")
    plan = ' --plan "＜改定計画のファイル＞"' if needs_plan else ""
    lines = [f'  cd /d "{install}"', f'  "{python}" -m macros next-year "{master}"{plan}']
    if not needs_plan:
        lines.append(f"（{short_label(fiscal_year + 1)} からの改定した実施計画があるときは、"
                     "最後に --plan \"＜計画ファイル＞\" を付けます）")
    return lines
