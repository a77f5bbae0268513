"""Rows of a table read by a layout (``ingestion.tables``) turned into a source kind's raw rows: names
matched to the reference (municipalities) and the region's registry (schools), measures unpivoted into
one row per metric, people kept apart under pseudonyms. A file in which most rows resolve to no
municipality, or to no school while the region's registry is loaded, is held for a person to review.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ingestion.context import ReadContext
from ingestion.layout_spec import Layout
from ingestion.people import person_id
from ingestion.school_names import SchoolMatcher
from ingestion.tables import Table, TableRow, file_name_of, read_table, row_facts
from ingestion.workbook_source import SheetRows
from shnor_core.names import match_municipality
from shnor_core.reference import Municipality
from shnor_core.source_read import CellError, SourceRead, typed_frame
from shnor_core.sources import (
    ASSIGNMENT_COLUMNS,
    LIST_COLUMNS,
    PEOPLE_COLUMNS,
    REGISTRY_COLUMNS,
    RESULT_COLUMNS,
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
    written = row.municipality_text or (str(_value(row, "municipality")) if _value(row, "municipality") else "")
    spec = next((c for c in layout.columns if c.field == "municipality"), None)
    if spec is not None and not spec.resolve:
        return None, written
    return resolver.municipality(written), written


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
    layout, records, missing = table.layout, [], set()
    for row in table.rows:
        municipality, written_municipality = _municipality_of(row, layout, resolver)
        written, code, score = _school(row, municipality, resolver)
        facts_of_sheet = table.sheet_facts[row.sheet]
        for spec, block, cell in row.measures:
            if cell.value is None:
                continue
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
                        "school_name_raw": written, "school_code": code, "match_score": score, **_lineage(read, row)})
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
    layout, records, people = table.layout, [], {}
    for row in table.rows:
        full_name = " ".join(str(_value(row, "person")).split())
        facts = row_facts(layout, table.sheet_facts[row.sheet], row, None)
        identifier = person_id(full_name, resolver.pseudonym_key)
        people[identifier] = {"person_id": identifier, "full_name": full_name, "source_sha256": read.sha256,
                              "position": _value(row, "position")}
        municipality, _ = _municipality_of(row, layout, resolver)
        written, code, score = _school(row, municipality, resolver)
        year = _value(row, "year") or facts.get("year")
        if year is None:
            read.errors.append(CellError(read.file.name, row.sheet, f"строка {row.row}", "year", "",
                                         "год не указан ни в столбце «Год», ни в имени файла"))
        records.append({"person_id": identifier, "role": _value(row, "role") or facts.get("role") or "curator",
                        "year": year, "municipality_oktmo": municipality.oktmo if municipality else None,
                        "school_name_raw": written, "school_code": code, "match_score": score, **_lineage(read, row)})
    read.people = typed_frame(list(people.values()), PEOPLE_COLUMNS)
    return records


EMITTERS: dict[str, tuple[Callable, dict[str, str]]] = {
    "assessment_results": (emit_results, RESULT_COLUMNS),
    "school_lists": (emit_lists, LIST_COLUMNS),
    "school_registry": (emit_registry, REGISTRY_COLUMNS),
    "oo1_context": (emit_context, {}),
    "mentor_assignments": (emit_mentors, ASSIGNMENT_COLUMNS),
}


def _hold_if_unresolved(read: SourceRead, layout: Layout, matcher: SchoolMatcher, rows: list[dict]) -> None:
    """Never report as accepted what was not understood: most rows without a municipality (where the
    layout resolves municipalities), or without a school while the region's registry is loaded."""
    if not rows or "municipality_oktmo" not in rows[0] or "school_code" not in rows[0]:
        return
    keys = {(r["source_sheet"], r["source_row"]): r for r in rows}.values()
    resolves = next((c.resolve for c in layout.columns if c.field == "municipality"), bool(layout.hierarchy))
    without_municipality = sum(1 for r in keys if r["municipality_oktmo"] is None)
    municipalities = {r["municipality_oktmo"] for r in keys if r["municipality_oktmo"]}
    registry_here = any(oktmo in matcher.by_municipality for oktmo in municipalities)
    without_school = sum(1 for r in keys if r["school_code"] is None)
    share = layout.review_share
    if resolves and without_municipality > share * len(keys):
        read.held_reason = (f"в {without_municipality} из {len(keys)} строк муниципальное образование не распознано")
    elif registry_here and without_school > share * len(keys):
        read.held_reason = (f"{without_school} из {len(keys)} школ не сопоставлены с реестром школ региона")
    if read.held_reason:
        read.errors.append(CellError(read.file.name, "", "", "", "",
                                     f"файл отложен для проверки человеком: {read.held_reason} (порог — "
                                     f"{share:.0%} строк, ingestion/layouts/_defaults.yaml)"))


def read_with_layout(layout: Layout, path: Path, sha256: str, sheets: list[SheetRows],
                     context: ReadContext) -> SourceRead:
    """Read a file by one layout into its kind's raw rows."""
    path = Path(path)
    municipalities, matcher = context.municipalities, context.matcher
    kind = SOURCE_KINDS[layout.kind]
    read = SourceRead(path, sha256, kind.name, typed_frame([], kind.columns), layout=layout.name)
    table = read_table(layout, sheets, file_name_of(path), path.name, municipalities)
    read.errors += table.errors
    read.is_demo = table.is_demo
    emit, _ = EMITTERS[layout.kind]
    records = emit(table, read, _Resolver(municipalities, matcher, path, read.unmatched, context.pseudonym_key))
    if layout.kind == "oo1_context" and records:
        read.year = records[0]["year"]
    _hold_if_unresolved(read, layout, matcher, records)
    read.rows = typed_frame(records, kind.columns)
    read.details = {"sheets": ", ".join(f.sheet.title for f in table.fits)}
    return read
