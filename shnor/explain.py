"""``shnor explain``: any figure of a mart, back to the cells it came from (issue 32).

A mart row is named by its key (the columns seed ``mart_questions`` lists for it, served by ``mart_guide``) or by
its reference — the mart and the key's values, ``<mart without "mart_">/<value>/<value>…`` — printed beside each
figure of the notes. The explanation is read, never recomputed: the models it passed through from dbt's
manifest, the named thresholds those models use (``mart_letter_thresholds``) and a recommendation's rule with
the values that decided it (``mart_recommendation``), and the source rows — file, sha256, arrival, sheet, row,
cell and value — found by the lineage keys the marts keep: the bridge ``fct_source_rows`` for the marts it
names, the key columns a mart shares with the mart it is computed from for the others (``WALKS``), the file for
marts of files. A row that reached no mart is explained by its fate (``fct_source_row_fates``).

The warehouse is opened read-only: raw rows, cells and fates are in it, not in the published copy of marts."""

from __future__ import annotations

import itertools
import json
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

from shnor_core import warehouse
from shnor_core.lineage import SHORT_REFERENCE, Glob, mart_reference, short_reference
from shnor_core.settings import DataHome
from shnor_core.sources import SOURCE_KINDS

BRIDGE = "marts.fct_source_rows"
LINEAGE_COLUMNS = ("source_file", "source_sha256", "source_sheet", "source_row", "source_cell", "loaded_at")


@dataclass(frozen=True)
class Via:
    """A mart holding a mart row's inputs at a finer grain — the mart it is computed from, a mart computed from
    the same intermediate model, or the mart of its evidence: its rows sharing the columns ``on`` (``column`` or
    ``column=column of that mart``; ``column-1=…`` the year before), narrowed by ``where``, are the row's inputs
    (tests/test_explain.py checks each against dbt's graph). ``then``: from those rows, follow only these steps
    (the mart is a lookup — e.g. of a school's ОО-1 year —, not an input), instead of its own walk."""

    mart: str
    on: tuple[str, ...]
    where: tuple[tuple[str, str], ...] = ()
    then: tuple[Via, ...] | None = None


@dataclass(frozen=True)
class Walk:
    """How a mart's rows reach their source rows. ``bridge``: the mart is named in ``fct_source_rows``, whose
    ``mart_key`` is these columns' values joined by spaces (empty values left out; several keys when the bridge
    names a row by more than one). ``via``: the marts it is computed from. ``file``: the mart describes files;
    the column naming the file (sha256)."""

    bridge: tuple[tuple[str, ...], ...] = ()
    via: tuple[Via, ...] = ()
    file: str | None = None


def _via(mart: str, *on: str, where: tuple[tuple[str, str], ...] = ()) -> Walk:
    return Walk(via=(Via(mart, on, where),))


