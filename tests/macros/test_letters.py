"""The letters: the 照会文 written by distribute, the 再依頼 memo and the unsent mail drafts written by remind."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
import email.policy
import shutil
import subprocess
import sys
from email.parser import BytesParser
from pathlib import Path

import openpyxl
import pytest

from generators.letters import write_request_memo
from macros import operations as ops
from macros.remind import run_remind
from workbook.domain.scale_presets import PRESETS, legacy_scale
from workbook.domain.settings import PATH_IN_BODY, SETTING_ROWS
from workbook.files.master import Master

from ..generators.docx_read import all_text, open_docx

ROOT = Path(__file__).resolve().parents[2]
MASTER = ops.DEMO_MASTER_NAME
SUBJECT = "【サンプル】令和6年度 再犯防止推進計画の進捗状況調査について（再依頼）"   # the demo is a sample
IN_TIME = dt.date(2025, 6, 2)    # a day before the demo's deadlines have passed
MEMO = "令和6年度_進捗状況調査_再依頼.docx"
FIX_LIST = "令和6年度_返却票_福祉政策課.xlsx"
DISTRIBUTED = "令和6年度_進捗報告_指導室.xlsx"


def cell_of(key: str) -> str:
    return f"C{[k for k, _, _ in SETTING_ROWS].index(key) + 2}"


@pytest.fixture(scope="module")
def demo_dir(demo_output):
    return demo_output


@pytest.fixture
def demo(demo_dir, tmp_path):
    """A copy of the demo's output for one test to change."""
    out = tmp_path / "demo"
    shutil.copytree(demo_dir, out)
    return out


def edit_master(path: Path, sheet: str, values: dict[str, object]) -> None:
    wb = openpyxl.load_workbook(path, keep_vba=True)
    for ref, value in values.items():
        wb[sheet][ref] = value
    wb.save(path)


def parse(path: Path):
    return BytesParser(policy=email.policy.default).parsebytes(path.read_bytes())


def drafts(folder: Path) -> dict[str, Path]:
    return {p.stem.removeprefix("令和6年度_再依頼_"): p for p in folder.glob("*.eml")}


# --- 照会文 -----------------------------------------------------------------------------------------
def test_distribute_writes_the_request_memo(demo_dir):
    memo = demo_dir / "配布" / "令和6年度_進捗状況調査_照会.docx"
    text = all_text(open_docx(memo))
    assert "令和6年度 再犯防止推進計画の進捗状況調査について（照会）" in text
    assert "各担当課長　様" in text and "福祉保健部福祉政策課長　（サンプル）狛江 一郎" in text
    for department in ("福祉政策課", "福祉相談課", "学校教育課", "指導室", "まちづくり推進課"):
        assert f"令和6年度_進捗報告_{department}.xlsx" in text
    assert "目標に対し実績が概ね110％以上" in text and "評価不能" in text   # the scale, thresholds from 設定
    assert "実績・成果（必須）" in text and "自己評価（必須）" in text       # the input columns
    assert "令和7年5月30日（金）" in text                                   # 提出期限
    assert "福祉政策課 地域福祉係（サンプル） 03-3430-1111（代表）" in text   # contact
    assert "日頃より、狛江市第1次再犯防止推進計画の推進に" in text             # the purpose, from the template


def test_a_folder_on_the_sections_own_pc_is_not_given_as_the_place(demo_dir, tmp_path):
    """共有フォルダ blank: the memo says the place is told separately (not /home/… or C:\\Users\\…); a master
    on a network share gives its own folder."""
    from generators.letters import shared_location

    m = Master.open(demo_dir / MASTER)
    settings = replace(m.settings, shared_folder="")
    memo = write_request_memo(m.plan, settings, demo_dir, tmp_path / "memo.docx", today=dt.date(2025, 4, 1))
    text = all_text(open_docx(memo))
    assert "共有フォルダ（場所は別途お知らせします）" in text and str(demo_dir) not in text
    assert shared_location(settings, Path(r"\\fs01\福祉政策課"), "配布") == r"\\fs01\福祉政策課\配布"
    assert shared_location(settings, Path(r"C:\Users\職員\再犯防止"), "配布") == ""


def test_request_memo_document_number_date_and_thresholds(demo_dir, tmp_path):
    m = Master.open(demo_dir / MASTER)
    settings = m.settings
    settings.document_number, settings.scale = "狛福政発第12号", legacy_scale(120, 80)
    memo = write_request_memo(m.plan, settings, demo_dir, tmp_path / "memo.docx", today=dt.date(2025, 4, 1))
    paragraphs = [p.text for p in open_docx(memo).paragraphs]
    assert paragraphs[:2] == ["狛福政発第12号", "令和7年4月1日"]
    assert "目標に対し実績が概ね120％以上" in all_text(open_docx(memo))
    assert "実績値÷目標値が120％以上でA、80％以上でB、それ未満でCを目安とします" in all_text(open_docx(memo))


