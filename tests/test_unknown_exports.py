"""Exports nobody described (issue 29): each workbook is built by hand from the issue's description, and
the figures asserted are counted by hand from the rows written here."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from ingestion.detect import ReadContext, detect, read_source, read_summary
from ingestion.layout_spec import detection_margin
from ingestion.school_names import SchoolMatcher, SchoolRef
from ingestion.workbook_source import load_table_source
from shnor.cli import main

ABINSK, SLAVYANSK = "03601000", "03645000"
REGISTRY = SchoolMatcher([
    SchoolRef("23001001", "МБОУ СОШ № 1", ABINSK, "sch233001"),
    SchoolRef("23001002", "МБОУ ООШ № 2", ABINSK, "sch233002"),
    SchoolRef("23045005", "МБОУ СОШ № 5", SLAVYANSK, "sch233045"),
])


def read(path: Path, municipalities, matcher: SchoolMatcher = REGISTRY):
    return read_source(path, ReadContext(municipalities, matcher), "assessment_results")


def by_metric(result, school_code: str, subject: str) -> dict:
    rows = result.rows[(result.rows["school_code"] == school_code) & (result.rows["subject"] == subject)]
    return rows.set_index("metric")["value"].to_dict()


# --- a regional ЕГЭ workbook: units after a comma, a numbering row, an applications sheet -------------

SCHOOL_ROWS = [
    ["Абинский район", "МБОУ СОШ № 1", 20, 3, 64.5, 18, 2, 55.0],
    [None, "МБОУ ООШ № 2", 0, 0, 0, 7, 0, 41.0],  # nobody took Russian: its 0 high scorers and mean 0 are unknown
    [None, "Итого по МО", 20, 3, 64.5, 25, 2, 51.1],
    ["Славянский район", "МБОУ СОШ № 5", 30, 4, 70.0, "х", 1, 62.0],  # maths participants hidden: the rest unknown
    ["Итого по краю", None, 9000, 700, 68.0, 8000, 500, 60.0],
]


def write_ege_with_units(path: Path, rows: list[list] = SCHOOL_ROWS) -> Path:
    """Subject titles with a unit in a merged row above the measures («Русский язык, чел.», «Математика
    (чел.)»), a row of column numbers under the header that starts again for each subject, the below-minimum
    and 100-point columns absent, an applications sheet first and a sheet of notes last."""
    workbook = openpyxl.Workbook()
    applications = workbook.active
    applications.title = "Заявления"
    applications.append(["Заявления на участие в ЕГЭ 2024 года"])
    applications.append(["Муниципальное образование", "Образовательная организация", "Русский язык"])
    applications.append([None, None, "Количество участников"])
    applications.append(["Абинский район", "МБОУ СОШ № 1", 21])
    sheet = workbook.create_sheet("2024")
    sheet.append(["Результаты ЕГЭ 2024 года по общеобразовательным организациям"])
    sheet.append(["Муниципальное образование", "Образовательная организация", "Русский язык, чел.", None, None,
                  "Математика (чел.)"])
    sheet.append([None, None, "Приняло участие, чел.", "Высокобалльники, чел.", "Средний балл",
                  "Приняло участие, чел.", "Высокобалльники, чел.", "Средний балл"])
    sheet.append([1, 2, 1, 2, 3, 1, 2, 3])  # column numbers, starting again for each subject
    sheet.merge_cells("A2:A3")
    sheet.merge_cells("B2:B3")
    sheet.merge_cells("C2:E2")
    sheet.merge_cells("F2:H2")
    for row in rows:
        sheet.append(row)
    notes = workbook.create_sheet("Пояснения")
    notes.append(["«х» — данные не публикуются (менее 10 участников)"])
    workbook.save(path)
    return path


def test_numbering_row_units_and_unknown_values_read_right(tmp_path, municipalities):
    result = read(write_ege_with_units(tmp_path / "ege_2024.xlsx"), municipalities)
    assert result.layout == "regional_exam_per_school" and result.errors == [], result.errors
    rows = result.rows
    # СОШ № 1: 3 + 3; ООШ № 2: Russian participants only (0) + 3 maths; СОШ № 5: 3 Russian, maths all unknown
    assert len(rows) == 13
    assert set(rows["subject"]) == {"Русский язык", "Математика"}  # the unit after the comma or in brackets dropped
    assert set(rows["school_code"]) == {"23001001", "23001002", "23045005"}  # the numbering row is no school
    assert set(rows["municipality_oktmo"]) == {ABINSK, SLAVYANSK} and "1" not in set(rows["school_name_raw"])
    assert by_metric(result, "23001002", "Русский язык") == {"participants": 0.0}  # never a mean of 0
    assert by_metric(result, "23045005", "Математика") == {}  # beside hidden participants: unknown
    assert by_metric(result, "23001001", "Математика") == {"participants": 18.0, "score_81_100": 2.0, "mean_score": 55.0}
    assert set(rows["procedure"]) == {"ЕГЭ"} and set(rows["grade"]) == {11} and set(rows["year"]) == {2024}
    summary = read_summary(result)
    assert summary["schools"] == 3 and summary["municipalities"] == 2
    assert {(g["subject"], g["schools"], g["participants"]) for g in summary["results"]} == {
        ("Русский язык", 3, 50.0), ("Математика", 2, 25.0)}


def test_what_was_not_read_is_listed_with_its_reason(tmp_path, municipalities):
    result = read(write_ege_with_units(tmp_path / "ege_2024.xlsx"), municipalities)
    reasons = {(n.sheet, n.indicator): n.rule for n in result.not_read}
    assert "лист заявлений" in reasons[("Заявления", "лист")]  # recognised as applications, not dropped silently
    assert "нет шапки" in reasons[("Пояснения", "лист")]
    missing = reasons[("2024", "столбцы")]
    assert "«Не преодолели минимальный порог»" in missing and "«100 баллов»" in missing
    assert "Заявления" not in set(result.rows["source_sheet"])


def test_a_total_that_disagrees_with_its_schools_names_both_numbers_and_the_cell(tmp_path, municipalities):
    rows = [list(r) for r in SCHOOL_ROWS]
    rows[2][5] = 24  # Абинский maths: 18 + 7 = 25 participants, the total says 24
    result = read(write_ege_with_units(tmp_path / "ege.xlsx", rows), municipalities)
    [error] = result.errors
    assert (error.sheet, error.cell, error.indicator) == ("2024", "F7", "participants")
    assert "24" in error.rule and "25" in error.rule and not result.accepted


def test_a_value_outside_its_domain_names_the_cell(tmp_path):
    from shnor.checker import check_file  # noqa: PLC0415 - the reader and the GX suite together, as the pipeline

    rows = [list(r) for r in SCHOOL_ROWS]
    rows[0][4] = 164.5  # a mean above 100
    verdict = check_file(write_ege_with_units(tmp_path / "ege.xlsx", rows), home=None)
    assert not verdict.accepted
    assert [(e["sheet"], e["cell"], e["value"]) for e in verdict.errors if "средний балл" in e["rule"]] == [
        ("2024", "E5", "164,5")]  # the value as a Russian reader types it (issue 30)


# --- an ОГЭ workbook with a sheet per subject: two layouts fit within the margin ---------------------

def write_oge_per_subject(path: Path, title: str = "Результаты ОГЭ 2024 года", counts: bool = False) -> Path:
    """A sheet per subject; «МО», «ОО», participants, the shares of marks 2–5 and a mean (with ``counts``, also
    the below-minimum and high-scorer counts): the columns fit the ВПР statistics layout (school, participants,
    marks) about as well as the regional ОГЭ/ЕГЭ one."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for subject, rows in {
        "Математика": [["Абинский район", "МБОУ СОШ № 1", 40, 5.0, 35.0, 40.0, 20.0, 3.7, 2, 8],
                       [None, "МБОУ ООШ № 2", 12, 8.3, 41.7, 33.3, 16.7, 3.6, 1, 2]],
        "Русский язык": [["Абинский район", "МБОУ СОШ № 1", 41, 2.4, 29.3, 43.9, 24.4, 3.9, 1, 10],
                         ["Славянский район", "МБОУ СОШ № 5", 25, 4.0, 36.0, 40.0, 20.0, 3.8, 1, 5]],
    }.items():
        sheet = workbook.create_sheet(subject)
        sheet.append([title])
        extra = ["Не преодолели минимальный порог", "Высокобалльники"] if counts else []
        sheet.append(["МО", "ОО", "Количество участников", "2", "3", "4", "5", "Средний балл", *extra])
        for row in rows:
            sheet.append(row if counts else row[:8])
    workbook.save(path)
    return path


