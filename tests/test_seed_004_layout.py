"""The real form of seed 004, filled by hand without our template, as municipalities return it.

The table is copied from the source document (tests/fixtures/seed_004_form_table.tsv), with all its
quirks: the header typo "Количество нные показатели", the МНЦ section printed twice (the first copy
stops at indicator 4, the reprint goes to 6), two sub-items typed in one row, continuation lines,
"Средний балл … (от 0 до 2)" for an indicator with 3 sub-items. The person filling it renames the
sheet, types "1,0", "да" and padded numbers, writes averages in the "Средний балл" rows, adds notes.
"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest

from ingestion.submission_reader import _match_section, read_submission
from shnor.form_scoring import indicator_scores
from tests.workbooks import MONITORING_ID

TABLE = Path(__file__).parent / "fixtures" / "seed_004_form_table.tsv"

# What this municipality answers, per indicator, in the catalogue's sub-item order.
ANSWERS = {
    "MPH": {1: [1], 2: ["1,0"], 3: [0], 4: ["да"], 5: [1], 6: [" 1 "], 7: [0], 8: [4], 9: [" 2"], 10: [3], 11: [5],
            12: ["140"], 13: [1]},
    "MNC": {1: [1], 2: [1, 0], 3: [1, 0, 1], 4: [1, 1, 1, 0, 0], 5: [1, 0, 1, 1, 0, 1, 1, 0], 6: [1, 1, 0, 1, 0]},
    "MTKP": {1: [1], 2: [1, 1, 1], 3: [1, 0, 0], 4: [1, 1, 1, 1], 5: [0, 0, 1, 1], 6: [0, 1, 0]},
}
EXPECTED = {  # score and maximum, by hand from ANSWERS
    "MPH-2": (1, 1), "MPH-3": (0, 1), "MPH-4": (1, 1), "MPH-12": (140, None),
    "MNC-2": (1, 2), "MNC-3": (2, 3), "MNC-4": (3, 5), "MNC-5": (5, 8), "MNC-6": (3, 5),
    "MTKP-3": (1, 3), "MTKP-5": (2, 4), "MTKP-6": (1, 3),
}


def _as_number(value):
    return float(str(value).replace(",", ".").replace("да", "1").strip())


def fill_seed_form(path: Path, answers=ANSWERS, repeat_override=None) -> Path:
    """Write the seed's table into a workbook and fill it as a person would."""
    rows = [line.rstrip("\n").split("\t") for line in TABLE.read_text(encoding="utf-8").splitlines()
            if not line.startswith("#")]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Лист1"
    sheet["A1"] = "Мониторинг результативности системы методической помощи ШНОР"
    sheet["A2"] = "Муниципальное образование: МО Кореновский район"
    out = 4
    section, number, item, copies = None, None, 0, {}
    for cells in rows:
        cells = (cells + ["", "", "", ""])[:4]
        first, label = cells[0].strip(), cells[1].strip()
        if first.startswith(("Идентификация", "Эффективность")):
            section = "MPH" if first.startswith("Идентификация") else ("MTKP" if "МТКП" in first else "MNC")
            copies[section] = copies.get(section, 0) + 1
            out += 1  # a blank row before each section, as people leave them
            sheet.cell(out, 1, first.replace(" работы ", " работы\n").lower() if section == "MNC" else first)
            out += 1
            continue
        for column, text in enumerate(cells, start=1):
            if text and text != "*":
                sheet.cell(out, column, text if column > 1 or not text.isdigit() else int(text))
            elif text == "*":
                sheet.cell(out, column, "*")
        if first.isdigit():
            number, item = int(first), 0
            answer = answers[section][number]
            single = section == "MPH" or number == 1
            if single:
                column = 4 if cells[2].strip() == "*" else 3
                sheet.cell(out, column, answer[0])
        elif label.startswith("-"):
            parts = len(re.split(r";\s*-", label))
            values = answers[section][number][item:item + parts]
            value = sum(_as_number(v) for v in values) if parts > 1 else values[0]
            if repeat_override and copies.get(section) == 2 and (section, number) == repeat_override[0]:
                value = repeat_override[1]
            sheet.cell(out, 3, value)
            item += parts
        elif label.startswith("Средний балл") or first.startswith("Средний балл"):
            sheet.cell(out, 3, sum(_as_number(v) for v in answers[section][number]))
            sheet.cell(out, 5, "среднее посчитано вручную")
        out += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def test_seed_004_filled_by_hand_is_read(tmp_path, form, municipalities):
    result = read_submission(fill_seed_form(tmp_path / "МО Кореновский район.xlsx"), form, MONITORING_ID, municipalities)

    assert result.accepted, result.errors
    assert result.municipality.oktmo == "03621000"
    assert result.details["sheet"] == "Лист1"
    assert any("повторён" in note for note in result.notes)
    assert len(result.rows) == 55
    scores = result.rows.groupby("indicator_code")["value"].sum()
    maxima = {item["code"]: item["max"] for item in indicator_scores(result.rows, form)}  # dbt's rule
    for code, (score, maximum) in EXPECTED.items():
        assert scores[code] == score, code
        assert maxima[code] == maximum, code


def test_seed_004_conflicting_reprint_is_an_error(tmp_path, form, municipalities):
    path = fill_seed_form(tmp_path / "МО Кореновский район.xlsx", repeat_override=(("MNC", 3), 0))
    result = read_submission(path, form, MONITORING_ID, municipalities)
    assert not result.accepted
    assert {e.indicator for e in result.errors} == {"MNC-3"}
    assert all("повторён с другим значением" in e.rule for e in result.errors)


@pytest.mark.parametrize("typo", ["Эфективность работы муниципального наставнического центра (МНЦ)",
                                  "  ЭФФЕКТИВНОСТЬ РАБОТЫ  муниципального наставнического центра (МНЦ) "])
def test_section_titles_tolerate_typos_and_case(typo, form):
    assert _match_section(typo, form) == "mnc"
