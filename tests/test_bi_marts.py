"""Marts an analyst can start from (issue 21): the published DuckDB of the demo cycle, as a BI tool opens it. Every
table says whether its data are the demo region's; no HUGEINT (DuckDB's sum of integers) reaches a BI tool; every
mart of a monitoring carries the window's year and dates, as the calendar has them, so "a score by municipality over
years" needs no join; dim_municipality marks one current row per ОКТМО; the Excel export shows Russian names, never
the marts' Latin codes, and real Excel dates."""

from __future__ import annotations

import csv
import re
from datetime import date, datetime

import duckdb
import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook
from openpyxl.cell.cell import Cell

from reports.mart_export import export_path
from reports.summary_workbook import summary_path
from shnor.publish import published_folder, published_marts
from shnor_core.reference import get_monitoring
from shnor_core.settings import PROJECT_ROOT
from tests.workbooks import MONITORING_ID

pytestmark = pytest.mark.slow

# The codes the marts keep in Latin letters (change directions, methodologies, lists, statuses, roadmap statuses,
# periodicities, document kinds, kinds of indicator and municipality): none may be a cell of a workbook people read.
ENGLISH_CODES = {
    "new", "improved", "worsened", "unchanged", "improvement", "decline", "stable", "no_data",
    "federal", "regional", "published_regional", "computed_regional", "shnor_federal", "shnor_regional", "project_500",
    "biased_results", "accepted", "rejected", "missing", "on_time", "late", "not_due", "stayed", "entered", "left",
    "once", "monthly", "quarterly", "half_year", "twice_a_school_year", "school_year", "calendar_year", "as_scheduled",
    "as_needed", "roadmap", "order", "certificate", "protocol", "presence", "count", "municipal_district", "city_okrug",
    "municipal_form", "school_form", "computed", "municipal_two_year", "true", "false",
}
TEXT_DATE = re.compile(r"\b\d{2}\.\d{2}\.\d{4}\b|\b\d{4}-\d{2}-\d{2}\b")


@pytest.fixture(scope="module")
def published(sample_cycle):
    con = duckdb.connect(str(published_marts(sample_cycle)), read_only=True)
    yield con
    con.close()


def columns(con) -> dict[str, dict[str, str]]:
    """Each published table's columns and their types."""
    tables: dict[str, dict[str, str]] = {}
    for table, column, kind in con.execute("select table_name, column_name, data_type from duckdb_columns() "
                                           "where schema_name = 'marts' order by table_name, column_index").fetchall():
        tables.setdefault(table, {})[column] = kind
    return tables


def test_every_published_table_says_whether_its_data_are_the_demo_regions(sample_cycle, published):
    tables = columns(published)
    assert len(tables) >= 40
    assert {table for table, cols in tables.items() if cols.get("is_demo") != "BOOLEAN"} == set()
    for table in tables:  # the demo region's files carry the mark: every row of every table says so
        values = published.execute(f"select distinct is_demo from marts.{table}").fetchall()
        assert values in ([(True,)], []), table
    for path in sorted((published_folder(sample_cycle) / "parquet").glob("*.parquet")):
        assert "is_demo" in pq.read_schema(path).names, path.name  # the Parquet copy too


def test_no_hugeint_and_counts_are_integers(published):
    tables = columns(published)
    hugeint = [(table, column) for table, cols in tables.items() for column, kind in cols.items() if "HUGEINT" in kind]
    assert hugeint == []
    assert not [(t, c, k) for t, cols in tables.items() for c, k in cols.items() if k.startswith("DECIMAL")]
    integer = {"INTEGER", "BIGINT"}
    counts = {  # counts that were sums (HUGEINT) or doubles before
        "fct_assessment_results": ["participants"],
        "mart_municipality_context": ["rural_schools", "pupils_total", "pupils_ovz", "teachers_total",
                                      "teacher_vacancies", "schools_without_internet"],
        "mart_section_scores": ["section_max"],
        "mart_submission_status": ["versions_received", "versions_rejected"],
        "mart_school_submission_status": ["versions_received", "versions_rejected"],
        "mart_municipality_dynamics": ["indicators_improved", "indicators_worsened", "indicators_unchanged"],
        "mart_recommendation": ["group_size", "named_count", "subjects_meeting"],
        "mart_school_form_completeness": ["schools_accepted", "schools_rejected", "schools_missing", "schools_late",
                                          "region_schools_expected", "region_schools_accepted"],
        "mart_school_form_summary": ["schools_marked", "region_schools_reporting", "region_schools_marked"],
        "mart_shnor_list_dynamics": ["previous_schools", "current_schools", "stayed", "entered", "left_list",
                                     "count_change", "previous_on_both_lists", "previous_only_this_list",
                                     "current_on_both_lists", "current_only_this_list"],
        "mart_school_result_dynamics": ["participants", "previous_participants"],
        "mart_municipality_result_dynamics": ["schools_improved", "schools_declined", "schools_stable",
                                              "schools_no_data", "participants", "previous_participants"],
        "mart_data_quality_checks": ["reported_value", "reference_value"],
    }
    wrong = [(table, column, tables[table][column]) for table, names in counts.items() for column in names
             if tables[table][column] not in integer]
    assert wrong == []
    # and no count left a double: a column named as a count of schools or participants is an integer
    named_as_counts = [(t, c) for t, cols in tables.items() for c, k in cols.items() if k == "DOUBLE"
                       and re.fullmatch(r"(previous_|region_)?(participants|schools(_\w+)?|\w+_schools|versions_\w+)", c)]
    assert named_as_counts == []


