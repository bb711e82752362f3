"""The hidden 識別情報 sheet of a distributed file: who the file belongs to, and the rows it was made with.

Collect trusts this sheet, not the file's name. Its layout (one key per row in column A, the value in
column C; then the row keys, each with the labels its row showed when the file was made, in
columns C-F), its writer and its reader live here; checks name its cells with IDENTITY_CELLS.
"""
from __future__ import annotations

from workbook.domain.era import parse_fiscal_year
from workbook.domain.normalize import clean_text
from workbook.domain.returns import Identity
from workbook.sheets import styles as st

IDENTITY_FIELDS = (
    ("municipality", "自治体"),
    ("plan_name", "計画"),
    ("fiscal_year", "報告対象年度"),
    ("department", "担当課"),
    ("template_version", "様式の版"),
    ("distributed_at", "配布日時"),
    ("scale_fingerprint", "評価基準の指紋"),
    ("scale_name", "評価基準"),
)
ROW_KEYS_LABEL = "行キー"
# where write_identity puts each value (for problems that name the cell)
IDENTITY_CELLS = {key: f"C{row}" for row, (key, _) in enumerate(IDENTITY_FIELDS, start=2)}


def _at(row: list[object], c: int) -> object:
    return row[c - 1] if c - 1 < len(row) else None


def write_identity(ws, identity: Identity) -> None:
    ws["A1"] = "このシートはアドオンが回収時にファイルを識別するための情報です。変更しないでください。"
    ws["A1"].font = st.NOTE
    for row, (key, label) in enumerate(IDENTITY_FIELDS, start=2):
        ws.cell(row=row, column=1, value=key)
        ws.cell(row=row, column=2, value=label)
        st.write_text(ws, row, 3, str(getattr(identity, key)))
    start = len(IDENTITY_FIELDS) + 3
    ws.cell(row=start, column=1, value="row_keys")
    ws.cell(row=start, column=2, value=ROW_KEYS_LABEL)
    for i, key in enumerate(identity.row_keys):
        st.write_text(ws, start + i, 3, key)
        for c, text in enumerate(identity.row_labels.get(key, ()), start=4):
            st.write_text(ws, start + i, c, text)
    ws.sheet_state = "hidden"
    ws.protection.sheet = True


def identity_from_rows(rows: list[list[object]]) -> Identity:
    """The Identity in the sheet's values (rows from A1, as calamine or openpyxl read them)."""
    values: dict[str, str] = {}
    keys: list[str] = []
    labels: dict[str, tuple[str, str, str]] = {}
    in_keys = False
    for row in rows[1:]:
        key, cell = clean_text(_at(row, 1)), _at(row, 3)
        if key == "row_keys":
            in_keys = True
        elif key:
            in_keys = False
        if in_keys:
            if clean_text(cell):
                keys.append(clean_text(cell))
                shown = tuple("" if _at(row, c) is None else str(_at(row, c)) for c in (4, 5, 6))
                if any(shown):
                    labels[keys[-1]] = shown
        elif key:
            values[key] = clean_text(cell)
    year = parse_fiscal_year(values.get("fiscal_year"))
    return Identity(
        municipality=values.get("municipality", ""), plan_name=values.get("plan_name", ""),
        fiscal_year=year if year is not None else -1, department=values.get("department", ""),
        template_version=values.get("template_version", ""), row_keys=tuple(keys),
        distributed_at=values.get("distributed_at", ""), row_labels=labels,
        scale_fingerprint=values.get("scale_fingerprint", ""), scale_name=values.get("scale_name", ""),
    )
