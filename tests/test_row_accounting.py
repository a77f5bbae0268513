"""Every row accounted (issue 27): for every kind of source file, the rows read into raw equal the rows in the
marts plus the rows waiting in review plus the rows dropped with a reason — on the demo cycle, and on a small
hand-made region where every figure is counted here, by hand, from the files written below.

The hand-made region (Славянский и Абинский районы, 2025), file by file, with its source rows (a row of a sheet;
totals are not rows of data and never reach raw):

| kind | file | rows | in marts | in review | dropped (why) |
|---|---|---|---|---|---|
| school_registry | 5 schools | 5 | 4 | 0 | 1: ООШ № 2 has no ОО-1 row |
| oo1_context | 4 schools of the registry + 1 school not in it | 5 | 4 | 0 | 1: not in the registry |
| assessment_results | ВПР 2025: 4 registry schools (ООШ № 7 with 8 participants: a suppressed cell, in the mart), 1 unknown name, region and municipality totals | 5 | 4 | 1 | 0 |
| assessment_results | ВПР 2024: 1 known school, 2 unknown — held for review whole, i.e. refused | 3 | 0 | 0 | 3: file refused |
| school_lists | ФИОКО 2025 first version (СОШ № 5, ООШ № 7), then the corrected one (СОШ № 5, СОШ № 1, unknown СОШ № 98) | 5 | 2 | 1 | 2: superseded |
| mentor_assignments | 2 curators: ООШ № 7, unknown СОШ № 77 | 2 | 1 | 1 | 0 |
| roadmap | Абинский: first version (1 activity), then the current one (2 activities) | 3 | 2 | 0 | 1: superseded |
| roadmap_report | Абинский: activities 1 and 2 with their documents | 2 | 2 | 0 | 0 |
| people_registry | СОШ № 5 (a ШНОР): 2 team members and a teacher; лицей № 1 (no list): a teacher | 4 | 3 | 0 | 1: school out of scope |
| professional_development | the teacher of СОШ № 5 and the teacher of лицей № 1 | 2 | 1 | 0 | 1: teacher out of scope |
| submission | Славянский's form for mph-2025, first and second version | 2 × items | items | 0 | items: superseded |
"""

from __future__ import annotations

import csv
from pathlib import Path
from types import SimpleNamespace

import pytest

from shnor import ingest
from shnor.accounting import accounting_lines, row_accounting
from shnor.checker import check_file, identity_by_municipality
from shnor.dbt_runner import dbt_build
from shnor_core import warehouse
from shnor_core.reference import get_monitoring, load_form
from shnor_core.settings import DataHome
from shnor_core.sources import SOURCE_KINDS, context_columns
from tests.workbooks import MONITORING_ID, form_values, landed_registry, stamp, table, write_submission

pytestmark = pytest.mark.slow

SLAVYANSK, ABINSK = "03645000", "03601000"
SCHOOLS = [("23045001", "МАОУ лицей № 1", SLAVYANSK), ("23045005", "МБОУ СОШ № 5", SLAVYANSK),
           ("23045007", "МБОУ ООШ № 7", SLAVYANSK), ("23001001", "МБОУ СОШ № 1", ABINSK),
           ("23001002", "МБОУ ООШ № 2", ABINSK)]
WRITTEN = {SLAVYANSK: "Славянский район", ABINSK: "Абинский район"}
ROADMAP_HEADER = ["№", "Показатели", "Документ", "Сроки и периодичность проведения мероприятий",
                  "Ответственные за сбор и обработку информации"]
FIRST_ACTIVITY = ("Разработка и утверждение муниципальной Дорожной карты по методическому сопровождению ШНОР для "
                  "повышения качества образования")
SECOND_ACTIVITY = "Организация стажировок для управленческих команд ШНОР"



