"""Benchmark: how many pages the progress report takes for a large city, table form against cards.

    python benchmarks/bench_report_pages.py [--cities 300x40] [--paper A4横] [--keep DIR]

The city is bench_collect.py's large_plan (N actions over 5 基本目標, every 4th action shared by two
departments, every 3rd with an indicator), every department's distributed file filled in completely
and collected into the master. Then `report` is run twice on the same master, once per layout, with
PDFs made by LibreOffice, and the PDFs' pages are counted with pdfinfo. The table form must take at
most half the pages of the card layout. Not a timed test: it prints the counts, the ratio, and the
time each report took (one run, for orientation only).
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_collect import machine, make_city  # noqa: E402

from generators import pdf as pdf_files  # noqa: E402
from macros.collect import run_collect  # noqa: E402
from macros.report import run_report  # noqa: E402
from workbook.domain.settings import PAPER_CHOICES  # noqa: E402
from workbook.files.master import Master  # noqa: E402

TARGET = 0.5     # the table form at most half the pages of the cards


def set_paper(master: Path, paper: str) -> None:
    """設定「進捗状況報告書の用紙」, written the way a person would change the cell."""
    from workbook.domain.settings import SETTING_ROWS

    row = [key for key, _, _ in SETTING_ROWS].index("report_paper") + 2
    m = Master.open(master)
    m.wb["設定"][f"C{row}"] = paper
    m.save(backup=False)


def pages_of(master: Path, layout: str) -> tuple[int, float]:
    """(pages of the progress report's PDF, seconds the report took) for one layout."""
    started = time.perf_counter()
    outcome = run_report(master, pdf=True, layout=layout)
    seconds = time.perf_counter() - started
    made = [p for p in outcome.files if p.suffix == ".pdf" and "進捗状況報告書" in p.name]
    if not made:
        raise SystemExit("PDF ができませんでした（LibreOffice と poppler-utils が必要です）: " + " / ".join(outcome.lines))
    pages = pdf_files.page_count(made[0])
    keep = made[0].with_name(f"{made[0].stem}_{layout}.pdf")
    shutil.move(str(made[0]), keep)
    return pages, seconds


def bench_city(work: Path, n_actions: int, n_departments: int, paper: str, kept: bool) -> None:
    city = work / f"city_{n_actions}x{n_departments}"
    city.mkdir(parents=True)
    master = make_city(city, n_actions, n_departments)
    run_collect(master)
    if paper != PAPER_CHOICES[0]:
        set_paper(master, paper)
    table, table_seconds = pages_of(master, "table")
    cards, cards_seconds = pages_of(master, "cards")
    ratio = table / cards
    print(f"\n{n_actions} actions, {n_departments} departments ({paper}):")
    print(f"  table form : {table:4d} pages  ({table_seconds:5.1f} s, with the PDFs and the 目次's pagination)")
    print(f"  cards      : {cards:4d} pages  ({cards_seconds:5.1f} s)")
    print(f"  ratio      : {ratio:.2f}  (target <= {TARGET}: {'met' if ratio <= TARGET else 'NOT met'})")
    if kept:
        print(f"  PDFs       : {master.parent / '報告書'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cities", default="300x40", help="NxM: N actions, M departments (comma-separated)")
    parser.add_argument("--paper", default=PAPER_CHOICES[0], choices=PAPER_CHOICES)
    parser.add_argument("--keep", type=Path, default=None, help="write the cities here (kept after the run)")
    args = parser.parse_args()
    if pdf_files.soffice() is None:
        raise SystemExit("LibreOffice (soffice) is needed to count pages.")
    print(machine())
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench_pages_"))
    try:
        for city in args.cities.split(","):
            n_actions, n_departments = (int(x) for x in city.split("x"))
            bench_city(work, n_actions, n_departments, args.paper, kept=args.keep is not None)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
