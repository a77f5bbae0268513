"""The PostgreSQL target against a real server (.ci/run starts one): the same dbt project, the same
numbers as on DuckDB, the BI role reading marts only, row-level security for municipal users."""

from __future__ import annotations

import os

import pandas as pd
import psycopg2
import pytest

from sample_region.generator import generate_sample_region
from shnor import ingest
from shnor.dbt_runner import dbt_build
from shnor.postgres import BI_READER, add_municipal_user, connect
from shnor_core import warehouse
from shnor_core.settings import DataHome
from tests.test_bi_docs import documented
from tests.workbooks import MONITORING_ID

pytestmark = pytest.mark.slow

if not os.environ.get("SHNOR_PG_HOST"):
    if os.environ.get("CI"):
        raise RuntimeError("CI must run the PostgreSQL tests: .ci/run exports SHNOR_PG_* after starting the server")
    pytest.skip("no PostgreSQL server configured (SHNOR_PG_HOST); .ci/run starts one", allow_module_level=True)

ABINSK, SOCHI = "03601000", "03726000"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    home = DataHome(tmp_path_factory.mktemp("home"))
    generate_sample_region(home)
    ingest.load_reference(home)
    ingest.ingest_submissions(home, MONITORING_ID)
    ingest.ingest_context(home)
    ingest.validate_pending(home)
    dbt_build(home, "duckdb")
    result = dbt_build(home, "postgres")
    with connect() as con:
        cursor = con.cursor()
        cursor.execute("create table if not exists restricted.mentor_names (mentor_id text, full_name text)")
        cursor.execute("select 1 from pg_roles where rolname = 'shnor_test_bi'")
        if cursor.fetchone() is None:
            cursor.execute("create role shnor_test_bi login password 'bi'")
        cursor.execute(f"grant {BI_READER} to shnor_test_bi")
    add_municipal_user("shnor_test_abinsk", "mo", [ABINSK])
    add_municipal_user("shnor_test_sochi", "mo", [SOCHI])
    return home, result


def as_role(user: str, password: str, query: str) -> list[tuple]:
    with connect(user=user, password=password) as con:
        cursor = con.cursor()
        cursor.execute(query)
        return cursor.fetchall()


def test_same_project_builds_and_tests_pass_on_postgres(built):
    _, result = built
    assert set(result["dbt_results"]) <= {"success", "pass"}
    assert result["dbt_results"]["pass"] > 70


def test_postgres_marts_equal_duckdb_marts(built):
    home, _ = built
    columns = "monitoring_id, municipality_oktmo, indicator_code, score, max_score, share_of_max, region_rank, region_quartile"
    order = " order by monitoring_id, municipality_oktmo, indicator_code"
    on_duckdb = warehouse.query(home.warehouse, f"select {columns} from marts.mart_indicator_scores{order}")
    with connect() as con:
        cursor = con.cursor()
        cursor.execute(f"select {columns} from marts.mart_indicator_scores{order}")
        on_postgres = pd.DataFrame(cursor.fetchall(), columns=[d.name for d in cursor.description])
    assert len(on_postgres) == len(on_duckdb) == 44 * 25
    for column in ("score", "share_of_max"):
        assert on_postgres[column].fillna(-1).round(9).tolist() == on_duckdb[column].fillna(-1).round(9).tolist()
    for column in ("monitoring_id", "municipality_oktmo", "indicator_code", "region_rank", "region_quartile"):
        assert on_postgres[column].astype(str).tolist() == on_duckdb[column].astype(str).tolist()


def test_bi_role_reads_marts_only(built):
    rows = as_role("shnor_test_bi", "bi", "select count(distinct municipality_oktmo) from marts.mart_indicator_scores")
    assert rows == [(44,)]
    for forbidden in ("raw.files", "restricted.mentor_names", "staging.stg_files"):
        with pytest.raises(psycopg2.errors.InsufficientPrivilege):
            as_role("shnor_test_bi", "bi", f"select * from {forbidden} limit 1")


def test_municipal_user_sees_only_its_rows(built):
    rows = as_role("shnor_test_abinsk", "mo", "select distinct municipality_oktmo from marts.mart_indicator_scores")
    assert rows == [(ABINSK,)]
    status = as_role("shnor_test_abinsk", "mo", "select monitoring_id, municipality_oktmo, submission_status "
                     "from marts.mart_submission_status order by 1")
    assert status == [("mnc-mtkp-2025", ABINSK, "missing"), (MONITORING_ID, ABINSK, "accepted")]


