"""A past window rebuilt on a fresh warehouse from the archive alone gives the same marts; and the
people of the sample region never appear outside the restricted schema: not in any other table of the
warehouse, not in the copy published for BI (DuckDB and Parquet), not in any report (.docx, PDF, Excel) — read
on the session's sample cycle (``sample_cycle``), whose marts the rebuild reproduces."""

from __future__ import annotations

import re
import shutil

import duckdb
import openpyxl
import pytest
from docx import Document as WordDocument

from shnor.cycle import run_window_in_process
from shnor_core import warehouse
from tests.shared_cycle import copy_of_sample_cycle
from tests.workbooks import MONITORING_ID

pytestmark = pytest.mark.slow

MARTS = {
    "mart_indicator_scores": "select * from marts.mart_indicator_scores order by monitoring_id, municipality_oktmo, indicator_code",
    "mart_submission_status": "select * from marts.mart_submission_status order by monitoring_id, municipality_oktmo",
    "mart_municipality_context": "select * from marts.mart_municipality_context order by data_year, municipality_oktmo",
}


def snapshot(home):
    return {name: warehouse.query(home.warehouse, sql) for name, sql in MARTS.items()}


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    home, first = copy_of_sample_cycle(tmp_path_factory, "home")  # the sample region through its window
    original = snapshot(home)
    home.warehouse.unlink()  # the warehouse is lost ...
    shutil.rmtree(home.landing)  # ... and so is the landing folder: only the archive remains
    again = run_window_in_process(home, MONITORING_ID, reports=False)  # what the archive rebuilds: the marts
    return home, first, again, original, snapshot(home)


def test_backfill_from_archive_reproduces_the_marts(rebuilt):
    _, first, again, original, rebuilt_marts = rebuilt
    assert first["submissions"]["new"] == 44
    assert again["submissions"] == {"kind": "submission", "files": 44, "new": 44, "already_known": 0, "read_errors": 0}
    assert again["context"]["new"] == 1
    assert {kind: summary["new"] for kind, summary in again["school_data"].items()} == {
        "registry": 1, "assessment_results": 3, "school_lists": 2, "mentor_assignments": 2, "roadmap": 44,
        "roadmap_report": 41, "people_registry": 37, "professional_development": 35}
    for name in MARTS:
        assert rebuilt_marts[name].equals(original[name]), name
    assert len(rebuilt_marts["mart_indicator_scores"]) == 44 * 25


def test_names_of_people_stay_in_the_restricted_schema(sample_cycle):
    home = sample_cycle
    people = warehouse.query(home.warehouse, "select p.full_name, p.role, f.source_file from restricted.people p "
                             "join raw.files f using (source_sha256)")
    names = sorted(set(people["full_name"]))
    curators = people[people["source_file"] == "curators_2025.xlsx"]
    assert curators["full_name"].nunique() == 13  # the sample region's curators of this year
    # registries of teams, teachers, mentors, tutors; the roadmaps' people responsible; last year's curators
    assert set(people["role"]) >= {"management_team", "teacher", "mentor", "tutor", "curator", "roadmap_responsible"}
    assert len(names) > 1000
    columns = warehouse.query(
        home.warehouse,
        "select table_schema, table_name, column_name from information_schema.columns "
        "where table_schema in ('raw', 'audit', 'staging', 'intermediate', 'marts') and data_type = 'VARCHAR'")
    with duckdb.connect(str(home.warehouse), read_only=True) as con:  # the names as a table: one join per column
        con.execute("create temp table person_names as select unnest(?::varchar[]) as full_name", [names])
        for schema, table, column in columns.itertuples(index=False):
            [(found,)] = con.execute(f'select count(*) from {schema}.{table} where "{column}" in '
                                     "(select full_name from person_names)").fetchall()
            assert found == 0, f"{schema}.{table}.{column} holds a person's name"
    assignments = warehouse.query(home.warehouse, "select count(*) as n, count(distinct person_id) as people "
                                  "from staging.stg_mentor_assignments where assignment_year = 2025")
    assert tuple(assignments.iloc[0]) == (17, 13)


