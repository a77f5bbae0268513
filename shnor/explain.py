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

import json
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

from shnor_core import warehouse
from shnor_core.lineage import SHORT_REFERENCE, mart_reference, short_reference
from shnor_core.settings import DataHome
from shnor_core.sources import SOURCE_KINDS

BRIDGE = "marts.fct_source_rows"
LINEAGE_COLUMNS = ("source_file", "source_sha256", "source_sheet", "source_row", "source_cell", "loaded_at")


@dataclass(frozen=True)
class Via:
    """A mart holding a mart row's inputs at a finer grain — the mart it is computed from, a mart computed from
    the same intermediate model, or the mart of its evidence: its rows sharing the columns ``on`` (``column`` or
    ``column=column of that mart``), narrowed by ``where``, are the row's inputs (tests/test_explain.py checks
    each against dbt's graph)."""

    mart: str
    on: tuple[str, ...]
    where: tuple[tuple[str, str], ...] = ()


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
                                            Via("dim_school", ("school_code",)))),
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
    "mart_school_result_dynamics": _via("fct_assessment_results", "school_code", "assessment_procedure"),
    "mart_municipality_result_dynamics": _via("mart_school_result_dynamics", "monitoring_id", "school_group", "municipality_oktmo", "assessment_procedure"),
    "mart_shnor_two_year_changes": _via("mart_school_identification", "school_code"),
    "mart_shnor_list_dynamics": _via("mart_shnor_two_year_changes", "monitoring_id", "municipality_oktmo", "methodology"),
    "mart_roadmap_completion": _via("mart_roadmap_status", "monitoring_id", "municipality_oktmo"),
    "mart_roadmap_activities": _via("mart_roadmap_status", "monitoring_id", "activity_code"),
    "mart_municipality_people": _via("mart_school_people", "municipality_oktmo", "people_year"),
    "mart_curator_load": _via("mart_school_people", "curator_id", "assignment_year=people_year"),
    "mart_post_project_schools": _via("fct_assessment_results", "school_code", "result_year=assessment_year"),
    "mart_school_identification_reasons": _via("mart_school_identification", "school_code", "result_year"),
    "mart_shnor_comparison": _via("mart_school_identification", "municipality_oktmo", "result_year"),
    "mart_shnor_dynamics": _via("mart_school_identification", "municipality_oktmo", "result_year"),
    "mart_shnor_list_status": _via("fct_assessment_results", "school_code", "result_year=assessment_year"),
    "mart_shnor_list_changes": _via("mart_shnor_list_status", "municipality_oktmo", "result_year"),
    "mart_regional_list_comparison": _via("mart_school_identification", "school_code", "result_year"),
    "mart_school_risk_profiles": _via("dim_school", "school_code"),
    "mart_municipality_risk_profiles": _via("mart_school_risk_profiles", "municipality_oktmo", "result_year", "factor_code"),
    "mart_mentoring_coverage": _via("mart_mentor_load", "municipality_oktmo", "result_year=assignment_year"),
    "mart_municipality_context": _via("dim_school", "municipality_oktmo", "data_year"),
    # marts of files: the file is the source
    "mart_submission_status": Walk(file="current_sha256"),
    "mart_school_submission_status": Walk(file="current_sha256"),
    "mart_row_accounting": Walk(file="source_sha256"),
    "mart_row_fates": Walk(file="source_sha256"),
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
    chain: list[str]
    thresholds: list[dict]
    rule: dict | None
    walk: list[str]
    sources: list[SourceRow]
    files: list[dict]
    sources_total: int
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
    return mart_reference(mart, [_plain(value) for value in key_values])


def marts(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, ...]]:
    """Every mart of the warehouse with its key columns (``mart_guide``)."""
    rows = con.execute("select mart_name, key_columns from marts.mart_guide").fetchall()
    return {name: tuple(c.strip() for c in (columns or "").split(",") if c.strip()) for name, columns in rows}


