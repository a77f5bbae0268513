"""The runs Airflow's own scheduler code creates for the project's DAGs, printed as JSON.

    python -m tests.scheduler_runs OUTPUT_FOLDER CALENDARS_DIR…

For each calendar folder, ``OUTPUT_FOLDER/<folder's name>.json``, made in a fresh Airflow home on SQLite (a copy of
the empty migrated database of ``shnor.airflow_local.migrated_db_cache``, which the test makes sure of; migrated
here if there is none): the DAG folder is parsed with ``SHNOR_CALENDARS_DIR`` set, the DAGs are written to the
metadata database as the DAG processor writes them, and ``SchedulerJobRunner._create_dag_runs`` — the scheduler's
own run creation, with its duplicate check and the database's unique (dag_id, logical_date) key — is called until no
DAG has a next run (each run finishing before the next, as ``max_active_runs=1`` asks), with the clock at the DAGs'
start date (catchup is off: a scheduler running through the year creates each run as its time comes). A run's every
field is read back from the ``dag_run`` table.

Each calendar gets a process of its own, as ``SHNOR_CALENDARS_DIR`` is read when the project's code is imported:
this process imports Airflow once (seconds of CPU), then forks a child per calendar that sets the variable, starts
from a fresh copy of the empty database and imports the project's code and DAGs itself.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import traceback
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]


def main(output_folder: str, calendar_folders: list[str]) -> int:
    home = tempfile.mkdtemp(prefix="shnor-scheduler-")
    os.environ.update(AIRFLOW_HOME=home, AIRFLOW__CORE__LOAD_EXAMPLES="False",
                      AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=f"sqlite:///{home}/airflow.db",
                      AIRFLOW__CORE__PLUGINS_FOLDER=str(PROJECT / "plugins"),
                      AIRFLOW__CORE__DAGS_FOLDER=str(PROJECT / "dags"))
    # Airflow reads its home at import: once here, for every child (none of the project's code yet)
    import airflow.dag_processing.dagbag  # noqa: F401, PLC0415
    import airflow.jobs.scheduler_job_runner  # noqa: F401, PLC0415

    assert not [name for name in sys.modules if name.split(".")[0] in ("shnor", "shnor_core")], "imported too early"
    for calendars in calendar_folders:
        child = os.fork()
        if child == 0:
            code = 1
            try:
                os.environ["SHNOR_CALENDARS_DIR"] = calendars
                scheduled = runs_of(home)
                target = Path(output_folder) / f"{Path(calendars).name}.json"
                target.write_text(json.dumps(scheduled, ensure_ascii=False), encoding="utf-8")
                code = 0
            except BaseException:
                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        _, status = os.waitpid(child, 0)
        if status:
            print(f"scheduler_runs: {calendars}: the child ended with status {status}", file=sys.stderr)
            return 1
    return 0


def runs_of(home: str) -> dict:
    """The runs of the calendars in ``SHNOR_CALENDARS_DIR``, on a fresh copy of the empty migrated database."""
    from airflow import settings  # noqa: PLC0415 - imported by the parent already
    from airflow.dag_processing.bundles.manager import DagBundlesManager  # noqa: PLC0415
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

    import shnor.timetable  # noqa: PLC0415 - reads the calendars set by the caller
    from shnor.airflow_local import migrated_db_cache  # noqa: PLC0415
    from shnor.windows import DAG_START  # noqa: PLC0415

    shnor.timetable._now = lambda: instance(DAG_START)  # the scheduler's clock at the start of the calendar
    settings.engine.dispose(close=False)  # no connection of the parent's: each child opens its own database
    database = Path(home) / "airflow.db"
    for leftover in ("-wal", "-shm", "-journal"):  # the previous child's, which SQLite would replay into the new file
        database.with_name(database.name + leftover).unlink(missing_ok=True)
    if migrated_db_cache().exists():
        staged = database.with_name(f".{database.name}.{os.getpid()}")
        shutil.copyfile(migrated_db_cache(), staged)
        os.replace(staged, database)  # the previous calendar's runs are gone
    else:
        database.unlink(missing_ok=True)
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
    return {"runs": runs, "dags": sorted(bag.dags), "import_errors": bag.import_errors,
            "warnings": {Path(k).name: list(v) for k, v in bag.captured_warnings.items()}}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
