"""The 評価基準 sheet: written from a preset, read back, and a bad table refused with its cell."""
from __future__ import annotations

import openpyxl
import pytest

from workbook.domain.scale_presets import PRESETS
from workbook.errors import MasterError
from workbook.files.master import Master, build_master
from workbook.sheets.scale_sheet import HEADERS, parse_scale, scale_rows


@pytest.fixture
def master_path(tmp_path, komae_plan, komae_settings):
    return build_master(komae_plan, komae_settings, tmp_path / "master.xlsx")


def edit(path, cells: dict[str, object]) -> None:
    wb = openpyxl.load_workbook(path)
    for ref, value in cells.items():
        wb["評価基準"][ref] = value
    wb.save(path)


def test_the_master_holds_the_default_scale_and_reads_it_back(master_path):
    ws = openpyxl.load_workbook(master_path)["評価基準"]
    assert [c.value for c in ws[3]] == HEADERS
    assert [ws.cell(row=r, column=1).value for r in range(4, 8)] == ["A", "B", "C", "－"]
    assert Master.open(master_path).settings.scale == PRESETS["さいたま市方式"]


def test_an_edited_floor_is_followed(master_path):
    edit(master_path, {"K4": 130})
    scale = Master.open(master_path).settings.scale
    assert scale.for_ratio(120) == "B" and scale.for_ratio(130) == "A"


@pytest.mark.parametrize("cells,code,cell", [
    ({"A5": "A"}, "scale-duplicate-code", "A5"),
    ({"A5": "ａ"}, "scale-duplicate-code", "A5"),                 # the same code once typed input is matched
    ({"A5": "B,良"}, "scale-bad-code", "A5"),
    ({"A5": 'B"'}, "scale-bad-code", "A5"),
    ({"K6": 10}, "scale-floor-not-zero", "K6"),
    ({"D4": 2.5}, "scale-bad-rank", "D4"),
    ({"D4": None, "D5": None, "D6": None}, "scale-no-ranked", ""),
    ({"K5": 120}, "scale-floors-not-falling", "K5"),
    ({"E4": "半分"}, "scale-bad-choice", "E4"),
    ({"F4": "はい?"}, "scale-bad-choice", "F4"),
    ({"G4": "最高"}, "scale-bad-choice", "G4"),
    ({"H4": "向上"}, "scale-bad-choice", "H4"),
    ({"H4": "横ばい"}, "scale-trend-twice", "H5"),
    ({"G5": None}, "scale-missing-value", "G5"),
    ({"J4": "たくさん"}, "scale-bad-number", "J4"),
])
def test_a_bad_table_is_refused_naming_the_cell(master_path, cells, code, cell):
    wb = openpyxl.load_workbook(master_path)
    rows = [[c.value for c in row] for row in wb["評価基準"].iter_rows(min_row=3)]
    for ref, value in cells.items():
        r, c = wb["評価基準"][ref].row - 3, wb["評価基準"][ref].column - 1
        rows[r][c] = value
    scale, problems = parse_scale(rows, "x", "評価基準", first_row=3)
    assert scale is None
    assert [(p.code, p.cell) for p in problems][:1] == [(code, cell)]
    edit(master_path, cells)
    with pytest.raises(MasterError) as info:
        Master.open(master_path)
    assert "評価基準" in str(info.value) and (not cell or f"セル {cell}" in str(info.value))


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_survives_its_own_table(name):
    scale = PRESETS[name]
    assert parse_scale([HEADERS] + scale_rows(scale), name) == (scale, [])