def parse_reference(con: duckdb.DuckDBPyConnection, ref: str) -> tuple[str, dict]:
    """A reference back to its mart and key: the printed form (``R-…``, found among the rows of every mart) or the
    readable one (``ExplainError`` when it names no mart, no row or the wrong number of values)."""
    ref = ref.strip()
    known = marts(con)
    if SHORT_REFERENCE.match(ref):
        return _find_short(con, known, ref)
    head, *values = ref.split("/")
    mart = next((name for name in (head, f"mart_{head}") if name in known), None)
    if mart is None:
        raise ExplainError(f"ссылка «{ref}»: нет витрины «{head}» (витрины — в marts.mart_guide)")
    columns = known[mart]
    if len(values) != len(columns):
        raise ExplainError(f"ссылка «{ref}»: у витрины {mart} ключ из {len(columns)} значений "
                           f"({', '.join(columns)}), в ссылке {len(values)}")
    values = [value.replace("%2F", "/").replace("%25", "%") for value in values]
    return mart, dict(zip(columns, values, strict=True))


def _find_short(con: duckdb.DuckDBPyConnection, known: dict[str, tuple[str, ...]], ref: str) -> tuple[str, dict]:
    """The row whose printed reference is ``ref``: each mart's references computed in the database, as
    ``shnor_core.lineage.mart_reference`` writes them (a key value cast to text, empty for none, ``%`` and ``/``
    escaped)."""
    for mart, columns in known.items():
        if not columns or not warehouse.table_exists(con, f"marts.{mart}"):
            continue
        parts = " || '/' || ".join(
            f"replace(replace(coalesce(cast({c} as varchar), ''), '%', '%25'), '/', '%2F')" for c in columns)
        found = con.execute(f"""select {', '.join(columns)} from marts.{mart}
                                where 'R-' || left(sha256('{mart.removeprefix('mart_')}/' || {parts}), 12) = ?
                                limit 1""", [ref]).fetchone()
        if found:
            return mart, {c: _text(v) for c, v in zip(columns, found, strict=True)}
    raise ExplainError(f"ссылка «{ref}»: ни одна строка витрин её не носит (справка могла быть выпущена по "
                       f"другой сборке: её ссылки — строки витрин той сборки)")


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    schema, name = table.split(".")
    return [row[0] for row in con.execute(
        "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
        "order by ordinal_position", [schema, name]).fetchall()]


def _condition(column: str, value) -> tuple[str, list]:
    text = _text(value)
    if text == "":
        return f"{column} is null", []
    return f"cast({column} as varchar) = ?", [text]


def _rows(con: duckdb.DuckDBPyConnection, mart: str, match: dict, extra: tuple = ()) -> list[dict]:
    conditions, params = [], []
    for column, value in [*match.items(), *extra]:
        sql, values = _condition(column, value)
        conditions.append(sql)
        params.extend(values)
    where = " and ".join(conditions) or "true"
    result = con.execute(f"select * from marts.{mart} where {where}", params)
    names = [d[0] for d in result.description]
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


def _bridge_keys(walk: Walk, rows: list[dict]) -> set[str]:
    keys = set()
    for row in rows:
        for columns in walk.bridge:
            values = [_text(row.get(column)) for column in columns]
            if values and values[0]:
                keys.add(" ".join(v for v in values if v != ""))
    return keys


def walk_back(con: duckdb.DuckDBPyConnection, mart: str, rows: list[dict], path: tuple[str, ...] = ()
              ) -> tuple[list[str], dict[str, set[str]], set[str]]:
    """The walk from rows of a mart to the bridge: the steps taken (``a → b``), the bridged marts reached with
    their mart keys, and the files named by marts of files."""
    walk = WALKS.get(mart)
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
            match = {theirs: row.get(ours) for ours, theirs in pairs}
            signature = tuple(_text(v) for v in match.values())
            if signature not in seen:
                seen.add(signature)
                upstream.extend(_rows(con, via.mart, match, via.where))
        more_steps, more_bridged, more_files = walk_back(con, via.mart, upstream, (*path, mart))
        steps = [s for s in steps if s != " → ".join((*path, mart))] + more_steps
        for name, keys in more_bridged.items():
            bridged.setdefault(name, set()).update(keys)
        files |= more_files
    return steps, bridged, files


