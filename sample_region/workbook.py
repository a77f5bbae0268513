"""Writes a monitoring workbook laid out as the seed 004 form, filled with given values.

Used by the sample-region generator and by tests that need a workbook with values known by hand.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font

from ingestion.reference import Form, Monitoring

HEADER = (
    "№ п/п",
    "Наименование оцениваемого параметра (показателя результативности)",
    "Баллы (наличие-1, отсутствие -0)",
    "Количественные показатели",
)
NOT_APPLICABLE = "*"

ItemKey = tuple[str, int, int]  # (section_code, indicator_number, item_number)


def _date_ru(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{day}.{month}.{year}"


def write_form_workbook(
    path: Path,
    form: Form,
    monitoring: Monitoring,
    region_name: str,
    municipality_written: str,
    values: dict[ItemKey, object],
    demo: bool = True,
) -> Path:
    """One municipality's filled form. ``values`` maps every catalogue item to what the cell holds."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Мониторинг"
    sheet["A1"] = monitoring.title
    sheet["A1"].font = Font(bold=True)
    sheet["A2"], sheet["B2"] = "Регион:", region_name
    sheet["A3"], sheet["B3"] = "Муниципальное образование:", municipality_written
    sheet["A4"], sheet["B4"] = "Период проведения:", f"{_date_ru(monitoring.window_open)} – {_date_ru(monitoring.window_close)}"
    if demo:
        sheet["A5"] = "демонстрационные данные"
    row = 7
    for column, text in enumerate(HEADER, start=1):
        sheet.cell(row, column, text).font = Font(bold=True)
    for section in sorted(form.sections.values(), key=lambda s: s.order):
        row += 1
        sheet.cell(row, 1, section.title).font = Font(bold=True)
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
        for indicator in section.indicators.values():
            row += 1
            sheet.cell(row, 1, indicator.number)
            sheet.cell(row, 2, indicator.label)
            value_column, other_column = (3, 4) if indicator.kind == "presence" else (4, 3)
            single = len(indicator.items) == 1 and not indicator.items[0].item_label
            if single:
                sheet.cell(row, value_column, values[(section.code, indicator.number, 1)])
                sheet.cell(row, other_column, NOT_APPLICABLE)
                continue
            for item in indicator.items:
                row += 1
                sheet.cell(row, 2, f"- {item.item_label};")
                sheet.cell(row, value_column, values[(section.code, indicator.number, item.item_number)])
                sheet.cell(row, other_column, NOT_APPLICABLE)
            row += 1
            printed = indicator.printed_max or str(len(indicator.items))
            sheet.cell(row, 2, f"Средний балл по показателю (от 0 до {printed})")
    sheet.column_dimensions["B"].width = 90
    for cells in sheet.iter_rows(min_row=8, min_col=2, max_col=2):
        cells[0].alignment = Alignment(wrap_text=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path
