"""One real monitoring cycle: sample region → `airflow dags test` on SQLite → DuckDB marts → report.

Three municipalities' workbooks are replaced by ones whose values are set here by hand, so the
expected scores below are worked out from those values, not read back from the code under test.
"""

from __future__ import annotations

import json
import os
import re
from datetime import datetime, timezone

import openpyxl
import pandas as pd
import pytest

from benchmarks.airflow_path import CyclePass, summarise, task_records
from reports.summary_workbook import summary_path
from sample_region.generator import generate_sample_region
from shnor.airflow_local import run_cycle
from shnor.ingest import batch_id
from shnor_core import warehouse
from shnor_core.arrivals import record_arrival
from shnor_core.demo import DEMO_MARK
from shnor_core.settings import DataHome
from tests.workbooks import MONITORING_ID, form_values, write_submission

pytestmark = pytest.mark.slow

ABINSK, GELENDZHIK, KORENOVSK, SHCHERBINOVSKY = "03601000", "03708000", "03621000", "03659000"
IN_WINDOW = datetime(2025, 6, 5, 10, tzinfo=timezone.utc).timestamp()
# what the demo's municipalities send about their support: a roadmap from each of the 44, execution reports from 41
# (three send none), registries of people from the 37 with a supported school, professional development from the
# 35 whose registry names teachers, and last year's «500+» list and curators
SUPPORT_FILES = 44 + 41 + 37 + 35 + 2
AFTER_CLOSE = datetime(2025, 6, 13, 10, tzinfo=timezone.utc).timestamp()  # window closes 11.06.2025


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
    for path in landing.glob("*Абинский*"), landing.glob("*Кореновский*"):
        for file in path:
            record_arrival(landing, file.name, datetime.fromtimestamp(IN_WINDOW, timezone.utc), "почта")
    late = next(landing.glob("*Геленджик*"))
    record_arrival(landing, late.name, datetime.fromtimestamp(AFTER_CLOSE, timezone.utc), "почта")  # late, this cycle
    next(landing.glob("*Щербиновский*")).unlink()  # never submitted
    run_cycle(home, MONITORING_ID)
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
    assert municipalities == 42  # 44 less Кореновский (refused) and Щербиновский (missing)
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
    # the raw file is kept in the archive as well, and feedback waits to be sent back
    assert list(cycle.archive.glob(f"*/{sha256}/*.xlsx"))
    feedback = openpyxl.load_workbook(quarantined / "Ошибки - Мониторинг МНЦ МТКП МО Кореновский район.xlsx")
    rows = list(feedback["Ошибки"].iter_rows(min_row=2, values_only=True))
    assert rows[:rows.index((None,) * 5)] == [
        ("Мониторинг", cell, "МНЦ-2. Качество кадрового состава муниципального наставнического центра", "2",
         "балл наличия должен быть 0 или 1")]  # the code and wording as the form names them, the value as typed
    assert rows[-1][0] == DEMO_MARK.upper()  # the demo mark below the list


def status(home):
    frame = warehouse.query(home.warehouse, "select municipality_oktmo, submission_status, versions_received, is_late "
                            "from marts.mart_submission_status where monitoring_id = ?", [MONITORING_ID])
    return {row.municipality_oktmo: (row.submission_status, row.versions_received, row.is_late) for row in frame.itertuples()}


def test_submission_status_lists_missing_refused_and_late(cycle):
    statuses = status(cycle)
    assert len(statuses) == 44
    assert statuses[SHCHERBINOVSKY] == ("missing", 0, False)
    assert statuses[KORENOVSK] == ("rejected", 1, False)
    assert statuses[GELENDZHIK] == ("accepted", 1, True)
    assert statuses[ABINSK] == ("accepted", 1, False)
    assert sum(1 for s in statuses.values() if s[0] == "accepted") == 42


def test_validation_results_are_kept(cycle):
    results = warehouse.query(cycle.warehouse, "select suite, count(distinct source_sha256) as files, "
                              "sum(case when success then 0 else 1 end) as failed from audit.validation_results group by suite")
    by_suite = {row.suite: (row.files, row.failed) for row in results.itertuples()}
    assert by_suite["raw_submission_values"] == (43, 1)  # Щербиновский sent nothing
    assert by_suite["raw_oo1_context"] == (1, 0)
    # one GX run validated all 43 forms at once; its result is kept under the digest of the files it covered
    kept = list((cycle.validation / "raw_submission_values").glob("*.json"))
    submitted = warehouse.query(cycle.warehouse, "select source_sha256 from raw.files where source_kind = 'submission'")
    assert [path.stem for path in kept] == [batch_id(list(submitted["source_sha256"]))]
    assert json.loads(kept[0].read_text(encoding="utf-8"))["success"] is False  # the one refused form


