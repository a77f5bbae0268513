"""Opening a landed workbook (.xlsx or .xls, read by calamine) as plain rows of cached values.

Formulas are never evaluated: calamine gives the value Excel cached at save time.
The safety checks of ``ingestion.safety`` run first, so hostile files never reach a parser.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import python_calamine

from shnor_core.safety import workbook_format
from shnor_core.sources import TEMPLATE_META_SHEET


@dataclass
class SheetRows:
    title: str
    rows: list[tuple]
    visible: bool


def load_sheets(path: Path) -> list[SheetRows]:
    """All sheets as tuples of cell values, row 1 first; raises UnsafeWorkbook for hostile files.

    Values are read by calamine for .xlsx and .xls alike (several times faster than openpyxl); cell-level
    work (styles, comments, formulas without a cached value) still opens the file with openpyxl.
    """
    workbook_format(path)
    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    visible = {m.name: str(m.visible).endswith("Visible") for m in workbook.sheets_metadata}
    return [
        SheetRows(name, [tuple(_value(c) for c in row)
                         for row in workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)],
                  visible.get(name, True))
        for name in workbook.sheet_names
    ]


def _value(cell):
    """Empty cells as None, whole numbers as int: Excel stores every number as a float, and "1" is what
    the person typed and what errors should quote."""
    if cell == "":
        return None
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    return cell


def read_meta(sheets: list[SheetRows]) -> dict[str, str]:
    """Key/value pairs of the hidden metadata sheet our templates carry (empty for hand-made files)."""
    for sheet in sheets:
        if sheet.title == TEMPLATE_META_SHEET:
            return {str(r[0]).strip(): str(r[1]).strip() for r in sheet.rows if len(r) > 1 and r[0] and r[1] is not None}
    return {}
