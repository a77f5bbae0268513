"""A monitoring cycle's later stages (publishing marts, writing reports) and the whole cycle in one
process without Airflow, for tests and benchmarks that measure the work itself. Under Airflow the same
stages run as tasks of the cycle's DAGs (shnor.tasks)."""

from __future__ import annotations

from reports.cycle_reports import write_cycle_reports
from shnor import ingest
from shnor.dbt_runner import dbt_build, dbt_target
from shnor.publish import publish_marts as publish_duckdb_marts
from shnor_core.settings import DataHome


def publish_marts(home: DataHome) -> dict:
    """Marts for BI readers: an atomically swapped DuckDB file and Parquet (on the DuckDB target;
    on PostgreSQL, dbt's own per-table swap serves readers)."""
    if dbt_target() != "duckdb":
        return {"published": None}
    return publish_duckdb_marts(home)


def build_reports(home: DataHome, monitoring_id: str) -> dict:
    return write_cycle_reports(home, monitoring_id)


def run_window_in_process(home: DataHome, monitoring_id: str) -> dict:
    """The stages of the ingest, marts and reports DAGs in this process, without Airflow."""
    return {
        "reference": ingest.load_reference(home),
        "submissions": ingest.ingest_submissions(home, monitoring_id),
        "context": ingest.ingest_context(home),
        "school_data": ingest.ingest_school_data(home),
        "validation": ingest.validate_pending(home),
        "dbt": dbt_build(home),
        "published": publish_marts(home),
        "reports": build_reports(home, monitoring_id),
    }
