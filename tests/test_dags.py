"""Every DAG file imports and serializes: import tests alone miss serialization failures in Airflow 3.3."""

from __future__ import annotations

import pytest

from shnor.settings import DAGS_DIR


@pytest.fixture(scope="module")
def dag_bag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS_DIR))


def test_dag_folder_imports_without_errors(dag_bag):
    assert dag_bag.import_errors == {}
    assert "shnor_monitoring_cycle" in dag_bag.dags


def test_every_dag_serializes(dag_bag):
    from airflow.serialization.serialized_objects import DagSerialization

    for dag_id, dag in dag_bag.dags.items():
        serialized = DagSerialization.to_dict(dag)
        assert serialized["dag"]["dag_id"] == dag_id


def test_cycle_runs_stages_in_order(dag_bag):
    dag = dag_bag.dags["shnor_monitoring_cycle"]
    order = ["load_reference", "ingest_submissions", "ingest_context", "validate_new_files", "dbt_build", "build_reports"]
    for upstream, downstream in zip(order, order[1:]):
        assert dag.get_task(downstream).upstream_task_ids == {upstream}
    assert dag.max_active_runs == 1
