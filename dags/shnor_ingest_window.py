"""Airflow DAG ``shnor_ingest_window``: a monitoring window's files into the raw warehouse.

Scheduled by the monitoring calendar (``calendars/*.csv``): one run per window that collects
municipal forms, firing at window close plus its grace days; its data interval is the window.
Reference catalogues → municipal submissions → ОО-1 context → school registry, assessment results,
lists, mentors, the municipalities' roadmaps and their execution reports, registries of people and
professional development → GX validation of every new file.
Updates the asset ``shnor_raw_tables``, which triggers ``shnor_build_marts``.

Rerun a window: trigger with ``{"monitoring_id": "mph-2025"}`` (late files are picked up and land
in that window's cycle, flagged late). DuckDB has one writer: one active run at a time.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import Param, dag

from shnor import tasks
from shnor.timetable import MonitoringCalendarTimetable


@dag(
    dag_id="shnor_ingest_window",
    schedule=MonitoringCalendarTimetable(event="close", with_form_only=True),
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    tags=["shnor", "ingestion"],
    doc_md=__doc__,
    params={"monitoring_id": Param("", type="string", description="Мониторинг; пусто — окно по интервалу данных")},
)
def shnor_ingest_window():
    monitoring_id = tasks.resolve_monitoring()
    submissions = tasks.ingest_submissions(monitoring_id)
    tasks.load_reference() >> submissions >> tasks.ingest_context() >> tasks.ingest_school_data() \
        >> tasks.validate_new_files(monitoring_id)


shnor_ingest_window()
