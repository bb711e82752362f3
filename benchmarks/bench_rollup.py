"""Benchmark: the roll-up of N municipalities' masters (80 actions each, mixed scales).

    .venv/bin/python benchmarks/bench_rollup.py [--sizes 20,100,200] [--keep DIR]

One city per scale (さいたま市方式, 4段階, 3段階, 進捗区分) is built as bench_collect.py builds
its large city (80 actions, 10 departments, every 4th action shared, every 3rd with an indicator),
with every department's file filled in (grades cycling through the scale's codes) and collected.
N masters are copies of these four, each given its own 自治体名 and 全国地方公共団体コード on
設定 (a package patch: the copy stays a master byte for byte otherwise). Building is not timed.

Each size is timed in a fresh Python process (`python -m macros rollup --out ...`, the whole
command: reading every master, the workbook, the 対応表 and the Word overview with its charts),
and the peak resident memory is the command's own peak (RUSAGE_SELF) plus that of the second process
it starts for the Word overview (RUSAGE_CHILDREN): an upper bound (ru_maxrss in KiB on Linux). The projection to all 1,741 municipalities is a least-squares
line through the measured points.
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import openpyxl  # noqa: E402

from bench_collect import large_plan  # noqa: E402
from macros.collect import run_collect  # noqa: E402
from macros.operations import new_master  # noqa: E402
from workbook.domain.scale_presets import PRESETS  # noqa: E402
from workbook.domain.settings import SETTING_ROWS, Settings  # noqa: E402
from workbook.files.department_file import file_name, write_department_file  # noqa: E402
from workbook.ooxml.patch import PackagePatch  # noqa: E402
from workbook.sheets.department import row_specs  # noqa: E402
from workbook.sheets.layout import ACTION_ROW, DATA_SHEET, FIRST_ROW, col_number  # noqa: E402

SCALES = ("さいたま市方式", "4段階", "3段階", "進捗区分")
ACTIONS, DEPARTMENTS = 80, 10
ALL_MUNICIPALITIES = 1741


def fill(path: Path, plan, department: str, out: Path, codes: tuple[str, ...]) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb[DATA_SHEET]
    ws["D3"], ws["G3"] = f"{department} 担当", "内線1234"
    for n, (row, (key, kind, indicator)) in enumerate(enumerate(row_specs(plan, department), start=FIRST_ROW)):
        if kind == ACTION_ROW:
            values = {"content": f"{key} について、関係機関と連携して相談窓口の周知を行った。",
                      "result": "チラシ1,000部を配布し、相談につながった件数は12件。", "grade": codes[n % len(codes)],
                      "reason": "概ね予定どおり実施できたため。", "issues": "周知先の拡大", "next": "継続して実施する。"}
        else:
            values = {"actual": (indicator.target_for(6) or 100) * (0.8 + 0.1 * (n % 4))}
        for column, value in values.items():
            ws.cell(row=row, column=col_number(column)).value = value
    wb.save(out)


def make_city(folder: Path, scale_name: str) -> Path:
    plan = large_plan(ACTIONS, DEPARTMENTS)
    scale = PRESETS[scale_name]
    settings = Settings(plan.municipality, plan.name, 6, scale=scale)
    master = new_master(plan, settings, folder, name="master.xlsm")
    (folder / "回収").mkdir(exist_ok=True)
    for department in (d.name for d in plan.departments):
        blank = folder / "配布" / file_name(settings, department)
        write_department_file(blank, plan, settings, department)
        fill(blank, plan, department, folder / "回収" / blank.name, scale.codes)
    shutil.rmtree(folder / "配布")
    run_collect(master)
    return master


def make_masters(root: Path, n: int, templates: list[Path]) -> Path:
    folder = root / f"masters_{n}"
    folder.mkdir()
    keys = [k for k, _, _ in SETTING_ROWS]
    for i in range(n):
        target = folder / f"city_{i:04d}.xlsm"
        shutil.copy(templates[i % len(templates)], target)
        patch = PackagePatch(target)
        sheet = patch.sheet("設定")
        sheet.set(keys.index("municipality") + 2, 3, f"試験市{i + 1:04d}")
        sheet.set(keys.index("municipality_code") + 2, 3, f"{100000 + i:06d}")
        patch.save(None)
    return folder


def time_rollup(folder: Path, out: Path) -> tuple[float, float]:
    """(seconds, peak MB) of the whole command in a child process."""
    script = ("import resource, sys, time\n"
              "from macros.cli import main\n"
              "t = time.perf_counter()\n"
              "code = main(['rollup', '--out', sys.argv[1], sys.argv[2]])\n"
              "print(time.perf_counter() - t)\n"
              "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
              "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
              "sys.exit(code)\n")
    result = subprocess.run([sys.executable, "-c", script, str(out), str(folder)], cwd=ROOT,
                            capture_output=True, text=True, check=True)
    lines = result.stdout.strip().splitlines()
    # the command's own peak plus its second process's (the Word overview): an upper bound, as if
    # both peaked at the same moment
    return float(lines[-3]), (int(lines[-2]) + int(lines[-1])) / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="20,100,200")
    parser.add_argument("--keep", type=Path, default=None)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    root = Path(tempfile.mkdtemp(prefix="bench_rollup_")) if args.keep is None else args.keep
    root.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    templates = [make_city(root / f"template_{i}", name) for i, name in enumerate(SCALES)]
    print(f"built {len(templates)} template cities ({ACTIONS} actions, {DEPARTMENTS} departments) "
          f"in {time.perf_counter() - t:.1f} s")
    results = []
    for n in sizes:
        folder = make_masters(root, n, templates)
        seconds, mb = time_rollup(folder, root / f"out_{n}")
        results.append((n, seconds, mb))
        print(f"{n:5d} masters: {seconds:6.2f} s, peak RSS {mb:6.0f} MB")
    xs, ys = [r[0] for r in results], [r[1] for r in results]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys)) / max(sum((x - mean_x) ** 2 for x in xs), 1e-9)
    intercept = mean_y - slope * mean_x
    print(f"linear fit: {intercept:.2f} s + {slope * 1000:.1f} ms per master; "
          f"{ALL_MUNICIPALITIES} masters ({ALL_MUNICIPALITIES * ACTIONS:,} actions): "
          f"{intercept + slope * ALL_MUNICIPALITIES:.0f} s projected")
    if len(results) > 1:
        (x0, _, m0), (x1, _, m1) = results[-2], results[-1]
        per = (m1 - m0) / (x1 - x0)
        step = (results[-1][1] - results[-2][1]) / (x1 - x0)
        print(f"time: {step * 1000:.1f} ms per master between {x0} and {x1}; {ALL_MUNICIPALITIES} masters: "
              f"{results[-1][1] + step * (ALL_MUNICIPALITIES - x1):.0f} s projected from that slope")
        print(f"memory: {per:.2f} MB per master between {x0} and {x1}; "
              f"{ALL_MUNICIPALITIES} masters: {m1 + per * (ALL_MUNICIPALITIES - x1):.0f} MB projected")
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    if args.keep is None:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
