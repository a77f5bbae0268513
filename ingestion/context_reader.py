"""Reader of the flat ОО-1 extract: one row per school, columns named as in ``forms/context/oo1_flat.csv``.

The header row is found by its labels (title lines above it vary); the year comes from the sheet or
title ("на начало 2024/2025 учебного года") or else the file name. Unknown or missing columns and
unparseable cells are errors with their cell; nothing is guessed.
"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter

from ingestion.cells import parse_value
from shnor_core.demo import mentions_demo
from shnor_core.lineage import file_sha256
from shnor_core.source_read import CellError, SourceRead, empty_frame, typed_frame
from shnor_core.sources import OO1_CONTEXT, ContextColumn, context_columns, context_dtypes
from shnor_core.text import normalize_text


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


def read_context_extract(path: Path, sha256: str | None = None) -> SourceRead:
    path = Path(path)
    columns = context_columns()
    by_label = {normalize_text(c.label): c for c in columns}
    result = SourceRead(path, sha256 or file_sha256(path), OO1_CONTEXT.name, empty_frame(context_dtypes()),
                        layout="oo1_flat")

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
    result.is_demo = mentions_demo(preamble)
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
    result.rows = typed_frame(records, context_dtypes())
    return result
