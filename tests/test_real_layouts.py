"""Files as regions and federal systems publish them, each built by hand from the layout's description
(not by the sample generator), with the expected numbers counted by hand."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest
import yaml

from ingestion.detect import ReadContext, read_source
from ingestion.infer import infer_layout
from ingestion.layout_spec import layout_named, parse_layout
from ingestion.school_names import SchoolMatcher, SchoolRef
from ingestion.table_reader import read_with_layout
from ingestion.workbook_source import load_table_source

ABINSK, SLAVYANSK, SOCHI = "03601000", "03645000", "03726000"
REGISTRY = SchoolMatcher([
    SchoolRef("23001001", "МБОУ СОШ № 1", ABINSK, "sch233001"),
    SchoolRef("23001002", "МБОУ ООШ № 2", ABINSK, "sch233002"),
    SchoolRef("23045005", "МБОУ СОШ № 5", SLAVYANSK, "sch233045"),
    SchoolRef("23045007", "МБОУ ООШ № 7", SLAVYANSK, "sch233047"),
    SchoolRef("23044088", "МОБУ СОШ № 88", SOCHI, "sch233088"),
])


def read(path: Path, municipalities, kind: str | None = None, matcher: SchoolMatcher = REGISTRY):
    return read_source(path, ReadContext(municipalities, matcher), kind)


def values(result, school_code: str, subject: str | None = None) -> dict:
    rows = result.rows[result.rows["school_code"] == school_code]
    if subject is not None:
        rows = rows[rows["subject"] == subject]
    return rows.set_index("metric")["value"].to_dict()


# --- a regional ЕГЭ per-school workbook ----------------------------------------------------------------

EGE_METRICS = ["приняло участие, чел.", "не преодолели минимальный порог, чел.",
               "высокобалльники (81–100 баллов), чел.", "средний балл"]


def write_regional_ege(path: Path) -> Path:
    """A sheet per year («2023», «2024 год»); three title rows; a three-level merged header; the
    municipality only in its block's first row; a total per municipality and one for the region; «х» for
    a suppressed value; `&quot;` and non-breaking spaces in names; an empty mean where nobody took the
    subject."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    blocks = {
        "2023": [
            ["Абинский район", "МБОУ СОШ № 1", 20, 1, 3, 64.5, 10, 0, 2, 70.0],
            [None, "МБОУ ООШ № 2", 5, 0, 0, 55.0, 0, 0, 0, None],  # nobody took chemistry: the mean stays unknown
            [None, "Итого по МО", 25, 1, 3, 62.6, 10, 0, 2, 70.0],
            ["Славянский район", "МБОУ &quot;СОШ № 5&quot;", 30, 2, "х", 61.0, 8, 1, 1, 58.5],
            [None, "МБОУ\xa0ООШ\xa0№\xa07", 12, 0, 1, 66.0, 4, 0, 0, 60.0],
            [None, "Итого по МО", 42, 2, "х", 62.4, 12, 1, 1, 59.0],
            ["Итого по краю", None, 9000, 150, 700, 68.0, 3000, 60, 400, 61.0],
        ],
        "2024 год": [
            ["Абинский район", "МБОУ СОШ № 1", 22, 0, 4, 66.0, 11, 1, 1, 62.0],
            [None, "Итого по МО", 22, 0, 4, 66.0, 11, 1, 1, 62.0],
            ["Итого по краю", None, 9100, 140, 720, 68.5, 3100, 55, 410, 62.0],
        ],
    }
    for title, rows in blocks.items():
        sheet = workbook.create_sheet(title)
        sheet.append(["Министерство образования, науки и молодёжной политики Краснодарского края"])
        sheet.append([f"Результаты ЕГЭ {title[:4]} года по общеобразовательным организациям"])
        sheet.append(["ГКУ КК «Центр оценки качества образования»"])
        sheet.append(["Муниципальное образование", "Образовательная организация (школа)", "Результаты по предметам"])
        sheet.append([None, None, "Русский язык", None, None, None, "Химия"])
        sheet.append([None, None] + EGE_METRICS * 2)
        sheet.merge_cells("A4:A6")
        sheet.merge_cells("B4:B6")
        sheet.merge_cells("C4:J4")
        sheet.merge_cells("C5:F5")
        sheet.merge_cells("G5:J5")
        for row in rows:
            sheet.append(row)
        sheet.append([])
        sheet.append(["Примечание: «х» — данные не публикуются (менее 10 участников)."])
    workbook.save(path)
    return path


