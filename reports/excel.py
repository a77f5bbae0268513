"""Small helpers for writing workbooks people open: text that can never run as a formula, header style."""

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
