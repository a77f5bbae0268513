"""Issue 27's acid test on a real file: Забайкальский край's own per-school ЕГЭ workbook
(tests/fixtures/real/zabaikalsky, with its source) in a region made by ``shnor region init`` from the real ОКТМО rows
plus the three okrugs renamed since, WITHOUT a school registry, through the readers, the identity step and
``dbt build`` (``shnor.dbt_runner.dbt_build``, what ``shnor build`` calls).

The file's own figures (counted by hand in the workbook, openpyxl): sheet 2023 — 373 school rows under 36 issuing
bodies, Русский язык 4 955 participants (its «итого по Забайкальскому краю» row); sheet 2022 — 371 school rows,
Русский язык 5 211; sheet 2024 is applications («Информация о поданных выпускниками…»), not results.
"""

from __future__ import annotations

import os
import shutil

import openpyxl
import pytest

from shnor import cli
from shnor_core import warehouse
from shnor_core.settings import PROJECT_ROOT, DataHome, reference_environment
from tests.test_identity import run_stages

FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "real" / "zabaikalsky"
WORKBOOK = FIXTURES / "ege_zabaikalsky_2022_2024.xlsx"
REGION = "76000000"
# Every issuing body of sheets 2023 and 2022 (41 written forms of 36 bodies a year) → its municipality, by hand from the ОКТМО rows (the region for the
# ministry). Акшинский and Александрово-Заводский are districts in 2022's wording and okrugs in 2023's.
BODIES = {
    'Комитет образования администрации городского округа "Город Чита"': "76701000",
    'Комитет образования администрации муниципального района "Читинский район"': "76650000",
    "Комитет образования, молодёжной политики и спорта администрации Александрово-Заводского муниципального округа":
        "76504000",
    'Отдел образования, молодёжной политики и спорта Администрации муниципального района "Александрово-Заводский район"':
        "76604000",
    "Комитет образования администрации Акшинского муниципального округа": "76503000",
    'Комитет образования администрации муниципального района " Акшинский район"': "76603000",
    'Комитет образования администрации муниципального района "Балейский район"': "76606000",
    'Комитет образования и молодёжной политики администрации муниципального района "Борзинский район"': "76609000",
    'Комитет образования администрации муниципального района "Газимуро-Заводский район"': "76610000",
    'Управление образованием Администрации муниципального района "Забайкальский район"': "76612000",
    "Отдел управления образованием администрации Каларского муниципального округа Забайкальского края": "76515000",
    'Управление образования администрации МР "Калганский район"': "76618000",
    'Муниципальное казенное учреждение Комитет образования администрации муниципального района "Карымский район"':
        "76620000",
    'Комитет по управлению образованием Администрации МР "Город Краснокаменск и Краснокаменский район"': "76621000",
    "Управление образования администрации Красночикойского района": "76622000",
    'Комитет образования администрации муниципального района "Кыринский район"': "76624000",
    "Комитет образования администрации муниципального района Могочинский район": "76626000",
    'Управление образования администрации муниципального района "Нерчинский район"': "76628000",
    'Комитет образования администрации муниципального района "Нерчинско-Заводский район"': "76630000",
    'Комитет по образованию и делам молодежи муниципального района "Оловяннинский район"': "76632000",
    'Комитет образования администрации МР "Ононский район"': "76634000",
    "Комитет по образованию, делам молодежи, материнства и детства г. Петровск-Забайкальский": "76715000",
    'Управление образования Админстрации "Петровск-Забайкальский район"': "76636000",
    'Комитет образования администрации муниципального района "Приаргунский район"': "76638000",
    'Управление образованием администрации муниципального района "Сретенский район"': "76640000",
    'Отдел образования Администрации муниципального района "Тунгиро-Олёкминский район"': "76642000",
    'Комитет образования администрации муниципального района "Тунгокоченский район"': "76644000",
    'Отдел образования и социальной политики администрации муниципального района "Улетовский район"': "76646000",
    'Комитет образования муниципального района "Хилокский район"': "76647000",
    'Комитет образования и молодёжной политики администрации муниципального района "Чернышевский район"': "76648000",
    'Комитет образования Администрации муниципального района "Шелопугинский район"': "76652000",
    'Комитет образования Администрации муниципального района "Шилкинский район"': "76654000",
    "Отдел по образованию администрации городского округа ЗАТО п.Горный": "76785000",
    'Комитет образования администрации городского округа "Поселок Агинское"': "76702000",
    'Комитет образования администрации муниципального района "Агинский район"': "76602000",
    'Управление образования и молодежной политики муниципального района "Могойтуйский район"': "76625000",
    "Отдел образования и молодежной политики комитета по социальной политике администрации муниципального района "
    '"Дульдургинский район"': "76611000",
    "Министерство образования и науки Забайкальского края": REGION,
    # sheet 2022 writes three bodies with a lower-case name
    'Комитет образования администрации городского округа "Город чита"': "76701000",
    'Комитет образования муниципального района "хилокский район"': "76647000",
    'Управление образования администрации муниципального района "нерчинский район"': "76628000",
}


