"""Layouts other than the plain form: our templates, old .xls, a column per unit; and the feedback file."""

from __future__ import annotations

import openpyxl
import pytest

from ingestion.submission_reader import read_submission
from reports.feedback import ERRORS_SHEET, write_feedback_workbook
from reports.templates import issue_templates
from shnor_core.reference import get_monitoring, load_municipalities, shown_indicator
from shnor_core.settings import DataHome
from tests.workbooks import MONITORING_ID, add_unit_columns, form_values, save_as_xls, write_submission


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    return issue_templates(DataHome(tmp_path_factory.mktemp("home")), MONITORING_ID)


def fill_template(template, target, values):
    """What a person does: open the template in Excel, type into the yellow cells, save under another name."""
    workbook = openpyxl.load_workbook(template)
    sheet = workbook["Мониторинг"]
    cells = [c for row in sheet.iter_rows() for c in row if c.protection.locked is False]
    for cell, value in zip(cells, values):
        cell.value = value
    workbook.save(target)
    return target, len(cells)


def test_one_template_per_municipality_with_header_validation_and_locks(templates):
    assert len(templates) == 44
    abinsk = next(p for p in templates if "03601000" in p.name)
    workbook = openpyxl.load_workbook(abinsk)
    sheet = workbook["Мониторинг"]
    header = {sheet.cell(r, 1).value: sheet.cell(r, 2).value for r in range(2, 8)}
    monitoring = get_monitoring(MONITORING_ID)
    assert header["Муниципальное образование:"] == "МО Абинский район"
    assert header["Код ОКТМО:"] == "03601000"
    assert header["Регион:"] == "Краснодарский край"
    assert header["Период проведения:"] == "01.06.2025 – 11.06.2025"
    assert header["Версия шаблона:"]
    assert sheet.protection.sheet
    assert sheet["B10"].protection.locked
    rules = {dv.type: dv for dv in sheet.data_validations.dataValidation}
    assert rules["list"].formula1 == '"0,1"'
    assert rules["whole"].operator == "greaterThanOrEqual"
    assert len(str(rules["list"].sqref).split()) == 50 and len(str(rules["whole"].sqref).split()) == 5
    meta = workbook["_meta"]
    assert meta.sheet_state == "veryHidden"
    assert dict(meta.iter_rows(values_only=True))["municipality_oktmo"] == "03601000"
    assert monitoring.form_id == dict(meta.iter_rows(values_only=True))["form_id"]


def test_template_says_how_to_fill_by_when_and_where_to_send(templates):
    workbook = openpyxl.load_workbook(next(p for p in templates if "03601000" in p.name))
    sheet = workbook["Мониторинг"]
    header = {sheet.cell(r, 1).value: sheet.cell(r, 2).value for r in range(2, 10)}
    assert header["Срок представления:"] == "до 11.06.2025 включительно"  # the window's close
    assert header["Куда направить:"] == get_monitoring(MONITORING_ID).submission_address != ""
    texts = [sheet.cell(r, 1).value or "" for r in range(1, 25)]
    start = texts.index("Как заполнить форму:")
    instructions = " ".join(texts[start:start + 6])
    for words in ("поставьте 1", "и 0, если нет", "целое число", "«*»", "Не меняйте наименования показателей"):
        assert words in instructions
    assert "A" + str(start + 2) in {str(r).split(":")[0] for r in sheet.merged_cells.ranges}  # a line across the table
    rules = {dv.type: dv for dv in sheet.data_validations.dataValidation}
    assert rules["list"].showInputMessage and rules["list"].promptTitle == "Наличие: 1 или 0"
    assert "1 — есть" in rules["list"].prompt and "0 — нет" in rules["list"].prompt
    assert rules["whole"].showInputMessage and rules["whole"].prompt == "Целое число: 0 и больше"
    assert dict(workbook["_meta"].iter_rows(values_only=True))["deadline"] == "2025-06-11"


def test_filled_template_is_read_and_trusts_its_metadata(templates, tmp_path, form, municipalities):
    geleznik = next(p for p in templates if "03708000" in p.name)
    target, cells = fill_template(geleznik, tmp_path / "заполнено.xlsx", [1] * 55)
    assert cells == 55
    workbook = openpyxl.load_workbook(target)
    workbook["Мониторинг"]["B3"] = "исправлено вручную"  # a person overwrote the name; the metadata still knows
    workbook.save(target)
    result = read_submission(target, form, MONITORING_ID, municipalities)
    assert result.accepted, result.errors
    assert result.municipality.oktmo == "03708000"
    assert result.details["template_version"]
    mnc5 = result.rows[result.rows["indicator_code"] == "MNC-5"]
    assert mnc5["value"].sum() == 8


def test_template_of_another_form_is_refused(templates, tmp_path, form, municipalities):
    target, _ = fill_template(templates[0], tmp_path / "f.xlsx", [1] * 55)
    workbook = openpyxl.load_workbook(target)
    meta = workbook["_meta"]
    meta["B1"] = "another_form"
    workbook.save(target)
    result = read_submission(target, form, MONITORING_ID, municipalities)
    assert not result.accepted and "по другой форме" in result.errors[0].rule


