"""The GX suites, stored as files in expectations/, on frames with known faults."""

from __future__ import annotations

import pandas as pd

from ingestion.submission_reader import read_submission
from shnor.validation import load_suite_definition, split_by_file, validate_files, validate_frame
from shnor_core.settings import EXPECTATIONS_DIR
from tests.workbooks import MONITORING_ID, form_values, write_submission


def test_one_suite_file_per_raw_table():
    assert sorted(p.stem for p in EXPECTATIONS_DIR.glob("*.json")) == [
        "raw_assessment_results", "raw_mentor_assignments", "raw_oo1_context", "raw_people_registry",
        "raw_professional_development", "raw_roadmap_items", "raw_roadmap_reports", "raw_school_lists", "raw_schools",
        "raw_submission_values"]
    for name in sorted(p.stem for p in EXPECTATIONS_DIR.glob("*.json")):
        suite = load_suite_definition(name)
        assert suite["name"] == name
        assert all(e["meta"]["rule"] for e in suite["expectations"])


def test_out_of_range_presence_is_caught_with_its_cell(tmp_path, form, municipalities):
    path = write_submission(tmp_path / "f.xlsx", "МО Абинский район", form_values(MNC_2=[2, 1], MPH_10=[-3]))
    rows = read_submission(path, form, MONITORING_ID, municipalities).rows

    outcome = validate_frame(rows, "raw_submission_values")

    assert not outcome.success
    errors = {(e["indicator"], e["rule"]) : e for e in outcome.cell_errors}
    presence = errors[("MNC-2", "балл наличия должен быть 0 или 1")]
    assert presence["value"] == "2" and presence["cell"] == rows.loc[rows["indicator_code"] == "MNC-2", "source_cell"].iloc[0]
    assert ("MPH-10", "количество должно быть целым числом от 0 до 100000") in errors


def test_clean_submission_passes(tmp_path, form, municipalities):
    path = write_submission(tmp_path / "f.xlsx", "МО Абинский район", form_values())
    outcome = validate_frame(read_submission(path, form, MONITORING_ID, municipalities).rows, "raw_submission_values")
    assert outcome.success, outcome.cell_errors


def test_a_run_over_many_files_splits_into_one_result_per_file(tmp_path, form, municipalities):
    """Data Docs show each file's own validation: its rows, the rules it broke, examples of its values."""
    good = read_submission(write_submission(tmp_path / "a.xlsx", "МО Абинский район", form_values()), form,
                           MONITORING_ID, municipalities).rows
    bad = read_submission(write_submission(tmp_path / "b.xlsx", "г. Геленджик", form_values(MNC_2=[2, 1], MNC_3=[1, 3, 1])),
                          form, MONITORING_ID, municipalities).rows
    good, bad = good.assign(source_sha256="a" * 64), bad.assign(source_sha256="b" * 64)
    outcomes, result = validate_files(pd.concat([good, bad], ignore_index=True), "raw_submission_values")
    assert outcomes["a" * 64].success and not outcomes["b" * 64].success

    parts = {entry["source_sha256"][0]: (entry, single) for entry, single in split_by_file(result)}
    assert set(parts) == {"a", "b"}
    entry, single = parts["b"]
    assert entry["source_file"] == "b.xlsx" and entry["rows"] == len(bad)
    presence = next(item for item in single["results"] if item["expectation_config"]["description"]
                    == "Балл наличия должен быть 0 или 1 (столбец value)")
    assert not presence["success"]
    assert presence["result"]["unexpected_count"] == 2 and presence["result"]["element_count"] == len(bad)
    assert sorted(presence["result"]["partial_unexpected_list"]) == [2.0, 3.0]
    positions = presence["result"]["unexpected_index_list"]  # rows of this file, counted within it
    assert sorted(bad.iloc[positions]["indicator_code"]) == ["MNC-2", "MNC-3"]
    assert not single["success"] and single["statistics"]["unsuccessful_expectations"] == 1
    entry, single = parts["a"]
    assert single["success"] and single["statistics"]["successful_expectations"] == len(single["results"]) == 7
    assert all(item["result"].get("unexpected_count", 0) == 0 for item in single["results"])


def test_every_expectation_is_described_by_its_rule():
    suite = load_suite_definition("raw_schools")
    assert all(e["description"].startswith(e["meta"]["rule"][:1].upper() + e["meta"]["rule"][1:]) for e in suite["expectations"])
