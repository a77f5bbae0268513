"""Rows of a table read by a layout (``ingestion.tables``) turned into a source kind's raw rows: names
matched to the reference (municipalities) and the region's registry (schools), measures unpivoted into
one row per metric, people kept apart under pseudonyms (names, positions and contacts for the restricted schema only),
roadmap activities matched to the catalogue and their schedules turned into due dates. Names are kept as written:
the match made here is a first guess for the checkers; the warehouse resolves names again on every build
(``shnor.identity``). A file is held for a person only when its structure is in doubt, never for its names.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from ingestion.activities import ActivityMatcher
from ingestion.context import ReadContext
from ingestion.dates import deadlines_in, parse_date, parse_schedule
from ingestion.layout_spec import Layout
from ingestion.people import person_id
from ingestion.person_names import canonical_name, people_in, replace_people
from ingestion.school_names import SchoolMatcher, school_key
from ingestion.tables import HeaderFit, Table, TableRow, file_name_of, read_table, row_facts, title_text
from ingestion.workbook_source import SheetRows
from shnor_core.names import match_municipality
from shnor_core.reference import Municipality, load_roadmap_catalogue
from shnor_core.source_read import CellError, SourceRead, typed_frame
from shnor_core.sources import (
    ASSIGNMENT_COLUMNS,
    DEVELOPMENT_COLUMNS,
    LIST_COLUMNS,
    PEOPLE_COLUMNS,
    PEOPLE_REGISTRY_COLUMNS,
    REGISTRY_COLUMNS,
    RESULT_COLUMNS,
    ROADMAP_COLUMNS,
    ROADMAP_REPORT_COLUMNS,
    SOURCE_KINDS,
    context_dtypes,
)


class _Resolver:
    """Municipality and school names of one file, each resolved once."""

    def __init__(self, municipalities: list[Municipality], matcher: SchoolMatcher, path: Path, review: list[dict],
                 pseudonym_key: bytes | None):
        self.municipalities, self.matcher, self.path, self.review = municipalities, matcher, path, review
        self.pseudonym_key = pseudonym_key
        self._municipalities: dict[str, Municipality | None] = {}

    def municipality(self, written: str) -> Municipality | None:
        if written not in self._municipalities:
            match = match_municipality(written, self.municipalities) if written else None
            self._municipalities[written] = match.municipality if match else None
        return self._municipalities[written]

    def school(self, written: str, municipality: Municipality | None, row: TableRow) -> tuple[str | None, float]:
        where = {"source_file": self.path.name, "source_sheet": row.sheet, "source_row": row.row}
        return self.matcher.resolve(written, municipality.oktmo if municipality else None, where, self.review)


def _value(row: TableRow, name: str):
    cell = row.fields.get(name)
    return None if cell is None else cell.value


def _municipality_of(row: TableRow, layout: Layout, resolver: _Resolver) -> tuple[Municipality | None, str]:
    written = _written_municipality(row) or ""
    spec = next((c for c in layout.columns if c.field == "municipality"), None)
    if spec is not None and not spec.resolve:
        return None, written
    return resolver.municipality(written), written


def _written_municipality(row: TableRow) -> str | None:
    """The municipality as the row writes it (None where only the file's title or name says it)."""
    return row.municipality_text or (str(_value(row, "municipality")) if _value(row, "municipality") else None)


def _lineage(read: SourceRead, row: TableRow) -> dict:
    return {"source_file": read.file.name, "source_sha256": read.sha256, "source_sheet": row.sheet,
            "source_row": row.row}


def _school(row: TableRow, municipality: Municipality | None, resolver: _Resolver) -> tuple[str, str | None, float | None]:
    written = str(_value(row, "school") or "")
    code = _value(row, "school_code")
    if code and code in resolver.matcher.by_code:
        return written, str(code), 1.0
    login = _value(row, "school_login")
    if login:
        written = f"({login}) {written}".strip()
    if not written:
        return written, None, None
    code, score = resolver.school(written, municipality, row)
    return written, code, score


def emit_results(table: Table, read: SourceRead, resolver: _Resolver) -> list[dict]:
    layout, records, missing, explained = table.layout, [], set(), set()
    for row in table.rows:
        municipality, written_municipality = _municipality_of(row, layout, resolver)
        written, code, score = _school(row, municipality, resolver)
        facts_of_sheet = table.sheet_facts[row.sheet]
        for spec, block, cell in row.measures:
            if cell.value is None:
                continue
            if (row.sheet, block) not in explained:
                explained.add((row.sheet, block))
                read.evidence += _fact_evidence(table, row, block)
            facts = row_facts(layout, facts_of_sheet, row, block)
            for name in ("procedure", "year", "subject"):
                if facts.get(name) is None and (row.sheet, name) not in missing:
                    missing.add((row.sheet, name))
                    read.errors.append(CellError(read.file.name, row.sheet, "", name, "",
                                                 f"не удалось определить {_FACT_RU[name]} ни по заголовку, ни по имени "
                                                 "листа или файла: файл отклонён как неоднозначный"))
            records.append({
                "procedure": facts.get("procedure"), "year": facts.get("year"), "subject": facts.get("subject"),
                "grade": facts.get("grade"), "municipality_oktmo": municipality.oktmo if municipality else None,
                "municipality_name_raw": written_municipality or None, "school_name_raw": written or None,
                "school_code": code, "school_ogrn": _value(row, "school_ogrn"), "match_score": score,
                "metric": spec.field, "value": cell.value, **_lineage(read, row), "source_cell": cell.address})
    return records


_FACT_RU = {"procedure": "процедуру (ВПР, ОГЭ, ЕГЭ)", "year": "год", "subject": "предмет", "list_kind": "вид списка"}
_FACT_NAMES = {"procedure": "процедура", "year": "год", "subject": "предмет", "grade": "класс"}


def _fact_evidence(table: Table, row: TableRow, block: str | None) -> list[str]:
    """The procedure, year, subject and grade of one sheet's block of values, each with where it was found."""
    sources = dict(table.fact_sources.get(row.sheet, {}))
    facts = row_facts(table.layout, table.sheet_facts[row.sheet], row, block, sources)
    where = f"лист «{row.sheet}»" + (f", блок «{block}»" if block else "")
    return [f"{where}: {label} {facts[name]} — {sources.get(name, 'источник не записан')}"
            for name, label in _FACT_NAMES.items() if facts.get(name) is not None]


def emit_lists(table: Table, read: SourceRead, resolver: _Resolver) -> list[dict]:
    layout, records = table.layout, []
    for row in table.rows:
        facts = row_facts(layout, table.sheet_facts[row.sheet], row, None)
        municipality, _ = _municipality_of(row, layout, resolver)
        written, code, score = _school(row, municipality, resolver)
        kind, year = _value(row, "list_kind") or facts.get("list_kind"), _value(row, "year") or facts.get("year")
        for name, value in (("list_kind", kind), ("year", year)):
            if value is None:
                read.errors.append(CellError(read.file.name, row.sheet, f"строка {row.row}", name, "",
                                             f"не удалось определить {_FACT_RU[name]}: нет ни в столбце, ни в "
                                             "заголовке, ни в имени листа или файла"))
        records.append({"list_kind": kind, "year": year, "municipality_oktmo": municipality.oktmo if municipality else None,
                        "municipality_name_raw": _written_municipality(row), "school_name_raw": written, "school_code": code, "match_score": score, **_lineage(read, row)})
    return records


def emit_registry(table: Table, read: SourceRead, resolver: _Resolver) -> list[dict]:
    fields = [c for c in REGISTRY_COLUMNS if not c.startswith("source_")]
    return [{**{name: (None if _value(row, name) is None else str(_value(row, name))) for name in fields},
             **_lineage(read, row)} for row in table.rows]


def emit_context(table: Table, read: SourceRead, resolver: _Resolver) -> list[dict]:
    records = []
    for row in table.rows:
        facts = row_facts(table.layout, table.sheet_facts[row.sheet], row, None)
        if facts.get("year") is None:
            read.errors.append(CellError(read.file.name, row.sheet, "", "year", "",
                                         "не удалось определить год данных ни по заголовку, ни по имени файла"))
            return []
        record = {"year": facts["year"], **_lineage(read, row)}
        for name, kind in context_dtypes().items():
            if name in row.fields:
                value = row.fields[name].value
                record[name] = None if value is None else (bool(value) if kind == "boolean" else
                                                           int(value) if kind == "Int64" else str(value))
        records.append(record)
    return records


def emit_mentors(table: Table, read: SourceRead, resolver: _Resolver) -> list[dict]:
    """Curators, mentors, tutors and the schools they support (seed 002). A curator's own school — a column
    of its own, or the school named in the position ("директор лицея № 59") — is matched as schools are:
    its results are what the curator was chosen by."""
    layout, records, people = table.layout, [], {}
    for row in table.rows:
        full_name = canonical_name(_value(row, "person"))
        facts = row_facts(layout, table.sheet_facts[row.sheet], row, None)
        identifier = person_id(full_name, resolver.pseudonym_key)
        position = _value(row, "position")
        role = _value(row, "role") or facts.get("role") or "curator"
        people[identifier] = {"person_id": identifier, "full_name": full_name, "source_sha256": read.sha256,
                              "position": position, "role": role}
        municipality, _ = _municipality_of(row, layout, resolver)
        written, code, score = _school(row, municipality, resolver)
        own_written = _value(row, "own_school") or (position if position and school_key(position)[1] else None)
        own_code = resolver.school(str(own_written), municipality, row)[0] if own_written else None
        year = _value(row, "year") or facts.get("year")
        if year is None:
            read.errors.append(CellError(read.file.name, row.sheet, f"строка {row.row}", "year", "",
                                         "год не указан ни в столбце «Год», ни в имени файла"))
        visits = _value(row, "visits")
        records.append({"person_id": identifier, "role": role,
                        "year": year, "municipality_oktmo": municipality.oktmo if municipality else None,
                        "municipality_name_raw": _written_municipality(row),
                        "school_name_raw": written, "school_code": code, "match_score": score,
                        "own_school_code": own_code, "visits": None if visits is None else int(visits),
                        "risk_programme": {"yes": True, "no": False}.get(_value(row, "risk_programme")),
                        "medk_date": _value(row, "medk_date"),
                        **_lineage(read, row)})
    read.people = typed_frame(list(people.values()), PEOPLE_COLUMNS)
    return records


# --- roadmaps and their execution (seed 001) -----------------------------------------------------------

def _file_municipality(table: Table, read: SourceRead, resolver: _Resolver) -> Municipality | None:
    """The municipality a whole file is of (a roadmap, a report, a municipality's own registry): named in
    the file name, the title rows above the table or the sheet name. Two different ones are an error."""
    found: dict[str, tuple[Municipality, str]] = {}
    texts = [("в имени файла", file_name_of(read.file))]
    texts += [(f"в заголовке («{fit.sheet.title}»)", title_text(fit.sheet.rows, fit.start)) for fit in table.fits]
    texts += [(f"в имени листа «{fit.sheet.title}»", fit.sheet.title) for fit in table.fits]
    for where, text in texts:
        municipality = resolver.municipality(text) if text else None
        if municipality is not None:
            found.setdefault(municipality.oktmo, (municipality, where))
    if len(found) > 1:
        named = "; ".join(f"{m.name} ({where})" for m, where in found.values())
        read.errors.append(CellError(read.file.name, "", "", "municipality", "",
                                     f"в файле названы разные муниципальные образования: {named}"))
        return None
    if not found:
        read.errors.append(CellError(read.file.name, "", "", "municipality", "",
                                     "не удалось определить муниципальное образование ни по заголовку, ни по имени "
                                     "файла или листа"))
        return None
    return next(iter(found.values()))[0]


def _words_of(layout: Layout, name: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((code, tuple(words)) for code, words in (layout.settings.get(name) or {}).items())


def _word_code(mapping: tuple[tuple[str, tuple[str, ...]], ...], text: object, otherwise: str | None = None) -> str | None:
    """The code whose word comes first in the text ("Мониторинг (аналитическая справка)" is a monitoring,
    "заместитель директора" a deputy); ``otherwise`` when none is there, None for no text."""
    folded = " ".join(str(text or "").lower().replace("ё", "е").split())
    if not folded:
        return None
    found = [(position, order, code) for order, (code, words) in enumerate(mapping) for word in words
             if (position := folded.find(word.lower().replace("ё", "е"))) >= 0]
    return min(found)[2] if found else otherwise


def _activity_matcher(layout: Layout) -> ActivityMatcher:
    settings = layout.settings.get("catalogue_match") or {}
    return ActivityMatcher(load_roadmap_catalogue(), float(settings.get("accept", 0.5)), float(settings.get("margin", 0.1)))


def _year_of(table: Table, row: TableRow, fact: str, read: SourceRead, missing: set) -> int | None:
    year = row_facts(table.layout, table.sheet_facts[row.sheet], row, None).get(fact)
    if year is None and row.sheet not in missing:
        missing.add(row.sheet)
        read.errors.append(CellError(read.file.name, row.sheet, "", fact, "",
                                     "не удалось определить год ни по заголовку, ни по имени файла или листа"))
    return year


def _number(row: TableRow, name: str) -> int | None:
    value = _value(row, name)
    return int(value) if value is not None and str(value).isdigit() else None


def _cell(row: TableRow, name: str) -> str:
    cell = row.fields.get(name)
    return cell.address if cell is not None else ""


def emit_roadmap(table: Table, read: SourceRead, resolver: _Resolver) -> list[dict]:
    """A municipality's roadmap (seed 001): one row per activity and due date its schedule names (one row
    without a date for a periodicity: its dates are the seed ``roadmap_periodicities``), its wording
    matched to the catalogue, the people responsible replaced by pseudonymous ids."""
    layout = table.layout
    municipality = _file_municipality(table, read, resolver)
    oktmo = municipality.oktmo if municipality else None
    periodicities, matcher = _words_of(layout, "periodicities"), _activity_matcher(layout)
    records, people, missing = [], {}, set()
    for row in table.rows:
        year = _year_of(table, row, "year", read, missing)
        activity = _value(row, "activity")
        where = {"source_file": read.file.name, "source_sheet": row.sheet, "source_row": row.row}
        code, score = matcher.resolve(str(activity), oktmo, where, resolver.review) if activity else (None, None)
        schedule_text = _value(row, "schedule")
        schedule = parse_schedule(schedule_text, year, periodicities)
        if schedule_text and schedule.periodicity is None:
            read.notes.append(f"{row.sheet}, {_cell(row, 'schedule')}: срок «{schedule_text}» не распознан — "
                              "мероприятие считается подлежащим выполнению до конца года")
        responsible = str(_value(row, "responsible") or "")
        named = people_in(responsible)
        ids = [person_id(person.name, resolver.pseudonym_key) for person in named]
        for person, identifier in zip(named, ids):
            people[identifier] = {"person_id": identifier, "full_name": person.name, "position": person.position,
                                  "role": "roadmap_responsible", "source_sha256": read.sha256}
        base = {"municipality_oktmo": oktmo, "roadmap_year": year, "activity_number": _number(row, "number"),
                "activity_text": activity, "activity_code": code, "match_score": score,
                "document_text": _value(row, "document"), "schedule_text": schedule_text,
                "periodicity": schedule.periodicity, "responsible_text": replace_people(responsible, named, ids) or None,
                "responsible_people": len(named), **_lineage(read, row), "source_cell": _cell(row, "activity")}
        for due in schedule.due_dates or (None,):
            records.append({**base, "due_date": due.isoformat() if due else None})
    read.people = typed_frame(list(people.values()), PEOPLE_COLUMNS)
    return records


_DOCUMENT_NUMBER = re.compile(r"№\s*([0-9А-Яа-яA-Za-z][0-9А-Яа-яA-Za-z/\-.]*)")
_LINK = re.compile(r"https?://\S+", re.IGNORECASE)


def emit_roadmap_report(table: Table, read: SourceRead, resolver: _Resolver) -> list[dict]:
    """A report on a roadmap's execution: per activity and due date, what was done and the document that
    evidences it — its kind, number, date or link, from their own columns or from one «Документ» cell
    ("Приказ УО от 15.01.2025 № 45"). Only a named document is evidence (decided in dbt)."""
    layout = table.layout
    municipality = _file_municipality(table, read, resolver)
    oktmo = municipality.oktmo if municipality else None
    kinds, matcher = _words_of(layout, "document_kinds"), _activity_matcher(layout)
    records, missing, people = [], set(), {}
    for row in table.rows:
        year = _year_of(table, row, "year", read, missing)
        activity = _value(row, "activity")
        where = {"source_file": read.file.name, "source_sheet": row.sheet, "source_row": row.row}
        code, score = matcher.resolve(str(activity), oktmo, where, resolver.review) if activity else (None, None)
        due_text = _value(row, "due")
        due = deadlines_in(due_text, year)
        document_text = _without_names(" ".join(str(v) for v in (_value(row, "document_kind"), _value(row, "document"))
                                                if v), read, resolver, people)
        done_text = _without_names(_value(row, "done"), read, resolver, people)
        number = _value(row, "document_number")
        if number is None and document_text and (found := _DOCUMENT_NUMBER.search(document_text)):
            number = found.group(1).rstrip(".")
        document_date = _value(row, "document_date") or _first_date(document_text)
        link = _value(row, "document_link") or _first_link(document_text, done_text)
        done_date = _value(row, "done_date") or _first_date(done_text)
        records.append({
            "municipality_oktmo": oktmo, "report_year": year, "activity_number": _number(row, "number"),
            "activity_text": activity, "activity_code": code, "match_score": score, "due_text": due_text,
            "due_date": due[-1].isoformat() if due else None, "done_text": done_text, "done_date": done_date,
            "document_kind": _word_code(kinds, document_text, "other"), "document_text": document_text,
            "document_number": None if number is None else str(number), "document_date": document_date,
            "document_link": link, **_lineage(read, row), "source_cell": _cell(row, "activity")})
    read.people = typed_frame(list(people.values()), PEOPLE_COLUMNS)
    return records


def _without_names(text: object, read: SourceRead, resolver: _Resolver, people: dict) -> str | None:
    """Free text in which people may be named ("семинар провела Иванова А.С."): names (with the position
    after them) replaced by pseudonymous ids, the names kept for the restricted schema."""
    if not text:
        return None
    named = people_in(str(text))
    if not named:
        return str(text)
    ids = [person_id(person.name, resolver.pseudonym_key) for person in named]
    for person, identifier in zip(named, ids):
        people[identifier] = {"person_id": identifier, "full_name": person.name, "position": person.position,
                              "role": "named_in_report", "source_sha256": read.sha256}
    return replace_people(str(text), named, ids)


def _first_date(*texts: object) -> str | None:
    for text in texts:
        day = parse_date(text) if text else None
        if day:
            return day.isoformat()
    return None


def _first_link(*texts: object) -> str | None:
    for text in texts:
        found = _LINK.search(str(text)) if text else None
        if found:
            return found.group(0).rstrip(".,;)")
    return None


# --- people: registries and professional development ------------------------------------------------

def _person(row: TableRow, read: SourceRead, resolver: _Resolver, people: dict, role: str | None) -> str:
    full_name = canonical_name(_value(row, "person"))
    identifier = person_id(full_name, resolver.pseudonym_key)
    contact = "; ".join(str(v) for v in (_value(row, "phone"), _value(row, "email")) if v) or None
    known = people.get(identifier, {})
    people[identifier] = {"person_id": identifier, "full_name": full_name, "source_sha256": read.sha256,
                          "position": _value(row, "position") or known.get("position"),
                          "contact": contact or known.get("contact"), "role": role or known.get("role")}
    return identifier


def _row_municipality(row: TableRow, layout: Layout, resolver: _Resolver,
                      of_file: Municipality | None) -> Municipality | None:
    if _value(row, "municipality") or row.municipality_text:
        return _municipality_of(row, layout, resolver)[0]
    return of_file


def _municipality_if_no_column(table: Table, read: SourceRead, resolver: _Resolver) -> Municipality | None:
    """A municipality's own file names no municipality in its rows: the file's title or name does."""
    if any(_value(row, "municipality") or row.municipality_text for row in table.rows):
        return None
    return _file_municipality(table, read, resolver) if table.rows else None


def emit_people(table: Table, read: SourceRead, resolver: _Resolver) -> list[dict]:
    """Registries of ШНОР management teams, teachers, mentors, tutors and curators (seed 001, items 23–24):
    one row per person, role and school; names, positions and contacts go to the restricted schema only.
    A team member's role in the team (director, deputy, other) comes from the position's words."""
    layout = table.layout
    of_file = _municipality_if_no_column(table, read, resolver)
    team_roles = _words_of(layout, "team_roles")
    records, people, missing = [], {}, set()
    for row in table.rows:
        facts = row_facts(layout, table.sheet_facts[row.sheet], row, None)
        role = _value(row, "role") or facts.get("role")
        if role is None:
            read.errors.append(CellError(read.file.name, row.sheet, _cell(row, "person"), "role", "",
                                         "не указано, кто это: управленческая команда, педагог, наставник, тьютор или "
                                         "куратор (столбец «Категория», имя листа или заголовок)"))
        identifier = _person(row, read, resolver, people, role)
        municipality = _row_municipality(row, layout, resolver, of_file)
        written, code, score = _school(row, municipality, resolver)
        team_role = _word_code(team_roles, _value(row, "position"), "member") if role == "management_team" else None
        records.append({"person_id": identifier, "role": role, "team_role": team_role,
                        "registry_year": _value(row, "year") or _year_of(table, row, "year", read, missing),
                        "municipality_oktmo": municipality.oktmo if municipality else None,
                        "municipality_name_raw": _written_municipality(row),
                        "school_name_raw": written or None, "school_code": code, "match_score": score,
                        **_lineage(read, row)})
    read.people = typed_frame(list(people.values()), PEOPLE_COLUMNS)
    return records


def emit_development(table: Table, read: SourceRead, resolver: _Resolver) -> list[dict]:
    """Professional development and participation in events per person (seed 001, items 5–7, 10, 19–20):
    courses, internships, network communities, competitions, seminars, district associations."""
    layout = table.layout
    of_file = _municipality_if_no_column(table, read, resolver)
    records, people, missing = [], {}, set()
    for row in table.rows:
        identifier = _person(row, read, resolver, people, "teacher")
        municipality = _row_municipality(row, layout, resolver, of_file)
        written, code, score = _school(row, municipality, resolver)
        period = " ".join(str(v) for v in (_value(row, "dates"), _value(row, "start_date"), _value(row, "end_date"))
                          if v)
        days = deadlines_in(period, None) if period else []
        year = days[-1].year if days else (_value(row, "year") or _year_of(table, row, "year", read, missing))
        hours = _value(row, "hours")
        records.append({"person_id": identifier, "event_year": year,
                        "municipality_oktmo": municipality.oktmo if municipality else None,
                        "municipality_name_raw": _written_municipality(row),
                        "school_name_raw": written or None, "school_code": code, "match_score": score,
                        "event_kind": _value(row, "event_kind"), "event_title": _value(row, "event_title"),
                        "start_date": days[0].isoformat() if days else None,
                        "end_date": days[-1].isoformat() if days else None,
                        "hours": hours, "result": _value(row, "result"), **_lineage(read, row)})
    read.people = typed_frame(list(people.values()), PEOPLE_COLUMNS)
    return records


EMITTERS: dict[str, tuple[Callable, dict[str, str]]] = {
    "assessment_results": (emit_results, RESULT_COLUMNS),
    "school_lists": (emit_lists, LIST_COLUMNS),
    "school_registry": (emit_registry, REGISTRY_COLUMNS),
    "oo1_context": (emit_context, {}),
    "mentor_assignments": (emit_mentors, ASSIGNMENT_COLUMNS),
    "roadmap": (emit_roadmap, ROADMAP_COLUMNS),
    "roadmap_report": (emit_roadmap_report, ROADMAP_REPORT_COLUMNS),
    "people_registry": (emit_people, PEOPLE_REGISTRY_COLUMNS),
    "professional_development": (emit_development, DEVELOPMENT_COLUMNS),
}


def _hold_if_structure_in_doubt(read: SourceRead, layout: Layout, matcher: SchoolMatcher, rows: list[dict]) -> None:
    """Names never hold a file: who a written name is gets resolved in the warehouse on every build, resolved rows
    go on and the rest wait in review (``shnor review``), counted here in the file's notes. A file is held whole
    only when its structure is in doubt: in most rows the columns read as the municipality and the school are
    empty (the header was taken for something it is not)."""
    if not rows or "municipality_oktmo" not in rows[0] or "school_code" not in rows[0]:
        return
    keys = list({(r["source_sheet"], r["source_row"]): r for r in rows}.values())
    resolves = next((c.resolve for c in layout.columns if c.field == "municipality"), bool(layout.hierarchy))
    unnamed = sum(1 for r in keys if not r.get("school_name_raw") and not r.get("school_code")
                  and not r.get("municipality_name_raw") and not r.get("municipality_oktmo"))
    share = layout.review_share
    if unnamed > share * len(keys):
        read.held_reason = f"в {unnamed} из {len(keys)} строк нет ни названия МО, ни названия школы"
        read.errors.append(CellError(read.file.name, "", "", "", "",
                                     f"файл отложен для проверки человеком: {read.held_reason} — похоже, шапка "
                                     f"таблицы распознана неверно (порог — {share:.0%} строк, "
                                     "ingestion/layouts/_defaults.yaml)"))
        return
    without_municipality = sum(1 for r in keys if r["municipality_oktmo"] is None) if resolves else 0
    municipalities = {r["municipality_oktmo"] for r in keys if r["municipality_oktmo"]}
    registry_here = any(oktmo in matcher.by_municipality for oktmo in municipalities)
    without_school = sum(1 for r in keys if r["school_code"] is None) if registry_here else 0
    if without_municipality:
        read.notes.append(f"в {without_municipality} из {len(keys)} строк МО пока не распознано: строки загружены "
                          "и ждут решения (shnor review) — остальные идут в витрины")
    if without_school:
        read.notes.append(f"{without_school} из {len(keys)} строк: школа не сопоставлена с реестром — в витринах "
                          "как незарегистрированная или ждёт решения (shnor review)")


def read_with_layout(layout: Layout, path: Path, sha256: str, sheets: list[SheetRows],
                     context: ReadContext, every_fit: list[HeaderFit] | None = None) -> SourceRead:
    """Read a file by one layout into its kind's raw rows; ``every_fit``: the layout's header fits that
    detection found on these sheets (fitted here when not given)."""
    path = Path(path)
    municipalities, matcher = context.municipalities, context.matcher
    kind = SOURCE_KINDS[layout.kind]
    read = SourceRead(path, sha256, kind.name, typed_frame([], kind.columns), layout=layout.name)
    table = read_table(layout, sheets, file_name_of(path), path.name, municipalities, every_fit)
    read.errors += table.errors
    read.not_read = table.not_read
    read.is_demo = table.is_demo
    emit, _ = EMITTERS[layout.kind]
    records = emit(table, read, _Resolver(municipalities, matcher, path, read.unmatched, context.pseudonym_key))
    if layout.kind == "oo1_context" and records:
        read.year = records[0]["year"]
    if not records and not read.errors:
        read.errors.append(CellError(path.name, "", "", "", "", "в таблице нет ни одной строки данных под шапкой"))
    _hold_if_structure_in_doubt(read, layout, matcher, records)
    read.rows = typed_frame(records, kind.columns)
    read.details = {"sheets": ", ".join(f.sheet.title for f in table.fits)}
    return read
