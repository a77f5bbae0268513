"""Which layout a landed file is in, and the one entry point that reads any file: the pipeline,
``shnor check-results``, ``shnor check-submission`` and the upload page all read through ``read_source``.

Detection scores every known layout (``ingestion/layouts/``) against the file — the share of the
layout's required columns found in the best header position of a sheet, with its measures, optional
columns and title signature breaking ties — and picks the best layout that fits. When none fits, the
closest layouts are named with the columns found and missing: a file is never just "not recognised".
Layouts that fit within ``detection.margin`` of each other (``_defaults.yaml``) are never decided by a hair:
evidence outside the columns decides — the facts each layout finds in the title rows, sheet and file names
(procedure, year, grade), its signature there, and the values' shape (logins ``sch…``, shares of marks summing
to 100) — and is printed; when it still cannot, the file is refused as ambiguous with both named.
A layout belongs to one source kind; a file that lands in a kind's folder but is recognised as another
kind is refused with both named, never read as the folder says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ingestion.context import ReadContext
from ingestion.docx_source import load_docx
from ingestion.layout_spec import Layout, detection_margin, load_layouts
from ingestion.oo1_sections_reader import is_sectioned_oo1, read_oo1_sections
from ingestion.student_results_reader import is_student_results, read_student_results
from ingestion.submission_reader import find_form_table, read_submission
from ingestion.table_reader import read_with_layout
from ingestion.tables import HeaderFit, file_name_of, fit_file, is_numbering_row, sheet_facts, title_text
from ingestion.workbook_source import SheetRows, load_table_source
from shnor_core.lineage import file_sha256
from shnor_core.reference import Municipality, region_names
from shnor_core.safety import UnsafeWorkbook
from shnor_core.source_read import CellError, SourceRead, empty_frame
from shnor_core.sources import ASSESSMENT, SOURCE_KINDS, SUBMISSION
from shnor_core.text import is_blank, normalize_text

CLOSEST = 3  # how many near layouts an explanation names


@dataclass
class Candidate:
    layout: Layout
    score: float
    fits: bool
    sheet: str = ""
    found: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    fit: HeaderFit | None = None
    every_fit: list[HeaderFit] = field(default_factory=list)  # the reader's sheets: the layout is not fitted again

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
    evidence: list[str] = field(default_factory=list)  # why one of two close layouts was chosen, or neither
    ambiguous: bool = False

    def explanation(self) -> str:
        if self.ambiguous:
            return "; ".join(self.evidence)
        if self.layout is not None:
            best = next(c for c in self.candidates if c.layout is self.layout)
            return f"{best.layout.name} «{best.layout.title}»: " + (
                f"найдены столбцы {'; '.join(best.found[:8])}" if best.found else "узнан по устройству файла") + (
                f"; {'; '.join(self.evidence)}" if self.evidence else "")
        near = [c for c in self.candidates if c.score > 0][:CLOSEST]
        if not near:
            return "ни один известный макет не подходит: в файле не найдено ни одного известного столбца"
        return "ни один известный макет не подходит; ближе всего: " + " | ".join(c.describe() for c in near)


def _candidate(every_fit: list[HeaderFit]) -> Candidate:
    """A layout's candidacy by its best sheet, carrying the fit of every sheet on to the reader."""
    fit = every_fit[0]
    return Candidate(fit.layout, fit.score, fit.fits, fit.sheet.title, fit.found_names(), fit.missing, fit, every_fit)


_LOGIN = re.compile(r"\bsch\d{4,}\b", re.IGNORECASE)
_FACTS_RU = {"procedure": "процедура", "year": "год", "subject": "предмет", "grade": "класс"}
_SHAPE_ROWS = 200  # data rows looked at for the values' shape
_SHARES_TOLERANCE = 1.5  # percentage points a row of rounded shares may miss 100 by


def _data_rows(fit: HeaderFit) -> list[tuple]:
    return [r for r in fit.sheet.rows[fit.data_start:fit.data_start + _SHAPE_ROWS]
            if any(not is_blank(c) for c in r) and not is_numbering_row(r)]


def _shares_sum_to_100(fit: HeaderFit) -> bool | None:
    """Whether the rows' shares of marks (the layout's percent measures named «2»…«5») sum to 100; None
    when the layout has no such measures or no row has them all."""
    columns = [c for c, spec, _ in fit.metrics if spec.type == "percent" and spec.field.startswith("mark_")]
    if len(columns) < 2:
        return None
    sums = []
    for row in _data_rows(fit):
        cells = [row[c] if c < len(row) else None for c in columns]
        if all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in cells):
            sums.append(sum(cells))
    if not sums:
        return None
    return sum(1 for total in sums if abs(total - 100) <= _SHARES_TOLERANCE) > len(sums) / 2


