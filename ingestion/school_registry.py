"""Reader of the region's school registry: stable school codes with names, municipality, ИНН/ОГРН.

A CSV or workbook with named columns (``Код ОО``, ``Наименование ОО``, ``ОКТМО МО``, ``ИНН``, ``ОГРН``);
the latest accepted registry is what school names are matched against.
"""

from __future__ import annotations

import csv
from pathlib import Path

from ingestion.workbook_source import load_sheets
from shnor_core.lineage import file_sha256
from shnor_core.source_read import CellError, SourceRead, empty_frame, typed_frame
from shnor_core.sources import REGISTRY_COLUMNS, SCHOOL_REGISTRY
from shnor_core.text import fold, is_blank

HEADER_WORDS = {"school_code": ("кодоо",), "school_name": ("наименованиеоо", "наименование"),
                "municipality_oktmo": ("октмо",), "inn": ("инн",), "ogrn": ("огрн",)}


def _rows(path: Path) -> tuple[str, list[tuple]]:
    if path.suffix.lower() == ".csv":
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return "csv", [tuple(row) for row in csv.reader(handle)]
    sheet = load_sheets(path)[0]
    return sheet.title, sheet.rows


def read_school_registry(path: Path, sha256: str | None = None) -> SourceRead:
    path = Path(path)
    result = SourceRead(path, sha256 or file_sha256(path), SCHOOL_REGISTRY.name, empty_frame(REGISTRY_COLUMNS),
                        layout="school_registry")
    sheet, rows = _rows(path)
    for index, row in enumerate(rows[:20]):
        folded = [fold(c) for c in row]
        positions = {key: next((i for i, text in enumerate(folded) if text.startswith(starts)), None)
                     for key, starts in HEADER_WORDS.items()}
        if positions["school_code"] is not None and positions["school_name"] is not None:
            break
    else:
        result.errors.append(CellError(path.name, sheet, "", "", "", "не найдена строка заголовков реестра («Код ОО», «Наименование ОО»)"))
        return result
    records = []
    for row_number, row in enumerate(rows[index + 1:], start=index + 2):
        if all(is_blank(c) for c in row):
            continue
        record = {key: (None if position is None or position >= len(row) or is_blank(row[position])
                        else str(row[position]).strip()) for key, position in positions.items()}
        records.append({**record, "source_file": path.name, "source_sha256": result.sha256,
                        "source_sheet": sheet, "source_row": row_number})
    result.rows = typed_frame(records, REGISTRY_COLUMNS)
    return result
