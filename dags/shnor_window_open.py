"""Airflow DAG ``shnor_window_open``: when a window opens, issue its templates (one per municipality)."""

from __future__ import annotations

import pendulum
from airflow.sdk import Param, dag

from shnor import tasks
from shnor.timetable import MonitoringCalendarTimetable


@dag(
    dag_id="shnor_window_open",
    schedule=MonitoringCalendarTimetable(event="open", with_form_only=True),
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    tags=["shnor", "templates"],
    doc_md=__doc__,
    params={"monitoring_id": Param("", type="string", description="Мониторинг; пусто — окно по интервалу данных")},
)
def shnor_window_open():
    tasks.issue_templates(tasks.resolve_monitoring())


shnor_window_open()
