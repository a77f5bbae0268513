"""Small helpers for writing workbooks people open: text that can never run as a formula, header style,
the demo mark on a sheet."""

from __future__ import annotations

from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def put_text(cell: Cell, text: object) -> Cell:
    """Write text as text: openpyxl would store "=…" as a formula, and submitted text must never run."""
    cell.value = "" if text is None else str(text)
    cell.data_type = "s"
    return cell


def style_header(cells) -> None:
    for cell in cells:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")


MARK_FONT = Font(bold=True, color="C00000")


def mark_sheet(sheet, mark: str | None, row: int = 1, column: int | None = None) -> None:
    """The demo mark on a sheet, on screen and in print: in red at ``row`` beside the sheet's content (the column
    after its last, past a blank one, unless given) and in the printed page's header. Nothing without a mark."""
    if not mark:
        return
    column = column if column is not None else sheet.max_column + 2
    cell = put_text(sheet.cell(row, column), mark.upper())
    cell.font = MARK_FONT
    for header in (sheet.oddHeader, sheet.evenHeader, sheet.firstHeader):
        header.right.text = mark.upper()
        header.right.color = "C00000"