WALKS: dict[str, Walk] = {
    # in the bridge: the mart_key fct_source_rows writes for them
    "fct_assessment_results": Walk(bridge=(("school_code", "assessment_procedure", "assessment_year", "subject",
                                            "grade"),)),
    "mart_indicator_unit_scores": Walk(bridge=(("monitoring_id", "municipality_oktmo", "indicator_code"),)),
    "mart_school_form_values": Walk(bridge=(("monitoring_id", "school_code", "indicator_code"),)),
    "dim_school": Walk(bridge=(("school_code", "data_year"), ("school_code",))),  # ОО-1 row, registry row
    # the lists it compares with (bridge), the results and ОО-1 its index is computed from
    "mart_school_identification": Walk(bridge=(("school_code", "result_year"),),
                                       via=(Via("fct_assessment_results", ("school_code", "result_year=assessment_year")),
                                            Via("dim_school", ("school_code", "context_year=data_year")))),
    # a school's people (bridge), and the list that put it in the table, for a school with nobody registered
    "mart_school_people": Walk(bridge=(("school_code", "people_year"),),
                               via=(Via("mart_school_identification", ("school_code", "people_year=result_year")),)),
    "mart_mentor_load": Walk(bridge=(("municipality_oktmo", "assignment_year"),)),
    "mart_roadmap_plan": Walk(bridge=(("municipality_oktmo", "roadmap_year", "activity_number"),)),
    # its report row (bridge), and the plan row that set the due date, for an activity never reported
    "mart_roadmap_status": Walk(bridge=(("municipality_oktmo", "roadmap_year", "activity_number", "due_date"),),
                                via=(Via("mart_roadmap_plan", ("municipality_oktmo", "roadmap_year", "activity_number")),)),
    # computed from another mart: the key columns they share
    "mart_indicator_scores": _via("mart_indicator_unit_scores", "monitoring_id", "municipality_oktmo", "indicator_code"),
    "mart_section_scores": _via("mart_indicator_scores", "monitoring_id", "municipality_oktmo", "section_code", where=(("indicator_kind", "presence"),)),
    "mart_municipality_totals": _via("mart_section_scores", "monitoring_id", "municipality_oktmo"),
    "mart_municipality_dynamics": _via("mart_indicator_scores", "monitoring_id", "municipality_oktmo"),
    "mart_recommendation": _via("mart_recommendation_evidence", "monitoring_id", "rule_code", "municipality_oktmo"),
    "mart_recommendation_evidence": _via("mart_indicator_unit_scores", "monitoring_id", "municipality_oktmo", "indicator_code"),
    "mart_recommended_practices": _via("mart_recommendation", "monitoring_id", "rule_code", "municipality_oktmo"),
    "mart_data_quality_checks": _via("mart_indicator_unit_scores", "monitoring_id", "municipality_oktmo"),
    "mart_school_form_completeness": _via("mart_school_submission_status", "monitoring_id", "municipality_oktmo"),
    "mart_school_form_summary": _via("mart_school_form_values", "monitoring_id", "municipality_oktmo", "indicator_code"),
    # the window's year and the year before (int_school_result_years of monitoring_year and monitoring_year - 1)
    "mart_school_result_dynamics": Walk(via=(
        Via("fct_assessment_results", ("school_code", "assessment_procedure", "monitoring_year=assessment_year")),
        Via("fct_assessment_results", ("school_code", "assessment_procedure", "monitoring_year-1=assessment_year")))),
    "mart_municipality_result_dynamics": _via("mart_school_result_dynamics", "monitoring_id", "school_group", "municipality_oktmo", "assessment_procedure"),
    "mart_shnor_two_year_changes": _via("mart_school_identification", "school_code"),
    "mart_shnor_list_dynamics": _via("mart_shnor_two_year_changes", "monitoring_id", "municipality_oktmo", "methodology"),
    "mart_roadmap_completion": _via("mart_roadmap_status", "monitoring_id", "municipality_oktmo"),
    "mart_roadmap_activities": _via("mart_roadmap_status", "monitoring_id", "activity_code"),
    "mart_municipality_people": _via("mart_school_people", "municipality_oktmo", "people_year"),
    "mart_curator_load": _via("mart_school_people", "curator_id", "assignment_year=people_year"),
    "mart_post_project_schools": _via("fct_assessment_results", "school_code", "result_year=assessment_year"),
    "mart_school_identification_reasons": _via("mart_school_identification", "school_code", "result_year"),
    "mart_shnor_list_status": _via("fct_assessment_results", "school_code", "result_year=assessment_year"),
    # the lists by methodology (the identification's flags) and the computed list, of the municipality and year
    "mart_shnor_municipality_lists": Walk(via=(Via("mart_school_identification", ("municipality_oktmo", "result_year")),
                                               Via("mart_shnor_list_status", ("municipality_oktmo", "result_year")))),
    "mart_regional_list_comparison": _via("mart_school_identification", "school_code", "result_year"),
    # its variables: the results of its year, ОО-1 of the school's context year (int_school_variables), which
    # mart_school_identification names for the school and year
    "mart_school_risk_profiles": Walk(via=(
        Via("fct_assessment_results", ("school_code", "result_year=assessment_year")),
        Via("mart_school_identification", ("school_code", "result_year"),
            then=(Via("dim_school", ("school_code", "context_year=data_year")),)))),
    "mart_municipality_risk_profiles": _via("mart_school_risk_profiles", "municipality_oktmo", "result_year", "factor_code"),
    "mart_mentoring_coverage": _via("mart_mentor_load", "municipality_oktmo", "result_year=assignment_year"),
    "mart_municipality_context": _via("dim_school", "municipality_oktmo", "data_year"),
    # marts of files: the file is the source
    "mart_submission_status": Walk(file="current_sha256"),
    "mart_school_submission_status": Walk(file="current_sha256"),
    "mart_row_accounting": Walk(file="source_sha256"),
    "mart_row_fates": Walk(file="source_sha256"),
}

# The lists a rule counts schools on (``metric = school_count`` of seed recommendation_evidence, ``list_code`` of seed
# shnor_lists): the mart holding a school's membership in its year and the flags that make it a member (any of
# them), as int_municipality_school_lists counts them. A recommendation's walk follows them from its municipality
# and school year (``mart_recommendation.school_year``) to the member schools' rows.
LIST_MEMBERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "federal": ("mart_school_identification", ("is_federal_shnor",)),
    "biased": ("mart_school_identification", ("is_biased_results",)),
    "fioco_lists": ("mart_school_identification", ("is_federal_shnor", "is_biased_results")),
    "published_regional": ("mart_school_identification", ("is_published_regional_shnor",)),
    "federal_or_published": ("mart_school_identification", ("is_federal_shnor", "is_published_regional_shnor")),
    "computed_regional": ("mart_shnor_list_status", ("is_on_list",)),
    "cusp": ("mart_shnor_list_status", ("is_cusp",)),
}

# Marts with no source rows to walk back to, and why (in Russian: shown to whoever asks).
NOT_WALKED: dict[str, str] = {
    "mart_guide": "путеводитель по витринам: строится из графа dbt и seed mart_questions, а не из файлов",
    "mart_letter_thresholds": "пороги — переменные dbt (dbt_project.yml), а не значения из файлов",
    "mart_report_texts": "тексты справки из seed report_texts, а не из файлов",
    "dim_municipality": "справочник ОКТМО (seed ref_municipalities), а не данные из файлов",
    "fct_source_rows": "это сам мост к исходным строкам: каждая его строка уже называет файл, лист и строку",
}


class ExplainError(ValueError):
    """A question explain cannot answer (unknown mart, key or reference), worded for the person who asked."""


class NotYours(ExplainError):
    """A municipal login asked about another municipality's row."""


@dataclass
class SourceRow:
    kind: str
    source_row_id: str
    file: str
    sha256: str
    sheet: str | None
    row: int | None
    received_at: str | None
    file_status: str | None
    file_monitoring_id: str | None
    municipality_oktmo: str | None
    via: str  # the mart row the bridge names for this source row
    cells: list[dict] = field(default_factory=list)  # raw rows: cell (when the reader kept it) and values


