"""Corrections that land: a form written over a landed file under the same name is a new version that
arrived when it was written, never the old version's arrival; arrival records are keyed by content; the
cycle summary says which version of a municipality's form is current and why each other is not."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from shnor import ingest
from shnor.cycle import run_window_in_process
from shnor.run_report import cycle_summary, print_summary
from shnor_core import warehouse
from shnor_core.arrivals import ARRIVALS_FILE, arrival, record_arrival
from shnor_core.lineage import file_sha256
from shnor_core.settings import DataHome
from shnor_core.sources import SUBMISSION, landing_folder
from tests.workbooks import MONITORING_ID, form_values, write_submission

MAILED = datetime(2025, 6, 3, 10, 0)  # the first version, brought by the mail fetcher (in the window)


def _files(home: DataHome):
    return warehouse.query(home.warehouse, f"select source_file, source_sha256, received_at, status "
                                           f"from {warehouse.FILES_TABLE} order by received_at")


@pytest.fixture
def home_with_mailed_form(tmp_path):
    home = DataHome(tmp_path / "home")
    landing = landing_folder(home, SUBMISSION, MONITORING_ID)
    landing.mkdir(parents=True)
    first = write_submission(landing / "Абинский.xlsx", "МО Абинский район", form_values())
    record_arrival(landing, first.name, MAILED, "почта")
    ingest.load_reference(home)
    ingest.ingest_submissions(home, MONITORING_ID)
    ingest.validate_pending(home)
    return home, first


def test_a_correction_written_over_the_landed_file_is_a_new_later_version(home_with_mailed_form):
    home, landed = home_with_mailed_form
    first_sha = file_sha256(landed)
    write_submission(landed, "МО Абинский район", form_values(MNC_2=[0, 0]))  # corrected, same name, by hand
    summary = ingest.ingest_submissions(home, MONITORING_ID)
    ingest.validate_pending(home)
    files = _files(home)
    assert list(files["source_sha256"]) == [first_sha, file_sha256(landed)]  # two versions, by arrival
    assert list(files["status"]) == ["accepted", "accepted"]
    assert files["received_at"].iloc[0] == MAILED
    assert files["received_at"].iloc[1] > MAILED  # when it was written over, not the mailed version's time
    assert summary["new"] == 1 and "not_current" not in summary


def test_arrivals_are_kept_per_content_not_per_name(tmp_path):
    landing = tmp_path / "landing"
    landing.mkdir()
    path = write_submission(landing / "Абинский.xlsx", "МО Абинский район", form_values())
    first = file_sha256(path)
    record_arrival(landing, path.name, MAILED, "почта")
    write_submission(path, "МО Абинский район", form_values(MNC_2=[0, 0]))
    assert arrival(path)[1] == "landing"  # the new content has no record: it arrived when written
    record_arrival(landing, path.name, datetime(2025, 6, 4, 9, 30), "страница приёма форм: abinsk")
    entries = json.loads((landing / ARRIVALS_FILE).read_text(encoding="utf-8"))
    assert set(entries) == {first, file_sha256(path)}
    assert entries[first]["received_at"] == "2025-06-03T10:00:00.000000" and entries[first]["file"] == path.name
    assert arrival(path) == (datetime(2025, 6, 4, 9, 30), "страница приёма форм: abinsk")


@pytest.mark.slow
def test_the_cycle_summary_says_which_version_is_current_and_why(home_with_mailed_form, capsys):
    """Абинский: mailed (accepted), then a refused one, then a correction written over the first file."""
    home, landed = home_with_mailed_form
    landing = landed.parent
    refused = write_submission(landing / "Абинский 2.xlsx", "МО Абинский район", form_values(MNC_2=[2, 1]))
    record_arrival(landing, refused.name, datetime(2025, 6, 4, 12, 0), "почта")
    write_submission(landed, "МО Абинский район", form_values(MNC_2=[0, 0]))
    run_window_in_process(home, MONITORING_ID, reports=False)
    summary = cycle_summary(home, MONITORING_ID, 1.0, home.root / "log")
    [abinsk] = summary["versions"]
    assert "Абинский" in abinsk["municipality"]
    versions = abinsk["versions"]
    assert [(v["file"], v["status"], v["current"]) for v in versions] == [
        ("Абинский.xlsx", "accepted", False), ("Абинский 2.xlsx", "rejected", False), ("Абинский.xlsx", "accepted", True)]
    assert versions[0]["why"] == "заменена: позже поступила «Абинский.xlsx»"
    assert versions[1]["why"] == "отклонена проверкой; действует «Абинский.xlsx»"
    assert versions[2]["why"] == "действующая: последняя принятая по времени поступления"
    print_summary(summary)
    assert "→ Абинский.xlsx" in capsys.readouterr().out
