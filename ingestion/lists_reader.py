"""Readers of the yearly lists and of mentoring assignments.

- ``read_school_lists``: a table of (year, list, municipality, school) rows: ШНОР by the federal
  (ФИОКО) and the regional methodology, «500+» participants, schools in post-project support,
  ФИОКО's list of schools with signs of biased results. The municipality may be written only in the
  first row of its block (filled down).
- ``read_mentor_assignments``: curators / mentors / tutors and the schools they hold (seed 002: a
  curator may hold two schools). People are personal data: the reader keys them by a pseudonymous
  id (a salted hash of the normalised name) and returns names separately, for the restricted schema
  only; the assignments that flow on to marts carry the id alone.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from ingestion.school_names import SchoolMatcher
from ingestion.workbook_source import load_sheets
from shnor_core.lineage import file_sha256
from shnor_core.names import match_municipality
from shnor_core.reference import Municipality
from shnor_core.source_read import CellError, SourceRead, empty_frame, typed_frame
from shnor_core.sources import ASSIGNMENT_COLUMNS, LIST_COLUMNS, MENTORS, PEOPLE_COLUMNS, SCHOOL_LISTS
from shnor_core.text import fold, is_blank, normalize_text

LIST_KINDS = [  # (code, words that name the list in a header or cell)
    ("post_project", ("постпроект",)),
    ("project_500", ("500+", "500 +", "500плюс")),
    ("biased_results", ("необъектив",)),
    ("shnor_regional", ("региональн",)),
    ("shnor_federal", ("федеральн", "фиоко")),
]
ROLES = {"куратор": "curator", "наставник": "mentor", "тьютор": "tutor"}


def list_kind(text: object) -> str | None:
    folded = normalize_text(text)
    return next((code for code, words in LIST_KINDS if any(w in folded for w in words)), None)


def person_id(full_name: str) -> str:
    """Pseudonymous id of a person: stable across files, meaningless without the deployment's salt."""
    salt = os.environ.get("SHNOR_PSEUDONYM_SALT", "shnor-default-salt-change-in-production")
    normalized = " ".join(normalize_text(full_name).split())
    return "P" + hashlib.sha256(f"{salt}|{normalized}".encode()).hexdigest()[:12]


def _header(rows: list[tuple], wanted: dict[str, tuple[str, ...]]) -> tuple[int, dict[str, int]] | None:
    """The first row naming the wanted columns (by the start of their folded text)."""
    for index, row in enumerate(rows[:30]):
        found = {}
        for key, starts in wanted.items():
            position = next((i for i, c in enumerate(row) if any(fold(c).startswith(s) for s in starts)), None)
            if position is not None:
                found[key] = position
        if {"school", "municipality"} <= set(found):
            return index, found
    return None


def _school_rows(path: Path, wanted: dict[str, tuple[str, ...]]):
    """Yield (sheet, row number, row, columns, filled-down municipality text) of each data row."""
    for sheet in load_sheets(path):
        header = _header(sheet.rows, wanted)
        if header is None:
            continue
        index, columns = header
        municipality = ""
        for row_number, row in enumerate(sheet.rows[index + 1:], start=index + 2):
            value = row[columns["municipality"]] if columns["municipality"] < len(row) else None
            if not is_blank(value):
                municipality = str(value).strip()
            school = row[columns["school"]] if columns["school"] < len(row) else None
            if not is_blank(school):
                yield sheet.title, row_number, row, columns, municipality


def _resolve(written_municipality, written_school, municipalities, matcher, unmatched, where):
    municipality = match_municipality(written_municipality, municipalities).municipality if written_municipality else None
    code, score = matcher.resolve(written_school, municipality.oktmo if municipality else None, where, unmatched)
    return municipality, code, score


def _year(row, columns, fallback, errors, where):
    """The row's year, else the file name's; a row with neither is an error, never a guess."""
    value = row[columns["year"]] if "year" in columns and columns["year"] < len(row) else None
    match = re.search(r"20\d\d", str(value or ""))
    year = int(match.group(0)) if match else fallback
    if year is None:
        errors.append(CellError(where["source_file"], where["source_sheet"], f"строка {where['source_row']}", "year",
                                "" if value is None else str(value),
                                "год не указан ни в столбце «Год», ни в имени файла"))
    return year


