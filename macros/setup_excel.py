"""python -m macros setup-excel MASTER: point a master at this installation, once per PC.

* refuses while the master is open in Excel (its ~$ owner file, or the file cannot be opened for
  writing) and when the interpreter or the project folder holds characters outside CP932;
* writes Interpreter_Win (pythonw.exe beside the running Python, or --interpreter) and PYTHONPATH
  (this project's folder) into the xlwings.conf sheet, and the OneDrive/SharePoint sync folders when
  given, through the package patch (workbook.files.xlwings_conf: dated backup, atomic replace);
* compares the xlwings package's version with the master's xlwings VBA module;
* removes the Mark of the Web (the Zone.Identifier stream), which no button can report, since
  blocked macros never run;
* ends with a short Japanese checklist of what was set and what is left to do by hand.
"""
from __future__ import annotations

import sys
from pathlib import Path

from workbook.errors import MasterError
from workbook.files.snapshot import MasterSnapshot
from workbook.files.xlwings_conf import vba_xlwings_version, write_conf

from . import windows
from .outcome import Outcome
from .paths import classify
from .selfcheck import version_findings

PROJECT_DIR = Path(__file__).resolve().parent.parent


def owner_files(master: Path) -> list[Path]:
    """Excel's owner file beside an open workbook: ~$<name> (Office shortens long names by two characters)."""
    names = {"~$" + master.name, "~$" + master.name[2:]}
    return [master.with_name(n) for n in sorted(names) if master.with_name(n).exists()]


def refuse_if_open(master: Path) -> None:
    found = owner_files(master)
    if found or windows.held_open(master):
        why = f"（Excel の作業中の印 {found[0].name} があります）" if found else "（ほかのプログラムが使用中です）"
        raise MasterError(f"マスター {master.name} は Excel で開かれています{why}。Excel でマスターを閉じてから、"
                          "もう一度実行してください。Excel を閉じても印が残るときは、その ~$ で始まるファイルを削除してください。")


def default_interpreter() -> str:
    """pythonw.exe beside the Python running this command (Windows); no console window for the buttons."""
    if not windows.ON_WINDOWS:
        raise MasterError("Windows 以外ではボタンが使う Python の場所がわかりません。"
                          "--interpreter で Windows 上の pythonw.exe の場所を指定してください。")
    return str(Path(sys.executable).with_name("pythonw.exe"))


def setup_excel(master: Path, interpreter: str | None = None, onedrive: str | None = None,
                sharepoint: str | None = None) -> Outcome:
    master = Path(master)
    if not master.is_file():
        raise MasterError(f"マスター {master} が見つかりません。")
    refuse_if_open(master)
    interpreter = interpreter or default_interpreter()
    if windows.ON_WINDOWS and not Path(interpreter).is_file():
        raise MasterError(f"Python {interpreter} が見つかりません。--interpreter で pythonw.exe の場所を指定してください。")
    project = str(PROJECT_DIR)
    blocking = [f for what, path in (("ボタンが起動する Python", interpreter), ("アドオンのフォルダ", project))
                for f in classify(path, what, strict_cp932=True) if f.blocking]
    if blocking:
        raise MasterError("\n".join(line for f in blocking for line in f.lines()))
    snap = MasterSnapshot.read(master)
    outcome = Outcome()
    outcome.say(f"マスター {master} を、この PC のアドオンに合わせました。")
    if windows.zone_identifier(master) is not None:
        windows.remove_zone_identifier(master)
        outcome.say("○ インターネットやメールから来たファイルの印（Web のマーク）を外しました（マクロがブロックされなくなります）。")
    values = {"Interpreter_Win": interpreter, "PYTHONPATH": project}
    if onedrive:
        values.update({"ONEDRIVE_CONSUMER_WIN": onedrive, "ONEDRIVE_COMMERCIAL_WIN": onedrive})
    if sharepoint:
        values["SHAREPOINT_WIN"] = sharepoint
    changed, backup = write_conf(snap, values, snap.folder(snap.settings.backup_folder))
    for key, value in values.items():
        outcome.say(f"○ xlwings.conf の {key} = {value}" + ("" if key in changed else "（設定済み）"))
    if backup is not None:
        outcome.say(f"　（書き換える前のマスターを {backup} に控えました）")
    version = vba_xlwings_version(snap)
    problems = version_findings(version)
    outcome.lines += [line for f in problems for line in f.lines()] or [f"○ xlwings {version}（マスターの VBA モジュールと同じ）"]
    for finding in classify(str(master.resolve().parent), "マスターのフォルダ"):
        outcome.lines += finding.lines()
    outcome.say("残っている作業（手作業）：")
    outcome.say("□ Excel でマスターを開き、黄色い帯が出たら「コンテンツの有効化」を押す。")
    outcome.say("□ マクロが止められる場合は、マスターのフォルダを「信頼できる場所」に追加する"
                "（ファイル → オプション → トラスト センター → 信頼できる場所。docs/excel_setup.md 3 章）。")
    outcome.say("□ 「操作」シートの ⓪ 動作確認 を押し、すべて ○ になることを確かめる。")
    return outcome
