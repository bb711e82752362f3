"""What collect and validate share: the 検証結果 and 提出状況 rows read back as typed rows, and the
last step of both — rebuild 進捗一覧, 提出状況 and 検証結果, write the correction lists, save once."""
from __future__ import annotations

from dataclasses import replace
from typing import Callable

from workbook.domain.era import fiscal_year_label, short_label
from workbook.domain.problems import Report
from workbook.domain.settings import setting_cell
from workbook.errors import MasterError
from workbook.domain.progress import summarize
from workbook.files.corrections import Item, item, write_corrections
from workbook.files.master_update import MasterUpdate, Written, apply
from workbook.files.snapshot import MasterSnapshot
from workbook.rules.status import (ACCEPTED, NEEDS_FIX, NOT_RETURNED, CheckRow, StatusRow, accepted, count_errors)
from workbook.rules.rows import deleted_action_rows, key_label
from workbook.sheets import names
from workbook.sheets.layout import DATA_SHEET
from workbook.sheets.progress_sheet import listed_owners
from workbook.sheets.names import sheet_title

from .merged import PLAN_DROP, YEAR_ROLL
from .outcome import Outcome, Progress

# Writes the decided update into the master: apply() saves the file (command line); the Excel
# buttons pass macros.excel.XlwingsBook.write_update, which puts the changes into the open book.
Writer = Callable[[MasterSnapshot, MasterUpdate], Written]


def check_rows(snap: MasterSnapshot) -> list[CheckRow]:
    return CheckRow.from_sheet(snap.rows(names.SHEET_CHECKS))


def status_of(snap: MasterSnapshot) -> list[StatusRow]:
    return [StatusRow.from_row(r) for r in snap.status_rows()]


def refuse_year_without_targets(snap: MasterSnapshot, refused: str) -> None:
    """A reported year the plan has no 取組目標 for at all (the master after ⑥ 年度更新 --end-of-plan):
    nothing was distributed, so nothing is distributed, reminded, reported or closed. refused: what was
    not done ('配布していません')."""
    plan, year = snap.plan, snap.settings.fiscal_year
    if not plan.actions or len(plan.without_target(year)) < len(plan.actions):
        return
    kept = "、".join(fiscal_year_label(y) for y in sorted({y for a in plan.actions for y, t in a.targets.items() if t}))
    last = max((r.fiscal_year for r in snap.year_results()), default=None)
    again = (f"締めた年度の報告書は python -m macros report マスター.xlsm --fiscal-year {short_label(last)} のように作り直せます。"
             if last else "")
    raise MasterError(f"計画に{fiscal_year_label(year)}の取組目標が一つもないため、{refused}（取組目標がある年度：{kept or 'なし'}）。"
                      "計画期間が終わったマスター（⑥ 年度更新 --end-of-plan で締めたもの）なら、" + again +
                      "次期計画は python -m macros new で新しいマスターを作ってください。このマスターで続けるときは、シート「計画」に"
                      f"「取組目標({short_label(year)})」の列を追加して記入してください。")


def refuse_hand_edited_year(snap: MasterSnapshot) -> None:
    """設定's 報告対象年度 changed by hand (the sheets still belong to another year): every operation
    that writes or distributes stops and says how the year moves on (⑥ 年度更新, the one roll)."""
    written = snap.sheets_year()
    if written is None:
        return
    shown, wanted = fiscal_year_label(snap.settings.fiscal_year), fiscal_year_label(written)
    how = (f"年度を進めるには、{setting_cell('fiscal_year')}を「{written}」に戻してから ⑥ 年度更新"
           "（python -m macros next-year）を実行してください。年度更新は"
           f"{wanted}の結果をシート「年度別実績」と年度末の控えに残してから、各課シートと進捗一覧を新しい年度にします。"
           if written < snap.settings.fiscal_year else
           f"{setting_cell('fiscal_year')}を「{written}」に戻してください（締めた年度に戻すことはできません）。")
    raise MasterError(f"{setting_cell('fiscal_year')}が{shown}になっていますが、各課シートと進捗一覧は{wanted}のものです"
                      f"（報告対象年度が手で変えられています）。何も変えていません。\n{how}")


