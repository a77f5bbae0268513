"""Which layout a landed file is in, recognised by its content, and the one entry point that reads any
file: the pipeline, ``shnor check-results`` and ``shnor check-submission`` all read through
``read_source``. A layout belongs to one source kind (shnor_core.sources); a file that lands in a kind's
folder but is recognised as another kind is refused with both named, never read as the folder says.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ingestion.context_reader import read_context_extract
from ingestion.lists_reader import read_mentor_assignments, read_school_lists
from ingestion.oo1_sections_reader import is_sectioned_oo1, read_oo1_sections
from ingestion.results_reader import read_exam_results, read_moscow_ege, read_vpr_statistics
from ingestion.school_names import SchoolMatcher
from ingestion.school_registry import read_school_registry
from ingestion.student_results_reader import read_student_results
from ingestion.submission_reader import read_submission
from ingestion.workbook_source import load_sheets
from shnor_core.lineage import file_sha256
from shnor_core.reference import Form, Municipality
from shnor_core.safety import UnsafeWorkbook
from shnor_core.source_read import CellError, SourceRead, empty_frame
from shnor_core.sources import ASSESSMENT, MENTORS, OO1_CONTEXT, SCHOOL_LISTS, SCHOOL_REGISTRY, SOURCE_KINDS, SUBMISSION
from shnor_core.text import fold


@dataclass(frozen=True)
class ReadContext:
    """What readers match against: the region's municipalities and schools, and for a municipal form its
    monitoring and form catalogue."""

    municipalities: list[Municipality]
    matcher: SchoolMatcher = field(default_factory=lambda: SchoolMatcher([]))
    monitoring_id: str | None = None
    form: Form | None = None


Reader = Callable[[Path, str, ReadContext], SourceRead]


@dataclass(frozen=True)
class Layout:
    kind: str
    read: Reader


LAYOUTS: dict[str, Layout] = {
    "form": Layout(SUBMISSION.name, lambda p, sha, c: read_submission(p, c.form, c.monitoring_id, c.municipalities, sha)),
    "oo1_sections": Layout(OO1_CONTEXT.name, lambda p, sha, c: read_oo1_sections(p, sha)),
    "oo1_flat": Layout(OO1_CONTEXT.name, lambda p, sha, c: read_context_extract(p, sha)),
    "school_registry": Layout(SCHOOL_REGISTRY.name, lambda p, sha, c: read_school_registry(p, sha)),
    "vpr_statistics": Layout(ASSESSMENT.name, lambda p, sha, c: read_vpr_statistics(p, c.municipalities, c.matcher, sha)),
    "exam_results": Layout(ASSESSMENT.name, lambda p, sha, c: read_exam_results(p, c.municipalities, c.matcher, sha)),
    "moscow_ege_csv": Layout(ASSESSMENT.name, lambda p, sha, c: read_moscow_ege(p, sha)),
    "student_results_csv": Layout(ASSESSMENT.name, lambda p, sha, c: read_student_results(p, c.matcher, sha)),
    "school_lists": Layout(SCHOOL_LISTS.name, lambda p, sha, c: read_school_lists(p, c.municipalities, c.matcher, sha)),
    "mentor_assignments": Layout(MENTORS.name,
                                 lambda p, sha, c: read_mentor_assignments(p, c.municipalities, c.matcher, sha)),
}


def detect_layout(path: Path) -> str | None:
    """The layout of a context, results, list or registry file (municipal forms are read by their form)."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        head = path.read_text(encoding="utf-8-sig", errors="replace")[:2000]
        if "Код участника" in head:
            return "student_results_csv"
        if "EDU_NAME" in head:
            return "moscow_ege_csv"
        return "school_registry" if "Код ОО" in head else None
    sheets = load_sheets(path)
    if is_sectioned_oo1([s.title for s in sheets]):
        return "oo1_sections"
    header_text = {fold(c) for s in sheets for row in s.rows[:30] for c in row if c is not None}
    if any(t.startswith("фио") for t in header_text):
        return "mentor_assignments"
    if any(t.startswith(("список", "видсписка")) for t in header_text):
        return "school_lists"
    if any(t.startswith(("колвоучастник", "количествоучастник")) for t in header_text):
        return "vpr_statistics"
    if any(t.startswith("участник") for t in header_text):
        return "exam_results"
    if any(t.startswith("обучающихсявсего") for t in header_text):
        return "oo1_flat"
    if any(t.startswith("инн") for t in header_text):
        return "school_registry"
    return None


def _refused(path: Path, sha256: str, kind: str, rule: str) -> SourceRead:
    return SourceRead(path, sha256, kind, empty_frame(SOURCE_KINDS[kind].columns),
                      errors=[CellError(path.name, "", "", "", "", rule)])


def read_source(path: Path, context: ReadContext, kind: str | None = None, sha256: str | None = None) -> SourceRead:
    """Read one file of the given kind (or of whichever kind it is recognised as). Hostile, broken and
    unrecognised files come back as a read with an error, never as an exception."""
    path = Path(path)
    sha256 = sha256 or file_sha256(path)
    expected = kind or ASSESSMENT.name  # the kind a refusal is filed under when none is given
    try:
        layout = "form" if kind == SUBMISSION.name else detect_layout(path)
    except UnsafeWorkbook as refusal:
        return _refused(path, sha256, expected, str(refusal))
    except Exception as error:  # parsers raise many types for broken files; all mean "not readable"
        return _refused(path, sha256, expected, f"файл не читается: {type(error).__name__}")
    if layout is None:
        kinds = ", ".join(k.title for k in SOURCE_KINDS.values() if k.name != SUBMISSION.name)
        return _refused(path, sha256, expected, f"вид файла не распознан (ожидаются: {kinds})")
    found = LAYOUTS[layout].kind
    if kind is not None and found != kind:
        return _refused(path, sha256, kind, f"файл похож на «{SOURCE_KINDS[found].title}», а получен как "
                                            f"«{SOURCE_KINDS[kind].title}»: проверьте папку или вид файла")
    read = LAYOUTS[layout].read(path, sha256, context)
    read.layout = read.layout or layout
    return read
