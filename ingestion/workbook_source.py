"""Opening a landed workbook (.xlsx with openpyxl, .xls with calamine) as plain rows of cached values.

Formulas are never evaluated: openpyxl's ``data_only`` gives the value Excel cached at save time.
The safety checks of ``ingestion.safety`` run first, so hostile files never reach a parser.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import openpyxl
import python_calamine

from ingestion.safety import workbook_format

META_SHEET = "_meta"


@dataclass
class SheetRows:
    title: str
    rows: list[tuple]
    visible: bool


def load_sheets(path: Path) -> list[SheetRows]:
    """All sheets as tuples of cell values, row 1 first; raises UnsafeWorkbook for hostile files."""
    if workbook_format(path) == "xls":
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        visible = {m.name: str(m.visible).endswith("Visible") for m in workbook.sheets_metadata}
        return [
            SheetRows(name, [tuple(None if c == "" else c for c in row)
                             for row in workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)],
                      visible.get(name, True))
            for name in workbook.sheet_names
        ]
    workbook = openpyxl.load_workbook(path, data_only=True, read_only=True)
    try:
        return [SheetRows(sheet.title, [tuple(r) for r in sheet.iter_rows(min_row=1, values_only=True)],
                          sheet.sheet_state == "visible")
                for sheet in workbook.worksheets]
    finally:
        workbook.close()


def read_meta(sheets: list[SheetRows]) -> dict[str, str]:
    """Key/value pairs of the hidden metadata sheet our templates carry (empty for hand-made files)."""
    for sheet in sheets:
        if sheet.title == META_SHEET:
            return {str(r[0]).strip(): str(r[1]).strip() for r in sheet.rows if len(r) > 1 and r[0] and r[1] is not None}
    return {}
