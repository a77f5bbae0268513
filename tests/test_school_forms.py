"""School-level forms: templates per school in a folder per municipality, read by the municipal forms' engine,
each naming its school — by our template's hidden code, or by the name written in its header matched to the
registry — and refused, never guessed, when the school is not certain."""

from __future__ import annotations

import openpyxl
import pytest

from ingestion.detect import ReadContext, read_source
from ingestion.school_names import SchoolMatcher, SchoolRef
from reports.templates import issue_school_templates, templates_folder
from shnor.validation import validate_frame
from shnor_core.reference import School, get_monitoring, load_form, load_municipalities
from shnor_core.settings import DataHome
from tests.workbooks import catalogue_values, fill_template

IDENTIFICATION, DEFICITS = "shnor-identification-2024", "shnor-deficits-2024"
BAKHCHISARAY, SIMFEROPOL = "35604000", "35701000"
SCHOOLS = [School("35001001", "МБОУ СОШ № 1", BAKHCHISARAY), School("35001002", "МБОУ СОШ № 2", BAKHCHISARAY),
           School("35002005", "МБОУ гимназия № 5", SIMFEROPOL), School("35002006", "МБОУ СОШ № 6", SIMFEROPOL)]


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    home = DataHome(tmp_path_factory.mktemp("home"))
    return home, {DEFICITS: issue_school_templates(home, DEFICITS, SCHOOLS),
                  IDENTIFICATION: issue_school_templates(home, IDENTIFICATION, SCHOOLS)}


def context(monitoring_id):
    matcher = SchoolMatcher([SchoolRef(s.code, s.name, s.municipality_oktmo) for s in SCHOOLS])
    return ReadContext(load_municipalities("35"), matcher, monitoring_id=monitoring_id,
                       form=load_form(get_monitoring(monitoring_id).form_id))


def read(path, monitoring_id):
    return read_source(path, context(monitoring_id), "submission")


def test_a_template_per_school_in_a_folder_per_municipality(templates):
    home, issued = templates
    paths = issued[DEFICITS]
    assert sorted(p.relative_to(templates_folder(home, DEFICITS)).as_posix() for p in paths) == [
        "35604000 МО Бахчисарайский район/shnor-deficits-2024_35001001.xlsx",
        "35604000 МО Бахчисарайский район/shnor-deficits-2024_35001002.xlsx",
        "35701000 МО город Симферополь/shnor-deficits-2024_35002005.xlsx",
        "35701000 МО город Симферополь/shnor-deficits-2024_35002006.xlsx"]
    workbook = openpyxl.load_workbook(paths[2])
    meta = {row[0]: row[1] for row in workbook["_meta"].iter_rows(values_only=True)}
    assert (meta["school_code"], meta["school_name"], meta["municipality_oktmo"]) == ("35002005", "МБОУ гимназия № 5", SIMFEROPOL)
    header = {row[0]: row[1] for row in workbook["Мониторинг"].iter_rows(max_row=9, max_col=2, values_only=True) if row[0]}
    assert header["Образовательная организация:"] == "МБОУ гимназия № 5" and header["Код ОО:"] == "35002005"


def test_a_filled_template_names_its_school_and_is_read_by_the_same_engine(templates, tmp_path):
    _, issued = templates
    # МАТ-1 of the deficits form has four sub-items: computers and internet lacking, equipment and rooms not
    values = catalogue_values("resource_deficits_v2024", MAT_1=[1, 1, 0, 0], STAFF_1=[0, 1, 0], STAFF_2=[3], MET_1=[0, 0, "*"])
    path = fill_template(issued[DEFICITS][2], tmp_path / "гимназия 5.xlsx", "resource_deficits_v2024", values)
    result = read(path, DEFICITS)
    assert result.errors == [] and result.accepted
    assert result.school_code == "35002005" and result.municipality.oktmo == SIMFEROPOL
    rows = result.rows
    assert set(rows["school_code"]) == {"35002005"} and set(rows["municipality_oktmo"]) == {SIMFEROPOL}
    by_item = rows.set_index(["indicator_code", "item_number"])["value"]
    assert list(by_item.loc["MAT-1"]) == [1.0, 1.0, 0.0, 0.0] and by_item.loc[("STAFF-2", 1)] == 3.0
    assert rows.set_index(["indicator_code", "item_number"]).loc[("MET-1", 3), "not_applicable"]
    assert result.file_fields()["school_code"] == "35002005"
    assert validate_frame(rows, "raw_submission_values").success  # the municipal forms' suite


def test_a_form_made_by_hand_is_matched_by_the_school_named_in_its_header(templates, tmp_path):
    _, issued = templates
    values = catalogue_values("shnor_identification_v2024", CTX_1=[412], CTX_6=[1])
    path = fill_template(issued[IDENTIFICATION][1], tmp_path / "form.xlsx", "shnor_identification_v2024", values)
    workbook = openpyxl.load_workbook(path)
    del workbook["_meta"]  # no hidden sheet: a form typed by hand
    sheet = workbook["Мониторинг"]
    for row in sheet.iter_rows(max_row=9, max_col=2):
        if row[0].value == "Код ОО:":
            row[0].value = row[1].value = None
        elif row[0].value == "Образовательная организация:":
            row[0].value, row[1].value = "Образовательная организация: средняя общеобразовательная школа №2", None
        elif row[0].value == "Муниципальное образование:":
            row[1].value = "Бахчисарайский район"
    workbook.save(path)
    result = read(path, IDENTIFICATION)
    assert result.errors == [] and result.school_code == "35001002"
    assert result.rows.set_index("indicator_code").loc["CTX-1", "value"] == 412.0

    for row in sheet.iter_rows(max_row=9, max_col=1):  # a school the registry does not have
        if str(row[0].value).startswith("Образовательная организация"):
            row[0].value = "Образовательная организация: МБОУ СОШ № 9"
    workbook.save(path)
    refused = read(path, IDENTIFICATION)
    assert refused.school_code is None and not refused.accepted
    assert refused.errors[0].rule.startswith("образовательная организация не сопоставлена с реестром однозначно "
                                             "(школа с таким видом и номером не найдена)")
    assert refused.unmatched[0]["written_name"] == "МБОУ СОШ № 9"


def test_a_template_of_another_window_is_refused_with_its_folder(templates, tmp_path):
    _, issued = templates
    values = catalogue_values("shnor_identification_v2024")
    path = fill_template(issued[IDENTIFICATION][0], tmp_path / "wrong.xlsx", "shnor_identification_v2024", values)
    other = read_source(path, ReadContext(load_municipalities("35"), context(IDENTIFICATION).matcher,
                                          monitoring_id="shnor-identification-2025",
                                          form=load_form("shnor_identification_v2024")), "submission")
    assert [(e.sheet, e.cell, e.value, e.rule) for e in other.errors] == [(
        "_meta", "B2", "shnor-identification-2024",
        "файл — шаблон окна «shnor-identification-2024», а сдан в окно «shnor-identification-2025» (окно шаблона "
        "записано на его скрытом служебном листе): заполните шаблон окна «shnor-identification-2025»; форму окна "
        "«shnor-identification-2024» положите в папку landing/submissions/shnor-identification-2024/ (поздняя форма "
        "учитывается в своём окне)")]
