"""dbt on the warehouse: ``dbt build`` (seeds, models, data and unit tests) and the environment every
dbt command of the project runs in."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from shnor.fingerprints import dbt_inputs, remember, unchanged
from shnor.postgres import copy_raw_tables, ensure_access_model
from shnor_core.settings import DBT_PROJECT_DIR, DataHome


def dbt_command(*args: str) -> list[str]:
    dbt = Path(sys.executable).with_name("dbt")
    return [str(dbt), *args, "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]


def dbt_environment(home: DataHome) -> dict[str, str]:
    home.dbt_artifacts.mkdir(parents=True, exist_ok=True)
    return {
        **os.environ,
        "SHNOR_WAREHOUSE": str(home.warehouse),
        "DBT_TARGET_PATH": str(home.dbt_artifacts / "target"),
        "DBT_LOG_PATH": str(home.dbt_artifacts / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }


def dbt_target(target: str | None = None) -> str:
    return target or os.environ.get("SHNOR_DBT_TARGET", "duckdb")


def build_record(home: DataHome) -> Path:
    return home.dbt_artifacts / "last_build.json"


def dbt_build(home: DataHome, target: str | None = None, skip_unchanged: bool = False) -> dict:
    """``dbt build`` in its own process.

    A separate process keeps dbt's DuckDB connection out of the caller, which matters under
    ``airflow dags test`` where every task shares one process. With the ``postgres`` target
    (``SHNOR_DBT_TARGET=postgres``) the raw tables are first copied to PostgreSQL. With
    ``skip_unchanged`` (the cycle's DAG), a build whose inputs are those of the last successful build is
    not run again: the marts are already what it would make.
    """
    target = dbt_target(target)
    fingerprint = dbt_inputs(home, target)
    if skip_unchanged and unchanged(build_record(home), fingerprint):
        return {"dbt_results": {}, "unchanged": True}
    if target == "postgres":
        copy_raw_tables(home)
        ensure_access_model()
    results_path = home.dbt_artifacts / "target" / "run_results.json"
    results_path.unlink(missing_ok=True)  # never report a previous build's results
    completed = subprocess.run(dbt_command("build", "--target", target), env=dbt_environment(home),
                               capture_output=True, text=True)
    statuses: dict[str, int] = {}
    if results_path.exists():
        for result in json.loads(results_path.read_text())["results"]:
            statuses[result["status"]] = statuses.get(result["status"], 0) + 1
    if completed.returncode != 0:
        raise RuntimeError(f"dbt build failed ({statuses}):\n{completed.stdout[-4000:]}\n{completed.stderr[-2000:]}")
    remember(build_record(home), fingerprint)
    return {"dbt_results": statuses}
