"""Blank templates of a monitoring window: one workbook per municipality of the region, or — for a
school-level form — one per school of the registry, in a folder per municipality."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from reports.form_workbook import write_form_workbook
from shnor_core.demo import holds_demo_data
from shnor_core.names import display_name
from shnor_core.reference import Municipality, School, current_municipalities, get_monitoring, load_form, region_name
from shnor_core.settings import DataHome


def templates_folder(home: DataHome, monitoring_id: str) -> Path:
    return home.root / "templates" / monitoring_id


def municipality_folder(home: DataHome, monitoring_id: str, oktmo: str, name: str) -> Path:
    """A school-level window's templates of one municipality: ``templates/<window>/<ОКТМО> <МО>/``."""
    return templates_folder(home, monitoring_id) / f"{oktmo} {name}"


def template_path(home: DataHome, monitoring_id: str, oktmo: str) -> Path:
    return templates_folder(home, monitoring_id) / f"{monitoring_id}_{oktmo}.xlsx"


def _write_whole(target: Path, write) -> Path:
    """Write a workbook under a temporary name and rename it, so a reader (the upload page's download) never
    sees half a workbook."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_name(f".{target.stem}.{os.getpid()}.{threading.get_ident()}.xlsx")
    write(staged)
    os.replace(staged, target)
    return target


def issue_template(home: DataHome, monitoring_id: str, municipality: Municipality, demo: bool | None = None) -> Path:
    """One municipality's blank template, written whole under a temporary name and then renamed. A home that
    holds the demo region's data issues templates marked as demo (``demo`` None: as the home says)."""
    monitoring = get_monitoring(monitoring_id)
    demo = holds_demo_data(home) if demo is None else demo
    return _write_whole(template_path(home, monitoring_id, municipality.oktmo), lambda staged: write_form_workbook(
        staged, load_form(monitoring.form_id), monitoring, region_name(monitoring.region_code),
        display_name(municipality), demo=demo, municipality=municipality))


def issue_templates(home: DataHome, monitoring_id: str, demo: bool | None = None) -> list[Path]:
    monitoring = get_monitoring(monitoring_id)
    demo = holds_demo_data(home) if demo is None else demo
    return [issue_template(home, monitoring_id, m, demo) for m in current_municipalities(monitoring.region_code)]


def issue_school_templates(home: DataHome, monitoring_id: str, schools: list[School],
                           demo: bool | None = None) -> list[Path]:
    """One template per school of the registry (``schools``), grouped in a folder per municipality, with
    the school's code in the header and the hidden sheet: the municipality forwards each to its school."""
    monitoring = get_monitoring(monitoring_id)
    demo = holds_demo_data(home) if demo is None else demo
    form = load_form(monitoring.form_id)
    municipalities = {m.oktmo: m for m in current_municipalities(monitoring.region_code)}
    region = region_name(monitoring.region_code)
    paths = []
    for school in schools:
        municipality = municipalities.get(school.municipality_oktmo)
        if municipality is None:  # a registry row outside the region's reference municipalities
            continue
        folder = municipality_folder(home, monitoring_id, municipality.oktmo, display_name(municipality))
        paths.append(_write_whole(folder / f"{monitoring_id}_{school.code}.xlsx", lambda staged: write_form_workbook(
            staged, form, monitoring, region, display_name(municipality), demo=demo, municipality=municipality,
            school=school)))
    return paths
