"""Taking files in: reference catalogues, then each landed file once (archive → read → raw tables, or
quarantine with its reasons), then Great Expectations over everything read since the last validation.

Every file is read by ``ingestion.detect.read_source`` — the reader the checkers use — and recorded
by its sha256, so a file already known is never read again and reruns are idempotent. An arrival belongs
to a window: bytes held for another window, handed in to this one, are read as this window's form and refused
for it with their reasons (one file counts for one window).
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

import pandas as pd

from ingestion.detect import ReadContext, read_source
from ingestion.school_names import SchoolMatcher, SchoolRef
from shnor.archive import (
    archive_file,
    archived_files,
    archived_sha256,
    landed_sha256,
    landed_workbooks,
    quarantine_file,
    received,
    unreadable_reason,
)
from shnor.validation import ValidationOutcome, save_result, validate_files
from shnor_core import warehouse
from shnor_core.reference import (
    School,
    get_monitoring,
    load_calendar,
    load_form,
    load_municipalities,
    oktmo_prefix,
    read_form_rows,
)
from shnor_core.settings import FORMS_DIR, DataHome, pseudonym_key
from shnor_core.source_read import SourceRead, empty_frame
from shnor_core.sources import (
    ASSESSMENT,
    DEVELOPMENT,
    MENTORS,
    OO1_CONTEXT,
    PEOPLE_COLUMNS,
    PEOPLE_REGISTRY,
    PEOPLE_TABLE,
    ROADMAP,
    ROADMAP_REPORT,
    SCHOOL_LISTS,
    SCHOOL_REGISTRY,
    SOURCE_KINDS,
    SUBMISSION,
    SourceKind,
    landing_folder,
)

log = logging.getLogger(__name__)


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
        for table, columns in [(k.table, k.columns) for k in SOURCE_KINDS.values()] + [(PEOPLE_TABLE, PEOPLE_COLUMNS)]:
            warehouse.ensure_table(con, table, warehouse.with_load_time(empty_frame(columns)))
    return {"form_items": len(forms), "forms": int(forms["form_id"].nunique()), "monitoring_windows": len(calendar)}


# Reading is the CPU-bound part of taking files in: from this many new files of a kind on, they are read in
# worker processes (one per core) while this process, the one writer, records each as it comes back. Fewer
# files are read here. The workers start once per process and are kept, so the region's roadmaps, reports and
# registries (35–44 files of each kind, ≈ 90 ms each) share them. Against 64 (when only a country's forms went
# to workers), on the demo's `shnor run`: school data 17.5 → 10.2 s by the clock on 2 cores, peak memory of the
# run 1.6 → 1.9 GB (the two readers stay until the process ends).
PARALLEL_READ_MIN_FILES = 16


@dataclass(frozen=True)
class _Landed:
    path: Path  # as it landed (or in the archive, on a rerun from it)
    archived: Path
    sha256: str
    received_at: datetime
    received_by: str


def _read_one(job: tuple[Path, ReadContext, str, str]) -> SourceRead:
    archived, context, kind, sha256 = job
    return read_source(archived, context, kind, sha256)


@cache
def _readers(workers: int) -> ProcessPoolExecutor:
    """Worker processes kept for the life of this process (spawned: safe inside an Airflow task)."""
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))


def _reads(jobs: list[_Landed], context: ReadContext, kind: SourceKind) -> Iterator[SourceRead]:
    """Each job's read, in order: in workers for many files, here for a few."""
    arguments = [(job.archived, context, kind.name, job.sha256) for job in jobs]
    workers = min(os.cpu_count() or 1, 4)
    if len(jobs) < PARALLEL_READ_MIN_FILES or workers < 2:
        return map(_read_one, arguments)
    return _readers(workers).map(_read_one, arguments, chunksize=8)


