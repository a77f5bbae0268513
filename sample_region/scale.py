"""The sample region scaled out for benchmarks: N synthetic regions of 44 municipalities each, every
source of one cycle (forms, ОО-1, registry, ВПР, ЕГЭ, lists, curators), optionally student-level ВПР rows.

Synthetic regions are not in the project's reference data, so the generator also writes a reference
overlay — the dbt project with its municipality and region seeds replaced, and a calendar with one
window per region — that a run selects with ``overlay_environment``. Everything is marked
«демонстрационные данные»; the same arguments give the same data.
"""

from __future__ import annotations

import csv
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv

from reports.form_workbook import write_form_workbook
from sample_region.generator import sample_values, school_context, stamp_received, write_context_extract
from sample_region.school import School
from sample_region.school_sources import RESULTS_YEAR, write_curators, write_ege, write_lists, write_registry, write_vpr
from shnor_core.demo import DEMO_MARK
from shnor_core.names import display_name
from shnor_core.reference import CALENDAR_COLUMNS, Monitoring, Municipality, load_form
from shnor_core.settings import DBT_PROJECT_DIR, DataHome, reference_environment
from shnor_core.sources import OO1_CONTEXT, landing_folder

MUNICIPALITIES_PER_REGION = 44
FIRST_REGION = 40  # synthetic ОКТМО prefixes 40, 41, …: clear of the real regions in the seeds
FORM_ID = "shnor_mph_v2021"
WINDOW = ("2025-06-01", "2025-06-11")
CONTEXT_YEAR = 2024


@dataclass
class ScaledCountry:
    home: DataHome
    overlay: Path
    monitorings: list[str]
    municipalities: int
    schools: int
    student_rows: int


SYLLABLES = ["бел", "вер", "гор", "дол", "жар", "зим", "кам", "лес", "мох", "нив", "озер", "пол", "рос", "сос"]


def _synthetic_name(index: int) -> str:
    """A unique name without digits (a number in a name reads as a school number): three syllables."""
    first, rest = divmod(index, len(SYLLABLES) ** 2)
    second, third = divmod(rest, len(SYLLABLES))
    return (SYLLABLES[first] + SYLLABLES[second] + SYLLABLES[third]).capitalize() + "ский"


def synthetic_regions(count: int) -> list[tuple[str, str, list[Municipality]]]:
    regions = []
    for index in range(count):
        prefix = f"{FIRST_REGION + index:02d}"
        municipalities = [
            Municipality(f"{prefix}6{number:02d}000",
                         f"{_synthetic_name(index * MUNICIPALITIES_PER_REGION + number - 1)} муниципальный район",
                         "municipal_district")
            for number in range(1, MUNICIPALITIES_PER_REGION + 1)]
        regions.append((prefix, f"{_synthetic_name(2700 - index).removesuffix('ский')}ская область", municipalities))
    return regions


def _schools(prefix: str, municipalities: list[Municipality], per_municipality: int, rng: random.Random) -> list[School]:
    schools = []
    for index, municipality in enumerate(municipalities, start=1):
        for number in range(1, per_municipality + 1):
            level = rng.choices(["СОШ", "ООШ", "лицей", "гимназия"], weights=[72, 24, 2, 2])[0]
            kind = {"СОШ": "МБОУ СОШ", "ООШ": "МБОУ ООШ", "лицей": "МАОУ лицей", "гимназия": "МАОУ гимназия"}[level]
            schools.append(School(f"{prefix}{index:03d}{number:03d}", f"{kind} № {number}", municipality,
                                  rng.random() < 0.6, level))
    return schools


