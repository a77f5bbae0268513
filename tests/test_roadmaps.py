"""Roadmaps as municipalities send them, built by hand from seed 001 (Славянский район, 2022): the approving
order in Word with the roadmap table over five pages — the header repeated on each, rows split between
pages (item 9's seminars with their dates, item 12 broken inside «в те-чение», item 17 inside «дирек-тор»,
item 24 at «учебного / года») — and the same table pasted into Excel; the schedules people write turned
into due dates; a municipality's own wording matched to the catalogue or left for review; the people
responsible kept out of every table but the restricted one."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.enum.text import WD_BREAK

from ingestion.activities import ActivityMatcher
from ingestion.dates import parse_schedule
from ingestion.detect import ReadContext, read_source
from ingestion.layout_spec import layout_named
from shnor.checker import check_file
from shnor.cli import main
from shnor_core.reference import load_roadmap_catalogue

SLAVYANSK = "03645000"
HEADER = ["№", "Показатели", "Документ", "Сроки и периодичность проведения мероприятий",
          "Ответственные за сбор и обработку информации"]
KMC = "О.В. Плесецкая - директор МКУО КМЦ"
COKO = "И.Н. Хняч - директор МКУО ЦОКО"
OOO = "И.В. Ещенкова - начальник отдела общего образования управления образования"
DEPUTY = "В.А. Чернобровкина- заместитель директора МКУО ЦОКО"
# Seed 001's table as its pages print it: each page a table of its own, the header on top of each.
PAGES = [
    [["1.", "Разработка и утверждение муниципальной Дорожной карты по методическому сопровождению ШНОР для "
            "повышения качества образования", "Дорожная карта", "Январь 2022 г.", f"{KMC}. {COKO}"],
     ["2.", "Организация работы муниципального сообщества тьюторов и тьюторского консультационного пункта",
      "Приказ УО План работы муниципального сообщества тьюторов", "Январь 2022 г. согласно плану работы", KMC],
     ["3.", "Организация работы наставнического центра по работе со ШНОР (МНЦ)", "Приказ УО План работы МНЦ",
      "Январь 2022 г. согласно плану работы", f"{COKO}. {KMC}"],
     ["4.", "Организация работы муниципальной школы кадрового управленческого резерва",
      "Приказ УО План работы школы кадрового управленческого резерва", "Январь 2022 г. согласно плану работы", OOO],
     ["5.", "Организация участия педагогов ШНОР в сетевых педагогических сообществах", "Приказ УО", "Январь 2022 г.",
      KMC],
     ["6.", "Организация стажировок для управленческих команд ШНОР", "Приказ УО План работы МНЦ",
      "Не реже 1 раз в четверть", COKO],
     ["7.", "Организация стажировок для педагогических работников ШНОР", "Приказ УО План работы ШНОР",
      "Не реже 1 раз в четверть", KMC],
     ["8.", "Проведение семинаров/вебинаров для директоров и заместителей директоров ОУ (в том числе и ШНОР) по "
            "вопросам повышения качества образования, профилактики неуспешности обучающихся и организации "
            "образовательной деятельности", "Приказы УО", "Не реже 1 раза в четверть", f"{OOO}. {KMC}. {COKO}"],
     ["9.", "Проведение семинаров для директоров и заместителей директоров по повышению качества образования на базе",
      "Приказы УО", "", KMC]],
    [["", "ШНОР и школ-наставников\nСОШ № 19 - «Формирование функциональной грамотности младших школьников»\n"
          "СОШ № 12 – «Наставничество как механизм обеспечения качества образования»\nСОШ № 5 – «Технология "
          "компетентностно-ориентированного обучения»\nООШ № 7 – «Особенности работы с детьми, имеющими особые "
          "образовательные потребности»\nЛицей № 1 – «Неделя методического мастерства»\nСОШ № 20 – «Перевод школы "
          "с низкими образовательными результатами в режим эффективного функционирования и развития»", "",
      "26.01.2022\nфевраль 2022 г.\n16.03.2022\nмарт 2022 года\nапрель 2022 г.\n13.04.2022", ""],
     ["10.", "Проведение РМО учителей – предметников (организация мастер-классов, распространение педагогического "
             "опыта для восполнения профессиональных дефицитов учителей – предметников)", "Приказы Программа работы",
      "4 раза в течение учебного года", KMC],
     ["11.", "Проведение круглых столов по проблемам ШНОР (руководители ШНОР и кураторы)", "Приказы УО",
      "2 раза в течение учебного года", f"{OOO}. {KMC}. {COKO}"],
     ["12.", "Оценка предметных компетенций педагогических работников в ШНОР (участие",
      "Анализ результатов оценочных процедур.", "март-апрель 2022 года, в те-", f"{KMC}."]],
    [["", "учителей в пробных ЕГЭ, ОГЭ)", "Индивидуальная работа тьюторов с учителями", "чение учебного года", COKO],
     ["13.", "Проведение методических выездов в ШНОР по вопросам повышения качества образования (методическая помощь "
             "учителям, анализ документов, посещение уроков, собеседование с администрацией по вопросам профилактики "
             "неуспешности обучающихся)", "Приказ об утверждении графика выездов. Справки, мониторинги.",
      "в течение года (по отдельному графику)", f"{KMC}. {COKO}. Кураторы ШНОР"],
     ["14.", "Собеседование с руководителями ШНОР по вопросам подготовки выпускников 9, 11 (12) классов к "
             "государственной итоговой аттестации", "Отчеты руководителей ШНОР Рекомендации", "Март-апрель 2022 года",
      f"С.С. Духнай- заместитель начальника управления образования. {OOO}. {COKO}"],
     ["15.", "Собеседование с руководителями ШНОР по вопросам преодоления проблем в соответствии с рисковым "
             "профилем ШНОР", "Самоанализ руководителей ШНОР. Рекомендации кураторов", "Декабрь 2022 года",
      f"{COKO} Муниципальные кураторы ШНОР"],
     ["16.", "Развитие внутренней системы оценки качества образования, корректировка планов работы по повышению "
             "качества образования в ШНОР и школах с низким индексом образовательных результатов обучающихся "
             "(далее-школы с низким ИОР) (анализ документов)", "Справки и рекомендации", "по графику МКУО ЦОКО", DEPUTY],
     ["17.", "Подготовка инструктивных писем для ОУ по вопросам повышения качества образования, функциональной "
             "грамотности, ликвидации дефицитов знаний обучающихся по предметам", "Инструктивные письма",
      "По мере необходимости", f"{OOO}. {KMC}. И.Н. Хняч - дирек-"]],
    [["", "", "", "", "тор МКУО ЦОКО"],
     ["18.", "Выявление динамики образовательных результатов в ШНОР, школ с низким ИОР",
      "Приказ УО Мониторинги. Анализ результатов оценочных процедур в течение учебного года Письма УО с "
      "рекомендациями", "В течение учебного года", COKO],
     ["19.", "Мониторинги результативности участия педагогов ШНОР и школ с низким ИОР в РМО, конкурсах, семинарах "
             "различных уровней", "Мониторинг", "По итогам полугодия и учебного года", KMC],
     ["20.", "Мониторинги участия педагогов, работающих в ШНОР и школах с низким ИОР в мероприятиях по повышению "
             "профессиональной компетентности, в том числе курсов повышения квалификации", "Мониторинг",
      "По итогам полугодия и учебного года", KMC],
     ["21.", "Подготовка сводного анализа по деятельности ШНОР", "Письма УО с рекомендациями",
      "По итогам каждой учебной четверти и учебного года", DEPUTY],
     ["22.", "Мониторинги показателей оценки эффективности деятельности МНЦ, муниципального сообщества тьюторов",
      "Мониторинги Письма УО с рекомендациями", "По итогам каждой учебной четверти и учебного года", f"{DEPUTY}. {KMC}"],
     ["23.", "Ведение базы данных управленческих команд ШНОР", "Мониторинг",
      "По итогам каждой учебной четверти и учебного года", COKO],
     ["24.", "Ведение базы данных педагогов ШНОР", "Мониторинг", "После каждой учебной четверти и учебного", KMC]],
    [["", "", "", "года", ""],
     ["25.", "Организация проведения мероприятий по проекту «500+» (Дорожная карта проекта)", "Анализ, мониторинги",
      "По графику МОН и МП КК", DEPUTY]],
]
ORDER = ["УПРАВЛЕНИЕ ОБРАЗОВАНИЯ", "АДМИНИСТРАЦИИ МУНИЦИПАЛЬНОГО ОБРАЗОВАНИЯ", "СЛАВЯНСКИЙ РАЙОН", "ПРИКАЗ",
         "от 21.01.2022", "№ 156", "г. Славянск-на-Кубани",
         "Об утверждении Дорожной карты по методическому сопровождению системы работы со школами с низкими "
         "образовательными результатами и школами, функционирующими в сложных социальных условиях, на 2022 год",
         "На основании региональной системы сопровождения … утвержденной приказом министерства образования, науки и "
         "молодежной политики Краснодарского края от 15 июля 2021 г. № 2309 … п р и к а з ы в а ю:",
         "1. Утвердить муниципальную Дорожную карту … на 2022 год (приложение).",
         "3. Контроль за выполнением данного приказа оставляю за собой.", "Начальник управления образования",
         "Е.А. Щурова", "Приложение к приказу начальника управления образования от 21.01.2022 № 156",
         "Дорожная карта по методическому сопровождению системы работы со школами с низкими образовательными "
         "результатами и школами, функционирующими в сложных социальных условиях, на 2022 год",
         *[f"- приказ управления образования от {day} 2021 г. № {n}" for day, n in
           (("2 сентября", 1304), ("24 декабря", 1910), ("15 декабря", 1867), ("2 сентября", 1306),
            ("27 декабря", 1915), ("17 ноября", 1724))],
         "4. Содержание работы по методическому сопровождению школ с низкими образовательными результатами и школ, "
         "функционирующих в сложных социальных условиях:"]
PEOPLE = {"О.В. Плесецкая": "директор МКУО КМЦ", "И.Н. Хняч": "директор МКУО ЦОКО",
          "И.В. Ещенкова": "начальник отдела общего образования управления образования",
          "В.А. Чернобровкина": "заместитель директора МКУО ЦОКО",
          "С.С. Духнай": "заместитель начальника управления образования"}


def write_seed_001_docx(path: Path) -> Path:
    document = docx.Document()
    for text in ORDER:
        document.add_paragraph(text)
    for index, page in enumerate(PAGES):
        if index:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        table = document.add_table(rows=0, cols=5)
        for values in [HEADER, *page]:
            for cell, value in zip(table.add_row().cells, values):
                cell.text = value
    document.add_paragraph("Директор МКУО ЦОКО")
    document.add_paragraph("И.Н. Хняч")
    document.save(str(path))
    return path


def write_seed_001_xlsx(path: Path) -> Path:
    """The same roadmap pasted into Excel from the printed order: the header again at every page's top."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "ДК 2022"
    sheet.append(["Дорожная карта по методическому сопровождению ШНОР МО Славянский район на 2022 год"])
    sheet.append([])
    for page in PAGES:
        sheet.append(HEADER)
        for row in page:
            sheet.append([value or None for value in row])
    sheet.append([])
    sheet.append([None, "Директор МКУО ЦОКО", None, None, "И.Н. Хняч"])
    workbook.save(path)
    return path


