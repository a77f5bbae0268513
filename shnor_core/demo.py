"""The demo region's mark: every file the sample generator writes carries it, every report of its data
prints it, and this is the one place that decides whether a text carries it."""

from __future__ import annotations

from collections.abc import Iterable

from shnor_core.text import normalize_text

DEMO_MARK = "демонстрационные данные"


def mentions_demo(values: Iterable[object]) -> bool:
    """Whether any of these cell values or texts carries the demo mark (case and spacing ignored)."""
    return any(DEMO_MARK in normalize_text(value) for value in values if value is not None)
