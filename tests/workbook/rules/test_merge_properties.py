"""Property: over random sequences of valid and damaged returns from two departments,

- the master never takes a value that collect reported as an error (every cell an error names,
  and every input cell of a row an error holds back, is as it was before that collect);
- no department's rows change because of another department's file;
- collecting the same inbox again changes nothing;
- validate, run between collects, changes no input cell and keeps every error collect held back.

The sequences are generated with hypothesis, derandomized so that CI runs the same 200.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings, strategies as st
from openpyxl.utils.cell import coordinate_from_string

from macros.collect import run_collect
from macros.validate import run_validate
from tests.workbook.returns_kit import distribute, fill, good_values, set_saved_time, small_plan, small_settings
from workbook.domain.problems import REPORT_COLUMNS
from workbook.files.master import build_master
from workbook.files.snapshot import MasterSnapshot
from workbook.rules.rows import ROW_CODES
from workbook.sheets import names
from workbook.sheets.layout import COLUMNS, CONTACT_NAME_CELL, CONTACT_PHONE_CELL, DATA_SHEET, FIRST_ROW, col_letter
from workbook.sheets.names import sheet_title

POLICY, CONSULT = "福祉政策課", "福祉相談課"
INPUT_LETTERS = [col_letter(c.key) for c in COLUMNS if c.editable]
SEVERITY, CODE, DEPARTMENT, FILE, CELL = (REPORT_COLUMNS.index(h) for h in ("重要度", "コード", "担当課", "ファイル", "セル"))


def _swap_visible(ws):          # sorted B:O of the first two rows, the hidden keys left in place
    for col in range(2, 16):
        a, b = ws.cell(row=FIRST_ROW, column=col), ws.cell(row=FIRST_ROW + 1, column=col)
        a.value, b.value = b.value, a.value


def _copy_row(ws):
    ws.insert_rows(FIRST_ROW + 2)
    for col in range(1, 16):
        ws.cell(row=FIRST_ROW + 2, column=col).value = ws.cell(row=FIRST_ROW, column=col).value
    ws.cell(row=FIRST_ROW + 2, column=8).value = "コピーした行"


DAMAGES = {
    "none": None,
    "formula": lambda ws: ws.__setitem__(f"H{FIRST_ROW}", "=1+1"),
    "sorted visible columns": _swap_visible,
    "merged inputs": lambda ws: ws.merge_cells(f"H{FIRST_ROW}:I{FIRST_ROW}"),
    "invalid grade": lambda ws: ws.__setitem__(f"I{FIRST_ROW}", "◎"),
    "C without reason": lambda ws: (ws.__setitem__(f"I{FIRST_ROW}", "C"), ws.__setitem__(f"J{FIRST_ROW}", None)),
    "required cleared": lambda ws: ws.__setitem__(f"F{FIRST_ROW}", None),
    "plain cleared": lambda ws: ws.__setitem__(f"K{FIRST_ROW}", None),
    "copied row": _copy_row,
    "deleted row": lambda ws: ws.delete_rows(FIRST_ROW + 1),
    "title edited": lambda ws: ws.__setitem__(f"C{FIRST_ROW}", "書き換えた題"),
    "actual not a number": lambda ws: ws.__setitem__(f"G{FIRST_ROW + 2}", "たくさん"),
    "contact formula": lambda ws: ws.__setitem__(CONTACT_NAME_CELL, "=A1"),
    "error value": lambda ws: ws.__setitem__(f"K{FIRST_ROW}", "#N/A"),     # openpyxl writes t="e"
    "named for the other": "rename",
}


class World:
    def __init__(self, root: Path):
        self.plan = small_plan()
        self.settings = small_settings(self.plan)
        self.master = build_master(self.plan, self.settings, root / "template" / "master.xlsm")
        self.blanks = {d: distribute(self.plan, self.settings, root / "blank", d) for d in (POLICY, CONSULT)}


@given(steps=st.lists(st.tuples(st.sampled_from([POLICY, CONSULT]), st.sampled_from(sorted(DAMAGES)),
                                st.integers(0, 3), st.booleans()), min_size=1, max_size=3))
@settings(max_examples=200, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
def test_collect_never_merges_what_it_flags(world, tmp_path_factory, steps):
    root = tmp_path_factory.mktemp("city")
    master = root / "master.xlsm"
    shutil.copy(world.master, master)
    inbox = root / "回収"
    inbox.mkdir()
    for n, (department, damage, variant, validate) in enumerate(steps):
        other = CONSULT if department == POLICY else POLICY
        path = _send(world, inbox, department, other, damage, variant, n)
        before = _sheets(master)
        run_collect(master, None)
        after = _sheets(master)
        assert after[other] == before[other], f"{other} changed by {department}'s file ({damage})"
        for key, letter in _flagged(master, path, department):
            assert after[department].get((key, letter)) == before[department].get((key, letter)), \
                f"{department} {key} {letter}: flagged ({damage}) yet merged"
        data = master.read_bytes()
        run_collect(master, None)
        assert master.read_bytes() == data, "collecting the same inbox again changed the master"
        if validate:
            held = _held(master)
            run_validate(master)
            assert _sheets(master) == after, "validate changed an input cell"
            assert _held(master) == held, "validate dropped an error collect held back"


def _send(world: World, inbox: Path, department: str, other: str, damage: str, variant: int, n: int) -> Path:
    values = good_values(world.plan, department)
    for cells in values.values():
        if "result" in cells:
            cells["result"] = f"{cells['result']}（版{variant}）"
            cells["issues"] = f"課題 {variant}"
    name = f"{n:02d}_令和6年度_進捗報告_{other if damage == 'named for the other' else department}.xlsx"
    path = fill(world.blanks[department], values, out=inbox / name)
    if callable(DAMAGES[damage]):
        wb = openpyxl.load_workbook(path)
        DAMAGES[damage](wb[DATA_SHEET])
        wb.save(path)
    return set_saved_time(path, f"2025-05-{n + 1:02d}T01:00:00Z")


def _sheets(master: Path) -> dict[str, dict[tuple[str, str], object]]:
    """Department -> (row key or contact cell, column letter) -> value, for every input cell."""
    snap = MasterSnapshot.read(master)
    out = {}
    for department in (POLICY, CONSULT):
        rows = snap.rows(sheet_title(department))
        cells = {}
        for r in range(FIRST_ROW, len(rows) + 1):
            key = rows[r - 1][0] if rows[r - 1] else None
            if key:
                for letter in INPUT_LETTERS:
                    i = openpyxl.utils.column_index_from_string(letter) - 1
                    cells[(str(key), letter)] = rows[r - 1][i] if i < len(rows[r - 1]) else None
        for ref in (CONTACT_NAME_CELL, CONTACT_PHONE_CELL):
            letter, row = coordinate_from_string(ref)
            i = openpyxl.utils.column_index_from_string(letter) - 1
            cells[(ref, letter)] = rows[row - 1][i] if row <= len(rows) and i < len(rows[row - 1]) else None
        out[department] = cells
    return out


def _flagged(master: Path, path: Path, department: str) -> list[tuple[str, str]]:
    """(row key or contact cell, column letter) of every input cell an error of this file names or holds."""
    snap = MasterSnapshot.read(master)
    ws = openpyxl.load_workbook(path)[DATA_SHEET]
    out = []
    for row in snap.rows(names.SHEET_CHECKS)[1:]:
        if not row or row[SEVERITY] != "エラー" or row[FILE] != path.name or not row[CELL]:
            continue
        first = str(row[CELL]).split(":")[0]
        refs = [first] if ":" not in str(row[CELL]) else _range(str(row[CELL]))
        for ref in refs:
            letter, number = coordinate_from_string(ref)
            if ref in (CONTACT_NAME_CELL, CONTACT_PHONE_CELL):
                out.append((ref, letter))
                continue
            key = ws.cell(row=number, column=1).value
            if not key:
                continue
            letters = INPUT_LETTERS if row[CODE] in ROW_CODES else [letter]
            out += [(str(key), x) for x in letters if x in INPUT_LETTERS]
    return out


def _held(master: Path) -> set[tuple]:
    """(code, department, file, cell) of every error 検証結果 holds about a returned file's value."""
    rows = MasterSnapshot.read(master).rows(names.SHEET_CHECKS)[1:]
    return {(r[CODE], r[DEPARTMENT], r[FILE], r[CELL]) for r in rows
            if r and r[SEVERITY] == "エラー" and r[FILE] and not str(r[FILE]).endswith(".xlsm")}


def _range(ref: str) -> list[str]:
    from openpyxl.utils.cell import range_boundaries, get_column_letter

    c1, r1, c2, r2 = range_boundaries(ref)
    return [f"{get_column_letter(c)}{r}" for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]
