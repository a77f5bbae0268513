"""The monitoring form as a workbook, laid out as seed 004: blank templates for a window, or filled forms.

Templates carry what the reader can trust in a hidden ``_meta`` sheet (form, monitoring,
municipality code, for a school-level form the school's code, template version), data validation on every
value cell (0/1 lists for presence, whole numbers ≥ 0 for counts) with an input prompt saying what to type, and
locked labels: only the value cells can be edited. Above the table, the deadline (the window's close), where to
send the form (the calendar's ``submission_address``) and an instruction block: how to fill (0/1, counts, «*»),
what not to change.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from reports.document import ru_date
from reports.excel import mark_sheet, put_text
from reports.wording import headers, say
from shnor_core.demo import DEMO_MARK
from shnor_core.reference import Form, Monitoring, Municipality, School
from shnor_core.sources import TEMPLATE_META_SHEET

TEMPLATE_VERSION = "2025.1"
NOT_APPLICABLE = "*"
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")

ItemKey = tuple[str, int, int]  # (section_code, indicator_number, item_number)


def write_form_workbook(
    path: Path,
    form: Form,
    monitoring: Monitoring,
    region_name: str,
    municipality_written: str,
    values: dict[ItemKey, object] | None = None,
    demo: bool = True,
    municipality: Municipality | None = None,
    school: School | None = None,
) -> Path:
    """A municipality's (or, with ``school``, a school's) form. With ``values`` every item is filled;
    without, it is a blank template.

    ``municipality`` (the reference entry) makes it a template: code in the header, hidden
    metadata, validation on value cells and locked labels.
    """
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = say("form.sheet")
    put_text(sheet["A1"], monitoring.title).font = Font(bold=True)
    header = [("region", region_name), ("municipality", municipality_written)]
    if municipality is not None:
        header.append(("oktmo", municipality.oktmo))
    if school is not None:
        header += [("school", school.name), ("school_code", school.code)]
    header += [("period", say("form.period", start=ru_date(monitoring.window_open), end=ru_date(monitoring.window_close)))]
    if municipality is not None:
        header.append(("version", TEMPLATE_VERSION))
        header.append(("deadline", say("form.deadline", day=ru_date(monitoring.window_close))))
        header.append(("address", monitoring.submission_address or say("form.no_address")))
    for row, (label, value) in enumerate(header, start=2):
        put_text(sheet.cell(row, 1), say(f"form.label_{label}"))
        shown = put_text(sheet.cell(row, 2), value)
        if label in ("deadline", "address"):  # what a municipality must not miss
            shown.font = Font(bold=True)
    row = len(header) + 2
    if demo:
        put_text(sheet.cell(row, 1), DEMO_MARK)
    if municipality is not None:
        for index, line in enumerate(headers("form.instructions")):  # a title, then the steps
            row += 1
            put_text(sheet.cell(row, 1), line).font = Font(bold=index == 0, italic=index > 0)
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
            sheet.cell(row, 1).alignment = Alignment(wrap_text=True, vertical="top")
            sheet.row_dimensions[row].height = 15 * (1 + len(line) // 120)
    row += 2
    for column, text in enumerate(headers("form.table_columns"), start=1):
        put_text(sheet.cell(row, column), text).font = Font(bold=True)
    header_row = row

    presence_cells, count_cells = [], []
    for section in sorted(form.sections.values(), key=lambda s: s.order):
        row += 1
        put_text(sheet.cell(row, 1), section.title).font = Font(bold=True)
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
        for indicator in section.indicators.values():
            row += 1
            sheet.cell(row, 1, indicator.number)
            put_text(sheet.cell(row, 2), indicator.label)
            value_column, other_column = (3, 4) if indicator.kind == "presence" else (4, 3)
            targets = presence_cells if indicator.kind == "presence" else count_cells
            single = len(indicator.items) == 1 and not indicator.items[0].item_label
            item_rows = []
            if single:
                item_rows.append((row, indicator.items[0]))
            else:
                for item in indicator.items:
                    row += 1
                    put_text(sheet.cell(row, 2), say("form.sub_item", label=item.item_label))
                    item_rows.append((row, item))
            for item_row, item in item_rows:
                cell = sheet.cell(item_row, value_column)
                if values is not None:
                    cell.value = values[(section.code, indicator.number, item.item_number)]
                cell.protection = Protection(locked=False)
                cell.fill = INPUT_FILL
                targets.append(cell.coordinate)
                put_text(sheet.cell(item_row, other_column), NOT_APPLICABLE)
            if not single:
                row += 1
                printed = indicator.printed_max or str(len(indicator.items))
                put_text(sheet.cell(row, 2), say("form.mean_score", maximum=printed))
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 90
    sheet.column_dimensions["C"].width = 16
    sheet.column_dimensions["D"].width = 16
    for cells in sheet.iter_rows(min_row=header_row, min_col=2, max_col=2):
        cells[0].alignment = Alignment(wrap_text=True, vertical="top")
    if municipality is not None:
        _make_template(workbook, sheet, form, monitoring, municipality, presence_cells, count_cells, demo, school)
    if demo:
        mark_sheet(sheet, DEMO_MARK, column=6)  # beside the table too, and on every printed page
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def _make_template(workbook, sheet, form, monitoring, municipality, presence_cells, count_cells, demo,
                   school=None) -> None:
    presence = DataValidation(type="list", formula1='"0,1"', allow_blank=True, showErrorMessage=True,
                              errorTitle=say("form.presence_error_title"), error=say("form.presence_error"),
                              showInputMessage=True, promptTitle=say("form.presence_prompt_title"),
                              prompt=say("form.presence_prompt"))
    count = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                           showErrorMessage=True, errorTitle=say("form.count_error_title"),
                           error=say("form.count_error"), showInputMessage=True,
                           promptTitle=say("form.count_prompt_title"), prompt=say("form.count_prompt"))
    for validation, cells in ((presence, presence_cells), (count, count_cells)):
        if cells:
            for cell in cells:
                validation.add(cell)
            sheet.add_data_validation(validation)
    sheet.protection.sheet = True
    sheet.protection.formatCells = False
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    meta = workbook.create_sheet(TEMPLATE_META_SHEET)
    entries = {"form_id": form.form_id, "monitoring_id": monitoring.monitoring_id,
               "municipality_oktmo": municipality.oktmo, "municipality_name": municipality.name}
    if school is not None:
        entries.update(school_code=school.code, school_name=school.name)
    entries.update(template_version=TEMPLATE_VERSION, generated_at=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                   deadline=monitoring.window_close, is_demo="true" if demo else "false")
    for key, value in entries.items():
        meta.append([key, value])
    meta.sheet_state = "veryHidden"
    meta.protection.sheet = True
