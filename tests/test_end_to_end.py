"""One real monitoring cycle: sample region → `airflow dags test` on SQLite → DuckDB marts → report.

Three municipalities' workbooks are replaced by ones whose values are set here by hand, so the
expected scores below are worked out from those values, not read back from the code under test.
"""

from __future__ import annotations

import json

import openpyxl
import pandas as pd
import pytest

from reports.summary_workbook import summary_path
from sample_region.generator import generate_sample_region
from shnor import warehouse
from shnor.airflow_local import run_dag
from shnor.settings import DataHome
from tests.workbooks import MONITORING_ID, form_values, write_submission

pytestmark = pytest.mark.slow

ABINSK, GELENDZHIK, KORENOVSK = "03601000", "03708000", "03621000"


@pytest.fixture(scope="module")
def cycle(tmp_path_factory):
    home = DataHome(tmp_path_factory.mktemp("home"))
    generate_sample_region(home)
    landing = home.submissions_landing(MONITORING_ID)
    # Абинский: everything present except МНЦ-3 item 2 and МТКП-4 items 1-2; 5 ШНОР in events (MPH-8).
    write_submission(landing / "Мониторинг МНЦ МТКП МО Абинский район.xlsx", "МО Абинский район",
                     form_values(presence_default=1, MNC_3=[1, 0, 1], MTKP_4=[0, 0, "да", 1], MPH_8=[5]))
    # Геленджик: nothing present except 4 of 8 items of МНЦ-5 and all 5 of МНЦ-4; 120 participants (MPH-12).
    write_submission(landing / "Мониторинг МНЦ МТКП МО город Геленджик.xlsx", "г. Геленджик",
                     form_values(presence_default=0, MNC_5=[1, 1, 1, 0, 0, 0, 0, 1], MNC_4=[1, 1, 1, 1, "1,0"], MPH_12=[120]))
    # Кореновский: a 2 in a 0/1 cell (МНЦ-2, first item): refused by GX, quarantined, others unaffected.
    write_submission(landing / "Мониторинг МНЦ МТКП МО Кореновский район.xlsx", "МО Кореновский район",
                     form_values(MNC_2=[2, 1]))
    run_dag(home, "shnor_monitoring_cycle", {"monitoring_id": MONITORING_ID})
    return home


def scores(home, oktmo):
    frame = warehouse.query(home.warehouse, "select indicator_code, score, max_score, share_of_max from "
                            "marts.mart_indicator_scores where monitoring_id = ? and municipality_oktmo = ?",
                            [MONITORING_ID, oktmo])
    return {row.indicator_code: (row.score, row.max_score, row.share_of_max) for row in frame.itertuples()}


def test_abinsk_scores_match_hand_computation(cycle):
    abinsk = scores(cycle, ABINSK)
    assert len(abinsk) == 25
    assert abinsk["MNC-3"][:2] == (2.0, 3)  # 1 + 0 + 1 of 3 sub-items; the form prints "от 0 до 2"
    assert abinsk["MNC-3"][2] == pytest.approx(2 / 3)
    assert abinsk["MTKP-4"][:3] == (2.0, 4, 0.5)  # 0 + 0 + "да" + 1
    assert abinsk["MNC-5"][:3] == (8.0, 8, 1.0)
    assert abinsk["MPH-1"][:3] == (1.0, 1, 1.0)
    assert abinsk["MPH-8"][0] == 5.0 and pd.isna(abinsk["MPH-8"][1])  # a count has no maximum


def test_gelendzhik_scores_match_hand_computation(cycle):
    gelendzhik = scores(cycle, GELENDZHIK)
    assert gelendzhik["MNC-5"][:3] == (4.0, 8, 0.5)
    assert gelendzhik["MNC-4"][:3] == (5.0, 5, 1.0)  # four 1s and one "1,0"
    assert gelendzhik["MTKP-2"][:3] == (0.0, 3, 0.0)
    assert gelendzhik["MPH-12"][0] == 120.0