def surnames_of(names: list[str]) -> set[str]:
    """The surname of each name: "Иванова Анна Сергеевна", "Иванова А.С." → Иванова; "О.В. Плесецкая" → Плесецкая."""
    found = set()
    for name in names:
        words = [w for w in re.split(r"[\s.]+", name) if len(w) > 1]
        found.add(words[-1] if re.match(r"^[А-ЯЁ]\.", name) else words[0])
    return found


def leaked(texts, surnames: set[str]) -> list[str]:
    """Texts holding a surname as a word (a full name or initials with a surname always do)."""
    return [text[:160] for text in map(str, texts)
            if set(re.findall(r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?", text)) & surnames]


def published_texts(home):
    folder = home.root / "published"
    con = duckdb.connect(str(folder / "shnor_marts.duckdb"), read_only=True)
    try:
        for table, column in con.execute("select table_name, column_name from information_schema.columns where "
                                         "table_schema = 'marts' and data_type = 'VARCHAR'").fetchall():
            for (value,) in con.execute(f'select distinct "{column}" from marts.{table} where "{column}" is not null').fetchall():
                yield f"published/{table}.{column}: {value}"
        for parquet in sorted((folder / "parquet").glob("*.parquet")):
            for (value,) in _parquet_strings(con, parquet):
                yield f"{parquet.name}: {value}"
    finally:
        con.close()


def _parquet_strings(con, parquet):
    described = con.execute("describe select * from read_parquet(?)", [str(parquet)]).fetchall()
    for column, kind, *_ in described:
        if kind == "VARCHAR":
            yield from con.execute(f'select distinct "{column}" from read_parquet(?) where "{column}" is not null',
                                   [str(parquet)]).fetchall()


def report_texts(home):
    for path in sorted(home.reports.rglob("*")):
        if path.suffix == ".docx":
            word = WordDocument(path)
            yield from (f"{path.name}: {p.text}" for p in word.paragraphs)
            yield from (f"{path.name}: {cell.text}" for table in word.tables for row in table.rows for cell in row.cells)
            yield from (f"{path.name}: {p.text}" for section in word.sections for p in section.header.paragraphs)
        elif path.suffix == ".xlsx":
            workbook = openpyxl.load_workbook(path, read_only=True)
            for sheet in workbook.worksheets:
                yield from (f"{path.name}/{sheet.title}: {value}" for row in sheet.iter_rows(values_only=True)
                            for value in row if isinstance(value, str))
        elif path.suffix == ".pdf":
            pdfium = pytest.importorskip("pypdfium2")
            pdf = pdfium.PdfDocument(path)
            yield from (f"{path.name}: {pdf[i].get_textpage().get_text_range()}" for i in range(len(pdf)))


def test_no_published_table_or_report_names_a_person(sample_cycle):
    """Every table of the BI copy and every report of the cycle, scanned for the surnames and names on the
    registries, the roadmaps and the curator lists."""
    home = sample_cycle
    names = sorted(set(warehouse.query(home.warehouse, "select full_name from restricted.people")["full_name"]))
    surnames = surnames_of(names)
    assert len(surnames) > 50
    published = list(published_texts(home))
    reports = list(report_texts(home))
    assert len(published) > 1000 and len(reports) > 1000  # the scan saw the published marts and the reports
    assert any(".parquet: " in text for text in published) and any(".pdf: " in text for text in reports)
    assert leaked(published, surnames) == []
    assert leaked(reports, surnames) == []
    # the scan would see a name: one planted in a text is caught
    assert leaked([f"Куратор: {names[0]}"], surnames)


def test_school_dimension_and_suppressed_result_cells(sample_cycle):
    home = sample_cycle
    schools = warehouse.query(home.warehouse, "select count(*) as n, count(distinct school_code) as codes, "
                              "min(data_year) as y from marts.dim_school").iloc[0]
    assert (schools["n"], schools["codes"], schools["y"]) == (1200, 1200, 2024)
    small_cells = warehouse.query(
        home.warehouse, "select count(*) as n from raw.assessment_results where metric = 'participants' and value < 10"
    ).iloc[0]["n"]
    facts = warehouse.query(home.warehouse, "select sum(case when is_suppressed then 1 else 0 end) as suppressed, "
                            "sum(case when is_suppressed and low_result_share is not null then 1 else 0 end) as leaked "
                            "from marts.fct_assessment_results").iloc[0]
    assert small_cells > 0 and facts["suppressed"] == small_cells and facts["leaked"] == 0
