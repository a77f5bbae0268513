"""What a results or list reader returns: typed rows with lineage, names to review, errors."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from ingestion.cells import CellError


@dataclass
class SourceRead:
    file: Path
    sha256: str
    kind: str
    rows: pd.DataFrame
    unmatched: list[dict] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    is_demo: bool = False
    people: pd.DataFrame | None = None  # personal data (names): for the restricted schema only

    @property
    def accepted(self) -> bool:
        return not self.errors and not self.rows.empty

    @property
    def years(self) -> list[int]:
        return sorted(int(y) for y in self.rows["year"].dropna().unique())

    def errors_as_dicts(self) -> list[dict[str, str]]:
        return [asdict(error) for error in self.errors]