def _text_columns(fit: HeaderFit) -> list[int]:
    """Header columns whose data cells are mostly words (names, not numbers or placeholders)."""
    rows, found = _data_rows(fit), []
    for index, levels in enumerate(fit.names):
        cells = [r[index] for r in rows if index < len(r) and not is_blank(r[index])]
        words = sum(1 for c in cells if isinstance(c, str) and len(c.strip()) > 2 and re.search(r"[^\W\d_]", c))
        if levels and cells and words > len(cells) / 2:
            found.append(index)
    return found


def evidence_for(candidate: Candidate, file_name: str) -> tuple[int, list[str]]:
    """Evidence outside the columns' headings for one layout: +1 for what it says the file is (a fact of a
    closed vocabulary: the procedure) found in the title rows, sheet or file name, -1 when it is found nowhere;
    +1 for its signature there; +1 for logins where it reads logins; +1 or -1 for shares of marks summing to
    100 or not where it reads them; -1 for columns of names it would leave unread. Returns the balance and
    the evidence in words."""
    fit, layout = candidate.fit, candidate.layout
    if fit is None:
        return 0, []
    sources: dict[str, str] = {}
    facts, _ = sheet_facts(layout, fit, file_name, sources)
    points, words = 0, []
    for fact in layout.facts:
        if not fact.values or fact.name in dict(layout.constants):
            continue
        if facts.get(fact.name) is not None:
            points += 1
            words.append(f"{_FACTS_RU.get(fact.name, fact.name)} {facts[fact.name]} — {sources[fact.name]}")
        elif "column" not in fact.sources:
            points -= 1
            words.append(f"{_FACTS_RU.get(fact.name, fact.name)} не найдена ни в заголовке, ни в именах листа и файла")
    context = " ".join([normalize_text(title_text(fit.sheet.rows, fit.start)), normalize_text(fit.sheet.title),
                        normalize_text(file_name)])
    signature = next((p.pattern for p in layout.signature if p.search(context)), None)
    if signature:
        points += 1
        words.append(f"подпись макета «{signature}» в заголовке или именах")
    if layout.hierarchy is not None and layout.hierarchy.school_pattern is not None:
        logins = sum(1 for r in _data_rows(fit) for c in r if isinstance(c, str) and _LOGIN.search(c))
        if logins:
            points += 1
            words.append(f"логины школ вида sch… в {logins} ячейках")
    shares = _shares_sum_to_100(fit)
    if shares is not None:
        points += 1 if shares else -1
        words.append("доли отметок в строке дают в сумме 100 %" if shares else "доли отметок в строках не дают 100 %")
    claimed = set(fit.columns.values()) | {c for c, _, _ in fit.metrics}
    unread = [" / ".join(fit.names[i]) for i in _text_columns(fit) if i not in claimed]
    if unread:
        points -= 1
        words.append(f"столбцы с названиями остались бы непрочитанными: {', '.join(unread)}")
    return points, words


def _decide(candidates: list[Candidate], file_name: str) -> tuple[Layout | None, list[str], bool]:
    """The best fitting layout, or — when others fit within the margin — the one the evidence outside the
    columns speaks for, with that evidence; None and the evidence when it cannot decide."""
    fitting = [c for c in candidates if c.fits]
    if not fitting:
        return None, [], False
    margin = detection_margin()
    close = [c for c in fitting if fitting[0].score - c.score < margin and c.layout is not fitting[0].layout]
    if not close:
        return fitting[0].layout, [], False
    weighed = [(c, *evidence_for(c, file_name)) for c in [fitting[0], *close]]
    weighed.sort(key=lambda item: -item[1])
    said = [f"{c.layout.name} (совпадение {c.score:.1%}): " + ("; ".join(words) or "доводов нет")
            for c, _, words in weighed]
    top, second = weighed[0], weighed[1]
    if top[1] > second[1]:
        return top[0].layout, [f"макеты подошли почти одинаково (разница меньше {margin:g}), выбран "
                               f"{top[0].layout.name} по доводам вне столбцов: " + " | ".join(said)], False
    return None, [f"файл неоднозначен: макеты {top[0].layout.name} и {second[0].layout.name} подходят почти "
                  f"одинаково (разница меньше {margin:g}, ingestion/layouts/_defaults.yaml), и доводы вне столбцов "
                  "(заголовок, имена листа и файла, вид значений) не решают: " + " | ".join(said)], True


# A subject of the RF named in a title: «Еврейская автономная область», «Забайкальского края», «Республика Тыва»,
# «Удмуртская Республика», «Ханты-Мансийский автономный округ»
_SUBJECT = re.compile(r"\b([а-яё-]*[сц]к[а-яё]{1,3})\s+(?:автономн\w*\s+)?(?:кра[йяюе]|област\w*|республик)"
                      r"|\b([а-яё-]*[сц]к[а-яё]{1,3})\s+автономн\w*\s+округ|\bреспублик[аиеу]\s+([а-яё-]{3,})")
