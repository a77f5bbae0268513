"""Lineage every raw row carries: which file (and its content hash), which sheet, which row or cell."""

from __future__ import annotations

import hashlib
from pathlib import Path

LINEAGE_COLUMNS = ["source_file", "source_sha256", "source_sheet", "source_row", "source_cell"]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def mart_reference(mart: str, key_values: list) -> str:
    """The short stable reference of a mart row, printed beside a report's figure and resolved by
    ``shnor explain``: the mart without ``mart_`` and its key's values (seed ``mart_questions``), ``/`` between
    them (``%`` and ``/`` inside a value written ``%25``, ``%2F``); an empty value is a key column left empty."""
    values = ("" if value is None or value != value else str(value) for value in key_values)
    return "/".join([mart.removeprefix("mart_"), *(v.replace("%", "%25").replace("/", "%2F") for v in values)])
