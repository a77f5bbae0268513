"""Publishing marts for BI readers on the embedded default, so readers never block a build nor see
a half-built state.

After each build the marts are copied into a new DuckDB file and exported as Parquet, then swapped
in with one atomic rename (``published/shnor_marts.duckdb``) and one atomic symlink switch
(``published/parquet``). A reader that opened the previous file keeps reading that consistent
snapshot; the next reader gets the new one. The warehouse file itself is never opened by BI tools,
so DuckDB's single-writer lock never stands between a reader and a build.
"""

from __future__ import annotations

import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from shnor_core.settings import DataHome


def published_folder(home: DataHome) -> Path:
    return home.root / "published"


def published_marts(home: DataHome) -> Path:
    return published_folder(home) / "shnor_marts.duckdb"  # its stem names the catalog: not "marts"


def clean_leftovers(folder: Path) -> list[str]:
    """What a publish killed midway left behind: its staged DuckDB file (and WAL) and its partial Parquet
    folder. None of them is ever what readers see; the next publish removes them."""
    removed = []
    for leftover in [*folder.glob(".staged-*"), *folder.glob(".parquet-*")]:
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)
        removed.append(leftover.name)
    return removed


def publish_marts(home: DataHome) -> dict:
    folder = published_folder(home)
    folder.mkdir(parents=True, exist_ok=True)
    cleaned = clean_leftovers(folder)
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
        for table in tables:
            con.execute(f"create table marts.{table} as select * from warehouse.marts.{table}")
            con.execute(f"copy marts.{table} to '{staged_parquet / (table + '.parquet')}' (format parquet)")
        con.execute("detach warehouse")
    finally:
        con.close()
    parquet_dir = folder / f"parquet-{stamp}"
    os.replace(staged_parquet, parquet_dir)
    os.replace(staged_file, published_marts(home))
    link = folder / "parquet"
    staged_link = folder / f".staged-link-{stamp}"
    staged_link.symlink_to(parquet_dir.name)
    os.replace(staged_link, link)
    current = os.readlink(link)
    for old in folder.glob("parquet-*"):  # keep the current and the previous complete export
        if old.name != current and old.name not in _recent(folder, keep=2):
            shutil.rmtree(old, ignore_errors=True)
    return {"published": str(published_marts(home)), "tables": len(tables), "parquet": str(link),
            "cleaned": cleaned}


def _recent(folder: Path, keep: int) -> set[str]:
    return {p.name for p in sorted(folder.glob("parquet-*"))[-keep:]}
