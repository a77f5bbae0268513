"""Airflow DAG ``shnor_window_reminder``: two days before a window closes, remind who has not submitted.

Takes in what has landed so far (and validates it), then lists municipalities without an accepted
form in a workbook and through a notifier (file by default, e-mail with ``SHNOR_NOTIFY_EMAIL``).
"""

from __future__ import annotations

import pendulum
from airflow.sdk import Param, dag

from shnor import tasks
from shnor.timetable import MonitoringCalendarTimetable


@dag(
    dag_id="shnor_window_reminder",
    schedule=MonitoringCalendarTimetable(event="reminder", reminder_days=2, with_form_only=True),
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    tags=["shnor", "reminders"],
    doc_md=__doc__,
    params={"monitoring_id": Param("", type="string", description="Мониторинг; пусто — окно по интервалу данных")},
)
def shnor_window_reminder():
    monitoring_id = tasks.resolve_monitoring()
    landed = tasks.ingest_submissions(monitoring_id)
    landed >> tasks.validate_before_reminder() >> tasks.remind_missing(monitoring_id)


shnor_window_reminder()
