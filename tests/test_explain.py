"""Issue 32: any figure back to the cells it came from, on the demo cycle (tests/shared_cycle.py).

Every mart is either walked back to raw (shnor.explain.WALKS) or named with the reason it cannot be
(NOT_WALKED); a sample of the rows of every walked mart reaches raw rows, and a form's cells are read back from
the archived workbook itself (openpyxl) to hold the value raw has; a figure of the form marts is recomputed from
the cells by the documented rule (macros/form_scores.sql); a recommendation names its rule, threshold and values;
a school's rows that reached no mart are explained; the page shows a municipal login its own sources only."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import docx
import duckdb
import openpyxl
import pypdfium2 as pdfium
import pytest

from reports.document import count, number, percent
from reports.docx_writer import write_docx
from reports.mart_export import SHEETS, write_mart_export
from reports.municipal_note import municipal_note
from reports.pdf_writer import write_pdf
from reports.provenance import provenance
from reports.regional_note import CycleMarts
from reports.wording import say
from shnor.cli import main
from shnor.explain import (
    NOT_WALKED,
    WALKS,
    ExplainError,
    NotYours,
    Resolver,
    explain_school,
    load_manifest,
    marts,
    reference,
)
from shnor_core.lineage import printed_reference
from shnor_core.text import typed_number
from tests.shared_cycle import copy_of_sample_cycle
from tests.web_support import client_for, make_app

pytestmark = pytest.mark.slow

ABINSK = "03601000"  # the demo's first municipality (tests/web_support: account «abinsk»)
GELENDZHIK = "03708000"
SAMPLE = 5
# the demo has no Crimea files: the rows of Crimea's two-year window (seed 003) count no school
NOTHING_COUNTED = {"mart_shnor_list_dynamics": ("previous_schools", "current_schools")}


@pytest.fixture(scope="module")
def cycle(tmp_path_factory):
    home, _ = copy_of_sample_cycle(tmp_path_factory, "explain")
    con = duckdb.connect(str(home.warehouse), read_only=True)
    yield home, con, Resolver(con, load_manifest(home))
    con.close()


def _sample(con, mart: str, columns: tuple[str, ...]) -> list[dict]:
    """Up to SAMPLE rows spread over the mart, by its key: the first, the last and some between."""
    rows = con.execute(f"select {', '.join(columns)} from marts.{mart} order by {', '.join(columns)}").fetchall()
    if not rows:
        return []
    step = max(1, len(rows) // SAMPLE)
    picked = rows[::step][:SAMPLE - 1] + [rows[-1]]
    return [dict(zip(columns, row, strict=True)) for row in picked]


def test_every_mart_is_walked_or_says_why(cycle):
    home, con, resolver = cycle
    known = marts(con)
    assert set(known) == set(WALKS) | set(NOT_WALKED), "a new mart needs a walk back (WALKS) or a reason"
    assert not set(WALKS) & set(NOT_WALKED)
    bridged = {row[0] for row in con.execute("select distinct mart_name from marts.fct_source_rows").fetchall()}
    assert bridged <= {mart for mart, walk in WALKS.items() if walk.bridge}
    for mart, walk in WALKS.items():
        for via in walk.via:  # a walk follows dbt's own graph, never a guess
            assert _related(resolver, mart, via.mart), f"{mart} and {via.mart} are not computed from one another"
            columns = {row[0] for row in con.execute(
                "select column_name from information_schema.columns where table_schema = 'marts' and table_name = ?",
                [via.mart]).fetchall()}
            assert {part.split("=")[-1] for part in via.on} <= columns


def _related(resolver: Resolver, mart: str, other: str) -> bool:
    """One is computed from the other, or both from one intermediate model."""
    mine, theirs = ({node.split(".")[-1] for node in resolver.ancestors(name)} for name in (mart, other))
    return other in mine or mart in theirs or any(name.startswith("int_") for name in mine & theirs)


def test_sample_rows_of_every_mart_walk_back_to_a_cell(cycle):
    home, con, resolver = cycle
    empty, reached = [], {}
    for mart, columns in marts(con).items():
        if mart in NOT_WALKED:
            continue
        sample = _sample(con, mart, columns)
        if not sample:
            empty.append(mart)
            continue
        found = 0
        for key in sample:
            explanation = resolver.explain(mart, key, limit=20)
            assert explanation.reference == reference(mart, list(key.values()))
            expected = (mart, {c: "" if v is None else str(v) for c, v in key.items()})
            assert resolver.parse(explanation.reference) == expected
            assert resolver.parse(explanation.printed_reference) == expected
            found += bool(explanation.sources or explanation.files)
            for source in explanation.sources:
                assert source.cells, f"{mart} {key}: {source.source_row_id} is in no raw table"
                assert all(cell["values"] for cell in source.cells)
                assert source.file and len(source.sha256) == 64 and source.received_at
                if source.kind == "submission":  # a form: the cell named holds the value raw has
                    for cell in source.cells:
                        assert _workbook_value(con, source.sha256, source.sheet, cell["cell"]) == \
                               cell["values"].get("raw_value")
            if WALKS[mart].file:
                assert all(f["source_sha256"] for f in explanation.files)
        reached[mart] = found
        if not found:  # a row of counts with nothing counted has no source row: only Crimea's window of the demo
            assert mart in NOTHING_COUNTED and con.execute(
                f"select max({' + '.join(NOTHING_COUNTED[mart])}) from marts.{mart}").fetchone()[0] == 0, mart
    print(f"\nwalked back: {len(reached)} marts; empty in the demo cycle: {', '.join(sorted(empty))}")
    # the demo's one window is a municipal form: the school-form, computed and two-year windows' marts are empty
    assert "mart_indicator_scores" in reached and "fct_assessment_results" in reached and "dim_school" in reached


def _workbook_value(con, sha256: str, sheet: str, cell: str) -> str:
    path = con.execute("select archived_path from raw.files where source_sha256 = ?", [sha256]).fetchone()[0]
    value = _sheet_cells(path, sheet).get(cell)
    return "" if value is None else str(int(value) if isinstance(value, float) and value.is_integer() else value)


@cache
def _sheet_cells(path: str, sheet: str) -> dict:
    """An archived workbook's sheet read once: its cells by address (openpyxl, not our reader)."""
    book = openpyxl.load_workbook(Path(path), read_only=True, data_only=True)
    try:
        return {cell.coordinate: cell.value for row in book[sheet].iter_rows() for cell in row
                if getattr(cell, "coordinate", None) and cell.value is not None}
    finally:
        book.close()