def test_bad_municipality_is_quarantined_and_does_not_block_others(cycle):
    assert scores(cycle, KORENOVSK) == {}
    municipalities = warehouse.query(cycle.warehouse, "select count(distinct municipality_oktmo) as n "
                                     "from marts.mart_indicator_scores").iloc[0]["n"]
    assert municipalities == 43
    files = warehouse.query(cycle.warehouse, "select source_sha256, status from raw.files where municipality_oktmo = ?",
                            [KORENOVSK])
    assert list(files["status"]) == ["rejected"]
    sha256 = files.iloc[0]["source_sha256"]
    errors = warehouse.query(cycle.warehouse, "select * from audit.file_errors where source_sha256 = ?", [sha256])
    cell = warehouse.query(cycle.warehouse, "select source_cell from raw.submission_values where source_sha256 = ? "
                           "and indicator_code = 'MNC-2' and item_number = 1", [sha256]).iloc[0]["source_cell"]
    assert list(errors["cell"]) == [cell]
    assert list(errors["rule"]) == ["балл наличия должен быть 0 или 1"]
    quarantined = cycle.quarantine / sha256
    assert (quarantined / "Мониторинг МНЦ МТКП МО Кореновский район.xlsx").exists()
    assert json.loads((quarantined / "reasons.json").read_text())[0]["cell"] == cell
    # the raw file is kept in the archive as well
    assert list(cycle.archive.glob(f"*/{sha256}/*.xlsx"))


def test_validation_results_are_kept(cycle):
    results = warehouse.query(cycle.warehouse, "select suite, count(distinct source_sha256) as files, "
                              "sum(case when success then 0 else 1 end) as failed from audit.validation_results group by suite")
    by_suite = {row.suite: (row.files, row.failed) for row in results.itertuples()}
    assert by_suite["raw_submission_values"] == (44, 1)
    assert by_suite["raw_oo1_context"] == (1, 0)
    assert len(list((cycle.validation / "raw_submission_values").glob("*.json"))) == 44


def test_dbt_tests_and_unit_tests_ran(cycle):
    results = json.loads((cycle.dbt_artifacts / "target" / "run_results.json").read_text())["results"]
    unit_tests = [r for r in results if r["unique_id"].startswith("unit_test.")]
    data_tests = [r for r in results if r["unique_id"].startswith("test.")]
    assert unit_tests and all(r["status"] == "pass" for r in unit_tests)
    assert len(data_tests) > 20 and all(r["status"] == "pass" for r in data_tests)


def test_report_shows_the_mart_numbers(cycle):
    sheet = openpyxl.load_workbook(summary_path(cycle, MONITORING_ID))["Сводка"]
    rows = list(sheet.iter_rows(values_only=True))
    assert any(cell == "ДЕМОНСТРАЦИОННЫЕ ДАННЫЕ" for row in rows[:5] for cell in row)
    header = rows[5]
    by_name = {row[0]: row for row in rows[6:]}
    assert len(by_name) == 43
    abinsk = by_name["Абинский муниципальный район"]
    assert abinsk[header.index("MNC-3 (из 3)")] == 2
    assert abinsk[header.index("MTKP-4 (из 4)")] == 2
    assert by_name["город-курорт Геленджик"][header.index("MNC-5 (из 8)")] == 4
    assert "Кореновский муниципальный район" not in by_name


def test_rerun_is_idempotent(cycle):
    before = warehouse.query(cycle.warehouse, "select * from marts.mart_indicator_scores order by all")
    raw_rows = warehouse.query(cycle.warehouse, "select count(*) as n from raw.submission_values").iloc[0]["n"]
    run_dag(cycle, "shnor_monitoring_cycle", {"monitoring_id": MONITORING_ID})
    after = warehouse.query(cycle.warehouse, "select * from marts.mart_indicator_scores order by all")
    assert before.equals(after)
    assert warehouse.query(cycle.warehouse, "select count(*) as n from raw.submission_values").iloc[0]["n"] == raw_rows
    assert warehouse.query(cycle.warehouse, "select count(*) as n from raw.files").iloc[0]["n"] == 45
