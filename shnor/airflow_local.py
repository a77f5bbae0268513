"""Running the project's DAGs on the embedded default: Airflow on SQLite under the data home.

``airflow dags test`` runs a whole DAG in one process without a scheduler, which is what a laptop,
the demo and the end-to-end test need.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path

from shnor_core.settings import DAGS_DIR, PLUGINS_DIR, DataHome


def airflow_environment(home: DataHome) -> dict[str, str]:
    home.airflow_home.mkdir(parents=True, exist_ok=True)
    return {
        **os.environ,
        "SHNOR_HOME": str(home.root),
        "AIRFLOW_HOME": str(home.airflow_home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS_DIR),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(PLUGINS_DIR),
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
    """``airflow db migrate`` once per metadata database and Airflow version (it takes seconds)."""
    marker = home.airflow_home / f".migrated-{version('apache-airflow')}"
    if marker.exists():
        return
    completed = _airflow(home, "db", "migrate")
    if completed.returncode != 0:
        raise RuntimeError(f"airflow db migrate failed:\n{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}")
    marker.touch()


_RUN_FINISHED = re.compile(r"DagRun Finished: dag_id=(?P<dag_id>[\w.-]+),.*?\bstate=(?P<state>\w+)")


def run_state_from_log(log: Path, dag_id: str) -> str | None:
    """The final state ``airflow dags test`` logs for the run ("DagRun Finished: … state=success")."""
    states = [m["state"] for m in _RUN_FINISHED.finditer(log.read_text(encoding="utf-8", errors="replace"))
              if m["dag_id"] == dag_id]
    return states[-1] if states else None


CYCLE_DAGS = ("shnor_ingest_window", "shnor_build_marts", "shnor_publish_reports")


def run_cycle(home: DataHome, monitoring_id: str) -> list[Path]:
    """One monitoring window through the DAGs that the asset chain runs one after another under a
    scheduler: ingestion, marts, reports (``airflow dags test`` runs no downstream DAGs itself)."""
    ensure_metadata_db(home)
    fail_interrupted_runs(home)
    return [run_dag(home, dag_id, {"monitoring_id": monitoring_id}, migrate=False) for dag_id in CYCLE_DAGS]


def runs_folder(home: DataHome) -> Path:
    """Every run's own log (one file per DAG run, never overwritten)."""
    return home.airflow_home / "runs"


_FAIL_RUNNING = """
from airflow.models.dagrun import DagRun
from airflow.utils import timezone
from airflow.utils.session import create_session
from airflow.utils.state import DagRunState, State, TaskInstanceState
with create_session() as session:
    for run in session.query(DagRun).filter(DagRun.state.in_([DagRunState.RUNNING, DagRunState.QUEUED])):
        run.state, run.end_date = DagRunState.FAILED, timezone.utcnow()
        for ti in run.get_task_instances(session=session):
            if ti.state not in State.finished:
                ti.state = TaskInstanceState.FAILED
        print("INTERRUPTED", run.dag_id, run.run_id)
"""


def fail_interrupted_runs(home: DataHome) -> list[str]:
    """Runs a killed ``airflow dags test`` left "running" are marked failed: on the embedded default only
    one run holds a home at a time (shnor.run_lock), so any run still "running" was interrupted."""
    database = home.airflow_home / "airflow.db"
    if not database.exists():
        return []
    with sqlite3.connect(database) as con:
        running = con.execute("select count(*) from dag_run where state in ('running', 'queued')").fetchone()[0]
    if not running:
        return []
    completed = subprocess.run([sys.executable, "-c", _FAIL_RUNNING], env=airflow_environment(home),
                               capture_output=True, text=True)
    if completed.returncode != 0:
        raise RuntimeError(f"не удалось пометить прерванные запуски Airflow: {completed.stderr[-2000:]}")
    return [line.split(" ", 1)[1] for line in completed.stdout.splitlines() if line.startswith("INTERRUPTED ")]


def run_dag(home: DataHome, dag_id: str, conf: dict, migrate: bool = True) -> Path:
    """Run one DAG end to end; raises with the log's path unless the run succeeded."""
    if migrate:
        ensure_metadata_db(home)
        fail_interrupted_runs(home)
    runs_folder(home).mkdir(parents=True, exist_ok=True)
    log = runs_folder(home) / f"{datetime.now(timezone.utc):%Y%m%dT%H%M%S%f}_{dag_id}.log"
    completed = _airflow(home, "dags", "test", dag_id, "--conf", json.dumps(conf), log=log)
    state = run_state_from_log(log, dag_id)
    if completed.returncode != 0 or state != "success":
        raise RuntimeError(f"DAG {dag_id} did not succeed (exit {completed.returncode}, state {state}); log: {log}")
    return log