def vpr(path: Path, year: int, schools: list[tuple[str, str, int]]) -> Path:
    """ФИС ОКО's «Статистика по отметкам», mathematics grade 5: the region, each municipality (its participants the
    sum of its schools') and its schools (written name, participants); shares of marks 20/40/30/10 %."""
    rows = [[f"Всероссийские проверочные работы {year}. Статистика по отметкам"], ["Предмет: Математика"],
            ["Класс: 5"], [], ["ОО", "Кол-во участников", "2", "3", "4", "5"],
            ["Краснодарский край", sum(n for _, _, n in schools), 20, 40, 30, 10]]
    for oktmo, written in WRITTEN.items():
        mine = [(name, n) for name, where, n in schools if where == oktmo]
        if mine:
            rows.append([written, sum(n for _, n in mine), 20, 40, 30, 10])
            rows += [[name, n, 20, 40, 30, 10] for name, n in mine]
    return table(path, {"Математика 5": rows})


def context_row(code: str, name: str, oktmo: str) -> dict:
    values = {"school_code": code, "school_name": name, "municipality_oktmo": oktmo,
              "municipality_name": WRITTEN.get(oktmo, "Славянский район"), "locality": "сельская", "has_internet": "да"}
    return {c.variable: values.get(c.variable, 10) for c in context_columns()}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    home = DataHome(tmp_path_factory.mktemp("accounting-home"))
    landing = home.landing
    landed_registry(landing, SCHOOLS, "2025-01-10")
    columns = context_columns()
    context = [[c.label for c in columns]] + [
        [context_row(code, name, oktmo)[c.variable] for c in columns]
        for code, name, oktmo in [*SCHOOLS[:4], ("23099999", "МБОУ СОШ № 99", SLAVYANSK)]]
    stamp(table(landing / "context" / "oo1_2024.xlsx", {"ОО-1 2024": [
        ["Сведения по форме ОО-1 на начало 2024/2025 учебного года"], [], *context]}), "2025-01-11")
    stamp(vpr(landing / "results" / "vpr_2025.xlsx", 2025, [
        ("МАОУ лицей № 1", SLAVYANSK, 20), ("МБОУ СОШ № 5", SLAVYANSK, 25), ("МБОУ ООШ № 7", SLAVYANSK, 8),
        ("МБОУ СОШ № 42", SLAVYANSK, 12), ("МБОУ СОШ № 1", ABINSK, 30)]), "2025-05-20")
    stamp(vpr(landing / "results" / "vpr_2024.xlsx", 2024, [
        ("МБОУ СОШ № 5", SLAVYANSK, 25), ("МБОУ СОШ № 43", SLAVYANSK, 15), ("МБОУ СОШ № 44", ABINSK, 11)]),
        "2025-05-21")
    header = ["Год", "Список", "Муниципальное образование", "ОО"]
    stamp(table(landing / "lists" / "spiski_v1.xlsx", {"Списки": [["Списки ОО 2025"], header,
          [2025, "ШНОР (ФИОКО)", WRITTEN[SLAVYANSK], "МБОУ СОШ № 5"],
          [2025, "ШНОР (ФИОКО)", WRITTEN[SLAVYANSK], "МБОУ ООШ № 7"]]}), "2025-01-15")
    stamp(table(landing / "lists" / "spiski_v2.xlsx", {"Списки": [["Списки ОО 2025 (исправленные)"], header,
          [2025, "ШНОР (ФИОКО)", WRITTEN[SLAVYANSK], "МБОУ СОШ № 5"],
          [2025, "ШНОР (ФИОКО)", WRITTEN[ABINSK], "МБОУ СОШ № 1"],
          [2025, "ШНОР (ФИОКО)", WRITTEN[SLAVYANSK], "МБОУ СОШ № 98"]]}), "2025-01-20")
    stamp(table(landing / "mentors" / "kuratory_2025.xlsx", {"Кураторы": [
        ["Закрепление кураторов «500+», 2025"], ["ФИО куратора", "МО", "Курируемая ОО", "Роль", "Год"],
        ["Лотник Елена Юрьевна", WRITTEN[SLAVYANSK], "МБОУ ООШ № 7", "куратор", 2025],
        ["Давыдов Владимир Владимирович", WRITTEN[SLAVYANSK], "МБОУ СОШ № 77", "куратор", 2025]]}), "2025-02-01")
    stamp(table(landing / "roadmaps" / "ДК Абинский район 2025 v1.xlsx", {"ДК": [
        ["Дорожная карта МО Абинский район на 2025 год"], [], ROADMAP_HEADER,
        [1, FIRST_ACTIVITY, "Дорожная карта", "Январь 2025 г.", "Отдел общего образования"]]}), "2025-01-20")
    stamp(table(landing / "roadmaps" / "ДК Абинский район 2025.xlsx", {"ДК": [
        ["Дорожная карта МО Абинский район на 2025 год"], [], ROADMAP_HEADER,
        [1, FIRST_ACTIVITY, "Дорожная карта", "Январь 2025 г.", "Отдел общего образования"],
        [2, SECOND_ACTIVITY, "Приказ УО", "Март 2025 г.", "Отдел общего образования"]]}), "2025-01-28")
    stamp(table(landing / "roadmap_reports" / "Отчёт ДК Абинский район 2025.xlsx", {"Отчёт": [
        ["Отчёт об исполнении дорожной карты МО Абинский район за I полугодие 2025 года"], [],
        ["№", "Мероприятие", "Срок", "Что сделано", "Подтверждающий документ", None, None, None],
        [None, None, None, None, "Вид", "Номер", "Дата", "Ссылка"],
        [1, "Разработка и утверждение дорожной карты", "январь 2025", "Утверждена", "Приказ УО", "12", "20.01.2025",
         None],
        [2, "Стажировки управленческих команд", "март 2025", "Проведена стажировка", "Приказ УО", "40", "10.03.2025",
         None]]}), "2025-06-05")
    stamp(table(landing / "people" / "Реестр ШНОР Славянский район 2025.xlsx", {
        "Управленческие команды": [["База данных управленческих команд ШНОР, МО Славянский район, 2025 год"],
                                   ["ФИО", "Должность", "ОО"],
                                   ["Сидорова Анна Петровна", "директор", "МБОУ СОШ № 5"],
                                   ["Кравец Ирина Олеговна", "заместитель директора по УВР", "МБОУ СОШ № 5"]],
        "Педагоги": [["База данных педагогов ШНОР, МО Славянский район, 2025 год"], ["ФИО", "Должность", "ОО"],
                     ["Юдина Вера Павловна", "учитель математики", "МБОУ СОШ № 5"],
                     ["Рыжов Антон Сергеевич", "учитель математики", "МАОУ лицей № 1"]]}), "2025-04-01")
    stamp(table(landing / "development" / "Мониторинг ПК Славянский район 2025.xlsx", {"Мониторинг": [
        ["Мониторинг участия педагогов ШНОР в мероприятиях, МО Славянский район, 2025"],
        ["ФИО педагога", "ОО", "Вид мероприятия", "Наименование мероприятия", "Сроки", "Количество часов", "Результат"],
        ["Юдина Вера Павловна", "МБОУ СОШ № 5", "Курсы повышения квалификации", "«Формирующее оценивание»",
         "10.02.2025–14.02.2025", 36, "удостоверение"],
        ["Рыжов Антон Сергеевич", "МАОУ лицей № 1", "Курсы повышения квалификации", "«Подготовка к ВПР»",
         "12.03.2025–16.03.2025", 24, "удостоверение"]]}), "2025-06-01")
    forms = home.submissions_landing(MONITORING_ID)
    forms.mkdir(parents=True, exist_ok=True)
    stamp(write_submission(forms / "slavyansk_v1.xlsx", WRITTEN[SLAVYANSK], form_values()), "2025-06-02")
    stamp(write_submission(forms / "slavyansk_v2.xlsx", WRITTEN[SLAVYANSK], form_values(presence_default=0)),
          "2025-06-03")
    ingest.load_reference(home)
    read = {"context": ingest.ingest_context(home), **ingest.ingest_school_data(home),
            "submission": ingest.ingest_submissions(home, MONITORING_ID)}
    validated = ingest.validate_pending(home)
    dbt_build(home)
    return SimpleNamespace(home=home, read=read, validated=validated)


