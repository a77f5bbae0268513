"""School-level sources: ВПР and ЕГЭ layouts, Moscow's open data, school names from the seeds, lists, mentors."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from ingestion.detect import ReadContext, read_source
from ingestion.people import person_id
from ingestion.school_names import SchoolMatcher, SchoolRef, school_key
from tests.cli_in_process import shnor

FIXTURES = Path(__file__).parent / "fixtures"
ABINSK, SLAVYANSK, SOCHI = "03601000", "03645000", "03726000"
REGISTRY = [
    SchoolRef("23001001", "МБОУ СОШ № 1", ABINSK), SchoolRef("23001002", "МБОУ ООШ № 2", ABINSK),
    SchoolRef("23001003", "МАОУ лицей № 3", ABINSK),
    # Славянский район, seed 001's names
    *[SchoolRef(f"2302800{i}", name, SLAVYANSK) for i, name in enumerate(
        ["МБОУ СОШ № 5", "МБОУ ООШ № 7", "МАОУ СОШ № 17", "МБОУ СОШ № 19", "МАОУ лицей № 1", "МАОУ гимназия № 5"])],
    # Сочи, seed 002's names
    *[SchoolRef(f"2304400{i}", name, SOCHI) for i, name in enumerate(
        ["МОБУ СОШ № 53", "МОБУ лицей № 59", "МОБУ гимназия № 76", "МОБУ СОШ № 88"])],
]


@pytest.fixture
def matcher():
    return SchoolMatcher(REGISTRY)


def read_as(kind, path, municipalities=(), matcher=None):
    """A file read as the pipeline reads it: by the layout detection picks for it."""
    return read_source(path, ReadContext(list(municipalities), matcher or SchoolMatcher([])), kind)


def read_vpr_statistics(path, municipalities, matcher):
    result = read_as("assessment_results", path, municipalities, matcher)
    assert result.layout == "fis_oko_vpr_statistics", result.errors
    return result


def read_exam_results(path, municipalities, matcher):
    result = read_as("assessment_results", path, municipalities, matcher)
    assert result.layout == "regional_exam_per_school", result.errors
    return result


def read_moscow_ege(path):
    result = read_as("assessment_results", path)
    assert result.layout == "moscow_open_data_ege", result.errors
    return result


def read_school_lists(path, municipalities, matcher):
    return read_as("school_lists", path, municipalities, matcher)


KEY = b"the installation's secret"


def read_mentor_assignments(path, municipalities, matcher):
    return read_source(path, ReadContext(list(municipalities), matcher, pseudonym_key=KEY), "mentor_assignments")


@pytest.mark.parametrize("written, oktmo, code", [
    ("СОШ № 19", SLAVYANSK, "23028003"),                 # seed 001: "СОШ № 19 - «Формирование …»"
    ("ООШ № 7", SLAVYANSK, "23028001"),
    ("Лицей № 1", SLAVYANSK, "23028004"),
    ("МАОУ СОШ № 17 им. Героя Советского Союза", SLAVYANSK, "23028002"),
    ('МБОУ "СОШ № 5"', SLAVYANSK, "23028000"),
    ("МБОУ&nbsp;СОШ&nbsp;№&nbsp;5", SLAVYANSK, "23028000"),
    ("средняя общеобразовательная школа №5", SLAVYANSK, "23028000"),
    ("директор лицея № 59", SOCHI, "23044001"),          # seed 002's curator table
    ("гимназии № 76", SOCHI, "23044002"),
    ("СОШ №88", SOCHI, "23044003"),
])
def test_seed_school_names_match(written, oktmo, code, matcher):
    match = matcher.match(written, oktmo)
    assert match.school is not None and match.school.code == code and match.score == 1.0


def test_ambiguous_and_unknown_names_go_to_review(matcher):
    ambiguous = matcher.match("школа № 5", SLAVYANSK)  # СОШ № 5 and гимназия № 5 both exist
    assert ambiguous.school is None and set(ambiguous.candidates) == {"МБОУ СОШ № 5", "МАОУ гимназия № 5"}
    unknown = matcher.match("МБОУ СОШ № 43", SLAVYANSK)
    assert unknown.school is None and unknown.reason == "школа с таким видом и номером не найдена"
    wrong_place = matcher.match("МБОУ СОШ № 5", ABINSK)  # never matched across municipalities
    assert wrong_place.school is None
    assert school_key("МБОУ СОШ") == ("сош", None)


def write_vpr(path: Path) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Математика 5"
    for row in [["Всероссийские проверочные работы 2025. Статистика по отметкам"], ["Предмет: Математика"],
                ["Класс: 5"], [], ["ОО", "Кол-во участников", "2", "3", "4", "5", "Понизили", "Подтвердили", "Повысили"],
                ["Краснодарский край", 5000, 10, 40, 35, 15, 20, 70, 10],
                ["Абинский район", 70, 12, 40, 30, 18, 25, 65, 10],
                ["(sch230001) МБОУ СОШ № 1", 25, 8, 40, 32, 20, 24, 68, 8],
                ["(sch230002) МБОУ ООШ № 2", 35, "14,3", 40, "28,6", "17,1", "х", "х", "х"],
                ["(sch230099) МБОУ СОШ № 99", 10, 0, 50, 30, 20, 10, 80, 10]]:
        sheet.append(row)
    workbook.save(path)
    return path


def test_vpr_statistics_by_hand(tmp_path, municipalities, matcher):
    result = read_vpr_statistics(write_vpr(tmp_path / "vpr_2025.xlsx"), municipalities, matcher)
    assert result.errors == [] and result.years == [2025]
    rows = result.rows
    school_1 = rows[rows["school_code"] == "23001001"].set_index("metric")["value"].to_dict()
    assert school_1 == {"participants": 25.0, "mark_2_share": 0.08, "mark_3_share": 0.4, "mark_4_share": 0.32,
                        "mark_5_share": 0.2, "lowered_share": 0.24, "confirmed_share": 0.68, "raised_share": 0.08}
    school_2 = rows[rows["school_code"] == "23001002"].set_index("metric")["value"].to_dict()
    assert school_2["mark_2_share"] == pytest.approx(0.143) and "lowered_share" not in school_2  # "х" is empty
    assert set(rows["subject"]) == {"Математика"} and set(rows["grade"]) == {5} and set(rows["procedure"]) == {"ВПР"}
    assert set(rows["municipality_oktmo"]) == {ABINSK}
    assert "Краснодарский край" not in set(rows["school_name_raw"])  # region total dropped
    [unmatched] = result.unmatched
    assert unmatched["written_name"] == "(sch230099) МБОУ СОШ № 99" and unmatched["source_row"] == 10
    assert rows.loc[rows["school_name_raw"].str.contains("№ 99"), "school_code"].isna().all()


def write_exam(path: Path) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Результаты ЕГЭ 2024 по ОО"])
    sheet.append(["Муниципальное образование", "ОО", "Русский язык", None, None, None, "Химия", None, None, None])
    sheet.append([None, None, "Участников", "Средний балл", "Не преодолели минимальный порог", "100 баллов"] * 1
                 + ["Участников", "Средний балл", "Не преодолели минимальный порог", "100 баллов"])
    sheet.merge_cells("C2:F2")
    sheet.merge_cells("G2:J2")
    for row in [["Абинский район", "МБОУ СОШ № 1", 30, 71.5, 1, 0, 5, 58.2, 0, 0],
                [None, "МАОУ лицей № 3", 40, "80,2", 0, 2, "х", "х", "х", "х"],
                [None, "ВСЕГО по МО", 70, 76.6, 1, 2, 5, 58.2, 0, 0],
                ["Итого по региону", None, 9000, 70, 100, 30, 900, 55, 20, 1]]:
        sheet.append(row)
    workbook.save(path)
    return path


def test_exam_layout_with_merged_headers_fill_down_and_totals(tmp_path, municipalities, matcher):
    result = read_exam_results(write_exam(tmp_path / "ege.xlsx"), municipalities, matcher)
    assert result.errors == [] and result.unmatched == []
    rows = result.rows
    lyceum = rows[rows["school_code"] == "23001003"]
    assert lyceum.set_index(["subject", "metric"])["value"].to_dict() == {
        ("Русский язык", "participants"): 40.0, ("Русский язык", "mean_score"): 80.2,
        ("Русский язык", "below_minimum"): 0.0, ("Русский язык", "score_100"): 2.0}  # chemistry: "х", not zero
    assert set(rows["municipality_oktmo"]) == {ABINSK}  # filled down from the block's first row
    assert set(rows["school_code"]) == {"23001001", "23001003"}  # totals dropped
    assert set(rows["procedure"]) == {"ЕГЭ"} and set(rows["grade"]) == {11} and result.years == [2024]
    chemistry = rows[(rows["school_code"] == "23001001") & (rows["subject"] == "Химия")]
    assert chemistry.set_index("metric")["value"].to_dict()["mean_score"] == 58.2


def test_moscow_open_data_csv_loads():
    result = read_moscow_ege(FIXTURES / "moscow_ege_9722_2016-10-31.csv")
    assert result.errors == [] and result.years == [2016]
    rows = result.rows
    assert len(rows[rows["metric"] == "participants"]) == 626
    school_179 = rows[rows["school_ogrn"] == "1027700566761"].set_index("metric")["value"].to_dict()
    assert school_179 == {"participants": 109.0, "score_220_plus": 80.0, "score_160_plus": 101.0}


def write_table(path: Path, header: list, rows: list[list]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Таблица"])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def test_lists_by_methodology_and_year(tmp_path, municipalities, matcher):
    path = write_table(tmp_path / "lists.xlsx", ["Год", "Список", "МО", "ОО"], [
        [2024, "ШНОР (ФИОКО)", "Славянский район", "МБОУ СОШ № 5"],
        [2024, "ШНОР по региональной методике", None, "МБОУ ООШ № 7"],
        [2024, "Участники проекта «500+»", None, "ООШ № 7"],
        [2024, "Необъективные результаты", "Абинский район", "СОШ № 1"],
        [2024, "постпроектное сопровождение", "Славянский район", "СОШ № 19"]])
    result = read_school_lists(path, municipalities, matcher)
    assert result.errors == [] and result.unmatched == []
    assert list(zip(result.rows["list_kind"], result.rows["school_code"])) == [
        ("shnor_federal", "23028000"), ("shnor_regional", "23028001"), ("project_500", "23028001"),
        ("biased_results", "23001001"), ("post_project", "23028003")]


def test_mentors_are_pseudonymous(tmp_path, municipalities, matcher):
    rows = [["Иванова Анна Сергеевна", "директор лицея № 59", "г. Сочи", "СОШ № 53"],
            ["Петрова Ольга Викторовна", "директор лицея № 95", "г. Сочи", "СОШ № 88"],
            ["Петрова  Ольга Викторовна", "директор лицея № 95", "г. Сочи", "гимназия № 76"]]
    header = ["ФИО куратора", "Должность", "МО", "Курируемая ОО"]
    undated = read_mentor_assignments(write_table(tmp_path / "curators.xlsx", header, rows), municipalities, matcher)
    assert {e.rule for e in undated.errors} == {"год не указан ни в столбце «Год», ни в имени файла"}
    result = read_mentor_assignments(write_table(tmp_path / "curators_2021.xlsx", header, rows), municipalities, matcher)
    assert result.errors == [] and result.years == [2021]
    assert "full_name" not in result.rows.columns
    assert result.rows["person_id"].nunique() == 2  # one curator holds two schools (seed 002)
    assert set(result.rows["role"]) == {"curator"}
    assert list(result.people["full_name"]) == ["Иванова Анна Сергеевна", "Петрова Ольга Викторовна"]
    assert result.rows["person_id"].iloc[1] == person_id("петрова ольга викторовна", KEY)


def write_oo1_sections(path: Path, version: str) -> Path:
    """One school's ОО-1 in the Ministry's layout: header block, numbering row, a table split over two sheets."""
    line = {"2023": ["01", "02", "03", "04"], "2024": ["101", "102", "103", "110"]}[version]
    classes_column = {"2023": 9, "2024": 10}[version]
    workbook = openpyxl.Workbook()
    title = workbook.active
    title.title = "Р1_1"
    for row in [[f"Форма № ОО-1 на начало {version}/{int(version) % 100 + 1} учебного года"], ["Код ОО: 23001001"],
                ["Наименование организации:", "МБОУ СОШ № 1"], ["ОКТМО: 03601000"], ["Местность: сельская"],
                [], ["Показатель", "№ строки", "Значение"], [1, 2, 3], ["Тип местности", "01", 2]]:
        title.append(row)
    main = workbook.create_sheet("Р2_1_1")
    main.append(["Раздел 2.1.1. Сведения о численности обучающихся"])
    main.append(["", "", "Всего", "в т.ч. девочки"])
    main.append(["Наименование", "№ строки"] + [None] * 6)
    main.append([1, 2, 3, 4, 5, 6, 7, 8])
    for code, label, pupils in zip(line, ["1-4 классы", "5-9 классы", "10-11 классы", "Всего"], [170, 210, 40, 420]):
        main.append([label, code, pupils, pupils // 2, "х", None, None, None])
    second = workbook.create_sheet("Р2_1_1 (2)" if version == "2024" else "Р2_1_1(2)")
    second.append(["Раздел 2.1.1 (продолжение)"])
    second.append([1, 2, classes_column, classes_column + 1])  # classes, then class-sets
    for code in line:
        total = code == line[-1]
        second.append(["…", code, 20 if total else "х", 2 if total else "х"])
    ovz = workbook.create_sheet("Р2_1_3")
    ovz.append([1, 2, 3])
    ovz.append(["Обучающиеся с ОВЗ", line[0], "х" if version == "2023" else 12])
    staff = workbook.create_sheet("Р3_1")
    staff.append([1, 2, 3, 4, 5, 6, 7])
    staff.append(["Педагогические работники", line[0], 31, 2, 1, 9, 12])
    age = workbook.create_sheet("Р3_2")
    age.append([1, 2, 3, 4])
    age.append(["Педагогические работники по возрасту", line[0], 5, 7])
    workbook.save(path)
    return path


@pytest.mark.parametrize("version, vacancies, ovz", [("2023", 2, None), ("2024", 1, 12)])
def test_oo1_sectioned_layout_two_form_versions(tmp_path, version, vacancies, ovz):
    path = write_oo1_sections(tmp_path / f"oo1_{version}.xlsx", version)
    result = read_source(path, ReadContext([]), "oo1_context")
    assert result.layout == "oo1_sections"
    assert result.errors == [] and result.year == int(version)
    row = result.rows.iloc[0]
    assert (row["school_code"], row["municipality_oktmo"], row["locality"]) == ("23001001", "03601000", "сельская")
    assert (row["pupils_total"], row["pupils_1_4"], row["pupils_5_9"], row["pupils_10_11"]) == (420, 170, 210, 40)
    assert row["classes_total"] == 20 and row["class_sets"] == 2  # the split table's second sheet, joined by line
    assert (row["teachers_higher_category"], row["teachers_first_category"]) == (9, 12)
    assert (row["teachers_under_35"], row["teachers_60_plus"]) == (5, 7)
    assert row["teachers_total"] == 31 and row["teacher_vacancies"] == vacancies  # the column moved in 2024
    assert (ovz is None and pd.isna(row["pupils_ovz"])) or row["pupils_ovz"] == ovz  # "х": unknown, not zero


def test_check_results_command(tmp_path):
    completed = shnor("check-results", str(FIXTURES / "moscow_ege_9722_2016-10-31.csv"), "--json")
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout)
    assert report["kind"] == "assessment_results" and report["layout"] == "moscow_open_data_ege" and report["years"] == [2016] and len(report["rows"]) == 3 * 626
    assert report["errors"] == []
    vpr = shnor("check-results", str(write_vpr(tmp_path / "vpr_2025.xlsx")), "--json")
    report = json.loads(vpr.stdout)
    assert report["kind"] == "assessment_results" and len(report["unmatched"]) == 3  # no registry given
    junk = tmp_path / "junk.xlsx"
    openpyxl.Workbook().save(junk)
    refused = shnor("check-results", str(junk))
    assert refused.returncode == 1 and "вид файла не распознан" in refused.stdout
