"""Opening a landed file as plain rows of values: a workbook (.xlsx or .xls, read by calamine, cached
values only) or a CSV export in whatever dialect it came (BOM or not, UTF-8 or Windows-1251, ``;`` ``,``
or tab, quoted fields with inner quotes, a trailing separator on every line).

Formulas are never evaluated: calamine gives the value Excel cached at save time.
The safety checks of ``shnor_core.safety`` run first, so hostile files never reach a parser.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import python_calamine

from shnor_core.safety import MAX_FILE_BYTES, MAX_SHEET_CELLS, MAX_SHEET_ROWS, SheetBound, UnsafeWorkbook, inspect_workbook
from shnor_core.sources import TEMPLATE_META_SHEET


@dataclass
class SheetRows:
    title: str
    rows: list[tuple]
    visible: bool


def load_sheets(path: Path, max_rows: int | None = None, max_cells: int | None = None,
                what: str = "") -> list[SheetRows]:
    """All sheets as tuples of cell values, row 1 first; raises UnsafeWorkbook for hostile files and for a
    sheet bigger than the reader's own bound (``max_rows``/``max_cells``: a form has a known size), which
    the safety scan counts before any parsing.

    Values are read by calamine for .xlsx and .xls alike (several times faster than openpyxl); cell-level
    work (styles, comments, formulas without a cached value) still opens the file with openpyxl.
    """
    if max_rows is None:
        inspect_workbook(path)
    else:  # the reader's bound, if tighter than a table's, stops the scan as soon as it is crossed
        inspect_workbook(path, SheetBound(min(max_rows, MAX_SHEET_ROWS), min(max_cells or 0, MAX_SHEET_CELLS), what))
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


CSV_SHEET = "csv"
_ENCODINGS = ("utf-8-sig", "cp1251")


def decode_text(data: bytes) -> str:
    """A text export's bytes as text: UTF-8 (with or without BOM), else Windows-1251, the two encodings
    Russian systems export; anything else is refused rather than read as mojibake."""
    for encoding in _ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not any(ord(c) < 32 and c not in "\t\r\n" for c in text[:65536]):  # UTF-16 or binary decodes to control codes
            return text
    raise UnsafeWorkbook("файл не в кодировке UTF-8 или Windows-1251: сохраните выгрузку в одной из них")


def load_csv(path: Path) -> list[SheetRows]:
    """A CSV export as one sheet named ``csv``: dialect sniffed from its first lines, trailing empty
    fields (a separator at the end of every line) dropped."""
    path = Path(path)
    if path.stat().st_size > MAX_FILE_BYTES:
        raise UnsafeWorkbook(f"файл слишком велик ({path.stat().st_size // 1024 // 1024} МБ, допустимо до "
                             f"{MAX_FILE_BYTES // 1024 // 1024} МБ)")
    text = decode_text(path.read_bytes())
    sample = "\n".join(text.splitlines()[:20])
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=";,\t|")
    except csv.Error:  # one column, or too irregular to sniff: the more frequent separator
        dialect = type("Fallback", (csv.excel,), {"delimiter": ";" if sample.count(";") >= sample.count(",") else ","})
    rows = []
    for record in csv.reader(io.StringIO(text), dialect):
        while record and record[-1] == "":
            record.pop()
        rows.append(tuple(cell if cell != "" else None for cell in record))
    return [SheetRows(CSV_SHEET, rows, True)]


def load_table_source(path: Path) -> list[SheetRows]:
    """Any landed table: CSV or a workbook."""
    return load_csv(path) if Path(path).suffix.lower() == ".csv" else load_sheets(path)
