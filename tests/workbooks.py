"""Workbooks with values set by hand, for tests that compute expected scores themselves."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import xlwt

from reports.form_workbook import write_form_workbook
from shnor_core.reference import get_monitoring, load_form

MONITORING_ID = "mph-2025"


def form_values(presence_default=1, count_default=0, **overrides):
    """Every item of the seed 004 form set to a default, with per-indicator overrides by code.

    ``MNC_3=[1, 0, 1]`` sets the three sub-items of МНЦ-3; ``MPH_8=[5]`` sets a count.
    """
    form = load_form(get_monitoring(MONITORING_ID).form_id)
    values = {}
    for item in form.items():
        default = presence_default if item.kind == "presence" else count_default
        values[(item.section_code, item.indicator_number, item.item_number)] = default
    for code, items in overrides.items():
        code = code.replace("_", "-")
        for item in form.items():
            if item.indicator_code == code:
                values[(item.section_code, item.indicator_number, item.item_number)] = items[item.item_number - 1]
    return values


def write_submission(path: Path, municipality_written: str, values: dict, demo: bool = True) -> Path:
    monitoring = get_monitoring(MONITORING_ID)
    form = load_form(monitoring.form_id)
    return write_form_workbook(path, form, monitoring, "Краснодарский край", municipality_written, values, demo)


def save_as_xls(xlsx: Path, target: Path) -> Path:
    """The same sheets and values as an old-format .xls (as some municipalities still send)."""
    book = xlwt.Workbook()
    for source in openpyxl.load_workbook(xlsx).worksheets:
        sheet = book.add_sheet(source.title)
        for row in source.iter_rows():
            for cell in row:
                if cell.value is not None:
                    sheet.write(cell.row - 1, cell.column - 1, cell.value)
    book.save(str(target))
    return target


def add_unit_columns(xlsx: Path, units: list[str], overrides: dict[str, list[list[object]]]) -> Path:
    """Turn the single "Баллы" column into one column per unit (ШНОР or mentor), as some forms do.

    Every presence row gets a value per unit: by default its single value repeated, or
    ``overrides[indicator_code][item - 1]`` (one value per unit) where given.
    """
    workbook = openpyxl.load_workbook(xlsx)
    sheet = workbook.active
    for merged in list(sheet.merged_cells.ranges):
        sheet.unmerge_cells(str(merged))
    header_row = next(c.row for c in sheet["C"] if str(c.value or "").startswith("Баллы"))
    sheet.insert_cols(4, len(units) - 1)
    sheet.insert_rows(header_row + 1)
    for offset, unit in enumerate(units):
        sheet.cell(header_row + 1, 3 + offset, unit)
    section, code, item = None, None, 0
    for row in range(header_row + 2, sheet.max_row + 1):
        first, label, value = (sheet.cell(row, column).value for column in (1, 2, 3))
        if isinstance(first, str):
            section = "MNC" if "(МНЦ)" in first else "MTKP" if "(МТКП)" in first else "MPH"
        if isinstance(first, int):
            code, item = f"{section}-{first}", 0
        if value is None or value == "*":
            continue
        item += 1
        per_unit = overrides[code][item - 1] if code in overrides else [value] * len(units)
        for offset, unit_value in enumerate(per_unit):
            sheet.cell(row, 3 + offset, unit_value)
    workbook.save(xlsx)
    return xlsx


def catalogue_values(form_id: str, presence_default=0, count_default=0, **overrides):
    """Every item of a form catalogue set to a default, with per-indicator overrides by code (as ``form_values``)."""
    values = {}
    for item in load_form(form_id).items():
        values[(item.section_code, item.indicator_number, item.item_number)] = (
            presence_default if item.kind == "presence" else count_default)
    for code, items in overrides.items():
        code = code.replace("_", "-")
        for item in load_form(form_id).items():
            if item.indicator_code == code:
                values[(item.section_code, item.indicator_number, item.item_number)] = items[item.item_number - 1]
    return values


def fill_template(template: Path, target: Path, form_id: str, values: dict) -> Path:
    """An issued template filled as a person fills it: the editable value cells, in the order of the form's items."""
    workbook = openpyxl.load_workbook(template)
    sheet = workbook["Мониторинг"]
    editable = [cell for row in sheet.iter_rows() for cell in row if cell.protection.locked is False]
    items = load_form(form_id).items()
    assert len(editable) == len(items), (len(editable), len(items))
    for cell, item in zip(editable, items):
        cell.value = values[(item.section_code, item.indicator_number, item.item_number)]
    target.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(target)
    return target
