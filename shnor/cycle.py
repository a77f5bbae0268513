"""A monitoring cycle's stages that depend on the kind of window (templates, reports), the later stages
(publishing marts, writing reports) and the whole cycle in one process without Airflow, for tests and
benchmarks that measure the work itself. Under Airflow the same stages run as tasks of the calendar's DAGs
(shnor.tasks)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from reports.cycle_reports import write_cycle_reports
from reports.monitoring_report import write_monitoring_report
from reports.provenance import code_digest
from reports.templates import issue_school_templates
from reports.templates import issue_templates as issue_municipal_templates
from shnor import ingest
from shnor.dbt_runner import build_record, dbt_build, dbt_target
from shnor.docs_site import build_docs as write_docs
from shnor.docs_site import docs_folder
from shnor.fingerprints import dbt_project_inputs, remember, unchanged
from shnor.publish import publish_marts as publish_duckdb_marts
from shnor_core.reference import get_monitoring
from shnor_core.settings import DataHome


def publish_marts(home: DataHome, skip_unchanged: bool = False) -> dict:
    """Marts for BI readers: an atomically swapped DuckDB file and Parquet (on the DuckDB target;
    on PostgreSQL, dbt's own per-table swap serves readers). With ``skip_unchanged`` (the cycle's DAG), not
    again when the published copy is already the warehouse's current build — decided by what is published,
    not by whether dbt built, so a run after a publish cut off midway publishes."""
    if dbt_target() != "duckdb":
        return {"published": None}
    return publish_duckdb_marts(home, skip_unchanged=skip_unchanged)


def issue_templates(home: DataHome, monitoring_id: str) -> list[Path]:
    """A window's blank templates: per municipality, or per school of the registry for a school-level form."""
    monitoring = get_monitoring(monitoring_id)
    if not monitoring.form_id:
        raise KeyError(f"Окно «{monitoring_id}» ({monitoring.window_kind.title}) форм не собирает: шаблонов нет")
    if monitoring.level == "school":
        return issue_school_templates(home, monitoring_id, ingest.registry_schools(home, monitoring.region_code))
    return issue_municipal_templates(home, monitoring_id)


def build_reports(home: DataHome, monitoring_id: str, skip_unchanged: bool = False, progress=None) -> dict:
    """The reports of a window, by its kind: a municipal form's cycle reports (notes, workbooks); a school
    form's, a computed window's and the two-year comparison's monitoring report (reports.monitoring_report).
    With ``skip_unchanged`` (the cycle's DAG), reports already written from the same marts by the same code
    are kept as they are. ``progress`` (the CLI) hears of each stage of a cycle's reports."""
    record = home.reports / monitoring_id / ".inputs.json"
    marts = build_record(home).read_text(encoding="utf-8") if build_record(home).exists() else ""
    fingerprint = hashlib.sha256(f"{marts}|{code_digest()}|{monitoring_id}".encode()).hexdigest()
    if skip_unchanged and marts and unchanged(record, fingerprint):
        return {"unchanged": True, "folder": str(record.parent)}
    kind = get_monitoring(monitoring_id).kind
    written = write_cycle_reports(home, monitoring_id, progress) if kind in ("municipal_form", "municipal_two_year") else {}
    if kind != "municipal_form":
        written.update(write_monitoring_report(home, monitoring_id))
    remember(record, fingerprint)
    return written


def build_docs(home: DataHome, skip_unchanged: bool = False) -> dict:
    """dbt docs and GX Data Docs; with ``skip_unchanged`` (the cycle's docs DAG), each only when what it shows
    changed: dbt docs when the dbt project did (the files its manifest is made of), the GX site when a new
    validation run was saved — and then only the pages of the files not shown yet."""
    record = docs_folder(home) / ".inputs.json"
    project = dbt_project_inputs(dbt_target())
    runs = sorted(str(p.relative_to(home.validation)) for p in home.validation.glob("*/*.json"))
    previous = {}
    if skip_unchanged and record.is_file():
        previous = json.loads(record.read_text(encoding="utf-8"))
    dbt_docs = previous.get("dbt_project") != project or not (docs_folder(home) / "dbt" / "static_index.html").is_file()
    validations = previous.get("validation_runs") != runs
    if not dbt_docs and not validations:
        return {"unchanged": True, "folder": str(record.parent)}
    built = write_docs(home, dbt_docs=dbt_docs, validations=validations, rendered=set(previous.get("gx_pages", [])))
    shown = built.pop("shown_files", previous.get("gx_pages", []))
    record.write_text(json.dumps({"dbt_project": project, "validation_runs": runs, "gx_pages": sorted(shown)}),
                      encoding="utf-8")
    return built


def run_window_in_process(home: DataHome, monitoring_id: str, reports: bool = True, skip_unchanged: bool = False) -> dict:
    """The stages of a window's close DAG, the marts DAG and the reports DAG in this process, without Airflow;
    ``reports=False`` stops at the published marts (for a caller that reads no document: notes cost most);
    ``skip_unchanged`` as the DAGs run them (a rerun builds only what is downstream of its new rows)."""
    stages = run_windows_in_process(home, [monitoring_id], reports, skip_unchanged)
    return {**stages, **{stage: stages[stage][monitoring_id] for stage in ("submissions", "reports") if stage in stages}}


def run_windows_in_process(home: DataHome, monitoring_ids: list[str], reports: bool = True,
                           skip_unchanged: bool = False) -> dict:
    """Several windows closed together: each one's forms taken in, then one build and one publish (a test whose
    windows' marts do not depend on the order their files came pays for one ``dbt build``, not one per window);
    ``submissions`` and ``reports`` by window."""
    stages = {
        "reference": ingest.load_reference(home),
        "submissions": {monitoring_id: ingest.ingest_submissions(home, monitoring_id) for monitoring_id in monitoring_ids},
        "context": ingest.ingest_context(home),
        "school_data": ingest.ingest_school_data(home),
        "validation": ingest.validate_pending(home),
        "dbt": dbt_build(home, skip_unchanged=skip_unchanged),
        "published": publish_marts(home, skip_unchanged),
    }
    if reports:
        stages["reports"] = {monitoring_id: build_reports(home, monitoring_id, skip_unchanged)
                             for monitoring_id in monitoring_ids}
    return stages