def _cells(explanation) -> list[dict]:
    return [cell["values"] for source in explanation.sources for cell in source.cells]


def _unit_scores(cells: list[dict]) -> dict:
    """The documented rule (macros/form_scores.sql): a unit's score is the sum of its sub-items, a «*» item 0."""
    units: dict = {}
    for cell in cells:
        unit = (cell["indicator_code"], cell["unit_label"])
        units[unit] = units.get(unit, 0.0) + (cell.get("value") or 0.0)
    return units


def _indicator_scores(cells: list[dict]) -> dict:
    """An indicator's score is the mean over the units scored."""
    by_indicator: dict = {}
    for (indicator, _), score in _unit_scores(cells).items():
        by_indicator.setdefault(indicator, []).append(score)
    return {indicator: sum(scores) / len(scores) for indicator, scores in by_indicator.items()}


def test_form_figures_are_their_cells_put_through_the_rule(cycle):
    """Abinsk's indicator, section and total of the demo window, from the cells the explanation names."""
    home, con, resolver = cycle
    for indicator, score in con.execute("select indicator_code, score from marts.mart_indicator_scores "
                                        "where monitoring_id = 'mph-2025' and municipality_oktmo = ?",
                                        [ABINSK]).fetchall():
        explanation = resolver.explain("mart_indicator_scores",
                              {"monitoring_id": "mph-2025", "municipality_oktmo": ABINSK, "indicator_code": indicator},
                              limit=1000)
        assert explanation.sources_total == len(explanation.sources)
        assert _indicator_scores(_cells(explanation)) == pytest.approx({indicator: score})
    sections = con.execute("select section_code, section_score from marts.mart_section_scores "
                           "where monitoring_id = 'mph-2025' and municipality_oktmo = ?", [ABINSK]).fetchall()
    for section, section_score in sections:
        explanation = resolver.explain("mart_section_scores", {
            "monitoring_id": "mph-2025", "municipality_oktmo": ABINSK, "section_code": section}, limit=1000)
        cells = _cells(explanation)
        assert {c["section_code"] for c in cells} == {section} and {c["kind"] for c in cells} == {"presence"}
        assert sum(_indicator_scores(cells).values()) == pytest.approx(section_score)
    total, total_max = con.execute("select total_score, total_max from marts.mart_municipality_totals "
                                   "where monitoring_id = 'mph-2025' and municipality_oktmo = ?", [ABINSK]).fetchone()
    explanation = resolver.explain("mart_municipality_totals",
                          {"monitoring_id": "mph-2025", "municipality_oktmo": ABINSK}, limit=1000)
    cells = _cells(explanation)
    assert sum(_indicator_scores(cells).values()) == pytest.approx(total)
    # the maximum: one point per presence sub-item of the form (never the printed «от 0 до N»)
    assert len({(c["indicator_code"], c["item_number"]) for c in cells}) == total_max
    assert [f["source_file"] for f in explanation.files] == ["Мониторинг МНЦ МТКП МО Абинский район.xlsx"]


