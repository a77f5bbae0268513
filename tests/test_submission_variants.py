"""Municipal forms as they really come back: the municipality only in the file or sheet name, misspelt,
and a column per unit headed in every way people head it. Built by hand from seed 004's own table
(``fill_seed_form``), not from our template."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from ingestion.submission_reader import read_submission
from tests.test_seed_004_layout import fill_seed_form
from tests.workbooks import MONITORING_ID

SLAVYANSK = "03645000"


def without_header_municipality(path: Path, target: Path, sheet_title: str | None = None) -> Path:
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    sheet["A2"] = None
    if sheet_title:
        sheet.title = sheet_title
    target.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(target)
    return target


@pytest.mark.parametrize("name", ["МО_Славянский_район_2022.xlsx", "Славянский р-н.xlsx",
                                  "мониторинг МНЦ Славянский 2024.xlsx", "мониторинг_МНЦ_Славянскй_2024.xlsx"])
def test_municipality_from_the_file_name_in_any_form(tmp_path, form, municipalities, name):
    path = without_header_municipality(fill_seed_form(tmp_path / "base.xlsx"), tmp_path / "in" / name)
    result = read_submission(path, form, MONITORING_ID, municipalities)
    assert result.accepted, result.errors
    assert result.municipality.oktmo == SLAVYANSK


def test_municipality_from_the_sheet_name(tmp_path, form, municipalities):
    path = without_header_municipality(fill_seed_form(tmp_path / "base.xlsx"), tmp_path / "форма.xlsx",
                                       sheet_title="Славянский район")
    result = read_submission(path, form, MONITORING_ID, municipalities)
    assert result.accepted and result.municipality.oktmo == SLAVYANSK


def test_a_misspelt_district_maps_to_it_and_an_ambiguous_one_is_refused(tmp_path, form, municipalities):
    path = fill_seed_form(tmp_path / "форма.xlsx")
    workbook = openpyxl.load_workbook(path)
    workbook.active["A2"] = "Муниципальное образование: МО Славянскй район"
    workbook.save(path)
    assert read_submission(path, form, MONITORING_ID, municipalities).municipality.oktmo == SLAVYANSK
    workbook.active["A2"] = "Муниципальное образование: Абинск"  # as close to Абинский as to Лабинский
    workbook.save(path)
    result = read_submission(path, form, MONITORING_ID, municipalities)
    assert result.municipality is None and not result.accepted  # never a wrong one
    [error] = result.errors
    rule = error.rule.lower()  # the candidates are named by their official names («Абинский муниципальный район»)
    assert "не распознано" in rule and "абинский" in rule and "лабинский" in rule


# --- a column per unit ----------------------------------------------------------------------------

SECOND_UNIT = {("MNC", 3): [0, 0, 0]}  # the second unit has none of МНЦ-3's sub-items (the first: 1, 0, 1)


def per_unit_form(path: Path, target: Path, headers: tuple[str, str], above: tuple[str, str] | None = None) -> Path:
    """Turn the form's single "Баллы" column into two unit columns: the first keeps the values, the second
    copies them except ``SECOND_UNIT``; ``headers`` go in the header row, ``above`` (if given) in a row
    inserted above it (a two-row header with the unit over "баллы")."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    header = next(r for r in range(1, 20) if sheet.cell(r, 1).value == "№ п/п")
    sheet.insert_cols(4)
    section, number, item = None, None, 0
    for row in range(header + 1, sheet.max_row + 1):
        first, label, value = sheet.cell(row, 1).value, str(sheet.cell(row, 2).value or ""), sheet.cell(row, 3).value
        if isinstance(first, str) and first.lower().startswith(("идентификация", "эффективность")):
            section = "MPH" if first.lower().startswith("идентификация") else ("MTKP" if "мткп" in first.lower() else "MNC")
            continue
        if isinstance(first, int):
            number, item = first, 0
            if value is not None:
                sheet.cell(row, 4, value)
        elif label.startswith("-") and value is not None:
            override = SECOND_UNIT.get((section, number))
            sheet.cell(row, 4, override[item] if override else value)
            item += 1
    sheet.cell(header, 3, headers[0])
    sheet.cell(header, 4, headers[1])
    if above:
        sheet.insert_rows(header)
        sheet.cell(header, 3, above[0])
        sheet.cell(header, 4, above[1])
    workbook.save(target)
    return target


def unit_sums(result, code: str) -> dict[str, float]:
    rows = result.rows[result.rows["indicator_code"] == code]
    return rows.groupby("unit_label")["value"].sum().to_dict()


@pytest.mark.parametrize("headers, above, units", [
    (("Баллы: МБОУ СОШ № 5", "Баллы: МБОУ СОШ № 7"), None, ("МБОУ СОШ № 5", "МБОУ СОШ № 7")),
    (("МБОУ СОШ №5 (баллы)", "МБОУ СОШ №7 (баллы)"), None, ("МБОУ СОШ №5", "МБОУ СОШ №7")),
    (("баллы", "баллы"), ("МБОУ СОШ № 5", "МБОУ СОШ № 7"), ("МБОУ СОШ № 5", "МБОУ СОШ № 7")),
    (("Баллы — № 5", "Баллы — № 7"), None, ("№ 5", "№ 7")),
])
def test_a_column_per_unit_headed_any_way(tmp_path, form, municipalities, headers, above, units):
    path = per_unit_form(fill_seed_form(tmp_path / "base.xlsx"), tmp_path / "МО Кореновский район.xlsx",
                         headers, above)
    result = read_submission(path, form, MONITORING_ID, municipalities)
    assert result.accepted, result.errors
    assert unit_sums(result, "MNC-3") == {units[0]: 2.0, units[1]: 0.0}  # seed answers 1, 0, 1; the second unit none
    assert unit_sums(result, "MNC-5") == {units[0]: 5.0, units[1]: 5.0}
    assert unit_sums(result, "MPH-12") == {"МО": 140.0}  # counts belong to the municipality as a whole
    assert len(result.rows) == 50 * 2 + 5  # 50 presence sub-items for each unit, 5 counts


def test_units_named_by_a_mentor_are_numbered_and_the_names_kept_apart(tmp_path, form, municipalities):
    path = per_unit_form(fill_seed_form(tmp_path / "base.xlsx"), tmp_path / "МО Кореновский район.xlsx",
                         ("Баллы: Наставник Сидоренко Петр Ильич", "Баллы: Кузнецова А.В."))
    result = read_submission(path, form, MONITORING_ID, municipalities)
    assert result.accepted, result.errors
    assert unit_sums(result, "MNC-3") == {"Наставник 1": 2.0, "Наставник 2": 0.0}
    assert list(result.people["full_name"]) == ["Сидоренко Петр Ильич", "Кузнецова А.В."]
    assert result.people["person_id"].str.startswith("P").all()
    text = result.rows.astype(str).to_string()
    assert "Сидоренко" not in text and "Кузнецова" not in text
