"""Seed 003's calendar (Республика Крым, 2024) run for real: `airflow dags test` on SQLite, one window of each
kind — a school-level form (identification, 02–13.09), two computed windows (dynamics of results in ШНОР and in
the zone of risk, October) and the municipal-level monitoring over two years (11.11–16.12) — through to their
marts and reports, on the small hand-made region of tests/crimea_region.py. Every expected number is counted
by hand from the values set here and there."""

from __future__ import annotations

from datetime import datetime, timezone

import openpyxl
import pypdfium2 as pdfium
import pytest
from docx import Document as WordDocument

from reports.monitoring_report import report_stem
from reports.templates import templates_folder
from shnor.airflow_local import cycle_dags, ensure_metadata_db, run_dags
from shnor_core import warehouse
from shnor_core.arrivals import record_arrival
from shnor_core.settings import DataHome
from tests.crimea_region import BAKHCHISARAY, SIMFEROPOL, YALTA, code, write_region
from tests.notes import plain
from tests.workbooks import catalogue_values, fill_template

pytestmark = pytest.mark.slow

IDENTIFICATION, SHNOR_DYNAMICS, RISK_DYNAMICS, MUNICIPAL = (
    "shnor-identification-2024", "shnor-dynamics-2024", "risk-dynamics-2024", "municipal-shnor-2024")
IDENTIFICATION_FORM, MUNICIPAL_FORM = "shnor_identification_v2024", "municipal_shnor_v2024"
IN_WINDOW = datetime(2024, 9, 5, 10, tzinfo=timezone.utc).timestamp()
AFTER_CLOSE = datetime(2024, 9, 15, 10, tzinfo=timezone.utc).timestamp()  # closes 13.09, processed 16.09 00:00
CORRECTED_LATE = datetime(2024, 9, 20, 10, tzinfo=timezone.utc).timestamp()
# What each school reports in the identification form (everything else 0)
IDENTIFICATION_VALUES = {
    "S1": dict(CTX_1=[250], CTX_2=[12], CTX_5=[1], CTX_6=[1], RSR_2=[2], RSR_4=[1]),
    "S2": dict(CTX_1=[300], CTX_2=[5], CTX_5=[1], RSR_4=[1]),
    "S4": dict(CTX_1=[800], CTX_2=[30], CTX_6=[1], RSR_2=[3], RSR_4=[1]),
    "S5": dict(CTX_1=[600], CTX_2=[8], RSR_4=[1], FAIL_2=[1]),
    "S7": dict(CTX_1=[400], CTX_2=[3], CTX_6=[1]),
}


def identification_template(home, school):
    [path] = templates_folder(home, IDENTIFICATION).glob(f"*/{IDENTIFICATION}_{code(school)}.xlsx")
    return path


def land(path, when):
    """The file arrived at ``when`` (as the mail fetcher or the upload page records it)."""
    record_arrival(path.parent, path.name, datetime.fromtimestamp(when, timezone.utc), "почта")
    return path


def hand_made_form(home, target):
    """Гимназия № 5 types its form itself: no hidden sheet, its name and municipality as people write them."""
    path = fill_template(identification_template(home, "S5"), target, IDENTIFICATION_FORM,
                         catalogue_values(IDENTIFICATION_FORM, **IDENTIFICATION_VALUES["S5"]))
    workbook = openpyxl.load_workbook(path)
    del workbook["_meta"]
    sheet = workbook["Мониторинг"]
    for row in sheet.iter_rows(max_row=10, max_col=2):
        label = row[0].value
        if label == "Код ОО:":
            row[0].value = row[1].value = None
        elif label == "Образовательная организация:":
            row[0].value, row[1].value = "Образовательная организация: гимназия № 5", None
        elif label == "Муниципальное образование:":
            row[1].value = "г. Симферополь"
    workbook.save(path)
    return path


