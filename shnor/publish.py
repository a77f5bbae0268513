"""Publishing marts for BI readers on the embedded default, so readers never block a build nor see
a half-built state.

After each build the marts are copied into a new DuckDB file and exported as Parquet, then swapped
in with one atomic rename (``published/shnor_marts.duckdb``) and one atomic symlink switch
(``published/parquet``). A reader that opened the previous file keeps reading that consistent
snapshot; the next reader gets the new one. The warehouse file itself is never opened by BI tools,
so DuckDB's single-writer lock never stands between a reader and a build. Every table and column keeps
its Russian description (the comments dbt writes from the models' YAML), in the DuckDB copy as comments
and in each Parquet file's key-value metadata.

What is published is named by the build it copies (``shnor.dbt_runner.last_build_id``): in the DuckDB copy
(``publication.build``), in each Parquet file's metadata (``build_id``) and, written last, in the marker
``published/.published.json``. A run publishes unless the marker and the copy both name the warehouse's
current build — so a run after a publish killed at any point publishes again, whatever dbt decided.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from shnor.dbt_runner import last_build_id
from shnor_core.settings import DataHome

MARKER = ".published.json"


def published_folder(home: DataHome) -> Path:
    return home.root / "published"


def published_marts(home: DataHome) -> Path:
    return published_folder(home) / "shnor_marts.duckdb"  # its stem names the catalog: not "marts"


def clean_leftovers(folder: Path) -> list[str]:
    """What a publish killed midway left behind: its staged DuckDB file (and WAL), its partial Parquet folder,
    its staged link and marker. None of them is ever what readers see; the next publish removes them."""
    removed = []
    for leftover in [*folder.glob(".staged-*"), *folder.glob(".parquet-*")]:
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)
        removed.append(leftover.name)
    return removed


def published_build(home: DataHome) -> str | None:
    """The build a complete publish copied: the one its marker names, if the DuckDB copy names it too
    (None when a publish was cut off or none has run)."""
    try:
        marked = json.loads((published_folder(home) / MARKER).read_text(encoding="utf-8"))["build"]
        with duckdb.connect(str(published_marts(home)), read_only=True) as con:
            [(copied,)] = con.execute("select build_id from publication.build").fetchall()
    except (OSError, ValueError, KeyError, duckdb.Error):
        return None
    return marked if copied == marked and (published_folder(home) / "parquet").is_dir() else None


def publish_marts(home: DataHome, skip_unchanged: bool = False) -> dict:
    """Copy the warehouse's marts for readers; with ``skip_unchanged`` (the cycle's DAG), not when what is
    published is already the warehouse's current build."""
    folder = published_folder(home)
    folder.mkdir(parents=True, exist_ok=True)
    cleaned = clean_leftovers(folder)
    build = last_build_id(home)
    if skip_unchanged and build is not None and published_build(home) == build:
        return {"unchanged": True, "published": str(published_marts(home)), "build": build, "cleaned": cleaned}
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    staged_file = folder / f".staged-{stamp}.duckdb"
    staged_parquet = folder / f".parquet-{stamp}.partial"  # renamed to parquet-<stamp> only when complete
    staged_parquet.mkdir()
    con = duckdb.connect(str(staged_file))
    try:
        con.execute(f"attach '{home.warehouse}' as warehouse (read_only)")
        tables = [row[0] for row in con.execute(
            "select table_name from information_schema.tables where table_catalog = 'warehouse' "
            "and table_schema = 'marts' order by table_name").fetchall()]
        con.execute("create schema marts")
        comments = _comments(con)
        for table in tables:
            con.execute(f"create table marts.{table} as select * from warehouse.marts.{table}")
            described = comments.get(table, {})
            for column, comment in described.items():  # the marts' Russian descriptions (dbt persist_docs)
                target = f"table marts.{table}" if column is None else f'column marts.{table}."{column}"'
                con.execute(f"comment on {target} is {_literal(comment)}")
            con.execute(f"copy marts.{table} to '{staged_parquet / (table + '.parquet')}' (format parquet, "
                        f"kv_metadata {_parquet_metadata(described, build)})")
        con.execute("detach warehouse")
        con.execute("create schema publication")
        con.execute("create table publication.build as select ?::varchar as build_id, "
                    "current_timestamp::timestamp as published_at", [build])
        con.execute("comment on table publication.build is 'Какая сборка витрин опубликована в этой копии и когда'")
    finally:
        con.close()
    parquet_dir = folder / f"parquet-{stamp}"
    os.replace(staged_parquet, parquet_dir)
    os.replace(staged_file, published_marts(home))
    link = folder / "parquet"
    previous = os.readlink(link) if link.is_symlink() else None
    staged_link = folder / f".staged-link-{stamp}"
    staged_link.symlink_to(parquet_dir.name)
    os.replace(staged_link, link)
    for old in folder.glob("parquet-*"):  # keep the current export and the one readers had until now
        if old.name not in (parquet_dir.name, previous):
            shutil.rmtree(old, ignore_errors=True)
    staged_marker = folder / f".staged-marker-{stamp}"
    staged_marker.write_text(json.dumps({"build": build, "published_at": stamp}), encoding="utf-8")
    os.replace(staged_marker, folder / MARKER)
    return {"published": str(published_marts(home)), "tables": len(tables), "parquet": str(link),
            "build": build, "cleaned": cleaned}


def _comments(con) -> dict[str, dict[str | None, str]]:
    """The comments dbt wrote on the warehouse's marts (``persist_docs``): per table, None → the table's own,
    a column name → the column's. ``create table … as select`` does not carry them over."""
    described: dict[str, dict[str | None, str]] = {}
    for table, comment in con.execute("select table_name, comment from duckdb_tables() where database_name = 'warehouse' "
                                      "and schema_name = 'marts' and comment is not null").fetchall():
        described.setdefault(table, {})[None] = comment.strip()
    for table, column, comment in con.execute(
            "select table_name, column_name, comment from duckdb_columns() where database_name = 'warehouse' "
            "and schema_name = 'marts' and comment is not null").fetchall():
        described.setdefault(table, {})[column] = comment.strip()
    return described


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _parquet_metadata(described: dict[str | None, str], build: str | None) -> str:
    """The descriptions in the Parquet file's key-value metadata too: ``description`` (the table's) and
    ``column_descriptions`` (JSON, column → description), for tools that read Parquet directly; ``build_id``,
    the build it was copied from."""
    columns = {column: text for column, text in described.items() if column is not None}
    return ("{description: " + _literal(described.get(None, "")) + ", column_descriptions: "
            + _literal(json.dumps(columns, ensure_ascii=False)) + ", build_id: " + _literal(build or "") + "}")