def read_school_lists(path: Path, municipalities: list[Municipality], matcher: SchoolMatcher,
                      sha256: str | None = None) -> SourceRead:
    path = Path(path)
    result = SourceRead(path, sha256 or file_sha256(path), SCHOOL_LISTS.name, empty_frame(LIST_COLUMNS),
                        layout="school_lists")
    fallback_year = int(m.group(0)) if (m := re.search(r"20\d\d", path.stem)) else None
    records = []
    wanted = {"year": ("год",), "list": ("список", "видсписка", "методик"), "municipality": ("муниципал", "мо"),
              "school": ("оо", "образовательн", "школ", "наименованиеоо")}
    for sheet, row_number, row, columns, municipality_text in _school_rows(path, wanted):
        kind = list_kind(row[columns["list"]]) if "list" in columns else list_kind(sheet)
        where = {"source_file": path.name, "source_sheet": sheet, "source_row": row_number}
        if kind is None:
            result.errors.append(CellError(path.name, sheet, f"строка {row_number}", "list_kind",
                                           str(row[columns.get("list", 0)]), "вид списка не распознан"))
            continue
        municipality, code, score = _resolve(municipality_text, str(row[columns["school"]]).strip(),
                                             municipalities, matcher, result.unmatched, where)
        records.append({"list_kind": kind, "year": _year(row, columns, fallback_year, result.errors, where),
                        "municipality_oktmo": municipality.oktmo if municipality else None,
                        "school_name_raw": str(row[columns["school"]]).strip(), "school_code": code,
                        "match_score": score, "source_sha256": result.sha256, **where})
    result.rows = typed_frame(records, LIST_COLUMNS)
    return result


def read_mentor_assignments(path: Path, municipalities: list[Municipality], matcher: SchoolMatcher,
                            sha256: str | None = None) -> SourceRead:
    path = Path(path)
    result = SourceRead(path, sha256 or file_sha256(path), MENTORS.name, empty_frame(ASSIGNMENT_COLUMNS),
                        layout="mentor_assignments", people=empty_frame(PEOPLE_COLUMNS))
    fallback_year = int(m.group(0)) if (m := re.search(r"20\d\d", path.stem)) else None
    records, people = [], {}
    wanted = {"person": ("фио",), "position": ("должност",), "role": ("роль",), "year": ("год",),
              "municipality": ("муниципал", "мо"), "school": ("курируем", "закреплен", "оо", "школ")}
    for sheet, row_number, row, columns, municipality_text in _school_rows(path, wanted):
        if "person" not in columns or is_blank(row[columns["person"]]):
            continue
        full_name = " ".join(str(row[columns["person"]]).split())
        role_text = normalize_text(row[columns["role"]]) if "role" in columns else normalize_text(sheet)
        role = next((code for word, code in ROLES.items() if word in role_text), "curator")
        identifier = person_id(full_name)
        people[identifier] = {"person_id": identifier, "full_name": full_name, "source_sha256": result.sha256,
                              "position": str(row[columns["position"]]).strip() if "position" in columns else None}
        where = {"source_file": path.name, "source_sheet": sheet, "source_row": row_number}
        municipality, code, score = _resolve(municipality_text, str(row[columns["school"]]).strip(),
                                             municipalities, matcher, result.unmatched, where)
        records.append({"person_id": identifier, "role": role,
                        "year": _year(row, columns, fallback_year, result.errors, where),
                        "municipality_oktmo": municipality.oktmo if municipality else None,
                        "school_name_raw": str(row[columns["school"]]).strip(), "school_code": code,
                        "match_score": score, "source_sha256": result.sha256, **where})
    result.rows = typed_frame(records, ASSIGNMENT_COLUMNS)
    result.people = typed_frame(list(people.values()), PEOPLE_COLUMNS)
    return result
