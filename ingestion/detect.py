"""Which layout a landed file is in, and the one entry point that reads any file: the pipeline,
``shnor check-results``, ``shnor check-submission`` and the upload page all read through ``read_source``.

Detection scores every known layout (``ingestion/layouts/``) against the file — the share of the
layout's required columns found in the best header position of a sheet, with its measures, optional
columns and title signature breaking ties — and picks the best layout that fits. When none fits, the
closest layouts are named with the columns found and missing: a file is never just "not recognised".
A layout belongs to one source kind; a file that lands in a kind's folder but is recognised as another
kind is refused with both named, never read as the folder says.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ingestion.context import ReadContext
from ingestion.docx_source import load_docx
from ingestion.layout_spec import Layout, load_layouts
from ingestion.oo1_sections_reader import is_sectioned_oo1, read_oo1_sections
from ingestion.student_results_reader import is_student_results, read_student_results
from ingestion.submission_reader import find_form_table, read_submission
from ingestion.table_reader import read_with_layout
from ingestion.tables import HeaderFit, file_name_of, fit_file
from ingestion.workbook_source import SheetRows, load_table_source
from shnor_core.lineage import file_sha256
from shnor_core.safety import UnsafeWorkbook
from shnor_core.source_read import CellError, SourceRead, empty_frame
from shnor_core.sources import ASSESSMENT, SOURCE_KINDS, SUBMISSION

CLOSEST = 3  # how many near layouts an explanation names


@dataclass
class Candidate:
    layout: Layout
    score: float
    fits: bool
    sheet: str = ""
    found: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def describe(self) -> str:
        where = f", лист «{self.sheet}»" if self.sheet else ""
        found = "; ".join(self.found[:8]) or "—"
        missing = ", ".join(self.missing) or "—"
        return (f"{self.layout.name} ({self.layout.title}){where}: совпадение {self.score:.0%}; найдены столбцы: "
                f"{found}; нет: {missing}")


@dataclass
class Detection:
    layout: Layout | None
    candidates: list[Candidate]

    def explanation(self) -> str:
        if self.layout is not None:
            best = self.candidates[0]
            return f"{best.layout.name} «{best.layout.title}»: " + (
                f"найдены столбцы {'; '.join(best.found[:8])}" if best.found else "узнан по устройству файла")
        near = [c for c in self.candidates if c.score > 0][:CLOSEST]
        if not near:
            return "ни один известный макет не подходит: в файле не найдено ни одного известного столбца"
        return "ни один известный макет не подходит; ближе всего: " + " | ".join(c.describe() for c in near)


def _candidate(fit: HeaderFit) -> Candidate:
    return Candidate(fit.layout, fit.score, fit.fits, fit.sheet.title, fit.found_names(), fit.missing)


def _bespoke(layout: Layout, path: Path, sheets: list[SheetRows] | None) -> Candidate:
    """Layouts read by their own engine are recognised by the file's structure, not its columns."""
    if layout.engine == "student_results":
        fits = path.suffix.lower() == ".csv" and is_student_results(path)
    elif layout.engine == "oo1_sections":
        fits = sheets is not None and is_sectioned_oo1([s.title for s in sheets])
    else:  # form_catalogue
        fits = sheets is not None and any(find_form_table(s.rows) is not None for s in sheets)
    return Candidate(layout, 1.0 if fits else 0.0, fits)


def detect(path: Path, sheets: list[SheetRows] | None, kinds: set[str] | None = None) -> Detection:
    """Score every layout of the given kinds (all, if none) against the file; the best that fits wins."""
    path = Path(path)
    suffix = path.suffix.lower().lstrip(".")
    candidates = []
    for layout in load_layouts():
        if kinds and layout.kind not in kinds or suffix not in layout.formats and layout.engine != "form_catalogue":
            continue
        if layout.engine != "table":
            candidates.append(_bespoke(layout, path, sheets))
            continue
        fits = fit_file(layout, sheets or [], file_name_of(path))
        candidates.append(_candidate(fits[0]) if fits else Candidate(layout, 0.0, False))
    candidates.sort(key=lambda c: (not c.fits, -c.score))
    chosen = candidates[0].layout if candidates and candidates[0].fits else None
    return Detection(chosen, candidates)


def _refused(path: Path, sha256: str, kind: str, rule: str, layout: str = "", unreadable: bool = False) -> SourceRead:
    return SourceRead(path, sha256, kind, empty_frame(SOURCE_KINDS[kind].columns), layout=layout,
                      errors=[CellError(path.name, "", "", "", "", rule)], unreadable=unreadable)


def _load(path: Path) -> list[SheetRows] | None:
    """The file's sheets (a Word document's tables: ``ingestion.docx_source``), except a student-level
    export (read in bulk by its own engine, never as rows)."""
    suffix = path.suffix.lower()
    if suffix == ".csv" and is_student_results(path):
        return None
    if suffix in (".docx", ".doc"):
        return load_docx(path)
    return load_table_source(path)


def read_source(path: Path, context: ReadContext, kind: str | None = None, sha256: str | None = None) -> SourceRead:
    """Read one file of the given kind (or of whichever kind it is recognised as). Hostile, broken,
    unrecognised and ambiguous files come back as a read with an error, never as an exception."""
    path = Path(path)
    expected = kind or ASSESSMENT.name  # the kind a refusal is filed under when none is given
    if not path.is_file():
        return _refused(path, sha256 or "", expected, "это папка, а не файл" if path.is_dir() else "файл не найден",
                        unreadable=True)
    sha256 = sha256 or file_sha256(path)
    if kind == SUBMISSION.name:
        return read_submission(path, context.form, context.monitoring_id, context.municipalities, sha256,
                               context.pseudonym_key, context.matcher)
    try:
        sheets = _load(path)
    except UnsafeWorkbook as refusal:
        return _refused(path, sha256, expected, str(refusal), unreadable=True)
    except Exception as error:  # parsers raise many types for broken files; all mean "not readable"
        return _refused(path, sha256, expected, f"файл не читается: {type(error).__name__}", unreadable=True)
    detection = detect(path, sheets)
    if detection.layout is None:
        return _refused(path, sha256, expected, f"вид файла не распознан: {detection.explanation()}")
    layout = detection.layout
    if kind is not None and layout.kind != kind:
        return _refused(path, sha256, kind, f"файл похож на «{SOURCE_KINDS[layout.kind].title}» (макет "
                                            f"{layout.name}), а получен как «{SOURCE_KINDS[kind].title}»: "
                                            "проверьте папку или вид файла", layout.name)
    if layout.kind == SUBMISSION.name:
        return _refused(path, sha256, SUBMISSION.name, "это муниципальная форма мониторинга: проверьте её командой "
                                                       "shnor check-submission", layout.name)
    if layout.engine == "student_results":
        read = read_student_results(path, context.matcher, sha256)
    elif layout.engine == "oo1_sections":
        read = read_oo1_sections(path, sha256, sheets)
    else:
        read = read_with_layout(layout, path, sha256, sheets, context)
    read.layout = layout.name
    read.details["detection"] = detection.explanation()
    return read

