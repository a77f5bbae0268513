"""Workbooks with values set by hand, for tests that compute expected scores themselves."""

from __future__ import annotations

import csv
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import xlwt

from reports.form_workbook import write_form_workbook
from shnor_core.arrivals import record_arrival
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


def write_submission(path: Path, municipality_written: str, values: dict, demo: bool = True,
                     monitoring_id: str = MONITORING_ID) -> Path:
    """A municipality's form of ``monitoring_id``'s window, as its template reads (the window in its header)."""
    monitoring = get_monitoring(monitoring_id)
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


MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WORKSHEET_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"

# Each a legal spelling of a sheet's rows that a byte-matching count missed and calamine reads in full: the
# row tag followed by a tab or a newline, the sheet part renamed .bin (named so by [Content_Types].xml and the
# workbook's relationships), the part outside xl/worksheets/, the rows written with a namespace prefix.
SPELLING_TRICKS = {
    "tab after <row": {"after_tag": "\t"},
    "newline after <row": {"after_tag": "\n"},
    "sheet part named .bin": {"sheet_part": "xl/worksheets/sheet1.bin"},
    "sheet part outside xl/worksheets/": {"sheet_part": "xl/data/rows.bin"},
    "<x:row> with a namespace prefix": {"prefix": "x"},
}


def raw_workbook(path: Path, rows: int, sheet_part: str = "xl/worksheets/sheet1.xml", after_tag: str = " ",
                 prefix: str = "", first_row: int = 1) -> Path:
    """A workbook written by hand as a zip of raw XML (no library between the test and the bytes): one sheet
    at ``sheet_part`` named by the workbook's relationships and [Content_Types].xml, holding ``rows`` rows
    of one cell each, spelt ``<{prefix}row{after_tag}r=…>`` — each spelling legal XML that a reader takes
    as rows."""
    p = f"{prefix}:" if prefix else ""
    xmlns = f'xmlns{":" + prefix if prefix else ""}="{MAIN_NS}"'
    body = "".join(f'<{p}row{after_tag}r="{n}"><{p}c{after_tag}r="A{n}"><{p}v>0</{p}v></{p}c></{p}row>'
                   for n in range(first_row, first_row + rows))
    sheet = f'<?xml version="1.0" encoding="UTF-8"?><{p}worksheet {xmlns}><{p}sheetData>{body}</{p}sheetData></{p}worksheet>'
    target = "/" + sheet_part  # an absolute part name: valid wherever the part lies
    files = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.'
        'xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        f'<Override PartName="{target}" ContentType="{WORKSHEET_CONTENT}"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN_NS}" xmlns:r="{RELATIONSHIPS_NS}">'
        '<sheets><sheet name="Форма" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        f'officeDocument/2006/relationships/worksheet" Target="{target}"/></Relationships>',
        sheet_part: sheet,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text.encode())
    return path


def stamp(path: Path, day: str) -> Path:
    """The file arrived on that day (the landing folder's arrival record: never the file's own time)."""
    record_arrival(path.parent, path.name, datetime.fromisoformat(day).replace(hour=10), "тест")
    return path


def table(path: Path, sheets: dict[str, list[list]]) -> Path:
    """A workbook of the given sheets, each a list of rows, as an export or a registry would be."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def landed_registry(landing: Path, schools: list[tuple[str, str, str]], day: str) -> Path:
    """A school registry (code, name, municipality's ОКТМО) landed in ``landing/reference`` on that day."""
    registry = landing / "reference" / "schools.csv"
    registry.parent.mkdir(parents=True)
    with open(registry, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Код ОО", "Наименование ОО", "ОКТМО МО"])
        writer.writerows(schools)
    return stamp(registry, day)