def test_close_layouts_are_decided_by_evidence_outside_the_columns(tmp_path, municipalities):
    path = write_oge_per_subject(tmp_path / "itogi.xlsx")
    detection = detect(path, load_table_source(path), {"assessment_results"})
    fitting = [c for c in detection.candidates if c.fits]
    assert {c.layout.name for c in fitting[:2]} == {"fis_oko_vpr_statistics", "regional_exam_per_school"}
    assert fitting[0].score - fitting[1].score < detection_margin()  # a hair apart: the columns cannot decide
    assert detection.layout.name == "regional_exam_per_school" and not detection.ambiguous
    [evidence] = detection.evidence
    assert "процедура ОГЭ" in evidence and "процедура не найдена" in evidence  # ВПР finds no procedure
    result = read(path, municipalities)
    assert result.accepted, result.errors
    assert set(result.rows["procedure"]) == {"ОГЭ"} and set(result.rows["grade"]) == {9}
    assert set(result.rows["subject"]) == {"Математика", "Русский язык"}
    assert by_metric(result, "23045005", "Русский язык") == {"participants": 25.0, "mean_score": 3.8}
    assert any("предмет Математика — в имени листа" in e for e in result.evidence)
    assert any("процедура ОГЭ — в заголовке таблицы" in e for e in result.evidence)


