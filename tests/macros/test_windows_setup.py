"""setup-excel, the ⓪ 動作確認 button (against the xlwings fake), the path classifier and the guards.

Every Windows-only call goes through macros/windows.py, which these tests replace; the masters are
real files built by operations.new_master (VBA project and buttons included).
"""
from __future__ import annotations

import zipfile

import pytest
import xlwings

from macros import paths, selfcheck, setup_excel as setup, windows
from macros.cli import main
from macros.operations import new_master
from tests.macros import fake_xlwings as fx
from tests.workbook.returns_kit import small_plan
from workbook.domain.settings import Settings
from workbook.errors import MasterError
from workbook.files.sheet_book import FileBook

INTERPRETER = r"C:\saihan-addon\.venv\Scripts\pythonw.exe"


@pytest.fixture
def master(tmp_path):
    plan = small_plan()
    return new_master(plan, Settings(plan.municipality, plan.name, 6), tmp_path / "city", "master.xlsm")


@pytest.fixture
def seam(monkeypatch):
    """macros.windows replaced: a Mark of the Web on the master, nothing else Windows-like."""
    state = {"zone": "[ZoneTransfer]\r\nZoneId=3\r\n", "removed": [], "held": False, "store": False, "drive": "fixed"}
    monkeypatch.setattr(windows, "zone_identifier", lambda path: state["zone"])

    def remove(path):
        state["removed"].append(path)
        state["zone"] = None
        return True

    monkeypatch.setattr(windows, "remove_zone_identifier", remove)
    monkeypatch.setattr(windows, "held_open", lambda path: state["held"])
    monkeypatch.setattr(windows, "store_office", lambda folder: state["store"])
    monkeypatch.setattr(windows, "drive_type", lambda letter: state["drive"])
    monkeypatch.setattr(windows, "word_available", lambda: False)
    return state


def conf(path) -> dict[str, str]:
    return {str(r[0]): r[1] for r in FileBook(path).read("xlwings.conf") if r and r[0]}


def parts(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


# --- the path classifier ------------------------------------------------------------------------
@pytest.mark.parametrize("path, codes", [
    (r"\\fileserver\fukushi\再犯防止\master.xlsm", ["path-unc"]),
    ("//fileserver/share/master.xlsm", ["path-unc"]),
    (r"Z:\福祉政策課\master.xlsm", ["path-mapped-drive"]),
    (r"C:\Users\sato\Documents\master.xlsm", []),
    ("https://d.docs.live.net/1a2b3c/Documents/master.xlsm", ["path-url"]),
    ("https://city-my.sharepoint.com/personal/sato_city_lg_jp/Documents/master.xlsm", ["path-url"]),
    ("https://city.sharepoint.com/sites/fukushi/Shared Documents/master.xlsm", ["path-url"]),
    (r"C:\Users\José\saihan-addon\master.xlsm", ["path-not-cp932"]),
    (r"\\server\𠮷田\master.xlsm", ["path-unc", "path-not-cp932"]),
    (r"C:\Users\髙橋\①\master.xlsm", []),          # NEC/IBM extensions are in CP932
])
def test_classifier(path, codes):
    remote = {"Z"}
    found = paths.classify(path, "マスター", drive_type=lambda letter: "remote" if letter.upper() in remote else "fixed")
    assert [f.code for f in found] == codes
    assert not any(f.blocking for f in found if f.code != "path-url")


def test_characters_outside_cp932_block_only_where_vba_starts_python():
    assert paths.not_cp932("C:\\Users\\José\\𠮷") == "é𠮷"
    [finding] = paths.classify(r"C:\Users\José\.venv\Scripts\pythonw.exe", "Python", strict_cp932=True,
                               drive_type=lambda letter: "fixed")
    assert finding.code == "path-not-cp932" and finding.blocking and finding.todo


def test_url_kinds():
    assert paths.url_kind("https://d.docs.live.net/x/a.xlsm") == "OneDrive（個人用）"
    assert paths.url_kind("https://c-my.sharepoint.com/personal/u/Documents/a.xlsm") == "OneDrive for Business"
    assert paths.url_kind("https://c.sharepoint.com/sites/s/Docs/a.xlsm") == "SharePoint"
    assert paths.url_kind(r"C:\a.xlsm") is None


# --- setup-excel --------------------------------------------------------------------------------
def test_setup_points_the_master_at_this_installation(master, seam):
    before = parts(master)
    outcome = setup.setup_excel(master, INTERPRETER)
    entries = conf(master)
    assert entries["Interpreter_Win"] == INTERPRETER
    assert entries["PYTHONPATH"] == str(setup.PROJECT_DIR)
    assert entries["UDF Modules"] == "macros.udfs"                        # the other keys stay
    after = parts(master)
    assert set(after) == set(before)
    assert {n for n in before if before[n] != after[n]} <= {"xl/worksheets/sheet11.xml", "xl/workbook.xml",
                                                            *[n for n in before if n.startswith("xl/worksheets/sheet")]}
    assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]
    backups = list((master.parent / "バックアップ").glob("master_*.xlsm"))
    assert len(backups) == 1 and parts(backups[0]) == before
    assert seam["removed"] == [master]
    assert any("Web のマーク" in line for line in outcome.lines)
    assert any("信頼できる場所" in line for line in outcome.lines)


