"""The runs Airflow's own scheduler code creates for the project's DAGs, printed as JSON.

    python -m tests.scheduler_runs CALENDARS_DIR OUTPUT.json

In a fresh Airflow home on SQLite (a copy of the empty migrated database of ``shnor.airflow_local.migrated_db_cache``,
which the test makes sure of; migrated here if there is none): the DAG folder is parsed with ``SHNOR_CALENDARS_DIR``
set, the DAGs are written to the metadata database as the DAG processor writes them, and
``SchedulerJobRunner._create_dag_runs`` — the scheduler's own run creation, with its duplicate check and the
database's unique (dag_id, logical_date) key — is called until no DAG has a next run (each run finishing before
the next, as ``max_active_runs=1`` asks), with the clock at the DAGs' start date (catchup is off: a
scheduler running through the year creates each run as its time comes). A run's every field is read back
from the ``dag_run`` table. Run as a subprocess so each calendar gets its own Airflow home and parse.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]


def main(calendars: str, output: str) -> None:
    home = tempfile.mkdtemp(prefix="shnor-scheduler-")
    os.environ.update(AIRFLOW_HOME=home, AIRFLOW__CORE__LOAD_EXAMPLES="False",
                      AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=f"sqlite:///{home}/airflow.db",
                      AIRFLOW__CORE__PLUGINS_FOLDER=str(PROJECT / "plugins"),
                      AIRFLOW__CORE__DAGS_FOLDER=str(PROJECT / "dags"), SHNOR_CALENDARS_DIR=calendars)
    from airflow.dag_processing.bundles.manager import DagBundlesManager  # noqa: PLC0415 - Airflow reads its home at import
    from airflow.dag_processing.dagbag import DagBag, sync_bag_to_db  # noqa: PLC0415
    from airflow.jobs.job import Job  # noqa: PLC0415
    from airflow.jobs.scheduler_job_runner import SchedulerJobRunner  # noqa: PLC0415
    from airflow.models.dag import DagModel  # noqa: PLC0415
    from airflow.models.dagrun import DagRun  # noqa: PLC0415
    from airflow.utils import db  # noqa: PLC0415
    from airflow.utils.session import create_session  # noqa: PLC0415
    from airflow.utils.state import DagRunState  # noqa: PLC0415
    from pendulum import instance  # noqa: PLC0415
    from sqlalchemy import select  # noqa: PLC0415

    import shnor.timetable  # noqa: PLC0415
    from shnor.airflow_local import migrated_db_cache  # noqa: PLC0415 - reads the calendars set above
    from shnor.windows import DAG_START  # noqa: PLC0415

    shnor.timetable._now = lambda: instance(DAG_START)  # the scheduler's clock at the start of the calendar
    if migrated_db_cache().exists():
        shutil.copyfile(migrated_db_cache(), f"{home}/airflow.db")
    else:
        db.resetdb()
    DagBundlesManager().sync_bundles_to_db()
    bag = DagBag(dag_folder=str(PROJECT / "dags"))
    sync_bag_to_db(bag, "dags-folder", None)
    with create_session() as session:
        job = Job()
        session.add(job)
        session.flush()
        runner = SchedulerJobRunner(job=job)
        for _ in range(100):
            due = [m for m in session.scalars(select(DagModel)).all() if m.next_dagrun_create_after is not None]
            if not due:
                break
            runner._create_dag_runs(due, session)
            session.flush()
            for run in session.scalars(select(DagRun)).all():  # each run finishes before its DAG's next one fires
                run.state = DagRunState.SUCCESS
            for model in due:
                model.exceeds_max_non_backfill = False
            session.flush()
        runs = [{"dag_id": r.dag_id, "run_id": r.run_id, "logical_date": r.logical_date.isoformat(),
                 "data_interval_start": r.data_interval_start.isoformat(),
                 "data_interval_end": r.data_interval_end.isoformat(), "fires_at": r.run_after.isoformat()}
                for r in session.scalars(select(DagRun)).all()]
    Path(output).write_text(json.dumps({
        "runs": runs, "dags": sorted(bag.dags), "import_errors": bag.import_errors,
        "warnings": {Path(k).name: list(v) for k, v in bag.captured_warnings.items()}}, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