@dataclass
class Explanation:
    mart: str
    key: dict
    reference: str
    printed_reference: str  # as the reports print it beside the figure
    row: dict
    group: list[dict]  # a reference naming many rows (a region's sum): all of them, ``row`` the first
    chain: list[str]
    thresholds: list[dict]
    rule: dict | None
    walk: list[str]
    sources: list[SourceRow]
    files: list[dict]
    sources_total: int
    lists: list[dict] = field(default_factory=list)  # a rule counting schools on a list: the list, its members
    hidden_sources: int = 0
    not_walked: str | None = None

    def as_dict(self) -> dict:
        return _plain(asdict(self))


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    try:
        if value != value:  # NaN
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def _text(value) -> str:
    """A key value as the bridge writes it (``cast(x as varchar)``); empty for none."""
    plain = _plain(value)
    return "" if plain is None else str(plain)


def reference(mart: str, key_values: list) -> str:
    return mart_reference(mart, [value if isinstance(value, Glob) else _plain(value) for value in key_values])


def marts(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, ...]]:
    """Every mart of the warehouse with its key columns (``mart_guide``)."""
    rows = con.execute("select mart_name, key_columns from marts.mart_guide").fetchall()
    return {name: tuple(c.strip() for c in (columns or "").split(",") if c.strip()) for name, columns in rows}


def _condition(column: str, value) -> tuple[str, list]:
    """A key column's condition: its value, none for an empty one, or — a ``Glob`` — the pattern it names."""
    text = _text(value)
    if text == "":
        return f"{column} is null", []
    if isinstance(value, Glob):
        return ("true", []) if text == "*" else (f"cast({column} as varchar) like ?", [text.replace("*", "%")])
    return f"cast({column} as varchar) = ?", [text]


def _sql_text(column: str, glob: str | None = None) -> str:
    """A key value in SQL as ``shnor_core.lineage.mart_reference`` writes it: cast to text, empty for none, ``%``,
    ``/`` and ``*`` escaped; ``glob``: the column written as that pattern (``*``, or its first two digits and ``*``)."""
    if glob == "*":
        return "'*'"
    if glob == "prefix":
        return "left(cast(municipality_oktmo as varchar), 2) || '*'"
    return (f"replace(replace(replace(coalesce(cast({column} as varchar), ''), '%', '%25'), '/', '%2F'), '*', "
            "'%2A')")


def _printed_sql(mart: str, texts: list[str]) -> str:
    """The printed reference in SQL, from the key values written as text (``_sql_text``)."""
    parts = " || '/' || ".join(texts)
    return f"'R-' || left(sha256('{mart.removeprefix('mart_')}/' || {parts}), 12)"


def _globs(columns: tuple[str, ...]) -> list[dict[str, str]]:
    """The ways a group reference may name a mart's rows: any set of key columns matching any value (``*``), the
    municipality's ОКТМО also its region's (``23*``)."""
    choices = [[None, "prefix", "*"] if c == "municipality_oktmo" else [None, "*"] for c in columns]
    return [{c: g for c, g in zip(columns, picked, strict=True) if g}
            for picked in itertools.product(*choices) if any(picked)]