def refuse_deleted_rows(snap: MasterSnapshot) -> None:
    """Action rows deleted by hand from the master's department sheets take their answers with them:
    nothing is written over them (a rewrite would put the row back blank) until the section restores
    them (rules.rows.deleted_action_rows)."""
    tables = {d.name: snap.department(d.name).table for d in snap.plan.departments}
    gone = deleted_action_rows(snap.plan, {name: t.key_rows for name, t in tables.items() if t is not None},
                               listed_owners(snap.rows(names.SHEET_PROGRESS)))
    if gone:
        raise MasterError("マスターの各課シートから行が削除されています（"
                          + "、".join(f"シート「{sheet_title(name)}」の取組 {key_label(key)}" for name, key in gone) + "）。"
                          "その行の回答が失われるため、何も変えていません。設定のバックアップフォルダにある保存前のマスターの控え"
                          "から、削除した行をコピーして元の位置に戻してから、もう一度実行してください。")


def row_number(cell: str) -> int:
    digits = "".join(ch for ch in cell if ch.isdigit())
    return int(digits) if digits else 0


def accepted_before(snap: MasterSnapshot) -> dict[str, str]:
    """Department -> SHA-256 of the return accepted before (from 提出状況)."""
    return accepted(status_of(snap))


def finish(snap: MasterSnapshot, report: Report, status: list[StatusRow], entries_all, departments,
            history, outcome: Outcome, progress: Progress, carried: list[CheckRow] = (),
            write: Writer = apply) -> Written:
    """Rebuild 進捗一覧/提出状況/検証結果, write the correction lists, save the master once."""
    plan, settings = snap.plan, snap.settings
    returned = [r.department for r in status if r.reported]
    summary = summarize(plan, entries_all, settings, returned, snap.evaluations(), snap.earlier_actuals())
    checks = report.rows()
    if carried:
        checks = sorted([r.to_row() for r in carried] + checks, key=lambda row: CheckRow.from_row(row).order())
    progress("返却票を作成しています…")
    by_department: dict[str, list[Item]] = {}
    for p in report:
        if p.department:
            if p.sheet == sheet_title(p.department):   # validate: the master's sheet has the 進捗報告 layout
                p = replace(p, sheet=DATA_SHEET)
            by_department.setdefault(p.department, []).append(item(p))
    for r in carried:
        if r.department:
            by_department.setdefault(str(r.department), []).append(r.item())
    sources = {r.department: (r.file, r.received_at) for r in status}
    folder = snap.folder(settings.correction_folder)
    lists, removed = write_corrections(folder, settings, {d: (sources.get(d, ("", "")), items)
                                                          for d, items in by_department.items()})
    outcome.files.extend(lists)
    progress("マスターを保存しています…")
    written = write(snap, MasterUpdate(summary, [r.to_row() for r in status], checks, departments, history))
    if written.changed:
        outcome.files.insert(0, snap.path)
    counts = {s: sum(1 for r in status if r.state == s) for s in (ACCEPTED, NEEDS_FIX, NOT_RETURNED)}
    unusable = [r.department for r in status if r.state == NOT_RETURNED and r.file]
    outcome.say(f"提出状況: 受理 {counts[ACCEPTED]} 課、要修正 {counts[NEEDS_FIX]} 課、未提出 {counts[NOT_RETURNED]} 課"
                + (f"（うち {'、'.join(unusable)} はファイルを受け取りましたが、取り込めませんでした）。" if unusable else "。"))
    errors = len(report.errors) + count_errors(carried)
    outcome.say(f"検証結果: エラー {errors} 件、警告 {len(report) + len(carried) - errors} 件（シート「検証結果」）。")
    if lists:
        outcome.say(f"返却票 {len(lists)} 件: {folder}")
    for path in removed:
        outcome.say(f"問題がなくなったため返却票 {path.name} を削除しました。")
    overwritten = sum(1 for h in history if h[1] not in (PLAN_DROP, YEAR_ROLL))
    if overwritten:
        outcome.say(f"上書きされた値 {overwritten} 件をシート「履歴」に記録しました。")
    return written
