"""Issue 32, Done-when: every figure of a municipal note carries a reference that ``shnor explain`` resolves — each
row of its tables, each recommendation and cusp school, each chart (under its caption) and each paragraph that
states a number — on the demo cycle (tests/shared_cycle.py). The figures of the form marts are recomputed from
their cells in tests/test_explain.py; here every other reference is resolved to its mart row, which must hold
the printed figure, and walked back to source rows of the note's own municipality."""

from __future__ import annotations

import re

import duckdb
import openpyxl
import pytest

from reports.document import Bullets, Figure, Paragraph, Table, count, number, percent, ru_date
from reports.municipal_note import municipal_note
from reports.provenance import provenance
from reports.regional_note import CycleMarts, regional_note
from reports.summary_workbook import write_summary_workbook
from reports.wording import headers, say
from shnor.explain import Resolver, load_manifest
from shnor_core.lineage import printed_reference
from tests.shared_cycle import copy_of_sample_cycle

pytestmark = pytest.mark.slow

ABINSK = "03601000"  # the demo's first municipality
# a number that is not a year («2024–2025»), a section's number («1. ») or part of a name («СОШ № 22») or a mark («2»)
FIGURE = re.compile(r"(?<![№\d«])(?<!№ )(?<!№\u00a0)\b(?!(?:19|20)\d\d\b)\d+(?:,\d+)?\b(?!\.\s)")


@pytest.fixture(scope="module")
def cycle(tmp_path_factory):
    home, _ = copy_of_sample_cycle(tmp_path_factory, "every_figure")
    con = duckdb.connect(str(home.warehouse), read_only=True)
    yield home, con, Resolver(con, load_manifest(home))
    con.close()


def _figures(note) -> list[tuple[str, object, str | None]]:
    """Each place of the note that prints a figure: (kind, what it prints, its references or None)."""
    abbreviations = headers("common.abbreviations_columns")
    found = []
    for block in note.blocks:
        if isinstance(block, Table) and block.columns != abbreviations:
            refs = block.refs or [None] * len(block.rows)
            found += [("row", row, ref) for row, ref in zip(block.rows, refs, strict=True)]
        elif isinstance(block, Bullets):
            refs = block.refs or [None] * len(block.items)
            found += [("item", item, ref) for item, ref in zip(block.items, refs, strict=True)]
        elif isinstance(block, Figure):
            found.append(("figure", block.caption, block.ref))
        elif isinstance(block, Paragraph) and (block.ref or FIGURE.search(block.text)):
            found.append(("paragraph", block.text, block.ref))
    return found


def _printed(row: dict, mart: str) -> list[str]:
    """Figures of the mart row as the note formats them: the note's text or row shows one of them."""
    if mart == "fct_assessment_results":
        return [count(row["participants"]), percent(row["low_result_share"])]
    if mart == "mart_roadmap_status":
        return [ru_date(row["due_date"])]
    if mart == "mart_school_people":
        return [str(int(row["teachers"])), percent(row["development_share"])]
    if mart == "mart_roadmap_completion":  # its paragraphs: the plan, the due dates
        return [count(row["activities_planned"]), count(row["due_dates_passed"])]
    if mart == "mart_municipality_people":  # its paragraphs: the teams, the curators, the mentors
        return [count(row["shnor_schools"]), count(row["project_500_schools"]), count(row["mentors_registered"])]
    if mart == "mart_shnor_municipality_lists":  # one row, three kinds of paragraph: see _printed_together
        return [figure for together in _printed_together(row) for figure in together]
    if mart == "mart_submission_status":
        return [count(row["versions_received"])]
    return []


def _printed_together(row: dict) -> list[tuple[str, ...]]:
    """The paragraphs one row of mart_shnor_municipality_lists gives a municipal note, each by every figure it
    prints: the lists side by side, each methodology's moves, the computed list (a year without the block: left out)."""
    kinds = (("federal_schools", "regional_schools", "in_both"),
             ("federal_stayed", "federal_entered", "federal_left_list"),
             ("regional_stayed", "regional_entered", "regional_left_list"),
             ("computed_on_list", "computed_kept_by_exit_rule", "cusp_schools"))
    return [tuple(count(row[c]) for c in columns) for columns in kinds if all(row[c] is not None for c in columns)]


