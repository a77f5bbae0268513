"""Small helpers for writing workbooks people open: text that can never run as a formula, dates as Excel dates,
header style, the demo mark on a sheet."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def put_text(cell: Cell, text: object) -> Cell:
    """Write text as text: openpyxl would store "=…" as a formula, and submitted text must never run."""
    cell.value = "" if text is None else str(text)
    cell.data_type = "s"
    return cell


# Excel dates: the cell holds the day's number (sortable, filterable), shown the Russian way
DATE, DATE_TIME = "DD.MM.YYYY", "DD.MM.YYYY HH:MM"


def excel_date(value: date | datetime | pd.Timestamp | str, number_format: str = DATE) -> date | datetime:
    """A date (an ISO string, a date, a datetime or a pandas Timestamp) as a cell holds it; with DATE, a time of
    day is dropped."""
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    elif isinstance(value, str):
        value = date.fromisoformat(value)
    if number_format == DATE and isinstance(value, datetime):
        value = value.date()
    return value


def put_date(cell: Cell, value: date | datetime | pd.Timestamp | str, number_format: str = DATE) -> Cell:
    """A date as an Excel date with ``number_format``."""
    cell.value = excel_date(value, number_format)
    cell.number_format = number_format
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
    put_text(sheet.cell(row, column), mark.upper()).font = MARK_FONT
    mark_print(sheet, mark)


def mark_print(sheet, mark: str) -> None:
    """The demo mark in the printed page's header."""
    for header in (sheet.oddHeader, sheet.evenHeader, sheet.firstHeader):
        header.right.text = mark.upper()
        header.right.color = "C00000"


def written_cell(sheet, value=None, number_format: str | None = None, font: Font | None = None,
                 header: bool = False) -> WriteOnlyCell:
    """A cell of a sheet written row by row (``Workbook(write_only=True)``), styled once: a cell of a column
    is reused for every row (each row is written out when it is appended), so its style is looked up once."""
    cell = WriteOnlyCell(sheet, value)
    if number_format:
        cell.number_format = number_format
    if header:
        cell.font, cell.fill, cell.alignment = Font(bold=True), HEADER_FILL, Alignment(wrap_text=True, vertical="top")
    if font is not None:
        cell.font = font
    return cell
