"""Every DAG file imports and serializes (import tests alone miss serialization failures in Airflow 3.3),
and the DAGs are wired as the architecture says: calendar → processing at close → (asset) marts → (asset)
reports, with one DAG per calendar row and event of its kind of window."""

from __future__ import annotations

import pytest
from airflow.dag_processing.dagbag import DagBag
from airflow.serialization.serialized_objects import DagSerialization

from shnor.tasks import MARTS, RAW_TABLES, REPORTS
from shnor.timetable import MonitoringCalendarTimetable
from shnor_core.settings import DAGS_DIR

# By hand from the bundled calendars: each form window has open, reminder and close; a computed one, close.
FORM_WINDOWS = ["mph-2025", "mnc-mtkp-2025", "shnor-identification-2024", "shnor-deficits-2024", "municipal-shnor-2024"]
COMPUTED_WINDOWS = ["shnor-dynamics-2024", "risk-dynamics-2024"]
DAG_IDS = {"shnor_build_marts", "shnor_publish_reports", "shnor_build_docs",
           *(f"shnor_{event}__{m}" for m in FORM_WINDOWS for event in ("open", "reminder", "close")),
           *(f"shnor_close__{m}" for m in COMPUTED_WINDOWS)}
CLOSE_DAG = "shnor_close__mph-2025"


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
    calendar_dags = {dag_id: dag for dag_id, dag in dag_bag.dags.items() if "__" in dag_id}
    assert all(isinstance(dag.timetable, MonitoringCalendarTimetable) for dag in calendar_dags.values())
    assert {dag_id: dag.timetable.event for dag_id, dag in calendar_dags.items()} == {
        dag_id: dag_id.split("__")[0].removeprefix("shnor_") for dag_id in calendar_dags}
    # each DAG's timetable holds its own row's windows only
    assert [w.monitoring_id for w in dag_bag.dags["shnor_close__shnor-dynamics-2024"].timetable.windows()] == [
        "shnor-dynamics-2024"]


def test_school_form_windows_read_the_registry_before_their_templates(dag_bag):
    opening = dag_bag.dags["shnor_open__shnor-identification-2024"]
    assert "ingest_registry" in opening.get_task("issue_templates").upstream_task_ids
    assert "ingest_registry" not in dag_bag.dags["shnor_open__mph-2025"].task_ids


def test_assets_chain_ingestion_marts_reports(dag_bag):
    ingest = dag_bag.dags[CLOSE_DAG]
    assert [a.name for a in ingest.get_task("validate_new_files").outlets] == [RAW_TABLES.name]
    assert [a.name for a in dag_bag.dags["shnor_build_marts"].get_task("publish_marts").outlets] == [MARTS.name]
    assert [a.name for a in dag_bag.dags["shnor_build_marts"].timetable.asset_condition.objects] == [RAW_TABLES.name]
    assert [a.name for a in dag_bag.dags["shnor_publish_reports"].timetable.asset_condition.objects] == [MARTS.name]
    # the documentation after the reports, in a DAG of its own: `shnor run` prints its summary before it
    assert dag_bag.dags["shnor_publish_reports"].task_ids == ["build_reports"]
    assert [a.name for a in dag_bag.dags["shnor_publish_reports"].get_task("build_reports").outlets] == [REPORTS.name]
    assert [a.name for a in dag_bag.dags["shnor_build_docs"].timetable.asset_condition.objects] == [REPORTS.name]


def test_ingestion_runs_stages_in_order(dag_bag):
    order = ["load_reference", "ingest_submissions", "ingest_context", "ingest_school_data", "validate_new_files"]
    for dag_id in (CLOSE_DAG, "shnor_close__shnor-dynamics-2024"):  # a computed window's close takes in landed data too
        dag = dag_bag.dags[dag_id]
        for upstream, downstream in zip(order, order[1:]):
            assert upstream in dag.get_task(downstream).upstream_task_ids
        assert [a.name for a in dag.get_task("validate_new_files").outlets] == [RAW_TABLES.name]
    assert all(d.max_active_runs == 1 for d in dag_bag.dags.values())
