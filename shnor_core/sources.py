"""The registry of source kinds: for every kind of file the warehouse takes in, the landing folder it
arrives in, the raw table its rows go to (with the column types every reader of that kind produces) and
the Great Expectations suite that checks them. The pipeline, the checkers and the readers all use this
one registry, so a file's kind and its table's shape are decided in one place.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from shnor_core.settings import FORMS_DIR, DataHome

LINEAGE_TYPES = {"source_file": "string", "source_sha256": "string", "source_sheet": "string", "source_row": "int64"}

# The hidden sheet of our templates holds what a reader can trust: form, monitoring, municipality code.
TEMPLATE_META_SHEET = "_meta"

SUBMISSION_COLUMNS = {
    "monitoring_id": "string", "form_id": "string", "municipality_oktmo": "string", "section_code": "string",
    "indicator_code": "string", "indicator_number": "int64", "item_number": "int64", "unit_label": "string",
    "kind": "string", "value": "float64", "raw_value": "string", "not_applicable": "bool",
    **LINEAGE_TYPES, "source_cell": "string",
    "school_code": "string",  # school-level forms: the school that filled it; empty for a municipality's form
}
REGISTRY_COLUMNS = {"school_code": "string", "school_name": "string", "municipality_oktmo": "string", "inn": "string",
                    "ogrn": "string", "school_login": "string", **LINEAGE_TYPES}
RESULT_COLUMNS = {
    "procedure": "string", "year": "int64", "subject": "string", "grade": "Int64",
    "municipality_oktmo": "string", "municipality_name_raw": "string", "school_name_raw": "string",
    "school_code": "string", "school_ogrn": "string", "match_score": "float64",
    "metric": "string", "value": "float64", **LINEAGE_TYPES, "source_cell": "string",
}
# municipality_name_raw: the municipality as written (a row's column; empty where the whole file names it)
LIST_COLUMNS = {"list_kind": "string", "year": "Int64", "municipality_oktmo": "string", "municipality_name_raw": "string",
                "school_name_raw": "string",
                "school_code": "string", "match_score": "float64", **LINEAGE_TYPES}
ASSIGNMENT_COLUMNS = {"person_id": "string", "role": "string", "year": "Int64", "municipality_oktmo": "string",
                      "municipality_name_raw": "string", "school_name_raw": "string", "school_code": "string", "match_score": "float64",
                      # a curator's own school (seed 002: chosen among directors of schools with steady results),
                      # the visits made, whether a programme against the school's risks was agreed, and when the
                      # work was dated in ИС МЭДК
                      "own_school_code": "string", "visits": "Int64", "risk_programme": "boolean",
                      "medk_date": "string", **LINEAGE_TYPES}
# Dates are ISO text (YYYY-MM-DD) in raw tables, cast to dates in staging.
ROADMAP_COLUMNS = {
    "municipality_oktmo": "string", "roadmap_year": "Int64", "activity_number": "Int64", "activity_text": "string",
    "activity_code": "string", "match_score": "float64", "document_text": "string", "schedule_text": "string",
    "periodicity": "string", "due_date": "string",  # one row per activity and date the schedule names
    "responsible_text": "string",  # people replaced by their pseudonymous ids; names in restricted.people
    "responsible_people": "Int64", **LINEAGE_TYPES, "source_cell": "string",
}
ROADMAP_REPORT_COLUMNS = {
    "municipality_oktmo": "string", "report_year": "Int64", "activity_number": "Int64", "activity_text": "string",
    "activity_code": "string", "match_score": "float64", "due_text": "string", "due_date": "string",
    "done_text": "string", "done_date": "string", "document_kind": "string", "document_text": "string",
    "document_number": "string", "document_date": "string", "document_link": "string",
    **LINEAGE_TYPES, "source_cell": "string",
}
PEOPLE_REGISTRY_COLUMNS = {
    "person_id": "string", "role": "string", "team_role": "string", "registry_year": "Int64",
    "municipality_oktmo": "string", "municipality_name_raw": "string", "school_name_raw": "string",
    "school_code": "string", "match_score": "float64", **LINEAGE_TYPES,
}
DEVELOPMENT_COLUMNS = {
    "person_id": "string", "event_year": "Int64", "municipality_oktmo": "string", "municipality_name_raw": "string",
    "school_name_raw": "string",
    "school_code": "string", "match_score": "float64", "event_kind": "string", "event_title": "string",
    "start_date": "string", "end_date": "string", "hours": "float64", "result": "string", **LINEAGE_TYPES,
}
PEOPLE_TABLE = "restricted.people"  # names of people: no dbt model, mart or BI role reads it
PEOPLE_COLUMNS = {"person_id": "string", "full_name": "string", "position": "string", "contact": "string",
                  "role": "string", "source_sha256": "string"}


@dataclass(frozen=True)
class ContextColumn:
    """A column of the flat ОО-1 extract (forms/context/oo1_flat.csv)."""

    variable: str
    label: str
    dtype: str
    description: str


_CONTEXT_TYPES = {"string": "string", "int": "Int64", "bool": "boolean"}


@cache
def context_columns(path: Path = FORMS_DIR / "context" / "oo1_flat.csv") -> tuple[ContextColumn, ...]:
    with open(path, encoding="utf-8", newline="") as handle:
        return tuple(ContextColumn(**row) for row in csv.DictReader(handle))


def context_dtypes() -> dict[str, str]:
    return {"year": "int64", **{c.variable: _CONTEXT_TYPES[c.dtype] for c in context_columns()}, **LINEAGE_TYPES}


@dataclass(frozen=True)
class SourceKind:
    name: str
    title: str  # what a person calls it
    landing: str  # folder under $SHNOR_HOME/landing (submissions: one subfolder per monitoring)
    table: str
    suite: str
    columns: dict[str, str]


SUBMISSION = SourceKind("submission", "форма мониторинга (муниципальная или школьная)", "submissions", "raw.submission_values",
                        "raw_submission_values", SUBMISSION_COLUMNS)
OO1_CONTEXT = SourceKind("oo1_context", "контекстные данные ОО-1", "context", "raw.oo1_context", "raw_oo1_context",
                         context_dtypes())
SCHOOL_REGISTRY = SourceKind("school_registry", "реестр школ", "reference", "raw.schools", "raw_schools",
                             REGISTRY_COLUMNS)
ASSESSMENT = SourceKind("assessment_results", "результаты ВПР, ОГЭ, ЕГЭ", "results", "raw.assessment_results",
                        "raw_assessment_results", RESULT_COLUMNS)
SCHOOL_LISTS = SourceKind("school_lists", "списки школ", "lists", "raw.school_lists", "raw_school_lists", LIST_COLUMNS)
MENTORS = SourceKind("mentor_assignments", "закрепление кураторов и наставников", "mentors", "raw.mentor_assignments",
                     "raw_mentor_assignments", ASSIGNMENT_COLUMNS)
ROADMAP = SourceKind("roadmap", "дорожная карта МО", "roadmaps", "raw.roadmap_items", "raw_roadmap_items",
                     ROADMAP_COLUMNS)
ROADMAP_REPORT = SourceKind("roadmap_report", "отчёт об исполнении дорожной карты", "roadmap_reports",
                            "raw.roadmap_reports", "raw_roadmap_reports", ROADMAP_REPORT_COLUMNS)
PEOPLE_REGISTRY = SourceKind("people_registry", "реестр управленческих команд, педагогов, наставников, тьюторов",
                             "people", "raw.people_registry", "raw_people_registry", PEOPLE_REGISTRY_COLUMNS)
DEVELOPMENT = SourceKind("professional_development", "повышение квалификации и участие в мероприятиях",
                         "development", "raw.professional_development", "raw_professional_development",
                         DEVELOPMENT_COLUMNS)
SOURCE_KINDS = {kind.name: kind for kind in (SUBMISSION, OO1_CONTEXT, SCHOOL_REGISTRY, ASSESSMENT, SCHOOL_LISTS, MENTORS,
                                             ROADMAP, ROADMAP_REPORT, PEOPLE_REGISTRY, DEVELOPMENT)}


def landing_folder(home: DataHome, kind: SourceKind, monitoring_id: str | None = None) -> Path:
    """Where files of a kind land: ``landing/<kind folder>``, municipal forms in one folder per monitoring."""
    if kind is SUBMISSION:
        if not monitoring_id:
            raise ValueError("municipal forms land in a folder per monitoring: monitoring_id is required")
        return home.submissions_landing(monitoring_id)
    return home.landing / kind.landing