def test_old_xls_is_read_like_xlsx(tmp_path, form, municipalities):
    xlsx = write_submission(tmp_path / "Абинский.xlsx", "МО Абинский район",
                            form_values(presence_default=0, MNC_3=[1, "да", 0], MPH_8=[7]))
    xls = save_as_xls(xlsx, tmp_path / "Абинский.xls")
    from_xls = read_submission(xls, form, MONITORING_ID, municipalities)
    from_xlsx = read_submission(xlsx, form, MONITORING_ID, municipalities)
    assert from_xls.accepted, from_xls.errors
    columns = ["indicator_code", "item_number", "value", "source_cell"]
    assert from_xls.rows[columns].equals(from_xlsx.rows[columns])
    assert from_xls.rows.loc[from_xls.rows["indicator_code"] == "MNC-3", "value"].sum() == 2


def test_column_per_unit_scores_each_unit(tmp_path, form, municipalities):
    path = write_submission(tmp_path / "units.xlsx", "МО Абинский район", form_values(presence_default=1))
    units = ["МБОУ СОШ № 3", "МБОУ ООШ № 12", "МАОУ лицей № 1"]
    # МНЦ-3, per unit: school 3 has 1+1+0 = 2, school 12 has 0+0+1 = 1, лицей has 1+1+1 = 3 → mean 2 of 3
    add_unit_columns(path, units, {"MNC-3": [[1, 0, 1], [1, 0, 1], [0, 1, 1]]})

    result = read_submission(path, form, MONITORING_ID, municipalities)

    assert result.accepted, result.errors
    mnc3 = result.rows[result.rows["indicator_code"] == "MNC-3"]
    sums = mnc3.groupby("unit_label")["value"].sum().to_dict()
    assert sums == {"МБОУ СОШ № 3": 2.0, "МБОУ ООШ № 12": 1.0, "МАОУ лицей № 1": 3.0}
    assert sum(sums.values()) / len(sums) == 2.0
    counts = result.rows[result.rows["kind"] == "count"]
    assert set(counts["unit_label"]) == {"МО"} and len(counts) == 5


def test_two_sub_items_typed_in_one_row(tmp_path, form, municipalities):
    """Seed 004 prints МНЦ-5's last two sub-items in one row: its cell holds how many are present."""
    path = write_submission(tmp_path / "f.xlsx", "МО Абинский район", form_values(presence_default=1))
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    rows = {str(sheet.cell(r, 2).value): r for r in range(1, sheet.max_row + 1)}
    climate = rows["- улучшение общего психологического климата в ОО;"]
    sheet.cell(climate, 2, "- улучшение общего психологического климата в ОО; - улучшение информационного обеспечения ОО.")
    sheet.cell(climate, 3, 1)
    sheet.delete_rows(climate + 1)
    workbook.save(path)

    result = read_submission(path, form, MONITORING_ID, municipalities)

    assert result.accepted, result.errors
    mnc5 = result.rows[result.rows["indicator_code"] == "MNC-5"]
    assert len(mnc5) == 8 and mnc5["value"].sum() == 7  # six 1s + "1 of 2" in the shared row


def test_feedback_workbook_highlights_cells_and_lists_errors(tmp_path, form, municipalities):
    path = write_submission(tmp_path / "f.xlsx", "МО Абинский район", form_values(MNC_2=["=1+1", 1]))
    result = read_submission(path, form, MONITORING_ID, municipalities)
    [error] = result.errors
    feedback = write_feedback_workbook(path, result.errors_as_dicts(), tmp_path / "feedback.xlsx")

    workbook = openpyxl.load_workbook(feedback)
    assert workbook.sheetnames[0] == ERRORS_SHEET
    listed = list(workbook[ERRORS_SHEET].iter_rows(values_only=True))
    assert listed[0] == ("Лист", "Ячейка", "Показатель", "Значение", "Правило")
    assert listed[1][1] == error.cell and listed[1][2] == shown_indicator("MNC-2")  # code and wording as the form names them
    value_cell = workbook[ERRORS_SHEET].cell(2, 4)
    assert value_cell.value == "=1+1" and value_cell.data_type == "s"  # submitted text never becomes a formula
    highlighted = workbook["Мониторинг"][error.cell]
    assert highlighted.fill.fgColor.rgb.endswith("FF9999") and highlighted.comment.text == error.rule


def test_feedback_for_an_unreadable_file(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_text("not a workbook")
    feedback = write_feedback_workbook(path, [{"sheet": "", "cell": "", "indicator": "", "value": "",
                                               "rule": "файл не является книгой Excel (.xlsx или .xls)"}], tmp_path / "fb.xlsx")
    assert openpyxl.load_workbook(feedback).sheetnames == [ERRORS_SHEET]


def test_municipalities_reference_is_the_region(municipalities):
    assert len(load_municipalities("23")) == 44
    assert len(load_municipalities("35")) == 25
    assert len(load_municipalities()) == 69
