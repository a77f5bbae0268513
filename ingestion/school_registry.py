"""Reader of the region's school registry: stable school codes with names, municipality, ИНН/ОГРН.

A CSV or workbook with named columns (``Код ОО``, ``Наименование ОО``, ``ОКТМО МО``, ``ИНН``, ``ОГРН``);
the latest accepted registry is what school names are matched against.
"""

from __future__ import annotations

import csv
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from ingestion.cells import CellError, fold, is_blank
from ingestion.lineage import file_sha256
from ingestion.workbook_source import load_sheets

REGISTRY_COLUMNS = {"school_code": ("кодоо",), "school_name": ("наименованиеоо", "наименование"),
                    "municipality_oktmo": ("октмо",), "inn": ("инн",), "ogrn": ("огрн",)}
REGISTRY_TYPES = {**{c: "string" for c in REGISTRY_COLUMNS}, "source_file": "string", "source_sha256": "string",
                  "source_sheet": "string", "source_row": "int64"}


@dataclass
class RegistryRead:
    file: Path
    sha256: str
    rows: pd.DataFrame
    errors: list[CellError] = field(default_factory=list)
    is_demo: bool = False

    @property
    def accepted(self) -> bool:
        return not self.errors and not self.rows.empty

    def errors_as_dicts(self) -> list[dict[str, str]]:
        return [asdict(error) for error in self.errors]


def _rows(path: Path) -> tuple[str, list[tuple]]:
    if path.suffix.lower() == ".csv":
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return "csv", [tuple(row) for row in csv.reader(handle)]
    sheet = load_sheets(path)[0]
    return sheet.title, sheet.rows


def read_school_registry(path: Path, sha256: str | None = None) -> RegistryRead:
    path = Path(path)
    result = RegistryRead(path, sha256 or file_sha256(path),
                          pd.DataFrame({c: pd.Series(dtype=t) for c, t in REGISTRY_TYPES.items()}))
    sheet, rows = _rows(path)
    for index, row in enumerate(rows[:20]):
        folded = [fold(c) for c in row]
        positions = {key: next((i for i, text in enumerate(folded) if text.startswith(starts)), None)
                     for key, starts in REGISTRY_COLUMNS.items()}
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
    result.rows = pd.DataFrame.from_records(records).reindex(columns=list(REGISTRY_TYPES)).astype(REGISTRY_TYPES)
    return result
