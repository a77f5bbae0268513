"""Who a written name is: resolved in the warehouse before every dbt build, never once and for all by a reader.

Readers keep names as written (``municipality_name_raw``, ``school_name_raw``) in every raw table whose rows name
a school (:data:`NAMED_KINDS`: results, school lists, curators, registries of people, their development). Before
each ``dbt build`` (:func:`resolve_identity`, called by ``shnor.dbt_runner.dbt_build`` only) the distinct written
names of all of them are matched against the region's reference (seed ``ref_municipalities``), the latest registry
that was not refused (``raw.schools``) and the crosswalk of people's decisions (``identity/crosswalk.csv`` in the
data home, written by ``shnor review``), and the tables ``identity.municipality_names`` and ``identity.school_names``
are replaced. Staging of every such kind takes the municipality and the school from them, so a registry, an alias
or a decision that arrives after the files re-resolves every archived row on the next build — no re-ingest.

A school is ``registered`` (a registry code), ``unregistered`` (its municipality is known but no registry school
matches: a stable key ``u-…`` from the municipality and the normalised name, so its results still reach the
marts), ``review`` (ambiguous, or its municipality is not known: waits for a person), ``not_ours`` (a person
said so: left out, with that reason) or ``no_school`` (a row of a known municipality that names no school: a
municipal coordinator in a registry of people). Schools of a regional body (a ministry, a department) belong to
the region: their municipality is the region's own ОКТМО (its prefix and zeros).
"""

from __future__ import annotations

import csv
import getpass
import hashlib
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from itertools import combinations
from pathlib import Path

import pandas as pd

from shnor.ingest import school_matcher
from shnor_core import warehouse
from shnor_core.names import match_municipality
from shnor_core.reference import Municipality, load_municipalities
from shnor_core.school_names import SchoolMatcher, normalized_school_name
from shnor_core.settings import DataHome
from shnor_core.text import normalize_text

SCHEMA = "identity"
MUNICIPALITY_NAMES = f"{SCHEMA}.municipality_names"
SCHOOL_NAMES = f"{SCHEMA}.school_names"
DECISIONS = ("confirm", "map", "reject", "not_ours")
CROSSWALK_COLUMNS = ("name_kind", "municipality_oktmo", "written_name", "decision", "target_code", "decided_by",
                     "decided_at", "note")
UNREGISTERED_PREFIX = "u-"
# A matcher's own word for "several registry schools fit": the name waits for a person.
_AMBIGUOUS = "несколько школ подходят"


def crosswalk_path(home: DataHome) -> Path:
    return home.root / "identity" / "crosswalk.csv"


def name_key(name: object) -> str:
    """How a written name is compared with a decision's: case, ё, quotes and spacing do not matter."""
    return " ".join(re.sub(r"[\"'«»“”„]", " ", normalize_text(name)).split())


def name_id(kind: str, municipality_oktmo: str, written: str) -> str:
    """A short stable id of a name under review (what ``shnor review confirm ID`` names)."""
    return hashlib.sha256(f"{kind}|{municipality_oktmo}|{name_key(written)}".encode()).hexdigest()[:8]


def unregistered_key(municipality_oktmo: str, written: str) -> str:
    """An unregistered school's key: stable for its municipality and normalised name, across files and years."""
    digest = hashlib.sha256(f"{municipality_oktmo}|{normalized_school_name(written)}".encode()).hexdigest()
    return UNREGISTERED_PREFIX + digest[:10]


# --- the crosswalk: people's decisions, as data in the data home --------------------------------------------

@dataclass(frozen=True)
class Decision:
    name_kind: str  # 'municipality' or 'school'
    municipality_oktmo: str  # a school's municipality ('' for a municipality's name)
    written_name: str
    decision: str  # confirm | map | reject | not_ours
    target_code: str  # the ОКТМО or registry code confirmed, mapped to or rejected
    decided_by: str
    decided_at: str
    note: str = ""


def load_crosswalk(home: DataHome) -> dict[tuple[str, str, str], Decision]:
    """The decision in force per name: the latest line for it (the file keeps every earlier one, for audit)."""
    path = crosswalk_path(home)
    if not path.exists():
        return {}
    with open(path, encoding="utf-8", newline="") as handle:
        decisions = [Decision(**{c: row.get(c) or "" for c in CROSSWALK_COLUMNS}) for row in csv.DictReader(handle)]
    return {(d.name_kind, d.municipality_oktmo, name_key(d.written_name)): d for d in decisions}