def test_close_layouts_without_evidence_are_refused_as_ambiguous_naming_both(tmp_path, municipalities):
    # no procedure anywhere; each layout leaves something unexplained (ВПР: the «МО» column; ОГЭ/ЕГЭ: the procedure)
    path = write_oge_per_subject(tmp_path / "itogi.xlsx", title="Результаты 2024 года", counts=True)
    detection = detect(path, load_table_source(path), {"assessment_results"})
    fitting = [c for c in detection.candidates if c.fits]
    assert fitting[0].score - fitting[1].score < detection_margin() and detection.ambiguous
    result = read(path, municipalities)
    assert not result.accepted and result.rows.empty
    [error] = result.errors
    assert "неоднозначен" in error.rule
    assert "fis_oko_vpr_statistics" in error.rule and "regional_exam_per_school" in error.rule


# --- the check command: text, JSON and exit codes ----------------------------------------------------

def check(capsys, home: Path, *args: str) -> tuple[int, str]:
    code = main(["--home", str(home), "check-results", *args])
    return code, capsys.readouterr().out


def test_check_results_lists_what_was_not_read_and_the_evidence(tmp_path, capsys):
    path = write_ege_with_units(tmp_path / "ege_2024.xlsx")
    code, text = check(capsys, tmp_path, str(path))
    assert code == 0 and "Файл принят" in text
    assert "НЕ ПРОЧИТАНО лист «Заявления» [лист]: лист не прочитан: это лист заявлений" in text
    assert "ОСНОВАНИЕ лист «2024», блок «Русский язык»: процедура ЕГЭ — в заголовке таблицы" in text
    assert "класс 11 — по процедуре ЕГЭ" in text
    code, text = check(capsys, tmp_path, str(path), "--json")
    report = json.loads(text)
    assert code == report["exit_code"] == 0 and report["rows_total"] == 13 and not report["rows_truncated"]
    assert report["summary"]["schools"] == 3 and report["summary"]["rows"] == 13
    assert {(n["sheet"], n["indicator"]) for n in report["not_read"]} >= {("Заявления", "лист"), ("Пояснения", "лист"),
                                                                          ("2024", "столбцы")}


