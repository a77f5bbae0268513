"""The cycle's marts as formatted sheets for methodologists, one workbook per cycle: Russian headers,
frozen header row, filters, number formats, weak values coloured (below a named threshold of the letter, read
from mart_letter_thresholds, or below zero / below full), and the provenance on a sheet of its own. A code the
marts keep in Latin letters is shown by its Russian name, which the mart carries beside it (the *_label columns,
seed code_labels); dates are Excel dates (sortable, filterable), not text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from reports.excel import DATE, DATE_TIME, MARK_FONT, excel_date, mark_print, written_cell
from reports.provenance import Provenance
from reports.regional_note import CycleMarts
from reports.wording import headers, say
from shnor_core.lineage import mart_keys, printed_reference

WEAK_FILL = PatternFill("solid", fgColor="F8CBAD")
PERCENT, DECIMAL, WHOLE, INDEX = "0%", "0.0", "0", "0.00"


# Colouring that needs no threshold: an index below zero is below the region's mean (ИОР is standardised), a
# coverage below one is incomplete.
NEGATIVE, INCOMPLETE = "negative", "incomplete"
LIMITS = {NEGATIVE: 0, INCOMPLETE: 1}


@dataclass(frozen=True)
class Column:
    """A mart column on a sheet; its title is the wording's (``export.columns_<frame>``, in this order)."""

    name: str
    number_format: str | None = None  # None: text; DATE: a date
    weak_below: str | None = None  # values under this are coloured: a threshold's name (mart_letter_thresholds) or LIMITS


REFERENCE_FONT = Font(size=8, color="808080")


@dataclass(frozen=True)
class Sheet:
    frame: str  # attribute of CycleMarts; the sheet's title is the wording's ``export.sheet_<frame>``
    columns: tuple[Column, ...]
    mart: str | None = None  # the mart of its rows: each row's reference (shnor explain) in the last column

    def titles(self) -> list[str]:
        titles = headers(f"export.columns_{self.frame}")
        if len(titles) != len(self.columns):
            raise ValueError(f"export.columns_{self.frame}: {len(titles)} titles for {len(self.columns)} columns")
        return titles