def land_identification_forms(home):
    """02–11.09: five schools send their forms in the window (ООШ № 3 with a 2 in a 0/1 cell; Гимназия № 5 types
    its own)."""
    landing = home.submissions_landing(IDENTIFICATION)
    for school in ("S1", "S2", "S4"):
        land(fill_template(identification_template(home, school), landing / f"{school}.xlsx", IDENTIFICATION_FORM,
                           catalogue_values(IDENTIFICATION_FORM, **IDENTIFICATION_VALUES[school])), IN_WINDOW)
    land(fill_template(identification_template(home, "S3"), landing / "ООШ 3.xlsx", IDENTIFICATION_FORM,
                       catalogue_values(IDENTIFICATION_FORM, CTX_6=[2])), IN_WINDOW)  # a 2 in a 0/1 cell
    land(hand_made_form(home, landing / "Гимназия 5 Симферополь.xlsx"), IN_WINDOW)


def land_late_identification_form(home):
    """After the reminder, past the close: Ялта's СОШ № 7."""
    land(fill_template(identification_template(home, "S7"), home.submissions_landing(IDENTIFICATION) / "S7.xlsx",
                       IDENTIFICATION_FORM, catalogue_values(IDENTIFICATION_FORM, **IDENTIFICATION_VALUES["S7"])),
         AFTER_CLOSE)


def land_municipal_forms(home):
    municipal_landing = home.submissions_landing(MUNICIPAL)
    for oktmo, values in [(BAKHCHISARAY, dict(ORG_1=[1], ORG_2=[1], ORG_3=[1], ORG_4=[4], PLAN_1=[1, 1, 0], PLAN_2=[1],
                                              PLAN_3=[1], PREV_1=[1, 0, 1, 0], PREV_2=[2])),
                          (SIMFEROPOL, dict(ORG_1=[1], PLAN_1=[1, 0, 0]))]:
        template = templates_folder(home, MUNICIPAL) / f"{MUNICIPAL}_{oktmo}.xlsx"
        land(fill_template(template, municipal_landing / f"{oktmo}.xlsx", MUNICIPAL_FORM,
                           catalogue_values(MUNICIPAL_FORM, **values)),
             datetime(2024, 12, 2, tzinfo=timezone.utc).timestamp())


@pytest.fixture(scope="module")
def crimea(tmp_path_factory):
    """The season in ONE Airflow process (``run_dags``): each DAG runs as ``airflow dags test`` runs it, and the
    files land between two DAG runs, as they would between the scheduler's runs."""
    home = DataHome(tmp_path_factory.mktemp("crimea"))
    write_region(home)
    ensure_metadata_db(home)
    windows = {"monitoring_ids": [IDENTIFICATION, SHNOR_DYNAMICS, RISK_DYNAMICS, MUNICIPAL]}
    season = (
        f"shnor_open__{IDENTIFICATION}",  # 02.09: templates for every school of the registry, a folder per municipality
        f"shnor_reminder__{IDENTIFICATION}",  # 11.09: the reminder, before Ялта's СОШ № 7 has sent anything
        # the windows close: each close DAG as the scheduler runs it, from its own calendar row (no conf)
        *(f"shnor_close__{window}" for window in (IDENTIFICATION, SHNOR_DYNAMICS, RISK_DYNAMICS)),
        f"shnor_open__{MUNICIPAL}", f"shnor_close__{MUNICIPAL}",
        "shnor_build_marts", "shnor_publish_reports")  # the asset chain: one marts build for the four windows' events
    run_dags(home, season, None,
             confs={f"shnor_open__{IDENTIFICATION}": {"monitoring_id": IDENTIFICATION},
                    f"shnor_reminder__{IDENTIFICATION}": {"monitoring_id": IDENTIFICATION},
                    "shnor_build_marts": windows, "shnor_publish_reports": windows},
             pauses={f"shnor_reminder__{IDENTIFICATION}": lambda _: land_identification_forms(home),
                     f"shnor_close__{IDENTIFICATION}": lambda _: land_late_identification_form(home),
                     f"shnor_close__{MUNICIPAL}": lambda _: land_municipal_forms(home)})
    return home