def _bridge_rows(con: duckdb.DuckDBPyConnection, bridged: dict[str, set[str]]) -> list[dict]:
    found = []
    for mart, keys in sorted(bridged.items()):
        if not keys:
            continue
        result = con.execute(f"""
            select bridge.source_kind, bridge.source_row_id, bridge.source_file, bridge.source_sha256,
                   bridge.source_sheet, bridge.source_row, bridge.municipality_oktmo,
                   bridge.mart_name || ' ' || bridge.mart_key as via,
                   cast(files.received_at as varchar) as received_at, files.status as file_status,
                   files.monitoring_id as file_monitoring_id
            from {BRIDGE} as bridge
            left join raw.files as files on bridge.source_sha256 = files.source_sha256
            where bridge.mart_name = ? and bridge.mart_key in (select unnest(?))
            order by bridge.source_file, bridge.source_sheet, bridge.source_row""", [mart, sorted(keys)])
        names = [d[0] for d in result.description]
        found.extend(dict(zip(names, row, strict=True)) for row in result.fetchall())
    unique = {(r["source_row_id"], r["source_kind"]): r for r in found}
    return list(unique.values())


def _cells(con: duckdb.DuckDBPyConnection, source: SourceRow) -> list[dict]:
    """The raw rows of one source row: its cell (forms) or its row, and the values read."""
    kind = SOURCE_KINDS.get(source.kind)
    if kind is None or not warehouse.table_exists(con, kind.table):
        return []
    result = con.execute(f"""select * from {kind.table}
                             where source_sha256 = ? and coalesce(source_sheet, '') = ? and source_row = ?""",
                         [source.sha256, source.sheet or "", source.row])
    names = [d[0] for d in result.description]
    cells = []
    for values in result.fetchall():
        row = dict(zip(names, values, strict=True))
        cells.append({"cell": row.get("source_cell"),
                      "values": {k: _plain(v) for k, v in row.items() if k not in LINEAGE_COLUMNS and v is not None}})
    return cells


def _files(con: duckdb.DuckDBPyConnection, shas: set[str]) -> list[dict]:
    if not shas:
        return []
    result = con.execute("""select source_file, source_sha256, cast(received_at as varchar) as received_at,
                                   status as file_status, monitoring_id
                            from raw.files where source_sha256 in (select unnest(?)) order by received_at""",
                         [sorted(shas)])
    names = [d[0] for d in result.description]
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


def load_manifest(home: DataHome) -> dict:
    path = home.dbt_artifacts / "target" / "manifest.json"
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def _model_id(manifest: dict, name: str) -> str | None:
    return next((node_id for node_id, node in manifest.get("nodes", {}).items()
                 if node.get("resource_type") in ("model", "seed") and node.get("name") == name), None)


def ancestors(manifest: dict, name: str) -> list[str]:
    """The models, seeds and sources a model is built from (dbt's parent map), from the sources up to itself."""
    start = _model_id(manifest, name)
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


def chain(manifest: dict, mart: str) -> list[str]:
    return [_label(manifest, node) for node in ancestors(manifest, mart)]


def thresholds(con: duckdb.DuckDBPyConnection, manifest: dict, mart: str, row: dict) -> list[dict]:
    """The named thresholds the mart's models read (their code names them) and the one its rule names."""
    code = " ".join(manifest.get("nodes", {}).get(node, {}).get("raw_code", "") for node in ancestors(manifest, mart))
    result = con.execute("select threshold_name, threshold_unit, threshold_value, description "
                         "from marts.mart_letter_thresholds order by threshold_name")
    names = [d[0] for d in result.description]
    rows = [dict(zip(names, values, strict=True)) for values in result.fetchall()]
    named = row.get("threshold_name")
    return [t for t in rows if f"'{t['threshold_name']}'" in code or t["threshold_name"] == named]


