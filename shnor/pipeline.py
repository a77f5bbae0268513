"""The stages of one monitoring cycle, as plain functions: DAG tasks and the CLI both call these.

landing → archive (immutable, by sha256) → raw tables (+ read errors) → GX validation per file
(accepted / rejected; rejected files are copied to quarantine with their reasons) → dbt build →
reports. Each stage is idempotent: a file already known by its sha256 is not read again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from ingestion.context_reader import context_dtypes
from ingestion.lists_reader import ASSIGNMENT_COLUMNS, LIST_COLUMNS, PEOPLE_COLUMNS
from ingestion.results_reader import RESULT_COLUMNS
from ingestion.school_registry import REGISTRY_TYPES
from ingestion.lineage import file_sha256
from ingestion.reference import get_monitoring, load_calendar, load_form, load_municipalities, read_form_rows
from ingestion.submission_reader import VALUE_COLUMNS, read_submission
from shnor import warehouse
from shnor.settings import DBT_PROJECT_DIR, FORMS_DIR, DataHome
from shnor.validation import ValidationOutcome, save_result, validate_files

log = logging.getLogger(__name__)

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".csv"}


@dataclass(frozen=True)
class SourceKind:
    """A kind of landed file: the raw table its rows go to (with the reader's column types) and the
    GX suite that checks them."""

    name: str
    table: str
    suite: str
    columns: dict[str, str]


SUBMISSION = SourceKind("submission", "raw.submission_values", "raw_submission_values", VALUE_COLUMNS)
OO1_CONTEXT = SourceKind("oo1_context", "raw.oo1_context", "raw_oo1_context", context_dtypes())
SCHOOL_REGISTRY = SourceKind("school_registry", "raw.schools", "raw_schools", REGISTRY_TYPES)
ASSESSMENT = SourceKind("assessment_results", "raw.assessment_results", "raw_assessment_results", RESULT_COLUMNS)
SCHOOL_LISTS = SourceKind("school_lists", "raw.school_lists", "raw_school_lists", LIST_COLUMNS)
MENTORS = SourceKind("mentor_assignments", "raw.mentor_assignments", "raw_mentor_assignments", ASSIGNMENT_COLUMNS)
SOURCE_KINDS = {kind.name: kind for kind in (SUBMISSION, OO1_CONTEXT, SCHOOL_REGISTRY, ASSESSMENT, SCHOOL_LISTS, MENTORS)}


def landed_workbooks(folder: Path) -> list[Path]:
    """Workbooks in a landing folder, skipping Excel's lock files ("~$…") and hidden files."""
    if not folder.exists():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.suffix.lower() in WORKBOOK_SUFFIXES and not p.name.startswith(("~$", ".")))


def received_at(path: Path) -> datetime:
    """When the municipality's file arrived: its modification time (kept by mail clients and copies),
    never later than now."""
    modified = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc).replace(tzinfo=None)
    return min(modified, warehouse.now_utc())


ARCHIVE_SIDECAR = "source.json"


def archive_file(home: DataHome, path: Path, sha256: str, sidecar: dict) -> Path:
    """Copy a landed file into the archive once (keeping its modification time, i.e. when it was
    received), with a sidecar saying what it is; the archive is never rewritten."""
    target = home.archive / sha256[:2] / sha256 / path.name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
        (target.parent / ARCHIVE_SIDECAR).write_text(json.dumps(sidecar, ensure_ascii=False), encoding="utf-8")
    return target


def archived_files(home: DataHome, kind: SourceKind, monitoring_id: str | None = None) -> list[Path]:
    """Archived files of a kind (and monitoring): what a backfill on a fresh warehouse reads again."""
    found = []
    for sidecar in sorted(home.archive.glob(f"*/*/{ARCHIVE_SIDECAR}")):
        meta = json.loads(sidecar.read_text(encoding="utf-8"))
        if meta["source_kind"] == kind.name and (monitoring_id is None or meta.get("monitoring_id") == monitoring_id):
            found.append(sidecar.parent / meta["source_file"])
    return found


