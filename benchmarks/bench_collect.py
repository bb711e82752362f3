"""Benchmark: collect on large cities, against the raw-read floor and the naive way, in the same run.

    .venv/bin/python benchmarks/bench_collect.py [--runs 7] [--cities 300x40,1000x100] [--keep DIR]

The city: N actions over 5 basic goals, every 4th action shared by two departments, every 3rd
quantitative with an indicator; a master with its VBA project and buttons; every department's
distributed file filled in completely and put in the inbox.

Each run starts from a fresh copy of the master and the inbox (copying is not timed) and times:
- floor: the raw read - every member of the master and of every return inflated (zipfile), and
  every sheet of each read once with python-calamine. collect cannot be faster than this;
- collect: macros.collect.run_collect — archive, safe intake, identify, check, merge, rebuild
  進捗一覧/提出状況/検証結果, correction lists, one save of the master with backup;
- Excel: the same collect with the Excel writer (macros.excel.XlwingsBook.write_update) against the
  xlwings test fake (tests/macros/fake_xlwings.py) holding the master open; Excel's own time is
  left out (the fake's save does nothing here), so this is the Python side of a button press.
  The fake counts the range writes (COM round trips in real Excel) per changed sheet;
- naive: what a macro-less script does — pandas.read_excel(engine="openpyxl", sheet_name=None)
  for each file, then openpyxl.load_workbook(master, keep_vba=True), the input cells written one
  by one, and wb.save. No checks, no summary sheets, no archive: a lower bound for the naive way;
- again: collect run a second time on the same inbox (nothing to write).
A first, untimed collect warms up imports. The medians are printed with the machine, per city.
"""
from __future__ import annotations

import argparse
import io
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import openpyxl  # noqa: E402
import pandas as pd  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402
import zipfile  # noqa: E402

from macros.excel import XlwingsBook  # noqa: E402
from tests.macros import fake_xlwings as fx  # noqa: E402

from macros.collect import run_collect  # noqa: E402
from macros.operations import new_master  # noqa: E402
from workbook.files.department_file import file_name, write_department_file  # noqa: E402
from workbook.sheets.department import row_specs  # noqa: E402
from workbook.sheets.layout import (ACTION_ROW, COLUMNS, DATA_SHEET, FIRST_ROW, IDENTITY_SHEET,  # noqa: E402
                             col_number)
from workbook.sheets.names import sheet_title  # noqa: E402
from workbook.domain.plan import (Action, Department, EvaluationKind, Goal, Indicator, Measure,  # noqa: E402
                            Plan)
from workbook.domain.settings import Settings  # noqa: E402

INPUT_COLUMNS = [col_number(c.key) for c in COLUMNS if c.editable]


def large_plan(n_actions: int, n_departments: int) -> Plan:
    departments = [f"第{i + 1:02d}課" for i in range(n_departments)]
    goals = [Goal(str(g), f"基本目標{g}：切れ目のない支援体制の構築") for g in range(1, 6)]
    measures: dict[str, Measure] = {}
    actions, indicators = [], []
    for i in range(n_actions):
        goal = str(i % 5 + 1)
        measure = f"{goal}-{i % 3 + 1}"
        measures.setdefault(measure, Measure(measure, f"施策{measure}：関係機関と連携した取組の推進", goal))
        code = f"{measure}-{i + 1}"
        owners = (departments[i % n_departments],)
        if i % 4 == 0:
            owners += (departments[(i + 7) % n_departments],)
        kind = EvaluationKind.QUANTITATIVE if i % 3 == 0 else EvaluationKind.QUALITATIVE
        actions.append(Action(code, f"重点取組{code}：相談窓口の周知と支援の充実", goal, measure, owners,
                              overview="在所者及び出所者等へ市等の相談窓口を分かりやすく伝えます。", kind=kind,
                              targets={6: "ホームページ及びチラシの作成", 7: "周知先の開拓", 8: "周知先の開拓"},
                              order=i))
        if kind is EvaluationKind.QUANTITATIVE:
            indicators.append(Indicator(code, "相談件数", "件", 80.0, "R5", 100.0, "R8"))
    return Plan("大規模市", "大規模市再犯防止推進計画", (6, 7, 8), goals, list(measures.values()), actions,
                indicators, [Department(d) for d in departments])