def _rule(con: duckdb.DuckDBPyConnection, mart: str, row: dict) -> dict | None:
    """A recommendation's rule: the seed row (condition, template) with the values that decided it."""
    code = row.get("rule_code")
    if not code or not warehouse.table_exists(con, "reference.recommendation_rules"):
        return None
    result = con.execute("select * from reference.recommendation_rules where rule_code = ?", [code])
    names = [d[0] for d in result.description]
    seed = [dict(zip(names, values, strict=True)) for values in result.fetchall()]
    decided = {k: row.get(k) for k in ("threshold_name", "threshold_value", "threshold_unit", "rule_value",
                                       "value_unit", "meets_condition", "in_letter", "evidence", "region_mean_value")
               if k in row}
    return _plain({"rule_code": code, "seed": seed[0] if seed else None, "decided": decided})


def explain(con: duckdb.DuckDBPyConnection, manifest: dict, mart: str, key: dict, municipality: str | None = None,
            limit: int = 50) -> Explanation:
    """The explanation of one mart row; ``municipality``: what a municipal login may see (its own rows and
    sources only)."""
    known = marts(con)
    if mart not in known:
        raise ExplainError(f"нет витрины «{mart}» (витрины — в marts.mart_guide)")
    unknown = sorted(set(key) - set(_columns(con, f"marts.{mart}")))
    if unknown:
        raise ExplainError(f"у витрины {mart} нет столбцов {', '.join(unknown)}; её ключ: {', '.join(known[mart])}")
    rows = _rows(con, mart, key)
    if not rows:
        raise ExplainError(f"в витрине {mart} нет строки {key}; ключ витрины: {', '.join(known[mart])}")
    if municipality and any(r.get("municipality_oktmo") not in (None, municipality) for r in rows):
        raise NotYours(f"строка витрины {mart} {key} относится к другому МО")
    row = rows[0]
    ref = reference(mart, [row.get(c) for c in known[mart]])
    base = {"mart": mart, "key": _plain(key), "reference": ref, "printed_reference": short_reference(ref),
            "row": _plain(row), "chain": chain(manifest, mart),
            "thresholds": _plain(thresholds(con, manifest, mart, row)), "rule": _rule(con, mart, row)}
    if mart in NOT_WALKED:
        return Explanation(**base, walk=[mart], sources=[], files=[], sources_total=0, not_walked=NOT_WALKED[mart])
    path, bridged, file_shas = walk_back(con, mart, rows)
    found = _bridge_rows(con, bridged)
    visible = [r for r in found if not municipality or r["municipality_oktmo"] in (None, municipality)]
    sources = []
    for r in visible[:limit]:
        source = SourceRow(kind=r["source_kind"], source_row_id=r["source_row_id"], file=r["source_file"],
                           sha256=r["source_sha256"], sheet=r["source_sheet"], row=_plain(r["source_row"]),
                           received_at=r["received_at"], file_status=r["file_status"],
                           file_monitoring_id=r["file_monitoring_id"], municipality_oktmo=r["municipality_oktmo"],
                           via=r["via"])
        source.cells = _cells(con, source)
        sources.append(source)
    files = _files(con, file_shas | {r["source_sha256"] for r in visible})
    return Explanation(**base, walk=path, sources=sources, files=_plain(files), sources_total=len(visible),
                       hidden_sources=len(found) - len(visible))


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
                first, *rest = args.what
                if rest or not ("/" in first or SHORT_REFERENCE.match(first)):
                    mart, key = first, _key(rest)
                else:
                    mart, key = parse_reference(con, first)
                result = explain(con, load_manifest(home), mart, key, args.municipality, args.limit)
                text = lines(result)
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
                         help="ссылка из справки (напечатанная, например R-3f2a9c0b1d4e, или полная: вид/окно/ОКТМО/код) или витрина и "
                              "её ключ")
    command.add_argument("--school", metavar="КОД|НАЗВАНИЕ", help="куда попали строки школы и почему не попали")
    command.add_argument("--municipality", metavar="ОКТМО", help="как видит муниципальный пользователь: только своё МО")
    command.add_argument("--limit", type=int, default=50, help="не больше стольких исходных строк (по умолчанию 50)")
    command.add_argument("--json", action="store_true", help="объяснение в формате JSON (для программ)")
