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
    result = dbt_build(home, "postgres")  # DuckDB's marts of the same forms: the session's sample cycle
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


def test_postgres_marts_equal_duckdb_marts(built, sample_cycle):
    """The same forms (the sample region's generator, its seed) built on DuckDB: the session's sample cycle, whose
    school data this mart does not read (its sources: files, form items, calendar, submission values)."""
    columns = "monitoring_id, municipality_oktmo, indicator_code, score, max_score, share_of_max, region_rank, region_quartile"
    order = " order by monitoring_id, municipality_oktmo, indicator_code"
    on_duckdb = warehouse.query(sample_cycle.warehouse, f"select {columns} from marts.mart_indicator_scores{order}")
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
    """Through the security-barrier view of its own entries; the list itself is not readable by any BI role."""
    assert as_role("shnor_test_abinsk", "mo", "select municipality_oktmo from access.my_municipalities") == [(ABINSK,)]
    with pytest.raises(psycopg2.errors.InsufficientPrivilege):
        as_role("shnor_test_abinsk", "mo", "select role_name, municipality_oktmo from access.municipal_users")


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


def _visible(cursor) -> dict[str, set]:
    """What the session can read now: the municipalities of a keyed mart and of a region-wide one, and every
    entry of the access list, whether read from the table itself or through the view of one's own entries.
    A refused read is nothing seen."""
    reads = {"marts": "select distinct municipality_oktmo from marts.mart_indicator_scores",
             "totals": "select distinct municipality_oktmo from marts.mart_municipality_totals",
             "list": "select role_name, municipality_oktmo from access.municipal_users",
             "own_list": "select municipality_oktmo from access.my_municipalities"}
    seen = {}
    for name, query in reads.items():
        try:
            cursor.execute(query)
            seen[name] = set(cursor.fetchall())
        except psycopg2.Error:
            seen[name] = set()
    return seen


def _within_own(seen: dict[str, set]) -> bool:
    return (seen["marts"] <= {(ABINSK,)} and seen["totals"] <= {(ABINSK,)}
            and seen["list"] <= {("shnor_test_abinsk", ABINSK)} and seen["own_list"] <= {(ABINSK,)})


def test_no_role_switch_lets_a_municipal_login_see_beyond_its_rows(built):
    """A municipal login tries every way it has to another identity: SET ROLE to every role it can name,
    SET SESSION AUTHORIZATION to each, RESET ROLE, a SECURITY DEFINER function, views without
    security_barrier or security_invoker, a leaky function in a filter. Each is refused or shows its own rows."""
    with connect(user="shnor_test_abinsk", password="mo") as con:
        con.autocommit = True  # a refused statement must not abort the ones after it
        cursor = con.cursor()
        assert _visible(cursor)["marts"] == {(ABINSK,)}
        cursor.execute("select rolname from pg_roles order by 1")
        roles = [name for (name,) in cursor.fetchall()]
        assert BI_READER in roles and "shnor_municipal" in roles and len(roles) >= 5
        switches = [*(f'set role "{role}"' for role in roles), "reset role", "set role none",
                    *(f'set session authorization "{role}"' for role in roles), "reset session authorization"]
        escaped = {}
        for switch in switches:
            try:
                cursor.execute(switch)
            except psycopg2.Error:
                continue  # refused: nothing gained
            seen = _visible(cursor)
            if not _within_own(seen):
                escaped[switch] = seen
            cursor.execute("reset role")
        assert escaped == {}
        assert _visible(cursor)["own_list"] == {(ABINSK,)}  # its own entry, through the view

        attempts = {
            "definer": ["create function pg_temp.all_oktmo() returns setof text language sql security definer "
                        "as $$ select distinct municipality_oktmo from marts.mart_indicator_scores $$",
                        "select * from pg_temp.all_oktmo()"],
            "plain view": ["create temp view all_scores as select * from marts.mart_indicator_scores",
                           "select distinct municipality_oktmo from all_scores"],
            "definer view": ["create temp view all_owners with (security_invoker = false, security_barrier = false) "
                             "as select * from access.my_municipalities",
                             "select * from all_owners"],
        }
        for name, (create, query) in attempts.items():
            cursor.execute(create)
            cursor.execute(query)
            assert set(cursor.fetchall()) <= {(ABINSK,)}, name
        for schema in ("public", "marts", "access"):  # nowhere lasting to put a function of its own
            with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                cursor.execute(f"create function {schema}.mine() returns int language sql as $$ select 1 $$")

        cursor.execute("create function pg_temp.leak(text) returns boolean language plpgsql cost 0.0000001 "
                       "as $$ begin raise notice 'seen %', $1; return true; end $$")
        del con.notices[:]
        cursor.execute("select count(*) from marts.mart_indicator_scores where pg_temp.leak(municipality_oktmo)")
        cursor.execute("select count(*) from all_scores where pg_temp.leak(municipality_oktmo)")
        leaked = {notice.strip().removeprefix("NOTICE:  seen ") for notice in con.notices}
        assert leaked == {ABINSK}


def test_a_municipal_login_holds_no_wider_role(built):
    """No membership reaches the BI reader's whole-region view, no attribute bypasses row-level security, and the
    access list itself is read by no BI role (only through access.my_municipalities, one's own entries)."""
    with connect() as con:
        cursor = con.cursor()
        cursor.execute("select pg_has_role('shnor_test_abinsk', %s, 'MEMBER'), "
                       "pg_has_role('shnor_test_abinsk', 'shnor_municipal', 'MEMBER'), "
                       "has_table_privilege('shnor_test_abinsk', 'access.municipal_users', 'select'), "
                       "has_table_privilege('shnor_test_bi', 'access.municipal_users', 'select')", [BI_READER])
        assert cursor.fetchone() == (False, True, False, False)
        cursor.execute("select rolsuper, rolbypassrls, rolcreaterole, rolcreatedb from pg_roles "
                       "where rolname = 'shnor_test_abinsk'")
        assert cursor.fetchone() == (False, False, False, False)
        cursor.execute("select reloptions from pg_class where oid = 'access.my_municipalities'::regclass")
        assert "security_barrier=true" in cursor.fetchone()[0]
