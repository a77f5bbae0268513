"""A past window rebuilt on a fresh warehouse from the archive alone gives the same marts."""

from __future__ import annotations

import shutil

import pytest

from sample_region.generator import generate_sample_region
from shnor import warehouse
from shnor.pipeline import run_window_in_process
from shnor.settings import DataHome
from tests.workbooks import MONITORING_ID

pytestmark = pytest.mark.slow

MARTS = {
    "mart_indicator_scores": "select * from marts.mart_indicator_scores order by monitoring_id, municipality_oktmo, indicator_code",
    "mart_submission_status": "select * from marts.mart_submission_status order by monitoring_id, municipality_oktmo",
    "mart_municipality_context": "select * from marts.mart_municipality_context order by data_year, municipality_oktmo",
}


def snapshot(home):
    return {name: warehouse.query(home.warehouse, sql) for name, sql in MARTS.items()}


def test_backfill_from_archive_reproduces_the_marts(tmp_path):
    home = DataHome(tmp_path / "home")
    generate_sample_region(home)
    first = run_window_in_process(home, MONITORING_ID)
    assert first["submissions"]["new"] == 44
    original = snapshot(home)

    home.warehouse.unlink()  # the warehouse is lost ...
    shutil.rmtree(home.landing)  # ... and so is the landing folder: only the archive remains

    again = run_window_in_process(home, MONITORING_ID)
    assert again["submissions"] == {"kind": "submission", "files": 44, "new": 44, "already_known": 0, "read_errors": 0}
    assert again["context"]["new"] == 1
    rebuilt = snapshot(home)
    for name in MARTS:
        assert rebuilt[name].equals(original[name]), name
    assert len(rebuilt["mart_indicator_scores"]) == 44 * 25
