"""Workbooks with values set by hand, for tests that compute expected scores themselves."""

from __future__ import annotations

from pathlib import Path

from ingestion.reference import get_monitoring, load_form
from sample_region.workbook import write_form_workbook

MONITORING_ID = "mph-2025"


def form_values(presence_default=1, count_default=0, **overrides):
    """Every item of the seed 004 form set to a default, with per-indicator overrides by code.

    ``MNC_3=[1, 0, 1]`` sets the three sub-items of МНЦ-3; ``MPH_8=[5]`` sets a count.
    """
    form = load_form(get_monitoring(MONITORING_ID).form_id)
    values = {}
    for item in form.items():
        default = presence_default if item.kind == "presence" else count_default
        values[(item.section_code, item.indicator_number, item.item_number)] = default
    for code, items in overrides.items():
        code = code.replace("_", "-")
        for item in form.items():
            if item.indicator_code == code:
                values[(item.section_code, item.indicator_number, item.item_number)] = items[item.item_number - 1]
    return values


def write_submission(path: Path, municipality_written: str, values: dict, demo: bool = True) -> Path:
    monitoring = get_monitoring(MONITORING_ID)
    form = load_form(monitoring.form_id)
    return write_form_workbook(path, form, monitoring, "Краснодарский край", municipality_written, values, demo)