def test_municipal_user_sees_only_its_own_entry_of_the_access_list(built):
    assert as_role("shnor_test_abinsk", "mo", "select role_name, municipality_oktmo from access.municipal_users") == [
        ("shnor_test_abinsk", ABINSK)]


def test_every_mart_has_row_level_security_and_its_declared_policy(built):
    with connect() as con:
        cursor = con.cursor()
        cursor.execute("select c.relname, c.relrowsecurity, count(p.polname) from pg_class c "
                       "join pg_namespace n on n.oid = c.relnamespace left join pg_policy p on p.polrelid = c.oid "
                       "where n.nspname = 'marts' and c.relkind = 'r' group by 1, 2 order by 1")
        marts = cursor.fetchall()
    assert len(marts) >= 20
    assert [name for name, secured, policies in marts if not secured or policies != 1] == []
    # a region-wide mart (texts of the note) is whole for every municipality; a keyed one only its rows
    texts = as_role("shnor_test_sochi", "mo", "select count(*) from marts.mart_report_texts")[0][0]
    assert texts > 0 and texts == as_role("shnor_test_bi", "bi", "select count(*) from marts.mart_report_texts")[0][0]
    assert as_role("shnor_test_sochi", "mo", "select distinct municipality_oktmo from marts.mart_municipality_totals") == [
        (SOCHI,)]


def test_every_mart_and_column_carries_its_description_on_postgres(built):
    """persist_docs on PostgreSQL: a BI tool connected to the production database shows each table's and
    column's Russian description (COMMENT ON, read back through obj_description / col_description)."""
    with connect() as con:
        cursor = con.cursor()
        cursor.execute("select c.relname, obj_description(c.oid, 'pg_class'), a.attname, col_description(c.oid, a.attnum) "
                       "from pg_class c join pg_namespace n on n.oid = c.relnamespace "
                       "join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped "
                       "where n.nspname = 'marts' and c.relkind = 'r' order by 1, a.attnum")
        rows = cursor.fetchall()
    models = documented()
    assert {table for table, *_ in rows} == set(models)
    assert [(t, c) for t, _, c, comment in rows if not (comment or "").strip()] == []
    for table, table_comment, column, comment in rows:
        assert table_comment.strip() == models[table]["description"], table
        assert comment.strip() == models[table]["columns"][column], (table, column)
    guide = as_role("shnor_test_sochi", "mo", "select mart_name, question from marts.mart_guide order by guide_order")
    assert {name for name, _ in guide} == set(models) and all(question for _, question in guide)


def test_bi_columns_are_the_same_on_postgres(built):
    """What the published DuckDB promises an analyst holds on PostgreSQL too: is_demo on every mart, the window's
    year and dates on every mart of a monitoring, counts as integers (sum() of integers is numeric there, as it is
    HUGEINT on DuckDB, unless cast), one current row per ОКТМО."""
    with connect() as con:
        cursor = con.cursor()
        cursor.execute("select table_name, column_name, data_type from information_schema.columns "
                       "where table_schema = 'marts' order by table_name, ordinal_position")
        tables: dict[str, dict[str, str]] = {}
        for table, column, kind in cursor.fetchall():
            tables.setdefault(table, {})[column] = kind
        cursor.execute("select count(*) from (select municipality_oktmo from marts.dim_municipality "
                       "group by municipality_oktmo having count(*) filter (where is_current) <> 1) as wrong")
        wrong_current = cursor.fetchone()[0]
        cursor.execute("select distinct monitoring_year, window_open, window_close from marts.mart_indicator_scores "
                       f"where monitoring_id = '{MONITORING_ID}'")
        window = cursor.fetchall()
    assert len(tables) >= 40
    assert [table for table, columns in tables.items() if columns.get("is_demo") != "boolean"] == []
    assert [(t, c) for t, columns in tables.items() for c, kind in columns.items() if kind == "numeric"] == []
    for table, columns in tables.items():
        if "monitoring_id" in columns:
            assert (columns["monitoring_year"], columns["window_open"], columns["window_close"]) == (
                "integer", "date", "date"), table
    assert wrong_current == 0
    assert [(year, str(opens), str(closes)) for year, opens, closes in window] == [(2025, "2025-06-01", "2025-06-11")]
