"""The GX suites, stored as files in expectations/, on frames with known faults."""

from __future__ import annotations

from ingestion.submission_reader import read_submission
from shnor.validation import load_suite_definition, validate_frame
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
    assert presence["value"] == "2.0" and presence["cell"] == rows.loc[rows["indicator_code"] == "MNC-2", "source_cell"].iloc[0]
    assert ("MPH-10", "количество должно быть целым числом от 0 до 100000") in errors


def test_clean_submission_passes(tmp_path, form, municipalities):
    path = write_submission(tmp_path / "f.xlsx", "МО Абинский район", form_values())
    outcome = validate_frame(read_submission(path, form, MONITORING_ID, municipalities).rows, "raw_submission_values")
    assert outcome.success, outcome.cell_errors
