"""TaskFlow tasks the DAG files compose. Each is a thin call into ``shnor.pipeline`` or ``reports``.

A run's monitoring comes from, in order: the run's ``monitoring_id`` param (manual runs, reruns),
the asset events that triggered it (their ``extra``), or the calendar window equal to its data
interval (scheduled runs). Heavy modules are imported inside tasks, so DAG files parse quickly.
"""

from __future__ import annotations

from airflow.sdk import Asset, task

RAW_TABLES = Asset(name="shnor_raw_tables", uri="file:///shnor/warehouse/raw")
MARTS = Asset(name="shnor_marts", uri="file:///shnor/warehouse/marts")


def _home():
    from shnor.settings import DataHome

    return DataHome.from_env()


def _monitoring_of_run(params, data_interval_start, data_interval_end) -> str:
    from shnor.timetable import monitoring_for_interval

    monitoring_id = (params or {}).get("monitoring_id") or monitoring_for_interval(data_interval_start, data_interval_end)
    if not monitoring_id:
        raise ValueError("Не удалось определить мониторинг запуска: задайте monitoring_id в параметрах запуска")
    return monitoring_id


def _monitorings_of_events(params, triggering_asset_events) -> list[str]:
    """Monitorings named by the asset events that triggered the run, else the run's own param."""
    monitoring_ids = sorted({monitoring_id for events in (triggering_asset_events or {}).values() for event in events
                             for monitoring_id in (event.extra or {}).get("monitoring_ids", [])})
    if not monitoring_ids and (params or {}).get("monitoring_id"):
        monitoring_ids = [params["monitoring_id"]]
    return monitoring_ids


@task
def resolve_monitoring(params=None, data_interval_start=None, data_interval_end=None) -> str:
    return _monitoring_of_run(params, data_interval_start, data_interval_end)


@task
def load_reference() -> dict:
    from shnor.pipeline import load_reference

    return load_reference(_home())


@task
def ingest_submissions(monitoring_id: str) -> dict:
    from shnor.pipeline import ingest_submissions

    return ingest_submissions(_home(), monitoring_id)


@task
def ingest_context() -> dict:
    from shnor.pipeline import ingest_context

    return ingest_context(_home())


@task
def ingest_school_data() -> dict:
    from shnor.pipeline import ingest_school_data

    return ingest_school_data(_home())


@task(outlets=[RAW_TABLES])
def validate_new_files(monitoring_id: str, outlet_events=None) -> dict:
    from shnor.pipeline import validate_pending

    summary = validate_pending(_home())
    outlet_events[RAW_TABLES].extra = {"monitoring_ids": [monitoring_id]}
    return summary


@task
def validate_before_reminder() -> dict:
    from shnor.pipeline import validate_pending

    return validate_pending(_home())


@task
def dbt_build(params=None, triggering_asset_events=None) -> list[str]:
    """Builds and tests the dbt project; returns the monitorings whose data changed."""
    from shnor.pipeline import dbt_build

    dbt_build(_home())
    return _monitorings_of_events(params, triggering_asset_events)


@task(outlets=[MARTS])
def publish_marts(monitoring_ids: list[str], outlet_events=None) -> dict:
    from shnor.pipeline import publish_marts

    summary = publish_marts(_home())
    outlet_events[MARTS].extra = {"monitoring_ids": monitoring_ids}
    return summary


@task
def build_docs() -> dict:
    from shnor.docs_site import build_docs

    return build_docs(_home())


@task
def build_reports(params=None, triggering_asset_events=None) -> dict:
    from shnor.pipeline import build_reports

    return {monitoring_id: build_reports(_home(), monitoring_id)
            for monitoring_id in _monitorings_of_events(params, triggering_asset_events)}


@task
def issue_templates(monitoring_id: str) -> dict:
    from reports.templates import issue_templates

    paths = issue_templates(_home(), monitoring_id)
    return {"templates": len(paths), "folder": str(paths[0].parent) if paths else None}


@task
def remind_missing(monitoring_id: str) -> dict:
    from shnor.reminders import send_reminder

    return send_reminder(_home(), monitoring_id)
