"""A small hand-made Республика Крым (region 35) for the seed 003 windows: three municipalities, eight schools,
ВПР «Статистика по отметкам» of 2023 and 2024, the ШНОР lists of both years and the zone of risk of 2024.

Every number is set here by hand, so the tests count the expected marts from this page, not from the code
under test. Shares of «2» are per cent of participants:

| school | МО | lists | ВПР 2023 (participants, % «2») | ВПР 2024 |
|---|---|---|---|---|
| S1 МБОУ СОШ № 1 | Бахчисарайский | ФИОКО 2023, 2024 | математика 20, 30 | математика 20, 20; русский 8, 50 (под порогом 10) |
| S2 МБОУ СОШ № 2 | Бахчисарайский | региональный 2023, 2024 | математика 25, 12; русский 25, 8 | математика 25, 16; русский 25, 4 |
| S3 МБОУ ООШ № 3 | Бахчисарайский | зона риска 2024 | математика 20, 25 | математика 20, 5 |
| S4 МБОУ СОШ № 4 | Симферополь | ФИОКО и региональный 2023 | математика 40, 20 | математика 40, 20 |
| S5 МБОУ гимназия № 5 | Симферополь | зона риска 2024 | математика 50, 10 | математика 50, 12 |
| S6 МБОУ СОШ № 6 | Симферополь | ФИОКО 2024 | математика 20, 15 | математика 20, 25 |
| S7 МБОУ СОШ № 7 | Ялта | региональный 2024 | — | математика 20, 10 |
| S8 МБОУ СОШ № 8 | Ялта | зона риска 2024 | математика 20, 20 | математика 25, 20 |
"""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl

from shnor_core.settings import DataHome
from shnor_core.sources import ASSESSMENT, SCHOOL_LISTS, SCHOOL_REGISTRY, landing_folder

BAKHCHISARAY, SIMFEROPOL, YALTA = "35604000", "35701000", "35729000"
MUNICIPALITY_WRITTEN = {BAKHCHISARAY: "Бахчисарайский район", SIMFEROPOL: "г. Симферополь", YALTA: "г. Ялта"}
SCHOOLS = {  # code: (name, municipality, login)
    "S1": ("35001001", "МБОУ СОШ № 1", BAKHCHISARAY), "S2": ("35001002", "МБОУ СОШ № 2", BAKHCHISARAY),
    "S3": ("35001003", "МБОУ ООШ № 3", BAKHCHISARAY), "S4": ("35002004", "МБОУ СОШ № 4", SIMFEROPOL),
    "S5": ("35002005", "МБОУ гимназия № 5", SIMFEROPOL), "S6": ("35002006", "МБОУ СОШ № 6", SIMFEROPOL),
    "S7": ("35003007", "МБОУ СОШ № 7", YALTA), "S8": ("35003008", "МБОУ СОШ № 8", YALTA),
}
# (school, subject): participants and % of «2», per year
VPR = {
    2023: {("S1", "Математика"): (20, 30), ("S2", "Математика"): (25, 12), ("S2", "Русский язык"): (25, 8),
           ("S3", "Математика"): (20, 25), ("S4", "Математика"): (40, 20), ("S5", "Математика"): (50, 10),
           ("S6", "Математика"): (20, 15), ("S8", "Математика"): (20, 20)},
    2024: {("S1", "Математика"): (20, 20), ("S1", "Русский язык"): (8, 50), ("S2", "Математика"): (25, 16),
           ("S2", "Русский язык"): (25, 4), ("S3", "Математика"): (20, 5), ("S4", "Математика"): (40, 20),
           ("S5", "Математика"): (50, 12), ("S6", "Математика"): (20, 25), ("S7", "Математика"): (20, 10),
           ("S8", "Математика"): (25, 20)},
}
LISTS = [  # year, list as the region writes it, school
    (2023, "ШНОР (ФИОКО)", "S1"), (2023, "ШНОР (ФИОКО)", "S4"),
    (2023, "ШНОР (региональная методика)", "S2"), (2023, "ШНОР (региональная методика)", "S4"),
    (2024, "ШНОР (ФИОКО)", "S1"), (2024, "ШНОР (ФИОКО)", "S6"),
    (2024, "ШНОР (региональная методика)", "S2"), (2024, "ШНОР (региональная методика)", "S7"),
    (2024, "Школы зоны контроля", "S3"), (2024, "Школы зоны контроля", "S5"), (2024, "Школы зоны контроля", "S8"),
]


def code(school: str) -> str:
    return SCHOOLS[school][0]


def write_registry(home: DataHome) -> Path:
    path = landing_folder(home, SCHOOL_REGISTRY) / "Реестр ОО Республики Крым.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Код ОО", "Наименование ОО", "ОКТМО МО"])
        writer.writerows([number, name, oktmo] for number, name, oktmo in SCHOOLS.values())
    return path


def write_vpr(home: DataHome, year: int) -> Path:
    """ФИС ОКО's «Статистика по отметкам»: a sheet per subject (grade 5), the region, each municipality (its
    participants the sum of its schools') and its schools with their logins."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for subject in ("Математика", "Русский язык"):
        cells = {school: value for (school, name), value in VPR[year].items() if name == subject}
        sheet = workbook.create_sheet(f"{subject} 5")
        for row in [[f"Всероссийские проверочные работы {year}. Статистика по отметкам"], [f"Предмет: {subject}"],
                    ["Класс: 5"], [], ["ОО", "Кол-во участников", "2", "3", "4", "5"],
                    ["Республика Крым", sum(n for n, _ in cells.values()), 15, 40, 30, 15]]:
            sheet.append(row)
        for oktmo, written in MUNICIPALITY_WRITTEN.items():
            schools = [s for s in cells if SCHOOLS[s][2] == oktmo]
            if not schools:
                continue
            sheet.append([written, sum(cells[s][0] for s in schools), 15, 40, 30, 15])
            for school in schools:
                participants, low = cells[school]
                sheet.append([f"(sch{code(school)[2:]}) {SCHOOLS[school][1]}", participants, low, 55 - low, 30, 15])
    path = landing_folder(home, ASSESSMENT) / f"ВПР {year} Статистика по отметкам.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def write_lists(home: DataHome) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Списки"
    sheet.append(["Перечни школ Республики Крым (письма ГКУ РК «ИМАЦ»)"])
    sheet.append(["Год", "Список", "Муниципальное образование", "ОО"])
    for year, kind, school in LISTS:
        sheet.append([year, kind, MUNICIPALITY_WRITTEN[SCHOOLS[school][2]], SCHOOLS[school][1]])
    path = landing_folder(home, SCHOOL_LISTS) / "Списки ШНОР и зоны риска 2023-2024.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def write_region(home: DataHome) -> dict[str, Path]:
    return {"registry": write_registry(home), "vpr_2023": write_vpr(home, 2023), "vpr_2024": write_vpr(home, 2024),
            "lists": write_lists(home)}