def _ingest(home: DataHome, kind: SourceKind, context: ReadContext,
            monitoring_id: str | None = None) -> tuple[dict, list[str]]:
    """Archive, read and record each landed file of a kind once.

    The landed files are joined by the archive's files of the same kind and monitoring, so a window
    rerun on a fresh warehouse (a backfill) reads its files back from the archive. An entry that is not a
    regular readable file (a directory named like a workbook, a broken link, a file without read rights or
    one that vanished mid-run) is recorded with its reason (``audit.unreadable_entries``) and skipped, so it
    never stops the others. Returns the counts and the files new to the warehouse.
    """
    summary = {"kind": kind.name, "files": 0, "new": 0, "already_known": 0, "read_errors": 0}
    new_files: list[str] = []
    seen: dict[str, Path] = {}
    jobs: list[_Landed] = []
    unreadable: list[tuple[str, str]] = []
    other_window: list[tuple[Path, str, dict]] = []
    same_in_window: list[tuple[Path, str, Path]] = []
    with warehouse.connect(home.warehouse) as con:
        entries = [(path, None) for path in landed_workbooks(landing_folder(home, kind, monitoring_id))]
        entries += [(path, archived_sha256(path)) for path in archived_files(home, kind, monitoring_id)]
        for path, archived_hash in entries:
            try:
                sha256 = landed_sha256(path, archived_hash)
                if sha256 in seen:  # the landed file and its archived copy, or the same bytes landed twice
                    if archived_hash is None and monitoring_id is not None:
                        same_in_window.append((path, sha256, seen[sha256]))
                    continue
                seen[sha256] = path
                summary["files"] += 1
                known = warehouse.known_file(con, sha256)
                if known and _held_for_another_window(con, known, monitoring_id):
                    other_window.append((path, sha256, known))
                    continue
                if known:  # this window's file, or a rerun of a refusal for this window: nothing to do again
                    summary["already_known"] += 1
                    continue
                received_at, received_by = received(path, sha256)
                archived = archive_file(home, path, sha256, {
                    "source_kind": kind.name, "source_file": path.name, "monitoring_id": monitoring_id,
                    "received_at": received_at.isoformat(), "received_by": received_by})
            except OSError as error:
                unreadable.append((str(path), unreadable_reason(path, error)))
                log.warning("%s не принят: %s", path, unreadable[-1][1])
                continue
            jobs.append(_Landed(path, archived, sha256, received_at, received_by))
        for path, sha256, known in other_window:
            try:
                summary.setdefault("other_window", []).append(
                    _refuse_for_window(home, con, kind, context, monitoring_id, path, sha256, known))
            except OSError as error:  # vanished between its hash and its read
                unreadable.append((str(path), unreadable_reason(path, error)))
        for path, sha256, first in same_in_window:
            try:
                summary.setdefault("same_in_window", []).append(_same_in_window(con, kind, monitoring_id, path, sha256, first))
            except OSError as error:
                unreadable.append((str(path), unreadable_reason(path, error)))
        warehouse.replace_unreadable_entries(con, kind.name, monitoring_id, unreadable)
        if unreadable:
            summary["unreadable"] = [{"file": path, "reason": reason} for path, reason in unreadable]
        for job, result in zip(jobs, _reads(jobs, context, kind)):
            warehouse.replace_file_rows(con, kind.table, result.rows, job.sha256)
            warehouse.replace_errors(con, job.sha256, "read", result.errors_as_dicts())
            warehouse.replace_errors(con, job.sha256, "not_read", result.not_read_as_dicts())
            warehouse.replace_name_review(con, job.sha256, result.unmatched)
            if result.people is not None:  # personal data: restricted schema only
                warehouse.replace_file_rows(con, PEOPLE_TABLE, result.people, job.sha256)
            warehouse.record_file(
                con, source_sha256=job.sha256, source_kind=kind.name, source_file=job.path.name,
                archived_path=str(job.archived), received_at=job.received_at, is_demo=result.is_demo,
                status="read" if result.accepted else "rejected", **result.file_fields(),
            )
            summary["new"] += 1
            new_files.append(job.sha256)
            if not result.accepted:
                summary["read_errors"] += 1
                quarantine_file(home, job.archived, job.sha256, result.errors_as_dicts())
                log.warning("%s refused at reading: %d errors", job.path.name, len(result.errors))
    return summary, new_files


