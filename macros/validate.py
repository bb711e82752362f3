"""③ 検証: check what the master's department sheets hold and refresh the same sheets.

The checks, the status rows and the write are collect's (macros/collect.py): validate differs
only in where the returns come from (the master's own sheets) and in carrying over the problems
collect found in files that validate cannot see again (workbook.rules.status).
"""
from __future__ import annotations

from pathlib import Path

from workbook.domain.problems import Report
from workbook.domain.returns import DepartmentReturn, Identity
from workbook.files.archive import Archive
from workbook.files.intake import read_identity
from workbook.files.master_update import apply
from workbook.files.snapshot import MasterSnapshot
from workbook.rules.checks import Where, entry_problems, key_label
from workbook.rules.rows import ROW_CODES
from workbook.rules.status import ENTRY_CODES, CheckRow, scale_edits_after_merge, status_rows
from workbook.sheets.layout import COLUMNS, header_for
from workbook.sheets.names import sheet_title

from .finish import (Writer, accepted_before, check_rows, finish, refuse_deleted_rows, refuse_hand_edited_year,
                     row_number, status_of)
from .merged import plan_drops as _plan_drops
from .batch import batch
from .outcome import Outcome, Progress, quiet as _quiet


@batch
def run_validate(master: Path, progress: Progress = _quiet, write: Writer = apply) -> Outcome:
    progress(f"マスター {master.name} を読み込んでいます…")
    snap = MasterSnapshot.read(master)
    refuse_hand_edited_year(snap)        # the sheets are 設定's year from here on (⑥ 年度更新 rolls them)
    refuse_deleted_rows(snap)
    plan, settings = snap.plan, snap.settings
    outcome, report = Outcome(), Report()
    checks = check_rows(snap)
    carried = [row for row in checks if row.code and row.code not in ENTRY_CODES
               and row.code != "scale-edited-after-merge"]     # found again below while it holds
    # values collect held back (errors are never merged): the master's sheet does not show them, so
    # their rows stay until a new return replaces them or the section types a good value by hand
    held = [row for row in checks if row.code in ENTRY_CODES and row.is_error and row.file != master.name]
    accepted = accepted_before(snap)
    earlier = snap.earlier_actuals()      # 累計 indicators add up the closed years (年度別実績)
    not_sent = {(str(r.department), str(r.value)) for r in carried if r.code == "row-not-distributed"}
    entries_all, contacts = {}, {}
    for department in plan.departments:
        name = department.name
        state = snap.department(name)
        contacts[name] = state.contact
        entries_all.update({(name, code): e for code, e in state.entries.items()})
        if name in accepted and state.table is not None:
            t = state.table
            ret = DepartmentReturn(Identity(settings.municipality, settings.plan_name, settings.fiscal_year, name, "", t.keys),
                                   t.entries, t.contact[0], t.contact[1], t.keys, t.key_rows, t.plan_cells,
                                   snap.formulas(sheet_title(name)), t.extra_rows)
            found = entry_problems(ret, plan, settings, Where(master.name, sheet_title(name), name), earlier)
            # rows added to the plan after distribution (collect said so): blank is not the department's error
            rows = {r for key, r in t.key_rows.items() if (name, key_label(key)) in not_sent}
            found = [p for p in found if not (p.code == "required-missing" and row_number(p.cell) in rows)]
            kept = _still_held([r for r in held if r.department == name], found, t.entries, snap.settings.fiscal_year)
            carried += kept
            # what the department sent is reported (kept), not the blank it left in the master; a row
            # held back as a whole (identity in doubt) is not asked for again either
            doubtful = {r.action_code for r in carried if r.department == name and r.code in ROW_CODES}
            covered = {(r.action_code, r.field) for r in kept}
            report.add([p for p in found if p.action_code not in doubtful and (p.action_code, p.field) not in covered])
    edited = scale_edits_after_merge(_merged_identities(snap, accepted), settings.scale)
    report.add(edited)
    if edited:
        outcome.say(f"シート「評価基準」が取り込み後に変更されています（{'、'.join(p.department for p in edited)}の報告は"
                    "変更前の評価基準で取り込み済み）。検証結果を確認してください。")
    drops = _plan_drops(snap, outcome)
    status = status_rows(plan, status_of(snap), report, {}, {}, contacts, carried, validate=True)
    written = finish(snap, report, status, entries_all, drops.departments, drops.history, outcome, progress, carried,
                      write=write)
    outcome.say("マスターを更新しました。" if written.changed else "マスターの内容に変更はありません（書き換えていません）。")
    return outcome


def _merged_identities(snap: MasterSnapshot, accepted: dict[str, str]) -> dict[str, Identity]:
    """The identity sheet of each department's accepted return, read from 受領控 (by its SHA-256)."""
    archive = Archive(snap.folder(snap.settings.archive_folder))
    out = {}
    for department, sha in accepted.items():
        record = archive.find(sha)
        data = archive.read(record) if record else None
        identity = read_identity(data) if data else None
        if identity is not None:
            out[department] = identity
    return out


def _still_held(held: list[CheckRow], found: list, entries: dict, fiscal_year: int) -> list[CheckRow]:
    """The held values not yet settled. A row is settled only when the section has typed a value by
    hand since (the master's value differs from the one it held when collect left the department's
    value out: 保留時のマスターの値) and validate finds nothing wrong with it; until then, and until a
    newer return is merged, the department's rejected value stays reported."""
    flagged = {(p.action_code, p.field) for p in found}
    by_header = {label: c.key for c in COLUMNS if c.editable for label in (c.header, header_for(c, fiscal_year))}
    out = []
    for row in held:
        key = by_header.get(row.field)
        entry = entries.get(row.action_code)
        if key is None or entry is None or key == "actual":
            out.append(row)
            continue
        now = entry.values.get(key)
        now = "" if now is None else str(now)
        settled = now != str(row.kept) and now != "" and (row.action_code, row.field) not in flagged
        if not settled:
            out.append(row)
    return out
