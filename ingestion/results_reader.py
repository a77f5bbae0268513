"""Readers of assessment results (ВПР, ОГЭ, ЕГЭ) in the layouts regions really keep.

Every reader returns the same long, typed frame: one row per school, procedure, subject, grade and
metric (``participants``, ``mark_2_share``…``mark_5_share``, ``lowered_share``/``confirmed_share``/
``raised_share``, ``mean_score``, ``below_minimum``, ``score_100``, …), with lineage, the written
school and municipality names, and the school code when the name matches the region's registry
with certainty (otherwise it goes to review).

- ``read_vpr_statistics``: ФИС ОКО «Статистика по отметкам»: a sheet per subject and grade, a
  header row with «Кол-во участников» and the marks 2/3/4/5 in percent, municipality rows followed by
  their schools, region totals (dropped); optionally «Понизили / Подтвердили / Повысили».
- ``read_exam_results``: a regional ОГЭ/ЕГЭ table: a two-level merged header (subject over
  participants / mean score / below the minimum / 100 points), the municipality written only in the
  first row of its block (filled down), totals («ВСЕГО», «Итого по региону», «по МО») dropped, `х`
  for structurally empty cells.
- ``read_moscow_ege``: the Moscow open-data CSV of ЕГЭ per school (data.mos.ru, dataset 9722).
- student-level CSV exports are aggregated to the same cells by ``ingestion.student_results_reader``.

Which of them reads a file is decided by ``ingestion.detect``.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from openpyxl.utils import get_column_letter

from ingestion.school_names import SchoolMatcher, school_key
from ingestion.workbook_source import SheetRows, load_sheets
from shnor_core.demo import mentions_demo
from shnor_core.lineage import file_sha256
from shnor_core.names import match_municipality
from shnor_core.reference import Municipality
from shnor_core.source_read import CellError, SourceRead, typed_frame
from shnor_core.sources import ASSESSMENT, RESULT_COLUMNS
from shnor_core.text import fold, is_blank, normalize_text

_TOTAL_ROW = re.compile(r"^(всего|итого)|по (региону|краю|мо|району|округу)\b|^(краснодарский край|республика|регион)")
_STRUCTURALLY_EMPTY = {"х", "x", "-", "—"}


def _number(raw: object) -> float | None:
    """A number in a results cell; None for blanks and structurally empty cells ("х")."""
    if is_blank(raw) or normalize_text(raw) in _STRUCTURALLY_EMPTY:
        return None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return float(raw)
    text = normalize_text(raw).replace("%", "").replace(" ", "").replace(",", ".")
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"не число: «{raw}»") from None


def _year_in(texts) -> int | None:
    for text in texts:
        match = re.search(r"\b(20\d\d)\b", str(text or ""))
        if match:
            return int(match.group(1))
    return None


class _Collector:
    """Accumulates result rows, review entries and errors for one file."""

    def __init__(self, path: Path, sha256: str, municipalities: list[Municipality], matcher: SchoolMatcher):
        self.path, self.sha256, self.municipalities, self.matcher = path, sha256, municipalities, matcher
        self.records: list[dict] = []
        self.unmatched: list[dict] = []
        self.errors: list[CellError] = []

    def municipality(self, written: str) -> Municipality | None:
        return match_municipality(written, self.municipalities).municipality if written else None

    def school(self, written: str, municipality: Municipality | None, sheet: str, row: int) -> tuple[str | None, float]:
        where = {"source_file": self.path.name, "source_sheet": sheet, "source_row": row}
        return self.matcher.resolve(written, municipality.oktmo if municipality else None, where, self.unmatched)

    def add(self, base: dict, metric: str, raw: object, sheet: str, row: int, column: int, scale: float = 1.0) -> None:
        """One metric from one cell; ``scale`` converts units (0.01: percent in the table, share here)."""
        cell = f"{get_column_letter(column + 1)}{row}"
        try:
            value = _number(raw)
        except ValueError as error:
            self.errors.append(CellError(self.path.name, sheet, cell, metric, str(raw), str(error)))
            return
        if value is None:
            return
        self.records.append({**base, "metric": metric, "value": value * scale, "source_file": self.path.name,
                             "source_sha256": self.sha256, "source_sheet": sheet, "source_row": row,
                             "source_cell": cell})

    def result(self, layout: str, is_demo: bool = False) -> SourceRead:
        return SourceRead(self.path, self.sha256, ASSESSMENT.name, typed_frame(self.records, RESULT_COLUMNS),
                          layout=layout, errors=self.errors, unmatched=self.unmatched, is_demo=is_demo)


_VPR_MARKS = {"2": "mark_2_share", "3": "mark_3_share", "4": "mark_4_share", "5": "mark_5_share"}
_VPR_COMPARISON = {"понизили": "lowered_share", "подтвердили": "confirmed_share", "повысили": "raised_share"}


def _vpr_sheet(sheet: SheetRows, collector: _Collector, year: int | None) -> None:
    header_index = next((i for i, row in enumerate(sheet.rows[:30])
                         if any(fold(c).startswith("колвоучастник") or fold(c).startswith("количествоучастник")
                                for c in row)), None)
    if header_index is None:
        return
    preamble = " ".join(str(c) for row in sheet.rows[:header_index] for c in row if c is not None) + " " + sheet.title
    subject_match = re.search(r"предмет:\s*([^\n]+?)(?:\s+класс|\s*$|\s+\d)", normalize_text(preamble))
    subject = (subject_match.group(1).strip() if subject_match else
               re.sub(r"\s*\d+.*$", "", normalize_text(sheet.title))).capitalize()
    grade_match = re.search(r"(\d{1,2})\s*класс|класс:\s*(\d{1,2})|\b(\d{1,2})\s*$", normalize_text(preamble))
    grade = int(next(g for g in grade_match.groups() if g)) if grade_match else None
    year = year or _year_in([preamble])
    header = [normalize_text(c) for c in sheet.rows[header_index]]
    participants = next(i for i, text in enumerate(header) if fold(text).startswith(("колвоучастник", "количествоучастник")))
    metrics = {i: _VPR_MARKS[text.replace("%", "").strip()] for i, text in enumerate(header)
               if text.replace("%", "").strip() in _VPR_MARKS}
    metrics.update({i: metric for i, text in enumerate(header) for word, metric in _VPR_COMPARISON.items()
                    if text.startswith(word)})
    name_col = max(participants - 1, 0)
    current_municipality = None
    for row_number, row in enumerate(sheet.rows[header_index + 1:], start=header_index + 2):
        written = str(row[name_col]).strip() if name_col < len(row) and not is_blank(row[name_col]) else ""
        if not written or _TOTAL_ROW.search(normalize_text(written)):
            continue
        kind, number = school_key(written)
        if number is None:
            current_municipality = collector.municipality(written) or current_municipality
            continue
        code, score = collector.school(written, current_municipality, sheet.title, row_number)
        base = {"procedure": "ВПР", "year": year, "subject": subject, "grade": grade,
                "municipality_oktmo": current_municipality.oktmo if current_municipality else None,
                "municipality_name_raw": current_municipality.name if current_municipality else None,
                "school_name_raw": written, "school_code": code, "school_ogrn": None, "match_score": score}
        collector.add(base, "participants", row[participants], sheet.title, row_number, participants)
        for column, metric in metrics.items():  # ФИС ОКО gives marks and comparisons in percent
            collector.add(base, metric, row[column] if column < len(row) else None, sheet.title, row_number, column,
                          scale=0.01)


def read_vpr_statistics(path: Path, municipalities: list[Municipality], matcher: SchoolMatcher,
                        sha256: str | None = None) -> SourceRead:
    path = Path(path)
    collector = _Collector(path, sha256 or file_sha256(path), municipalities, matcher)
    sheets = load_sheets(path)
    year = _year_in([path.stem])
    for sheet in sheets:
        _vpr_sheet(sheet, collector, year)
    return collector.result("vpr_statistics", _is_demo(sheets))


_EXAM_METRICS = {"участник": "participants", "среднийбалл": "mean_score", "непреодолел": "below_minimum",
                 "нижеминимум": "below_minimum", "100балл": "score_100", "сдали": "passed"}


def read_exam_results(path: Path, municipalities: list[Municipality], matcher: SchoolMatcher,
                      sha256: str | None = None) -> SourceRead:
    path = Path(path)
    collector = _Collector(path, sha256 or file_sha256(path), municipalities, matcher)
    sheets = load_sheets(path)
    for sheet in sheets:
        rows = sheet.rows
        sub_index = next((i for i, row in enumerate(rows[:30])
                          if sum(any(fold(c).startswith(k) or k in fold(c) for k in _EXAM_METRICS) for c in row) >= 2), None)
        if sub_index is None or sub_index == 0:
            continue
        preamble = [str(c) for row in rows[:sub_index] for c in row if c is not None] + [sheet.title, path.stem]
        procedure = "ОГЭ" if any("огэ" in normalize_text(t) for t in preamble) else "ЕГЭ"
        year = _year_in(preamble)
        subjects, subject = {}, None
        for column, cell in enumerate(rows[sub_index - 1]):  # merged subject titles: filled rightwards
            if not is_blank(cell):
                subject = str(cell).strip()
            subjects[column] = subject
        metrics = {}
        for column, cell in enumerate(rows[sub_index]):
            text = fold(cell)
            metric = next((m for key, m in _EXAM_METRICS.items() if text.startswith(key) or key in text), None)
            if metric and subjects.get(column):
                metrics[column] = (subjects[column], metric)
        if not metrics:
            continue
        first_metric = min(metrics)
        municipality_col, school_col = 0, max(first_metric - 1, 1)
        current = None
        for row_number, row in enumerate(rows[sub_index + 1:], start=sub_index + 2):
            written_municipality = row[municipality_col] if municipality_col < len(row) else None
            if not is_blank(written_municipality) and not _TOTAL_ROW.search(normalize_text(written_municipality)):
                current = collector.municipality(str(written_municipality)) or current  # fill down
            school = row[school_col] if school_col < len(row) else None
            if is_blank(school) or _TOTAL_ROW.search(normalize_text(school)) or \
                    _TOTAL_ROW.search(normalize_text(written_municipality)):
                continue
            written = str(school).strip()
            code, score = collector.school(written, current, sheet.title, row_number)
            for column, (subject_name, metric) in metrics.items():
                base = {"procedure": procedure, "year": year, "subject": subject_name,
                        "grade": 9 if procedure == "ОГЭ" else 11,
                        "municipality_oktmo": current.oktmo if current else None,
                        "municipality_name_raw": current.name if current else None,
                        "school_name_raw": written, "school_code": code, "school_ogrn": None, "match_score": score}
                collector.add(base, metric, row[column] if column < len(row) else None, sheet.title, row_number, column)
    return collector.result("exam_results", _is_demo(sheets))


_MOSCOW_METRICS = {"PASSED_NUMBER_FULL": "participants", "PASSES_OVER_220": "score_220_plus",
                   # despite its name the column counts graduates with at least 160 points (see its README)
                   "PASSER_UNDER_160": "score_160_plus"}


def read_moscow_ege(path: Path, sha256: str | None = None) -> SourceRead:
    """Moscow's open-data CSV: `;`-separated, every field quoted, a trailing `;` on every line."""
    path = Path(path)
    collector = _Collector(path, sha256 or file_sha256(path), [], SchoolMatcher([]))
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=";")
        header = [h for h in next(reader) if h]
        for row_number, row in enumerate(reader, start=2):
            record = dict(zip(header, row))
            if not record.get("EDU_NAME"):
                continue
            year_text = record.get("YEAR", "")
            base = {"procedure": "ЕГЭ", "year": int(year_text[-4:]) if year_text[-4:].isdigit() else None,
                    "subject": "три предмета", "grade": 11, "municipality_oktmo": None,
                    "municipality_name_raw": record.get("District"), "school_name_raw": record["EDU_NAME"],
                    "school_code": None, "school_ogrn": record.get("OGRN") or None, "match_score": None}
            for column, metric in _MOSCOW_METRICS.items():
                collector.add(base, metric, record.get(column), "csv", row_number, header.index(column))
    return collector.result("moscow_ege_csv")


def _is_demo(sheets: list[SheetRows]) -> bool:
    return mentions_demo(c for s in sheets for row in s.rows[:5] for c in row)