def test_every_figure_of_a_municipal_note_carries_a_reference_that_resolves(cycle):
    home, con, resolver = cycle
    note = municipal_note(CycleMarts(home, "mph-2025"), provenance(home, "mph-2025"), ABINSK)
    figures = _figures(note)
    unreferenced = [(kind, what) for kind, what, ref in figures if not ref]
    assert not unreferenced, f"figures without a reference: {unreferenced}"
    resolved: dict[str, int] = {}
    for kind, what, refs in figures:
        text = " ".join(what) if isinstance(what, list) else what
        for ref in refs.split():  # a row of two years, a chart of several rows: several references
            mart, key = resolver.parse(ref)
            explanation = resolver.explain(mart, key, municipality=ABINSK, limit=5)
            assert explanation.printed_reference == ref
            assert explanation.sources or explanation.files, f"{kind} «{text[:60]}»: {ref} reaches no source row"
            assert explanation.hidden_sources == 0 or mart == "mart_roadmap_completion", ref  # a region's share
            printed = _printed(explanation.row, mart)  # the form marts' figures: tests/test_explain.py
            if kind != "figure" and printed and FIGURE.search(text):  # «№ 7 …» names, counts nothing
                assert any(figure in text for figure in printed), (text, mart, key)
            if mart == "mart_shnor_municipality_lists":  # the paragraph shows all the figures of one of its kinds
                assert any(all(f in text for f in together) for together in _printed_together(explanation.row)), text
            resolved[mart] = resolved.get(mart, 0) + 1
    print(f"\nreferences of Abinsk's note resolved: {resolved}")
    # the demo's Abinsk: three ШНОР (their rows in the identification, people and — with their results — the
    # results table), its roadmap's late and missing activities, its form and every indicator
    assert {"fct_assessment_results", "mart_roadmap_status", "mart_school_people", "mart_municipality_people",
            "mart_roadmap_completion", "mart_submission_status", "mart_municipality_totals",
            "mart_indicator_scores", "mart_recommendation", "mart_school_identification"} <= set(resolved)
    assert resolved["mart_school_identification"] == resolved["mart_school_people"] == 3


# a group reference (a region's sum, a year's row): the columns whose sum over the rows it names the note prints
GROUP_SUMS = {"mart_municipality_context": ("schools", "pupils_total", "pupils_ovz"),
              "mart_mentoring_coverage": ("listed_schools", "schools_without_mentor"),
              "mart_shnor_municipality_lists": ("computed_on_list", "computed_identified", "computed_entered",
                                                "computed_exited", "cusp_schools", "federal_stayed", "federal_entered",
                                                "federal_left_list", "regional_stayed", "regional_entered",
                                                "regional_left_list", "federal_schools", "regional_schools", "in_both",
                                                "has_no_federal_listed_school"),
              "mart_municipality_people": ("shnor_schools", "project_500_schools", "teachers", "post_project_schools"),
              "mart_roadmap_completion": ("has_roadmap", "due_dates_passed", "missing"),
              "mart_row_accounting": ("rows_read",)}


def _group_figures(explanation) -> list[str]:
    """The figures a group reference's rows give, by the rule the note sums or averages them with."""
    rows = explanation.group
    if explanation.mart == "mart_indicator_scores":  # the region's mean of the municipalities' scores
        scores = [r["score"] for r in rows if r["score"] is not None]
        return [number(sum(scores) / len(scores)), number(rows[0]["max_score"], 0)]
    if explanation.mart == "mart_submission_status":  # the forms expected (a row per municipality), the window
        return [count(len(rows)), f"{ru_date(rows[0]['window_open'])} – {ru_date(rows[0]['window_close'])}"]
    return [count(sum(r[c] or 0 for r in rows)) for c in GROUP_SUMS.get(explanation.mart, ())]