def test_regional_ege_workbook_loads_with_hand_counts(tmp_path, municipalities):
    result = read(write_regional_ege(tmp_path / "ege_po_shkolam.xlsx"), municipalities, "assessment_results")
    assert result.layout == "regional_exam_per_school" and result.errors == [], result.errors
    assert result.accepted and result.years == [2023, 2024]
    rows = result.rows
    # 2023: 4 schools × 2 subjects; 2024: 1 school × 2 subjects; each cell's values, less the unknown ones
    # less «х» (СОШ № 5 высокобалльники) and ООШ № 2's chemistry: nobody took it, so its mean and counts are unknown
    assert len(rows) == (4 * 2 * 4 - 1 - 3) + 2 * 4
    assert set(rows["procedure"]) == {"ЕГЭ"} and set(rows["grade"]) == {11}
    assert set(rows["subject"]) == {"Русский язык", "Химия"}
    assert values(result, "23001002", "Химия") == {"participants": 0.0}  # beside 0 participants: unknown, never 0
    slav5 = rows[(rows["school_code"] == "23045005") & (rows["subject"] == "Русский язык") & (rows["year"] == 2023)]
    assert slav5.set_index("metric")["value"].to_dict() == {"participants": 30.0, "below_minimum": 2.0, "mean_score": 61.0}
    assert set(rows.loc[rows["school_code"] == "23045005", "school_name_raw"]) == {'МБОУ "СОШ № 5"'}  # &quot; resolved
    assert set(rows.loc[rows["school_code"] == "23045007", "municipality_oktmo"]) == {SLAVYANSK}  # filled down
    assert rows["school_code"].notna().all() and result.unmatched == []
    assert "Итого по краю" not in set(rows["school_name_raw"]) and "Итого по МО" not in set(rows["school_name_raw"])
    assert set(rows.loc[rows["year"] == 2024, "school_code"]) == {"23001001"}


def test_a_municipality_total_that_disagrees_with_its_schools_is_an_error(tmp_path, municipalities):
    path = write_regional_ege(tmp_path / "ege.xlsx")
    workbook = openpyxl.load_workbook(path)
    workbook["2023"]["C9"] = 26  # Абинский: 20 + 5 = 25 participants in Russian, the total says 26
    workbook.save(path)
    result = read(path, municipalities, "assessment_results")
    [error] = result.errors
    assert (error.sheet, error.cell, error.indicator) == ("2023", "C9", "participants")
    assert "26" in error.rule and "25" in error.rule and "Абинский район" in error.rule
    assert not result.accepted


def test_a_results_file_without_its_procedure_is_refused_as_ambiguous(tmp_path, municipalities):
    path = write_regional_ege(tmp_path / "rezultaty_po_shkolam.xlsx")
    workbook = openpyxl.load_workbook(path)
    for sheet in workbook.worksheets:
        sheet["A2"] = "Результаты по общеобразовательным организациям"  # neither ЕГЭ nor ОГЭ anywhere
    workbook.save(path)
    result = read(path, municipalities, "assessment_results")
    assert not result.accepted
    assert any(e.indicator == "procedure" and "процедуру" in e.rule for e in result.errors)


def test_an_ege_file_naming_two_procedures_is_ambiguous(tmp_path, municipalities):
    path = write_regional_ege(tmp_path / "ege.xlsx")
    workbook = openpyxl.load_workbook(path)
    workbook["2023"]["A3"] = "Сводная таблица ОГЭ и ЕГЭ"
    workbook.save(path)
    result = read(path, municipalities, "assessment_results")
    assert any("неоднозначно" in e.rule and e.indicator == "procedure" for e in result.errors)


# --- ВПР from the federal assessment system ----------------------------------------------------------