@pytest.mark.parametrize("name", ["4段階", "進捗区分"])
def test_request_memo_lists_the_scale_of_the_master(tmp_path, name):
    """The 照会文 gives departments the codes, definitions, floors and 理由必須 of the master's 評価基準."""
    from workbook.files.sample import komae_plan, komae_settings

    scale = PRESETS[name]
    settings = komae_settings()
    settings.scale = scale
    memo = open_docx(write_request_memo(komae_plan(), settings, tmp_path, tmp_path / "memo.docx",
                                        today=dt.date(2025, 4, 1)))
    (table,) = [t for t in memo.tables if t.rows[0].cells[0].text == "達成度"]
    assert [[c.text for c in r.cells] for r in table.rows[1:]] == [[g.code, g.name, g.definition] for g in scale.grades]
    reasons = "・".join(g.code for g in scale.grades if g.reason_required)
    note = next(p.text for p in memo.paragraphs if "目安とします" in p.text)
    assert note == ("数値目標（指標）のある取組は、実績値÷目標値が120％以上でS、100％以上でA、80％以上でB、"
                    f"それ未満でCを目安とします（少ないほど良い指標は目標値÷実績値）。達成度が{reasons}の場合は、"
                    "評価の理由を必ず記入してください。")
    assert "{{" not in all_text(memo)


def test_distributing_again_keeps_the_earlier_request_memo(demo):
    ops.distribute(demo / MASTER)
    kept = list((demo / "配布" / "以前の配布").glob("令和6年度_進捗状況調査_照会_*.docx"))
    assert len(kept) == 1 and (demo / "配布" / "令和6年度_進捗状況調査_照会.docx").exists()