def test_check_exit_codes_as_documented(tmp_path, capsys):
    accepted = write_ege_with_units(tmp_path / "ege_2024.xlsx")
    ambiguous = write_oge_per_subject(tmp_path / "itogi.xlsx", title="Результаты 2024 года", counts=True)
    not_a_workbook = tmp_path / "rezultaty.xlsx"
    not_a_workbook.write_text("это не книга Excel", encoding="utf-8")
    truncated = tmp_path / "obrezan.xlsx"
    truncated.write_bytes(accepted.read_bytes()[:2000])
    assert check(capsys, tmp_path, str(accepted))[0] == 0
    assert check(capsys, tmp_path, str(ambiguous))[0] == 1
    assert check(capsys, tmp_path, str(not_a_workbook))[0] == 2
    assert check(capsys, tmp_path, str(truncated))[0] == 2
    assert check(capsys, tmp_path, str(tmp_path / "net_takogo.xlsx"))[0] == 2
    assert main(["--home", str(tmp_path), "check-submission", str(not_a_workbook)]) == 2
    assert main(["--home", str(tmp_path), "check-submission", str(accepted)]) == 1  # results, not a form
    for usage in (["check-results"], ["check-submission"], ["check-results", str(accepted), "--no-such-option"]):
        with pytest.raises(SystemExit) as error:
            main(usage)
        assert error.value.code == 2
    capsys.readouterr()


# --- the municipal form with a block per school, each under its own header --------------------------

def write_form_in_school_blocks(path: Path, form_path: Path) -> Path:
    """The municipal form written as one block per ШНОР: each block a title row naming its school, its own
    header «№ п/п | Наименование … | Баллы» (no «Количественные показатели» column: the counts are typed in
    the one value column), then the whole table. The second school has none of МНЦ-3's sub-items and leaves
    the municipality's counts blank."""
    source = openpyxl.load_workbook(form_path).active
    rows = [list(r[:4]) for r in source.iter_rows(values_only=True)]
    header = next(i for i, r in enumerate(rows) if r[0] == "№ п/п")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Мониторинг"
    for row in rows[:header]:
        sheet.append(row)
    for school, second in (("МБОУ СОШ № 5", False), ("МБОУ СОШ № 7", True)):
        sheet.append([])
        sheet.append([f"Образовательная организация: {school}"])
        sheet.append(["№ п/п", "Наименование оцениваемого параметра", "Баллы (наличие-1, отсутствие -0)"])
        section, number, item = "", None, 0
        for first, label, value, count in rows[header + 1:]:
            if isinstance(first, str):
                section = first
            if isinstance(first, int):
                number, item = first, 0
            elif isinstance(label, str) and label.startswith("-"):
                item += 1
            if count not in (None, "*"):  # a count: typed in the one value column
                value = None if second else count
            elif second and "(МНЦ)" in section and number == 3 and isinstance(label, str) and label.startswith("-"):
                value = 0
            sheet.append([first, label, value])
    workbook.save(path)
    return path


def test_municipal_form_with_a_block_per_school_is_read(tmp_path, form, municipalities):
    from ingestion.submission_reader import read_submission  # noqa: PLC0415 - the form reader, for this test only
    from tests.workbooks import MONITORING_ID, form_values, write_submission  # noqa: PLC0415 - form fixtures

    base = write_submission(tmp_path / "base.xlsx", "МО Славянский район", form_values(MNC_3=[1, 0, 1], MPH_8=[3]))
    path = write_form_in_school_blocks(tmp_path / "Славянский.xlsx", base)
    result = read_submission(path, form, MONITORING_ID, municipalities)
    assert result.accepted, result.errors
    assert result.municipality.oktmo == SLAVYANSK
    rows = result.rows
    assert len(rows) == 50 * 2 + 5  # 50 presence sub-items for each school, the municipality's 5 counts once
    mnc3 = rows[rows["indicator_code"] == "MNC-3"].groupby("unit_label")["value"].sum().to_dict()
    assert mnc3 == {"МБОУ СОШ № 5": 2.0, "МБОУ СОШ № 7": 0.0}
    counts = rows[rows["kind"] == "count"]
    assert set(counts["unit_label"]) == {"МО"} and counts.set_index("indicator_code")["value"]["MPH-8"] == 3.0


