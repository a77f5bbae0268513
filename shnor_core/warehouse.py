"""The one place that writes to the DuckDB warehouse (Python side; dbt writes its own layers).

Raw tables are written per source file and keyed by the file's sha256, so loading the same file
again replaces its rows instead of adding them: reruns are idempotent. Every connection is closed
on exit, because DuckDB allows one writer process per file.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pandas as pd

FILES_TABLE = "raw.files"
ERRORS_TABLE = "audit.file_errors"
VALIDATION_TABLE = "audit.validation_results"
REVIEW_TABLE = "audit.name_review"
UNREADABLE_TABLE = "audit.unreadable_entries"
WINDOW_ARRIVALS_TABLE = "audit.window_arrivals"

_DDL = f"""
create schema if not exists raw;
create schema if not exists audit;
create schema if not exists restricted;  -- personal data (names of people): never read by marts or BI
create table if not exists {FILES_TABLE} (
    source_sha256 varchar primary key,
    source_kind varchar not null,          -- 'submission' | 'oo1_context'
    source_file varchar not null,
    archived_path varchar not null,
    received_at timestamp not null,
    monitoring_id varchar,
    municipality_oktmo varchar,
    data_year integer,
    is_demo boolean not null,
    status varchar not null,               -- 'read' | 'accepted' | 'rejected'
    status_at timestamp not null
);
alter table {FILES_TABLE} add column if not exists school_code varchar;  -- a school-level form's school
create table if not exists {ERRORS_TABLE} (
    source_sha256 varchar not null,
    stage varchar not null,                -- 'read' | 'validate' | 'not_read' (left unread, not a refusal)
    source_file varchar, sheet varchar, cell varchar, indicator varchar, value varchar, rule varchar
);
create table if not exists {REVIEW_TABLE} (
    source_sha256 varchar not null,
    source_file varchar, source_sheet varchar, source_row integer,
    written_name varchar, municipality_oktmo varchar, score double, reason varchar, candidates varchar
);
-- what a name under review names: 'school' (the registry) or 'roadmap_activity' (the roadmap catalogue)
alter table {REVIEW_TABLE} add column if not exists name_kind varchar default 'school';
-- entries of a landing folder (or the archive) that could not be taken in: a directory, a broken link, an
-- unreadable or vanished file; replaced at each intake of the kind and window, so a fixed entry leaves it
create table if not exists {UNREADABLE_TABLE} (
    source_kind varchar not null,
    monitoring_id varchar,
    entry_path varchar not null,
    reason varchar not null,
    seen_at timestamp not null
);
-- which source rows wait for a person's decision on a name: raw's view of the review, so dbt's row accounting
-- reads it as a raw source (and the PostgreSQL target gets it with raw)
create view if not exists raw.rows_in_review as
    select distinct source_sha256, source_sheet, source_row, name_kind from {REVIEW_TABLE};
