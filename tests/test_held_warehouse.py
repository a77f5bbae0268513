"""A warehouse file held by another process (an analyst's DuckDB session) is named by the run itself — PID and
command line in its own output — and the run exits with its own code (shnor.cli.EXIT_WAREHOUSE_BUSY), whether the
file is held when the run starts or taken while it runs."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from shnor.airflow_local import runs_folder
from shnor.cli import EXIT_WAREHOUSE_BUSY
from shnor_core import warehouse
from shnor_core.settings import DataHome
from tests.cli_in_process import shnor
from tests.workbooks import MONITORING_ID

pytestmark = pytest.mark.slow

HOLDER = """
import sys, time, duckdb
from pathlib import Path
database, wait_for = Path(sys.argv[1]), sys.argv[2]
while wait_for and not list(Path(wait_for).glob("*.log")):  # hold it once the run has started
    time.sleep(0.01)
connection = duckdb.connect(str(database), read_only=True)
print("holding", flush=True)
time.sleep(600)
"""


def _hold(database: Path, once_started_in: Path | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", HOLDER, str(database), str(once_started_in or "")],
                            stdout=subprocess.PIPE, text=True)


def _run(home: DataHome) -> subprocess.CompletedProcess:
    """``shnor run`` (in this process: tests/cli_in_process.py), waiting 1 s for a held warehouse."""
    os.environ["SHNOR_WAREHOUSE_LOCK_WAIT"] = "1"
    try:
        return shnor("--home", str(home.root), "run", "--monitoring", MONITORING_ID)
    finally:
        del os.environ["SHNOR_WAREHOUSE_LOCK_WAIT"]


def _home(tmp_path) -> DataHome:
    home = DataHome(tmp_path / "home")
    with warehouse.connect(home.warehouse):
        pass
    return home


def test_a_run_started_while_a_reader_holds_the_warehouse_names_it(tmp_path):
    home = _home(tmp_path)
    holder = _hold(home.warehouse)
    try:
        assert holder.stdout.readline().strip() == "holding"
        started = time.monotonic()
        completed = _run(home)
        took = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    assert completed.returncode == EXIT_WAREHOUSE_BUSY == 4, completed.stderr[-2000:]
    assert f"процесс {holder.pid}" in completed.stderr and HOLDER.split()[1] in completed.stderr  # PID, command
    assert not runs_folder(home).exists() or not list(runs_folder(home).glob("*.log"))  # refused before Airflow
    print(f"refused in {took:.1f} s")


def test_a_reader_taking_the_warehouse_during_a_run_is_named_in_its_output(tmp_path):
    home = _home(tmp_path)
    holder = _hold(home.warehouse, once_started_in=runs_folder(home))
    try:
        completed = _run(home)
        assert holder.stdout.readline().strip() == "holding"
    finally:
        holder.kill()
        holder.wait()
    assert completed.returncode == EXIT_WAREHOUSE_BUSY, completed.stderr[-3000:]
    assert f"процесс {holder.pid}" in completed.stderr and "журнал:" in completed.stderr