class Resolver:
    """Answers many questions over one read-only warehouse connection and one dbt manifest: what every question
    shares — the marts and their keys, the columns of tables, each mart's models and thresholds, the printed
    references of every mart row, the rows a walk reaches, the source rows and files — is read once, so resolving
    all the references of a note costs about as much as resolving one (``shnor explain`` with many references,
    the page, the tests)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, manifest: dict):
        self.con, self.manifest = con, manifest
        self.known = marts(con)
        self.tables = {f"{schema}.{name}" for schema, name in con.execute(
            "select table_schema, table_name from information_schema.tables").fetchall()}
        self._tables: dict[str, list[dict]] = {}
        self._by: dict[tuple[str, tuple[str, ...]], dict[tuple[str, ...], list[dict]]] = {}
        self._columns: dict[str, list[str]] = {}
        self._rows: dict[tuple, list[dict]] = {}
        self._bridge: dict[tuple[str, str], list[dict]] = {}
        self._cells: dict[tuple, list[dict]] = {}
        self._files: dict[str, dict] = {}
        self._files_of: dict[str, list[dict]] = {}
        self._located: dict[str, tuple[str, dict, list]] | None = None
        self._models = {node.get("name"): node_id for node_id, node in manifest.get("nodes", {}).items()
                        if node.get("resource_type") in ("model", "seed")}
        self._ancestors: dict[str, list[str]] = {}
        self._thresholds = _records(con.execute(
            "select threshold_name, threshold_unit, threshold_value, description "
            "from marts.mart_letter_thresholds order by threshold_name"))
        self._rules = ({r["rule_code"]: r for r in _records(con.execute("select * from reference.recommendation_rules"))}
                       if "reference.recommendation_rules" in self.tables else {})

    # references

    def parse(self, ref: str) -> tuple[str, dict]:
        """A reference back to its mart and key: the printed form (``R-…``, found among the references of every
        mart row and of the groups of rows a report sums) or the readable one (``ExplainError`` when it names no
        mart, no row or the wrong number of values). A ``*`` in a readable value names many rows (``Glob``)."""
        ref = ref.strip()
        if SHORT_REFERENCE.match(ref):
            return self._find_short(ref)
        head, *values = ref.split("/")
        mart = next((name for name in (head, f"mart_{head}") if name in self.known), None)
        if mart is None:
            raise ExplainError(f"ссылка «{ref}»: нет витрины «{head}» (витрины — в marts.mart_guide)")
        columns = self.known[mart]
        if len(values) != len(columns):
            raise ExplainError(f"ссылка «{ref}»: у витрины {mart} ключ из {len(columns)} значений "
                               f"({', '.join(columns)}), в ссылке {len(values)}")
        return mart, dict(zip(columns, (_unescape(value) for value in values), strict=True))

    def _find_short(self, ref: str) -> tuple[str, dict]:
        """The row (or group of rows) whose printed reference is ``ref``."""
        self.locate([ref])
        if ref not in self._located:
            raise ExplainError(f"ссылка «{ref}»: ни одна строка витрин её не носит (справка могла быть выпущена "
                               f"по другой сборке: её ссылки — строки витрин той сборки)")
        mart, globs, values = self._located[ref]
        return mart, {c: Glob(_unescape(v)) if c in globs else _unescape(v)
                      for c, v in zip(self.known[mart], values, strict=True)}

    def locate(self, refs: list[str]) -> None:
        """Finds printed references among the marts' rows, as ``shnor_core.lineage.mart_reference`` writes them
        and computed in the database: every row's once, then — for those that are no row's — the groups of rows
        (``_globs``) the references asked for name, one query per mart for all of them."""
        if self._located is None:
            self._located = {}
            for mart, columns in self.known.items():
                if columns and f"marts.{mart}" in self.tables:
                    texts = [_sql_text(c) for c in columns]
                    for printed, *values in self.con.execute(
                            f"select {_printed_sql(mart, texts)}, {', '.join(texts)} from marts.{mart}").fetchall():
                        self._located.setdefault(printed, (mart, {}, values))
        missing = sorted({ref for ref in refs if SHORT_REFERENCE.match(ref) and ref not in self._located})
        for mart, columns in self.known.items():
            if not missing or not columns or f"marts.{mart}" not in self.tables:
                continue
            combos = _globs(columns)
            union = " union all ".join(
                f"select {number} as way, {_printed_sql(mart, texts)} as ref, {', '.join(texts)} from marts.{mart}"
                for number, globs in enumerate(combos) for texts in [[_sql_text(c, globs.get(c)) for c in columns]])
            for way, printed, *values in self.con.execute(
                    f"select distinct * from ({union}) where ref in (select unnest(?))", [missing]).fetchall():
                self._located.setdefault(printed, (mart, combos[way], values))
            missing = [ref for ref in missing if ref not in self._located]

    # rows and sources

    def columns(self, table: str) -> list[str]:
        if table not in self._columns:
            schema, name = table.split(".")
            self._columns[table] = [row[0] for row in self.con.execute(
                "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
                "order by ordinal_position", [schema, name]).fetchall()]
        return self._columns[table]

    def rows(self, mart: str, match: dict, extra: tuple = ()) -> list[dict]:
        """The mart's rows matching ``match`` (and ``extra``): a mart is read once and grouped once by the
        columns asked for (values compared as text, as ``_condition`` compares them); a ``Glob`` asks the
        database."""
        pairs = [*match.items(), *extra]
        if not any(isinstance(v, Glob) for _, v in pairs):
            columns = tuple(c for c, _ in pairs)
            if (mart, columns) not in self._by:
                if mart not in self._tables:
                    self._tables[mart] = _records(self.con.execute(f"select * from marts.{mart}"))
                grouped: dict[tuple[str, ...], list[dict]] = {}
                for row in self._tables[mart]:
                    grouped.setdefault(tuple(_text(row.get(c)) for c in columns), []).append(row)
                self._by[(mart, columns)] = grouped
            return self._by[(mart, columns)].get(tuple(_text(v) for _, v in pairs), [])
        memo = (mart, tuple((c, _text(v)) for c, v in pairs))
        if memo not in self._rows:
            conditions, params = [], []
            for column, value in [*match.items(), *extra]:
                sql, values = _condition(column, value)
                conditions.append(sql)
                params.extend(values)
            where = " and ".join(conditions) or "true"
            self._rows[memo] = _records(self.con.execute(f"select * from marts.{mart} where {where}", params))
        return self._rows[memo]

    def walk_back(self, mart: str, rows: list[dict], path: tuple[str, ...] = (), walk: Walk | None = None
                  ) -> tuple[list[str], dict[str, set[str]], set[str]]:
        """The walk from rows of a mart to the bridge: the steps taken (``a → b``), the bridged marts reached
        with their mart keys, and the files named by marts of files. ``walk``: the steps to take from these
        rows, when not the mart's own (``Via.then``)."""
        walk = walk or WALKS.get(mart)
        steps, bridged, files = [" → ".join((*path, mart))], {}, set()
        if walk is None or not rows:
            return steps, bridged, files
        if walk.file:
            files |= {str(row[walk.file]) for row in rows if row.get(walk.file)}
        if walk.bridge:
            bridged.setdefault(mart, set()).update(_bridge_keys(walk, rows))
        for via in walk.via:
            pairs = [part.split("=") if "=" in part else [part, part] for part in via.on]
            upstream, seen = [], set()
            for row in rows:
                match = {theirs: _value(row, ours) for ours, theirs in pairs}
                signature = tuple(_text(v) for v in match.values())
                if signature not in seen:
                    seen.add(signature)
                    upstream.extend(self.rows(via.mart, match, via.where))
            more_steps, more_bridged, more_files = self.walk_back(via.mart, upstream, (*path, mart),
                                                                  Walk(via=via.then) if via.then else None)
            steps = [s for s in steps if s != " → ".join((*path, mart))] + more_steps
            for name, keys in more_bridged.items():
                bridged.setdefault(name, set()).update(keys)
            files |= more_files
        return steps, bridged, files

    def bridge_rows(self, bridged: dict[str, set[str]]) -> list[dict]:
        """The source rows the bridge names for these mart keys; keys not asked before are read in one query."""
        for mart, keys in sorted(bridged.items()):
            new = sorted(k for k in keys if (mart, k) not in self._bridge)
            if not new:
                continue
            for key in new:
                self._bridge[(mart, key)] = []
            for row in _records(self.con.execute(f"""
                select bridge.source_kind, bridge.source_row_id, bridge.source_file, bridge.source_sha256,
                       bridge.source_sheet, bridge.source_row, bridge.municipality_oktmo, bridge.mart_key,
                       bridge.mart_name || ' ' || bridge.mart_key as via,
                       cast(files.received_at as varchar) as received_at, files.status as file_status,
                       files.monitoring_id as file_monitoring_id
                from {BRIDGE} as bridge
                left join raw.files as files on bridge.source_sha256 = files.source_sha256
                where bridge.mart_name = ? and bridge.mart_key in (select unnest(?))
                order by bridge.source_file, bridge.source_sheet, bridge.source_row""", [mart, new])):
                self._bridge[(mart, row.pop("mart_key"))].append(row)
        found = [row for mart, keys in sorted(bridged.items()) for key in sorted(keys)
                 for row in self._bridge[(mart, key)]]
        found.sort(key=lambda r: (r["source_file"] or "", r["source_sheet"] or "", r["source_row"] or 0))
        unique = {(r["source_row_id"], r["source_kind"]): r for r in found}
        return list(unique.values())

    def cells(self, sources: list[SourceRow]) -> None:
        """Each source row's raw rows: its cell (forms) or its row, and the values read — one query per raw table
        for the rows not read before."""
        by_kind: dict[str, list[SourceRow]] = {}
        for source in sources:
            if (source.kind, source.sha256, source.sheet or "", source.row) not in self._cells:
                by_kind.setdefault(source.kind, []).append(source)
        for kind_name, wanted in by_kind.items():
            kind = SOURCE_KINDS.get(kind_name)
            for source in wanted:
                self._cells[(kind_name, source.sha256, source.sheet or "", source.row)] = []
            if kind is None or not kind.table in self.tables:
                continue
            for row in _records(self.con.execute(f"""
                select * from {kind.table}
                where source_sha256 in (select unnest(?)) and source_row in (select unnest(?))""",
                    [sorted({s.sha256 for s in wanted}), sorted({s.row for s in wanted})])):
                memo = (kind_name, row["source_sha256"], row.get("source_sheet") or "", row["source_row"])
                if memo in self._cells:
                    self._cells[memo].append({"cell": row.get("source_cell"), "values": {
                        k: _plain(v) for k, v in row.items() if k not in LINEAGE_COLUMNS and v is not None}})
        for source in sources:
            source.cells = self._cells[(source.kind, source.sha256, source.sheet or "", source.row)]

    def files(self, shas: set[str]) -> list[dict]:
        new = sorted(shas - set(self._files))
        if new:
            for row in _records(self.con.execute("""
                select source_file, source_sha256, cast(received_at as varchar) as received_at,
                       status as file_status, monitoring_id
                from raw.files where source_sha256 in (select unnest(?))""", [new])):
                self._files[row["source_sha256"]] = row
        return sorted((self._files[s] for s in shas if s in self._files), key=lambda f: f["received_at"] or "")

    # models, thresholds, rules

    def ancestors(self, name: str) -> list[str]:
        """The models, seeds and sources a model is built from (dbt's parent map), from the sources up to
        itself."""
        if name not in self._ancestors:
            self._ancestors[name] = _ancestors(self.manifest, self._models.get(name))
        return self._ancestors[name]

    def chain(self, mart: str) -> list[str]:
        return [_label(self.manifest, node) for node in self.ancestors(mart)]

    def thresholds(self, mart: str, row: dict) -> list[dict]:
        """The named thresholds the mart's models read (their code names them) and the one its rule names."""
        code = " ".join(self.manifest.get("nodes", {}).get(node, {}).get("raw_code", "")
                        for node in self.ancestors(mart))
        named = row.get("threshold_name")
        return [t for t in self._thresholds if f"'{t['threshold_name']}'" in code or t["threshold_name"] == named]

    def rule(self, row: dict) -> dict | None:
        """A recommendation's rule: the seed row (condition, template) with the values that decided it."""
        code = row.get("rule_code")
        if not code or not self._rules:
            return None
        decided = {k: row.get(k) for k in ("threshold_name", "threshold_value", "threshold_unit", "rule_value",
                                           "value_unit", "meets_condition", "in_letter", "evidence",
                                           "region_mean_value") if k in row}
        return _plain({"rule_code": code, "seed": self._rules.get(code), "decided": decided})

    # the explanation

    def explain(self, mart: str, key: dict, municipality: str | None = None, limit: int = 50,
                cells: bool = True) -> Explanation:
        """The explanation of one mart row, or of the group of rows a ``Glob`` key names; ``municipality``: what a
        municipal login may see (its own rows and sources only); ``cells``: read the source rows' cells now (a
        batch reads them for all its explanations at once)."""
        if mart not in self.known:
            raise ExplainError(f"нет витрины «{mart}» (витрины — в marts.mart_guide)")
        unknown = sorted(set(key) - set(self.columns(f"marts.{mart}")))
        if unknown:
            raise ExplainError(f"у витрины {mart} нет столбцов {', '.join(unknown)}; её ключ: "
                               f"{', '.join(self.known[mart])}")
        rows = self.rows(mart, key)
        if not rows:
            raise ExplainError(f"в витрине {mart} нет строки {key}; ключ витрины: {', '.join(self.known[mart])}")
        if municipality and any(r.get("municipality_oktmo") not in (None, municipality) for r in rows):
            raise NotYours(f"строка витрины {mart} {key} относится к другому МО")
        row = rows[0]
        grouped = any(isinstance(v, Glob) for v in key.values())
        ref = reference(mart, [key[c] if isinstance(key.get(c), Glob) else row.get(c) for c in self.known[mart]])
        base = {"mart": mart, "key": _plain(key), "reference": ref, "printed_reference": short_reference(ref),
                "row": _plain(row), "group": _plain(rows) if grouped else [], "chain": self.chain(mart),
                "thresholds": _plain(self.thresholds(mart, row)), "rule": self.rule(row)}
        if mart in NOT_WALKED:
            return Explanation(**base, walk=[mart], sources=[], files=[], sources_total=0,
                               not_walked=NOT_WALKED[mart])
        path, bridged, file_shas = self.walk_back(mart, rows)
        lists = self.list_members(rows) if mart == "mart_recommendation" else []
        for counted in lists:
            more_path, more_bridged, more_files = self.walk_back(counted["mart"], counted["members"], (mart,))
            path += [step for step in more_path if step not in path]
            for name, keys in more_bridged.items():
                bridged.setdefault(name, set()).update(keys)
            file_shas |= more_files | {f["source_sha256"] for f in counted["files_read"]}
        found = self.bridge_rows(bridged)
        visible = [r for r in found if not municipality or r["municipality_oktmo"] in (None, municipality)]
        sources = [SourceRow(kind=r["source_kind"], source_row_id=r["source_row_id"], file=r["source_file"],
                             sha256=r["source_sha256"], sheet=r["source_sheet"], row=_plain(r["source_row"]),
                             received_at=r["received_at"], file_status=r["file_status"],
                             file_monitoring_id=r["file_monitoring_id"], municipality_oktmo=r["municipality_oktmo"],
                             via=r["via"]) for r in visible[:limit]]
        if cells:
            self.cells(sources)
        files = self.files(file_shas | {r["source_sha256"] for r in visible})
        return Explanation(**base, walk=path, sources=sources, files=_plain(files), sources_total=len(visible),
                           lists=_plain([{k: v for k, v in c.items() if k != "members"}
                                         | {"schools": [m["school_code"] for m in c["members"]]} for c in lists]),
                           hidden_sources=len(found) - len(visible))

    def list_members(self, rows: list[dict]) -> list[dict]:
        """For recommendation rows that count schools on a list (their evidence ``school_count``): per row and
        list, the list's member schools of the municipality in the rule's school year (``LIST_MEMBERS``) — the
        rows the count is of — and the list files read (for a count of none: no list row names a school of the
        municipality that year, in any of them)."""
        found, seen = [], set()
        for row in rows:
            for evidence in self.rows("mart_recommendation_evidence", {
                    "monitoring_id": row["monitoring_id"], "rule_code": row["rule_code"],
                    "municipality_oktmo": row["municipality_oktmo"]}, (("metric", "school_count"),)):
                if (row["municipality_oktmo"], evidence["list_code"], row["school_year"]) in seen:
                    continue  # a rule's rows per subject count the same list once
                seen.add((row["municipality_oktmo"], evidence["list_code"], row["school_year"]))
                mart, flags = LIST_MEMBERS[evidence["list_code"]]
                candidates = self.rows(mart, {"municipality_oktmo": row["municipality_oktmo"],
                                              "result_year": row["school_year"]})
                members = [m for m in candidates if any(m.get(flag) for flag in flags)]
                found.append({"municipality_oktmo": row["municipality_oktmo"], "list_code": evidence["list_code"],
                              "school_year": row["school_year"], "counted": evidence["value"], "mart": mart,
                              "flags": list(flags), "members": members, "files_read": self.list_files()})
        return found

    def list_files(self) -> list[dict]:
        """The list files the warehouse holds (raw.school_lists): where a list row would be."""
        if "lists" not in self._files_of:
            shas = {sha for (sha,) in self.con.execute(
                f"select distinct source_sha256 from {SOURCE_KINDS['school_lists'].table}").fetchall()}
            self._files_of["lists"] = self.files(shas)
        return self._files_of["lists"]

    def resolve(self, refs: list[str], municipality: str | None = None, limit: int = 50) -> dict[str, Explanation]:
        """Many references at once (a note's): each distinct one explained once, the cells of all their source
        rows read together."""
        self.locate(refs)
        explained = {ref: self.explain(*self.parse(ref), municipality=municipality, limit=limit, cells=False)
                     for ref in dict.fromkeys(refs)}
        self.cells([source for explanation in explained.values() for source in explanation.sources])
        return explained


