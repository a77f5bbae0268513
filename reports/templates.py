"""Blank templates of a monitoring window: one workbook per municipality of the region."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from reports.form_workbook import write_form_workbook
from shnor_core.names import display_name
from shnor_core.reference import Municipality, get_monitoring, load_form, load_municipalities, region_name
from shnor_core.settings import DataHome


def templates_folder(home: DataHome, monitoring_id: str) -> Path:
    return home.root / "templates" / monitoring_id


def template_path(home: DataHome, monitoring_id: str, oktmo: str) -> Path:
    return templates_folder(home, monitoring_id) / f"{monitoring_id}_{oktmo}.xlsx"


def issue_template(home: DataHome, monitoring_id: str, municipality: Municipality, demo: bool = False) -> Path:
    """One municipality's blank template, written whole under a temporary name and then renamed, so a
    reader (the upload page's download) never sees half a workbook."""
    monitoring = get_monitoring(monitoring_id)
    target = template_path(home, monitoring_id, municipality.oktmo)
    staged = target.with_name(f".{target.stem}.{os.getpid()}.{threading.get_ident()}.xlsx")
    write_form_workbook(staged, load_form(monitoring.form_id), monitoring, region_name(monitoring.region_code),
                        display_name(municipality), demo=demo, municipality=municipality)
    os.replace(staged, target)
    return target


def issue_templates(home: DataHome, monitoring_id: str, demo: bool = False) -> list[Path]:
    monitoring = get_monitoring(monitoring_id)
    return [issue_template(home, monitoring_id, m, demo) for m in load_municipalities(monitoring.region_code)]
