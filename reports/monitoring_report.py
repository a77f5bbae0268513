"""The report of a window that is not a municipal form's cycle, from its marts only (numbers are computed in dbt):

- a school-level form: how complete it is per municipality and which schools have not submitted, then what the
  schools reported per indicator (resource deficits, risk factors) by municipality;
- a computed window (dynamics of results): the region's rule, then per municipality and per school the share of
  low results in the window's year and the year before, the change and what the rule calls it;
- the municipal-level monitoring over two years: the federal and regional ШНОР lists of both years per
  municipality, how many stayed, entered and left, and which schools (the municipal form itself gets the cycle
  reports of reports.cycle_reports).

Each is a ``document`` rendered to .docx and PDF (``reports/<window>/otchet_<window>.*``) and a workbook with the
same tables (``otchet_<window>.xlsx``) for methodologists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.utils import get_column_letter

from reports.document import Bullets, Document, Heading, Paragraph, Table, number, percent, ru_date
from reports.docx_writer import write_docx
from reports.excel import put_text, style_header
from reports.pdf_writer import write_pdf
from reports.provenance import code_version
from reports.wording import headers, say
from shnor_core import warehouse
from shnor_core.demo import DEMO_MARK
from shnor_core.reference import (
    SCHOOL_GROUPS,
    Monitoring,
    get_monitoring,
    region_institution,
    region_name,
    shown_code,
    shown_indicator,
)
from shnor_core.settings import DataHome


@dataclass
class Sheet:
    """A workbook sheet: a title row, then a header and rows of already formatted cells."""

    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class Report:
    document: Document
    sheets: list[Sheet]


def report_stem(home: DataHome, monitoring_id: str) -> Path:
    return home.reports / monitoring_id / f"otchet_{monitoring_id}"


def _marts(home: DataHome, table: str, monitoring_id: str, order: str) -> pd.DataFrame:
    return warehouse.query(home.warehouse, f"select * from marts.{table} where monitoring_id = ? order by {order}",
                           [monitoring_id])


def _footer(monitoring: Monitoring, is_demo: bool) -> str:
    text = say("monitoring.footer", monitoring=monitoring.monitoring_id,
               made=f"{datetime.now(timezone.utc):%d.%m.%Y %H:%M}", version=code_version())
    return say("monitoring.footer_demo", text=text, mark=DEMO_MARK) if is_demo else text


def _document(monitoring: Monitoring, title: str, is_demo: bool) -> Document:
    window = say("monitoring.window", region=region_name(monitoring.region_code),
                 start=ru_date(monitoring.window_open), end=ru_date(monitoring.window_close))
    return Document(title=title, subtitle=[monitoring.title, window],
                    footer=_footer(monitoring, is_demo), mark=DEMO_MARK if is_demo else None,
                    author=region_institution(monitoring.region_code))


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _whole(value) -> str:
    return number(value, 0)


def _points(change) -> str:
    """A change of a share as percentage points: −0.1 → "−10,0 п. п."."""
    return "—" if pd.isna(change) else say("monitoring.points", value=number(change * 100, 1))


def school_form_report(home: DataHome, monitoring: Monitoring) -> Report:
    completeness = _marts(home, "mart_school_form_completeness", monitoring.monitoring_id, "municipality_name")
    status = _marts(home, "mart_school_submission_status", monitoring.monitoring_id, "municipality_name, school_name")
    summary = _marts(home, "mart_school_form_summary", monitoring.monitoring_id,
                     "section_order, indicator_number, municipality_name")
    values = _marts(home, "mart_school_form_values", monitoring.monitoring_id,
                    "municipality_name, school_name, section_order, indicator_number")
    is_demo = bool(status["is_demo"].any()) if not status.empty else False
    doc = _document(monitoring, say("monitoring.school_title"), is_demo)
    sheets = []

    doc.add(Heading(say("monitoring.school_completeness_heading"), numbered=True))
    if completeness.empty:
        doc.add(Paragraph(say("monitoring.school_no_schools")))
    else:
        first = completeness.iloc[0]
        doc.add(Paragraph(say("monitoring.school_accepted", accepted=_whole(first.region_schools_accepted),
                              expected=_whole(first.region_schools_expected),
                              share=percent(first.region_accepted_share))))
        header = headers("monitoring.school_completeness_columns")
        rows = [[r.municipality_name, _whole(r.schools_expected), _whole(r.schools_accepted), _whole(r.schools_rejected),
                 _whole(r.schools_missing), _whole(r.schools_late), percent(r.accepted_share)]
                for r in completeness.itertuples()]
        doc.add(Table(header, rows, widths=[2.8, 0.7, 1, 1.2, 1.3, 1.4, 1.1], caption=say("monitoring.school_completeness_caption")))
        sheets.append(Sheet(say("monitoring.school_completeness_sheet"), header, rows))
    waiting = status[status["submission_status"] != "accepted"]
    doc.add(Heading(say("monitoring.school_waiting_heading"), level=2, numbered=True))
    if waiting.empty:
        doc.add(Paragraph(say("monitoring.school_all_accepted")))
    else:
        doc.add(Bullets([say("monitoring.school_waiting_municipality", municipality=name, schools="; ".join(
            say("monitoring.school_waiting", school=r.school_name, status=say(f"monitoring.status_{r.submission_status}"))
            for r in group.itertuples())) for name, group in waiting.groupby("municipality_name", sort=True)]))
    header = headers("monitoring.school_status_columns")
    sheets.append(Sheet(say("monitoring.school_status_sheet"), header, [
        [r.municipality_name, r.school_code, r.school_name, say(f"monitoring.status_{r.submission_status}"),
         _whole(r.versions_received), say("common.answer_yes") if r.is_late else ""] for r in status.itertuples()]))

    doc.add(Heading(say("monitoring.school_reported_heading"), numbered=True))
    if summary.empty:
        doc.add(Paragraph(say("monitoring.school_nothing_accepted")))
    else:
        indicators = summary.drop_duplicates("indicator_code")
        presence = indicators[indicators["indicator_kind"] == "presence"]
        if not presence.empty:
            doc.add(Table(headers("monitoring.school_presence_columns"),
                          [[shown_indicator(r.indicator_code),
                            say("monitoring.school_marked", marked=_whole(r.region_schools_marked),
                                reporting=_whole(r.region_schools_reporting)), percent(r.region_marked_share)]
                           for r in presence.itertuples()], widths=[5, 1.3, 1.3],
                          caption=say("monitoring.school_presence_caption")))
        counts = indicators[indicators["indicator_kind"] == "count"]
        if not counts.empty:
            doc.add(Table(headers("monitoring.school_counts_columns"),
                          [[shown_indicator(r.indicator_code), number(r.region_value_total, 0),
                            _whole(r.region_schools_reporting)] for r in counts.itertuples()], widths=[5, 1.3, 1.3],
                          caption=say("monitoring.school_counts_caption")))
        pivot = summary[summary["indicator_kind"] == "presence"].pivot_table(
            index="municipality_name", columns="indicator_code", values="schools_marked", aggfunc="sum")
        if not pivot.empty:
            codes = list(presence["indicator_code"])
            reporting = summary.groupby("municipality_name")["schools_reporting"].max()
            rows = [[name, _whole(reporting[name])] + [_whole(pivot.loc[name, code]) if code in pivot.columns else "—"
                                                       for code in codes] for name in pivot.index]
            columns = headers("monitoring.school_by_municipality_columns") + [shown_code(c) for c in codes]
            doc.add(Table(columns, rows, widths=[3, 1] + [1] * len(codes),
                          caption=say("monitoring.school_by_municipality_caption")))
            sheets.append(Sheet(say("monitoring.school_by_municipality_sheet"), columns, rows))
    header = headers("monitoring.school_values_columns")
    sheets.append(Sheet(say("monitoring.school_values_sheet"), header, [
        [r.municipality_name, r.school_code, r.school_name, shown_indicator(r.indicator_code),
         number(r.indicator_value, 0), "" if pd.isna(r.max_score) else _whole(r.max_score)] for r in values.itertuples()]))
    return Report(doc, sheets)


def dynamics_report(home: DataHome, monitoring: Monitoring) -> Report:
    municipalities = _marts(home, "mart_municipality_result_dynamics", monitoring.monitoring_id,
                            "assessment_procedure, municipality_name")
    schools = _marts(home, "mart_school_result_dynamics", monitoring.monitoring_id,
                     "assessment_procedure, municipality_name, school_name")
    group = SCHOOL_GROUPS[monitoring.school_group]
    doc = _document(monitoring, say("monitoring.dynamics_title", group=group), False)
    sheets = []
    years = {"year": monitoring.year, "previous": monitoring.year - 1}
    doc.add(Heading(say("monitoring.dynamics_compared_heading"), numbered=True))
    doc.add(Paragraph(say("monitoring.dynamics_compared", group=group, **years)))
    if not schools.empty:
        rules = schools.drop_duplicates("change_direction").set_index("change_direction")
        doc.add(Bullets([say("monitoring.dynamics_rule", direction=_upper_first(rules.loc[d, "direction_label"]),
                             wording=rules.loc[d, "rule_wording"].rstrip("."))
                         for d in ("improvement", "decline", "stable", "no_data") if d in rules.index]))
    if schools.empty:
        doc.add(Paragraph(say("monitoring.dynamics_none")))
        return Report(doc, sheets)
    for procedure, part in municipalities.groupby("assessment_procedure", sort=True):
        doc.add(Heading(procedure, numbered=True))
        header = headers("monitoring.dynamics_municipalities_columns", **years)
        rows = [[r.municipality_name, _whole(r.schools_in_group), _whole(r.schools_improved), _whole(r.schools_declined),
                 _whole(r.schools_stable), _whole(r.schools_no_data), percent(r.previous_low_result_share, 1),
                 percent(r.low_result_share, 1), _points(r.low_share_change), r.direction_label] for r in part.itertuples()]
        doc.add(Table(header, rows, widths=[2.4, 0.7, 0.8, 0.8, 1.3, 1.0, 1.0, 1.0, 1.2, 1.5],
                      caption=say("monitoring.dynamics_municipalities_caption", procedure=procedure)))
        sheets.append(Sheet(say("monitoring.dynamics_municipalities_sheet", procedure=procedure), header, rows))
        header = headers("monitoring.dynamics_schools_columns", **years)
        rows = [[r.municipality_name, r.school_name, percent(r.previous_low_result_share, 1), percent(r.low_result_share, 1),
                 _points(r.low_share_change), r.direction_label]
                for r in schools[schools["assessment_procedure"] == procedure].itertuples()]
        doc.add(Table(header, rows, widths=[2.4, 2.6, 1.1, 1.1, 1.3, 1.7],
                      caption=say("monitoring.dynamics_schools_caption", procedure=procedure)))
        sheets.append(Sheet(say("monitoring.dynamics_schools_sheet", procedure=procedure),
                            [say("monitoring.dynamics_school_code"), *header], [
            [r.school_code, *row] for r, row in zip(schools[schools["assessment_procedure"] == procedure].itertuples(), rows)]))
    return Report(doc, sheets)


def _lists_side_by_side(home: DataHome, monitoring_id: str) -> pd.DataFrame:
    """The federal and the regional lists side by side per municipality and year of the window, read from
    mart_shnor_list_dynamics (each methodology's row carries its list's overlap with the other in both years):
    reshaped here, counted in dbt."""
    years = " union all ".join(
        f"select municipality_oktmo, municipality_name, methodology, monitoring_year{shift} as result_year, "
        f"{year}_schools as schools, {year}_on_both_lists as on_both, {year}_only_this_list as only_this "
        f"from marts.mart_shnor_list_dynamics where monitoring_id = ?"
        for year, shift in (("previous", " - 1"), ("current", "")))
    return warehouse.query(home.warehouse, f"""
        select municipality_name, result_year,
               cast(sum(case when methodology = 'federal' then schools else 0 end) as integer) as federal_schools,
               cast(sum(case when methodology = 'regional' then schools else 0 end) as integer) as regional_schools,
               cast(max(on_both) as integer) as in_both,
               cast(sum(case when methodology = 'federal' then only_this else 0 end) as integer) as only_federal,
               cast(sum(case when methodology = 'regional' then only_this else 0 end) as integer) as only_regional
        from ({years}) as per_year
        group by municipality_oktmo, municipality_name, result_year
        order by municipality_name, result_year""", [monitoring_id, monitoring_id])


def two_year_report(home: DataHome, monitoring: Monitoring) -> Report:
    dynamics = _marts(home, "mart_shnor_list_dynamics", monitoring.monitoring_id, "municipality_name, methodology")
    lists = _lists_side_by_side(home, monitoring.monitoring_id)
    changes = _marts(home, "mart_shnor_two_year_changes", monitoring.monitoring_id, "municipality_name, methodology, school_name")
    years = {"year": monitoring.year, "previous": monitoring.year - 1}
    doc = _document(monitoring, say("monitoring.lists_title"), False)
    sheets = []
    doc.add(Heading(say("monitoring.lists_counts_heading"), numbered=True))
    doc.add(Paragraph(say("monitoring.lists_counts", **years)))
    header = headers("monitoring.lists_counts_columns", **years)
    rows = [[r.municipality_name, say(f"monitoring.methodology_short_{r.methodology}"), _whole(r.previous_schools),
             _whole(r.current_schools),
             _whole(r.stayed), _whole(r.entered), _whole(r.left_list)] for r in dynamics.itertuples()]
    totals = dynamics.groupby("methodology")[["previous_schools", "current_schools", "stayed", "entered", "left_list"]].sum()
    doc.add(Bullets([say("monitoring.lists_methodology_total",
                         methodology=_upper_first(say(f"monitoring.methodology_{m}")),
                         previous_schools=_whole(r.previous_schools), current_schools=_whole(r.current_schools),
                         stayed=_whole(r.stayed), entered=_whole(r.entered), left=_whole(r.left_list), **years)
                     for m, r in totals.iterrows()]))
    shown = [row for row, r in zip(rows, dynamics.itertuples()) if r.previous_schools or r.current_schools]
    doc.add(Table(header, shown or [["—"] * len(header)], widths=[3, 1.6, 1.1, 1.1, 1.2, 1, 1],
                  caption=say("monitoring.lists_counts_caption")))
    sheets.append(Sheet(say("monitoring.lists_counts_sheet"), header, rows))
    doc.add(Heading(say("monitoring.lists_both_heading"), numbered=True))
    header = headers("monitoring.lists_both_columns")
    rows = [[r.municipality_name, str(int(r.result_year)), _whole(r.federal_schools), _whole(r.regional_schools),
             _whole(r.in_both), _whole(r.only_federal), _whole(r.only_regional)] for r in lists.itertuples()]
    doc.add(Table(header, [row for row, r in zip(rows, lists.itertuples()) if r.federal_schools or r.regional_schools]
                  or [["—"] * len(header)], widths=[2.8, 0.7, 0.9, 1.5, 0.9, 1.2, 1.5],
                  caption=say("monitoring.lists_both_caption")))
    sheets.append(Sheet(say("monitoring.lists_both_sheet"), header, rows))
    doc.add(Heading(say("monitoring.lists_schools_heading"), numbered=True))
    for name, group in changes.groupby("municipality_name", sort=True):
        doc.add(Heading(name, level=2))
        doc.add(Bullets([say("monitoring.lists_school", school=r.school_name or r.school_code,
                             methodology=say(f"monitoring.methodology_{r.methodology}"),
                             change=say(f"monitoring.change_{r.list_change}")) for r in group.itertuples()]))
    header = headers("monitoring.lists_schools_columns", **years)
    yes = say("common.answer_yes")
    sheets.append(Sheet(say("monitoring.lists_schools_sheet"), header, [
        [r.municipality_name, say(f"monitoring.methodology_{r.methodology}"), r.school_code, r.school_name or "",
         yes if r.was_on_list else "", yes if r.is_on_list else "", say(f"monitoring.change_{r.list_change}")]
        for r in changes.itertuples()]))
    return Report(doc, sheets)


BUILDERS = {"school_form": school_form_report, "computed": dynamics_report, "municipal_two_year": two_year_report}


def write_workbook(path: Path, report: Report) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for spec in report.sheets:
        sheet = workbook.create_sheet(spec.title[:31])
        put_text(sheet["A1"], say("monitoring.workbook_title", title=report.document.title,
                                 subtitle=report.document.subtitle[0]))
        for column, title in enumerate(spec.columns, start=1):
            put_text(sheet.cell(3, column), title)
            sheet.column_dimensions[get_column_letter(column)].width = 40 if column <= 4 else 16
        style_header(sheet[3])
        for row, values in enumerate(spec.rows, start=4):
            for column, value in enumerate(values, start=1):
                put_text(sheet.cell(row, column), value)
        sheet.freeze_panes = "A4"
    if not report.sheets:
        put_text(workbook.create_sheet(say("monitoring.sheet_empty"))["A1"], report.document.title)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def write_monitoring_report(home: DataHome, monitoring_id: str) -> dict:
    monitoring = get_monitoring(monitoring_id)
    report = BUILDERS[monitoring.kind](home, monitoring)
    stem = report_stem(home, monitoring_id)
    stem.parent.mkdir(parents=True, exist_ok=True)
    return {"monitoring_report": str(write_docx(report.document, stem.with_suffix(".docx"))),
            "monitoring_report_pdf": str(write_pdf(report.document, stem.with_suffix(".pdf"))),
            "monitoring_workbook": str(write_workbook(stem.with_suffix(".xlsx"), report))}