def file_totals(sheet: str) -> dict[str, float]:
    """The file's own «итого по Забайкальскому краю» row: participants per subject (the cached values of its sums)."""
    rows = list(openpyxl.load_workbook(WORKBOOK, read_only=True, data_only=True)[sheet].iter_rows(values_only=True))
    subjects, measures = rows[5], rows[6]
    total = next(row for row in rows if str(row[0] or "").strip().lower().startswith("итого"))
    current, found = None, {}
    for index, measure in enumerate(measures):
        current = subjects[index] or current
        if measure == "приняло участие":
            found[current] = float(total[index] or 0)
    return found


@pytest.fixture(scope="module")
def region76(tmp_path_factory):
    root = tmp_path_factory.mktemp("region76")
    home = DataHome(root / "home")
    assert cli.main(["--home", str(home.root), "region", "init", "75", "--name", "Забайкальский край",
                     "--oktmo-prefix", "76", "--institution", "ГУ ДПО «Институт развития образования Забайкальского "
                     "края»", "--municipalities", str(FIXTURES / "municipalities_76.csv"), "--year", "2023",
                     "--project", str(root / "copy")]) == 0
    (home.landing / "results").mkdir(parents=True, exist_ok=True)
    shutil.copy(WORKBOOK, home.landing / "results" / "ЕГЭ по ОО Забайкальского края.xlsx")
    env = {**os.environ, **reference_environment(root / "copy"), "SHNOR_HOME": str(home.root),
           "DBT_INDIRECT_SELECTION": "cautious"}
    built = run_stages(env)
    return {"home": home, "built": built}


def query(home: DataHome, sql: str) -> list[tuple]:
    return [tuple(row) for row in warehouse.query(home.warehouse, sql).itertuples(index=False)]


def test_the_file_figures_stand_as_counted_by_hand():
    assert file_totals("2023")["Русский язык"] == 4955 and file_totals("2022")["Русский язык"] == 5211
    assert "Информация о поданных" in str(
        list(openpyxl.load_workbook(WORKBOOK, read_only=True)["2024"].iter_rows(max_row=2, values_only=True))[1][0])


@pytest.mark.slow
def test_every_school_row_is_read_and_no_body_goes_to_a_wrong_municipality(region76):
    home = region76["home"]
    rows = dict(query(home, "select year, count(distinct source_sheet || '|' || cast(source_row as varchar)) "
                            "from raw.assessment_results group by year"))
    assert rows == {2023: 373, 2022: 371}  # sheet 2024 (applications) is not results: not read
    bodies = dict(query(home, "select year, count(distinct municipality_name_raw) from raw.assessment_results "
                              "group by year"))
    assert bodies == {2023: 36, 2022: 36}
    resolved = dict(query(home, "select municipality_name_raw, coalesce(municipality_oktmo, '') "
                                "from identity.municipality_names"))
    assert resolved == BODIES  # every body to its own municipality (none in review, none wrong)
    # «Следственный Изолятор 75/1» and «Следственный изолятор - 75/2» share one normal form on one sheet: two
    # institutions one key would merge, so both wait for a person instead
    waiting = query(home, "select distinct school_name_raw from identity.school_names where status = 'review'")
    assert sorted(name for (name,) in waiting) == [
        'Федеральное Казенное Учреждение "Следственный Изолятор 75/1"',
        'Федеральное Казенное Учреждение "Следственный изолятор - 75/2']


@pytest.mark.slow
@pytest.mark.parametrize("year", [2023, 2022])
def test_every_participant_is_in_the_marts_or_waits_in_review_per_subject(region76, year):
    home = region76["home"]
    totals = file_totals(str(year))
    marts = dict(query(home, f"select subject, sum(participants) from marts.fct_assessment_results "
                             f"where assessment_year = {year} group by subject"))
    waiting = dict(query(home, f"""
        select raw.subject, sum(raw.value) from raw.assessment_results raw
        join identity.school_names names
          on coalesce(raw.municipality_name_raw, '') = names.municipality_name_raw
         and coalesce(raw.municipality_oktmo, '') = names.municipality_oktmo_read
         and coalesce(raw.school_name_raw, '') = names.school_name_raw
         and coalesce(raw.school_code, '') = names.school_code_read
        where raw.year = {year} and raw.metric = 'participants' and names.status in ('review', 'not_ours')
        group by raw.subject"""))
    accounted = {subject: float(marts.get(subject) or 0) + float(waiting.get(subject) or 0) for subject in totals}
    assert accounted == totals
    # every body is known and no registry is asked for: only the two remand prisons wait (below), with no participant
    assert all(not value for value in waiting.values()), waiting
    assert accounted["Русский язык"] == {2023: 4955, 2022: 5211}[year]
