"""The demo's workbooks as LibreOffice prints them (PDF, read back with pdftotext).

- 進捗一覧 prints on A3 landscape at 8 pt or more, the key columns on every page;
- every date the add-on wrote shows in 和暦 (no 2026-11-30 anywhere), 受信日時 with its time;
- every page of the sample's master, department file and 返却票 says サンプル.
Excel is not on this machine: these check LibreOffice's rendering only.
"""
from __future__ import annotations

import re
import shutil
import subprocess

import openpyxl
import pytest

from tests.conftest import needs_soffice
from workbook.domain.settings import SAMPLE_MARK

pytestmark = [needs_soffice, pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils missing")]

A3_LANDSCAPE = (1190.55, 841.89)
# pdftotext's word box is 1.30 times the font size for the fonts LibreOffice uses here (measured: 8 pt -> 10.39)
BOX_PER_POINT = 1.30
ISO_DATE = re.compile(r"\b20\d\d[-/]\d\d?[-/]\d\d?\b")
WAREKI_MOMENT = re.compile(r"令和\d+年\d+月\d+日 \d+:\d\d")


@pytest.fixture(scope="module")
def demo(demo_output):
    return demo_output


def to_pdf(paths, outdir):
    from generators.pdf import convert

    return convert(list(paths), outdir)


def pages(pdf) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [p for p in text.split("\f") if p.strip()]


def page_sizes(pdf) -> list[tuple[float, float]]:
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "9999", str(pdf)], capture_output=True, text=True).stdout
    return [(float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)]


def word_boxes(pdf) -> list[tuple[str, float]]:
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [(m.group(3), float(m.group(2)) - float(m.group(1))) for m in
            re.finditer(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', html)]


@pytest.fixture(scope="module")
def rendered(demo, tmp_path_factory):
    """The master, a department file and the 返却票 as PDF; the 進捗一覧 sheet alone as another."""
    from macros.operations import DEMO_MASTER_NAME

    folder = tmp_path_factory.mktemp("pdf")
    master = folder / "master.xlsm"
    shutil.copy2(demo / DEMO_MASTER_NAME, master)
    department = next((demo / "配布").glob("*福祉政策課.xlsx"))
    correction = next((demo / "返却票").glob("*.xlsx"))
    progress = folder / "progress.xlsx"
    wb = openpyxl.load_workbook(master)
    for ws in list(wb.worksheets):
        if ws.title != "進捗一覧":
            wb.remove(ws)
    wb.save(progress)
    converted = to_pdf([master, department, correction, progress], folder / "out")
    return {name: converted[path] for name, path in
            (("master", master), ("department", department), ("correction", correction), ("progress", progress))}


def test_progress_prints_on_a3_landscape_at_8_points_or_more_with_the_key_columns_on_every_page(rendered):
    pdf = rendered["progress"]
    sizes = page_sizes(pdf)
    assert len(sizes) >= 2 and all(abs(w - A3_LANDSCAPE[0]) < 1 and abs(h - A3_LANDSCAPE[1]) < 1 for w, h in sizes)
    boxes = word_boxes(pdf)
    assert boxes and min(h for _, h in boxes) / BOX_PER_POINT >= 8.0 - 0.05
    for text in pages(pdf):
        assert "取組番号" in text and "重点取組" in text            # repeated on each column group
    texts = pages(pdf)
    assert any("内部評価" in t for t in texts) and any("実績・成果" in t for t in texts)


def test_dates_show_in_wareki(rendered):
    for name in ("master", "department", "correction"):
        for text in pages(rendered[name]):
            assert not ISO_DATE.search(text), (name, ISO_DATE.search(text).group(0))
    status = [t for t in pages(rendered["master"]) if "受信日時" in t]
    assert status and WAREKI_MOMENT.search(status[0])
    assert WAREKI_MOMENT.search("\n".join(pages(rendered["correction"])))


def test_every_page_of_the_sample_says_so(rendered):
    for name in ("master", "department", "correction"):
        texts = pages(rendered[name])
        assert texts and all(SAMPLE_MARK in t for t in texts), name
