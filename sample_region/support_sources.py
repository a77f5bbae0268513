"""The demo region's files about the support system, as municipalities send them: each municipality's
roadmap for the year (seed 001's 25 activities, some left out, some of its own added, other
periodicities, its own wording; a third as the approving order in Word with the table continued over
pages, its header repeated and a row split between pages, the rest as Excel sheets), the reports on their
execution with gaps (activities not reported, done without a document, done late), the registries of ШНОР
management teams, teachers, mentors and tutors, the monitoring of teachers' professional development,
last year's «500+» list with this year's post-project schools, and last year's curators (some schools keep
theirs). Every person is synthetic; every file says «демонстрационные данные»; the same seed gives the
same files.
"""

from __future__ import annotations

import calendar
import csv
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import docx
import openpyxl
from docx.enum.text import WD_BREAK
from openpyxl.styles import Font

from sample_region.school import School
from sample_region.school_sources import PREVIOUS_YEAR, RESULTS_YEAR, _short, write_curators
from shnor_core.arrivals import record_arrival
from shnor_core.demo import DEMO_MARK
from shnor_core.names import display_name
from shnor_core.reference import Municipality
from shnor_core.settings import DBT_SEEDS_DIR, DataHome

YEAR = RESULTS_YEAR
SENDER = "демонстрационная почта"  # who brought the files in (the arrival record), as for the demo's forms
REPORT_DAY = date(YEAR, 6, 5)  # the execution reports are sent for the first half-year, inside the June window
ROADMAP_HEADER = ["№", "Показатели", "Документ", "Сроки и периодичность проведения мероприятий",
                  "Ответственные за сбор и обработку информации"]

# Due months of each periodicity, as the seed roadmap_periodicities states them (the generator writes text;
# these only decide which due dates a report speaks of).
DUE_MONTHS = {"quarterly": [3, 5, 10, 12], "monthly": list(range(1, 13)), "half_year": [5, 12],
              "twice_a_school_year": [5, 12], "school_year": [5], "calendar_year": [12], "as_scheduled": [12],
              "as_needed": []}
SCHEDULE_TEXT = {"quarterly": ["Не реже 1 раза в четверть", "По итогам каждой учебной четверти и учебного года",
                               "Ежеквартально"],
                 "monthly": ["Ежемесячно"], "half_year": ["По итогам полугодия и учебного года", "1 раз в полугодие"],
                 "twice_a_school_year": ["2 раза в течение учебного года"], "school_year": ["В течение учебного года"],
                 "calendar_year": ["В течение года"], "as_scheduled": ["По отдельному графику", "По графику МКУО ЦОКО"],
                 "as_needed": ["По мере необходимости"]}
# Other ways of wording a catalogue activity (by its number): each one matches its activity surely.
WORDINGS = {
    2: "Организация работы муниципального тьюторского консультационного пункта (МТКП)",
    3: "Организация работы МНЦ",
    5: "Участие педагогов ШНОР в сетевых сообществах",
    6: "Стажировки управленческих команд школ с низкими образовательными результатами",
    7: "Организация стажировок педагогов ШНОР",
    10: "Заседания РМО учителей-предметников",
    11: "Круглые столы по проблемам ШНОР с участием кураторов",
    13: "Методические выезды в ШНОР",
    18: "Выявление динамики образовательных результатов ШНОР",
    20: "Мониторинг участия педагогов ШНОР в курсах повышения квалификации",
    21: "Сводный анализ деятельности ШНОР",
    22: "Мониторинг эффективности МНЦ и сообщества тьюторов",
    23: "Ведение базы данных управленческих команд",
    24: "Ведение базы данных педагогических работников ШНОР",
    25: "Мероприятия проекта «500+»",
}
# Wordings too short to be sure of: they wait for a person in the review queue (and count as the
# municipality's own activities until then).
UNSURE = {17: "Подготовка инструктивных писем для ОУ",
          8: "Семинары для руководителей ОУ по вопросам повышения качества образования"}