def read(path: Path, municipalities):
    return read_source(path, ReadContext(municipalities), "roadmap")


def due_dates(rows, number: int) -> list[date]:
    dates = rows[rows["activity_number"] == number]["due_date"].dropna()
    return sorted(date.fromisoformat(d) for d in dates)


def activity(rows, number: int):
    return rows[rows["activity_number"] == number].iloc[0]


@pytest.fixture(scope="module")
def seed_001(tmp_path_factory, municipalities):
    folder = tmp_path_factory.mktemp("roadmaps")
    return read(write_seed_001_docx(folder / "Дорожная карта 2022.docx"), municipalities)


def test_word_roadmap_over_five_pages_reads_as_25_activities(seed_001):
    assert seed_001.accepted, seed_001.errors
    assert seed_001.layout == "roadmap_table"
    rows = seed_001.rows
    assert sorted(rows["activity_number"].unique()) == list(range(1, 26))
    assert set(rows["municipality_oktmo"]) == {SLAVYANSK} and set(rows["roadmap_year"]) == {2022}
    # seed 001 is the catalogue: every activity is its own catalogue item, surely
    per_activity = rows.drop_duplicates("activity_number").set_index("activity_number")
    assert per_activity["activity_code"].to_dict() == {n: f"RM{n:02d}" for n in range(1, 26)}
    assert (per_activity["match_score"] >= 0.9).all()
    assert seed_001.unmatched == []


