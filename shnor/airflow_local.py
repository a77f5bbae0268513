"""Running the project's DAGs on the embedded default: Airflow on SQLite under the data home.

``airflow dags test`` runs a whole DAG in one process without a scheduler, which is what a laptop,
the demo and the end-to-end test need.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from shnor.settings import DAGS_DIR, DataHome


def airflow_environment(home: DataHome) -> dict[str, str]:
    home.airflow_home.mkdir(parents=True, exist_ok=True)
    return {
        **os.environ,
        "SHNOR_HOME": str(home.root),
        "AIRFLOW_HOME": str(home.airflow_home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS_DIR),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home.airflow_home / 'airflow.db'}",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }


def _airflow(home: DataHome, *args: str, log: Path | None = None) -> subprocess.CompletedProcess:
    command = [str(Path(sys.executable).with_name("airflow")), *args]
    if log is None:
        return subprocess.run(command, env=airflow_environment(home), capture_output=True, text=True)
    with open(log, "w", encoding="utf-8") as handle:
        return subprocess.run(command, env=airflow_environment(home), stdout=handle, stderr=subprocess.STDOUT, text=True)


def ensure_metadata_db(home: DataHome) -> None:
    completed = _airflow(home, "db", "migrate")
    if completed.returncode != 0:
        raise RuntimeError(f"airflow db migrate failed:\n{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}")


def last_run_state(home: DataHome, dag_id: str) -> str | None:
    completed = _airflow(home, "dags", "list-runs", dag_id, "--output", "json")
    json_lines = [line for line in completed.stdout.splitlines() if line.startswith("[")]  # warnings may precede it
    runs = json.loads(json_lines[-1]) if json_lines else []
    runs.sort(key=lambda run: run.get("run_after") or run.get("logical_date") or "", reverse=True)
    return runs[0]["state"] if runs else None


def run_dag(home: DataHome, dag_id: str, conf: dict) -> Path:
    """Run one DAG end to end; raises with the log's path unless the run succeeded."""
    ensure_metadata_db(home)
    log = home.airflow_home / f"{dag_id}.last-run.log"
    completed = _airflow(home, "dags", "test", dag_id, "--conf", json.dumps(conf), log=log)
    state = last_run_state(home, dag_id)
    if completed.returncode != 0 or state != "success":
        raise RuntimeError(f"DAG {dag_id} did not succeed (exit {completed.returncode}, state {state}); log: {log}")
    return log
