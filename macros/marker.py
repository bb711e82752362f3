"""The marker file beside a master while Python writes into the book open in Excel.

It lives from before the first write until Excel has saved. A run that fails and cannot put the
open book back leaves it, and the next press refuses to save a book that may be half-written
(macros.excel.XlwingsBook.unfinished).
"""
from __future__ import annotations

from pathlib import Path

UNFINISHED = ("前回のボタンの処理がマスターを書き換える途中で止まったため、開いているマスターの次のシートが、"
              "保存されているファイルと違います：{sheets}\n"
              "書きかけの可能性があるため、保存しませんでした。マスターを保存せずに閉じてから開き直し、"
              "もう一度ボタンを押してください（開き直した後に入力した内容があるときは、控えてから閉じてください）。\n"
              "（目印のファイル：マスターと同じフォルダの {marker}）")
MARKER_NOTE = ("# 再犯防止推進計画アドオンが、Excel で開いているマスターを書き換えている途中です（終われば消えます）。\n"
               "# 残っているときは、次にボタンを押したときに、下のシートが保存されているファイルと同じかを確かめます。\n")


def marker_path(master: Path) -> Path:
    return master.with_name(f".~saihan_writing_{master.name}.txt")


def write_marker(path: Path, sheets: list[str]) -> None:
    path.write_text(MARKER_NOTE + "".join(f"{name}\n" for name in sheets), encoding="utf-8")


def marker_sheets(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def remove_marker(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass            # a marker left behind is checked against the file next time