def test_a_recommendation_names_its_rule_threshold_and_values(cycle):
    home, con, resolver = cycle
    rule, oktmo = con.execute("""select rule_code, municipality_oktmo from marts.mart_recommendation
                                 where monitoring_id = 'mph-2025' and in_letter and threshold_name is not null
                                   and rule_kind = 'threshold' order by rule_code, municipality_oktmo""").fetchone()
    explanation = resolver.explain("mart_recommendation",
                          {"monitoring_id": "mph-2025", "rule_code": rule, "municipality_oktmo": oktmo})
    decided = explanation.rule["decided"]
    assert explanation.rule["seed"]["rule_code"] == rule
    assert decided["threshold_name"] in {t["threshold_name"] for t in explanation.thresholds}
    threshold = next(t for t in explanation.thresholds if t["threshold_name"] == decided["threshold_name"])
    assert decided["threshold_value"] == threshold["threshold_value"] and decided["rule_value"] is not None
    assert explanation.walk[-1].endswith("mart_indicator_unit_scores") and explanation.sources
    assert {s.municipality_oktmo for s in explanation.sources} == {oktmo}
    assert "int_rule_scores (intermediate)" in explanation.chain and explanation.chain[-1].startswith("mart_recommendation")


def test_rows_that_reached_no_mart_are_explained(cycle):
    """The demo's people registry names schools outside support: their rows are accounted with the reason."""
    home, con, resolver = cycle
    school, reason, rows = con.execute("""
        select school_code, reason, cast(count(*) as integer) from lineage.fct_source_row_fates
        where fate <> 'mart' and school_code is not null group by school_code, reason
        order by school_code limit 1""").fetchone()
    fates = explain_school(con, school)
    assert [(f["reason"], f["source_rows"]) for f in fates.not_reached] == [(reason, rows)]
    assert fates.reached  # the school is in the marts by its other rows (registry, ОО-1, results)
    with pytest.raises(ExplainError, match="нет ни одной строки"):
        explain_school(con, "нет-такой-школы")