def test_dbt_data_tests_ran_in_the_cycle(cycle):
    """The data tests that guard publishing (staging and marts) run in every cycle; the unit tests (code, not
    data) and the exhaustive tests of intermediates and seeds run in tests/test_dbt_unit_tests.py."""
    results = json.loads((cycle.dbt_artifacts / "target" / "run_results.json").read_text())["results"]
    manifest = json.loads((cycle.dbt_artifacts / "target" / "manifest.json").read_text())
    unit_tests = [r for r in results if r["unique_id"].startswith("unit_test.")]
    data_tests = [r for r in results if r["unique_id"].startswith("test.")]
    assert unit_tests == []
    assert len(data_tests) > 20 and all(r["status"] == "pass" for r in data_tests)
    paths = {manifest["nodes"][r["unique_id"]]["original_file_path"].split("/")[1] for r in data_tests}
    assert paths == {"staging", "marts"}
    marts = [n for n in manifest["nodes"].values() if n["resource_type"] == "model" and n["fqn"][1] == "marts"
             and n["config"]["materialized"] != "ephemeral"]  # fct_source_row_fates: no table, built into its readers
    assert {r["unique_id"] for r in results} >= {n["unique_id"] for n in marts}  # every mart built


def test_report_shows_the_mart_numbers(cycle):
    sheet = openpyxl.load_workbook(summary_path(cycle, MONITORING_ID))["Сводка"]
    rows = list(sheet.iter_rows(values_only=True))
    assert any(cell == "ДЕМОНСТРАЦИОННЫЕ ДАННЫЕ" for row in rows[:5] for cell in row)
    header = rows[5]
    by_name = {row[0]: row for row in rows[6:]}
    assert len(by_name) == 42
    abinsk = by_name["Абинский муниципальный район"]
    assert abinsk[header.index("МНЦ-3 (из 3)")] == 2
    assert abinsk[header.index("МТКП-4 (из 4)")] == 2
    assert by_name["город-курорт Геленджик"][header.index("МНЦ-5 (из 8)")] == 4
    assert "Кореновский муниципальный район" not in by_name
    submitted = list(openpyxl.load_workbook(summary_path(cycle, MONITORING_ID))["Сдача форм"].iter_rows(values_only=True))
    assert submitted[1][:2] == ("Щербиновский муниципальный район", "не сдана")
    assert submitted[2][:2] == ("Кореновский муниципальный район", "отклонена")


def test_published_marts_and_docs_sites(cycle):
    published = warehouse.query(cycle.root / "published" / "shnor_marts.duckdb",
                                "select count(*) as n from marts.mart_indicator_scores").iloc[0]["n"]
    assert published == 42 * 25
    dbt_docs = (cycle.root / "docs" / "dbt" / "static_index.html").read_text(encoding="utf-8")
    description = "Доля от максимального балла"  # the page embeds the manifest as JSON, maybe \u-escaped
    assert "mart_recommendation" in dbt_docs
    assert description in dbt_docs or json.dumps(description)[1:-1] in dbt_docs
    gx_docs = cycle.root / "docs" / "gx"
    assert "raw_submission_values" in (gx_docs / "index.html").read_text(encoding="utf-8")
    # read offline: no page or style loads anything from the network; each points to «Проверки файлов»
    for site_file in [*gx_docs.rglob("*.html"), *gx_docs.rglob("*.css")]:
        text = site_file.read_text(encoding="utf-8")
        assert not re.search(r'<(link|script|img)[^>]*(href|src)="(https?:)?//|url\((https?:)?//', text), site_file
        assert site_file.suffix == ".css" or "proverki.html" in text, site_file
    # one GX run per kind (forms, ОО-1, school registry, results, lists, curators, roadmaps, their execution
    # reports, registries of people, professional development), shown as one page per file
    validated = warehouse.query(cycle.warehouse, "select distinct source_sha256 from audit.validation_results")
    pages = list((gx_docs / "validations").rglob("*.html"))
    assert sorted(page.stem for page in pages) == sorted(validated["source_sha256"])
    assert len(pages) == 43 + 7 + SUPPORT_FILES  # the 43 forms that came, 7 files of school data, and the support files
    korenovsk = warehouse.query(cycle.warehouse, "select source_sha256 from raw.files where municipality_oktmo = ?",
                                [KORENOVSK]).iloc[0]["source_sha256"]
    page = next(page for page in pages if page.stem == korenovsk).read_text(encoding="utf-8")
    assert "Кореновский" in page and "Балл наличия должен быть 0 или 1 (столбец value)" in page  # the rule, in Russian
    overview = (cycle.root / "docs" / "proverki.html").read_text(encoding="utf-8")
    assert overview.count("не пройдена") == 1 and f"Проверено файлов: {50 + SUPPORT_FILES}" in overview


