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
