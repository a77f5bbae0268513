"""Which reader a context or results file needs, recognised by its content (used by the context
ingest and by ``shnor check-results``)."""

from __future__ import annotations

from pathlib import Path

from ingestion.cells import fold
from ingestion.context_reader import read_context_extract
from ingestion.lists_reader import read_mentor_assignments, read_school_lists
from ingestion.oo1_sections_reader import is_sectioned_oo1, read_oo1_sections
from ingestion.reference import Municipality
from ingestion.results_reader import read_results
from ingestion.school_names import SchoolMatcher
from ingestion.school_registry import read_school_registry
from ingestion.workbook_source import load_sheets


def detect_kind(path: Path) -> str:
    path = Path(path)
    if path.suffix.lower() == ".csv":
        head = path.read_text(encoding="utf-8-sig", errors="replace")[:2000]
        if "Код участника" in head:
            return "student_results"
        return "moscow_ege" if "EDU_NAME" in head else ("school_registry" if "Код ОО" in head else "unknown")
    sheets = load_sheets(path)
    if is_sectioned_oo1([s.title for s in sheets]):
        return "oo1_sections"
    header_text = {fold(c) for s in sheets for row in s.rows[:30] for c in row if c is not None}
    if any(t.startswith("фио") for t in header_text):
        return "mentor_assignments"
    if any(t.startswith(("список", "видсписка")) for t in header_text):
        return "school_lists"
    if any(t.startswith(("колвоучастник", "количествоучастник", "участник")) for t in header_text):
        return "assessment_results"
    if any(t.startswith("обучающихсявсего") for t in header_text):
        return "oo1_flat"
    if any(t.startswith("инн") for t in header_text):
        return "school_registry"
    return "unknown"


def read_context(path: Path, sha256: str | None = None):
    """ОО-1 as a flat extract or in the sectioned layout: both give the columns of raw.oo1_context."""
    return read_oo1_sections(path, sha256) if detect_kind(path) == "oo1_sections" else read_context_extract(path, sha256)


def read_any(path: Path, municipalities: list[Municipality], matcher: SchoolMatcher):
    kind = detect_kind(path)
    readers = {
        "oo1_sections": lambda: read_oo1_sections(path),
        "oo1_flat": lambda: read_context_extract(path),
        "school_registry": lambda: read_school_registry(path),
        "school_lists": lambda: read_school_lists(path, municipalities, matcher),
        "mentor_assignments": lambda: read_mentor_assignments(path, municipalities, matcher),
        "assessment_results": lambda: read_results(path, municipalities, matcher),
        "moscow_ege": lambda: read_results(path, municipalities, matcher),
        "student_results": lambda: read_results(path, municipalities, matcher),
    }
    if kind not in readers:
        raise ValueError(f"{Path(path).name}: вид файла не распознан (ожидаются ОО-1, результаты ВПР/ОГЭ/ЕГЭ, "
                         "списки школ, закрепление кураторов или реестр школ)")
    return kind, readers[kind]()
