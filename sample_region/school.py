"""A synthetic school of the demo region (shared by the generator, its school sources and the scale-up)."""

from __future__ import annotations

from dataclasses import dataclass

from shnor_core.reference import Municipality


@dataclass(frozen=True)
class School:
    code: str
    name: str
    municipality: Municipality
    rural: bool
    level: str  # "СОШ", "ООШ", "лицей", "гимназия"