def write_fis_oko_vpr(path: Path) -> Path:
    """Title rows naming the work, subject and grade; nested rows (the whole sample, the region, a
    municipality, its schools by login); «Кол-во уч.» and the shares of marks 2–5 in percent under one
    merged title."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Лист1"
    sheet.append(["Всероссийские проверочные работы 2024 (5 класс)"])
    sheet.append(["Дата: 16.04.2024"])
    sheet.append(["Предмет: Русский язык"])
    sheet.append(["Статистика по отметкам"])
    sheet.append(["Максимальный первичный балл: 45"])
    sheet.append(["ОО", "Кол-во уч.", "Распределение групп баллов в %"])
    sheet.append([None, None, 2, 3, 4, 5])
    sheet.merge_cells("A6:A7")
    sheet.merge_cells("B6:B7")
    sheet.merge_cells("C6:F6")
    for row in [["Вся выборка", 1442520, 11.2, 37.5, 36.1, 15.2],
                ["Краснодарский край", 60211, 10.1, 36.2, 37.7, 16.0],
                ["Абинский муниципальный район", 70, 12.9, 41.4, 31.4, 14.3],
                ["(sch233001) МБОУ СОШ № 1", 45, 11.1, 40, 33.3, 15.6],
                ["sch233002 МБОУ ООШ № 2", 25, 16, 44, 28, 12],
                ["Славянский муниципальный район", 30, 6.7, 33.3, 40, 20],
                ["sch233045 МБОУ СОШ № 5", 30, 6.7, 33.3, 40, 20]]:
        sheet.append(row)
    workbook.save(path)
    return path


def test_fis_oko_vpr_statistics_with_logins(tmp_path, municipalities):
    result = read(write_fis_oko_vpr(tmp_path / "ВПР_РУ_5.xlsx"), municipalities, "assessment_results")
    assert result.layout == "fis_oko_vpr_statistics" and result.errors == [], result.errors
    rows = result.rows
    assert len(rows) == 3 * 5  # three schools × participants and four mark shares; sample, region, МО dropped
    assert values(result, "23001002") == {"participants": 25.0, "mark_2_share": 0.16, "mark_3_share": 0.44,
                                          "mark_4_share": 0.28, "mark_5_share": 0.12}
    assert set(rows["subject"]) == {"Русский язык"} and set(rows["grade"]) == {5} and set(rows["year"]) == {2024}
    assert dict(zip(rows["school_code"], rows["municipality_oktmo"])) == {
        "23001001": ABINSK, "23001002": ABINSK, "23045005": SLAVYANSK}


def test_vpr_municipality_row_is_checked_against_its_schools(tmp_path, municipalities):
    path = write_fis_oko_vpr(tmp_path / "vpr.xlsx")
    workbook = openpyxl.load_workbook(path)
    workbook.active["B10"] = 71  # Абинский: 45 + 25 = 70 participants
    workbook.save(path)
    result = read(path, municipalities, "assessment_results")
    assert [(e.cell, e.indicator) for e in result.errors] == [("B10", "participants")]


def test_vpr_with_schools_unknown_to_the_registry_is_accepted_and_counts_them(tmp_path, municipalities):
    """Names never hold a file (issue 27): the rows load as written, the warehouse resolves them on each build
    and the check says how many the registry does not know."""
    registry = SchoolMatcher([SchoolRef("23001009", "МБОУ СОШ № 9", ABINSK)])  # the region's registry, other schools
    result = read(write_fis_oko_vpr(tmp_path / "vpr.xlsx"), municipalities, "assessment_results", registry)
    assert result.accepted and result.held_reason is None
    assert result.notes == ["3 из 3 строк: школа не сопоставлена с реестром — в витринах как незарегистрированная "
                            "или ждёт решения (shnor review)"]
    assert result.rows["school_code"].isna().all() and result.rows["school_name_raw"].nunique() == 3


# --- federal lists ---------------------------------------------------------------------------------------

def write_list(path: Path, title: str, header: list[str], rows: list[list]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Перечень"
    sheet.append([title])
    sheet.append([])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def test_federal_lists_in_any_column_order_and_capitalisation(tmp_path, municipalities):
    low = write_list(tmp_path / "list_low.xlsx", "Перечень ОО с низкими образовательными результатами, 2024 год",
                     ["Регион", "Муниципалитет", "Логин ОО", "Наименование ОО"],
                     [["Краснодарский край", "Абинский муниципальный район", "sch233001", "МБОУ СОШ № 1"],
                      ["Краснодарский край", "Славянский муниципальный район", "sch233047", "МБОУ ООШ № 7"]])
    biased = write_list(tmp_path / "necel_2024.xlsx", "ОО С ПРИЗНАКАМИ НЕОБЪЕКТИВНЫХ РЕЗУЛЬТАТОВ ВПР 2024",
                        ["НАИМЕНОВАНИЕ ОО", "логин оо", "МУНИЦИПАЛИТЕТ", "регион"],
                        [["МОБУ СОШ № 88", "sch233088", "город-курорт Сочи", "Краснодарский край"]])
    low_read, biased_read = read(low, municipalities, "school_lists"), read(biased, municipalities, "school_lists")
    assert low_read.layout == biased_read.layout == "fioko_school_list"
    assert low_read.errors == [] and biased_read.errors == []
    assert list(zip(low_read.rows["list_kind"], low_read.rows["year"], low_read.rows["school_code"])) == [
        ("shnor_federal", 2024, "23001001"), ("shnor_federal", 2024, "23045007")]
    assert list(zip(biased_read.rows["list_kind"], biased_read.rows["school_code"],
                    biased_read.rows["municipality_oktmo"])) == [("biased_results", "23044088", SOCHI)]


# --- CSV dialects -------------------------------------------------------------------------------------

REGISTRY_ROWS = [["23001001", 'МБОУ "СОШ № 1"', "03601000", "2323001001", "1022300001001"],
                 ["23001002", "МБОУ ООШ № 2", "03601000", "2323001002", "1022300001002"]]


@pytest.mark.parametrize("encoding, delimiter", [("utf-8-sig", ";"), ("cp1251", ","), ("utf-8", "\t"),
                                                 ("cp1251", ";")])
def test_registry_csv_in_every_dialect(tmp_path, encoding, delimiter):
    path = tmp_path / "reestr.csv"
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter, quoting=csv.QUOTE_ALL if delimiter == ";" else csv.QUOTE_MINIMAL)
        writer.writerow(["Код ОО", "Наименование ОО", "ОКТМО МО", "ИНН", "ОГРН"])
        writer.writerows(REGISTRY_ROWS)
    result = read(path, [], "school_registry")
    assert result.layout == "school_registry" and result.errors == [], result.errors
    assert [list(r) for r in result.rows[["school_code", "school_name", "municipality_oktmo", "inn", "ogrn"]]
            .itertuples(index=False)] == REGISTRY_ROWS  # the inner quotes of «"СОШ № 1"» kept


def test_a_csv_in_an_unknown_encoding_is_refused_with_a_russian_reason(tmp_path):
    path = tmp_path / "reestr.csv"
    path.write_bytes("Код ОО;Наименование ОО\n23001001;школа\n".encode("utf-16"))
    result = read(path, [], "school_registry")
    assert not result.accepted and "UTF-8 или Windows-1251" in result.errors[0].rule


# --- what no layout explains ------------------------------------------------------------------------

def test_a_statistics_export_is_refused_with_the_closest_layouts(tmp_path, municipalities):
    """A municipality-level export (a count of schools, no school column) is not read as schools."""
    path = write_list(tmp_path / "statistika.xlsx", "Статистика ЕГЭ 2024 по муниципалитетам",
                      ["Муниципальное образование", "Количество ОО", "Количество участников", "Средний балл"],
                      [["Абинский район", 12, 240, 66.1], ["Славянский район", 31, 610, 64.0]])
    result = read(path, municipalities)
    assert not result.accepted and result.rows.empty
    [error] = result.errors
    assert error.rule.startswith("вид файла не распознан: ни один известный макет не подходит; ближе всего: ")
    assert "regional_exam_per_school" in error.rule and "нет: «Образовательная организация»" in error.rule


# --- a draft layout for an unknown export ------------------------------------------------------------

def test_layouts_infer_drafts_a_usable_layout_for_the_ege_workbook(tmp_path, municipalities):
    """With its layout file set aside, the ЕГЭ workbook gets a draft that reads it exactly as the real one."""
    path = write_regional_ege(tmp_path / "ege_po_shkolam.xlsx")
    draft_text = infer_layout(path, name="draft_ege")
    draft = parse_layout(tmp_path / "draft_ege.yaml", yaml.safe_load(draft_text))
    assert draft.kind == "assessment_results" and draft.header_levels == (3,)
    assert [c.field for c in draft.columns] == ["municipality", "school"] and draft.block_fact == "subject"
    sheets = load_table_source(path)
    context = ReadContext(municipalities, REGISTRY)
    by_draft = read_with_layout(draft, path, "sha", sheets, context)
    by_layout = read_with_layout(layout_named("regional_exam_per_school"), path, "sha", sheets, context)
    assert by_draft.errors == [] and len(by_draft.rows) == 36  # 38 before: counts beside 0 participants are unknown
    columns = ["procedure", "year", "subject", "grade", "school_code", "metric", "value", "source_cell"]
    assert by_draft.rows[columns].sort_values(columns).reset_index(drop=True).equals(
        by_layout.rows[columns].sort_values(columns).reset_index(drop=True))