# --- a draft layout for an export nobody described ---------------------------------------------------

def write_unknown_ege(path: Path) -> Path:
    """Applications first, results second: a login column headed «Идентификатор», a count of graduates «of
    secondary general education» (not a mean), the shares of marks 2–5 (each row sums to 100) and a mean mark."""
    workbook = openpyxl.Workbook()
    applications = workbook.active
    applications.title = "Заявления"
    applications.append(["Заявления на участие в ЕГЭ по математике (базовый уровень) 2024 года"])
    applications.append(["МО", "Наименование ОО", "Подано заявлений", "Из них выпускников прошлых лет"])
    for row in [["Абинский район", "МБОУ СОШ № 1", 26, 1], ["Абинский район", "МБОУ ООШ № 2", 11, 0],
                ["Славянский район", "МБОУ СОШ № 5", 31, 1], ["Славянский район", "МБОУ СОШ № 7", 9, 0]]:
        applications.append(row)
    results = workbook.create_sheet("Результаты")
    results.append(["Результаты ЕГЭ по математике (базовый уровень) 2024 года"])
    results.append(["МО", "Идентификатор", "Наименование ОО", "Выпускники среднего общего образования",
                    "Количество участников", "2", "3", "4", "5", "Средний балл"])
    for row in [["Абинский район", "sch233001", "МБОУ СОШ № 1", 25, 24, 4.2, 33.3, 41.7, 20.8, 3.8],
                ["Абинский район", "sch233002", "МБОУ ООШ № 2", 11, 10, 10.0, 40.0, 30.0, 20.0, 3.6],
                ["Славянский район", "sch233045", "МБОУ СОШ № 5", 30, 30, 0.0, 30.0, 50.0, 20.0, 3.9]]:
        results.append(row)
    workbook.save(path)
    return path


def test_infer_drafts_from_the_data_sheet_with_evidence_and_reads_it_back(tmp_path):
    from ingestion.infer import draft_layout  # noqa: PLC0415 - the draft's details, beyond the text the CLI prints

    draft = draft_layout(write_unknown_ege(tmp_path / "ege_matematika.xlsx"), name="draft")
    assert draft.sheet == "Результаты"  # not the applications sheet, though it comes first
    assert any("«Заявления»: заявления" in line for line in draft.skipped)
    guesses = {g.column: g for g in draft.guesses}
    assert guesses["B"].field == "school_login" and "логины вида sch" in guesses["B"].evidence
    assert guesses["D"].field == "metric_1" and guesses["D"].kind == "count"  # «среднего общего …» is no mean
    assert guesses["E"].field == "participants" and "целые ≥ 0" in guesses["E"].evidence
    assert guesses["F"].field == "mark_2_share" and "в сумме 100" in guesses["F"].evidence
    assert guesses["J"].field == "mean_score" and "шкалы отметок" in guesses["J"].evidence
    # the draft run against the file: 3 schools × 7 values, 2 municipalities, 24 + 10 + 30 participants in 2024
    assert draft.summary["rows"] == 21 and draft.summary["schools"] == 3 and draft.summary["municipalities"] == 2
    [group] = draft.summary["results"]
    assert (group["procedure"], group["year"], group["grade"], group["participants"]) == ("ЕГЭ", 2024, 11, 64.0)
    assert any("предмет" in problem for problem in draft.problems)  # what the operator still has to settle
    assert "# ДОГАДКА столбец J «Средний балл» → mean_score" in draft.text
    assert "# ПРОБНОЕ ЧТЕНИЕ: строк 21, школ 3, муниципалитетов 2" in draft.text