def _value(row: dict, column: str):
    """A column's value, or — ``column-1`` — the year before it."""
    name, _, back = column.partition("-")
    value = row.get(name)
    return value - int(back) if back and value is not None else value


def _records(result) -> list[dict]:
    names = [d[0] for d in result.description]
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


def _unescape(value: str) -> str:
    text = value.replace("%2A", "*").replace("%2F", "/").replace("%25", "%")
    return Glob(text) if "*" in value else text


def _bridge_keys(walk: Walk, rows: list[dict]) -> set[str]:
    keys = set()
    for row in rows:
        for columns in walk.bridge:
            values = [_text(row.get(column)) for column in columns]
            if values and values[0]:
                keys.add(" ".join(v for v in values if v != ""))
    return keys


def load_manifest(home: DataHome) -> dict:
    path = home.dbt_artifacts / "target" / "manifest.json"
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def _ancestors(manifest: dict, start: str | None) -> list[str]:
    if start is None:
        return []
    parents = manifest.get("parent_map", {})
    depth: dict[str, int] = {}

    def visit(node_id: str) -> int:
        if node_id not in depth:
            depth[node_id] = 0
            depth[node_id] = 1 + max((visit(p) for p in parents.get(node_id, [])), default=-1)
        return depth[node_id]

    visit(start)
    return [node for node, _ in sorted(depth.items(), key=lambda item: (item[1], item[0]))]