-- a file whose bytes the warehouse already holds (raw.files keeps one record per content), handed in to a window
-- again: for another window ('held_for_another_window': refused there, one row per reason — file, sheet, cell,
-- rule), or to the same window under another name ('same_in_window': changes nothing), so the window's summary
-- shows it and a rerun of the window knows it
create table if not exists {WINDOW_ARRIVALS_TABLE} (
    monitoring_id varchar not null,
    outcome varchar not null,
    source_kind varchar not null,
    source_sha256 varchar not null,
    source_file varchar not null,
    received_at timestamp not null,
    received_by varchar,
    taken_in varchar not null,             -- the window raw.files holds these bytes for
    taken_file varchar not null,           -- and the name they arrived under there
    sheet varchar, cell varchar, indicator varchar, value varchar, rule varchar not null,
    seen_at timestamp not null
);
create table if not exists {VALIDATION_TABLE} (
    source_sha256 varchar not null,
    suite varchar not null,
    expectation varchar not null,
    column_name varchar,
    success boolean not null,
    unexpected_count integer,
    rule varchar,
    validated_at timestamp not null
);
"""


def now_utc() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


# How long a run waits for another process (an analyst's read-only session, say) to let go of the
# warehouse file before it explains who holds it. Seconds; SHNOR_WAREHOUSE_LOCK_WAIT overrides.
LOCK_WAIT_SECONDS = 30.0
_LOCK_HOLDER = re.compile(r"Conflicting lock is held in (?P<program>.*?) \(PID (?P<pid>\d+)\)")


class WarehouseBusy(RuntimeError):
    """Another process holds the warehouse file; the message names it and what to do."""


def _holder(message: str) -> str:
    match = _LOCK_HOLDER.search(message)
    if not match:
        return "другой процесс"
    pid = match["pid"]
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        command = match["program"]
    return f"процесс {pid} ({command[:160]})"


def _open(path: Path, read_only: bool, wait: float | None) -> duckdb.DuckDBPyConnection:
    """DuckDB admits one writer per file, and no reader beside a writer: wait a while for the holder, then
    say who it is instead of failing midway."""
    if wait is None:
        wait = float(os.environ.get("SHNOR_WAREHOUSE_LOCK_WAIT", LOCK_WAIT_SECONDS))
    deadline = time.monotonic() + wait
    pause = 0.2
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as error:
            if "lock" not in str(error).lower():
                raise
            if time.monotonic() >= deadline:
                raise WarehouseBusy(
                    f"файл хранилища {path} занят: его держит {_holder(str(error))}. Закройте его (для чтения "
                    "и BI есть опубликованная копия published/shnor_marts.duckdb) и повторите") from error
            time.sleep(pause)
            pause = min(pause * 2, 2.0)


def ensure_writable(path: Path, wait: float | None = None) -> None:
    """Raise ``WarehouseBusy`` (naming the holder) unless this process could write the warehouse now, or within
    ``wait``: a run asks before it starts, instead of failing in its first task."""
    if Path(path).exists():
        _open(Path(path), read_only=False, wait=wait).close()


@contextmanager
def connect(path: Path, read_only: bool = False, wait: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection closed on exit (``wait``: seconds to wait for a lock held by another process)."""
    path = Path(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    con = _open(path, read_only, wait)
    try:
        if not read_only:
            con.execute(_DDL)
        yield con
    finally:
        for key in [k for k in _KNOWN_COLUMNS if k[0] == id(con)]:
            del _KNOWN_COLUMNS[key]
        con.close()


_KNOWN_COLUMNS: dict[tuple[int, str], frozenset[str]] = {}  # per open connection: columns a table has


def ensure_table(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    """Create ``table`` with the frame's column types, or add the columns a reader has gained since
    (looked up once per connection and table: every file of a kind brings the same columns)."""
    if set(frame.columns) <= _KNOWN_COLUMNS.get((id(con), table), frozenset()):
        return
    con.register("incoming", frame)
    try:
        con.execute(f"create table if not exists {table} as select * from incoming limit 0")
        schema, name = table.split(".")
        existing = {row[0] for row in con.execute(
            "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
            [schema, name]).fetchall()}
        for column, kind in con.execute("select column_name, column_type from (describe select * from incoming)").fetchall():
            if column not in existing:
                con.execute(f'alter table {table} add column "{column}" {kind}')
                existing.add(column)
        _KNOWN_COLUMNS[(id(con), table)] = frozenset(existing)
    finally:
        con.unregister("incoming")


def with_load_time(frame: pd.DataFrame) -> pd.DataFrame:
    """Every raw row says when it was loaded (``loaded_at``): dbt's source freshness reads it."""
    return frame.assign(loaded_at=pd.Series(pd.Timestamp(now_utc()), index=frame.index, dtype="datetime64[us]"))


def replace_file_rows(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, sha256: str) -> None:
    """Put one file's rows in ``table`` (created from the frame's types on first use), replacing earlier ones."""
    frame = with_load_time(frame)
    ensure_table(con, table, frame)
    con.register("incoming", frame)
    try:
        con.execute(f"delete from {table} where source_sha256 = ?", [sha256])
        con.execute(f"insert into {table} by name select * from incoming")
    finally:
        con.unregister("incoming")


def table_exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether ``schema.table`` is in the warehouse (a kind not delivered yet, a mart not built yet)."""
    schema, name = table.split(".")
    return bool(con.execute("select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
                            [schema, name]).fetchall()[0][0])


def replace_table(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    """Reference tables are small and loaded whole."""
    con.register("incoming", with_load_time(frame))
    try:
        con.execute(f"create or replace table {table} as select * from incoming")
    finally:
        con.unregister("incoming")


def known_file(con: duckdb.DuckDBPyConnection, sha256: str) -> dict | None:
    rows = con.execute(f"select * from {FILES_TABLE} where source_sha256 = ?", [sha256]).fetchdf()
    return None if rows.empty else rows.iloc[0].to_dict()


def record_file(con: duckdb.DuckDBPyConnection, **fields) -> None:
    fields.setdefault("status_at", now_utc())
    columns = ", ".join(fields)
    placeholders = ", ".join("?" for _ in fields)
    con.execute(f"insert or replace into {FILES_TABLE} ({columns}) values ({placeholders})", list(fields.values()))


def set_file_status(con: duckdb.DuckDBPyConnection, sha256: str, status: str) -> None:
    con.execute(f"update {FILES_TABLE} set status = ?, status_at = ? where source_sha256 = ?",
                [status, now_utc(), sha256])


def _replace_file_entries(con: duckdb.DuckDBPyConnection, table: str, key: dict, rows: list[list]) -> None:
    """Replace one file's entries in an audit table (``key`` names the file, and stage or suite), in one
    bulk insert rather than a statement per row."""
    condition = " and ".join(f"{column} = ?" for column in key)
    con.execute(f"delete from {table} where {condition}", list(key.values()))
    if rows:
        columns = [row[0] for row in con.execute(f"describe {table}").fetchall()]
        con.register("entries", pd.DataFrame(rows, columns=columns[:len(rows[0])]))
        try:
            con.execute(f"insert into {table} by name select * from entries")
        finally:
            con.unregister("entries")


def replace_errors(con: duckdb.DuckDBPyConnection, sha256: str, stage: str, errors: list[dict]) -> None:
    _replace_file_entries(con, ERRORS_TABLE, {"source_sha256": sha256, "stage": stage}, [
        [sha256, stage, e["file"], e["sheet"], e["cell"], e["indicator"], e["value"], e["rule"]] for e in errors])


def replace_name_review(con: duckdb.DuckDBPyConnection, sha256: str, entries: list[dict]) -> None:
    """Names that could not be matched with certainty (schools, roadmap activities): for a person to
    resolve, never guessed."""
    _replace_file_entries(con, REVIEW_TABLE, {"source_sha256": sha256}, [
        [sha256, e["source_file"], e["source_sheet"], e["source_row"], e["written_name"], e["municipality_oktmo"],
         e["score"], e["reason"], e["candidates"], e.get("name_kind", "school")] for e in entries])


def replace_unreadable_entries(con: duckdb.DuckDBPyConnection, source_kind: str, monitoring_id: str | None,
                               entries: list[tuple[str, str]]) -> None:
    """What this intake of a kind (and window) could not take in, as (path, reason)."""
    con.execute(f"delete from {UNREADABLE_TABLE} where source_kind = ? and monitoring_id is not distinct from ?",
                [source_kind, monitoring_id])
    if not entries:
        return
    seen_at = now_utc()
    con.executemany(f"insert into {UNREADABLE_TABLE} values (?, ?, ?, ?, ?)",
                    [[source_kind, monitoring_id, path, reason, seen_at] for path, reason in entries])


def window_arrival_known(con: duckdb.DuckDBPyConnection, monitoring_id: str, sha256: str,
                         source_file: str | None = None) -> bool:
    """Whether these bytes (under this name, when given) were already recorded as handed in to this window again."""
    return bool(con.execute(f"select count(*) from {WINDOW_ARRIVALS_TABLE} where monitoring_id = ? and source_sha256 = ? "
                            "and source_file = coalesce(?, source_file)", [monitoring_id, sha256, source_file]).fetchall()[0][0])


def record_window_arrival(con: duckdb.DuckDBPyConnection, arrival: dict, reasons: list[dict]) -> None:
    """Bytes the warehouse holds, handed in to ``arrival["monitoring_id"]`` again (``arrival["outcome"]``), with
    what the window's summary says of them (``reasons``)."""
    con.execute(f"delete from {WINDOW_ARRIVALS_TABLE} where monitoring_id = ? and source_sha256 = ? and source_file = ?",
                [arrival["monitoring_id"], arrival["source_sha256"], arrival["source_file"]])
    seen_at = now_utc()
    con.executemany(
        f"insert into {WINDOW_ARRIVALS_TABLE} by name select ? as monitoring_id, ? as outcome, ? as source_kind, "
        "? as source_sha256, ? as source_file, ? as received_at, ? as received_by, ? as taken_in, ? as taken_file, "
        "? as sheet, ? as cell, ? as indicator, ? as value, ? as rule, ? as seen_at",
        [[arrival["monitoring_id"], arrival["outcome"], arrival["source_kind"], arrival["source_sha256"], arrival["source_file"],
          arrival["received_at"], arrival["received_by"], arrival["taken_in"], arrival["taken_file"],
          r["sheet"], r["cell"], r["indicator"], r["value"], r["rule"], seen_at] for r in reasons])


def replace_validation_results(con: duckdb.DuckDBPyConnection, sha256: str, suite: str, results: list[dict]) -> None:
    validated_at = now_utc()
    _replace_file_entries(con, VALIDATION_TABLE, {"source_sha256": sha256, "suite": suite}, [
        [sha256, suite, r["expectation"], r["column"], r["success"], r["unexpected_count"], r["rule"], validated_at]
        for r in results])


def query(path: Path, sql: str, params: list | None = None) -> pd.DataFrame:
    """Read-only query for readers (validation, reports, tests)."""
    with connect(path, read_only=True) as con:
        return con.execute(sql, params or []).fetchdf()