def fill(path: Path, plan: Plan, department: str, out: Path) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb[DATA_SHEET]
    ws["D3"], ws["G3"] = f"{department} 担当", "内線1234"
    for row, (key, kind, indicator) in enumerate(row_specs(plan, department), start=FIRST_ROW):
        if kind == ACTION_ROW:
            values = {"content": f"{key} について、関係機関と連携して相談窓口の周知を行った。",
                      "result": f"チラシ1,000部を配布し、相談につながった件数は12件。{key}",
                      "grade": "B", "reason": "概ね予定どおり実施できたため。", "issues": "周知先の拡大",
                      "next": "周知先を開拓し、継続して実施する。", "budget": 150}
        else:
            values = {"actual": indicator.target_for(6)}
        for key_, value in values.items():
            ws.cell(row=row, column=col_number(key_)).value = value
    wb.save(out)


def make_city(folder: Path, n_actions: int, n_departments: int) -> Path:
    plan = large_plan(n_actions, n_departments)
    settings = Settings(plan.municipality, plan.name, 6)
    master = new_master(plan, settings, folder, name="master.xlsm")
    for department in (d.name for d in plan.departments):
        blank = folder / "配布" / file_name(settings, department)
        write_department_file(blank, plan, settings, department)
        (folder / "回収").mkdir(exist_ok=True)
        fill(blank, plan, department, folder / "回収" / blank.name)
    shutil.rmtree(folder / "配布")
    return master