def test_a_municipal_login_sees_its_own_sources_only(cycle):
    home, con, resolver = cycle
    key = {"monitoring_id": "mph-2025", "municipality_oktmo": GELENDZHIK}
    with pytest.raises(NotYours):
        resolver.explain("mart_municipality_totals", key, municipality=ABINSK)
    region_wide = resolver.explain("mart_roadmap_activities", {
        "monitoring_id": "mph-2025", "activity_code": con.execute(
            "select min(activity_code) from marts.mart_roadmap_activities where monitoring_id = 'mph-2025'"
        ).fetchone()[0]})
    own = resolver.explain(region_wide.mart, region_wide.key, municipality=ABINSK)
    assert {s.municipality_oktmo for s in own.sources} <= {ABINSK}
    assert own.sources_total + own.hidden_sources == region_wide.sources_total and own.hidden_sources > 0


def test_explain_page_and_command(cycle, capsys):
    home, con, resolver = cycle
    ref = reference("mart_municipality_totals", ["mph-2025", GELENDZHIK])
    app = make_app(home)
    region, _ = client_for(app, "region")
    page = region.get("/explain", params={"ref": ref})
    (file,) = con.execute("select source_file from raw.files where municipality_oktmo = ?", [GELENDZHIK]).fetchone()
    assert page.status_code == 200 and file in page.text
    data = region.get("/explain", params={"ref": ref}, headers={"accept": "application/json"}).json()
    assert data["mart"] == "mart_municipality_totals" and data["sources_total"] > 0
    gelendzhik, _ = client_for(app, "gelendzhik")
    assert gelendzhik.get("/explain", params={"ref": ref}).status_code == 200
    abinsk, _ = client_for(app, "abinsk")
    refused = abinsk.get("/explain", params={"ref": ref})
    assert refused.status_code == 403 and "Геленджик" not in refused.text
    assert region.get("/explain", params={"ref": "nothing/1"}).status_code == 404

    assert main(["--home", str(home.root), "explain", ref, "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["reference"] == ref and printed["printed_reference"] == printed_reference(
        "mart_municipality_totals", ["mph-2025", GELENDZHIK])
    assert main(["--home", str(home.root), "explain", printed["printed_reference"], "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["reference"] == ref
    assert main(["--home", str(home.root), "explain", "mart_indicator_scores", "monitoring_id=mph-2025",
                 f"municipality_oktmo={ABINSK}", "indicator_code=MNC-3"]) == 0
    out = capsys.readouterr().out
    assert "лист «Мониторинг»" in out and "ячейка C" in out and "int_indicator_scores (intermediate)" in out
    assert main(["--home", str(home.root), "explain", "indicator_scores/mph-2025"]) == 1
    assert "ключ из 3 значений" in capsys.readouterr().err


def _percent_of(cells: list[dict]) -> float:
    """A section's share: its presence indicators' scores against one point per sub-item."""
    return sum(_indicator_scores(cells).values()) / len({(c["indicator_code"], c["item_number"]) for c in cells})


MEETS = {"below": lambda value, line: value < line, "at_or_above": lambda value, line: value >= line,
         "at_most": lambda value, line: value <= line}


def test_every_figure_of_a_municipal_note_resolves_to_its_cells(cycle, tmp_path):
    """Abinsk's note: each row of its tables and each recommendation carries a reference; each resolves to source
    cells whose values, put through the documented rule, give the printed figure (a section's share, an
    indicator's score and maximum), or — for a recommendation — names the rule whose threshold and comparison
    decide it and the municipality's own cells; the references are printed in the PDF and commented in Word."""
    home, con, resolver = cycle
    note = municipal_note(CycleMarts(home, "mph-2025"), provenance(home, "mph-2025"), ABINSK)
    checked: dict[str, int] = {}
    for block in note.blocks:
        refs = getattr(block, "refs", None)
        if not refs:
            continue
        rows = block.rows if hasattr(block, "rows") else block.items
        for printed, ref in ((p, r) for p, row_refs in zip(rows, refs, strict=True) for r in row_refs.split()):
            mart, key = resolver.parse(ref)
            explanation = resolver.explain(mart, key, municipality=ABINSK, limit=10_000)
            assert explanation.sources and explanation.hidden_sources == 0, ref
            assert explanation.sources_total == len(explanation.sources)
            cells = _cells(explanation)
            if mart == "mart_section_scores":
                assert printed[1] == percent(_percent_of(cells)), ref
            elif mart == "mart_indicator_scores":
                (score,) = _indicator_scores(cells).values()
                assert printed[1] == typed_number(score), ref
                if explanation.row["indicator_kind"] == "presence":
                    assert printed[2] == count(len({c["item_number"] for c in cells})), ref
            elif mart == "mart_recommendation":
                decided = explanation.rule["decided"]
                threshold = {t["threshold_name"]: t["threshold_value"] for t in explanation.thresholds}
                assert decided["threshold_value"] == threshold[decided["threshold_name"]], ref
                meets = MEETS[explanation.row["comparison"]](decided["rule_value"], decided["threshold_value"])
                assert meets == decided["meets_condition"] or explanation.row["combine"] != "mean", ref
                assert {s.municipality_oktmo for s in explanation.sources} == {ABINSK}
            elif mart == "mart_school_identification":  # the ИОР, as the mart holds it from results and ОО-1
                assert printed[2] == number(explanation.row["ior"], 2), ref
                assert {s.kind for s in explanation.sources} >= {"assessment_results", "oo1_context"}, ref
            else:  # the other marts' rows are resolved in tests/test_explain_every_figure.py
                continue
            checked[mart] = checked.get(mart, 0) + 1
    indicators, sections = (con.execute(f"select count(*) from marts.{mart} where monitoring_id = 'mph-2025' "
                                        "and municipality_oktmo = ?", [ABINSK]).fetchone()[0]
                            for mart in ("mart_indicator_scores", "mart_section_scores"))
    assert checked["mart_indicator_scores"] == indicators and checked["mart_section_scores"] == sections
    assert checked["mart_recommendation"] >= 1 and checked["mart_school_identification"] >= 1
    print(f"\nfigures of the note resolved: {checked}")

    pdf = write_pdf(note, tmp_path / "note.pdf")
    text = "".join(page.get_textpage().get_text_range() for page in pdfium.PdfDocument(pdf))
    mnc_3 = printed_reference("mart_indicator_scores", ["mph-2025", ABINSK, "MNC-3"])
    assert mnc_3 in text.replace("\r", "").replace("\n", "")
    assert not re.search(r"\b(MPH|MNC|MTKP)-\d", text), "a reference shows no internal code"
    word = docx.Document(write_docx(note, tmp_path / "note.docx"))
    comments = [comment.text for comment in word.comments]
    assert comments.count(mnc_3) == 1
    assert len(comments) == sum(len([r for r in getattr(b, "refs", None) or [getattr(b, "ref", None)] if r])
                                for b in note.blocks)


def test_every_row_of_the_export_carries_a_reference_that_resolves(cycle):
    home, con, resolver = cycle
    book = openpyxl.load_workbook(write_mart_export(CycleMarts(home, "mph-2025"), provenance(home, "mph-2025")),
                                  read_only=True)
    resolved = 0
    for spec in SHEETS:
        title = say(f"export.sheet_{spec.frame}")
        rows = list(book[title].iter_rows(values_only=True))
        column = rows[0].index(say("export.reference_title"))
        refs = [row[column] for row in rows[1:]]
        assert all(refs), title
        for ref in refs[:: max(1, len(refs) // 3)]:
            mart, key = resolver.parse(ref)
            assert mart == spec.mart and resolver.explain(mart, key, limit=1).printed_reference == ref
            resolved += 1
    book.close()
    print(f"\nreferences of the export resolved: {resolved}")