def _label(manifest: dict, node_id: str) -> str:
    if node_id.startswith("source."):
        source = manifest.get("sources", {}).get(node_id, {})
        return f"{source.get('source_name', 'raw')}.{source.get('name', node_id.split('.')[-1])}"
    node = manifest.get("nodes", {}).get(node_id, {})
    kind = "справочник" if node.get("resource_type") == "seed" else (node.get("schema") or "")
    return f"{node.get('name', node_id)} ({kind})" if kind else node.get("name", node_id)


@dataclass
class SchoolFates:
    """Where a school's source rows went: the marts they reached and, for the others, why not."""

    school: str
    reached: list[dict]
    not_reached: list[dict]

    def as_dict(self) -> dict:
        return _plain(asdict(self))


def explain_school(con: duckdb.DuckDBPyConnection, school: str, municipality: str | None = None) -> SchoolFates:
    """A school by its code or written name: its source rows by fate (``fct_source_row_fates``)."""
    scope, params = "", [school, school, f"%{school.lower()}%"]
    if municipality:
        scope, params = " and municipality_oktmo = ?", [*params, municipality]
    match = f"(school_code = ? or lower(school_name_raw) = lower(?) or lower(school_name_raw) like ?){scope}"
    result = con.execute(f"""
        select source_kind, fate, fate_code, reason, source_file, source_sha256, source_sheet,
               cast(min(source_row) as integer) as first_row, cast(count(*) as integer) as source_rows,
               max(school_code) as school_code, max(school_name_raw) as school_name_raw
        from lineage.fct_source_row_fates where {match}
        group by source_kind, fate, fate_code, reason, source_file, source_sha256, source_sheet
        order by fate <> 'mart', source_kind, source_file""", params)
    names = [d[0] for d in result.description]
    fates = [dict(zip(names, row, strict=True)) for row in result.fetchall()]
    if not fates:
        raise ExplainError(f"школа «{school}»: нет ни одной строки в принятых файлах (ни по коду, ни по названию)")
    reached = con.execute(f"""
        select bridge.mart_name, cast(count(distinct bridge.mart_key) as integer) as mart_rows
        from {BRIDGE} as bridge
        inner join lineage.fct_source_row_fates as fates on bridge.source_row_id = fates.source_row_id
        where {match.replace('school_code', 'fates.school_code').replace('school_name_raw', 'fates.school_name_raw')
                    .replace('municipality_oktmo', 'fates.municipality_oktmo')}
        group by bridge.mart_name order by bridge.mart_name""", params).fetchall()
    return SchoolFates(school, [{"mart": m, "mart_rows": n} for m, n in reached],
                       _plain([f for f in fates if f["fate"] != "mart"]))


