"""Feedback for a refused submission: a copy of the file with offending cells highlighted and commented,
plus a sheet «Ошибки» listing cell, indicator, value and rule, in Russian.

For files that openpyxl cannot edit (.xls, broken or hostile files) the feedback holds the
«Ошибки» sheet alone. Submitted text is written as text, never as a formula.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.utils.cell import coordinate_from_string
from openpyxl.utils.exceptions import CellCoordinatesException

from reports.excel import mark_sheet, put_text, style_header
from shnor_core.demo import DEMO_MARK, mentions_demo
from shnor_core.reference import shown_indicator
from shnor_core.safety import workbook_format

ERROR_FILL = PatternFill("solid", fgColor="FF9999")
ERRORS_SHEET = "Ошибки"


def _is_cell_address(text: str) -> bool:
    try:
        coordinate_from_string(text)
        return True
    except (ValueError, CellCoordinatesException):  # "строка 9": a row, not a cell
        return False


def _open_editable(path: Path):
    try:
        if workbook_format(path) != "xlsx":
            return None
        return openpyxl.load_workbook(path)
    except Exception:  # unsafe, broken or unreadable: an errors-only workbook
        return None


def write_feedback_workbook(submitted: Path, errors: list[dict], target: Path) -> Path:
    workbook = _open_editable(submitted)
    demo = workbook is not None and mentions_demo(
        cell for sheet in workbook.worksheets for row in sheet.iter_rows(max_row=12, values_only=True) for cell in row)
    if workbook is None:
        workbook = openpyxl.Workbook()
        workbook.active.title = ERRORS_SHEET
        sheet = workbook.active
    else:
        for error in errors:
            if error.get("sheet") in workbook.sheetnames and _is_cell_address(error.get("cell") or ""):
                cell = workbook[error["sheet"]][error["cell"]]
                cell.fill = ERROR_FILL
                cell.comment = Comment(error["rule"], "Проверка мониторинга")
        if ERRORS_SHEET in workbook.sheetnames:
            del workbook[ERRORS_SHEET]
        sheet = workbook.create_sheet(ERRORS_SHEET, 0)
        workbook.active = 0
    for column, title in enumerate(["Лист", "Ячейка", "Показатель", "Значение", "Правило"], start=1):
        put_text(sheet.cell(1, column), title)
    style_header(sheet[1])
    for row, error in enumerate(errors, start=2):
        for column, key in enumerate(["sheet", "cell", "indicator", "value", "rule"], start=1):
            value = error.get(key, "")
            put_text(sheet.cell(row, column), shown_indicator(value) if key == "indicator" else value)
    sheet.column_dimensions["C"].width = 50
    sheet.column_dimensions["E"].width = 90
    mark_sheet(sheet, DEMO_MARK if demo else None, row=sheet.max_row + 2, column=1)  # below the list
    target.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(target)
    return target