def accounted(home: DataHome) -> dict[str, tuple[int, int, int, int]]:
    """Per kind: rows read, in marts, in review, dropped — from mart_row_accounting."""
    rows = warehouse.query(home.warehouse, "select source_kind, sum(rows_read), sum(rows_in_marts), sum(rows_in_review), "
                                           "sum(rows_dropped) from marts.mart_row_accounting group by 1")
    return {kind: tuple(int(v) for v in values) for kind, *values in rows.itertuples(index=False)}


def raw_source_rows(home: DataHome) -> dict[str, int]:
    """Per kind, the rows of sheets in raw, counted from the raw tables themselves (not from dbt)."""
    counts = {}
    for kind in SOURCE_KINDS.values():
        counts[kind.name] = int(warehouse.query(
            home.warehouse, f"select count(distinct (source_sha256, source_sheet, source_row)) as n "
                            f"from {kind.table}").iloc[0]["n"])
    return counts


def test_hand_made_region_every_row_accounted_by_hand(run):
    items = len(load_form(get_monitoring(MONITORING_ID).form_id).items())
    assert accounted(run.home) == {
        "school_registry": (5, 4, 0, 1),
        "oo1_context": (5, 4, 0, 1),
        # names never hold a file: СОШ № 42, 43, 44 are unregistered schools in the marts, ООШ № 7 a suppressed cell
        "assessment_results": (8, 8, 0, 0),
        "school_lists": (5, 2, 1, 2),
        "mentor_assignments": (2, 1, 1, 0),
        "roadmap": (3, 2, 0, 1),
        "roadmap_report": (2, 2, 0, 0),
        "people_registry": (4, 3, 0, 1),
        "professional_development": (2, 1, 0, 1),
        "submission": (2 * items, items, 0, items),
    }
    assert set(accounted(run.home)) == set(SOURCE_KINDS)  # every kind of shnor_core.sources has a file here
    assert {kind: read for kind, (read, *_) in accounted(run.home).items()} == raw_source_rows(run.home)


