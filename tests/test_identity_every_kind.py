"""Issue 27 for every kind whose rows name a school, not only results: a school list, curators, a registry of people
and their professional development keep the names as written and are resolved in the warehouse on every build
(``shnor.identity``), so a person's decision or a registry that arrives later applies on the next ``dbt build``
without reading any file again — and the row accounting holds for each kind at every step.

A hand-made Славянский район (Краснодарский край, the project's own reference), counted by hand:

| file | rows | the unknown school «МБОУ «Школа Успех»» |
|---|---|---|
| registry: лицей № 1, СОШ № 5, ООШ № 7 | 3 | — |
| ВПР 2025: лицей № 1 (20), СОШ № 5 (25), ООШ № 7 (15) | 3 | — |
| ШНОР (ФИОКО) 2025: ООШ № 7 and «Школа Успех» | 2 | 1 row |
| curators 2025: ООШ № 7 and «Школа Успех» | 2 | 1 row |
| registry of teachers 2025 (Славянский in the title): ООШ № 7 and «Школа Успех» | 2 | 1 row |
| development 2025: both teachers' courses | 2 | 1 row |

No registry school fits «Школа Успех» (no number; the registry's three have one): each kind's row naming it waits in
review (1 per kind) and the other rows reach the marts (ООШ № 7 is on the ШНОР list with results, curated, its
teacher in scope). A person maps the name to СОШ № 5 (``shnor review map``, the one decision for every file that
writes it); the next build, with no file read again, takes each kind's row to the marts (0 in review).

Each build is ``dbt build`` of what the test reads — the row accounting, the rows' fates and every model they are
made of (with their own data tests, dbt's cautious indirect selection): the same SQL on the same rows as a whole
cycle's build, without the marts no check here reads.

Then a registry of teachers of Тихорецкий район («… Тихорецкого района», the genitive, in its title) naming
«МБОУ СОШ № 3 ст. Хоперской», a school no registry has: unregistered, keyed «u-…». A registry of schools arriving
after it with «Муниципальное бюджетное общеобразовательное учреждение средняя общеобразовательная школа № 3
станицы Хоперской» (23054003) re-resolves the row to that code on the next build, the teachers' file not read again.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from shnor import ingest
from shnor.dbt_runner import dbt_build
from shnor.identity import NAMED_KINDS
from shnor.review import decide, review_items
from shnor_core import warehouse
from shnor_core.settings import DataHome
from tests.test_row_accounting import stamp, table, vpr

pytestmark = pytest.mark.slow

SLAVYANSK, TIKHORETSK = "03645000", "03654000"
SCHOOLS = [("23045001", "МАОУ лицей № 1", SLAVYANSK), ("23045005", "МБОУ СОШ № 5", SLAVYANSK),
           ("23045007", "МБОУ ООШ № 7", SLAVYANSK)]
UNKNOWN = "МБОУ «Школа Успех»"
HOPERSKAYA = "МБОУ СОШ № 3 ст. Хоперской"
HOPERSKAYA_IN_REGISTRY = ("23054003", "Муниципальное бюджетное общеобразовательное учреждение средняя "
                                      "общеобразовательная школа № 3 станицы Хоперской", TIKHORETSK)
KINDS = [kind for kind in NAMED_KINDS if kind != "assessment_results"]


def write_registry(path: Path, schools: list[tuple[str, str, str]], day: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Код ОО", "Наименование ОО", "ОКТМО МО"])
        writer.writerows(schools)
    stamp(path, day)


ACCOUNTING = ["+mart_row_accounting", "+fct_source_row_fates"]


@pytest.fixture(scope="module", autouse=True)
def own_tests_only():
    """The selected models' own tests, not those that also read marts left out (as tests/test_identity.py)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DBT_INDIRECT_SELECTION", "cautious")
        yield


def build(home: DataHome) -> None:
    dbt_build(home, select=ACCOUNTING)
    results = json.loads((home.dbt_artifacts / "target" / "run_results.json").read_text())["results"]
    # the selected models' data tests ran; their unit tests did not (they run once, in test_dbt_unit_tests)
    assert any(r["unique_id"].startswith("test.") for r in results)
    assert not [r["unique_id"] for r in results if r["unique_id"].startswith("unit_test.")]


def intake(home: DataHome) -> None:
    ingest.load_reference(home)
    ingest.ingest_school_data(home)
    ingest.validate_pending(home)


def accounted(home: DataHome) -> dict[str, tuple[int, int, int, int]]:
    """Per kind: rows read, in marts, in review, dropped (mart_row_accounting)."""
    rows = warehouse.query(home.warehouse, "select source_kind, sum(rows_read), sum(rows_in_marts), sum(rows_in_review), "
                                           "sum(rows_dropped) from marts.mart_row_accounting group by 1")
    return {kind: tuple(int(v) for v in values) for kind, *values in rows.itertuples(index=False)}


def fates_of(home: DataHome, written: str) -> dict[str, str]:
    """The fate of the rows naming a written school, per kind."""
    rows = warehouse.query(home.warehouse, "select source_kind, fate_code from lineage.fct_source_row_fates "
                                           "where school_name_raw = ?", [written])
    return dict(rows.itertuples(index=False))