def test_a_vpr_export_whose_school_column_has_another_heading_is_known_by_its_logins(tmp_path, municipalities):
    from tests.test_real_layouts import write_fis_oko_vpr  # noqa: PLC0415 - the ВПР statistics built by hand there

    path = write_fis_oko_vpr(tmp_path / "vpr.xlsx")
    workbook = openpyxl.load_workbook(path)
    workbook.active["A6"] = "Участник"  # none of the layout's headings for the school column
    workbook.save(path)
    result = read(path, municipalities)
    assert result.layout == "fis_oko_vpr_statistics" and result.accepted, result.errors
    assert len(result.rows) == 3 * 5  # three schools × participants and four mark shares, as under «ОО»
    assert by_metric(result, "23001002", "Русский язык") == {"participants": 25.0, "mark_2_share": 0.16,
                                                             "mark_3_share": 0.44, "mark_4_share": 0.28,
                                                             "mark_5_share": 0.12}


def test_subjects_in_a_merged_row_above_the_header_are_blocks_for_any_layout(tmp_path, municipalities):
    """A ВПР statistics sheet with two subjects side by side, each title merged over its own «Кол-во уч.» and
    marks: the ВПР layout names no block, the engine sees the repeated measures under different titles."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Всероссийские проверочные работы 2024 (5 класс)"])
    sheet.append(["Статистика по отметкам"])
    sheet.append(["ОО", "Русский язык", None, None, None, None, "Математика"])
    sheet.append([None, "Кол-во уч.", 2, 3, 4, 5, "Кол-во уч.", 2, 3, 4, 5])
    sheet.merge_cells("A3:A4")
    sheet.merge_cells("B3:F3")
    sheet.merge_cells("G3:K3")
    for row in [["Абинский муниципальный район", 70, 12.9, 41.4, 31.4, 14.3, 69, 10.1, 40.6, 33.3, 16.0],
                ["sch233001 МБОУ СОШ № 1", 45, 11.1, 40, 33.3, 15.6, 44, 9.1, 40.9, 34.1, 15.9],
                ["sch233002 МБОУ ООШ № 2", 25, 16, 44, 28, 12, 25, 12, 40, 32, 16],
                ["Славянский муниципальный район", 30, 6.7, 33.3, 40, 20, 30, 10, 30, 40, 20],
                ["sch233045 МБОУ СОШ № 5", 30, 6.7, 33.3, 40, 20, 30, 10, 30, 40, 20]]:
        sheet.append(row)
    path = tmp_path / "vpr_5.xlsx"
    workbook.save(path)
    result = read(path, municipalities)
    assert result.layout == "fis_oko_vpr_statistics" and result.accepted, result.errors
    assert len(result.rows) == 3 * 2 * 5  # three schools × two subjects × participants and four shares
    assert set(result.rows["subject"]) == {"Русский язык", "Математика"} and set(result.rows["grade"]) == {5}
    assert by_metric(result, "23001002", "Математика") == {"participants": 25.0, "mark_2_share": 0.12,
                                                           "mark_3_share": 0.4, "mark_4_share": 0.32,
                                                           "mark_5_share": 0.16}


def test_what_was_not_read_is_kept_in_the_files_data_quality_record(tmp_path):
    from shnor import ingest  # noqa: PLC0415 - the pipeline's intake, for this test only
    from shnor_core import warehouse  # noqa: PLC0415 - reading the audit table back
    from shnor_core.settings import DataHome  # noqa: PLC0415 - a data home of this test's own
    from shnor_core.sources import ASSESSMENT, landing_folder  # noqa: PLC0415 - where results land

    home = DataHome(tmp_path / "home")
    folder = landing_folder(home, ASSESSMENT)
    folder.mkdir(parents=True)
    write_ege_with_units(folder / "ege_2024.xlsx")
    ingest.ingest_school_data(home)
    notes = warehouse.query(home.warehouse, "select sheet, indicator, rule from audit.file_errors "
                                            "where stage = 'not_read' order by sheet, indicator")
    assert ("Заявления", "лист") in set(zip(notes["sheet"], notes["indicator"]))
    assert any("«100 баллов»" in rule for rule in notes["rule"])
    status = warehouse.query(home.warehouse, "select status from raw.files").iloc[0]["status"]
    assert status == "read"  # left unread is said, never a refusal by itself
