"""Every report of a cycle from its marts: the summary workbook, the marts export, the regional note
(.docx and PDF) and one note per municipality. The marts are read once and shared."""

from __future__ import annotations

from reports.mart_export import write_mart_export
from reports.municipal_note import write_municipal_notes
from reports.provenance import Provenance, provenance
from reports.regional_note import CycleMarts, write_regional_note
from reports.summary_workbook import write_summary_workbook
from shnor_core.settings import DataHome


def write_cycle_reports(home: DataHome, monitoring_id: str) -> dict:
    return write_reports(CycleMarts(home, monitoring_id), provenance(home, monitoring_id))


def write_reports(marts: CycleMarts, origin: Provenance) -> dict:
    """Every report from a cycle's marts: ``CycleMarts``, or frames with its attributes (the pandas baseline of
    ``benchmarks.pandas_baseline`` writes the same documents through this function)."""
    home, monitoring_id = marts.home, marts.monitoring_id
    note = write_regional_note(marts, origin)
    return {
        "summary_workbook": str(write_summary_workbook(home, monitoring_id, marts.indicators, origin.submissions)),
        "export_workbook": str(write_mart_export(marts, origin)),
        "regional_note": str(note["docx"]),
        "regional_note_pdf": str(note["pdf"]),
        "municipal_notes": len(write_municipal_notes(home, monitoring_id, marts, origin)),
    }