def mart(home, table, monitoring_id, key, columns):
    frame = warehouse.query(home.warehouse, f"select * from marts.{table} where monitoring_id = ?", [monitoring_id])
    return {tuple(row[k] for k in key) if isinstance(key, tuple) else row[key]: tuple(row[c] for c in columns)
            for _, row in frame.iterrows()}


def sheet_rows(path, title):
    """A sheet's rows as a reader reads them (the no-break spaces of «25,0 %» as spaces)."""
    return [[plain(value) if isinstance(value, str) else value for value in row]
            for row in openpyxl.load_workbook(path)[title].iter_rows(min_row=4, values_only=True)]


def test_templates_one_per_school_by_municipality(crimea):
    folders = sorted(p.name for p in templates_folder(crimea, IDENTIFICATION).iterdir())
    assert folders == ["35604000 МО Бахчисарайский район", "35701000 МО город Симферополь", "35729000 МО город Ялта"]
    assert len(list(templates_folder(crimea, IDENTIFICATION).glob("*/*.xlsx"))) == 8
    assert len(list(templates_folder(crimea, MUNICIPAL).glob("*.xlsx"))) == 25  # the region's municipalities


def test_reminder_lists_the_schools_without_an_accepted_form(crimea):
    rows = sheet_rows(crimea.reports / IDENTIFICATION / f"napominanie_{IDENTIFICATION}.xlsx", "Не сдали")
    assert [(r[0], r[2], r[4]) for r in rows] == [
        (BAKHCHISARAY, code("S3"), "отклонена, ждём исправленную"), (SIMFEROPOL, code("S6"), "не поступала"),
        (YALTA, code("S7"), "не поступала"), (YALTA, code("S8"), "не поступала")]
    [notification] = (crimea.root / "notifications").glob("*.log")
    assert "Не сдали принятую форму: 4 школ." in notification.read_text(encoding="utf-8")


def test_school_submissions_read_validated_and_complete_per_municipality(crimea):
    status = mart(crimea, "mart_school_submission_status", IDENTIFICATION, "school_code",
                  ("submission_status", "is_late"))
    assert status == {code("S1"): ("accepted", False), code("S2"): ("accepted", False), code("S3"): ("rejected", False),
                      code("S4"): ("accepted", False), code("S5"): ("accepted", False), code("S6"): ("missing", False),
                      code("S7"): ("accepted", True), code("S8"): ("missing", False)}
    refused = warehouse.query(crimea.warehouse, "select e.rule from audit.file_errors e join raw.files f using (source_sha256) "
                              "where f.school_code = ?", [code("S3")])
    assert list(refused["rule"]) == ["балл наличия должен быть 0 или 1"]  # the municipal forms' GX suite
    completeness = mart(crimea, "mart_school_form_completeness", IDENTIFICATION, "municipality_oktmo",
                        ("schools_expected", "schools_accepted", "schools_rejected", "schools_missing", "schools_late"))
    assert completeness == {BAKHCHISARAY: (3, 2, 1, 0, 0), SIMFEROPOL: (3, 2, 0, 1, 0), YALTA: (2, 1, 0, 1, 1)}
    shares = mart(crimea, "mart_school_form_completeness", IDENTIFICATION, "municipality_oktmo",
                  ("accepted_share", "region_accepted_share"))
    assert shares[YALTA] == (0.5, 5 / 8) and shares[BAKHCHISARAY][0] == pytest.approx(2 / 3)


