"""The honest baseline (benchmarks/pandas_baseline.py) is a baseline only if it computes what we compute: on the
demo region's files, every mart it builds equals ours (same rows, values within 1e-9, order aside), every mart
the reports read is either built by it or declared not reproduced (the letter, roadmaps, people, the computed
list: the notes take those frames from ours), the notes composed from its frames are ours block for block (charts
compared by the data they are drawn from), and its pandas checks stand for every expectation of our GX suites."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from benchmarks import pandas_baseline
from reports import charts
from reports.document import Figure
from reports.municipal_note import municipal_note
from reports.provenance import provenance
from reports.regional_note import CycleMarts, regional_note
from shnor_core.settings import EXPECTATIONS_DIR, PROJECT_ROOT, DataHome
from tests.workbooks import MONITORING_ID


@pytest.fixture(scope="module")
def baseline(sample_cycle):
    sources, reference = pandas_baseline.read_and_validate(sample_cycle, [MONITORING_ID])
    return sources, reference, pandas_baseline.build_marts(sources, reference)


def test_every_baseline_mart_equals_ours(sample_cycle, baseline):
    sources, _, marts = baseline
    # 44 forms + 9 school sources (ОО-1, registry, 3 results files, 2 lists, 2 curator files)
    assert set(sources.files["status"]) == {"accepted"} and len(sources.files) == 53
    assert set(marts) == set(pandas_baseline.REPRODUCED_MARTS)
    differences = pandas_baseline.compare_with_warehouse(marts, sample_cycle.warehouse, [MONITORING_ID])
    assert {name: found for name, found in differences.items() if found} == {}
    for name in ("mart_indicator_scores", "mart_school_identification", "mart_submission_status"):
        assert len(marts[name]) > 40, name  # compared on real rows, not on empty frames


def test_baseline_builds_or_declares_every_mart_the_reports_read(baseline):
    """Every mart a report of a municipal form's cycle reads is either computed by the baseline or declared as not
    reproduced (with what it is), never both: the benchmark then compares data stages only on what the baseline
    computes. The report of other kinds of window is no part of that cycle (nothing of the cycle imports it)."""
    _, _, marts = baseline
    for path in (PROJECT_ROOT / "reports").glob("*.py"):
        for other in pandas_baseline.OTHER_WINDOW_REPORTS:
            assert path.name == other or Path(other).stem not in path.read_text(encoding="utf-8"), path.name
    read = {name for path in (PROJECT_ROOT / "reports").glob("*.py") if path.name not in pandas_baseline.OTHER_WINDOW_REPORTS
            for name in re.findall(r"(?:marts\.|[\"'])((?:mart|dim|fct)_[a-z0-9_]+)", path.read_text(encoding="utf-8"))}
    declared = set(pandas_baseline.NOT_REPRODUCED)
    assert read and read <= set(marts) | declared, sorted(read - set(marts) - declared)
    assert not declared & set(marts) and all(pandas_baseline.NOT_REPRODUCED.values())


def _record_charts(monkeypatch) -> list:
    """Charts replaced by a record of what they would draw (names, values, titles), in call order."""
    drawn = []

    def recorder(kind):
        def draw(path, *args, **kwargs):
            drawn.append((kind, Path(path).name, _rounded(args), _rounded(kwargs)))
            return path
        return draw

    for name in ("shares_by_name", "distribution", "changes", "shares_against_region", "beside_region", "heatmap"):
        monkeypatch.setattr(charts, name, recorder(name))
    return drawn


def _rounded(value):
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_rounded(item) for item in value]
    return value


def _blocks(document) -> tuple:
    return (document.title, document.subtitle, document.footer, document.mark,
            [("figure", block.caption) if isinstance(block, Figure) else (type(block).__name__, dataclasses.asdict(block))
             for block in document.blocks])


def test_notes_from_the_baseline_are_ours(sample_cycle, baseline, monkeypatch, tmp_path):
    _, reference, marts = baseline
    drawn = _record_charts(monkeypatch)
    ours, origin = CycleMarts(sample_cycle, MONITORING_ID), provenance(sample_cycle, MONITORING_ID)
    theirs = pandas_baseline.BaselineMarts(sample_cycle, MONITORING_ID, marts, reference, borrowed=ours)
    their_origin = dataclasses.replace(pandas_baseline.provenance_of(marts, MONITORING_ID), generated_at=origin.generated_at)
    assert their_origin.counts() == origin.counts() and their_origin.files_table() == origin.files_table()

    def compose(marts_, origin_):
        drawn.clear()
        notes = [_blocks(regional_note(marts_, origin_))]
        notes += [_blocks(municipal_note(marts_, origin_, oktmo)) for oktmo in origin.submissions["municipality_oktmo"]]
        return notes, list(drawn)

    (our_notes, our_charts), (their_notes, their_charts) = compose(ours, origin), compose(theirs, their_origin)
    # the regional note's totals, distribution and sections heatmap; each municipality's presence and counts charts
    # (no previous cycle in the demo: no chart of changes)
    assert len(our_notes) == 45 and len(our_charts) == 3 + 44 + 44
    for ours_note, their_note in zip(our_notes, their_notes):
        assert ours_note == their_note, ours_note[0]
    assert our_charts == their_charts


def test_baseline_checks_stand_for_every_expectation_of_our_suites():
    def key(kwargs):
        if "column_list" in kwargs:
            return tuple(kwargs["column_list"])
        if "column_A" in kwargs:
            return (kwargs["column_A"], kwargs["column_B"])
        return kwargs["column"]

    # every suite is of a kind the baseline reads, or of a kind it declares it never reads
    assert {path.stem for path in EXPECTATIONS_DIR.glob("*.json")} == \
        set(pandas_baseline.SUITE_FRAMES) | set(pandas_baseline.SUITES_NOT_READ)
    suites = Counter((path.stem, e["type"], key(e["kwargs"])) for path in EXPECTATIONS_DIR.glob("*.json")
                     if path.stem not in pandas_baseline.SUITES_NOT_READ
                     for e in json.loads(path.read_text(encoding="utf-8"))["expectations"])
    rules = Counter((rule.suite, rule.expectation, rule.columns[0] if len(rule.columns) == 1 or rule.columns[0] == "value"
                     else tuple(rule.columns)) for rule in pandas_baseline.RULES)
    assert rules == suites


def test_a_form_breaking_a_rule_is_refused_and_counted(sample_cycle, tmp_path):
    home = DataHome(tmp_path / "home")
    shutil.copytree(sample_cycle.landing, home.landing)
    form = sorted((home.landing / "submissions" / MONITORING_ID).glob("*.xlsx"))[0]
    workbook = openpyxl.load_workbook(form)
    sheet = workbook.active
    cell = next(row[2] for row in sheet.iter_rows(min_row=8) if row[2].value in (0, 1))
    cell.value = 2  # a presence sub-item must be 0 or 1
    workbook.save(form)
    sources, reference = pandas_baseline.read_and_validate(home, [MONITORING_ID])
    refused = sources.files[sources.files["status"] == "rejected"]
    assert list(refused["source_file"]) == [form.name]
    assert sources.problems[refused["source_sha256"].iloc[0]] == ["expect_column_values_to_be_in_set: value"]
    status = pandas_baseline.build_marts(sources, reference)["mart_submission_status"]
    row = status[(status["monitoring_id"] == MONITORING_ID) & (status["current_file"].isna())
                 & (status["submission_status"] == "rejected")]
    assert len(row) == 1 and int(row["versions_rejected"].iloc[0]) == 1
