"""Blank templates of a monitoring window: one workbook per municipality of the region."""

from __future__ import annotations

from pathlib import Path

from reports.form_workbook import write_form_workbook
from shnor_core.names import display_name
from shnor_core.reference import get_monitoring, load_form, load_municipalities, region_name
from shnor_core.settings import DataHome


def templates_folder(home: DataHome, monitoring_id: str) -> Path:
    return home.root / "templates" / monitoring_id


def issue_templates(home: DataHome, monitoring_id: str, demo: bool = False) -> list[Path]:
    monitoring = get_monitoring(monitoring_id)
    form = load_form(monitoring.form_id)
    folder = templates_folder(home, monitoring_id)
    return [
        write_form_workbook(folder / f"{monitoring_id}_{m.oktmo}.xlsx", form, monitoring, region_name(monitoring.region_code),
                            display_name(m), demo=demo, municipality=m)
        for m in load_municipalities(monitoring.region_code)
    ]
