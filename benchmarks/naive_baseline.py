"""The naive way to do a cycle's file work, kept only to measure the pipeline against (``benchmarks.benchmark``):
every landed file read with ``pandas.read_excel(engine="openpyxl")`` (``read_csv`` for CSV) and walked
cell by cell in Python, every cell inserted into DuckDB with its own INSERT, and GX run on pandas once
per file over that file's raw rows."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from shnor.archive import landed_workbooks
from shnor.validation import validate_frame
from shnor_core import warehouse
from shnor_core.settings import DataHome
from shnor_core.sources import SOURCE_KINDS, SUBMISSION, landing_folder


def _landed(home: DataHome, monitorings: list[str]) -> list[Path]:
    folders = [landing_folder(home, SUBMISSION, m) for m in monitorings] + [
        landing_folder(home, kind) for kind in SOURCE_KINDS.values() if kind is not SUBMISSION]
    return sorted(p for folder in folders for p in landed_workbooks(folder))


def read_all(home: DataHome, monitorings: list[str]) -> list[tuple[str, list[tuple]]]:
    """Every non-empty cell of every landed file as (file, sheet, row, column, value), via row loops."""
    files = []
    for path in _landed(home, monitorings):
        if path.suffix.lower() == ".csv":
            sheets = {"csv": pd.read_csv(path, header=None, dtype=str, sep=None, engine="python")}
        else:
            sheets = pd.read_excel(path, sheet_name=None, header=None, engine="openpyxl")
        cells = []
        for sheet, frame in sheets.items():
            for row_number, row in frame.iterrows():
                for column, value in row.items():
                    if not pd.isna(value):
                        cells.append((path.name, str(sheet), int(row_number) + 1, int(column) + 1, str(value)))
        files.append((path.name, cells))
    return files


def load_row_by_row(database: Path, files: list[tuple[str, list[tuple]]]) -> None:
    with duckdb.connect(str(database)) as con:
        con.execute("create or replace table cells (file varchar, sheet varchar, row_number integer, "
                    "column_number integer, value varchar)")
        for _, cells in files:
            for cell in cells:
                con.execute("insert into cells values (?, ?, ?, ?, ?)", list(cell))


def validate_file_by_file(home: DataHome) -> int:
    """GX on pandas, one validation per file over its raw rows (what the pipeline did before batching)."""
    with warehouse.connect(home.warehouse, read_only=True) as con:
        files = con.execute(f"select source_sha256, source_kind from {warehouse.FILES_TABLE}").fetchall()
        frames = [(SOURCE_KINDS[kind], con.execute(f"select * from {SOURCE_KINDS[kind].table} where source_sha256 = ? "
                                                    "order by source_row", [sha]).fetchdf()) for sha, kind in files]
    for kind, frame in frames:
        validate_frame(frame, kind.suite)
    return len(frames)
