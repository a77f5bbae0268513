"""The demo region's mark: every file the sample generator writes carries it, every report of its data
prints it, and this is the one place that decides whether a text carries it."""

from __future__ import annotations

from collections.abc import Iterable

import duckdb
import pandas as pd

from shnor_core import warehouse
from shnor_core.settings import DataHome
from shnor_core.text import normalize_text

DEMO_MARK = "демонстрационные данные"


def mentions_demo(values: Iterable[object]) -> bool:
    """Whether any of these cell values or texts carries the demo mark (case and spacing ignored)."""
    return any(DEMO_MARK in normalize_text(value) for value in values if value is not None)


def holds_demo_data(home: DataHome) -> bool:
    """Whether the home holds the demo region's data (a file marked demo was taken in): what it issues next —
    templates, reminders — carries the mark too."""
    if not home.warehouse.exists():
        return False
    try:
        flags = warehouse.query(home.warehouse, f"select bool_or(is_demo) as demo from {warehouse.FILES_TABLE}")
    except duckdb.CatalogException:  # a warehouse without its file registry yet holds no demo data
        return False
    return not flags.empty and not pd.isna(flags.iloc[0]["demo"]) and bool(flags.iloc[0]["demo"])