def test_what_schools_reported_per_municipality(crimea):
    summary = mart(crimea, "mart_school_form_summary", IDENTIFICATION, ("municipality_oktmo", "indicator_code"),
                   ("schools_reporting", "schools_marked", "value_total", "region_marked_share", "region_value_total"))
    assert summary[(BAKHCHISARAY, "CTX-6")][:2] == (2, 1)  # two shifts: СОШ № 1 of the two accepted
    assert summary[(SIMFEROPOL, "CTX-6")][:2] == (2, 1)
    assert summary[(YALTA, "CTX-6")][:2] == (1, 1)
    assert summary[(BAKHCHISARAY, "CTX-6")][3] == pytest.approx(3 / 5)
    assert summary[(BAKHCHISARAY, "RSR-4")][3] == pytest.approx(4 / 5)  # internet: all but СОШ № 7
    assert summary[(BAKHCHISARAY, "CTX-2")][2] == 17 and summary[(SIMFEROPOL, "CTX-2")][2] == 38  # pupils with ОВЗ
    assert summary[(YALTA, "CTX-2")][4] == 58
    gymnasium = mart(crimea, "mart_school_form_values", IDENTIFICATION, ("school_code", "indicator_code"),
                     ("indicator_value",))
    assert gymnasium[(code("S5"), "CTX-1")] == (600,) and gymnasium[(code("S5"), "FAIL-2")] == (1,)  # read by its name


def test_dynamics_of_results_in_shnor(crimea):
    schools = mart(crimea, "mart_school_result_dynamics", SHNOR_DYNAMICS, ("school_code", "assessment_procedure"),
                   ("previous_low_result_share", "low_result_share", "low_share_change", "change_direction"))
    assert set(schools) == {(code(s), "ВПР") for s in ("S1", "S2", "S6", "S7")}  # ШНОР of 2024, both lists
    assert schools[(code("S1"), "ВПР")][1:] == (0.2, -0.1, "improvement")  # 6/20 → 4/20; russian (8) suppressed
    assert schools[(code("S2"), "ВПР")] == (0.1, 0.1, 0.0, "stable")  # (3+2)/50 → (4+1)/50: maths alone rose
    assert schools[(code("S6"), "ВПР")][1:] == (0.25, 0.1, "decline")
    assert schools[(code("S7"), "ВПР")][3] == "no_data"  # no results of 2023
    municipalities = mart(crimea, "mart_municipality_result_dynamics", SHNOR_DYNAMICS, "municipality_oktmo",
                          ("schools_improved", "schools_stable", "schools_declined", "schools_no_data",
                           "previous_low_result_share", "low_result_share", "change_direction"))
    bakhchisaray = municipalities[BAKHCHISARAY]
    assert bakhchisaray[:4] == (1, 1, 0, 0) and bakhchisaray[6] == "improvement"
    assert bakhchisaray[4] == pytest.approx(11 / 70) and bakhchisaray[5] == pytest.approx(9 / 70)  # −2.9 п. п.
    assert municipalities[SIMFEROPOL][2] == 1 and municipalities[SIMFEROPOL][6] == "decline"
    assert municipalities[YALTA][3] == 1 and municipalities[YALTA][6] == "no_data"


def test_dynamics_of_results_in_the_zone_of_risk(crimea):
    schools = mart(crimea, "mart_school_result_dynamics", RISK_DYNAMICS, "school_code",
                   ("low_share_change", "change_direction", "direction_label"))
    assert schools == {code("S3"): (-0.2, "improvement", "улучшение"),
                       code("S5"): (0.02, "decline", "ухудшение"),  # exactly the 2 п. п. step: the rule says decline
                       code("S8"): (0.0, "stable", "без существенных изменений")}
    rows = sheet_rows(report_stem(crimea, RISK_DYNAMICS).with_suffix(".xlsx"), "Школы ВПР")
    assert [r[0] for r in rows] == [code("S3"), code("S5"), code("S8")]
    assert rows[0][3:] == ["25,0 %", "5,0 %", "−20,0 п. п.", "улучшение"]