def _held_for_another_window(con, known: dict, monitoring_id: str | None) -> bool:
    """Bytes the warehouse holds for another window, handed in to this one for the first time."""
    return (monitoring_id is not None and known["source_kind"] == SUBMISSION.name and known["monitoring_id"] != monitoring_id
            and not warehouse.window_arrival_known(con, monitoring_id, known["source_sha256"]))


def _refuse_for_window(home: DataHome, con, kind: SourceKind, context: ReadContext, monitoring_id: str,
                       path: Path, sha256: str, known: dict) -> dict:
    """Bytes held for another window, handed in to this one: a new arrival of this window, refused for it.

    Raw rows are kept once per content (by sha256), so one file's values count for one window. The file is read
    as this window's form, so its reasons are the reader's own when it names another window (the template's
    hidden record, the period in its header: sheet and cell); a file that names no window is refused as the same
    file the other window holds (an old file sent again, or unchanged values: this window's form says so).
    """
    received_at, received_by = received(path, sha256)
    read = read_source(path, context, kind.name, sha256)
    reasons = read.errors_as_dicts() if not read.accepted else [
        same_file_elsewhere(path.name, known["source_file"], known["monitoring_id"], known["received_at"], monitoring_id)]
    warehouse.record_window_arrival(con, {
        "monitoring_id": monitoring_id, "outcome": "held_for_another_window", "source_kind": kind.name,
        "source_sha256": sha256, "source_file": path.name, "received_at": received_at, "received_by": received_by,
        "taken_in": known["monitoring_id"], "taken_file": known["source_file"]}, reasons)
    quarantine_file(home, path, sha256, reasons, window=monitoring_id)
    log.warning("%s не принят в окно %s: те же байты уже поступили в окно %s", path.name, monitoring_id,
                known["monitoring_id"])
    return {"file": path.name, "taken_in": known["monitoring_id"], "reasons": [r["rule"] for r in reasons]}


def _same_in_window(con, kind: SourceKind, monitoring_id: str, path: Path, sha256: str, first: Path) -> dict:
    """The same bytes landed in one window under a second name: nothing to take again, said once per name."""
    if not warehouse.window_arrival_known(con, monitoring_id, sha256, path.name):
        received_at, received_by = received(path, sha256)
        warehouse.record_window_arrival(con, {
            "monitoring_id": monitoring_id, "outcome": "same_in_window", "source_kind": kind.name,
            "source_sha256": sha256, "source_file": path.name, "received_at": received_at, "received_by": received_by,
            "taken_in": monitoring_id, "taken_file": first.name}, [{
                "file": path.name, "sheet": "", "cell": "", "indicator": "", "value": first.name,
                "rule": f"тот же файл (побайтно), что «{first.name}», уже сдан в это окно: повторная сдача ничего не меняет"}])
    return {"file": path.name, "same_as": first.name}


def same_file_elsewhere(file_name: str, held_file: str, held_window: str, held_at: datetime, window: str) -> dict:
    """Why a form that names no window is refused for ``window``: its bytes are those of a file another window holds
    (the pipeline and the upload page give this one reason)."""
    return {"file": file_name, "sheet": "", "cell": "", "indicator": "", "value": held_file,
            "rule": f"этот файл побайтно совпадает с файлом «{held_file}», поступившим в окно «{held_window}» "
                    f"{held_at:%d.%m.%Y %H:%M} UTC, и учтён там: один файл учитывается в одном окне. Если показатели "
                    f"не изменились, заполните форму окна «{window}» (в ней указан её период) и сдайте её"}


def submission_context(home: DataHome, monitoring_id: str, read_only: bool = False) -> ReadContext:
    """What a window's forms are read against: the region's municipalities, the form catalogue and, for a
    school-level form, the registry's schools (each form names its school)."""
    monitoring = get_monitoring(monitoring_id)
    form = load_form(monitoring.form_id)
    matcher = school_matcher(home, read_only) if form.level == "school" else SchoolMatcher([])
    return ReadContext(load_municipalities(monitoring.region_code), matcher, monitoring_id=monitoring_id, form=form,
                       pseudonym_key=pseudonym_key(home))


