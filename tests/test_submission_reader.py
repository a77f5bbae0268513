"""The submission reader on workbooks whose values are set by hand."""

from __future__ import annotations

import openpyxl

from ingestion.cells import parse_value
from ingestion.submission_reader import read_submission
from tests.workbooks import MONITORING_ID, form_values, write_submission


def score(result, code):
    rows = result.rows[result.rows["indicator_code"] == code]
    return rows["value"].sum()


def test_values_people_type_are_read(tmp_path, form, municipalities):
    values = form_values(presence_default=0, MNC_3=["да", "1,0", " 1 "], MTKP_4=["нет", "0.0", 1, "1"], MPH_8=["12"])
    path = write_submission(tmp_path / "форма.xlsx", "МО Абинский район", values)

    result = read_submission(path, form, MONITORING_ID, municipalities)

    assert result.accepted, result.errors
    assert result.municipality.oktmo == "03601000"
    assert result.is_demo
    assert len(result.rows) == 55  # every item of the catalogue, once
    assert score(result, "MNC-3") == 3
    assert score(result, "MTKP-4") == 2
    assert score(result, "MPH-8") == 12
    assert score(result, "MNC-5") == 0


def test_every_value_keeps_its_cell(tmp_path, form, municipalities):
    path = write_submission(tmp_path / "f.xlsx", "г. Геленджик", form_values(MNC_3=[1, 0, 1]))
    result = read_submission(path, form, MONITORING_ID, municipalities)

    sheet = openpyxl.load_workbook(path)["Мониторинг"]
    for row in result.rows.itertuples():
        assert str(sheet[row.source_cell].value).strip() == row.raw_value
    assert set(result.rows["source_sha256"]) == {result.sha256}
    assert result.municipality.name == "город-курорт Геленджик"


def test_parse_errors_name_the_cell_and_rule(tmp_path, form, municipalities):
    values = form_values(MNC_2=["много", 1], MPH_9=[2.5])
    path = write_submission(tmp_path / "f.xlsx", "МО Кореновский район", values)

    result = read_submission(path, form, MONITORING_ID, municipalities)

    assert not result.accepted
    by_indicator = {e.indicator: e for e in result.errors}
    assert by_indicator["MNC-2"].value == "много"
    assert "не является числом" in by_indicator["MNC-2"].rule
    assert by_indicator["MPH-9"].rule == "количество должно быть целым числом"
    sheet = openpyxl.load_workbook(path)["Мониторинг"]
    assert sheet[by_indicator["MNC-2"].cell].value == "много"
    assert sheet[by_indicator["MPH-9"].cell].value == 2.5


def test_unknown_municipality_is_refused(tmp_path, form, municipalities):
    path = write_submission(tmp_path / "без названия.xlsx", "Неизвестный район", form_values())
    result = read_submission(path, form, MONITORING_ID, municipalities)
    assert not result.accepted
    assert any("муниципальное образование не распознано" in e.rule for e in result.errors)


def test_municipality_falls_back_to_file_name(tmp_path, form, municipalities):
    path = write_submission(tmp_path / "Мониторинг Ейский район.xlsx", "", form_values())
    result = read_submission(path, form, MONITORING_ID, municipalities)
    assert result.accepted, result.errors
    assert result.municipality.oktmo == "03616000"


def test_repeated_section_identical_is_read_once_conflicting_is_an_error(tmp_path, form, municipalities):
    path = write_submission(tmp_path / "f.xlsx", "МО Абинский район", form_values(MNC_1=[1]))
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Мониторинг"]
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    start = next(i for i, r in enumerate(rows) if r[0] and "МНЦ" in str(r[0]))
    end = next(i for i, r in enumerate(rows) if r[0] and "МТКП" in str(r[0]))
    repeat_at = sheet.max_row + 2
    for offset, values in enumerate(rows[start:end]):
        for column, value in enumerate(values, start=1):
            sheet.cell(repeat_at + offset, column, value)
    workbook.save(path)

    identical = read_submission(path, form, MONITORING_ID, municipalities)
    assert identical.accepted, identical.errors
    assert len(identical.rows) == 55
    assert any("повторён" in note for note in identical.notes)

    sheet.cell(repeat_at + 1, 3, 0)  # МНЦ-1 in the repeat says 0, the first copy says 1
    workbook.save(path)
    conflicting = read_submission(path, form, MONITORING_ID, municipalities)
    assert not conflicting.accepted
    [error] = conflicting.errors
    assert error.indicator == "MNC-1"
    assert error.cell == f"C{repeat_at + 1}"
    assert "повторён с другим значением" in error.rule


def test_parse_value_variants():
    assert parse_value("1,0", "presence").value == 1.0
    assert parse_value(" да ", "presence").value == 1.0
    assert parse_value("НЕТ", "presence").value == 0.0
    assert parse_value("*", "presence").not_applicable
    assert parse_value(None, "presence").error == "значение не заполнено"
    assert parse_value("1 200", "count").value == 1200