def quarantine_file(home: DataHome, archived: Path, sha256: str, reasons: list[dict]) -> Path:
    """The refused file, its reasons as JSON, and a feedback workbook to send back to the municipality."""
    from reports.feedback import write_feedback_workbook

    folder = home.quarantine / sha256
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy2(archived, folder / archived.name)
    (folder / "reasons.json").write_text(json.dumps(reasons, ensure_ascii=False, indent=1), encoding="utf-8")
    write_feedback_workbook(archived, reasons, folder / f"Ошибки - {Path(archived.name).stem}.xlsx")
    return folder


def load_reference(home: DataHome) -> dict:
    """Form catalogues (``forms/*.csv``) and monitoring calendars (``calendars/*.csv``, periodic rows
    expanded into their windows) into ``raw.form_items`` and ``raw.monitoring_calendar``."""
    rows = [row for path in sorted(FORMS_DIR.glob("*.csv")) for row in read_form_rows(path)]
    forms = pd.DataFrame(rows).astype({"section_order": "int64", "indicator_number": "int64", "item_number": "int64"})
    calendar = pd.DataFrame([asdict(window) for window in load_calendar().values()])
    calendar = calendar.astype({"window_open": "datetime64[s]", "window_close": "datetime64[s]"})
    with warehouse.connect(home.warehouse) as con:
        warehouse.replace_table(con, "raw.form_items", forms)
        warehouse.replace_table(con, "raw.monitoring_calendar", calendar)
        # every raw table exists from the start, so models build before each kind of file has arrived
        for table, columns in [(k.table, k.columns) for k in SOURCE_KINDS.values()] + [("restricted.people", PEOPLE_COLUMNS)]:
            empty = pd.DataFrame({c: pd.Series(dtype=t) for c, t in columns.items()})
            warehouse.ensure_table(con, table, warehouse.with_load_time(empty))
    return {"form_items": len(forms), "forms": int(forms["form_id"].nunique()), "monitoring_windows": len(calendar)}


def _ingest(home: DataHome, kind: SourceKind, paths: list[Path], read: Callable, file_fields: Callable,
            monitoring_id: str | None = None) -> dict:
    """Archive, read and record each file once; ``file_fields`` adds kind-specific registry columns.

    ``paths`` are the landed files plus the archive's files of the same kind and monitoring, so a
    window rerun on a fresh warehouse (a backfill) reads its files back from the archive.
    """
    summary = {"kind": kind.name, "files": 0, "new": 0, "already_known": 0, "read_errors": 0}
    seen: set[str] = set()
    with warehouse.connect(home.warehouse) as con:
        for path in paths + archived_files(home, kind, monitoring_id):
            sha256 = file_sha256(path)
            if sha256 in seen:  # the landed file and its archived copy
                continue
            seen.add(sha256)
            summary["files"] += 1
            if warehouse.known_file(con, sha256):
                summary["already_known"] += 1
                continue
            archived = archive_file(home, path, sha256, {"source_kind": kind.name, "source_file": path.name,
                                                         "monitoring_id": monitoring_id})
            result = read(archived, sha256)
            warehouse.replace_file_rows(con, kind.table, result.rows, sha256)
            warehouse.replace_errors(con, sha256, "read", result.errors_as_dicts())
            warehouse.replace_name_review(con, sha256, getattr(result, "unmatched", []))
            if getattr(result, "people", None) is not None:  # personal data: restricted schema only
                warehouse.replace_file_rows(con, "restricted.people", result.people, sha256)
            warehouse.record_file(
                con, source_sha256=sha256, source_kind=kind.name, source_file=path.name,
                archived_path=str(archived), received_at=received_at(path), is_demo=result.is_demo,
                status="read" if result.accepted else "rejected", **file_fields(result),
            )
            summary["new"] += 1
            if not result.accepted:
                summary["read_errors"] += 1
                quarantine_file(home, archived, sha256, result.errors_as_dicts())
                log.warning("%s refused at reading: %d errors", path.name, len(result.errors))
    return summary