def calendar_row(monitoring_id: str) -> dict:
    with (PROJECT_ROOT / "calendars" / "23_2025.csv").open(encoding="utf-8") as handle:
        return next(row for row in csv.DictReader(handle) if row["monitoring_id"] == monitoring_id)


def test_every_monitoring_mart_carries_the_windows_year_and_dates(published):
    row = calendar_row("mph-2025")  # the calendar file itself says so, and so must every mart
    assert (row["window_open"], row["window_close"]) == ("2025-06-01", "2025-06-11")
    tables = columns(published)
    monitoring_marts = sorted(table for table, cols in tables.items() if "monitoring_id" in cols)
    assert len(monitoring_marts) >= 20 and "mart_municipality_totals" in monitoring_marts
    for table in monitoring_marts:
        kinds = tables[table]
        assert (kinds.get("monitoring_year"), kinds.get("window_open"), kinds.get("window_close")) == (
            "INTEGER", "DATE", "DATE"), table
        windows = published.execute(f"select distinct monitoring_id, monitoring_year, window_open, window_close "
                                    f"from marts.{table}").fetchall()
        for monitoring_id, year, opens, closes in windows:
            monitoring = get_monitoring(monitoring_id)  # the calendar as the pipeline reads it
            assert (year, opens, closes) == (int(monitoring.window_open[:4]), date.fromisoformat(monitoring.window_open),
                                             date.fromisoformat(monitoring.window_close)), (table, monitoring_id)
    for table in ("mart_municipality_totals", "mart_indicator_scores", "mart_submission_status", "mart_roadmap_status"):
        assert published.execute(f"select distinct monitoring_year, window_open, window_close from marts.{table} "
                                 "where monitoring_id = 'mph-2025'").fetchall() == [
            (2025, date(2025, 6, 1), date(2025, 6, 11))], table
    # «балл МНЦ по МО по годам» from one table, without a join
    by_year = published.execute("select municipality_name, monitoring_year, sum(score) from marts.mart_indicator_scores "
                                "where indicator_code like 'MNC-%' group by all").fetchall()
    assert len(by_year) == 44 and {year for _, year, _ in by_year} == {2025}


def test_dim_municipality_has_one_current_row_per_oktmo(published):
    assert columns(published)["dim_municipality"]["is_current"] == "BOOLEAN"
    per_oktmo = published.execute("select municipality_oktmo, count(*) filter (where is_current) "
                                  "from marts.dim_municipality group by municipality_oktmo").fetchall()
    assert len(per_oktmo) >= 44 and {current for _, current in per_oktmo} == {1}


def cells(path) -> list[tuple[str, Cell]]:
    workbook = load_workbook(path)
    return [(sheet.title, cell) for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row
            if cell.value is not None]


@pytest.mark.parametrize("workbook", ["export", "summary"])
def test_workbooks_show_russian_names_never_the_marts_codes(sample_cycle, workbook):
    path = (export_path if workbook == "export" else summary_path)(sample_cycle, MONITORING_ID)
    shown = [(sheet, cell.coordinate, cell.value) for sheet, cell in cells(path)
             if isinstance(cell.value, str) and cell.value.strip().lower() in ENGLISH_CODES]
    assert shown == []
    texts = {cell.value for _, cell in cells(path) if isinstance(cell.value, str)}
    if workbook == "export":  # the names the codes stand for are there instead
        assert {"Нет прошлого цикла", "Федеральная методика (ФИОКО)", "Региональная методика",
                "ШНОР по опубликованному региональному списку", "По мере необходимости"} <= texts


def date_columns(sheet, titles: set[str]) -> list[list[Cell]]:
    header = [cell.value for cell in sheet[1]]
    return [[row[index] for row in sheet.iter_rows(min_row=2)] for index, title in enumerate(header) if title in titles]


def is_excel_date(cell: Cell) -> bool:
    return isinstance(cell.value, datetime) and cell.is_date and "YY" in cell.number_format.upper()


def test_dates_are_excel_dates_not_text(sample_cycle):
    export = load_workbook(export_path(sample_cycle, MONITORING_ID))
    dated = {"Рекомендации": {"Срок меры"}, "Дорожная карта": {"Срок", "Дата документа"}}
    for title, headers in dated.items():
        found = date_columns(export[title], headers)
        assert len(found) == len(headers), title
        for column in found:
            values = [cell for cell in column if cell.value not in (None, "")]
            assert values and all(is_excel_date(cell) for cell in values), (title, values[:3])
    sources = {row[0].value: row for row in export["Источники"].iter_rows(max_row=7)}
    window = sources["Окно (открытие, закрытие)"]
    assert [cell.value for cell in window[1:3]] == [datetime(2025, 6, 1), datetime(2025, 6, 11)]
    assert all(is_excel_date(cell) for cell in window[1:3])
    assert is_excel_date(sources["Сформировано (UTC)"][1]) and "HH:MM" in sources["Сформировано (UTC)"][1].number_format
    summary = load_workbook(summary_path(sample_cycle, MONITORING_ID))["Сводка"]
    assert [summary["B2"].value, summary["C2"].value] == [datetime(2025, 6, 1), datetime(2025, 6, 11)]
    assert is_excel_date(summary["B2"]) and is_excel_date(summary["C2"]) and is_excel_date(summary["B3"])
    for path in (export_path(sample_cycle, MONITORING_ID), summary_path(sample_cycle, MONITORING_ID)):
        as_text = [(sheet, cell.coordinate, cell.value) for sheet, cell in cells(path)
                   if isinstance(cell.value, str) and TEXT_DATE.search(cell.value)]
        assert as_text == [], path.name  # no date anywhere as text
