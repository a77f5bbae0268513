"""Reader of ОО-1 in the Ministry's sectioned Excel layout, one school per workbook.

A sheet per section (``Р1_1``, ``Р2_1_1``, ``Р2_1_2(1)``, ``Р2_1_2 (4)`` — spacing varies), a header
block of varying height followed by a row numbering the columns (1, 2, 3 …); column 2 holds the
line code and data start at column 3. A large table split across sheets (``Р2_1_1``,
``Р2_1_1(2)``) repeats the descriptor columns and continues the numbering (1, 2, 9, 10 …): parts are
joined back by line code. ``х`` marks a structurally empty cell (not zero). Which line and column
hold which variable is data (``forms/context/oo1_sections.csv``), chosen by form version.
The result has the columns of the flat extract, so both land in ``raw.oo1_context``.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

from ingestion.workbook_source import SheetRows, load_sheets
from shnor_core.demo import mentions_demo
from shnor_core.lineage import file_sha256
from shnor_core.settings import FORMS_DIR
from shnor_core.source_read import CellError, SourceRead, empty_frame, typed_frame
from shnor_core.sources import OO1_CONTEXT, context_dtypes
from shnor_core.text import is_blank, normalize_text

_SECTION_SHEET = re.compile(r"^[РрPp]\s*(\d+(?:_\d+)*)\s*(?:\(\s*(\d+)\s*\))?$")
_EMPTY = {"х", "x"}


@cache
def load_section_mapping(path: Path = FORMS_DIR / "context" / "oo1_sections.csv") -> dict[str, list[dict]]:
    with open(path, encoding="utf-8", newline="") as handle:
        mapping: dict[str, list[dict]] = {}
        for row in csv.DictReader(handle):
            mapping.setdefault(row["form_version"], []).append(row)
    return mapping


def section_of(sheet_title: str) -> str | None:
    match = _SECTION_SHEET.match(sheet_title.strip())
    return f"Р{match.group(1)}" if match else None


def is_sectioned_oo1(sheet_titles: list[str]) -> bool:
    return sum(1 for title in sheet_titles if section_of(title)) >= 2


def _numbering_row(rows: list[tuple]) -> int | None:
    for index, row in enumerate(rows[:40]):
        numbers = [c for c in row if not is_blank(c)]
        if len(numbers) >= 3 and all(isinstance(c, (int, float)) or str(c).strip().isdigit() for c in numbers[:3]) \
                and [int(float(c)) for c in numbers[:2]] == [1, 2]:
            return index
    return None


def _header_value(rows: list[tuple], label: str) -> str | None:
    for row in rows[:15]:
        for position, cell in enumerate(row):
            text = str(cell or "")
            if normalize_text(text).startswith(label):
                after = text.partition(":")[2].strip()
                following = [c for c in row[position + 1:] if not is_blank(c)]
                return after or (str(following[0]).strip() if following else None)
    return None


def read_oo1_sections(path: Path, sha256: str | None = None, sheets: list[SheetRows] | None = None) -> SourceRead:
    path = Path(path)
    result = SourceRead(path, sha256 or file_sha256(path), OO1_CONTEXT.name, empty_frame(context_dtypes()),
                        layout="oo1_sections")
    sheets = sheets if sheets is not None else load_sheets(path)
    cells: dict[tuple[str, str, int], tuple[object, str, int]] = {}
    for sheet in sheets:
        section = section_of(sheet.title)
        numbering = _numbering_row(sheet.rows) if section else None
        if numbering is None:
            continue
        numbers = {i: int(float(c)) for i, c in enumerate(sheet.rows[numbering]) if not is_blank(c)
                   and str(c).strip().replace(".0", "").isdigit()}
        line_position = next(i for i, n in numbers.items() if n == 2)
        for row_number, row in enumerate(sheet.rows[numbering + 1:], start=numbering + 2):
            line = row[line_position] if line_position < len(row) else None
            if is_blank(line):
                continue
            line_code = str(int(line)) if isinstance(line, float) else str(line).strip()
            for position, column in numbers.items():
                if column >= 3 and position < len(row):
                    cells[(section, line_code.lstrip("0") or "0", column)] = (row[position], sheet.title, row_number)
    first = sheets[0].rows if sheets else []
    preamble = " ".join(str(c) for s in sheets[:1] for r in s.rows[:10] for c in r if c is not None)
    year_match = re.search(r"(20\d\d)\s*/\s*(?:20)?\d\d|(20\d\d)", preamble + " " + path.stem)
    result.year = int(year_match.group(1) or year_match.group(2)) if year_match else None
    result.is_demo = mentions_demo([preamble])
    versions = sorted(v for v in load_section_mapping() if result.year is not None and int(v) <= result.year)
    school_code = _header_value(first, "код оо")

    def add_error(cell, variable, value, rule):
        result.errors.append(CellError(path.name, "", cell, variable, "" if value is None else str(value), rule))

    if result.year is None or not versions:
        add_error("", "year", result.year, "не определён год отчёта или для него нет версии формы в forms/context/oo1_sections.csv")
        return result
    if not school_code:
        add_error("", "school_code", "", "не найден код ОО в шапке формы («Код ОО: …»)")
        return result
    record = {"year": result.year, "school_code": school_code, "school_name": _header_value(first, "наименование"),
              "municipality_oktmo": _header_value(first, "октмо"), "locality": _header_value(first, "местность"),
              "computers_total": None, "has_internet": None, "source_file": path.name,
              "source_sha256": result.sha256, "source_sheet": "ОО-1", "source_row": 0}
    for entry in load_section_mapping()[versions[-1]]:
        key = (entry["section"], entry["line_code"].lstrip("0") or "0", int(entry["column"]))
        if key not in cells:
            add_error(f"{entry['section']} стр. {entry['line_code']} гр. {entry['column']}", entry["variable"], "",
                      f"в форме (версия {versions[-1]}) нет этой строки или графы")
            continue
        raw, sheet_title, row_number = cells[key]
        if is_blank(raw) or normalize_text(raw) in _EMPTY:
            record[entry["variable"]] = None  # structurally empty: unknown, not zero
            continue
        try:
            record[entry["variable"]] = int(float(str(raw).replace(",", ".").replace(" ", "")))
        except ValueError:
            add_error(f"{sheet_title}!{row_number}", entry["variable"], raw, "значение не является числом")
    if not result.errors:
        result.rows = typed_frame([record], context_dtypes())
    return result
