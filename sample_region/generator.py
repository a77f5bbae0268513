"""Deterministic demo region: schools, ОО-1 context and one filled workbook per municipality, the school
sources (registry, results, lists, curators) and the support system's files (roadmaps and their
execution reports, registries of people, professional development).

Municipality names and ОКТМО codes are the public 2019 list of Краснодарский край; every number is
synthetic and every file says «демонстрационные данные». The same seed gives the same bytes of data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import openpyxl
from openpyxl.styles import Font

from reports.form_workbook import ItemKey, write_form_workbook
from sample_region.school import School
from sample_region.school_sources import generate_school_sources
from sample_region.support_sources import generate_support_sources
from shnor_core.arrivals import record_arrival
from shnor_core.demo import DEMO_MARK
from shnor_core.names import display_name
from shnor_core.reference import Form, Monitoring, Municipality, get_monitoring, load_form, load_municipalities, region_name
from shnor_core.settings import DataHome
from shnor_core.sources import OO1_CONTEXT, context_columns, landing_folder

REGION_CODE = "23"
DEFAULT_SEED = 20250611
DEFAULT_MONITORING = "mph-2025"
CONTEXT_YEAR = 2024
DEMO_SENDER = "демонстрационная почта"

# Large city okrugs get realistic school counts; districts draw theirs from a range.
CITY_SCHOOLS = {"03701000": 96, "03726000": 84, "03720000": 44, "03703000": 34, "03705000": 30,
                "03708000": 17, "03709000": 15}



@dataclass
class SampleRegion:
    home: DataHome
    monitoring: Monitoring
    schools: list[School]
    submissions: list[Path]
    context_file: Path
    school_sources: dict[str, Path]
    support_sources: dict[str, list[Path]]


def generate_schools(municipalities: list[Municipality], rng: random.Random) -> list[School]:
    schools = []
    for index, municipality in enumerate(municipalities, start=1):
        count = CITY_SCHOOLS.get(municipality.oktmo) or rng.randint(12, 38)
        city = municipality.kind == "city_okrug"
        for number in range(1, count + 1):
            level = rng.choices(["СОШ", "ООШ", "лицей", "гимназия"], weights=[70, 18, 6, 6] if city else [72, 26, 1, 1])[0]
            kind = {"СОШ": "МБОУ СОШ", "ООШ": "МБОУ ООШ", "лицей": "МАОУ лицей", "гимназия": "МАОУ гимназия"}[level]
            rural = (not city and rng.random() < 0.7) or (city and rng.random() < 0.1)
            schools.append(School(f"{REGION_CODE}{index:03d}{number:03d}", f"{kind} № {number}", municipality, rural, level))
    return schools


def school_context(school: School, rng: random.Random) -> dict[str, object]:
    small = school.rural and rng.random() < 0.4
    base = rng.randint(40, 180) if small else rng.randint(250, 1400)
    pupils_1_4 = round(base * rng.uniform(0.38, 0.45))
    pupils_10_11 = 0 if school.level == "ООШ" else round(base * rng.uniform(0.06, 0.12))
    pupils_5_9 = base - pupils_1_4 - pupils_10_11
    classes = max(4 if school.level == "ООШ" else 9, round(base / rng.uniform(18, 26)))
    teachers = max(6, round(base / rng.uniform(11, 17)))
    higher = round(teachers * rng.uniform(0.1, 0.45))
    return {
        "school_code": school.code,
        "school_name": school.name,
        "municipality_oktmo": school.municipality.oktmo,
        "municipality_name": school.municipality.name,
        "locality": "сельская" if school.rural else "городская",
        "pupils_total": base,
        "pupils_1_4": pupils_1_4,
        "pupils_5_9": pupils_5_9,
        "pupils_10_11": pupils_10_11,
        "pupils_ovz": round(base * rng.uniform(0.01, 0.09)),
        "classes_total": classes,
        "class_sets": rng.randint(1, 3) if small else 0,
        "teachers_total": teachers,
        "teacher_vacancies": rng.choices([0, 1, 2, 3], weights=[60, 25, 10, 5])[0],
        "teachers_higher_category": higher,
        "teachers_first_category": round((teachers - higher) * rng.uniform(0.2, 0.6)),
        "teachers_under_35": round(teachers * rng.uniform(0.05, 0.3)),
        "teachers_60_plus": round(teachers * rng.uniform(0.05, 0.35)),
        "computers_total": round(base / rng.uniform(6, 15)),
        "has_internet": "да" if rng.random() < 0.97 else "нет",
    }


def write_context_extract(path: Path, rows: list[dict[str, object]], year: int) -> Path:
    """The flat ОО-1 extract regions keep: a title line, then one row per school with named columns."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = f"ОО-1 {year}"
    sheet["A1"] = f"Сведения по форме ОО-1 на начало {year}/{year + 1} учебного года ({DEMO_MARK})"
    columns = context_columns()
    for column, spec in enumerate(columns, start=1):
        sheet.cell(3, column, spec.label).font = Font(bold=True)
    for row_index, row in enumerate(rows, start=4):
        for column, spec in enumerate(columns, start=1):
            sheet.cell(row_index, column, row[spec.variable])
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def sample_values(form: Form, rng: random.Random, strength: float, school_count: int) -> dict[ItemKey, object]:
    """A municipality's answers: 0/1 with its own strength, counts in proportion to its schools.

    A few presence cells are typed the way people type them ("да", "1,0"), as real returns are.
    """
    values: dict[ItemKey, object] = {}
    for item in form.items():
        key = (item.section_code, item.indicator_number, item.item_number)
        if item.kind == "count":
            values[key] = rng.randint(0, max(1, school_count // 3))
            continue
        value = 1 if rng.random() < strength else 0
        spelled = rng.random()
        values[key] = ("да" if value else "нет") if spelled < 0.04 else (f"{value},0" if spelled < 0.07 else value)
    return values


def stamp_received(path: Path, monitoring: Monitoring, rng: random.Random) -> None:
    """Record the file's arrival at a working hour inside the window, as if mailed then (the demo's mail
    fetcher: the landing folder's arrival record, never the file's modification time)."""
    opened = datetime.fromisoformat(monitoring.window_open)
    days = (datetime.fromisoformat(monitoring.window_close) - opened).days
    moment = opened + timedelta(days=rng.randint(0, days), hours=rng.randint(8, 17))
    record_arrival(path.parent, path.name, moment, DEMO_SENDER)


def generate_sample_region(
    home: DataHome,
    monitoring_id: str = DEFAULT_MONITORING,
    seed: int = DEFAULT_SEED,
) -> SampleRegion:
    """Write the demo region's landing files under ``home``; returns what was written."""
    rng = random.Random(seed)
    monitoring = get_monitoring(monitoring_id)
    form = load_form(monitoring.form_id)
    municipalities = load_municipalities(monitoring.region_code)
    schools = generate_schools(municipalities, rng)
    context_rows = [school_context(school, rng) for school in schools]
    context_file = write_context_extract(landing_folder(home, OO1_CONTEXT) / f"oo1_{CONTEXT_YEAR}.xlsx", context_rows, CONTEXT_YEAR)

    landing = home.submissions_landing(monitoring_id)
    submissions = []
    for municipality in municipalities:
        school_count = sum(1 for s in schools if s.municipality.oktmo == municipality.oktmo)
        values = sample_values(form, rng, rng.uniform(0.35, 0.95), school_count)
        name = display_name(municipality)
        path = landing / f"Мониторинг МНЦ МТКП {name}.xlsx"
        write_form_workbook(path, form, monitoring, region_name(monitoring.region_code), name, values)
        stamp_received(path, monitoring, rng)
        submissions.append(path)
    school_sources = generate_school_sources(home, schools, seed + 1)
    support = generate_support_sources(home, schools, municipalities, school_sources["lists"],
                                       school_sources["curators"], seed + 2)
    return SampleRegion(home, monitoring, schools, submissions, context_file, school_sources, support)