EXTRA = [("Проведение педагогических советов по итогам ВПР в ШНОР", "Протоколы педсоветов", "Сентябрь {y} г."),
         ("Создание группы «500+» в мессенджере для оперативного информирования школ", "Приказ УО", "Январь {y} г."),
         ("Проведение Дня открытых дверей в школах-наставниках", "Приказ УО", "Апрель {y} г."),
         ("Организация работы школьных координаторов по работе с ШНОР", "Приказ УО; план работы", "Ежеквартально")]
SERVICES = ["директор МКУО ЦОКО", "директор МКУО КМЦ", "заместитель директора МКУО ЦОКО",
            "начальник отдела общего образования управления образования"]
OFFICIAL_SURNAMES = ["Плетнёва", "Хомякова", "Чернова", "Дубровина", "Ещенко", "Рябова", "Гончарова", "Белова",
                     "Тарасова", "Савченко", "Мельникова", "Орлова", "Зайцева", "Яковлева"]
SURNAMES = ["Абрамова", "Беляева", "Борисова", "Власова", "Гаврилова", "Григорьева", "Данилова", "Егорова", "Жукова",
            "Зуева", "Ильина", "Калинина", "Комарова", "Крылова", "Лазарева", "Макарова", "Медведева", "Никитина",
            "Осипова", "Павлова", "Романова", "Семёнова", "Степанова", "Титова", "Фёдорова", "Фролова", "Щербакова",
            "Андреев", "Баранов", "Виноградов", "Голубев", "Дмитриев", "Ефимов", "Карпов", "Логинов", "Миронов",
            "Назаров", "Поляков", "Сорокин", "Тихонов", "Уваров", "Филиппов", "Широков"]
FIRST_NAMES = {"f": ["Анна", "Валентина", "Галина", "Дарья", "Екатерина", "Жанна", "Инна", "Ксения", "Людмила", "Нина",
                     "Оксана", "Полина", "Юлия"],
               "m": ["Алексей", "Борис", "Виктор", "Геннадий", "Денис", "Евгений", "Игорь", "Константин", "Максим",
                     "Олег", "Роман", "Степан"]}
PATRONYMICS = {"f": ["Андреевна", "Борисовна", "Валерьевна", "Геннадьевна", "Дмитриевна", "Евгеньевна", "Ивановна",
                     "Олеговна", "Павловна", "Юрьевна"],
               "m": ["Андреевич", "Борисович", "Валерьевич", "Геннадьевич", "Дмитриевич", "Евгеньевич", "Иванович",
                     "Олегович", "Павлович", "Юрьевич"]}
SUBJECTS = ["математики", "русского языка и литературы", "физики", "химии", "биологии", "истории", "английского языка",
            "начальных классов", "информатики", "географии"]
EVENTS = [("Курсы повышения квалификации", "«Формирующее оценивание как инструмент эффективного преподавания»", 36),
          ("Курсы повышения квалификации", "«Подготовка к ВПР: дидактические подходы и методические решения»", 24),
          ("Стажировка", "Стажировка на базе школы-наставника", 16),
          ("Сетевое педагогическое сообщество", "Сетевое сообщество учителей ШНОР «Точка роста»", 8),
          ("Конкурс профессионального мастерства", "«Учитель года Кубани»", 0),
          ("РМО", "Заседание РМО учителей-предметников", 4),
          ("Семинар", "«Функциональная грамотность младших школьников»", 6),
          ("Вебинар", "«Учебная аналитика и контроль качества образования»", 2)]
DOCUMENTS = {"roadmap": "Дорожная карта", "order": "Приказ УО", "analysis": "Аналитическая справка",
             "monitoring": "Мониторинг", "letter": "Письмо УО", "certificate": "Справка", "report": "Отчёт"}


@dataclass
class Activity:
    number: int  # the municipality's own numbering
    catalogue: int | None  # catalogue number, None for its own extra activities
    wording: str
    document: str
    schedule: str
    periodicity: str
    dates: list[date]  # dates the schedule names (once); empty for a periodicity