def test_two_year_comparison_of_the_lists(crimea):
    dynamics = mart(crimea, "mart_shnor_list_dynamics", MUNICIPAL, ("municipality_oktmo", "methodology"),
                    ("previous_schools", "current_schools", "stayed", "entered", "left_list"))
    assert len(dynamics) == 25 * 2  # every municipality of the region, both methodologies
    assert dynamics[(BAKHCHISARAY, "federal")] == (1, 1, 1, 0, 0)
    assert dynamics[(BAKHCHISARAY, "regional")] == (1, 1, 1, 0, 0)
    assert dynamics[(SIMFEROPOL, "federal")] == (1, 1, 0, 1, 1)  # СОШ № 4 left, СОШ № 6 entered
    assert dynamics[(SIMFEROPOL, "regional")] == (1, 0, 0, 0, 1)
    assert dynamics[(YALTA, "regional")] == (0, 1, 0, 1, 0)
    assert sum(v[1] for v in dynamics.values()) == 4
    # the lists side by side (mart_shnor_lists_two_years before): 2023 one school on both, 2024 one on the federal only
    lists = mart(crimea, "mart_shnor_list_dynamics", MUNICIPAL, ("municipality_oktmo", "methodology"),
                 ("previous_on_both_lists", "previous_only_this_list", "current_on_both_lists", "current_only_this_list"))
    assert lists[(SIMFEROPOL, "federal")] == (1, 0, 0, 1) and lists[(SIMFEROPOL, "regional")] == (1, 0, 0, 0)
    changes = mart(crimea, "mart_shnor_two_year_changes", MUNICIPAL, ("school_code", "methodology"), ("list_change",))
    assert changes[(code("S4"), "federal")] == ("left",) and changes[(code("S6"), "federal")] == ("entered",)
    rows = sheet_rows(report_stem(crimea, MUNICIPAL).with_suffix(".xlsx"), "Количество")
    assert ["Симферополь", "ФИОКО", "1", "1", "0", "1", "1"] in rows
    rows = sheet_rows(report_stem(crimea, MUNICIPAL).with_suffix(".xlsx"), "Перечни")
    assert ["Симферополь", "2023", "1", "1", "1", "0", "0"] in rows and ["Симферополь", "2024", "1", "0", "0", "1", "0"] in rows


def test_municipal_form_of_the_two_year_window_scored_and_its_cycle_reports(crimea):
    scores = mart(crimea, "mart_indicator_scores", MUNICIPAL, ("municipality_oktmo", "indicator_code"),
                  ("score", "max_score"))
    assert scores[(BAKHCHISARAY, "PLAN-1")] == (2.0, 3) and scores[(BAKHCHISARAY, "PREV-1")] == (2.0, 4)
    assert scores[(SIMFEROPOL, "PLAN-1")] == (1.0, 3) and scores[(BAKHCHISARAY, "ORG-4")][0] == 4.0
    status = mart(crimea, "mart_submission_status", MUNICIPAL, "municipality_oktmo", ("submission_status",))
    assert len(status) == 25 and sum(1 for s in status.values() if s == ("accepted",)) == 2
    assert (crimea.reports / MUNICIPAL / f"spravka_{MUNICIPAL}.pdf").exists()  # the regional note of the form


def test_each_window_has_its_report(crimea):
    for window, title in [(IDENTIFICATION, "Отчёт о школьной форме мониторинга"),
                          (SHNOR_DYNAMICS, "Динамика образовательных результатов: ШНОР"),
                          (RISK_DYNAMICS, "Динамика образовательных результатов: школы зоны риска"),
                          (MUNICIPAL, "Сопоставление перечней ШНОР за два года")]:
        stem = report_stem(crimea, window)
        assert stem.with_suffix(".docx").exists() and stem.with_suffix(".xlsx").exists()
        text = pdfium.PdfDocument(stem.with_suffix(".pdf"))[0].get_textpage().get_text_range()
        # the text as read: line breaks (after a space Typst keeps) and no-break spaces (one-letter words kept with
        # the next, Russian typography) are white space like any other
        assert title in " ".join(text.split()), window
    completeness = sheet_rows(report_stem(crimea, IDENTIFICATION).with_suffix(".xlsx"), "Полнота")
    assert completeness[0] == ["Бахчисарайский муниципальный район", "3", "2", "1", "0", "0", "67 %"]