def test_rows_split_between_pages_are_joined(seed_001):
    rows = seed_001.rows
    nine = activity(rows, 9)
    assert nine["activity_text"].startswith("Проведение семинаров для директоров и заместителей директоров по "
                                            "повышению качества образования на базе ШНОР и школ-наставников СОШ № 19")
    twelve = activity(rows, 12)
    assert twelve["activity_text"] == ("Оценка предметных компетенций педагогических работников в ШНОР (участие "
                                       "учителей в пробных ЕГЭ, ОГЭ)")
    assert twelve["schedule_text"] == "март-апрель 2022 года, в течение учебного года"  # «в те-» + «чение»
    assert twelve["document_text"] == ("Анализ результатов оценочных процедур. Индивидуальная работа тьюторов с "
                                       "учителями")
    assert activity(rows, 24)["schedule_text"] == "После каждой учебной четверти и учебного года"
    # «И.Н. Хняч - дирек-» + «тор МКУО ЦОКО»: one person, the position whole
    people = seed_001.people.set_index("full_name")
    assert people["position"].to_dict() == PEOPLE
    assert activity(rows, 17)["responsible_people"] == 3


def test_schedules_become_due_dates_of_the_year(seed_001):
    rows = seed_001.rows
    for number in (1, 2, 3, 4, 5):
        assert due_dates(rows, number) == [date(2022, 1, 31)]  # «Январь 2022 г.»
    # six seminars: two days and three months named (the month's last day)
    assert due_dates(rows, 9) == [date(2022, 1, 26), date(2022, 2, 28), date(2022, 3, 16), date(2022, 3, 31),
                                  date(2022, 4, 13), date(2022, 4, 30)]
    assert due_dates(rows, 12) == [date(2022, 4, 30)]  # «март-апрель 2022 года»: the range's end
    assert due_dates(rows, 14) == [date(2022, 4, 30)]
    assert due_dates(rows, 15) == [date(2022, 12, 31)]
    periodicity = rows.drop_duplicates("activity_number").set_index("activity_number")["periodicity"].to_dict()
    assert {n: periodicity[n] for n in (6, 7, 8, 10, 21, 22, 23, 24)} == dict.fromkeys((6, 7, 8, 10, 21, 22, 23, 24),
                                                                                          "quarterly")
    assert periodicity[11] == "twice_a_school_year"
    assert periodicity[13] == periodicity[16] == periodicity[25] == "as_scheduled"
    assert periodicity[17] == "as_needed"
    assert periodicity[18] == "school_year"
    assert periodicity[19] == periodicity[20] == "half_year"
    # a periodicity has no date of its own here: its dates are the seed roadmap_periodicities (dbt)
    assert rows[rows["periodicity"] != "once"]["due_date"].isna().all()


