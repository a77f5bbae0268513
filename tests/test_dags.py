"""Every DAG file imports and serializes (import tests alone miss serialization failures in Airflow 3.3),
and the DAGs are wired as the architecture says: calendar → ingestion → (asset) marts → (asset) reports."""

from __future__ import annotations

import pytest
from airflow.dag_processing.dagbag import DagBag
from airflow.serialization.serialized_objects import DagSerialization

from shnor.tasks import MARTS, RAW_TABLES
from shnor.timetable import MonitoringCalendarTimetable
from shnor_core.settings import DAGS_DIR

DAG_IDS = {"shnor_ingest_window", "shnor_build_marts", "shnor_publish_reports", "shnor_window_open",
           "shnor_window_reminder"}


@pytest.fixture(scope="module")
def dag_bag():
    return DagBag(dag_folder=str(DAGS_DIR))


def test_dag_folder_imports_without_errors(dag_bag):
    assert dag_bag.import_errors == {}
    assert set(dag_bag.dags) == DAG_IDS


def test_every_dag_serializes_and_comes_back(dag_bag):
    for dag_id, dag in dag_bag.dags.items():
        serialized = DagSerialization.to_dict(dag)
        assert serialized["dag"]["dag_id"] == dag_id
        restored = DagSerialization.from_dict(serialized)
        assert restored.dag_id == dag_id
        if isinstance(dag.timetable, MonitoringCalendarTimetable):
            assert restored.timetable == dag.timetable  # the plugin-registered class, same settings


def test_calendar_dags_use_the_calendar_timetable(dag_bag):
    events = {dag_id: dag_bag.dags[dag_id].timetable for dag_id in ("shnor_ingest_window", "shnor_window_open",
                                                                     "shnor_window_reminder")}
    assert all(isinstance(t, MonitoringCalendarTimetable) for t in events.values())
    assert {dag_id: t.event for dag_id, t in events.items()} == {
        "shnor_ingest_window": "close", "shnor_window_open": "open", "shnor_window_reminder": "reminder"}


def test_assets_chain_ingestion_marts_reports(dag_bag):
    ingest = dag_bag.dags["shnor_ingest_window"]
    assert [a.name for a in ingest.get_task("validate_new_files").outlets] == [RAW_TABLES.name]
    assert [a.name for a in dag_bag.dags["shnor_build_marts"].get_task("publish_marts").outlets] == [MARTS.name]
    assert [a.name for a in dag_bag.dags["shnor_build_marts"].timetable.asset_condition.objects] == [RAW_TABLES.name]
    assert [a.name for a in dag_bag.dags["shnor_publish_reports"].timetable.asset_condition.objects] == [MARTS.name]


def test_ingestion_runs_stages_in_order(dag_bag):
    dag = dag_bag.dags["shnor_ingest_window"]
    order = ["load_reference", "ingest_submissions", "ingest_context", "ingest_school_data", "validate_new_files"]
    for upstream, downstream in zip(order, order[1:]):
        assert upstream in dag.get_task(downstream).upstream_task_ids
    assert all(d.max_active_runs == 1 for d in dag_bag.dags.values() if d.dag_id != "shnor_window_open")
