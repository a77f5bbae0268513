"""The PostgreSQL target: where a region outgrows a laptop, marts are served from PostgreSQL.

Landing, archive and validation stay as they are (DuckDB is the loading area); the raw schema is
copied to PostgreSQL and the same dbt project builds there (``--target postgres``). Access:

- ``shnor_bi_reader`` (a group role): reads ``marts`` only, never ``raw`` or ``restricted``;
- ``shnor_municipal`` (a group role of its own, member of no other role): the same ``select`` on the marts,
  and row-level security on every mart limits its members to the municipalities listed for them in
  ``access.municipal_users`` — on the column each mart declares as its municipality key in its YAML
  (``meta.municipality_key``), whole for marts declared region-wide, nothing for a mart that declares neither
  (policies applied by dbt post-hooks on each build). The policies ask who logged in (``session_user``), which
  ``SET ROLE`` cannot change, and a municipal login is a member of ``shnor_municipal`` only: there is no role with
  wider rights it could switch to. The access list itself is read by no BI role: a login reads its own entries
  through the security-barrier view ``access.my_municipalities``;
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
    """Roles, the restricted schema and the municipal access list (idempotent; an installation made when the
    municipal group was a member of the reader, and the list readable by it, is brought to this model)."""
    with connect() as con:
        cursor = con.cursor()
        for role in (BI_READER, MUNICIPAL):
            cursor.execute("select 1 from pg_roles where rolname = %s", [role])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("create role {} nologin").format(sql.Identifier(role)))
        readers = sql.SQL(", ").join(map(sql.Identifier, (BI_READER, MUNICIPAL)))
        cursor.execute(sql.SQL("revoke {} from {}").format(sql.Identifier(BI_READER), sql.Identifier(MUNICIPAL)))
        for schema in ("marts", "access", "restricted"):
            cursor.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(schema)))
        cursor.execute("revoke all on schema restricted from public")
        for schema in COPIED_SCHEMAS:
            if _schema_exists(cursor, schema):
                cursor.execute(sql.SQL("revoke all on schema {} from public").format(sql.Identifier(schema)))
        cursor.execute(sql.SQL("grant usage on schema marts, access to {}").format(readers))
        cursor.execute("create table if not exists access.municipal_users ("
                       "role_name text not null, municipality_oktmo text not null, "
                       "primary key (role_name, municipality_oktmo))")
        cursor.execute(sql.SQL("revoke all on access.municipal_users from public, {}").format(readers))
        # the list is never read directly: its owner's view gives each login its own entries (security_barrier:
        # no function of the reader's runs on another login's rows before the view's own filter)
        cursor.execute("alter table access.municipal_users enable row level security")
        cursor.execute("drop policy if exists own_entries on access.municipal_users")
        cursor.execute("create or replace view access.my_municipalities with (security_barrier) as "
                       "select municipality_oktmo from access.municipal_users where role_name = session_user")
        cursor.execute(sql.SQL("grant select on access.my_municipalities to {}").format(readers))


def _schema_exists(cursor, schema: str) -> bool:
    cursor.execute("select 1 from information_schema.schemata where schema_name = %s", [schema])
    return cursor.fetchone() is not None


def add_municipal_user(role_name: str, password: str, municipalities: list[str]) -> None:
    """A login for a municipal specialist who may see only the given municipalities' rows: a member of the
    municipal group and of no other role (a membership in the reader an earlier installation gave is revoked)."""
    with connect() as con:
        cursor = con.cursor()
        login = sql.Identifier(role_name)
        cursor.execute("select 1 from pg_roles where rolname = %s", [role_name])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("create role {} login password {}").format(login, sql.Literal(password)))
        cursor.execute("select r.rolname from pg_auth_members m join pg_roles r on r.oid = m.roleid "
                       "join pg_roles u on u.oid = m.member where u.rolname = %s and r.rolname <> %s",
                       [role_name, MUNICIPAL])
        for (wider,) in cursor.fetchall():
            cursor.execute(sql.SQL("revoke {} from {}").format(sql.Identifier(wider), login))
        cursor.execute(sql.SQL("grant {} to {}").format(sql.Identifier(MUNICIPAL), login))
        cursor.execute("delete from access.municipal_users where role_name = %s", [role_name])
        for oktmo in municipalities:
            cursor.execute("insert into access.municipal_users values (%s, %s)", [role_name, oktmo])
