"""The PostgreSQL target: where a region outgrows a laptop, marts are served from PostgreSQL.

Landing, archive and validation stay as they are (DuckDB is the loading area); the raw schema is
copied to PostgreSQL and the same dbt project builds there (``--target postgres``). Access:

- ``shnor_bi_reader`` (a group role): reads ``marts`` only, never ``raw`` or ``restricted``;
- ``shnor_municipal`` (a group role, member of the reader): row-level security on every mart limits its
  members to the municipalities listed for them in ``access.municipal_users`` — on the column each mart
  declares as its municipality key in its YAML (``meta.municipality_key``), whole for marts declared
  region-wide, nothing for a mart that declares neither (policies applied by dbt post-hooks on each
  build); of ``access.municipal_users`` itself a municipal user sees only its own entries;
- ``restricted``: the schema for personal data (names of mentors, curators, tutors), readable by
  no BI role.
"""

from __future__ import annotations

import io
import os
from contextlib import contextmanager

import duckdb
import psycopg2
from psycopg2 import sql

from shnor_core.settings import DataHome

BI_READER = "shnor_bi_reader"
MUNICIPAL = "shnor_municipal"
_TYPES = {"VARCHAR": "text", "BIGINT": "bigint", "INTEGER": "integer", "DOUBLE": "double precision",
          "BOOLEAN": "boolean", "DATE": "date", "TIMESTAMP": "timestamp", "TIMESTAMP_S": "timestamp",
          "TIMESTAMP_NS": "timestamp", "TIMESTAMP_MS": "timestamp", "FLOAT": "real", "SMALLINT": "smallint"}


def connection_settings() -> dict[str, str]:
    return {"host": os.environ.get("SHNOR_PG_HOST", "localhost"), "port": os.environ.get("SHNOR_PG_PORT", "5432"),
            "user": os.environ.get("SHNOR_PG_USER", "shnor"), "password": os.environ.get("SHNOR_PG_PASSWORD", ""),
            "dbname": os.environ.get("SHNOR_PG_DATABASE", "shnor")}


@contextmanager
def connect(**overrides):
    con = psycopg2.connect(**{**connection_settings(), **overrides})
    try:
        yield con
        con.commit()
    finally:
        con.close()


COPIED_SCHEMAS = ("raw", "identity")  # what dbt reads: the raw rows and the names resolved before each build


def copy_raw_tables(home: DataHome) -> dict[str, int]:
    """Replace PostgreSQL's ``raw`` and ``identity`` tables with every table of the DuckDB warehouse's, in one
    transaction. (Names of people stay behind: ``restricted`` is not copied.)"""
    copied = {}
    with duckdb.connect(str(home.warehouse), read_only=True) as source, connect() as target:
        cursor = target.cursor()
        for schema in COPIED_SCHEMAS:
            cursor.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(schema)))
        tables = source.execute("select table_schema, table_name from information_schema.tables "
                                "where table_schema in (select unnest(?)) order by 1, 2", [list(COPIED_SCHEMAS)]).fetchall()
        for schema, table in tables:
            columns = source.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = ? and table_name = ? order by ordinal_position", [schema, table]).fetchall()
            if not columns:
                continue
            definition = sql.SQL(", ").join(
                sql.SQL("{} {}").format(sql.Identifier(name), sql.SQL(_TYPES.get(kind.split("(")[0], "text")))
                for name, kind in columns)
            name = sql.Identifier(schema, table)
            cursor.execute(sql.SQL("drop table if exists {} cascade").format(name))
            cursor.execute(sql.SQL("create table {} ({})").format(name, definition))
            buffer = io.StringIO()
            source.execute(f'select * from {schema}."{table}"').df().to_csv(buffer, index=False, header=False)
            buffer.seek(0)
            cursor.copy_expert(sql.SQL("copy {} from stdin with (format csv)").format(name).as_string(target), buffer)
            copied[f"{schema}.{table}"] = cursor.rowcount
    return copied


def ensure_access_model() -> None:
    """Roles, the restricted schema and the municipal access list (idempotent)."""
    with connect() as con:
        cursor = con.cursor()
        for role in (BI_READER, MUNICIPAL):
            cursor.execute("select 1 from pg_roles where rolname = %s", [role])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("create role {} nologin").format(sql.Identifier(role)))
        cursor.execute(sql.SQL("grant {} to {}").format(sql.Identifier(BI_READER), sql.Identifier(MUNICIPAL)))
        for schema in ("marts", "access", "restricted"):
            cursor.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(schema)))
        cursor.execute("revoke all on schema restricted from public")
        for schema in COPIED_SCHEMAS:
            if _schema_exists(cursor, schema):
                cursor.execute(sql.SQL("revoke all on schema {} from public").format(sql.Identifier(schema)))
        cursor.execute(sql.SQL("grant usage on schema marts, access to {}").format(sql.Identifier(BI_READER)))
        cursor.execute("create table if not exists access.municipal_users ("
                       "role_name text not null, municipality_oktmo text not null, "
                       "primary key (role_name, municipality_oktmo))")
        cursor.execute(sql.SQL("grant select on access.municipal_users to {}").format(sql.Identifier(BI_READER)))
        # a municipal user sees its own entries only, never who else holds which municipality
        cursor.execute("alter table access.municipal_users enable row level security")
        cursor.execute("drop policy if exists own_entries on access.municipal_users")
        cursor.execute(sql.SQL("create policy own_entries on access.municipal_users for select using ("
                               "not pg_has_role(current_user, {}, 'MEMBER') or role_name = current_user)")
                       .format(sql.Literal(MUNICIPAL)))


def _schema_exists(cursor, schema: str) -> bool:
    cursor.execute("select 1 from information_schema.schemata where schema_name = %s", [schema])
    return cursor.fetchone() is not None


def add_municipal_user(role_name: str, password: str, municipalities: list[str]) -> None:
    """A login for a municipal specialist who may see only the given municipalities' rows."""
    with connect() as con:
        cursor = con.cursor()
        cursor.execute("select 1 from pg_roles where rolname = %s", [role_name])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("create role {} login password {}").format(sql.Identifier(role_name),
                                                                             sql.Literal(password)))
        cursor.execute(sql.SQL("grant {} to {}").format(sql.Identifier(MUNICIPAL), sql.Identifier(role_name)))
        cursor.execute("delete from access.municipal_users where role_name = %s", [role_name])
        for oktmo in municipalities:
            cursor.execute("insert into access.municipal_users values (%s, %s)", [role_name, oktmo])