def test_the_xlwings_conf_sheet_is_hidden_and_still_read_by_name(master, seam):
    """No one meets xlwings.conf among the master's tabs; xlwings reads it by name. A master made
    while it was shown gets it hidden by setup-excel."""
    import openpyxl

    from workbook.files.master import Master

    assert openpyxl.load_workbook(master)["xlwings.conf"].sheet_state == "hidden"
    assert conf(master)["UDF Modules"] == "macros.udfs"
    older = Master.open(master)
    older.wb["xlwings.conf"].sheet_state = "visible"
    older.save(backup=False)
    setup.setup_excel(master, INTERPRETER)
    assert openpyxl.load_workbook(master)["xlwings.conf"].sheet_state == "hidden"
    assert conf(master)["Interpreter_Win"] == INTERPRETER
    assert fx.Book.open(master).sheets["xlwings.conf"].range("A1").value      # the fake, as xlwings, by name


def test_setup_twice_changes_nothing_the_second_time(master, seam):
    setup.setup_excel(master, INTERPRETER)
    data = master.read_bytes()
    outcome = setup.setup_excel(master, INTERPRETER)
    assert master.read_bytes() == data
    assert len(list((master.parent / "バックアップ").glob("*.xlsm"))) == 1
    assert not any("Web のマーク" in line for line in outcome.lines)      # no mark left to remove


def test_setup_adds_the_sync_folders_below_the_block_xlwings_reads(master, seam):
    setup.setup_excel(master, INTERPRETER, onedrive=r"C:\Users\sato\OneDrive - 市役所", sharepoint=r"C:\Users\sato\市役所")
    rows = [r for r in FileBook(master).read("xlwings.conf")]
    keys = [r[0] for r in rows]
    assert keys[-3:] == ["ONEDRIVE_CONSUMER_WIN", "ONEDRIVE_COMMERCIAL_WIN", "SHAREPOINT_WIN"]
    assert None not in keys                                               # no gap: xlwings stops at an empty A cell
    assert conf(master)["SHAREPOINT_WIN"] == r"C:\Users\sato\市役所"


@pytest.mark.parametrize("how", ["owner-file", "held"])
def test_setup_refuses_a_master_open_in_excel(master, seam, how):
    if how == "owner-file":
        (master.parent / f"~${master.name}").write_bytes(b"\0")
    else:
        seam["held"] = True
    data = master.read_bytes()
    with pytest.raises(MasterError):
        setup.setup_excel(master, INTERPRETER)
    assert master.read_bytes() == data and seam["removed"] == []


def test_setup_refuses_an_interpreter_vba_cannot_start(master, seam):
    data = master.read_bytes()
    with pytest.raises(MasterError):
        setup.setup_excel(master, r"C:\Users\José\saihan-addon\.venv\Scripts\pythonw.exe")
    assert master.read_bytes() == data


