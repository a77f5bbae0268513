"""Airflow DAGs of the monitoring calendar: one per calendar row and event, made from ``calendars/*.csv``.

For each row (a monitoring, or the windows of a periodic row) ``shnor.windows.calendar_plan`` says which
events its kind of window has; each becomes a DAG whose timetable holds the row's windows:

- ``shnor_open__<row>``     at window open: the form's templates (per municipality, or per school in a
                            folder per municipality);
- ``shnor_reminder__<row>`` two days before close: takes in what has landed, reminds who has not submitted;
- ``shnor_close__<row>``    at close plus grace days: reference → forms → ОО-1 → school data (registry,
                            results, lists, mentors, the municipalities' roadmaps and execution reports,
                            registries of people, professional development) → GX, then
                            the asset ``shnor_raw_tables`` (marts, then reports, through the asset chain).
                            A computed window collects no form: its close takes in landed school data and
                            builds its marts and report from the warehouse.

A calendar row with a mistake is left out with an import warning naming its file, line and reason; the
other rows still schedule (``shnor calendar show`` lists the same). Rerun a window (a late or corrected
file): trigger its ``shnor_close__<row>`` DAG with ``{"monitoring_id": "<window>"}``; only that window's
marts and reports are rebuilt. DuckDB has one writer: one active run per DAG.
"""

from __future__ import annotations

import warnings

import pendulum
from airflow.sdk import Param, dag

from shnor import tasks
from shnor.timetable import MonitoringCalendarTimetable
from shnor.windows import DAG_START, REMINDER_DAYS, CalendarWarning, WindowDag, calendar_plan


def _compose(spec: WindowDag) -> None:
    monitoring_id = tasks.resolve_monitoring()
    if spec.event == "open":
        if spec.kind.level == "school":  # templates name each school of the registry
            tasks.load_reference() >> tasks.ingest_registry() >> tasks.issue_templates(monitoring_id)
        else:
            tasks.issue_templates(monitoring_id)
    elif spec.event == "reminder":
        tasks.ingest_submissions(monitoring_id) >> tasks.validate_before_reminder() >> tasks.remind_missing(monitoring_id)
    else:
        tasks.load_reference() >> tasks.ingest_submissions(monitoring_id) >> tasks.ingest_context() \
            >> tasks.ingest_school_data() >> tasks.validate_new_files(monitoring_id)


def window_dag(spec: WindowDag):
    first = spec.first
    default = "" if spec.is_periodic else first.monitoring_id

    @dag(
        dag_id=spec.dag_id,
        schedule=MonitoringCalendarTimetable(spec.event, spec.windows, REMINDER_DAYS),
        start_date=pendulum.instance(DAG_START),
        catchup=False,
        max_active_runs=1,
        tags=["shnor", f"region-{first.region_code}", first.kind, spec.event],
        description=spec.description()[:1000],
        doc_md=__doc__,
        params={"monitoring_id": Param(default, type="string",
                                       description="Окно мониторинга; пусто — окно по интервалу данных запуска")},
    )
    def window():
        _compose(spec)

    return window()


plan = calendar_plan()
for problem in plan.problems:
    warnings.warn(f"Строка календаря пропущена — {problem}", CalendarWarning, stacklevel=1)
for spec in plan.dags:
    globals()[spec.dag_id.replace("-", "_").replace(".", "_")] = window_dag(spec)
