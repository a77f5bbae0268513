"""Lineage every raw row carries: which file (and its content hash), which sheet, which row or cell."""

from __future__ import annotations

import csv
import hashlib
import re
from functools import cache
from pathlib import Path

from shnor_core.settings import DBT_SEEDS_DIR

LINEAGE_COLUMNS = ["source_file", "source_sha256", "source_sheet", "source_row", "source_cell"]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class Glob(str):
    """A key value naming many rows, for a figure summed over them: ``*`` any value, ``23*`` any value that begins
    with 23 (the ОКТМО of a region's municipalities)."""


ANY = Glob("*")


def mart_reference(mart: str, key_values: list) -> str:
    """The short stable reference of a mart row, printed beside a report's figure and resolved by
    ``shnor explain``: the mart without ``mart_`` and its key's values (seed ``mart_questions``), ``/`` between
    them (``%``, ``/`` and ``*`` inside a value written ``%25``, ``%2F``, ``%2A``); an empty value is a key column
    left empty. A ``Glob`` value keeps its ``*``: the reference names every row it matches (a region's sum)."""
    values = (_key_text(value).replace("%", "%25").replace("/", "%2F")
              if isinstance(value, Glob) else _key_text(value).replace("%", "%25").replace("/", "%2F").replace("*", "%2A")
              for value in key_values)
    return "/".join([mart.removeprefix("mart_"), *values])


SHORT_REFERENCE = re.compile(r"^R-[0-9a-f]{12}$")


def short_reference(reference: str) -> str:
    """What a report prints beside a figure: ``R-`` and the first 12 hex digits of the reference's sha256 —
    short, stable as the key it is made of, and free of the marts' internal codes (readers see Russian ones);
    ``shnor explain`` finds the row whose reference has it."""
    return "R-" + hashlib.sha256(reference.encode("utf-8")).hexdigest()[:12]


def printed_reference(mart: str, key_values: list) -> str:
    return short_reference(mart_reference(mart, key_values))


def _key_text(value) -> str:
    """A key value as the database casts it to text, whether it comes from DuckDB or from a pandas frame (a
    missing value, a year read as 2025.0, a date read as a timestamp at midnight)."""
    try:
        if value is None or value != value:
            return ""
    except TypeError:  # pandas' NA has no truth value
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "hour") and callable(getattr(value, "date", None)) and not (value.hour or value.minute
                                                                                 or value.second):
        return value.date().isoformat()
    return str(value)


@cache
def mart_keys() -> dict[str, tuple[str, ...]]:
    """Each mart's key columns, as seed ``mart_questions`` lists them (served by ``mart_guide``)."""
    with open(DBT_SEEDS_DIR / "mart_questions.csv", encoding="utf-8", newline="") as handle:
        return {row["mart_name"]: tuple(c.strip() for c in row["key_columns"].split(",") if c.strip())
                for row in csv.DictReader(handle)}
