"""The cycle's summary workbook: municipality × indicator scores, read from the marts only."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from reports.excel import DATE_TIME, mark_sheet, put_date, put_text, style_header
from reports.frames import row_ref
from reports.provenance import code_version, status_text
from reports.wording import headers, say
from shnor_core import warehouse
from shnor_core.demo import DEMO_MARK
from shnor_core.reference import get_monitoring
from shnor_core.settings import DataHome


def summary_path(home: DataHome, monitoring_id: str) -> Path:
    return home.reports / monitoring_id / f"svodka_{monitoring_id}.xlsx"


def write_summary_workbook(home: DataHome, monitoring_id: str, scores: pd.DataFrame | None = None,
                           status: pd.DataFrame | None = None) -> Path:
    """The workbook from the cycle's rows of mart_indicator_scores (``scores``) and mart_submission_status
    (``status``): read from the marts unless given (the cycle's reports pass the frames they already read)."""
    monitoring = get_monitoring(monitoring_id)
    if scores is None:
        scores = warehouse.query(home.warehouse, "select * from marts.mart_indicator_scores where monitoring_id = ?",
                                 [monitoring_id])
    if status is None:
        status = warehouse.query(home.warehouse, "select * from marts.mart_submission_status where monitoring_id = ?",
                                 [monitoring_id])
    scores = scores.sort_values(["municipality_name", "section_order", "indicator_number"]).reset_index(drop=True)
    indicators = (scores[["section_order", "indicator_number", "indicator_code", "indicator_display_code", "section_title",
                          "indicator_label", "indicator_kind", "max_score"]]
                  .drop_duplicates("indicator_code").sort_values(["section_order", "indicator_number"]))
    is_demo = bool(scores["is_demo"].any()) if not scores.empty else False

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = say("summary.sheet_scores")
    put_text(sheet["A1"], say("summary.title", title=monitoring.title)).font = Font(bold=True, size=12)
    put_text(sheet["A2"], say("summary.window"))  # the dates as Excel dates beside their labels
    put_date(sheet["B2"], monitoring.window_open)
    put_date(sheet["C2"], monitoring.window_close)
    put_text(sheet["A3"], say("summary.made"))
    put_date(sheet["B3"], datetime.now(timezone.utc).replace(tzinfo=None), DATE_TIME)
    put_text(sheet["C3"], say("summary.version", version=code_version()))
    put_text(sheet["A5"], say("summary.forms_counted"))
    sheet["B5"] = int(scores["municipality_oktmo"].nunique())

    header_row = 6
    for column, title in enumerate(headers("summary.scores_columns"), start=1):
        put_text(sheet.cell(header_row, column), title)
    columns = {}
    for offset, row in enumerate(indicators.itertuples(), start=3):
        put_text(sheet.cell(header_row, offset), say("summary.indicator_column", code=row.indicator_display_code)
                 if pd.isna(row.max_score) else say("summary.indicator_column_max", code=row.indicator_display_code,
                                                   maximum=int(row.max_score)))
        columns[row.indicator_code] = offset
    style_header(sheet[header_row])

    municipalities = scores.drop_duplicates("municipality_oktmo")[["municipality_oktmo", "municipality_name"]]
    row_of = {}
    for index, municipality in enumerate(municipalities.itertuples(), start=header_row + 1):
        put_text(sheet.cell(index, 1), municipality.municipality_name)
        put_text(sheet.cell(index, 2), municipality.municipality_oktmo)
        row_of[municipality.municipality_oktmo] = index
    for record in scores.itertuples():
        cell = sheet.cell(row_of[record.municipality_oktmo], columns[record.indicator_code], float(record.score))
        cell.number_format = "0.0#"
    sheet.freeze_panes = sheet.cell(header_row + 1, 3)
    sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(sheet.max_column)}{sheet.max_row}"
    sheet.column_dimensions["A"].width = 42
    sheet.column_dimensions["B"].width = 17  # the ОКТМО, and the dates above them (a narrow date shows as ####)
    sheet.column_dimensions["C"].width = 12
    _write_references(workbook.create_sheet(say("summary.sheet_references")), sheet, scores, row_of, columns, header_row)

    legend = workbook.create_sheet(say("summary.sheet_indicators"))
    for column, title in enumerate(headers("summary.indicators_columns"), start=1):
        put_text(legend.cell(1, column), title)
    style_header(legend[1])
    for index, row in enumerate(indicators.itertuples(), start=2):
        put_text(legend.cell(index, 1), row.indicator_display_code)
        put_text(legend.cell(index, 2), row.section_title)
        put_text(legend.cell(index, 3), row.indicator_label)
        put_text(legend.cell(index, 4), say(f"summary.kind_{row.indicator_kind}"))
        if not pd.isna(row.max_score):
            legend.cell(index, 5, int(row.max_score))
    legend.column_dimensions["C"].width = 90

    sources = workbook.create_sheet(say("summary.sheet_sources"))
    for column, title in enumerate(headers("summary.sources_columns"), start=1):
        put_text(sources.cell(1, column), title)
    style_header(sources[1])
    files = status.loc[status["current_sha256"].notna(), ["municipality_oktmo", "current_file", "current_sha256"]]
    for index, row in enumerate(files.sort_values("municipality_oktmo").itertuples(), start=2):
        for column, value in enumerate(row[1:], start=1):
            put_text(sources.cell(index, column), value)

    _write_submission_status(workbook.create_sheet(say("summary.sheet_status")), status)
    for other in workbook.worksheets[1:]:  # the first sheet carries the mark in its title rows (A4)
        mark_sheet(other, DEMO_MARK if is_demo else None)
    if is_demo:
        mark_sheet(sheet, DEMO_MARK, row=4, column=1)

    path = summary_path(home, monitoring_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def _write_references(sheet, scores_sheet, scores: pd.DataFrame, row_of: dict, columns: dict, header_row: int) -> None:
    """Each score's reference (``shnor explain``: its mart_indicator_scores row) in the cell at the score's own
    address, so a score and its reference are found alike; the sheet's header rows as on the scores' sheet."""
    put_text(sheet["A1"], say("summary.references_title")).font = Font(bold=True, size=12)
    for column in range(1, scores_sheet.max_column + 1):
        put_text(sheet.cell(header_row, column), scores_sheet.cell(header_row, column).value)
    for row in range(header_row + 1, scores_sheet.max_row + 1):
        for column in (1, 2):
            put_text(sheet.cell(row, column), scores_sheet.cell(row, column).value)
    for record in scores.itertuples():
        put_text(sheet.cell(row_of[record.municipality_oktmo], columns[record.indicator_code]),
                 row_ref("mart_indicator_scores", record))
    style_header(sheet[header_row])
    sheet.freeze_panes = sheet.cell(header_row + 1, 3)
    sheet.column_dimensions["A"].width = 42


STATUS_ORDER = {"missing": 0, "rejected": 1}  # the missing first, then the refused, then the accepted


def _write_submission_status(sheet, status: pd.DataFrame) -> None:
    status = status.assign(order=status["submission_status"].map(STATUS_ORDER).fillna(2)).sort_values(
        ["order", "municipality_name"])
    for column, title in enumerate([*headers("summary.status_columns"), say("export.reference_title")], 1):
        put_text(sheet.cell(1, column), title)
    style_header(sheet[1])
    for index, row in enumerate(status.itertuples(), start=2):
        put_text(sheet.cell(index, 1), row.municipality_name)
        put_text(sheet.cell(index, 2), status_text(row.submission_status))
        sheet.cell(index, 3, int(row.versions_received))
        put_text(sheet.cell(index, 4), say("common.answer_yes") if row.is_late else "")
        put_text(sheet.cell(index, 5), "" if pd.isna(row.current_file) else row.current_file)
        put_text(sheet.cell(index, 6), row_ref("mart_submission_status", row))
    sheet.column_dimensions["A"].width = 42
    sheet.column_dimensions["E"].width = 60
    sheet.freeze_panes = "A2"