def ingest_submissions(home: DataHome, monitoring_id: str) -> dict:
    monitoring = get_monitoring(monitoring_id)
    if not monitoring.form_id:
        return {"kind": SUBMISSION.name, "skipped": f"в мониторинге {monitoring_id} муниципальные формы не собираются"}
    form = load_form(monitoring.form_id)
    municipalities = load_municipalities(monitoring.region_code)
    return _ingest(
        home, SUBMISSION, landed_workbooks(home.submissions_landing(monitoring_id)),
        lambda path, sha256: read_submission(path, form, monitoring_id, municipalities, sha256),
        file_fields=lambda r: {"monitoring_id": monitoring_id,
                               "municipality_oktmo": r.municipality.oktmo if r.municipality else None},
        monitoring_id=monitoring_id,
    )


def ingest_context(home: DataHome) -> dict:
    from ingestion.detect import read_context

    return _ingest(home, OO1_CONTEXT, landed_workbooks(home.context_landing), read_context,
                   file_fields=lambda r: {"data_year": r.year})


def school_matcher(home: DataHome):
    """School names are matched against the latest registry file that was not refused."""
    from ingestion.school_names import SchoolMatcher, SchoolRef

    with warehouse.connect(home.warehouse) as con:
        exists = con.execute("select count(*) from information_schema.tables where table_schema = 'raw' "
                             "and table_name = 'schools'").fetchall()[0][0]
        rows = con.execute(
            "select school_code, school_name, municipality_oktmo from raw.schools where source_sha256 = ("
            f"select source_sha256 from {warehouse.FILES_TABLE} where source_kind = 'school_registry' "
            "and status <> 'rejected' order by received_at desc limit 1)").fetchall() if exists else []
    return SchoolMatcher([SchoolRef(*row) for row in rows])


def ingest_school_data(home: DataHome) -> dict:
    """The region's school registry first, then results, lists and mentors matched against it."""
    from ingestion.lists_reader import read_mentor_assignments, read_school_lists
    from ingestion.results_reader import read_results
    from ingestion.school_registry import read_school_registry

    summaries = {"registry": _ingest(home, SCHOOL_REGISTRY, landed_workbooks(home.landing / "reference"),
                                     read_school_registry, file_fields=lambda r: {})}
    municipalities, matcher = load_municipalities(), school_matcher(home)
    for kind, folder, read in (
        (ASSESSMENT, "results", read_results),
        (SCHOOL_LISTS, "lists", read_school_lists),
        (MENTORS, "mentors", read_mentor_assignments),
    ):
        summaries[kind.name] = _ingest(
            home, kind, landed_workbooks(home.landing / folder),
            lambda path, sha256, read=read: read(path, municipalities, matcher, sha256),
            file_fields=lambda r: {"data_year": min(r.years) if r.years else None})
    return summaries


def validate_pending(home: DataHome) -> dict:
    """Run the rows of every file read since the last validation through its kind's GX suite, one GX run
    per kind; accept or reject each file as a whole on its own rows."""
    summary = {"validated": 0, "accepted": 0, "rejected": 0}
    with warehouse.connect(home.warehouse) as con:
        pending = con.execute(
            f"select source_sha256, source_kind, archived_path from {warehouse.FILES_TABLE} "
            "where status = 'read' order by received_at"
        ).fetchall()
        for kind_name in dict.fromkeys(kind for _, kind, _ in pending):
            kind = SOURCE_KINDS[kind_name]
            files = [(sha256, archived) for sha256, file_kind, archived in pending if file_kind == kind_name]
            rows = con.execute(f"select * from {kind.table} where source_sha256 in (select unnest(?)) "
                               "order by source_sha256, source_row", [[sha256 for sha256, _ in files]]).fetchdf()
            outcomes, result_json = validate_files(rows, kind.suite)
            save_result(result_json, home.validation, kind.suite, batch_id([sha256 for sha256, _ in files]))
            for sha256, archived in files:
                outcome = outcomes.get(sha256, ValidationOutcome(kind.suite, True))
                warehouse.replace_validation_results(con, sha256, kind.suite, outcome.results)
                warehouse.replace_errors(con, sha256, "validate", outcome.cell_errors)
                warehouse.set_file_status(con, sha256, "accepted" if outcome.success else "rejected")
                summary["validated"] += 1
                summary["accepted" if outcome.success else "rejected"] += 1
                if not outcome.success:
                    quarantine_file(home, Path(archived), sha256, outcome.cell_errors)
    return summary