SHEETS = (
    Sheet("indicators", (
        Column("municipality_name"), Column("section_title"),
        Column("indicator_display_code"), Column("indicator_label"),
        Column("score", DECIMAL), Column("max_score", WHOLE),
        Column("share_of_max", PERCENT, weak_below="letter_weak_line"),
        Column("region_mean", DECIMAL), Column("region_rank", WHOLE),
        Column("previous_score", DECIMAL), Column("change_direction_label")), mart="mart_indicator_scores"),
    Sheet("sections", (
        Column("municipality_name"), Column("section_title"),
        Column("section_score", DECIMAL), Column("section_max", WHOLE),
        Column("section_share", PERCENT, weak_below="letter_weak_line"),
        Column("region_mean_share", PERCENT), Column("region_rank", WHOLE),
        Column("region_quartile", WHOLE), Column("change_direction_label")), mart="mart_section_scores"),
    Sheet("recommendation", (
        Column("item_number", WHOLE), Column("title"),
        Column("municipality_name"), Column("meets_condition"),
        Column("in_letter"), Column("rank_in_rule", WHOLE),
        Column("value_text"), Column("threshold_text"),
        Column("region_mean_text"), Column("evidence"),
        Column("practice_fields"), Column("partner_name"),
        Column("list_label"), Column("measure_wording"), Column("due_date", DATE)), mart="mart_recommendation"),
    Sheet("schools", (
        Column("municipality_name"), Column("school_name"),
        Column("school_code"), Column("is_federal_shnor"),
        Column("is_regional_shnor"), Column("ior", INDEX, weak_below=NEGATIVE),
        Column("ior_change", INDEX, weak_below=NEGATIVE), Column("cluster_name"),
        Column("is_sscu"), Column("is_biased_results"),
        Column("mentors_assigned", WHOLE), Column("reasons")), mart="mart_school_identification"),
    Sheet("comparison", (
        Column("municipality_name"), Column("federal_schools", WHOLE),
        Column("regional_schools", WHOLE), Column("in_both", WHOLE),
        Column("only_federal", WHOLE), Column("only_regional", WHOLE),
        Column("biased_schools", WHOLE),
        Column("has_no_federal_listed_school")), mart="mart_shnor_municipality_lists"),
    Sheet("shnor_dynamics", (
        Column("municipality_name"), Column("methodology_label"),
        Column("previous_schools", WHOLE), Column("current_schools", WHOLE),
        Column("stayed", WHOLE), Column("entered", WHOLE), Column("left_list", WHOLE)), mart="mart_shnor_municipality_lists"),
    Sheet("coverage", (
        Column("municipality_name"), Column("list_kind_label"),
        Column("listed_schools", WHOLE), Column("schools_with_mentor", WHOLE),
        Column("schools_without_mentor", WHOLE),
        Column("coverage_share", PERCENT, weak_below=INCOMPLETE)), mart="mart_mentoring_coverage"),
    Sheet("roadmap", (
        Column("municipality_name"), Column("activity_number", WHOLE),
        Column("activity_text"),
        Column("catalogue_activity"), Column("due_date", DATE),
        Column("status_name"), Column("evidence_date", DATE),
        Column("document_kind_name"), Column("document_number"),
        Column("days_late", WHOLE), Column("reported_without_document")), mart="mart_roadmap_status"),
    Sheet("roadmap_completion", (
        Column("municipality_name"), Column("has_roadmap"),
        Column("report_files", WHOLE), Column("activities_planned", WHOLE),
        Column("catalogue_activities_missing", WHOLE),
        Column("extra_activities", WHOLE), Column("periodicities_changed", WHOLE),
        Column("due_dates_passed", WHOLE), Column("done_on_time", WHOLE),
        Column("done_late", WHOLE), Column("missing", WHOLE),
        Column("not_due_yet", WHOLE),
        Column("completion_share", PERCENT, weak_below="letter_weak_line"),
        Column("region_completion_share", PERCENT)), mart="mart_roadmap_completion"),
    Sheet("roadmap_plan", (
        Column("municipality_name"), Column("catalogue_number", WHOLE),
        Column("catalogue_activity"), Column("in_plan"),
        Column("is_extra"), Column("activity_number", WHOLE),
        Column("activity_text"), Column("periodicity_label"),
        Column("catalogue_periodicity_label"), Column("periodicity_differs"),
        Column("match_score", INDEX)), mart="mart_roadmap_plan"),
    Sheet("municipality_people", (
        Column("municipality_name"), Column("shnor_schools", WHOLE),
        Column("shnor_with_team_registry", WHOLE),
        Column("shnor_team_complete", WHOLE),
        Column("team_complete_share", PERCENT, weak_below="letter_weak_line"),
        Column("teachers", WHOLE), Column("teachers_with_development", WHOLE),
        Column("development_share", PERCENT, weak_below="letter_weak_line"),
        Column("project_500_schools", WHOLE), Column("project_500_with_curator", WHOLE),
        Column("curator_coverage_share", PERCENT, weak_below=INCOMPLETE),
        Column("curators", WHOLE), Column("max_schools_per_curator", WHOLE),
        Column("curators_from_shnor", WHOLE),
        Column("schools_with_same_curator", WHOLE),
        Column("mentors_registered", WHOLE), Column("tutors_registered", WHOLE),
        Column("post_project_schools", WHOLE),
        Column("post_project_back_on_list", WHOLE)), mart="mart_municipality_people"),
    Sheet("school_people", (
        Column("municipality_name"), Column("school_name"),
        Column("school_code"), Column("is_shnor"), Column("is_project_500"),
        Column("is_post_project"), Column("team_members", WHOLE),
        Column("is_team_complete"), Column("teachers", WHOLE),
        Column("development_share", PERCENT, weak_below="letter_weak_line"),
        Column("curators", WHOLE), Column("curator_id"),
        Column("curator_visits", WHOLE), Column("has_risk_programme"),
        Column("curator_school_is_shnor"),
        Column("same_curator_as_last_year"), Column("mentors", WHOLE),
        Column("tutors", WHOLE)), mart="mart_school_people"),
    Sheet("curator_load", (
        Column("municipality_name"), Column("curator_id"),
        Column("schools_held", WHOLE), Column("is_overloaded"),
        Column("visits", WHOLE), Column("schools_with_risk_programme", WHOLE),
        Column("schools_dated_in_medk", WHOLE), Column("own_school_is_shnor"),
        Column("curated_last_year"),
        Column("schools_kept_from_last_year", WHOLE)), mart="mart_curator_load"),
    Sheet("post_project", (
        Column("municipality_name"), Column("school_name"),
        Column("school_code"), Column("exit_year", WHOLE),
        Column("result_year", WHOLE), Column("ior", INDEX, weak_below=NEGATIVE),
        Column("ior_change_since_exit", INDEX, weak_below=NEGATIVE),
        Column("is_shnor_again"), Column("mentors_assigned", WHOLE),
        Column("team_members", WHOLE)), mart="mart_post_project_schools"),
    Sheet("list_changes", (
        Column("municipality_name"), Column("result_year", WHOLE),
        Column("on_list", WHOLE), Column("identified", WHOLE),
        Column("kept_by_exit_rule", WHOLE), Column("entered", WHOLE),
        Column("persisting", WHOLE), Column("exited", WHOLE),
        Column("cusp_schools", WHOLE)), mart="mart_shnor_municipality_lists"),
    Sheet("list_comparison", (
        Column("municipality_name"), Column("school_name"),
        Column("school_code"), Column("is_published"), Column("is_computed"),
        Column("ior", INDEX, weak_below=NEGATIVE), Column("distance_to_threshold", INDEX),
        Column("is_cusp"), Column("reason")), mart="mart_regional_list_comparison"),
    Sheet("data_quality", (
        Column("check_title"), Column("municipality_name"),
        Column("school_name"), Column("subject"),
        Column("reported_value", WHOLE), Column("reported_source"),
        Column("reference_value", WHOLE), Column("reference_source"),
        Column("detail")), mart="mart_data_quality_checks"),
)
YES_NO = {True: say("common.answer_yes"), False: say("common.answer_no")}


