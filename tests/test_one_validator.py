"""One validator: over a corpus of files — good, hand-edited, with bad values, hostile — the checker a
municipality runs (``shnor.checker.check_file``) and the pipeline (ingest + Great Expectations) accept and
refuse exactly the same files."""

from __future__ import annotations

import csv
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from sample_region.generator import write_context_extract
from shnor import ingest
from shnor.checker import check_file
from shnor_core import warehouse
from shnor_core.safety import ENCRYPTION_STREAM, OLE_MAGIC
from shnor_core.settings import DataHome
from shnor_core.sources import SOURCE_KINDS, SUBMISSION, landing_folder
from tests.test_context_reader import SCHOOL
from tests.test_real_layouts import REGISTRY, write_fis_oko_vpr, write_list, write_regional_ege
from tests.test_roadmaps import write_seed_001_docx, write_seed_001_xlsx
from tests.test_seed_004_layout import fill_seed_form
from tests.test_submission_variants import per_unit_form
from tests.workbooks import MONITORING_ID, SPELLING_TRICKS, form_values, raw_workbook, save_as_xls, write_submission

FIXTURES = Path(__file__).parent / "fixtures"


def _edit(path: Path, target: Path, **cells) -> Path:
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    for address, value in cells.items():
        sheet[address] = value
    workbook.save(target)
    return target


def _cell_of(path: Path, label_start: str, column: int = 3) -> str:
    """The value cell of the first row whose label starts with the given text."""
    sheet = openpyxl.load_workbook(path).active
    row = next(r for r in range(1, sheet.max_row + 1) if str(sheet.cell(r, 2).value or "").startswith(label_start))
    return f"{openpyxl.utils.get_column_letter(column)}{row}"


def _rezip(source: Path, target: Path, change) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            new.writestr(item, change(item.filename, old.read(item)))
        if change("__extra__", None):
            new.writestr("xl/media/padding.bin", b"\0" * (150 * 1024 * 1024))
    return target


