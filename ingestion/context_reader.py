"""Reader of the flat ОО-1 extract: one row per school, columns named as in ``forms/context_oo1_flat.csv``.

The header row is found by its labels (title lines above it vary); the year comes from the sheet or
title ("на начало 2024/2025 учебного года") or else the file name. Unknown or missing columns and
unparseable cells are errors with their cell; nothing is guessed.
"""

from __future__ import annotations

import csv
import re
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.utils import get_column_letter

from ingestion.lineage import file_sha256
from ingestion.names import normalize_text
from ingestion.cells import CellError, parse_value
from shnor.settings import DEMO_MARK, FORMS_DIR

_PANDAS_TYPES = {"string": "string", "int": "Int64", "bool": "boolean"}
_LINEAGE_TYPES = {"source_file": "string", "source_sha256": "string", "source_sheet": "string", "source_row": "int64"}


@dataclass(frozen=True)
class ContextColumn:
    variable: str
    label: str
    dtype: str
    description: str


@cache
def load_context_columns(path: Path = FORMS_DIR / "context" / "oo1_flat.csv") -> tuple[ContextColumn, ...]:
    with open(path, encoding="utf-8", newline="") as handle:
        return tuple(ContextColumn(**row) for row in csv.DictReader(handle))


def context_dtypes() -> dict[str, str]:
    return {"year": "int64", **{c.variable: _PANDAS_TYPES[c.dtype] for c in load_context_columns()}, **_LINEAGE_TYPES}


@dataclass
class ContextRead:
    file: Path
    sha256: str
    year: int | None
    is_demo: bool
    rows: pd.DataFrame
    errors: list[CellError] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return not self.errors

    def errors_as_dicts(self) -> list[dict[str, str]]:
        return [asdict(error) for error in self.errors]


def _year_from(texts: list[str]) -> int | None:
    for text in texts:
        match = re.search(r"(20\d\d)\s*/\s*20\d\d|(20\d\d)", text)
        if match:
            return int(match.group(1) or match.group(2))
    return None


def _cell_value(raw: object, column: ContextColumn) -> tuple[object, str | None]:
    if column.dtype == "string":
        return (None if raw is None else str(raw).strip()), None
    parsed = parse_value(raw, "presence" if column.dtype == "bool" else "count")
    if parsed.error or parsed.not_applicable:
        return None, parsed.error
    if column.dtype == "bool":
        return (None, "ожидается да/нет") if parsed.value not in (0.0, 1.0) else (bool(parsed.value), None)
    return int(parsed.value), None


def read_context_extract(path: Path, sha256: str | None = None) -> ContextRead:
    path = Path(path)
    columns = load_context_columns()
    by_label = {normalize_text(c.label): c for c in columns}
    result = ContextRead(path, sha256 or file_sha256(path), None, False,
                         pd.DataFrame({k: pd.Series(dtype=v) for k, v in context_dtypes().items()}))

    def add_error(sheet, cell, variable, value, rule):
        result.errors.append(CellError(path.name, sheet, cell, variable, "" if value is None else str(value), rule))

    workbook = openpyxl.load_workbook(path, data_only=True, read_only=True)
    try:
        sheet = workbook.worksheets[0]
        rows = [tuple(r) for r in sheet.iter_rows(min_row=1, values_only=True)]
    finally:
        workbook.close()
    header_index = next((i for i, row in enumerate(rows[:30])
                         if sum(normalize_text(c) in by_label for c in row) >= len(columns) // 2), None)
    if header_index is None:
        add_error(sheet.title, "", "", "", "не найдена строка заголовков выгрузки ОО-1 (ожидаются столбцы «Код ОО», …)")
        return result
    positions = {by_label[normalize_text(c)].variable: i for i, c in enumerate(rows[header_index])
                 if normalize_text(c) in by_label}
    for column in columns:
        if column.variable not in positions:
            add_error(sheet.title, f"{header_index + 1}", column.variable, "", f"нет столбца «{column.label}»")
    preamble = [sheet.title] + [str(c) for row in rows[:header_index] for c in row if c is not None]
    result.year = _year_from(preamble + [path.stem])
    result.is_demo = any(DEMO_MARK in normalize_text(text) for text in preamble)
    if result.year is None:
        add_error(sheet.title, "", "year", "", "не удалось определить год данных ни по заголовку, ни по имени файла")
    if result.errors:
        return result

    records = []
    for row_number, row in enumerate(rows[header_index + 1:], start=header_index + 2):
        if all(c is None or str(c).strip() == "" for c in row):
            continue
        record = {"year": result.year, "source_file": path.name, "source_sha256": result.sha256,
                  "source_sheet": sheet.title, "source_row": row_number}
        for column in columns:
            position = positions[column.variable]
            raw = row[position] if position < len(row) else None
            value, error = _cell_value(raw, column)
            if error:
                add_error(sheet.title, f"{get_column_letter(position + 1)}{row_number}", column.variable, raw, error)
            record[column.variable] = value
        records.append(record)
    result.rows = pd.DataFrame.from_records(records).reindex(columns=list(context_dtypes())).astype(context_dtypes())
    return result