def ingest_submissions(home: DataHome, monitoring_id: str) -> dict:
    monitoring = get_monitoring(monitoring_id)
    if not monitoring.form_id:
        return {"kind": SUBMISSION.name, "skipped": f"в мониторинге {monitoring_id} формы не собираются"}
    summary, new_files = _ingest(home, SUBMISSION, submission_context(home, monitoring_id), monitoring_id)
    not_current = versions_not_current(home, monitoring_id, new_files)
    for line in not_current:
        log.warning(line)
    return {**summary, "not_current": not_current} if not_current else summary


def versions_not_current(home: DataHome, monitoring_id: str, new_files: list[str]) -> list[str]:
    """Versions read in this run that will not count: a version of the same municipality (of the same school,
    for a school-level form) arrived later. (The current version is the latest accepted by arrival —
    int_current_submissions, int_current_school_submissions.)"""
    if not new_files:
        return []
    with warehouse.connect(home.warehouse) as con:
        rows = con.execute(f"""
            select earlier.source_file, later.source_file, later.received_at
            from {warehouse.FILES_TABLE} as earlier
            join {warehouse.FILES_TABLE} as later
              on later.monitoring_id = earlier.monitoring_id and later.municipality_oktmo = earlier.municipality_oktmo
             and coalesce(later.school_code, '') = coalesce(earlier.school_code, '')
             and later.received_at > earlier.received_at and later.status <> 'rejected'
            where earlier.source_kind = 'submission' and earlier.monitoring_id = ? and earlier.status <> 'rejected'
              and earlier.source_sha256 in (select unnest(?))
            qualify row_number() over (partition by earlier.source_sha256 order by later.received_at desc) = 1
            order by earlier.source_file""", [monitoring_id, new_files]).fetchall()
    return [f"версия «{earlier}» не станет действующей: позже поступила «{later}» ({when:%d.%m.%Y %H:%M} UTC)"
            for earlier, later, when in rows]


def ingest_context(home: DataHome) -> dict:
    return _ingest(home, OO1_CONTEXT, ReadContext(load_municipalities(), pseudonym_key=pseudonym_key(home)))[0]


def school_matcher(home: DataHome, read_only: bool = False, wait: float | None = None) -> SchoolMatcher:
    """School names are matched against the latest registry file that was not refused."""
    with warehouse.connect(home.warehouse, read_only=read_only, wait=wait) as con:
        exists = warehouse.table_exists(con, "raw.schools")
        rows = con.execute(
            "select school_code, school_name, municipality_oktmo, school_login from raw.schools where source_sha256 = ("
            f"select source_sha256 from {warehouse.FILES_TABLE} where source_kind = 'school_registry' "
            "and status <> 'rejected' order by received_at desc limit 1)").fetchall() if exists else []
    return SchoolMatcher([SchoolRef(*row) for row in rows])


def registry_schools(home: DataHome, region_code: str) -> list[School]:
    """The schools of a region in the latest registry that was not refused (for school-level templates)."""
    prefix = oktmo_prefix(region_code)
    return sorted((School(s.code, s.name, s.municipality_oktmo) for s in school_matcher(home).by_code.values()
                   if (s.municipality_oktmo or "").startswith(prefix)), key=lambda s: (s.municipality_oktmo, s.code))


def ingest_registry(home: DataHome) -> dict:
    """The landed school registry alone (a school-level window's templates name the registry's schools)."""
    return _ingest(home, SCHOOL_REGISTRY, ReadContext(load_municipalities(), pseudonym_key=pseudonym_key(home)))[0]


def ingest_school_data(home: DataHome) -> dict:
    """The region's school registry first, then results, lists, mentors, the municipalities' roadmaps and
    their execution reports, and the registries of people with their professional development, matched
    against it."""
    municipalities, key = load_municipalities(), pseudonym_key(home)
    summaries = {"registry": _ingest(home, SCHOOL_REGISTRY, ReadContext(municipalities, pseudonym_key=key))[0]}
    context = ReadContext(municipalities, school_matcher(home), pseudonym_key=key)
    for kind in (ASSESSMENT, SCHOOL_LISTS, MENTORS, ROADMAP, ROADMAP_REPORT, PEOPLE_REGISTRY, DEVELOPMENT):
        summaries[kind.name] = _ingest(home, kind, context)[0]
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