def submissions(folder: Path) -> list[Path]:
    folder.mkdir(parents=True)
    good = write_submission(folder / "Абинский.xlsx", "МО Абинский район", form_values())
    seed = fill_seed_form(folder / "МО Кореновский район.xlsx")
    mnc1 = _cell_of(good, "Документационное обеспечение работы муниципального наставнического")
    count = _cell_of(good, "Количество ШНОР, участников", column=4)
    renamed = shutil.copy(good, folder / "Апшеронский.xlsx")
    workbook = openpyxl.load_workbook(renamed)
    workbook.active.title = "Мой лист"
    workbook.active["B3"] = "МО Апшеронский район"
    workbook.save(renamed)
    files = [
        good, seed, renamed,
        per_unit_form(fill_seed_form(folder / "base.xlsx"), folder / "МО Славянский район.xlsx",
                      ("Баллы: МБОУ СОШ № 5", "Баллы: МБОУ СОШ № 7")),
        save_as_xls(write_submission(folder / "tmp_xls.xlsx", "МО Белореченский район", form_values()),
                    folder / "Белореченский.xls"),
        _edit(good, folder / "Ейский 2 в ячейке.xlsx", B3="МО Ейский район", **{mnc1: 2}),
        _edit(good, folder / "Ейский отрицательное.xlsx", B3="МО Ейский район", **{count: -3}),
        _edit(good, folder / "Ейский вопрос.xlsx", B3="МО Ейский район", **{mnc1: "?"}),
        _edit(good, folder / "Ейский пусто.xlsx", B3="МО Ейский район", **{mnc1: None}),
        _edit(good, folder / "Ейский формула.xlsx", B3="МО Ейский район", **{mnc1: "=1+1"}),
        _edit(good, folder / "форма без МО.xlsx", B3="Неизвестный район"),
        fill_seed_form(folder / "МО Тбилисский район.xlsx", repeat_override=(("MNC", 3), 0)),
        _edit(good, folder / "Крымский дробь.xlsx", B3="МО Крымский район", **{count: 2.5}),
        _edit(good, folder / "Лабинский да.xlsx", B3="МО Лабинский район", **{mnc1: "да"}),
    ]
    (folder / "Кавказский текст.xlsx").write_text("это не книга Excel")
    (folder / "Кущевский пусто.xlsx").write_bytes(b"")
    data = good.read_bytes()
    (folder / "Мостовский обрезан.xlsx").write_bytes(data[: len(data) // 2])
    _rezip(good, folder / "Отрадненский бомба.xlsx", lambda name, data: name == "__extra__" or data)
    _rezip(good, folder / "Павловский dtd.xlsx",
           lambda name, data: None if name == "__extra__" else (
               b'<!DOCTYPE x [<!ENTITY a "aaaa">]>' + data if name == "xl/workbook.xml" else data))
    (folder / "Северский пароль.xlsx").write_bytes(OLE_MAGIC + b"\0" * 504 + ENCRYPTION_STREAM + b"\0" * 1024)
    files += [folder / name for name in ("Кавказский текст.xlsx", "Кущевский пусто.xlsx", "Мостовский обрезан.xlsx",
                                         "Отрадненский бомба.xlsx", "Павловский dtd.xlsx", "Северский пароль.xlsx")]
    # the size guard's spelling tricks, 5 000 rows each: past the form's 432, refused by size wherever they are spelt
    files += [raw_workbook(folder / f"Щербиновский строки {n}.xlsx", 5_000, **spelling)
              for n, spelling in enumerate(SPELLING_TRICKS.values())]
    (folder / "base.xlsx").unlink()
    (folder / "tmp_xls.xlsx").unlink()
    return files


def school_sources(folder: Path) -> dict[str, list[Path]]:
    folder.mkdir(parents=True)
    registry = folder / "reestr.csv"
    with open(registry, "w", encoding="cp1251", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["Код ОО", "Наименование ОО", "ОКТМО МО", "Логин ОО"])
        writer.writerows([s.code, s.name, s.municipality_oktmo, s.login] for s in REGISTRY.by_code.values())
    ege = write_regional_ege(folder / "ege_2023_2024.xlsx")
    ege_total = _edit(ege, folder / "ege_itog.xlsx")
    workbook = openpyxl.load_workbook(ege_total)
    workbook["2023"]["C9"] = 26
    workbook.save(ege_total)
    no_procedure = folder / "rezultaty.xlsx"
    workbook = openpyxl.load_workbook(ege)
    for sheet in workbook.worksheets:
        sheet["A2"] = "Результаты по общеобразовательным организациям"
    workbook.save(no_procedure)
    vpr = write_fis_oko_vpr(folder / "vpr_ru_5.xlsx")
    vpr_share = _edit(vpr, folder / "vpr_150.xlsx", C11=150)
    vpr_share_fixed = _edit(vpr_share, folder / "vpr_150.xlsx", D11=-110.0)  # the row still sums to 100 %
    statistics = write_list(folder / "statistika.xlsx", "Статистика ЕГЭ 2024 по муниципалитетам",
                            ["Муниципальное образование", "Количество ОО", "Количество участников"],
                            [["Абинский район", 12, 240]])
    low = write_list(folder / "fioko_2024.xlsx", "Перечень ОО с низкими образовательными результатами, 2024",
                     ["Логин ОО", "Наименование ОО", "Муниципалитет"], [["sch233001", "МБОУ СОШ № 1", "Абинский район"]])
    oo1 = write_context_extract(folder / "oo1_2024.xlsx", [SCHOOL], 2024)
    oo1_bad = write_context_extract(folder / "oo1_bad_2024.xlsx", [{**SCHOOL, "pupils_ovz": "двенадцать"}], 2024)
    curators = write_list(folder / "kuratory_2024.xlsx", "Кураторы", ["ФИО куратора", "МО", "Курируемая ОО"],
                          [["Иванова Анна Сергеевна", "г. Сочи", "СОШ № 88"]])
    students = folder / "vpr_students.csv"
    students.write_text("Код ОО;Процедура;Год;Предмет;Класс;Код участника;Отметка\n"
                        "23001001;ВПР;2025;Математика;5;p1;6\n", encoding="utf-8")
    moscow = shutil.copy(FIXTURES / "moscow_ege_9722_2016-10-31.csv", folder / "moscow.csv")
    return {"school_registry": [registry], "assessment_results": [ege, ege_total, no_procedure, vpr, vpr_share_fixed,
                                                                  statistics, students, Path(moscow)],
            "school_lists": [low], "oo1_context": [oo1, oo1_bad], "mentor_assignments": [curators]}


def support_sources(folder: Path) -> dict[str, list[Path]]:
    """Roadmaps (Word and Excel, one numbering an activity twice, one an old .doc), an execution report, a
    registry of teams and teachers, a monitoring of professional development."""
    folder.mkdir(parents=True)
    word = write_seed_001_docx(folder / "Дорожная карта Славянский 2022.docx")
    excel = write_seed_001_xlsx(folder / "ДК Славянский 2022.xlsx")
    twice = openpyxl.load_workbook(excel)
    twice.active["A7"] = "2."  # activity 4 numbered as 2: the number repeats
    twice.save(folder / "ДК дубль.xlsx")
    (folder / "ДК Славянский.doc").write_bytes(OLE_MAGIC + b"\0" * 2048)
    report = write_list(folder / "Отчёт ДК Славянский 2022.xlsx", "Отчёт об исполнении дорожной карты МО Славянский "
                        "район за 2022 год", ["№", "Мероприятие", "Срок", "Что сделано", "Подтверждающий документ"],
                        [[1, "Разработка и утверждение дорожной карты", "январь 2022", "Утверждена",
                          "Приказ УО от 21.01.2022 № 156"]])
    people = write_list(folder / "Реестр ШНОР Славянский 2022.xlsx", "База данных педагогов ШНОР, МО Славянский "
                        "район, 2022", ["ФИО", "Должность", "ОО", "Телефон"],
                        [["Юдина Вера Павловна", "учитель физики", "МБОУ СОШ № 5", "+7 900 000-00-01"],
                         ["Рыжов Антон Сергеевич", "учитель химии", "МБОУ ООШ № 7", "+7 900 000-00-02"]])
    development = write_list(folder / "Мониторинг ПК Славянский 2022.xlsx", "Участие педагогов ШНОР в мероприятиях, "
                             "МО Славянский район", ["ФИО педагога", "ОО", "Вид мероприятия", "Наименование мероприятия",
                                                     "Сроки", "Количество часов"],
                             [["Юдина Вера Павловна", "МБОУ СОШ № 5", "Курсы ПК", "«Формирующее оценивание»",
                               "10.02.2022–14.02.2022", 36]])
    return {"roadmap": [word, excel, folder / "ДК дубль.xlsx", folder / "ДК Славянский.doc"],
            "roadmap_report": [report], "people_registry": [people], "professional_development": [development]}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    files = {SUBMISSION.name: submissions(root / "submissions"), **school_sources(root / "school"),
             **support_sources(root / "support")}
    home = DataHome(root / "home")
    for kind, paths in files.items():
        folder = landing_folder(home, SOURCE_KINDS[kind], MONITORING_ID if kind == SUBMISSION.name else None)
        folder.mkdir(parents=True, exist_ok=True)
        for path in paths:
            shutil.copy(path, folder / path.name)
    ingest.load_reference(home)
    ingest.ingest_submissions(home, MONITORING_ID)
    ingest.ingest_context(home)
    ingest.ingest_school_data(home)
    ingest.validate_pending(home)
    statuses = dict(warehouse.query(home.warehouse, f"select source_file, status from {warehouse.FILES_TABLE}")
                    .itertuples(index=False))
    registry = files["school_registry"][0]
    verdicts = {path.name: check_file(path, kind, MONITORING_ID if kind == SUBMISSION.name else None,
                                      None if kind == "school_registry" else registry)
                for kind, paths in files.items() for path in paths}
    return files, statuses, verdicts


def test_the_corpus_is_large_and_mixed(corpus):
    files, statuses, verdicts = corpus
    assert sum(len(paths) for paths in files.values()) >= 30
    accepted = [name for name, verdict in verdicts.items() if verdict.accepted]
    assert 10 <= len(accepted) <= len(verdicts) - 10, accepted  # plenty of both


def test_checker_and_pipeline_agree_on_every_file(corpus):
    _, statuses, verdicts = corpus
    disagreements = {name: (verdict.accepted, statuses.get(name)) for name, verdict in verdicts.items()
                     if verdict.accepted != (statuses.get(name) == "accepted")}
    assert disagreements == {}


@pytest.mark.parametrize("name, rule", [
    ("Ейский 2 в ячейке.xlsx", "балл наличия должен быть 0 или 1"),
    ("Ейский отрицательное.xlsx", "количество должно быть целым числом от 0 до 100000"),
    ("Ейский вопрос.xlsx", "значение не является числом"),
    ("vpr_150.xlsx", "доли отметок от 0 до 100 %"),
    ("ege_itog.xlsx", "сумма по его школам"),
    ("rezultaty.xlsx", "процедуру"),
    ("statistika.xlsx", "вид файла не распознан"),
    ("Северский пароль.xlsx", "защищена паролем"),
    ("ДК дубль.xlsx", "номер мероприятия не повторяется"),
    ("ДК Славянский.doc", "сохраните его как .docx"),
    *((f"Щербиновский строки {n}.xlsx", "файл слишком большой: на листе больше 432 строк")
      for n in range(len(SPELLING_TRICKS))),
])
def test_refusals_name_their_rule_and_cell(corpus, name, rule):
    _, _, verdicts = corpus
    verdict = verdicts[name]
    assert not verdict.accepted
    assert any(rule in error["rule"] for error in verdict.errors), verdict.errors