def batch_id(sha256s: list[str]) -> str:
    """A validation run's name: the digest of the files it covered, so a rerun of the same files overwrites it."""
    return hashlib.sha256("".join(sorted(sha256s)).encode()).hexdigest()


def dbt_command(home: DataHome, *args: str) -> list[str]:
    dbt = Path(sys.executable).with_name("dbt")
    return [str(dbt), *args, "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]


def dbt_environment(home: DataHome) -> dict[str, str]:
    home.dbt_artifacts.mkdir(parents=True, exist_ok=True)
    return {
        **os.environ,
        "SHNOR_WAREHOUSE": str(home.warehouse),
        "DBT_TARGET_PATH": str(home.dbt_artifacts / "target"),
        "DBT_LOG_PATH": str(home.dbt_artifacts / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }


def dbt_build(home: DataHome, target: str | None = None) -> dict:
    """``dbt build`` (seeds, models, data and unit tests) in its own process.

    A separate process keeps dbt's DuckDB connection out of the caller, which matters under
    ``airflow dags test`` where every task shares one process. With the ``postgres`` target
    (``SHNOR_DBT_TARGET=postgres``) the raw tables are first copied to PostgreSQL.
    """
    target = target or os.environ.get("SHNOR_DBT_TARGET", "duckdb")
    if target == "postgres":
        from shnor.postgres import copy_raw_tables, ensure_access_model

        copy_raw_tables(home)
        ensure_access_model()
    results_path = home.dbt_artifacts / "target" / "run_results.json"
    results_path.unlink(missing_ok=True)  # never report a previous build's results
    completed = subprocess.run(dbt_command(home, "build", "--target", target), env=dbt_environment(home),
                               capture_output=True, text=True)
    statuses: dict[str, int] = {}
    if results_path.exists():
        for result in json.loads(results_path.read_text())["results"]:
            statuses[result["status"]] = statuses.get(result["status"], 0) + 1
    if completed.returncode != 0:
        raise RuntimeError(f"dbt build failed ({statuses}):\n{completed.stdout[-4000:]}\n{completed.stderr[-2000:]}")
    return {"dbt_results": statuses}


def publish_marts(home: DataHome) -> dict:
    """Marts for BI readers: an atomically swapped DuckDB file and Parquet (on the DuckDB target;
    on PostgreSQL, dbt's own per-table swap serves readers)."""
    if os.environ.get("SHNOR_DBT_TARGET", "duckdb") != "duckdb":
        return {"published": None}
    from shnor.publish import publish_marts as publish

    return publish(home)


def run_window_in_process(home: DataHome, monitoring_id: str) -> dict:
    """The stages of the ingest, marts and reports DAGs in this process, without Airflow: for
    tests and benchmarks that measure the work itself."""
    return {
        "reference": load_reference(home),
        "submissions": ingest_submissions(home, monitoring_id),
        "context": ingest_context(home),
        "school_data": ingest_school_data(home),
        "validation": validate_pending(home),
        "dbt": dbt_build(home),
        "published": publish_marts(home),
        "reports": build_reports(home, monitoring_id),
    }


def build_reports(home: DataHome, monitoring_id: str) -> dict:
    from reports.cycle_reports import write_cycle_reports

    return write_cycle_reports(home, monitoring_id)