def files_read(home: DataHome) -> int:
    return int(warehouse.query(home.warehouse, "select count(*) as n from raw.files where source_kind <> "
                                               "'school_registry'").iloc[0]["n"])


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> DataHome:
    home = DataHome(tmp_path_factory.mktemp("every-kind-home"))
    landing = home.landing
    write_registry(landing / "reference" / "schools.csv", SCHOOLS, "2025-01-10")
    stamp(vpr(landing / "results" / "vpr_2025.xlsx", 2025, [
        ("МАОУ лицей № 1", SLAVYANSK, 20), ("МБОУ СОШ № 5", SLAVYANSK, 25), ("МБОУ ООШ № 7", SLAVYANSK, 15)]),
        "2025-05-20")
    stamp(table(landing / "lists" / "spiski_2025.xlsx", {"Списки": [
        ["Списки ОО 2025"], ["Год", "Список", "Муниципальное образование", "ОО"],
        [2025, "ШНОР (ФИОКО)", "Славянский район", "МБОУ ООШ № 7"],
        [2025, "ШНОР (ФИОКО)", "Славянский район", UNKNOWN]]}), "2025-01-15")
    stamp(table(landing / "mentors" / "kuratory_2025.xlsx", {"Кураторы": [
        ["Закрепление кураторов, 2025"], ["ФИО куратора", "МО", "Курируемая ОО", "Роль", "Год"],
        ["Лотник Елена Юрьевна", "Славянский район", "МБОУ ООШ № 7", "куратор", 2025],
        ["Давыдов Владимир Владимирович", "Славянский район", UNKNOWN, "куратор", 2025]]}), "2025-02-01")
    stamp(table(landing / "people" / "Реестр педагогов Славянский район 2025.xlsx", {"Педагоги": [
        ["База данных педагогов ШНОР, МО Славянский район, 2025 год"], ["ФИО", "Должность", "ОО"],
        ["Юдина Вера Павловна", "учитель математики", "МБОУ ООШ № 7"],
        ["Рыжов Антон Сергеевич", "учитель математики", UNKNOWN]]}), "2025-04-01")
    stamp(table(landing / "development" / "Мониторинг ПК Славянский район 2025.xlsx", {"Мониторинг": [
        ["Мониторинг участия педагогов ШНОР в мероприятиях, МО Славянский район, 2025"],
        ["ФИО педагога", "ОО", "Вид мероприятия", "Наименование мероприятия", "Сроки", "Количество часов", "Результат"],
        ["Юдина Вера Павловна", "МБОУ ООШ № 7", "Курсы повышения квалификации", "«Формирующее оценивание»",
         "10.02.2025–14.02.2025", 36, "удостоверение"],
        ["Рыжов Антон Сергеевич", UNKNOWN, "Курсы повышения квалификации", "«Подготовка к ВПР»",
         "12.03.2025–16.03.2025", 24, "удостоверение"]]}), "2025-06-01")
    intake(home)
    return home


def test_an_unknown_school_waits_in_review_in_every_kind_then_a_decision_takes_it_to_the_marts(home):
    build(home)
    before = accounted(home)
    assert {kind: before[kind] for kind in KINDS} == {
        "school_lists": (2, 1, 1, 0), "mentor_assignments": (2, 1, 1, 0), "people_registry": (2, 1, 1, 0),
        "professional_development": (2, 1, 1, 0)}
    assert before["assessment_results"] == (3, 3, 0, 0)
    assert fates_of(home, UNKNOWN) == dict.fromkeys(KINDS, "name_in_review")
    waiting = [item for item in review_items(home) if item.written_name == UNKNOWN]
    assert len(waiting) == 1 and waiting[0].status == "unregistered" and waiting[0].source_rows == 4
    assert sorted(waiting[0].windows.split(", ")) == ["кураторы 2025", "мероприятия 2025", "реестр людей 2025",
                                                       "списки 2025"]

    read = files_read(home)
    decide(home, waiting[0].name_id, "map", "23045005", by="Иванова")
    build(home)  # no file is read again: only the build
    assert files_read(home) == read
    after = accounted(home)
    assert {kind: after[kind] for kind in KINDS} == dict.fromkeys(KINDS, (2, 2, 0, 0))
    assert fates_of(home, UNKNOWN) == dict.fromkeys(KINDS, "in_mart")
    codes = warehouse.query(home.warehouse, "select distinct school_code, is_registered, identity_status "
                                            "from staging.stg_people_registry where school_name_raw = ?", [UNKNOWN])
    assert [tuple(r) for r in codes.itertuples(index=False)] == [("23045005", True, "registered")]
    assert all(read == marts + review + dropped for read, marts, review, dropped in after.values()), after


def test_a_registry_after_a_genitive_people_registry_re_resolves_it_on_the_next_build(home):
    landing = home.landing
    stamp(table(landing / "people" / "Реестр педагогов.xlsx", {"Педагоги": [
        ["Реестр педагогов ШНОР Тихорецкого района на 2025 год"], ["ФИО", "Должность", "ОО"],
        ["Кравец Ирина Олеговна", "учитель русского языка", HOPERSKAYA]]}), "2025-06-10")
    intake(home)
    build(home)
    query = ("select municipality_oktmo, school_code, identity_status from staging.stg_people_registry "
             "where school_name_raw = ?")
    [(oktmo, key, status)] = [tuple(r) for r in warehouse.query(home.warehouse, query, [HOPERSKAYA]).itertuples(index=False)]
    assert (oktmo, status) == (TIKHORETSK, "unregistered") and key.startswith("u-")
    # not on a support list: out of scope, a reason, not a silent loss
    assert fates_of(home, HOPERSKAYA) == {"people_registry": "school_out_of_scope"}

    read = files_read(home)
    write_registry(landing / "reference" / "schools_2.csv", [*SCHOOLS, HOPERSKAYA_IN_REGISTRY], "2025-06-11")
    intake(home)
    build(home)
    assert files_read(home) == read  # the teachers' file was not read again
    rows = warehouse.query(home.warehouse, query, [HOPERSKAYA])
    assert [tuple(r) for r in rows.itertuples(index=False)] == [(TIKHORETSK, "23054003", "registered")]
    counts = accounted(home)
    assert all(read == marts + review + dropped for read, marts, review, dropped in counts.values()), counts