def _catalogue() -> list[dict[str, str]]:
    with open(DBT_SEEDS_DIR / "roadmap_catalogue.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


class People:
    """Unique synthetic names for the whole region (a name is a person: the pseudonym is its hash)."""

    def __init__(self, rng: random.Random):
        self.rng, self.taken = rng, set()

    def full(self) -> str:
        while True:
            surname = self.rng.choice(SURNAMES)
            sex = "f" if surname.endswith("а") else "m"
            name = f"{surname} {self.rng.choice(FIRST_NAMES[sex])} {self.rng.choice(PATRONYMICS[sex])}"
            if name not in self.taken:
                self.taken.add(name)
                return name

    def official(self) -> str:
        while True:
            name = f"{self.rng.choice('АВГДЕИЛМНОСТ')}.{self.rng.choice('АВГЕИМНОПС')}. {self.rng.choice(OFFICIAL_SURNAMES)}"
            if name not in self.taken:
                self.taken.add(name)
                return name


def plan_roadmap(rng: random.Random, catalogue: list[dict[str, str]]) -> list[Activity]:
    """One municipality's roadmap: the catalogue less a few activities, with a few of its own, some
    periodicities changed, some activities in its own words."""
    left_out = set(rng.sample(range(2, 26), rng.randint(0, 3)))
    extras = rng.sample(EXTRA, rng.randint(0, 2))
    activities: list[Activity] = []
    for row in catalogue:
        number = int(row["activity_number"])
        if number in left_out:
            continue
        periodicity = row["periodicity"]
        if periodicity not in ("once", "as_needed") and rng.random() < 0.2:
            periodicity = rng.choice(["quarterly", "monthly", "half_year", "twice_a_school_year"])
        wording = row["activity"]
        if number in UNSURE and rng.random() < 0.3:
            wording = UNSURE[number]
        elif number in WORDINGS and rng.random() < 0.4:
            wording = WORDINGS[number]
        document = row["document"]
        if periodicity == "once":
            month = int(row["due_month"])
            dates = [_month_end(YEAR, month)]
            schedule = {1: f"Январь {YEAR} г.", 4: f"Март–апрель {YEAR} года", 12: f"Декабрь {YEAR} года"}[month]
            if number in (2, 3, 4):
                schedule += " согласно плану работы"
        elif number == 9:  # seminars on named dates, as in seed 001
            periodicity = "once"
            days = sorted(rng.sample(range(20, 160), 3))
            dates = [date(YEAR, 1, 1) + timedelta(days=d) for d in days]
            schedule = "\n".join(day.strftime("%d.%m.%Y") for day in dates)
        else:
            dates = []
            schedule = rng.choice(SCHEDULE_TEXT[periodicity])
        activities.append(Activity(0, None if wording in UNSURE.values() else number, wording, document, schedule,
                                   periodicity, dates))
    for wording, document, schedule in extras:
        text = schedule.format(y=YEAR)
        if "Ежеквартально" in text:
            activities.insert(rng.randint(5, len(activities)), Activity(0, None, wording, document, text, "quarterly", []))
        else:
            month = {"Январь": 1, "Апрель": 4, "Сентябрь": 9}[text.split()[0]]
            activities.insert(rng.randint(5, len(activities)), Activity(0, None, wording, document, text, "once",
                                                                         [_month_end(YEAR, month)]))
    for index, activity in enumerate(activities, start=1):
        activity.number = index
    return activities


def due_dates(activity: Activity) -> list[date]:
    if activity.dates:
        return activity.dates
    return [_month_end(YEAR, month) for month in DUE_MONTHS[activity.periodicity]]


def _responsible(rng: random.Random, officials: list[tuple[str, str]]) -> str:
    chosen = rng.sample(officials, rng.randint(1, 2))
    text = ". ".join(f"{name} - {position}" for name, position in chosen)
    return text + (". Кураторы ШНОР" if rng.random() < 0.15 else "")


def _rows(activities: list[Activity], rng: random.Random, officials: list[tuple[str, str]]) -> list[list[str]]:
    return [[f"{a.number}.", a.wording, a.document, a.schedule, _responsible(rng, officials)] for a in activities]


def _split(row: list[str]) -> tuple[list[str], list[str]]:
    """A row broken at a page end, as seed 001 shows: the activity and the responsible text continue on
    the next page, the number cell of the continuation empty, a word broken by a hyphen."""
    activity, responsible = row[1], row[4]
    cut = activity.rfind(" ", 0, max(10, len(activity) // 2))
    cut = cut if cut > 0 else activity.find(" ")
    first_responsible, rest_responsible = responsible, ""
    if "директор" in responsible:
        at = responsible.index("директор") + len("дирек")
        first_responsible, rest_responsible = responsible[:at] + "-", responsible[at:]
    return ([row[0], activity[:cut], row[2], row[3], first_responsible],
            ["", activity[cut + 1:], "", "", rest_responsible])


def write_roadmap_docx(path: Path, municipality: Municipality, activities: list[Activity], rng: random.Random,
                       officials: list[tuple[str, str]]) -> Path:
    """The approving order with the roadmap in its appendix; the table over three pages, the header
    repeated on each, one row split between the first and the second page."""
    document = docx.Document()
    name = display_name(municipality).removeprefix("МО ")
    head, chief = officials[0], officials[1]
    for text in ["УПРАВЛЕНИЕ ОБРАЗОВАНИЯ", f"АДМИНИСТРАЦИИ МУНИЦИПАЛЬНОГО ОБРАЗОВАНИЯ {name.upper()}", "ПРИКАЗ",
                 f"от {rng.randint(10, 28)}.01.{YEAR}", f"№ {rng.randint(20, 250)}", f"({DEMO_MARK})",
                 f"Об утверждении Дорожной карты по методическому сопровождению системы работы со школами с низкими "
                 f"образовательными результатами и школами, функционирующими в сложных социальных условиях, на {YEAR} год",
                 "1. Утвердить муниципальную Дорожную карту (приложение).",
                 "2. Контроль за выполнением данного приказа оставляю за собой.",
                 "Начальник управления образования", head[0], "Приложение к приказу управления образования",
                 f"Дорожная карта по методическому сопровождению ШНОР на {YEAR} год",
                 "4. Содержание работы по методическому сопровождению школ с низкими образовательными результатами:"]:
        document.add_paragraph(text)
    rows = _rows(activities, rng, officials)
    split_at = max(2, len(rows) // 3)
    first, continuation = _split(rows[split_at - 1])
    pages = [rows[:split_at - 1] + [first], [continuation] + rows[split_at:2 * len(rows) // 3],
             rows[2 * len(rows) // 3:]]
    for index, page in enumerate(pages):
        if index:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        table = document.add_table(rows=0, cols=5)
        for values in [ROADMAP_HEADER, *page]:
            for cell, value in zip(table.add_row().cells, values):
                cell.text = value
    document.add_paragraph(chief[1][:1].upper() + chief[1][1:])
    document.add_paragraph(chief[0])
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def write_roadmap_xlsx(path: Path, municipality: Municipality, activities: list[Activity], rng: random.Random,
                       officials: list[tuple[str, str]], pasted: bool) -> Path:
    """The roadmap as an Excel sheet; ``pasted``: copied from the printed order, so its header comes again
    where a page began and one row is split in two."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Дорожная карта"
    sheet.append([f"Дорожная карта по методическому сопровождению ШНОР, {display_name(municipality)}, на {YEAR} год "
                  f"({DEMO_MARK})"])
    sheet.append([f"Утверждена приказом управления образования от {rng.randint(10, 28)}.01.{YEAR} № "
                  f"{rng.randint(20, 250)}"])
    sheet.append([])
    sheet.append(ROADMAP_HEADER)
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    rows = _rows(activities, rng, officials)
    if pasted:
        middle = len(rows) // 2
        first, continuation = _split(rows[middle - 1])
        rows = rows[:middle - 1] + [first, ROADMAP_HEADER, continuation] + rows[middle:]
    for values in rows:
        sheet.append(values)
    sheet.append([])
    sheet.append([None, officials[1][1][:1].upper() + officials[1][1][1:], None, None, officials[1][0]])
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def write_report(path: Path, municipality: Municipality, activities: list[Activity], rng: random.Random,
                 one_cell: bool) -> Path:
    """The report for the first half-year: per activity and due date passed, what was done and the document;
    with gaps — some not reported, some done without a document, some done late; ``one_cell``: the document
    written in one cell ("Приказ УО от 15.01.2025 № 45") instead of its parts."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Отчёт"
    sheet.append([f"Отчёт об исполнении дорожной карты по методическому сопровождению ШНОР, "
                  f"{display_name(municipality)}, за I полугодие {YEAR} года ({DEMO_MARK})"])
    sheet.append([])
    if one_cell:
        sheet.append(["№", "Мероприятие", "Срок", "Что сделано", "Подтверждающий документ"])
    else:
        sheet.append(["№", "Мероприятие", "Срок", "Что сделано", "Подтверждающий документ", None, None, None])
        sheet.append([None, None, None, None, "Вид", "Номер", "Дата", "Ссылка"])
        for column in "ABCD":
            sheet.merge_cells(f"{column}3:{column}4")
        sheet.merge_cells("E3:H3")
    for activity in activities:
        if activity.periodicity == "as_needed":
            occasions = [None] if rng.random() < 0.5 else []
        else:
            occasions = [day for day in due_dates(activity) if day <= REPORT_DAY]
        for due in occasions:
            draw = rng.random()
            if draw < 0.12:
                continue  # not reported: missing
            kind = DOCUMENTS.get(rng.choice(["order", "order", "analysis", "certificate", "letter", "monitoring"]))
            number = str(rng.randint(10, 400))
            if due is None:
                done = date(YEAR, rng.randint(2, 5), rng.randint(1, 28))
            elif draw < 0.27:
                done = due + timedelta(days=rng.randint(5, 40))  # late
            else:
                done = due - timedelta(days=rng.randint(0, 20))
            done = min(done, REPORT_DAY)
            due_text = "" if due is None else due.strftime("%d.%m.%Y") if rng.random() < 0.7 else \
                f"{['январь', 'февраль', 'март', 'апрель', 'май', 'июнь'][due.month - 1]} {YEAR}"
            what = "Выполнено" if rng.random() < 0.5 else f"Проведено, {kind.lower()} размещён(а) на сайте УО"
            if draw < 0.35 and draw >= 0.27:  # done, but no document named: not evidence
                values = [activity.number, activity.wording, due_text, "Выполнено"]
                sheet.append(values + ([""] if one_cell else ["", "", "", ""]))
                continue
            link = f"https://uo-demo.example/{municipality.oktmo}/{number}" if rng.random() < 0.2 else None
            if one_cell:
                sheet.append([activity.number, activity.wording, due_text, what,
                              f"{kind} от {done.strftime('%d.%m.%Y')} № {number}"])
            elif link and rng.random() < 0.5:  # a link only: dated by the report itself
                sheet.append([activity.number, activity.wording, due_text, what, kind, None, None, link])
            else:
                sheet.append([activity.number, activity.wording, due_text, what, kind, number, done, link])
                sheet.cell(sheet.max_row, 7).number_format = "DD.MM.YYYY"
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def write_registry(path: Path, municipality: Municipality, schools: list[School], others: list[School],
                   people: People, rng: random.Random) -> dict[str, list[tuple[str, School]]]:
    """The municipality's databases of its ШНОР: management teams and teachers (some schools missing,
    some teams without a deputy), with its mentors and tutors. Returns the teachers by school."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    title = (f"База данных управленческих команд и педагогов ШНОР, {display_name(municipality)}, {YEAR} год "
             f"({DEMO_MARK})")
    teams = workbook.create_sheet("Управленческие команды")
    teams.append([title])
    teams.append(["ФИО", "Должность", "ОО", "Телефон", "E-mail"])
    teachers_sheet = workbook.create_sheet("Педагоги")
    teachers_sheet.append([title])
    teachers_sheet.append(["ФИО", "Должность", "ОО", "Телефон"])
    teachers: dict[str, list[tuple[str, School]]] = {}
    for school in schools:
        if rng.random() < 0.9:
            members = [("директор", people.full())]
            members += [("заместитель директора по УВР", people.full()) for _ in range(rng.choice([0, 1, 1, 2]))]
            if rng.random() < 0.4:
                members.append(("руководитель ШМО", people.full()))
            for position, name in members:
                teams.append([name, position, school.name, f"+7 9{rng.randint(10, 99)} {rng.randint(100, 999)}-"
                              f"{rng.randint(10, 99)}-{rng.randint(10, 99)}", f"school{school.code[-3:]}@demo.example"])
        if rng.random() < 0.9:
            for _ in range(rng.randint(4, 12)):
                name = people.full()
                teachers.setdefault(school.code, []).append((name, school))
                teachers_sheet.append([name, f"учитель {rng.choice(SUBJECTS)}", school.name,
                                       f"+7 9{rng.randint(10, 99)} {rng.randint(100, 999)}-{rng.randint(10, 99)}-"
                                       f"{rng.randint(10, 99)}"])
    for sheet_name, position, count in (("Наставники МНЦ", "директор", rng.randint(2, 4)),
                                        ("Тьюторы МТКП", "учитель-методист", rng.randint(2, 5))):
        if not others:
            break
        sheet = workbook.create_sheet(sheet_name)
        sheet.append([title])
        sheet.append(["ФИО", "Должность", "ОО"])
        for school in rng.sample(others, min(count, len(others))):
            sheet.append([people.full(), position, school.name])
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return teachers


def write_development(path: Path, municipality: Municipality, teachers: dict[str, list[tuple[str, School]]],
                      rng: random.Random) -> Path:
    """The monitoring of teachers' participation in professional development and events (seed 001, items
    19–20): about half of the teachers this year, a few only last year."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Мониторинг"
    sheet.append([f"Мониторинг участия педагогов ШНОР в мероприятиях по повышению профессиональной компетентности, "
                  f"{display_name(municipality)}, {YEAR} ({DEMO_MARK})"])
    sheet.append(["ФИО педагога", "ОО", "Вид мероприятия", "Наименование мероприятия", "Сроки", "Количество часов",
                  "Результат"])
    for people_of_school in teachers.values():
        for name, school in people_of_school:
            draw = rng.random()
            if draw < 0.5:
                events, year = rng.randint(1, 3), YEAR
            elif draw < 0.6:
                events, year = 1, PREVIOUS_YEAR
            else:
                continue
            for _ in range(events):
                kind, title, hours = rng.choice(EVENTS)
                start = date(year, rng.randint(1, 5 if year == YEAR else 12), rng.randint(1, 20))
                end = start + timedelta(days=rng.randint(0, 6) if hours > 8 else 0)
                dates = start.strftime("%d.%m.%Y") + ("" if end == start else f"–{end.strftime('%d.%m.%Y')}")
                result = ("победитель" if rng.random() < 0.3 else "участник") if kind.startswith("Конкурс") else \
                    "удостоверение" if kind.startswith("Курсы") else "участник"
                sheet.append([name, school.name, kind, title, dates, hours or None, result])
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def _lists(path: Path) -> dict[tuple[int, str], list[tuple[str, str]]]:
    """The written lists file: (year, list) → (municipality as written, school name)."""
    found: dict[tuple[int, str], list[tuple[str, str]]] = {}
    for year, kind, municipality, school in openpyxl.load_workbook(path).active.iter_rows(min_row=3, values_only=True):
        found.setdefault((int(year), kind), []).append((municipality, school))
    return found


def _stamp(path: Path, day: date, rng: random.Random) -> None:
    """Record the file's arrival on that day, at a working hour (the demo's mail: the landing folder's
    arrival record, as the generator records the forms')."""
    record_arrival(path.parent, path.name, datetime(day.year, day.month, day.day, rng.randint(8, 17)), SENDER)


def write_project_lists(path: Path, project_previous: list[School], post_project: list[School]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Списки"
    sheet.append([f"Списки ОО {PREVIOUS_YEAR}–{YEAR} ({DEMO_MARK})"])
    sheet.append(["Год", "Список", "Муниципальное образование", "ОО"])
    for year, kind, members in ((PREVIOUS_YEAR, "Проект «500+»", project_previous),
                                (YEAR, "Постпроектное сопровождение", post_project)):
        for school in sorted(members, key=lambda s: s.code):
            sheet.append([year, kind, _short(school.municipality), school.name])
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def generate_support_sources(home: DataHome, schools: list[School], municipalities: list[Municipality],
                             lists_file: Path, curators_file: Path, seed: int) -> dict[str, list[Path]]:
    rng = random.Random(seed)
    people = People(random.Random(seed + 1))
    catalogue = _catalogue()
    by_name = {(_short(s.municipality), s.name): s for s in schools}
    lists = _lists(lists_file)

    def members(year: int, kind: str) -> list[School]:
        return [by_name[key] for key in lists.get((year, kind), []) if key in by_name]

    project = members(YEAR, "Проект «500+»")
    federal_before = members(PREVIOUS_YEAR, "ШНОР (ФИОКО)")
    continuing = [s for s in project if s in federal_before]
    listed_now = {s.code for kind in ("ШНОР (региональная методика)", "ШНОР (ФИОКО)") for s in members(YEAR, kind)}
    # schools that left «500+»: those no longer on a list first (the project helped), then some that still are
    leavers = sorted((s for s in federal_before if s not in project), key=lambda s: (s.code in listed_now, s.code))
    leavers = leavers[: max(3, len(project) // 2)]
    written: dict[str, list[Path]] = {"roadmaps": [], "roadmap_reports": [], "people": [], "development": []}
    written["lists"] = [write_project_lists(home.landing / "lists" / f"project_500_{PREVIOUS_YEAR}.xlsx",
                                            continuing + leavers, leavers)]
    curators_now = {}
    for row in openpyxl.load_workbook(curators_file).active.iter_rows(min_row=3, values_only=True):
        school = by_name.get((row[2], row[3]))
        if school is not None:
            curators_now[school.code] = (row[0], row[1])
    kept = {s.code: curators_now[s.code] for s in continuing if s.code in curators_now and rng.random() < 0.7}
    written["mentors"] = [write_curators(home.landing / "mentors" / f"curators_{PREVIOUS_YEAR}.xlsx",
                                         continuing + leavers, random.Random(seed + 3), details=random.Random(seed + 4),
                                         year=PREVIOUS_YEAR, names=kept)]
    supported = {s.code for kind in ("ШНОР (региональная методика)", "ШНОР (ФИОКО)", "Проект «500+»")
                 for s in members(YEAR, kind)} | {s.code for s in leavers}
    for index, municipality in enumerate(municipalities):
        name = display_name(municipality)
        officials = [(people.official(), position) for position in SERVICES]
        activities = plan_roadmap(rng, catalogue)
        if index % 3 == 0:
            path = write_roadmap_docx(home.landing / "roadmaps" / f"Дорожная карта {name} {YEAR}.docx", municipality,
                                      activities, rng, officials)
        else:
            path = write_roadmap_xlsx(home.landing / "roadmaps" / f"ДК {name} {YEAR}.xlsx", municipality, activities,
                                      rng, officials, pasted=index % 3 == 1)
        _stamp(path, date(YEAR, 1, 25), rng)
        written["roadmaps"].append(path)
        if index % 15 != 7:  # three municipalities send no report
            report = write_report(home.landing / "roadmap_reports" / f"Отчёт ДК {name} I полугодие {YEAR}.xlsx",
                                  municipality, activities, rng, one_cell=index % 4 == 3)
            _stamp(report, REPORT_DAY, rng)
            written["roadmap_reports"].append(report)
        own = [s for s in schools if s.municipality.oktmo == municipality.oktmo and s.code in supported]
        if not own:
            continue
        others = [s for s in schools if s.municipality.oktmo == municipality.oktmo and s.code not in supported]
        registry = home.landing / "people" / f"Реестр ШНОР {name} {YEAR}.xlsx"
        teachers = write_registry(registry, municipality, own, others, people, rng)
        _stamp(registry, date(YEAR, 4, 1), rng)
        written["people"].append(registry)
        if not teachers:
            continue
        development = write_development(home.landing / "development" / f"Мониторинг ПК педагогов {name} {YEAR}.xlsx",
                                        municipality, teachers, rng)
        _stamp(development, date(YEAR, 6, 1), rng)
        written["development"].append(development)
    return written
