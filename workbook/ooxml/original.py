"""The sheet as it was read, seen through an edited SheetXml: what PackagePatch.changes() compares
with when the patch records its edits (the Excel writer), so that no second parse is needed."""
from __future__ import annotations

from workbook.ooxml.sheet_xml import SheetXml

class Original:
    """The sheet as it was read, seen through an edited SheetXml (what changes() compares with):
    cells before their first set(), rows before they were deleted, heights before set_height();
    everything else is as it still is. Only for sheets without shared formulas."""

    def __init__(self, final: SheetXml):
        self.final = final
        self._new: dict[int, set[int]] | None = None

    def cell_at(self, r: int, c: int) -> str | None:
        final = self.final
        if (r, c) in final.before_cells:
            before = final.before_cells[(r, c)]
            if before is not None or r in final.initial_rows:
                return before
        if r in final.deleted_rows:
            return self.final.deleted_cells(r).get(c)
        return final.cell_at(r, c) if r in final.initial_rows else None

    def row_numbers(self) -> list[int]:
        return sorted(self.final.initial_rows)

    def columns_of(self, r: int) -> list[int]:
        final = self.final
        if r in final.deleted_rows:
            return sorted(self.final.deleted_cells(r))
        if r not in final.initial_rows:
            return []
        if self._new is None:             # cells the edits made in rows the sheet had: not in the original
            self._new = {}
            for (rr, c), before in final.before_cells.items():
                if before is None and rr in final.initial_rows:
                    self._new.setdefault(rr, set()).add(c)
        new = self._new.get(r, ())
        return [c for c in final.columns_of(r) if c not in new]

    def height(self, r: int) -> float | None:
        final = self.final
        if r in final.deleted_rows:
            ht = final.deleted_height(r)
        elif r in final.before_heights:
            ht = final.before_heights[r]
        elif r in final.initial_rows:
            return final.height(r)
        else:
            return None
        return float(ht) if ht else None

    def default_height(self) -> float:
        return self.final.default_height()

    def used_range(self) -> tuple[int, int]:
        return self.final.initial_used

    def shared_formulas(self) -> dict[str, tuple[str, str]]:
        return {}