def test_benchmark_reads_the_cycles_stages_from_airflows_records(cycle):
    """The Airflow-path benchmark's breakdown comes from the task records of the run this module made: every
    task of the three DAGs, in the order the asset chain runs them; its summary names each stage."""
    tasks = task_records(cycle, datetime(2000, 1, 1, tzinfo=timezone.utc))
    ids = [(t.dag_id, t.task_id) for t in tasks]
    assert ids.index(("shnor_close__mph-2025", "validate_new_files")) < ids.index(("shnor_build_marts", "dbt_build")) \
        < ids.index(("shnor_build_marts", "publish_marts")) < ids.index(("shnor_publish_reports", "build_reports")) \
        < ids.index(("shnor_build_docs", "build_docs"))
    assert all(t.end >= t.start for t in tasks)
    wall = max(t.end for t in tasks) - min(t.start for t in tasks) + 1.0
    one = CyclePass(wall, 100.0, min(t.start for t in tasks) - 0.5, tasks)
    measurement = {"forms": 43, "schools": 1200, "migrations": [1.0], "passes": {
        "first": [one.__dict__ | {"tasks": [t.__dict__ for t in tasks]}],
        "rerun": [one.__dict__ | {"tasks": [t.__dict__ for t in tasks]}]}}
    text = "\n".join(summarise(measurement))
    for stage in ("запуск Airflow", "`dbt_build`", "`build_reports`", "`build_docs`", "между задачами", "доля цели"):
        assert stage in text, stage


def test_rerun_is_idempotent(cycle):
    before = warehouse.query(cycle.warehouse, "select * from marts.mart_indicator_scores order by all")
    raw_rows = warehouse.query(cycle.warehouse, "select count(*) as n from raw.submission_values").iloc[0]["n"]
    run_cycle(cycle, MONITORING_ID)
    after = warehouse.query(cycle.warehouse, "select * from marts.mart_indicator_scores order by all")
    assert before.equals(after)
    assert warehouse.query(cycle.warehouse, "select count(*) as n from raw.submission_values").iloc[0]["n"] == raw_rows
    # 43 forms (Щербиновский sent none), ОО-1, the registry, 3 results files, 2 lists, 2 curator files, 44 roadmaps,
    # 41 execution reports, 37 registries of people, 35 monitorings of professional development
    assert warehouse.query(cycle.warehouse, "select count(*) as n from raw.files").iloc[0]["n"] == 209


def test_corrected_resubmission_supersedes_and_history_keeps_both(cycle):
    landing = cycle.submissions_landing(MONITORING_ID)
    corrected = write_submission(landing / "Мониторинг МНЦ МТКП МО Кореновский район (исправлено).xlsx",
                                 "МО Кореновский район", form_values(presence_default=0, MNC_2=[1, 1]))
    os.utime(corrected, (0, 0))  # an older modification time than the first version's: arrival order decides
    run_cycle(cycle, MONITORING_ID)

    # dbt built only what is downstream of the raw tables that received rows (the form's values, the file
    # registry): no seed, nor the models of school data, roadmaps and people that read neither
    built = {r["unique_id"] for r in json.loads((cycle.dbt_artifacts / "target" / "run_results.json").read_text())["results"]}
    assert "model.shnor.mart_indicator_scores" in built and "model.shnor.mart_submission_status" in built
    assert not any(node.startswith("seed.") for node in built)
    assert "model.shnor.stg_schools" not in built and "model.shnor.stg_roadmap_items" not in built
    assert scores(cycle, KORENOVSK)["MNC-2"][:3] == (2.0, 2, 1.0)
    assert scores(cycle, KORENOVSK)["MNC-3"][:3] == (0.0, 3, 0.0)
    assert status(cycle)[KORENOVSK][:2] == ("accepted", 2)
    versions = warehouse.query(cycle.warehouse, "select status from raw.files where municipality_oktmo = ? "
                               "order by received_at", [KORENOVSK])
    assert list(versions["status"]) == ["rejected", "accepted"]
    assert scores(cycle, ABINSK)["MNC-3"][:2] == (2.0, 3)  # others untouched
