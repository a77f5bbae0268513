"""The one result type of every reader: typed rows with lineage, the errors that refuse the file, the
names left for a person to review, and what the file says about itself (municipality, monitoring, year).

"Accepted at reading" has one definition here, for every source kind: no error and at least one row.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from shnor_core.reference import Municipality


@dataclass
class CellError:
    """One reason a file is refused, in words a municipal specialist can act on."""

    file: str
    sheet: str
    cell: str
    indicator: str
    value: str
    rule: str


@dataclass
class SourceRead:
    file: Path
    sha256: str
    kind: str  # a source kind of shnor_core.sources.SOURCE_KINDS
    rows: pd.DataFrame
    layout: str = ""  # which layout of the kind the file was read as
    errors: list[CellError] = field(default_factory=list)
    unmatched: list[dict] = field(default_factory=list)  # names not matched with certainty: audit.name_review
    people: pd.DataFrame | None = None  # personal data (names): for the restricted schema only
    is_demo: bool = False
    monitoring_id: str | None = None
    municipality: Municipality | None = None
    school_code: str | None = None  # a school-level form's school
    year: int | None = None  # the data year the file states (ОО-1); else the years of its rows
    notes: list[str] = field(default_factory=list)
    details: dict[str, str] = field(default_factory=dict)  # reader-specific facts: sheet, written names, metadata
    held_reason: str | None = None  # read, but not understood well enough to load: a person must look first
    unreadable: bool = False  # not opened at all (missing, a folder, broken, hostile, encrypted): not "refused"
    # what was left unread and why (sheets skipped, columns not found or unknown): never a refusal by itself
    not_read: list[CellError] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)  # why the layout, procedure, subject, grade and year

    @property
    def accepted(self) -> bool:
        return not self.errors and not self.rows.empty and self.held_reason is None

    @property
    def years(self) -> list[int]:
        if self.year is not None:
            return [self.year]
        if "year" not in self.rows:
            return []
        return sorted(int(y) for y in self.rows["year"].dropna().unique())

    def file_fields(self) -> dict:
        """What the file registry (raw.files) records of this file besides its name and hash."""
        return {"monitoring_id": self.monitoring_id,
                "municipality_oktmo": self.municipality.oktmo if self.municipality else None,
                "school_code": self.school_code,
                "data_year": min(self.years) if self.years else None}

    def not_read_as_dicts(self) -> list[dict[str, str]]:
        return cap_errors([asdict(note) for note in self.not_read])

    def errors_as_dicts(self) -> list[dict[str, str]]:
        """The errors to store and send back: every rule's first ones, the rest counted."""
        return cap_errors([asdict(error) for error in self.errors])


# A file with thousands of wrong cells needs a few of each kind to be fixed, not all of them: the rest of a
# rule's errors are counted in one line. Bounds what is stored, written back and sent to the municipality.
MAX_ERRORS_PER_RULE = 50
# And a file whose errors differ cell by cell (each rule's text naming its value) is bounded as a whole: the
# first MAX_ERRORS_PER_FILE errors, then one line counting the rest — the «Ошибки» sheet stays readable.
MAX_ERRORS_PER_FILE = 200


def cap_errors(errors: list[dict], per_rule: int = MAX_ERRORS_PER_RULE,
               per_file: int = MAX_ERRORS_PER_FILE) -> list[dict]:
    """The first ``per_rule`` errors of each rule, and one line per rule counting the ones left out; beyond
    ``per_file`` errors kept, the first ``per_file`` and one line counting all the others."""
    seen: Counter[str] = Counter()
    kept, first = [], {}
    for error in errors:
        seen[error["rule"]] += 1
        if seen[error["rule"]] <= per_rule:
            kept.append(error)
            first.setdefault(error["rule"], error)
    if len(kept) > per_file:
        return kept[:per_file] + [{**kept[per_file], "sheet": "", "cell": "", "indicator": "", "value": "",
                                   "rule": f"и ещё {len(errors) - per_file} ошибок (показаны первые {per_file})"}]
    return kept + [{**first[rule], "cell": "", "value": "",
                    "rule": f"и ещё {count - per_rule} таких же ошибок (показаны первые {per_rule}): {rule}"}
                   for rule, count in seen.items() if count > per_rule]


def empty_frame(columns: dict[str, str]) -> pd.DataFrame:
    """No rows, with the columns and types of a raw table (see shnor_core.sources)."""
    return pd.DataFrame({column: pd.Series(dtype=kind) for column, kind in columns.items()})


def typed_frame(records: list[dict], columns: dict[str, str]) -> pd.DataFrame:
    """Records as a frame with exactly a raw table's columns and types."""
    if not records:
        return empty_frame(columns)
    return pd.DataFrame.from_records(records).reindex(columns=list(columns)).astype(columns)
