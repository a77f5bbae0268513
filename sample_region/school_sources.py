"""The demo region's school-level sources in the layouts regions keep: the school registry,
ВПР statistics (ФИС ОКО), a regional ЕГЭ table, the yearly lists and curator assignments.

All numbers and all people are synthetic; every file says «демонстрационные данные».
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

import openpyxl

from sample_region.school import School
from shnor_core.demo import DEMO_MARK
from shnor_core.names import municipality_title
from shnor_core.settings import DataHome

RESULTS_YEAR = 2025
PREVIOUS_YEAR = RESULTS_YEAR - 1  # a second year of ВПР and lists, for dynamics and the two-year risk rule
VPR_SUBJECTS = [("Математика", 5), ("Русский язык", 4)]
EGE_SUBJECTS = ["Русский язык", "Математика (профильный уровень)"]
SURNAMES = ["Иванова", "Петрова", "Смирнова", "Кузнецова", "Попова", "Соколова", "Лебедева", "Козлова", "Новикова",
            "Морозова", "Волкова", "Алексеева"]
FIRST_NAMES = ["Анна", "Елена", "Ольга", "Татьяна", "Наталья", "Ирина", "Светлана", "Марина"]
PATRONYMICS = ["Сергеевна", "Викторовна", "Александровна", "Николаевна", "Петровна", "Игоревна"]


def _short(municipality) -> str:
    """The short name tables use: "Абинский район", "г. Сочи"."""
    title = municipality_title(municipality)
    return f"{title} район" if municipality.kind == "municipal_district" else f"г. {title}"


def write_registry(path: Path, schools: list[School], rng: random.Random) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Код ОО", "Наименование ОО", "ОКТМО МО", "ИНН", "ОГРН", "Примечание"])
        for school in schools:
            writer.writerow([school.code, school.name, school.municipality.oktmo,
                             f"23{rng.randrange(10**8):08d}", f"102{rng.randrange(10**10):010d}", DEMO_MARK])
    return path


def _shares(rng: random.Random, weakness: float) -> list[int]:
    """Percentages of marks 2, 3, 4, 5 summing to 100."""
    two = round(min(60, max(0, rng.gauss(8 + 25 * weakness, 5))))
    five = round(max(0, rng.gauss(18 - 12 * weakness, 5)))
    four = round(max(0, rng.gauss(35 - 10 * weakness, 6)))
    return [two, max(0, 100 - two - four - five), four, five] if two + four + five <= 100 else [two, 0, 100 - two, 0]


def write_vpr(path: Path, schools: list[School], weakness: dict[str, float], rng: random.Random,
              year: int = RESULTS_YEAR) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for subject, grade in VPR_SUBJECTS:
        sheet = workbook.create_sheet(f"{subject} {grade}")
        sheet.append([f"Всероссийские проверочные работы {year}. Статистика по отметкам ({DEMO_MARK})"])
        sheet.append([f"Предмет: {subject}"])
        sheet.append([f"Класс: {grade}"])
        sheet.append([])
        sheet.append(["ОО", "Кол-во участников", "2", "3", "4", "5"])
        sheet.append(["Краснодарский край", sum(40 for _ in schools), 10, 40, 35, 15])
        current = None
        for school in schools:
            if school.municipality is not current:
                current = school.municipality
                sheet.append([_short(current), None, None, None, None, None])
            participants = rng.randint(6, 120)
            sheet.append([f"({school.code}) {school.name}", participants, *_shares(rng, weakness[school.code])])
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def write_ege(path: Path, schools: list[School], weakness: dict[str, float], rng: random.Random) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = f"ЕГЭ {RESULTS_YEAR}"
    sheet.append([f"Результаты ЕГЭ {RESULTS_YEAR} по общеобразовательным организациям ({DEMO_MARK})"])
    sheet.append([])
    sheet.append(["Муниципальное образование", "ОО"] + [s for subject in EGE_SUBJECTS for s in (subject, None, None, None)])
    sheet.append([None, None] + ["Участников", "Средний балл", "Не преодолели минимальный порог", "100 баллов"] * 2)
    for index in range(len(EGE_SUBJECTS)):
        start = 3 + 4 * index
        sheet.merge_cells(start_row=3, start_column=start, end_row=3, end_column=start + 3)
    sheet.merge_cells("A3:A4")
    sheet.merge_cells("B3:B4")
    current = None
    for school in [s for s in schools if s.level != "ООШ"]:
        if school.municipality is not current:
            if current is not None:
                sheet.append([None, f"ВСЕГО по МО {_short(current)}"])
            current = school.municipality
            first = _short(current)
        else:
            first = None
        row = [first, school.name]
        for subject in EGE_SUBJECTS:
            if subject.startswith("Математика") and rng.random() < 0.15:
                row += ["х", "х", "х", "х"]  # nobody took it: structurally empty
                continue
            participants = rng.randint(4, 60)
            mean = round(max(35, min(90, rng.gauss(68 - 20 * weakness[school.code], 7))), 1)
            row += [participants, mean, round(participants * weakness[school.code] * rng.uniform(0, 0.3)),
                    rng.choice([0, 0, 0, 1])]
        sheet.append(row)
    sheet.append([None, f"ВСЕГО по МО {_short(current)}"])
    sheet.append(["Итого по региону"])
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def _year_lists(schools: list[School], weakness: dict[str, float], rng: random.Random) -> dict[str, list[School]]:
    ranked = sorted(schools, key=lambda s: weakness[s.code], reverse=True)
    federal = [s for s in ranked[: len(schools) // 12] if rng.random() < 0.6]
    return {"ШНОР (региональная методика)": ranked[: len(schools) // 20], "ШНОР (ФИОКО)": federal,
            "Проект «500+»": federal[: max(2, len(federal) // 3)],
            "Необъективные результаты ВПР (ФИОКО)": rng.sample(schools, len(schools) // 50)}


def write_lists(path: Path, schools: list[School], weakness: dict[str, float], rng: random.Random,
                previous: tuple[dict[str, float], random.Random]) -> Path:
    """This year's lists and last year's ШНОР lists (federal and regional), one table with a year column."""
    current = _year_lists(schools, weakness, rng)
    earlier = _year_lists(schools, *previous)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Списки"
    sheet.append([f"Списки ОО {PREVIOUS_YEAR}–{RESULTS_YEAR} ({DEMO_MARK})"])
    sheet.append(["Год", "Список", "Муниципальное образование", "ОО"])
    rows = [(RESULTS_YEAR, kind, members) for kind, members in current.items()]
    rows += [(PREVIOUS_YEAR, kind, earlier[kind]) for kind in ("ШНОР (региональная методика)", "ШНОР (ФИОКО)")]
    for year, kind, members in rows:
        for school in sorted(members, key=lambda s: s.code):
            sheet.append([year, kind, _short(school.municipality), school.name])
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def write_curators(path: Path, project_schools: list[School], rng: random.Random,
                   details: random.Random | None = None, year: int = RESULTS_YEAR,
                   names: dict[str, tuple[str, str]] | None = None) -> Path:
    """One curator per «500+» school; every third curator holds a second school, as in seed 002. With
    ``details`` (its own stream, so the names stay as they were) the seed 002 columns too: visits, the
    programme against the school's risks, the date of the work in ИС МЭДК. ``names`` gives a school the
    curator it had (by school code): continuity across years."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Кураторы"
    sheet.append([f"Закрепление кураторов «500+», {year} ({DEMO_MARK})"])
    extra = ["Посещений", "Программа по устранению рисков", "Дата в ИС МЭДК"] if details else []
    sheet.append(["ФИО куратора", "Должность", "МО", "Курируемая ОО", "Роль", "Год", *extra])
    schools = list(project_schools)
    number = 0
    while schools:
        number += 1
        known = (names or {}).get(schools[0].code)
        name = known[0] if known else f"{rng.choice(SURNAMES)} {rng.choice(FIRST_NAMES)} {rng.choice(PATRONYMICS)}"
        position = known[1] if known else f"директор СОШ № {rng.randint(1, 99)}"
        held = [schools.pop(0)] + ([schools.pop(0)] if number % 3 == 0 and schools else [])
        for school in held:
            row = [name, position, _short(school.municipality), school.name, "куратор", year]
            if details:
                visits = details.randint(0, 6)
                row += [visits, "согласована" if visits and details.random() < 0.8 else "нет",
                        f"{details.randint(1, 28):02d}.{details.randint(2, 5):02d}.{year}" if visits else None]
            sheet.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def generate_school_sources(home: DataHome, schools: list[School], seed: int) -> dict[str, Path]:
    rng = random.Random(seed)
    weakness = {s.code: rng.random() ** 2 for s in schools}
    earlier_rng = random.Random(-seed)  # last year from its own stream, so this year's files stay as they were
    earlier = {code: min(1.0, max(0.0, value + earlier_rng.gauss(0, 0.08))) for code, value in weakness.items()}
    lists = write_lists(home.landing / "lists" / f"lists_{RESULTS_YEAR}.xlsx", schools, weakness, rng,
                        (earlier, earlier_rng))
    listed = {row[3]: row for row in openpyxl.load_workbook(lists).active.iter_rows(min_row=3, values_only=True)
              if "500" in str(row[1])}
    project = [s for s in schools if s.name in listed and _short(s.municipality) == listed[s.name][2]]
    return {
        "registry": write_registry(home.landing / "reference" / "schools_registry.csv", schools, rng),
        "vpr": write_vpr(home.landing / "results" / f"vpr_{RESULTS_YEAR}.xlsx", schools, weakness, rng),
        "vpr_previous": write_vpr(home.landing / "results" / f"vpr_{PREVIOUS_YEAR}.xlsx", schools, earlier,
                                  earlier_rng, PREVIOUS_YEAR),
        "ege": write_ege(home.landing / "results" / f"ege_{RESULTS_YEAR}.xlsx", schools, weakness, rng),
        "lists": lists,
        "curators": write_curators(home.landing / "mentors" / f"curators_{RESULTS_YEAR}.xlsx", project, rng,
                                   details=random.Random(seed + 7)),
    }