def test_people_responsible_stay_out_of_the_rows(seed_001):
    assert set(seed_001.people["full_name"]) == set(PEOPLE)
    assert set(seed_001.people["role"]) == {"roadmap_responsible"}
    surnames = {name.split()[-1] for name in PEOPLE} | {"Щурова"}
    for column in seed_001.rows.select_dtypes(include=["object", "string"]).columns:
        for value in seed_001.rows[column].dropna():
            assert not any(surname in str(value) for surname in surnames), (column, value)
    first = activity(seed_001.rows, 13)["responsible_text"].split("; ")
    assert len(first) == 3 and first[2] == "Кураторы ШНОР" and all(part.startswith("P") for part in first[:2])


def test_the_same_roadmap_pasted_into_excel_reads_the_same(tmp_path, seed_001, municipalities):
    pasted = read(write_seed_001_xlsx(tmp_path / "ДК_Славянский.xlsx"), municipalities)
    assert pasted.accepted, pasted.errors
    columns = ["activity_number", "activity_text", "activity_code", "document_text", "schedule_text", "periodicity",
               "due_date", "responsible_text", "responsible_people", "roadmap_year", "municipality_oktmo"]
    assert pasted.rows[columns].reset_index(drop=True).equals(seed_001.rows[columns].reset_index(drop=True))