# --- remind on the demo: one 未提出 (指導室), one 要修正 (福祉政策課) ---------------------------------
def test_remind_command_writes_the_memo_and_a_draft_per_late_department(demo):
    result = subprocess.run([sys.executable, "-m", "macros", "remind", str(demo / MASTER)], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "未提出: 指導室" in result.stdout and "要修正: 福祉政策課" in result.stdout
    folder = demo / "再依頼"
    assert sorted(drafts(folder)) == ["指導室", "福祉政策課"]
    text = all_text(open_docx(folder / MEMO))
    assert SUBJECT in text and "福祉政策課長、指導室長　様" in text
    assert "当初の提出期限：令和7年5月30日（金）" in text and "再提出期限" not in text
    doc = open_docx(folder / MEMO)
    rows = [[c.text for c in r.cells] for t in doc.tables for r in t.rows]
    assert ["指導室", "3", DISTRIBUTED] in rows
    fixes = {r[3]: r for r in rows if len(r) == 6 and r[1] in ("要修正", "要確認")}
    assert set(fixes) == {"B10", "J14", "I21"}
    assert fixes["J14"][2] == "2-2-2" and "理由が未入力" in fixes["J14"][4]
    assert fixes["J14"][5] == "達成度が C のときは「評価の理由」を必ず入力してください。"
    assert "「◎」" in fixes["I21"][4] and "A・B・C・－ から選んでください" in fixes["I21"][5]


def test_mail_drafts_parse_with_headers_body_and_attachment(demo):
    run_remind(demo / MASTER, today=IN_TIME)
    found = drafts(demo / "再依頼")
    for department, address, attached in (
            ("福祉政策課", "fukushiseisaku@sample.komae.example", demo / "返却票" / FIX_LIST),
            ("指導室", "shidoshitsu@sample.komae.example", demo / "配布" / DISTRIBUTED)):
        raw = found[department].read_bytes()
        assert raw.isascii() and b"\r\n" in raw                   # MIME-encoded, CRLF lines
        message = parse(found[department])
        assert message["X-Unsent"] == "1"
        assert message["Subject"] == SUBJECT and "=?utf-8?" in raw.split(b"\r\n\r\n")[0].decode()
        assert message["To"].addresses[0].addr_spec == address
        assert message["To"].addresses[0].display_name == department
        body = message.get_body(("plain",)).get_content()
        assert body.startswith(f"{department}長　様") and "令和7年5月30日（金）" in body
        (attachment,) = list(message.iter_attachments())
        assert attachment.get_filename() == attached.name
        assert attachment.get_content() == attached.read_bytes()
    body = parse(found["福祉政策課"]).get_body(("plain",)).get_content()
    line = next(t for t in body.splitlines() if "取組 2-2-2　セル J14：" in t)
    assert "理由が未入力" in line and "「C」" in line and "セル I21" in body and "セル B10" in body
    body = parse(found["指導室"]).get_body(("plain",)).get_content()
    assert "まだご提出を確認できていません（対象の取組 3 件）" in body and DISTRIBUTED in body


def test_new_deadline_and_paths_instead_of_attachments(demo):
    edit_master(demo / MASTER, "設定", {cell_of("resubmission_deadline"): "令和7年6月13日（金）",
                                        cell_of("mail_attachment"): PATH_IN_BODY,
                                        cell_of("shared_folder"): r"\\fileserver\福祉政策課\再犯防止"})
    run_remind(demo / MASTER, today=IN_TIME)
    text = all_text(open_docx(demo / "再依頼" / MEMO))
    assert "当初の提出期限：令和7年5月30日（金）" in text and "再提出期限：令和7年6月13日（金）" in text
    message = parse(drafts(demo / "再依頼")["福祉政策課"])
    assert list(message.iter_attachments()) == []
    body = message.get_body(("plain",)).get_content()
    assert rf"\\fileserver\福祉政策課\再犯防止\返却票\{FIX_LIST}" in body
    assert "令和7年6月13日（金）までに再提出してください" in body


def test_a_deadline_gone_by_is_not_asked_for_again(demo):
    """The reminder goes out after the deadline: a day that has passed becomes 至急, and the section is told."""
    outcome = run_remind(demo / MASTER, today=dt.date(2025, 6, 20))
    warning = next(line for line in outcome.lines if line.startswith("警告") and "至急" in line)
    assert f"セル {cell_of('resubmission_deadline')}" in warning
    text = all_text(open_docx(demo / "再依頼" / MEMO))
    assert "至急ご対応" in text and "当初の提出期限：令和7年5月30日（金）" in text
    body = parse(drafts(demo / "再依頼")["指導室"]).get_body(("plain",)).get_content()
    assert "至急ご提出をお願いします" in body and "令和7年5月30日（金）までに" not in body


def test_a_new_deadline_gone_by_is_said_to_have_passed(demo):
    edit_master(demo / MASTER, "設定", {cell_of("resubmission_deadline"): "令和7年6月13日（金）"})
    run_remind(demo / MASTER, today=dt.date(2025, 7, 1))
    text = all_text(open_docx(demo / "再依頼" / MEMO))
    assert "再提出期限：令和7年6月13日（金）（過ぎています）" in text and "至急ご対応" in text
    body = parse(drafts(demo / "再依頼")["福祉政策課"]).get_body(("plain",)).get_content()
    assert "再提出期限：令和7年6月13日（金）（過ぎています）" in body and "至急再提出してください" in body


def test_missing_address_and_deadline_are_warned_about(demo):
    wb = openpyxl.load_workbook(demo / MASTER, keep_vba=True)
    row = next(r for r in wb["担当課"].iter_rows(min_row=2) if r[0].value == "指導室")
    row[3].value = None
    wb["設定"][cell_of("deadline")] = None
    wb.save(demo / MASTER)
    outcome = ops.remind(demo / MASTER)
    lines = "\n".join(outcome.lines)
    assert "指導室 のメールアドレスがありません" in lines and "シート「担当課」の「メール」列" in lines
    assert f"シート「設定」セル {cell_of('deadline')}「提出期限」" in lines
    message = parse(drafts(demo / "再依頼")["指導室"])
    assert message["To"] == "" and message["X-Unsent"] == "1"
    assert "未定" in all_text(open_docx(demo / "再依頼" / MEMO))


def test_nobody_late_writes_nothing(demo):
    wb = openpyxl.load_workbook(demo / MASTER, keep_vba=True)
    for row in wb["提出状況"].iter_rows(min_row=2):
        if row[0].value:
            row[2].value = "受理"
    wb.save(demo / MASTER)
    outcome = ops.remind(demo / MASTER)
    assert "未提出・要修正の担当課はありません" in outcome.lines[0] and outcome.files == []
    assert not (demo / "再依頼").exists()


def test_before_any_return_every_department_is_asked(tmp_path, komae_plan, komae_settings):
    master = ops.new_master(komae_plan, komae_settings, tmp_path)
    ops.distribute(master)
    outcome = ops.remind(master)
    assert "まだ回収していないため" in "\n".join(outcome.lines)
    assert sorted(drafts(tmp_path / "再依頼")) == sorted(d.name for d in komae_plan.departments)
    rows = [[c.text for c in r.cells] for t in open_docx(tmp_path / "再依頼" / MEMO).tables for r in t.rows]
    assert ["福祉政策課", "28", "令和6年度_進捗報告_福祉政策課.xlsx"] in rows
    assert "修正をお願いする課" in all_text(open_docx(tmp_path / "再依頼" / MEMO))


def test_reminding_again_moves_the_earlier_drafts_aside(demo):
    ops.remind(demo / MASTER)
    ops.remind(demo / MASTER)
    kept = sorted(p.suffix for p in (demo / "再依頼" / "以前の再依頼").iterdir())
    assert kept == [".docx", ".eml", ".eml"]
    assert len(drafts(demo / "再依頼")) == 2