def naive_collect(master: Path, inbox: Path) -> None:
    frames = {}
    for path in sorted(inbox.glob("*.xlsx")):
        sheets = pd.read_excel(path, sheet_name=None, engine="openpyxl", header=None)
        identity = sheets[IDENTITY_SHEET]
        department = identity[identity[0] == "department"].iloc[0, 2]
        frames[department] = sheets[DATA_SHEET]
    wb = openpyxl.load_workbook(master, keep_vba=True)
    for department, frame in frames.items():
        ws = wb[sheet_title(department)]
        rows = {ws.cell(row=r, column=1).value: r for r in range(FIRST_ROW, ws.max_row + 1)}
        for i in range(FIRST_ROW - 1, len(frame)):
            row = rows.get(frame.iat[i, 0])
            if row is None:
                continue
            for col in INPUT_COLUMNS:
                value = frame.iat[i, col - 1] if col - 1 < frame.shape[1] else None
                ws.cell(row=row, column=col).value = None if pd.isna(value) else value
    wb.save(master)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(next(l for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")).split()[1])
        memory = f", {kb / 1024 / 1024:.1f} GB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    from importlib import metadata

    return (f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} CPUs{memory}; "
            f"Python {platform.python_version()}, openpyxl {openpyxl.__version__}, pandas {pd.__version__}, "
            f"python-calamine {metadata.version('python-calamine')}")


def raw_read(city: Path) -> None:
    """The floor: every zip member inflated, every sheet read once with calamine."""
    for path in [city / "master.xlsm"] + sorted((city / "回収").glob("*.xlsx")):
        data = path.read_bytes()
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for info in z.infolist():
                z.read(info)
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        for name in book.sheet_names:
            book.get_sheet_by_name(name).to_python()


def excel_collect(master: Path) -> tuple[float, dict[str, int]]:
    """collect through the Excel writer against the fake holding the master open: (seconds, range
    writes per changed sheet). Opening the fake is Excel's time and not timed; so is its save."""
    fake = fx.Book.open(master)
    fake.save = lambda path=None: None
    book = XlwingsBook(fake)
    t = time.perf_counter()
    run_collect(master, write=book.write_update)
    elapsed = time.perf_counter() - t
    writes: dict[str, int] = {}
    for call in fake.app.calls:
        if call[0] in fx.WRITES:
            writes[call[1]] = writes.get(call[1], 0) + 1
    return elapsed, writes


def bench_city(work: Path, n_actions: int, n_departments: int, runs: int, keep: Path | None) -> None:
    pristine = work / f"city_{n_actions}"
    pristine.mkdir()
    started = time.perf_counter()
    make_city(pristine, n_actions, n_departments)
    size = (pristine / "master.xlsm").stat().st_size
    print(f"\ncity: {n_actions} actions, {n_departments} departments, "
          f"{len(list((pristine / '回収').iterdir()))} returns; master {size / 1024:.0f} KB "
          f"(generated in {time.perf_counter() - started:.1f} s)")

    def fresh(name: str) -> Path:
        target = work / name
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(pristine, target)
        return target

    run_collect(fresh("warmup") / "master.xlsm")
    excel_collect(fresh("warmup") / "master.xlsm")
    naive_collect(fresh("warmup") / "master.xlsm", work / "warmup" / "回収")
    times: dict[str, list[float]] = {k: [] for k in ("floor", "collect", "again", "excel", "naive")}
    writes: dict[str, int] = {}
    for _ in range(runs):
        city = fresh("run")
        t = time.perf_counter()
        raw_read(city)
        times["floor"].append(time.perf_counter() - t)
        t = time.perf_counter()
        run_collect(city / "master.xlsm")
        times["collect"].append(time.perf_counter() - t)
        t = time.perf_counter()
        run_collect(city / "master.xlsm")
        times["again"].append(time.perf_counter() - t)
        elapsed, writes = excel_collect(fresh("excel") / "master.xlsm")
        times["excel"].append(elapsed)
        city = fresh("naive")
        t = time.perf_counter()
        naive_collect(city / "master.xlsm", city / "回収")
        times["naive"].append(time.perf_counter() - t)
    m = {k: statistics.median(v) for k, v in times.items()}

    def runs_of(key: str) -> str:
        return ", ".join(f"{x:.3f}" for x in times[key])

    per_sheet = sorted(writes.values())
    print(f"raw-read floor    : {m['floor']:.3f} s   (runs: {runs_of('floor')})")
    print(f"collect           : {m['collect']:.3f} s   (runs: {runs_of('collect')})")
    print(f"collect / floor   : {m['collect'] / m['floor']:.2f}x   (target: <= 2.5x the raw-read floor)")
    print(f"collect again     : {m['again']:.3f} s   (same inbox, nothing written)")
    print(f"collect via Excel writer (fake, no Excel time): {m['excel']:.3f} s   (runs: {runs_of('excel')})")
    print(f"Excel writer / command line: {m['excel'] / m['collect']:.2f}x   (target: <= 1.5x)")
    print(f"range writes per changed sheet (Excel): max {per_sheet[-1] if per_sheet else 0}, "
          f"mean {statistics.mean(per_sheet) if per_sheet else 0:.2f} over {len(per_sheet)} sheets "
          f"(target: <= 2); " + ", ".join(f"{n}: {c}" for n, c in writes.items() if c > 2 or n in ("進捗一覧", "提出状況")))
    print(f"naive (pandas+openpyxl): {m['naive']:.3f} s   (runs: {runs_of('naive')})")
    print(f"speed-up over naive: {m['naive'] / m['collect']:.1f}x   (target: collect <= 2 s and >= 3x)")
    if keep:
        shutil.copytree(pristine, keep / pristine.name, dirs_exist_ok=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--cities", default="300x40,1000x100", help="actions x departments, comma separated")
    parser.add_argument("--keep", type=Path, help="keep the generated cities in this folder")
    args = parser.parse_args()
    cities = [tuple(int(n) for n in c.split("x")) for c in args.cities.split(",")]
    work = Path(tempfile.mkdtemp(prefix="bench_collect_"))
    started = time.perf_counter()
    try:
        print(f"machine: {machine()}")
        print(f"runs: {args.runs} per city (medians; a first untimed run warms up imports)")
        for n_actions, n_departments in cities:
            bench_city(work, n_actions, n_departments, args.runs, args.keep)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\nbenchmark took {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