def test_the_reports_are_crimea_s_own_from_its_data_alone(crimea):
    """Region-specific words come from the reference data: the institution of ref_regions as author (and nowhere
    Krasnodar's), the purpose and sources of the municipal form from report_texts; of the letter's rules only the
    one on ФИОКО's lists applies to this form: Ялта is the one municipality with schools (S7, S8) none of which is on
    ФИОКО's 2024 list (S1 in Бахчисарайский, S6 in Симферополь are)."""
    note = WordDocument(str(crimea.reports / MUNICIPAL / f"spravka_{MUNICIPAL}.docx"))
    paragraphs = [p.text.replace("\u00a0", " ") for p in note.paragraphs]
    assert note.core_properties.author == "ГКУ РК «ИМАЦ»"
    assert any(p.startswith("Изучение работы по направлению 1.2 «Система работы со школами с низкими результатами")
               for p in paragraphs)
    assert ("10. Рекомендовать к использованию в работе по сопровождению ШНОР на уровне муниципальных образований "
            "успешные практики следующих муниципалитетов: Ялта — по результатам оценочных процедур за 2024 год в них нет "
            "школ из списков ФИОКО (списки ФИОКО: ШНОР и школы с признаками необъективных результатов).") in paragraphs
    assert any("основания — в таблице «Основания рекомендаций» ниже" in p for p in paragraphs)
    assert not [p for p in paragraphs if "Краснодар" in p]
    for window in (IDENTIFICATION, SHNOR_DYNAMICS, MUNICIPAL):
        report = WordDocument(str(report_stem(crimea, window).with_suffix(".docx")))
        assert report.core_properties.author == "ГКУ РК «ИМАЦ»", window
        assert pdfium.PdfDocument(report_stem(crimea, window).with_suffix(".pdf")).get_metadata_dict()["Author"] == \
            "ГКУ РК «ИМАЦ»"


def test_a_late_correction_reprocesses_its_own_window_only(crimea):
    """Runs last: a corrected form of ООШ № 3 arrives after the window closed and reprocesses that window."""
    others = {w: report_stem(crimea, w).with_suffix(".xlsx").stat().st_mtime_ns for w in (SHNOR_DYNAMICS, MUNICIPAL)}
    own = report_stem(crimea, IDENTIFICATION).with_suffix(".xlsx").stat().st_mtime_ns
    land(fill_template(identification_template(crimea, "S3"), crimea.submissions_landing(IDENTIFICATION) / "ООШ 3 (исправлено).xlsx",
                       IDENTIFICATION_FORM, catalogue_values(IDENTIFICATION_FORM, CTX_6=[1])), CORRECTED_LATE)
    # the DAGs of `shnor run` up to the reports (cycle_dags: its close, marts, reports); not the documentation
    # sites, which nothing here reads (tests/test_end_to_end.py runs them)
    run_dags(crimea, cycle_dags(IDENTIFICATION), {"monitoring_id": IDENTIFICATION})
    status = mart(crimea, "mart_school_submission_status", IDENTIFICATION, "school_code",
                  ("submission_status", "versions_received", "versions_rejected", "is_late"))
    assert status[code("S3")] == ("accepted", 2, 1, True)
    completeness = mart(crimea, "mart_school_form_completeness", IDENTIFICATION, "municipality_oktmo",
                        ("schools_accepted", "region_accepted_share"))
    assert completeness[BAKHCHISARAY] == (3, 6 / 8)
    assert report_stem(crimea, IDENTIFICATION).with_suffix(".xlsx").stat().st_mtime_ns > own
    assert {w: report_stem(crimea, w).with_suffix(".xlsx").stat().st_mtime_ns for w in others} == others
