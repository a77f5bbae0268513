"""The flat ОО-1 extract: a hand-made file with known numbers and one broken cell."""

from __future__ import annotations

import openpyxl

from ingestion.detect import ReadContext, read_source
from sample_region.generator import write_context_extract
from shnor_core.sources import context_columns

SCHOOL = {
    "school_code": "23001001", "school_name": "МБОУ СОШ № 1", "municipality_oktmo": "03601000",
    "municipality_name": "Абинский муниципальный район", "locality": "сельская", "pupils_total": 420,
    "pupils_1_4": 170, "pupils_5_9": 210, "pupils_10_11": 40, "pupils_ovz": 12, "classes_total": 20,
    "teachers_total": 31, "teacher_vacancies": 2, "computers_total": 45, "has_internet": "да", "class_sets": 0,
    "teachers_higher_category": 8, "teachers_first_category": 10, "teachers_under_35": 4, "teachers_60_plus": 6,
}


def read_context_extract(path):
    return read_source(path, ReadContext([]), "oo1_context")


def test_flat_extract_rows_and_lineage(tmp_path):
    path = write_context_extract(tmp_path / "oo1.xlsx", [SCHOOL, {**SCHOOL, "school_code": "23001002", "has_internet": "нет"}], 2024)
    result = read_context_extract(path)
    assert result.accepted, result.errors
    assert result.year == 2024 and result.is_demo
    first = result.rows.iloc[0]
    assert first["pupils_total"] == 420 and first["pupils_ovz"] == 12 and bool(first["has_internet"])
    assert (first["teachers_higher_category"], first["teachers_under_35"], first["teachers_60_plus"]) == (8, 4, 6)
    assert not bool(result.rows.iloc[1]["has_internet"])
    assert list(result.rows["source_row"]) == [4, 5]


def test_bad_cell_is_named(tmp_path):
    path = write_context_extract(tmp_path / "oo1.xlsx", [{**SCHOOL, "pupils_ovz": "двенадцать"}], 2024)
    result = read_context_extract(path)
    assert not result.accepted
    [error] = result.errors
    column = [c.variable for c in context_columns()].index("pupils_ovz") + 1
    sheet = openpyxl.load_workbook(path).active
    assert sheet[error.cell].value == "двенадцать"
    assert sheet[error.cell].column == column and error.indicator == "pupils_ovz"
