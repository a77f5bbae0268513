"""A past window rebuilt on a fresh warehouse from the archive alone gives the same marts; and the
people of the sample region never appear outside the restricted schema."""

from __future__ import annotations

import shutil

import pytest

from sample_region.generator import generate_sample_region
from shnor.cycle import run_window_in_process
from shnor_core import warehouse
from shnor_core.settings import DataHome
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
    home = DataHome(tmp_path_factory.mktemp("home"))
    generate_sample_region(home)
    first = run_window_in_process(home, MONITORING_ID)
    original = snapshot(home)
    home.warehouse.unlink()  # the warehouse is lost ...
    shutil.rmtree(home.landing)  # ... and so is the landing folder: only the archive remains
    again = run_window_in_process(home, MONITORING_ID)
    return home, first, again, original, snapshot(home)


def test_backfill_from_archive_reproduces_the_marts(rebuilt):
    _, first, again, original, rebuilt_marts = rebuilt
    assert first["submissions"]["new"] == 44
    assert again["submissions"] == {"kind": "submission", "files": 44, "new": 44, "already_known": 0, "read_errors": 0}
    assert again["context"]["new"] == 1
    assert {kind: summary["new"] for kind, summary in again["school_data"].items()} == {
        "registry": 1, "assessment_results": 3, "school_lists": 1, "mentor_assignments": 1}
    for name in MARTS:
        assert rebuilt_marts[name].equals(original[name]), name
    assert len(rebuilt_marts["mart_indicator_scores"]) == 44 * 25


def test_names_of_people_stay_in_the_restricted_schema(rebuilt):
    home = rebuilt[0]
    names = list(warehouse.query(home.warehouse, "select full_name from restricted.people")["full_name"])
    assert len(names) == 13  # the sample region's curators
    columns = warehouse.query(
        home.warehouse,
        "select table_schema, table_name, column_name from information_schema.columns "
        "where table_schema in ('raw', 'audit', 'staging', 'intermediate', 'marts') and data_type = 'VARCHAR'")
    placeholders = ", ".join("?" for _ in names)
    for schema, table, column in columns.itertuples(index=False):
        found = warehouse.query(home.warehouse, f'select count(*) as n from {schema}.{table} where "{column}" in ({placeholders})',
                                names).iloc[0]["n"]
        assert found == 0, f"{schema}.{table}.{column} holds a person's name"
    assignments = warehouse.query(home.warehouse, "select count(*) as n, count(distinct person_id) as people "
                                  "from staging.stg_mentor_assignments")
    assert tuple(assignments.iloc[0]) == (17, 13)


def test_school_dimension_and_suppressed_result_cells(rebuilt):
    home = rebuilt[0]
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