def test_setup_reports_a_version_mismatch(master, seam, monkeypatch):
    monkeypatch.setattr(xlwings, "__version__", "0.99.0")
    outcome = setup.setup_excel(master, INTERPRETER)
    assert any(line.startswith("×") and "0.99.0" in line for line in outcome.lines)
    assert [f.code for f in selfcheck.version_findings("0.37.8")] == ["xlwings-version-mismatch"]


def test_setup_command_line(master, seam, capsys):
    assert main(["setup-excel", str(master), "--interpreter", INTERPRETER]) == 0
    assert "Interpreter_Win" in capsys.readouterr().out
    if not windows.ON_WINDOWS:        # off Windows the interpreter cannot be guessed
        assert main(["setup-excel", str(master)]) == 2
        assert "--interpreter" in capsys.readouterr().err


# --- ⓪ 動作確認 -------------------------------------------------------------------------------------
@pytest.fixture
def caller(monkeypatch, master):
    from macros import xl

    monkeypatch.setattr(xl, "xw", fx)
    fake = fx.Book.open(master)
    monkeypatch.setattr(fx.Book, "_mock_caller", fake)
    return fake


def test_self_check_button_on_a_good_installation(caller, seam, master):
    from macros import xl

    data = master.read_bytes()
    text = xl.self_check()
    [alert] = caller.app.alerts
    assert alert["mode"] == "info" and alert["title"] == "動作確認" and alert["prompt"] == text
    assert xlwings.__version__ in text
    assert master.read_bytes() == data and caller.saves == 0           # nothing written
    _, found = selfcheck.check(master, caller.app.path)
    assert [f.code for f in found] == ["pdf-none"] or [f.code for f in found] == []


def test_self_check_names_what_blocks(caller, seam, master, monkeypatch):
    from macros import xl

    seam["store"] = True
    monkeypatch.setattr(xlwings, "__version__", "0.99.0")
    monkeypatch.setattr(selfcheck, "writable", lambda folder: folder.name != "回収")
    xl.self_check()
    assert caller.app.alerts[-1]["mode"] == "critical"
    _, found = selfcheck.check(master, caller.app.path)
    codes = [f.code for f in found]
    assert {"xlwings-version-mismatch", "folder-not-writable", "office-store"} <= set(codes)
    assert all(f.todo for f in found if f.blocking)


def test_writable_checks_the_folder_or_where_it_will_be_made(tmp_path):
    assert selfcheck.writable(tmp_path / "まだない" / "配布")
    assert selfcheck.writable(tmp_path)


def test_store_office_is_told_from_excels_folder():
    assert windows.store_office(r"C:\Program Files\WindowsApps\Microsoft.Office.Desktop.Excel_16051.1_x86__8wekyb3d8bbwe\Office16")
    assert not windows.store_office(r"C:\Program Files\Microsoft Office\root\Office16")


# --- OneDrive/SharePoint: the URL Excel reports -------------------------------------------------------
@pytest.fixture
def no_onedrive(monkeypatch, tmp_path):
    for name in ("OneDrive", "OneDriveConsumer", "OneDriveCommercial"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    from xlwings import utils

    utils.fullname_url_to_local_path.cache_clear()
    yield
    utils.fullname_url_to_local_path.cache_clear()


def test_a_onedrive_url_without_a_synced_file_gets_a_japanese_message(caller, seam, no_onedrive, master):
    from macros import xl

    caller.url = "https://d.docs.live.net/1a2b3c/再犯防止/master.xlsm"
    assert xl.distribute() is None
    [alert] = caller.app.alerts
    assert alert["mode"] == "critical" and "OneDrive" in alert["prompt"]
    assert "Couldn't" not in alert["prompt"] and caller.saves == 0


def test_a_onedrive_url_maps_to_the_sync_folder_setup_wrote(master, seam, no_onedrive, monkeypatch):
    from macros import xl

    setup.setup_excel(master, INTERPRETER, onedrive=str(master.parent.parent))
    fake = fx.Book.open(master)
    fake.url = f"https://d.docs.live.net/1a2b3c/{master.parent.name}/{master.name}"
    monkeypatch.setattr(xl, "xw", fx)
    monkeypatch.setattr(fx.Book, "_mock_caller", fake)
    outcome = xl.distribute()
    assert outcome is not None and outcome.files
    assert [a["mode"] for a in fake.app.alerts] == ["info"]