def lines(explanation: Explanation) -> list[str]:
    """The explanation in Russian, for a person."""
    e = explanation
    out = [f"Витрина {e.mart}, строка {', '.join(f'{k} = {v}' for k, v in e.key.items())}", f"  ссылка: {e.printed_reference} ({e.reference})"]
    shown = {k: v for k, v in e.row.items() if v is not None and k not in ("is_demo", "template", "template_unmet",
                                                                           "member_template")}
    out.append("  значения строки: " + "; ".join(f"{k} = {v}" for k, v in shown.items()))
    if e.group:
        out.append(f"  ссылка называет группу строк (число по региону или по нескольким строкам): {len(e.group)}; "
                   "выше — значения первой, все — в --json")
    if e.chain:
        out.append("Путь через модели dbt (от источника к витрине):")
        out.extend(f"  {step}" for step in e.chain)
    if e.rule:
        seed = e.rule.get("seed") or {}
        out.append(f"Правило {e.rule['rule_code']}: {seed.get('title') or ''}".rstrip())
        for name in ("condition", "comparison", "combine", "threshold"):
            if seed.get(name) not in (None, ""):
                out.append(f"  {name}: {seed[name]}")
        out.append("  решило: " + "; ".join(f"{k} = {v}" for k, v in e.rule["decided"].items() if v is not None))
    if e.thresholds:
        out.append("Пороги (переменные dbt):")
        out.extend(f"  {t['threshold_name']} = {t['threshold_value']} — {t['description']}" for t in e.thresholds)
    if e.not_walked:
        out.append(f"Исходных строк нет: {e.not_walked}")
        return out
    for counted in e.lists:
        flags = " или ".join(counted["flags"])
        where = f"МО {counted['municipality_oktmo']}, {counted['school_year']} год"
        if counted["schools"]:
            out.append(f"Правило считает школы списка {counted['list_code']} ({where}): {len(counted['schools'])} — "
                       f"строки {counted['mart']} с {flags}: {', '.join(counted['schools'])}")
        else:
            out.append(f"Правило считает школы списка {counted['list_code']} ({where}): 0 — ни одна строка "
                       f"{counted['mart']} с {flags} не называет школу этого МО за этот год; прочитаны файлы списков: "
                       + (", ".join(f["source_file"] for f in counted["files_read"]) or "ни одного"))
    out.append("Путь по витринам: " + "; ".join(e.walk))
    if e.files:
        out.append("Файлы:")
        out.extend(f"  {f['source_file']} (sha256 {f['source_sha256'][:12]}…, получен {f['received_at']}, "
                   f"статус {f['file_status']})" for f in e.files)
    out.append(f"Исходные строки: {e.sources_total}" + (f" (показаны {len(e.sources)})" if len(e.sources) <
                                                          e.sources_total else ""))
    for s in e.sources:
        out.append(f"  {s.file}, лист «{s.sheet or '—'}», строка {s.row} → {s.via}")
        for cell in s.cells:
            where = f"ячейка {cell['cell']}: " if cell.get("cell") else ""
            out.append(f"    {where}" + "; ".join(f"{k} = {v}" for k, v in cell["values"].items()))
    if e.hidden_sources:
        out.append(f"  строк других МО скрыто: {e.hidden_sources}")
    return out