def test_hand_made_region_reasons_by_hand(run):
    reasons = warehouse.query(run.home.warehouse, "select source_kind, fate_code, sum(source_rows) as n "
                                                  "from marts.mart_row_fates where fate <> 'mart' group by all")
    assert {(r.source_kind, r.fate_code): int(r.n) for r in reasons.itertuples()} == {
        ("school_registry", "school_without_context"): 1,
        ("oo1_context", "school_not_in_registry"): 1,
        ("school_lists", "name_in_review"): 1,
        ("school_lists", "superseded"): 2,
        ("mentor_assignments", "name_in_review"): 1,
        ("roadmap", "superseded"): 1,
        ("people_registry", "school_out_of_scope"): 1,
        ("professional_development", "teacher_out_of_scope"): 1,
        ("submission", "superseded"): len(load_form(get_monitoring(MONITORING_ID).form_id).items()),
    }
    suppressed = warehouse.query(run.home.warehouse, "select sum(rows_suppressed) as n from marts.mart_row_accounting "
                                                     "where source_kind = 'assessment_results'").iloc[0]["n"]
    assert suppressed == 1  # ООШ № 7's 8 participants: in the mart, its values unknown


def test_lineage_keys_lead_back_to_raw(run):
    """A fact's lineage key is a row of raw holding its value: ООШ № 7's suppressed cell, СОШ № 5's 25 of both years,
    and the unregistered schools СОШ № 42, 43 and 44 (keys «u-…» made from municipality and name)."""
    facts = warehouse.query(run.home.warehouse, """
        select f.school_code, f.is_registered, f.participants, f.is_suppressed, r.value, r.source_file
        from marts.fct_assessment_results f
        join staging.stg_assessment_results s on s.source_row_id = f.source_row_id and s.metric = 'participants'
        join raw.assessment_results r on r.source_sha256 = s.source_sha256 and r.source_row = s.source_row
         and r.metric = 'participants'
        order by f.is_registered desc, f.school_code, f.assessment_year""")
    rows = [(r.school_code, int(r.participants), bool(r.is_suppressed), int(r.value), r.source_file)
            for r in facts.itertuples() if r.is_registered]
    assert rows == [
        ("23001001", 30, False, 30, "vpr_2025.xlsx"), ("23045001", 20, False, 20, "vpr_2025.xlsx"),
        ("23045005", 25, False, 25, "vpr_2024.xlsx"), ("23045005", 25, False, 25, "vpr_2025.xlsx"),
        ("23045007", 8, True, 8, "vpr_2025.xlsx")]
    unregistered = sorted((int(r.participants), int(r.value), r.source_file, r.school_code.startswith("u-"))
                          for r in facts.itertuples() if not r.is_registered)
    assert unregistered == [(11, 11, "vpr_2024.xlsx", True), (12, 12, "vpr_2025.xlsx", True),
                            (15, 15, "vpr_2024.xlsx", True)]


