"""A monitoring cycle's later stages (publishing marts, writing reports) and the whole cycle in one
process without Airflow, for tests and benchmarks that measure the work itself. Under Airflow the same
stages run as tasks of the cycle's DAGs (shnor.tasks)."""

from __future__ import annotations

import hashlib

from reports.cycle_reports import write_cycle_reports
from shnor import ingest
from shnor.dbt_runner import build_record, dbt_build, dbt_target
from shnor.docs_site import build_docs as write_docs
from shnor.docs_site import docs_folder
from shnor.fingerprints import code_inputs, remember, unchanged
from shnor.publish import publish_marts as publish_duckdb_marts
from shnor_core.settings import DataHome


def publish_marts(home: DataHome) -> dict:
    """Marts for BI readers: an atomically swapped DuckDB file and Parquet (on the DuckDB target;
    on PostgreSQL, dbt's own per-table swap serves readers)."""
    if dbt_target() != "duckdb":
        return {"published": None}
    return publish_duckdb_marts(home)


def build_reports(home: DataHome, monitoring_id: str, skip_unchanged: bool = False) -> dict:
    """All reports of a cycle. With ``skip_unchanged`` (the cycle's DAG), reports already written from the
    same marts by the same code are kept as they are."""
    record = home.reports / monitoring_id / ".inputs.json"
    marts = build_record(home).read_text(encoding="utf-8") if build_record(home).exists() else ""
    fingerprint = hashlib.sha256(f"{marts}|{code_inputs()}|{monitoring_id}".encode()).hexdigest()
    if skip_unchanged and marts and unchanged(record, fingerprint):
        return {"unchanged": True, "folder": str(record.parent)}
    written = write_cycle_reports(home, monitoring_id)
    remember(record, fingerprint)
    return written


def build_docs(home: DataHome, skip_unchanged: bool = False) -> dict:
    """dbt docs and GX Data Docs; with ``skip_unchanged`` (the cycle's DAG), not again while the models,
    the data and the saved validation results are those they were built from."""
    record = docs_folder(home) / ".inputs.json"
    results = sorted(str(p.relative_to(home.validation)) for p in home.validation.glob("*/*.json"))
    marts = build_record(home).read_text(encoding="utf-8") if build_record(home).exists() else ""
    fingerprint = hashlib.sha256(f"{marts}|{results}".encode()).hexdigest()
    if skip_unchanged and marts and unchanged(record, fingerprint):
        return {"unchanged": True, "folder": str(record.parent)}
    built = write_docs(home)
    remember(record, fingerprint)
    return built


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