_ENDING = re.compile(r"(?<=[сц]к)[а-яё]{1,3}$")  # an adjective's case ending: «Хабаровского» ~ «Хабаровский»


def _stems(text: str) -> set[str]:
    return {_ENDING.sub("", word) for match in _SUBJECT.finditer(text) for word in match.groups() if word}


def foreign_subject(fit: HeaderFit | None, file_name: str, municipalities: list[Municipality]) -> str | None:
    """The subject of the RF the file's title rows name when it is not the region of the reference
    municipalities (a region's file read against another region's municipalities would resolve a «Ленинский
    район» to the wrong one); None when no subject is named, it is the region's, or the region is unnamed."""
    names = region_names(municipalities)
    if fit is None or names is None:
        return None
    text = normalize_text(" ".join([title_text(fit.sheet.rows, fit.start), fit.sheet.title, file_name]).replace("_", " "))
    named = _stems(text)
    if not named or named & set().union(*(_stems(normalize_text(n)) for n in names)):
        return None
    match = _SUBJECT.search(text)
    return match.group(0) if match else None


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
        candidates.append(_candidate(fits) if fits else Candidate(layout, 0.0, False))
    candidates.sort(key=lambda c: (not c.fits, -c.score))
    chosen, evidence, ambiguous = _decide(candidates, file_name_of(path))
    return Detection(chosen, candidates, evidence, ambiguous)


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
    if detection.ambiguous:
        refused = _refused(path, sha256, expected, detection.explanation())
        refused.evidence = detection.evidence
        return refused
    if detection.layout is None:
        return _refused(path, sha256, expected, f"вид файла не распознан: {detection.explanation()}")
    layout = detection.layout
    if kind is not None and layout.kind != kind:
        return _refused(path, sha256, kind, f"файл похож на «{SOURCE_KINDS[layout.kind].title}» (макет "
                                            f"{layout.name}), а получен как «{SOURCE_KINDS[kind].title}»: "
                                            "проверьте папку или вид файла", layout.name)
    best = next(c for c in detection.candidates if c.layout is layout)
    foreign = foreign_subject(best.fit, file_name_of(path), context.municipalities)
    if foreign:
        return _refused(path, sha256, layout.kind, f"файл другого субъекта РФ: в заголовке назван «{foreign}», а "
                                                   f"справочник муниципалитетов — {', '.join(region_names(context.municipalities) or [])}: "
                                                   "названия МО не сопоставляются с чужими (проверьте регион)", layout.name)
    if layout.kind == SUBMISSION.name:
        return _refused(path, sha256, SUBMISSION.name, "это муниципальная форма мониторинга: проверьте её командой "
                                                       "shnor check-submission", layout.name)
    if layout.engine == "student_results":
        read = read_student_results(path, context.matcher, sha256)
    elif layout.engine == "oo1_sections":
        read = read_oo1_sections(path, sha256, sheets)
    else:
        read = read_with_layout(layout, path, sha256, sheets, context, best.every_fit or None)
    read.layout = layout.name
    read.details["detection"] = detection.explanation()
    read.evidence = detection.evidence + read.evidence
    return read



def read_summary(read: SourceRead) -> dict:
    """What a read would load, counted whole (never cut to the rows printed): rows, schools (by registry
    code, else as written) and municipalities (by ОКТМО, else as written); for results, per procedure, year,
    subject and grade the schools and participants. A program counts from it; ``layouts infer`` prints it."""
    rows = read.rows
    summary: dict = {"rows": len(rows)}
    if rows.empty:
        return summary
    if "school_name_raw" in rows:
        schools = rows["school_code"].fillna("~" + rows["school_name_raw"].fillna(""))
        summary["schools"] = int(schools.nunique())
    if "municipality_oktmo" in rows:
        written = rows["municipality_name_raw"] if "municipality_name_raw" in rows else None
        municipalities = rows["municipality_oktmo"] if written is None else rows["municipality_oktmo"].fillna(written)
        summary["municipalities"] = int(municipalities.dropna().nunique())
    if "metric" in rows:
        keys = ["procedure", "year", "subject", "grade"]
        participants = rows[rows["metric"] == "participants"]
        groups = []
        for key, group in rows.groupby(keys, dropna=False, sort=True):
            counted = participants.merge(group[keys].drop_duplicates(), on=keys)
            groups.append({**{k: _plain(v) for k, v in zip(keys, key)},
                           "schools": int(group["school_code"].fillna("~" + group["school_name_raw"].fillna("")).nunique()),
                           "participants": float(counted["value"].sum()) if not counted.empty else None})
        summary["results"] = groups
    return summary


def _plain(value: object) -> object:
    """A grouping key as JSON takes it: NA as None, numpy numbers as int."""
    if pd.isna(value):
        return None
    return int(value) if hasattr(value, "item") and not isinstance(value, str) else value