def test_summary_lines_say_how_many_and_why(run):
    lines = accounting_lines(row_accounting(run.home.warehouse))
    assert lines[0].startswith("  строки файлов: прочитано ")
    assert any("не в витринах 3 из 5 строк" in line and "заменена более поздней версией" in line
               and "ждёт решения человека" in line for line in lines), lines  # the lists: 2 superseded, 1 waiting


def test_demo_cycle_every_kind_accounted(sample_cycle):
    """The demo: for every kind, raw rows = in marts + in review + dropped, each kind present, none without a fate."""
    counts = accounted(sample_cycle)
    assert set(counts) == set(SOURCE_KINDS)
    assert {kind: read for kind, (read, *_) in counts.items()} == raw_source_rows(sample_cycle)
    assert all(read == marts + review + dropped for read, marts, review, dropped in counts.values()), counts
    # the per-row fates are an ephemeral model (fct_source_row_fates, after the marts' bridge): its rows without a
    # fate would be a mart_row_fates group with no fate_code
    unexplained = warehouse.query(sample_cycle.warehouse, "select count(*) as n from marts.mart_row_fates "
                                                          "where fate_code is null").iloc[0]["n"]
    assert unexplained == 0
    bridged = warehouse.query(sample_cycle.warehouse, """
        select a.source_kind, sum(a.rows_in_marts) as in_marts,
               (select count(distinct b.source_row_id) from marts.fct_source_rows b where b.source_kind = a.source_kind) as bridged
        from marts.mart_row_accounting a group by a.source_kind""")
    assert all(int(r.in_marts) == int(r.bridged) for r in bridged.itertuples())  # "in marts" = a key in the bridge


def test_demo_bridge_leads_every_kind_back_to_raw(sample_cycle):
    """Each kind reaches some mart through the bridge, and every bridged key is a row of its raw table."""
    for kind in SOURCE_KINDS.values():
        bridged, lost = warehouse.query(sample_cycle.warehouse, f"""
            select count(*) as bridged,
                   count(*) filter (where not exists (
                       select 1 from {kind.table} r where r.source_sha256 = b.source_sha256
                       and r.source_sheet = b.source_sheet and r.source_row = b.source_row)) as lost
            from marts.fct_source_rows b where b.source_kind = ?""", [kind.name]).iloc[0]
        assert bridged > 0 and lost == 0, kind.name


def test_check_results_counts_per_municipality_by_hand(tmp_path):
    """check-results on the ВПР 2025 workbook above, against the registry: per municipality, as the warehouse's
    own resolution will file them, the issuing bodies as written, schools, participants, and schools matched to the
    registry / unregistered / waiting in review, with their participants."""
    registry = tmp_path / "schools.csv"
    with open(registry, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["Код ОО", "Наименование ОО", "ОКТМО МО"], *SCHOOLS])
    path = vpr(tmp_path / "vpr_2025.xlsx", 2025, [
        ("МАОУ лицей № 1", SLAVYANSK, 20), ("МБОУ СОШ № 5", SLAVYANSK, 25), ("МБОУ ООШ № 7", SLAVYANSK, 8),
        ("МБОУ СОШ № 42", SLAVYANSK, 12), ("МБОУ СОШ № 1", ABINSK, 30)])
    verdict = check_file(path, registry=registry)
    breakdown = identity_by_municipality(verdict.identity)
    # СОШ № 42 is not in the registry: an unregistered school of Славянский that reaches the marts (12 participants)
    assert [(b.municipality, b.bodies, b.schools, b.participants, b.matched, b.matched_participants, b.unregistered,
             b.unregistered_participants, b.review) for b in breakdown.itertuples()] == [
        ("03601000 Абинский муниципальный район", 1, 1, 30, 1, 30, 0, 0, 0),
        ("03645000 Славянский муниципальный район", 1, 4, 65, 3, 53, 1, 12, 0)]
