"""Every report of a cycle from its marts: the summary workbook, the marts export, the regional note
(.docx and PDF) and one note per municipality. The marts are read once and shared."""

from __future__ import annotations

import time
from collections.abc import Callable

from reports.mart_export import write_mart_export
from reports.municipal_note import write_municipal_notes
from reports.provenance import Provenance, provenance
from reports.regional_note import CycleMarts, write_regional_note
from reports.summary_workbook import write_summary_workbook
from reports.wording import say
from shnor_core.settings import DataHome

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


def _seconds(started: float) -> str:
    return f"{time.perf_counter() - started:.1f}".replace(".", ",")


def write_cycle_reports(home: DataHome, monitoring_id: str, progress: Progress | None = None) -> dict:
    return write_reports(CycleMarts(home, monitoring_id), provenance(home, monitoring_id), progress)


def write_reports(marts: CycleMarts, origin: Provenance, progress: Progress | None = None) -> dict:
    """Every report from a cycle's marts: ``CycleMarts``, or frames with its attributes (the pandas baseline of
    ``benchmarks.pandas_baseline`` writes the same documents through this function). ``progress`` hears of
    each stage done, and of every ten municipal notes."""
    home, monitoring_id = marts.home, marts.monitoring_id
    progress = progress or _quiet
    started = time.perf_counter()
    note = write_regional_note(marts, origin)
    progress(say("progress.regional_note", seconds=_seconds(started)))
    started = time.perf_counter()
    summary = write_summary_workbook(home, monitoring_id, marts.indicators, origin.submissions)
    export = write_mart_export(marts, origin)
    progress(say("progress.workbooks", seconds=_seconds(started)))
    started = time.perf_counter()
    notes = write_municipal_notes(home, monitoring_id, marts, origin, progress)
    progress(say("progress.notes_done", total=len(notes), seconds=_seconds(started)))
    return {
        "summary_workbook": str(summary),
        "export_workbook": str(export),
        "regional_note": str(note["docx"]),
        "regional_note_pdf": str(note["pdf"]),
        "municipal_notes": len(notes),
    }