def school_lines(fates: SchoolFates) -> list[str]:
    out = [f"Школа «{fates.school}»"]
    if fates.reached:
        out.append("Строки школы попали в витрины: " + ", ".join(f"{r['mart']} ({r['mart_rows']})"
                                                                 for r in fates.reached))
    else:
        out.append("Ни одна строка школы не попала в витрины.")
    for f in fates.not_reached:
        out.append(f"  не в витринах: {f['source_file']}, лист «{f['source_sheet'] or '—'}», строк {f['source_rows']} "
                   f"(первая — {f['first_row']}): {f['reason']}")
    return out


@dataclass
class _Many:
    """The explanations of several references, for ``--json``."""

    explanations: list[Explanation]

    def as_dict(self) -> dict:
        return {"explanations": [e.as_dict() for e in self.explanations]}


def _key(pairs: list[str]) -> dict:
    key = {}
    for pair in pairs:
        if "=" not in pair:
            raise ExplainError(f"«{pair}»: ключ строки задаётся как столбец=значение")
        column, value = pair.split("=", 1)
        key[column.strip()] = value
    return key


def cmd_explain(args) -> int:
    home = DataHome(Path(args.home).resolve()) if args.home else DataHome.from_env()
    try:
        if not home.warehouse.is_file():
            raise ExplainError(f"хранилища {home.warehouse} нет: сначала соберите витрины (shnor run или shnor build)")
        with warehouse.connect(home.warehouse, read_only=True, wait=0) as con:
            if args.school:
                result = explain_school(con, args.school, args.municipality)
                text = school_lines(result)
            else:
                if not args.what:
                    raise ExplainError("назовите ссылку, витрину с ключом (столбец=значение) или --school")
                resolver = Resolver(con, load_manifest(home))
                first, *rest = args.what
                if all("/" in what or SHORT_REFERENCE.match(what) for what in args.what):  # references, one or many
                    results = list(resolver.resolve(args.what, args.municipality, args.limit).values())
                else:
                    results = [resolver.explain(first, _key(rest), args.municipality, args.limit)]
                result = results[0] if len(results) == 1 else _Many(results)
                text = [line for one in results for line in [*lines(one), ""]][:-1]
    except (ExplainError, warehouse.WarehouseBusy) as error:
        print(f"shnor explain: {error}", file=sys.stderr)
        return 1
    print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2) if args.json else "\n".join(text))
    return 0


def add_explain_command(commands) -> None:
    """``shnor explain``, registered in ``shnor/cli.py``."""
    help_text = ("объяснить число: строку витрины (по ссылке из справки или по ключу) — модели, правило и пороги, "
                 "исходные файлы, листы и ячейки; или почему строки школы не попали в витрины")
    command = commands.add_parser("explain", help=help_text, description=help_text)
    command.set_defaults(handler=cmd_explain)
    command.add_argument("what", nargs="*", metavar="ССЫЛКА|ВИТРИНА [СТОЛБЕЦ=ЗНАЧЕНИЕ …]",
                         help="ссылки из справки (напечатанные, например R-3f2a9c0b1d4e, или полные: вид/окно/ОКТМО/код; несколько — "
                              "через пробел, хранилище читается один раз) или витрина и "
                              "её ключ")
    command.add_argument("--school", metavar="КОД|НАЗВАНИЕ", help="куда попали строки школы и почему не попали")
    command.add_argument("--municipality", metavar="ОКТМО", help="как видит муниципальный пользователь: только своё МО")
    command.add_argument("--limit", type=int, default=50, help="не больше стольких исходных строк (по умолчанию 50)")
    command.add_argument("--json", action="store_true", help="объяснение в формате JSON (для программ)")
