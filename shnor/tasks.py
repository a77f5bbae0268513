"""TaskFlow tasks the DAG files compose. Each is a thin call into a stage of ``shnor`` (ingest, dbt runner, cycle) or ``reports``.

A run's monitoring comes from, in order: the run's ``monitoring_id`` param (manual runs, reruns; a
calendar DAG of a single window has it as the default), the asset events that triggered it (their
``extra``), or the window of the DAG's own timetable equal to its data interval (scheduled runs of a
periodic row).

DAG files must parse in milliseconds (Airflow's DAG processor re-parses them often), so the stages —
which import pandas, DuckDB, the readers, Great Expectations and the report writers — are imported when
a task runs, through ``_stages()``, and nowhere else in this module.
"""

from __future__ import annotations

from types import SimpleNamespace

from airflow.sdk import Asset, task

from shnor_core.settings import DataHome

RAW_TABLES = Asset(name="shnor_raw_tables", uri="file:///shnor/warehouse/raw")
MARTS = Asset(name="shnor_marts", uri="file:///shnor/warehouse/marts")
REPORTS = Asset(name="shnor_reports", uri="file:///shnor/reports")


def _home() -> DataHome:
    return DataHome.from_env()


def _stages():
    """The modules whose functions the tasks call (imported when a task runs, not when a DAG parses)."""
    from shnor import cycle, dbt_runner, ingest, reminders  # noqa: PLC0415 - heavy: see the module docstring

    return SimpleNamespace(cycle=cycle, dbt_runner=dbt_runner, ingest=ingest, reminders=reminders)


def _monitoring_of_run(params, dag, data_interval_start, data_interval_end) -> str:
    timetable = getattr(dag, "timetable", None)
    monitoring_id = (params or {}).get("monitoring_id") or (
        timetable.monitoring_of(data_interval_start, data_interval_end) if hasattr(timetable, "monitoring_of") else None)
    if not monitoring_id:
        raise ValueError("Не удалось определить мониторинг запуска: задайте monitoring_id в параметрах запуска")
    return monitoring_id


def _monitorings_of_events(params, triggering_asset_events) -> list[str]:
    """Monitorings named by the asset events that triggered the run, else the run's own param."""
    monitoring_ids = sorted({monitoring_id for events in (triggering_asset_events or {}).values() for event in events
                             for monitoring_id in (event.extra or {}).get("monitoring_ids", [])})
    if not monitoring_ids:  # a manual run: one window, or several (as a batch of asset events would carry)
        monitoring_ids = list((params or {}).get("monitoring_ids") or []) or (
            [params["monitoring_id"]] if (params or {}).get("monitoring_id") else [])
    return monitoring_ids


@task
def resolve_monitoring(params=None, dag=None, data_interval_start=None, data_interval_end=None) -> str:
    return _monitoring_of_run(params, dag, data_interval_start, data_interval_end)


@task
def load_reference() -> dict:
    return _stages().ingest.load_reference(_home())


@task
def ingest_submissions(monitoring_id: str) -> dict:
    return _stages().ingest.ingest_submissions(_home(), monitoring_id)


@task
def ingest_registry() -> dict:
    return _stages().ingest.ingest_registry(_home())


@task
def ingest_context() -> dict:
    return _stages().ingest.ingest_context(_home())


@task
def ingest_school_data() -> dict:
    return _stages().ingest.ingest_school_data(_home())


@task(outlets=[RAW_TABLES])
def validate_new_files(monitoring_id: str, outlet_events=None) -> dict:
    summary = _stages().ingest.validate_pending(_home())
    outlet_events[RAW_TABLES].extra = {"monitoring_ids": [monitoring_id]}
    return summary


@task
def validate_before_reminder() -> dict:
    return _stages().ingest.validate_pending(_home())


@task
def dbt_build(params=None, triggering_asset_events=None) -> dict:
    """Builds and tests the dbt project (not again when nothing it reads has changed since the last
    build); returns the monitorings whose data changed and whether dbt built."""
    result = _stages().dbt_runner.dbt_build(_home(), skip_unchanged=True)
    return {"monitoring_ids": _monitorings_of_events(params, triggering_asset_events),
            "dbt_unchanged": bool(result.get("unchanged"))}


@task(outlets=[MARTS])
def publish_marts(built: dict, outlet_events=None) -> dict:
    # whether to publish is decided by what is published (its build id), not by whether dbt built just now:
    # a run after a publish cut off midway publishes even though its marts are unchanged
    summary = _stages().cycle.publish_marts(_home(), skip_unchanged=True)
    outlet_events[MARTS].extra = {"monitoring_ids": built["monitoring_ids"]}
    return summary


@task
def build_docs() -> dict:
    return _stages().cycle.build_docs(_home(), skip_unchanged=True)


@task(outlets=[REPORTS])
def build_reports(params=None, triggering_asset_events=None) -> dict:
    build_reports = _stages().cycle.build_reports
    return {monitoring_id: build_reports(_home(), monitoring_id, skip_unchanged=True)
            for monitoring_id in _monitorings_of_events(params, triggering_asset_events)}


@task
def issue_templates(monitoring_id: str) -> dict:
    paths = _stages().cycle.issue_templates(_home(), monitoring_id)
    return {"templates": len(paths), "folders": sorted({str(path.parent) for path in paths})}


@task
def remind_missing(monitoring_id: str) -> dict:
    return _stages().reminders.send_reminder(_home(), monitoring_id)