def export_path(home, monitoring_id: str) -> Path:
    return home.reports / monitoring_id / f"vygruzka_{monitoring_id}.xlsx"


def write_mart_export(marts: CycleMarts, origin: Provenance) -> Path:
    """Written row by row (openpyxl's write-only mode): half the time of cells kept and styled one by one."""
    workbook = Workbook(write_only=True)
    for spec in SHEETS:
        _write_sheet(workbook.create_sheet(say(f"export.sheet_{spec.frame}")), spec, getattr(marts, spec.frame), marts,
                     origin.mark)
    _write_provenance(workbook.create_sheet(say("export.sheet_provenance")), origin)
    path = export_path(marts.home, marts.monitoring_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def _marked(sheet, row: list, mark: str | None) -> list:
    """A sheet's first row with the demo mark beside it (past a blank column), and the mark in its print header:
    every sheet of a demo cycle says so."""
    if not mark:
        return row
    mark_print(sheet, mark)
    return [*row, None, written_cell(sheet, mark.upper(), font=MARK_FONT)]


def _limit(name: str, marts: CycleMarts) -> float:
    return LIMITS[name] if name in LIMITS else marts.threshold(name)


def _cell_value(value, number_format: str | None):
    """What a cell of a column holds: a date or a number for a formatted column, «да»/«нет» for a flag, text else."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None if number_format else ""
    if number_format == DATE:
        return excel_date(value)
    if number_format:
        return float(value)
    if isinstance(value, (bool, np.bool_)):
        return YES_NO[bool(value)]
    return str(value)


def _write_sheet(sheet, spec: Sheet, frame: pd.DataFrame, marts: CycleMarts, mark: str | None) -> None:
    """The sheet's rows written one after another, each column's cell styled once and reused (its number format;
    text written as text, never a formula), the last column each row's reference, which ``shnor explain``
    resolves to its source cells (a column rather than a comment per row, which doubled the time to write the
    demo's workbook)."""
    width = len(spec.columns) + bool(spec.mart)
    for index, column in enumerate(spec.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = 14 if column.number_format else 36
    last = max(len(frame) + 1, 2)
    for index, column in enumerate(spec.columns, start=1):
        if column.weak_below is not None:
            letter = get_column_letter(index)
            sheet.conditional_formatting.add(f"{letter}2:{letter}{last}", CellIsRule(
                operator="lessThan", formula=[f"{_limit(column.weak_below, marts):g}"], fill=WEAK_FILL))
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(width)}{last}"
    header = [written_cell(sheet, title, header=True) for title in spec.titles()]
    if spec.mart:
        sheet.column_dimensions[get_column_letter(width)].width = 30
        header.append(written_cell(sheet, say("export.reference_title"), header=True,
                                   font=Font(bold=True, size=8, color="808080")))
    sheet.append(_marked(sheet, header, mark))
    columns = [(column.name, column.number_format) for column in spec.columns]
    cells = [written_cell(sheet, number_format=number_format) if number_format else None for _, number_format in columns]
    reference = written_cell(sheet, font=REFERENCE_FONT)
    refs = ([printed_reference(spec.mart, list(key)) for key in frame[list(mart_keys()[spec.mart])].itertuples(
        index=False, name=None)] if spec.mart else [None] * len(frame))
    for record, ref in zip(frame[[name for name, _ in columns]].itertuples(index=False, name=None), refs, strict=True):
        row = []
        for value, (_, number_format), cell in zip(record, columns, cells):
            value = _cell_value(value, number_format)
            if not number_format and not value.startswith("="):  # text as it is: a cell of its own costs twice
                row.append(value)
                continue
            cell = written_cell(sheet, number_format=number_format) if cell is None else cell
            cell.value = value
            if not number_format:
                cell.data_type = "s"  # submitted text that starts with «=» is text, never a formula
            row.append(cell)
        if spec.mart:
            reference.value = ref
            reference.data_type = "s"
            row.append(reference)
        sheet.append(row)


def _write_provenance(sheet, origin: Provenance) -> None:
    monitoring = origin.monitoring
    generated = origin.generated_at.replace(tzinfo=None)  # UTC, said in the label: Excel has no time zones
    lines = [(say("export.provenance_monitoring"), f"{monitoring.monitoring_id}: {monitoring.title}"),
             (say("export.provenance_region"), origin.region),
             (say("export.provenance_window"), (monitoring.window_open, monitoring.window_close)),
             (say("export.provenance_made"), generated), (say("export.provenance_version"), origin.version)]
    if origin.mark:
        lines.append((say("export.provenance_data"), origin.mark))
    titles = headers("export.provenance_columns")
    for letter, width in (("A", 36), ("B", 30), ("C", 70)):
        sheet.column_dimensions[letter].width = width
    bold = Font(bold=True)
    for index, (label, value) in enumerate(lines):
        if isinstance(value, tuple):  # the window: its two dates side by side
            values = [written_cell(sheet, excel_date(day), DATE) for day in value]
        elif isinstance(value, datetime):
            values = [written_cell(sheet, excel_date(value, DATE_TIME), DATE_TIME)]
        else:
            values = [_text(sheet, value)]
        row = [_text(sheet, label, font=bold), *values]
        sheet.append(_marked(sheet, row + [None] * (len(titles) - len(row)), origin.mark) if index == 0 else row)
    sheet.append([])
    sheet.append([written_cell(sheet, title, header=True) for title in titles])
    for row in origin.files_table():
        *texts, versions = row
        sheet.append([*(_text(sheet, value) for value in texts), written_cell(sheet, int(versions), WHOLE)])


def _text(sheet, text, font: Font | None = None):
    """Text as text (never a formula)."""
    cell = written_cell(sheet, "" if text is None else str(text), font=font)
    cell.data_type = "s"
    return cell