@pytest.mark.parametrize(("text", "periodicity", "dates"), [
    ("Январь 2022 г.", "once", [date(2022, 1, 31)]),
    ("Не реже 1 раз в четверть", "quarterly", []),
    ("2 раза в течение учебного года", "twice_a_school_year", []),
    ("По итогам каждой учебной четверти и учебного года", "quarterly", []),
    ("По итогам полугодия и учебного года", "half_year", []),
    ("По мере необходимости", "as_needed", []),
    ("в течение года (по отдельному графику)", "as_scheduled", []),
    ("Ежемесячно", "monthly", []),
    ("В течение учебного года", "school_year", []),
    ("Март–апрель", "once", [date(2022, 4, 30)]),  # no year written: the roadmap's
    ("до 15.09.2022", "once", [date(2022, 9, 15)]),
    ("согласно распоряжению", None, []),
    ("", None, []),
])
def test_schedule_texts(text, periodicity, dates):
    periodicities = tuple((code, tuple(words)) for code, words in
                          layout_named("roadmap_table").settings["periodicities"].items())
    schedule = parse_schedule(text, 2022, periodicities)
    assert (schedule.periodicity, list(schedule.due_dates)) == (periodicity, dates)


def test_own_wording_matches_the_catalogue_or_waits_for_review():
    matcher = ActivityMatcher(load_roadmap_catalogue(), 0.5, 0.1)
    sure = {"Стажировки управленческих команд школ с низкими образовательными результатами": "RM06",
            "Организация стажировок педагогов ШНОР": "RM07",
            "Ведение базы данных педагогических работников ШНОР": "RM24",
            "Ведение базы данных управленческих команд": "RM23",
            "Мониторинг участия педагогов ШНОР в курсах повышения квалификации": "RM20",
            "Методические выезды в ШНОР": "RM13", "Мероприятия проекта «500+»": "RM25"}
    for wording, code in sure.items():
        match = matcher.match(wording)
        assert match.activity is not None and match.activity.code == code, (wording, match)
        assert 0.5 <= match.score < 1.0
    review: list[dict] = []
    code, score = matcher.resolve("Проведение педагогических советов по итогам ВПР", SLAVYANSK,
                                  {"source_file": "f", "source_sheet": "s", "source_row": 7}, review)
    assert code is None and score < 0.5
    ambiguous = matcher.match("Семинары для руководителей ОУ по вопросам повышения качества образования")
    assert ambiguous.activity is None and ambiguous.reason.startswith("несколько")
    assert review[0]["name_kind"] == "roadmap_activity" and review[0]["candidates"]


def test_a_word_97_document_is_refused_with_what_to_do(tmp_path, municipalities):
    path = tmp_path / "ДК.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2048)
    result = read(path, municipalities)
    assert not result.accepted and "сохраните его как .docx" in result.errors[0].rule


def test_check_results_reads_a_word_roadmap(tmp_path, capsys):
    path = write_seed_001_docx(tmp_path / "Дорожная карта Славянский 2022.docx")
    verdict = check_file(path)
    assert verdict.accepted, verdict.errors
    assert verdict.read.layout == "roadmap_table" and verdict.validation.success
    assert main(["check-results", str(path)]) == 0
    printed = capsys.readouterr().out
    assert "дорожная карта МО" in printed and "roadmap_table" in printed and "Файл принят" in printed
    for name in PEOPLE:
        assert name not in printed