def write_overlay(folder: Path, regions) -> Path:
    """A copy of the dbt project with the synthetic regions as its reference seeds, and their calendar."""
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(DBT_PROJECT_DIR, folder / "dbt_project", ignore=shutil.ignore_patterns("target", "logs"))
    seeds = folder / "dbt_project" / "seeds"
    with open(seeds / "ref_municipalities.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["oktmo8", "control_digit", "name", "kind", "valid_from", "valid_to"])
        for _, _, municipalities in regions:
            writer.writerows([m.oktmo, "0", m.name, m.kind, "2019-01-01", ""] for m in municipalities)
    with open(seeds / "ref_regions.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["region_code", "region_name", "oktmo_prefix", "institution"])
        writer.writerows([prefix, name, prefix, f"Институт развития образования ({name})"] for prefix, name, _ in regions)
    calendars = folder / "calendars"
    calendars.mkdir()
    with open(calendars / "synthetic_2025.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, CALENDAR_COLUMNS, restval="")
        writer.writeheader()
        for prefix, _, _ in regions:
            writer.writerow({"monitoring_id": f"mph-2025-{prefix}", "region_code": prefix, "track": "1",
                             "title": "Мониторинг результативности системы методической помощи ШНОР",
                             "kind": "municipal_form", "form_id": FORM_ID, "window_open": WINDOW[0],
                             "window_close": WINDOW[1], "grace_days": "3"})
    return folder


def overlay_environment(overlay: Path) -> dict[str, str]:
    """The environment a run needs to see the overlay's reference data instead of the project's."""
    return reference_environment(overlay)


def write_student_results(path: Path, schools: list[School], rows: int, weakness: np.ndarray, seed: int) -> int:
    """ВПР marks per participant for two subjects and two years, about ``rows`` rows in all, via Arrow."""
    rng = np.random.default_rng(seed)
    cells = [(subject, grade, year) for subject, grade in (("Математика", 5), ("Русский язык", 4))
             for year in (RESULTS_YEAR - 1, RESULTS_YEAR)]
    per_school = max(1, rows // (len(schools) * len(cells)))
    codes = np.array([s.code for s in schools])
    path.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with pa_csv.CSVWriter(path, pa.schema([(name, pa.string()) for name in (
            "Код ОО", "Процедура", "Год", "Предмет", "Класс", "Код участника", "Отметка", "Примечание")]),
            write_options=pa_csv.WriteOptions(delimiter=";", quoting_style="none")) as writer:
        for subject, grade, year in cells:
            counts = rng.integers(per_school // 2, per_school * 3 // 2 + 1, len(schools))
            school_index = np.repeat(np.arange(len(schools)), counts)
            weak = weakness[school_index]
            draw = rng.random(len(school_index))
            two = 0.05 + 0.35 * weak
            marks = np.where(draw < two, 2, np.where(draw < two + 0.35, 3, np.where(draw < two + 0.7, 4, 5)))
            participants = np.char.add(f"{year}{grade}-", np.arange(written, written + len(marks)).astype(str))
            note = np.full(len(marks), "", dtype=object)
            if written == 0:
                note[0] = DEMO_MARK
            writer.write_table(pa.table({
                "Код ОО": codes[school_index], "Процедура": np.full(len(marks), "ВПР"), "Год": np.full(len(marks), str(year)),
                "Предмет": np.full(len(marks), subject), "Класс": np.full(len(marks), str(grade)),
                "Код участника": participants, "Отметка": marks.astype(str), "Примечание": note.astype(str)}))
            written += len(marks)
    return written


def generate_scaled(home: DataHome, regions: int, schools_per_municipality: int = 25, student_rows: int = 0,
                    seed: int = 2025) -> ScaledCountry:
    """Landing files and the reference overlay for ``regions`` synthetic regions."""
    rng = random.Random(seed)
    form = load_form(FORM_ID)
    country = synthetic_regions(regions)
    overlay = write_overlay(home.root / "reference_overlay", country)
    all_schools, monitorings = [], []
    for prefix, region_title, municipalities in country:
        monitoring = Monitoring(f"mph-2025-{prefix}", prefix, "1", "Мониторинг", FORM_ID, *WINDOW, 3, "municipality")
        monitorings.append(monitoring.monitoring_id)
        schools = _schools(prefix, municipalities, schools_per_municipality, rng)
        all_schools += schools
        write_context_extract(landing_folder(home, OO1_CONTEXT) / f"oo1_{CONTEXT_YEAR}_{prefix}.xlsx",
                              [school_context(school, rng) for school in schools], CONTEXT_YEAR)
        for municipality in municipalities:
            values = sample_values(form, rng, rng.uniform(0.35, 0.95), schools_per_municipality)
            path = home.submissions_landing(monitoring.monitoring_id) / f"Мониторинг {display_name(municipality)}.xlsx"
            write_form_workbook(path, form, monitoring, region_title, display_name(municipality), values)
            stamp_received(path, monitoring, rng)
        weakness = {s.code: rng.random() ** 2 for s in schools}
        earlier = {code: min(1.0, max(0.0, value + rng.gauss(0, 0.08))) for code, value in weakness.items()}
        if not student_rows:
            write_vpr(home.landing / "results" / f"vpr_{RESULTS_YEAR}_{prefix}.xlsx", schools, weakness, rng)
            write_vpr(home.landing / "results" / f"vpr_{RESULTS_YEAR - 1}_{prefix}.xlsx", schools, earlier, rng,
                      RESULTS_YEAR - 1)
        write_ege(home.landing / "results" / f"ege_{RESULTS_YEAR}_{prefix}.xlsx", schools, weakness, rng)
        write_lists(home.landing / "lists" / f"lists_{RESULTS_YEAR}_{prefix}.xlsx", schools, weakness, rng,
                    (earlier, rng))
        project = [s for s in schools if weakness[s.code] > 0.9][:10] or schools[:2]
        write_curators(home.landing / "mentors" / f"curators_{RESULTS_YEAR}_{prefix}.xlsx", project, rng)
    write_registry(home.landing / "reference" / "schools_registry.csv", all_schools, rng)
    written = 0
    if student_rows:
        weakness_array = np.array([rng.random() ** 2 for _ in all_schools])
        written = write_student_results(home.landing / "results" / "vpr_students.csv", all_schools, student_rows,
                                        weakness_array, seed)
    return ScaledCountry(home, overlay, monitorings, regions * MUNICIPALITIES_PER_REGION, len(all_schools), written)