def record_decision(home: DataHome, name_kind: str, municipality_oktmo: str, written_name: str, decision: str,
                    target_code: str = "", decided_by: str | None = None, note: str = "") -> Decision:
    """Append a decision to the crosswalk; it applies on the next build."""
    if decision not in DECISIONS:
        raise ValueError(f"решение «{decision}» не из списка: {', '.join(DECISIONS)}")
    made = Decision(name_kind, municipality_oktmo or "", written_name, decision, target_code or "",
                    decided_by or getpass.getuser(), datetime.now(timezone.utc).isoformat(timespec="seconds"), note)
    path = crosswalk_path(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.exists()
    with open(path, "a", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CROSSWALK_COLUMNS)
        if new:
            writer.writeheader()
        writer.writerow(asdict(made))
    return made


# --- resolution -----------------------------------------------------------------------------------------

@dataclass
class MunicipalityIdentity:
    written: str
    status: str  # resolved | regional | review | not_ours
    oktmo: str = ""
    name: str = ""
    score: float | None = None
    evidence: str = ""
    candidates: list[str] = field(default_factory=list)
    decided_by: str = ""


def resolve_municipality(written: str, reference: list[Municipality], crosswalk: dict,
                         region_oktmo: str | None) -> MunicipalityIdentity:
    """A written municipality (or the body that stands for it): a decision first, then the name matcher
    (``shnor_core.names.match_municipality``), the one rule that also tells a city from a district of one stem — a
    name that could be either waits for a person with both candidates; a regional body's name is the region
    (``region_oktmo``)."""
    by_oktmo = {m.oktmo: m for m in reference}
    decision = crosswalk.get(("municipality", "", name_key(written)))
    if decision and decision.decision == "not_ours":
        return MunicipalityIdentity(written, "not_ours", evidence="решение: не наше МО", decided_by=decision.decided_by)
    if decision and decision.decision in ("confirm", "map"):
        if decision.target_code in by_oktmo:
            target = by_oktmo[decision.target_code]
            return MunicipalityIdentity(written, "resolved", target.oktmo, target.name, 1.0,
                                        f"решение ({decision.decision})", decided_by=decision.decided_by)
        if region_oktmo and decision.target_code == region_oktmo:
            return MunicipalityIdentity(written, "regional", region_oktmo, "", 1.0, "решение: регион",
                                        decided_by=decision.decided_by)
    rejected = decision.target_code if decision and decision.decision == "reject" else None
    match = match_municipality(written, reference)
    if match.municipality is not None and match.municipality.oktmo != rejected:
        return MunicipalityIdentity(written, "resolved", match.municipality.oktmo, match.municipality.name, match.score,
                                    match.evidence)
    if match.regional_body and region_oktmo:
        return MunicipalityIdentity(written, "regional", region_oktmo, "", None, "орган власти региона: школы региона")
    evidence = "отклонено человеком" if rejected else match.evidence or "МО не распознано"
    by_name = {m.name: m.oktmo for m in reference}
    return MunicipalityIdentity(written, "review", score=match.score, evidence=evidence,
                                candidates=[f"{by_name.get(name, '')} {name}".strip() for name in match.candidates])


@dataclass
class SchoolIdentity:
    status: str  # registered | unregistered | review | not_ours | no_school
    school_key: str = ""
    school_name: str = ""
    municipality_oktmo: str = ""
    score: float | None = None
    evidence: str = ""
    candidates: list[str] = field(default_factory=list)
    decided_by: str = ""
    needs_review: bool = False


def resolve_school(written: str, code_read: str, municipality: MunicipalityIdentity | None, read_oktmo: str,
                   matcher: SchoolMatcher, crosswalk: dict) -> SchoolIdentity:
    """A written school within its resolved municipality: a decision, the matcher (≥ 0.8, as readers load), a code
    the file carried that the registry knows, else unregistered in a known municipality, else review."""
    oktmo = municipality.oktmo if municipality else read_oktmo
    known = municipality is None and bool(read_oktmo) or (municipality is not None and municipality.status in
                                                          ("resolved", "regional"))
    if municipality is not None and municipality.status == "not_ours":
        return SchoolIdentity("not_ours", evidence="МО отмечено как не наше")
    if not written.strip() and not code_read and known:
        return SchoolIdentity("no_school", municipality_oktmo=oktmo, evidence="школа не названа: строка о самом МО")
    decision = crosswalk.get(("school", oktmo if known else "", name_key(written)))
    if decision and decision.decision == "not_ours":
        return SchoolIdentity("not_ours", evidence="решение: не наша школа", decided_by=decision.decided_by)
    if decision and decision.decision in ("confirm", "map") and decision.target_code in matcher.by_code:
        school = matcher.by_code[decision.target_code]
        return SchoolIdentity("registered", school.code, school.name, school.municipality_oktmo, 1.0,
                              f"решение ({decision.decision})", decided_by=decision.decided_by)
    rejected = decision.target_code if decision and decision.decision == "reject" else None
    match = matcher.match(written, oktmo if known else None)
    candidates = _coded(match.candidates, oktmo if known else None, matcher)
    if match.school is not None and match.score >= 0.8 and match.school.code != rejected:
        return SchoolIdentity("registered", match.school.code, match.school.name, match.school.municipality_oktmo,
                              match.score, match.reason, needs_review=match.score < 1.0)
    if code_read and code_read in matcher.by_code and code_read != rejected:
        school = matcher.by_code[code_read]
        return SchoolIdentity("registered", school.code, school.name, school.municipality_oktmo, 1.0,
                              "код ОО, указанный в файле")
    if not known:
        evidence = municipality.evidence if municipality else "МО не указано"
        return SchoolIdentity("review", score=match.score, evidence=f"МО не определено: {evidence}",
                              candidates=candidates, needs_review=True)
    if _AMBIGUOUS in match.reason and not rejected:
        return SchoolIdentity("review", municipality_oktmo=oktmo, score=match.score, evidence=match.reason,
                              candidates=candidates, needs_review=True)
    has_registry = bool(matcher.by_municipality.get(oktmo))
    evidence = ("отклонено человеком; " if rejected else "") + (
        f"нет в реестре МО: {match.reason}" if has_registry else "реестра школ этого МО нет")
    return SchoolIdentity("unregistered", unregistered_key(oktmo, written), written, oktmo, match.score, evidence,
                          candidates, decided_by=decision.decided_by if decision else "",
                          needs_review=has_registry and not decision)


def _coded(names: tuple[str, ...], oktmo: str | None, matcher: SchoolMatcher) -> list[str]:
    """A matcher's candidate names as «code name», so a person can confirm one by its code."""
    pool = matcher.by_municipality.get(oktmo, []) if oktmo else [e for es in matcher.by_municipality.values() for e in es]
    codes = {school.name: school.code for _, school in pool}
    return [f"{codes[name]} {name}" if name in codes else name for name in names]


# --- the build step ----------------------------------------------------------------------------------------

# Every kind whose rows name a municipality and a school as written, resolved here for all of them alike: its raw
# table, what one of its rows puts at stake in participants, the window a row belongs to (as a person reads it),
# and whether a row of a sheet is one school (results, lists: two names of one sheet are two schools) or one
# person (curators, registries of people, their development: two rows may name one school two ways).
@dataclass(frozen=True)
class NamedKind:
    table: str
    participants: str
    window: str
    row_is_a_school: bool


NAMED_KINDS = {
    "assessment_results": NamedKind("raw.assessment_results", "case when metric = 'participants' then value end",
                                    "procedure || ' ' || cast(year as varchar)", True),
    "school_lists": NamedKind("raw.school_lists", "null", "'списки ' || cast(year as varchar)", True),
    "mentor_assignments": NamedKind("raw.mentor_assignments", "null", "'кураторы ' || cast(year as varchar)", False),
    "people_registry": NamedKind("raw.people_registry", "null", "'реестр людей ' || cast(registry_year as varchar)",
                                 False),
    "professional_development": NamedKind("raw.professional_development", "null",
                                          "'мероприятия ' || cast(event_year as varchar)", False),
}
_WRITTEN_COLUMNS = ["municipality_name_raw", "municipality_oktmo_read", "school_name_raw", "school_code_read",
                    "source_rows", "participants", "windows", "files", "tables"]


def _written_sql(relations: dict[str, str]) -> str:
    """The distinct written names of the given kinds' rows with what is at stake for each: rows, participants,
    windows (procedure and year, or the kind and year), the files and the sheets whose rows are schools."""
    parts = [f"""
        select coalesce(municipality_name_raw, '') as municipality_name_raw,
               coalesce(municipality_oktmo, '') as municipality_oktmo_read,
               coalesce(school_name_raw, '') as school_name_raw, coalesce(school_code, '') as school_code_read,
               source_sha256 || '|' || coalesce(source_sheet, '') || '|' || cast(source_row as varchar) as source_key,
               {NAMED_KINDS[kind].participants} as participants, {NAMED_KINDS[kind].window} as window_name,
               source_sha256, source_sha256 || '|' || coalesce(source_sheet, '') as source_table,
               {str(NAMED_KINDS[kind].row_is_a_school).lower()} as row_is_a_school
        from {relation}""" for kind, relation in relations.items()]
    return f"""
        select municipality_name_raw, municipality_oktmo_read, school_name_raw, school_code_read,
               count(distinct source_key) as source_rows, coalesce(sum(participants), 0) as participants,
               string_agg(distinct window_name, ', ' order by window_name) as windows,
               list(distinct source_sha256) as files,
               coalesce(list(distinct source_table) filter (where row_is_a_school), []) as tables
        from ({' union all '.join(parts)}) as written
        group by municipality_name_raw, municipality_oktmo_read, school_name_raw, school_code_read
    """


def _region_of_files(written: pd.DataFrame, municipalities: dict[str, MunicipalityIdentity]) -> dict[str, str]:
    """The region's own ОКТМО per file: the one region whose municipalities the file names (a regional body's
    schools in that file belong to it)."""
    prefixes: dict[str, set[str]] = {}
    for row in written.itertuples():
        identity = municipalities.get(row.municipality_name_raw)
        oktmo = identity.oktmo if identity and identity.status == "resolved" else row.municipality_oktmo_read
        for sha in row.files:
            if oktmo and len(oktmo) >= 2:
                prefixes.setdefault(sha, set()).add(oktmo[:2])
    return {sha: f"{next(iter(found))}000000" for sha, found in prefixes.items() if len(found) == 1}


def written_names(con, relations: dict[str, str] | None = None) -> pd.DataFrame:
    """The distinct written names of every named kind's raw table present in the warehouse, or of the relations
    given by kind (a file's rows registered on a connection by the checker), with what is at stake for each."""
    if relations is None:
        relations = {kind: named.table for kind, named in NAMED_KINDS.items()
                     if warehouse.table_exists(con, named.table)}
    if not relations:
        return pd.DataFrame(columns=_WRITTEN_COLUMNS)
    return con.execute(_written_sql(relations)).fetchdf()


def resolve_written(written: pd.DataFrame, reference: list[Municipality], crosswalk: dict,
                    matcher: SchoolMatcher) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The identity of every written name: (municipality names, school names) as the identity tables hold them.
    The one resolution: the build step writes its result, ``check-results`` shows it for a file."""
    first_pass = {name: resolve_municipality(name, reference, crosswalk, None)
                  for name in written["municipality_name_raw"].unique() if name}
    regions = _region_of_files(written, first_pass)
    municipalities: dict[tuple[str, str], MunicipalityIdentity] = {}
    school_rows = []
    for row in written.itertuples():
        region = next((regions[sha] for sha in row.files if sha in regions), None)
        municipality = None
        if row.municipality_name_raw:
            key = (row.municipality_name_raw, region or "")
            if key not in municipalities:
                municipalities[key] = resolve_municipality(row.municipality_name_raw, reference, crosswalk, region)
            municipality = municipalities[key]
        school = resolve_school(row.school_name_raw, row.school_code_read, municipality,
                                row.municipality_oktmo_read, matcher, crosswalk)
        school_rows.append({
            "name_id": name_id("school", school.municipality_oktmo, row.school_name_raw),
            "municipality_name_raw": row.municipality_name_raw, "municipality_oktmo_read": row.municipality_oktmo_read,
            "school_name_raw": row.school_name_raw, "school_code_read": row.school_code_read,
            "municipality_status": municipality.status if municipality else "read",
            "municipality_oktmo": school.municipality_oktmo or None, "status": school.status,
            "school_key": school.school_key or None, "is_registered": school.status == "registered",
            "school_name": school.school_name or None, "score": school.score, "evidence": school.evidence,
            "candidates": "; ".join(school.candidates), "needs_review": school.needs_review,
            "decided_by": school.decided_by or None, "source_rows": int(row.source_rows),
            "participants": float(row.participants), "windows": row.windows})
    _two_schools_one_key(school_rows, [set(tables) for tables in written["tables"]])
    schools = pd.DataFrame(school_rows, columns=_SCHOOL_COLUMNS)
    stakes = schools.groupby("municipality_name_raw")[["source_rows", "participants"]].sum() if len(schools) else None
    municipality_rows = [{
        "name_id": name_id("municipality", "", written_name), "municipality_name_raw": written_name,
        "status": m.status, "municipality_oktmo": m.oktmo or None, "municipality_name": m.name or None,
        "score": m.score, "evidence": m.evidence, "candidates": "; ".join(m.candidates),
        "needs_review": m.status == "review", "decided_by": m.decided_by or None,
        "source_rows": int(stakes.loc[written_name, "source_rows"]) if stakes is not None else 0,
        "participants": float(stakes.loc[written_name, "participants"]) if stakes is not None else 0.0,
    } for (written_name, _), m in municipalities.items()]
    municipality_frame = pd.DataFrame(municipality_rows, columns=_MUNICIPALITY_COLUMNS).drop_duplicates(
        "municipality_name_raw")
    return municipality_frame.astype(_MUNICIPALITY_TYPES), schools.astype(_SCHOOL_TYPES)


def _two_schools_one_key(school_rows: list[dict], tables: list[set]) -> None:
    """Two written names of one table (a file's sheet) that normalise to one unregistered key are two rows of that
    table, hence two schools the normal form cannot tell apart: both wait in review (one key would merge their
    results silently). The same key from different tables (another year's sheet or file) is one school written
    differently, and stays one."""
    by_key: dict[str, list[int]] = {}
    for index, entry in enumerate(school_rows):
        if entry["status"] == "unregistered":
            by_key.setdefault(entry["school_key"], []).append(index)
    for indexes in by_key.values():
        if len(indexes) > 1 and any(tables[a] & tables[b] for a, b in combinations(indexes, 2)):
            names = "; ".join(f"«{school_rows[i]['school_name_raw']}»" for i in indexes)
            for index in indexes:
                school_rows[index].update(status="review", school_key=None, school_name=None, needs_review=True,
                                          evidence=f"на одном листе разные названия дают один ключ школы: {names}")


def resolve_identity(home: DataHome) -> dict:
    """Replace the identity tables from the raw names, the reference, the latest registry and the crosswalk."""
    reference, crosswalk, matcher = load_municipalities(), load_crosswalk(home), school_matcher(home)
    with warehouse.connect(home.warehouse) as con:
        written = written_names(con)
        municipality_frame, schools = resolve_written(written, reference, crosswalk, matcher)
        con.execute(f"create schema if not exists {SCHEMA}")
        warehouse.replace_table(con, MUNICIPALITY_NAMES, municipality_frame)
        warehouse.replace_table(con, SCHOOL_NAMES, schools)
    counts = schools.groupby("status")["source_rows"].sum().to_dict() if len(schools) else {}
    return {"school_names": len(schools), "municipality_names": len(municipality_frame),
            "rows_by_status": {status: int(n) for status, n in counts.items()}}


_SCHOOL_TYPES = {
    "name_id": "string", "municipality_name_raw": "string", "municipality_oktmo_read": "string",
    "school_name_raw": "string", "school_code_read": "string", "municipality_status": "string",
    "municipality_oktmo": "string", "status": "string", "school_key": "string", "is_registered": "bool",
    "school_name": "string", "score": "float64", "evidence": "string", "candidates": "string", "needs_review": "bool",
    "decided_by": "string", "source_rows": "int64", "participants": "float64", "windows": "string"}
_SCHOOL_COLUMNS = list(_SCHOOL_TYPES)
_MUNICIPALITY_TYPES = {
    "name_id": "string", "municipality_name_raw": "string", "status": "string", "municipality_oktmo": "string",
    "municipality_name": "string", "score": "float64", "evidence": "string", "candidates": "string",
    "needs_review": "bool", "decided_by": "string", "source_rows": "int64", "participants": "float64"}
_MUNICIPALITY_COLUMNS = list(_MUNICIPALITY_TYPES)


def identity_summary(home: DataHome) -> dict[str, dict[str, int]]:
    """Rows, participants and distinct names of results per status of the last build (for the run summary)."""
    with warehouse.connect(home.warehouse, read_only=True) as con:
        rows = con.execute(f"select status, sum(source_rows), sum(participants), count(distinct name_id) "
                           f"from {SCHOOL_NAMES} group by status").fetchall() \
            if warehouse.table_exists(con, SCHOOL_NAMES) else []
    return {status: {"rows": int(n), "participants": int(people), "names": int(names)}
            for status, n, people, names in rows}


def identity_digest(home: DataHome) -> str:
    """A digest of what every written name resolved to in the last resolution (the outcome only, not the rows or
    files that name it): a registry or a person's decision that changes it must rebuild what reads the names,
    though no raw table received a row."""
    outcome = {MUNICIPALITY_NAMES: "municipality_name_raw, status, municipality_oktmo",
               SCHOOL_NAMES: "municipality_name_raw, municipality_oktmo_read, school_name_raw, school_code_read, "
                             "status, municipality_oktmo, school_key, is_registered"}
    digest = hashlib.sha256()
    with warehouse.connect(home.warehouse, read_only=True) as con:
        for table, columns in outcome.items():
            if warehouse.table_exists(con, table):
                digest.update(repr(con.execute(f"select {columns} from {table} order by all").fetchall()).encode())
    return digest.hexdigest()