def test_every_figure_of_the_regional_note_carries_a_reference_that_resolves(cycle):
    """The regional note: every place that prints a figure — rows, paragraphs, items, charts — carries a reference;
    all of them, resolved in one batch, reach source rows or files, or say why they have none (a dbt var, a text
    seed); a region's sum names its rows, which give the printed figure; a rule counting schools on a list names
    the list rows it counted (their number is the rule's value) or, counting none, the list files read."""
    home, con, resolver = cycle
    note = regional_note(CycleMarts(home, "mph-2025"), provenance(home, "mph-2025"))
    figures = _figures(note)
    unreferenced = [(kind, str(what)[:80]) for kind, what, ref in figures if not ref]
    assert not unreferenced, f"figures without a reference: {unreferenced}"
    explained = resolver.resolve([ref for _, _, refs in figures for ref in refs.split()], limit=1)
    named, groups, lists = set(), 0, 0
    for kind, what, refs in figures:
        text = " ".join(what) if isinstance(what, list) else what
        printed = []
        for ref in refs.split():
            explanation = explained[ref]
            assert explanation.printed_reference == ref
            assert explanation.sources or explanation.files or explanation.not_walked, (kind, text[:60], ref)
            named.add(explanation.mart)
            if explanation.group:
                groups += 1
                printed += _group_figures(explanation)
            for counted in explanation.lists:  # the rule's value is the number of list rows it names
                lists += 1
                assert counted["counted"] == len(counted["schools"]), (ref, counted)
                assert counted["schools"] or counted["files_read"], ref
            if explanation.mart == "mart_recommendation" and explanation.lists and not explanation.group:
                assert explanation.rule["decided"]["rule_value"] == sum(c["counted"] for c in explanation.lists)
        if printed and kind != "figure":
            assert any(figure in text for figure in printed), (text[:200], refs, printed)
    assert {"mart_municipality_totals", "mart_roadmap_completion", "mart_municipality_people", "mart_shnor_municipality_lists",
            "mart_shnor_list_status", "mart_recommendation", "mart_roadmap_activities", "mart_submission_status",
            "mart_indicator_scores", "mart_mentoring_coverage", "mart_row_accounting",
            "mart_regional_list_comparison", "mart_letter_thresholds", "mart_report_texts"} <= named
    assert groups and lists
    print(f"\nfigures of the regional note: {len(figures)}, each with a reference; references resolved: "
          f"{len(explained)} (groups of rows: {groups}; lists counted: {lists})")


def test_every_score_of_the_summary_workbook_has_its_reference(cycle):
    """The summary workbook: each score's reference at the same address on the sheet «Ссылки» resolves to the
    mart row holding that score; each row of «Сдача форм» ends with its municipality's submission row."""
    home, con, resolver = cycle
    book = openpyxl.load_workbook(write_summary_workbook(home, "mph-2025"), read_only=False)
    scores, refs, status = book["Сводка"], book["Ссылки"], book["Сдача форм"]
    held = {printed_reference("mart_indicator_scores", [m, o, i]): (o, score) for m, o, i, score in con.execute(
        "select monitoring_id, municipality_oktmo, indicator_code, score from marts.mart_indicator_scores "
        "where monitoring_id = 'mph-2025'").fetchall()}
    cells = [(row[1].value, cell) for row in scores.iter_rows(min_row=7) for cell in row[2:]
             if isinstance(cell.value, (int, float))]
    for oktmo, cell in cells:  # every score: the row its reference names holds it
        assert held[refs[cell.coordinate].value] == (oktmo, pytest.approx(cell.value)), cell.coordinate
    for oktmo, cell in cells[:: len(cells) // 8]:  # and shnor explain finds that row by the reference alone
        mart, key = resolver.parse(refs[cell.coordinate].value)
        assert resolver.explain(mart, key, limit=1).row["score"] == pytest.approx(cell.value)
    assert len(cells) == con.execute("select count(*) from marts.mart_indicator_scores where monitoring_id = 'mph-2025' "
                                  "and score is not null").fetchone()[0]
    titles = [cell.value for cell in status[1]]
    column = titles.index(say("export.reference_title"))
    for row in status.iter_rows(min_row=2, values_only=True):
        if row[0] and row[column]:
            mart, key = resolver.parse(row[column])
            assert mart == "mart_submission_status" and resolver.explain(mart, key, limit=1).row[
                "municipality_name"] == row[0]
    book.close()
