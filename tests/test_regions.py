"""A region of one's own (docs/regions.md): ``shnor region init`` on a hand-made region 99 «Тестовая область» with
three municipalities, in a copy of the project's reference (the repository's own seeds are never written), then
its calendar's municipal-form window run through the cycle with that copy selected by environment only — no code
knows region 99. Crimea (seed 003) and the Krasnodar demo are regions of the same kind: ``shnor region show``.

Control numbers of the ОКТМО codes, counted by hand (weights 1…8, sum modulo 11):
99601000 → 9·1 + 9·2 + 6·3 + 0·4 + 1·5 = 50 → 50 − 44 = 6; 99605000 → 9 + 18 + 18 + 0 + 25 = 70 → 70 − 66 = 4;
99701000 → 9 + 18 + 21 + 0 + 5 = 53 → 53 − 44 = 9.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from docx import Document as WordDocument

from reports import municipal_note, regional_note
from reports.document import Document
from reports.letter import no_rules
from shnor import cli
from shnor.regions import region_overview
from shnor_core import warehouse
from shnor_core.arrivals import record_arrival
from shnor_core.reference import check_calendar, oktmo_control_digit
from shnor_core.settings import DBT_SEEDS_DIR, PROJECT_ROOT, DataHome, reference_environment
from tests import crimea_region
from tests.workbooks import catalogue_values, fill_template

CODE, NAME, PREFIX = "99", "Тестовая область", "99"
INSTITUTION = "ГАУ ДПО «Институт развития образования Тестовой области»"
OZERNY, STEPNOY, PRIMORSK = "99601000", "99605000", "99701000"
# As an operator saves it from Excel: Russian headers, semicolons, kinds in words, no control numbers.
MUNICIPALITIES = ("ОКТМО;Наименование;Вид\n"
                  f"{OZERNY};Озерный муниципальный район;муниципальный район\n"
                  f"{STEPNOY};Степной муниципальный округ;муниципальный округ\n"
                  f"{PRIMORSK};город Приморск;городской округ\n")
SEED_ROWS = [f"{OZERNY},6,Озерный муниципальный район,municipal_district,2025-01-01,",
             f"{STEPNOY},4,Степной муниципальный округ,municipal_okrug,2025-01-01,",
             f"{PRIMORSK},9,город Приморск,city_okrug,2025-01-01,"]
REGISTRY = ("Код ОО,Наименование ОО,ОКТМО МО\n"
            f"99001001,МБОУ СОШ № 1,{OZERNY}\n99001002,МБОУ ООШ № 2,{OZERNY}\n"
            f"99002003,МБОУ СОШ № 3,{STEPNOY}\n99003004,МБОУ гимназия № 4,{PRIMORSK}\n")
WINDOW = f"mo-form-{CODE}-2025"
FORM = "shnor_mph_v2021"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


REPOSITORY_SEEDS = {name: digest(DBT_SEEDS_DIR / name) for name in ("ref_regions.csv", "ref_municipalities.csv")}


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def init(tmp_path: Path, capsys, *extra: str, municipalities: str = MUNICIPALITIES, code: str = CODE,
         new_region: bool = True) -> tuple[int, str, str]:
    source = write(tmp_path / "input" / f"mo_{abs(hash(municipalities))}.csv", municipalities)
    region = ["--name", NAME, "--oktmo-prefix", PREFIX, "--institution", INSTITUTION] if new_region else []
    code_ = cli.main(["--home", str(tmp_path / "home"), "region", "init", code, "--municipalities", str(source),
                      "--year", "2025", "--project", str(tmp_path / "copy"), *region, *extra])  # a later --year wins
    out = capsys.readouterr()
    return code_, out.out, out.err


def seeds(tmp_path: Path, name: str) -> str:
    return (tmp_path / "copy" / "dbt_project" / "seeds" / name).read_text(encoding="utf-8")


def test_control_numbers_of_oktmo_codes():
    assert [oktmo_control_digit(c) for c in (OZERNY, STEPNOY, PRIMORSK)] == [6, 4, 9]  # counted above
    # 20000001: 2·1 + 1·8 = 10 → again with weights 3…10: 2·3 + 1·10 = 16 → 5
    assert oktmo_control_digit("20000001") == 5
    # 10000055: 1 + 5·7 + 5·8 = 76 → 10; 1·3 + 5·9 + 5·10 = 98 → 10 again → 0
    assert oktmo_control_digit("10000055") == 0
    rows = (DBT_SEEDS_DIR / "ref_municipalities.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert len(rows) == 69 and all(oktmo_control_digit(r.split(",")[0]) == int(r.split(",")[1]) for r in rows)


def test_init_adds_exactly_the_region_rows_and_a_rerun_changes_nothing(tmp_path, capsys):
    code, out, err = init(tmp_path, capsys)
    assert code == 0, err
    regions = (DBT_SEEDS_DIR / "ref_regions.csv").read_text(encoding="utf-8")
    municipalities = (DBT_SEEDS_DIR / "ref_municipalities.csv").read_text(encoding="utf-8")
    assert seeds(tmp_path, "ref_regions.csv") == regions + f"{CODE},{NAME},{PREFIX},{INSTITUTION}\n"
    assert seeds(tmp_path, "ref_municipalities.csv") == municipalities + "\n".join(SEED_ROWS) + "\n"
    assert "строка добавлена" in out and "добавлено 3, уже были 0" in out and "SHNOR_DBT_PROJECT_DIR=" in out
    skeleton = tmp_path / "copy" / "calendars" / f"{CODE}_2025.csv"
    assert check_calendar(skeleton).windows == {} and check_calendar(skeleton).problems == []  # all commented
    examples = [line for line in skeleton.read_text(encoding="utf-8").splitlines() if line.startswith(f"# mo-form-{CODE}")]
    assert examples == [f"# {WINDOW},{CODE},1,Пример: муниципальная форма (замените наименованием мониторинга),"
                        f"municipal_form,{FORM},,2025-06-01,2025-06-11,3,,,страница приёма форм или адрес электронной почты"]
    written = {p: (digest(p), p.stat().st_mtime_ns) for p in (tmp_path / "copy").rglob("*.csv")}
    code, out, _ = init(tmp_path, capsys)
    assert code == 0 and "Ничего не изменилось" in out and "добавлено 0, уже были 3" in out
    assert {p: (digest(p), p.stat().st_mtime_ns) for p in (tmp_path / "copy").rglob("*.csv")} == written
    # the same region given by its code alone (its row is in the seeds now): still nothing to change
    code, out, _ = init(tmp_path, capsys, new_region=False)
    assert code == 0 and "Ничего не изменилось" in out
    assert {name: digest(DBT_SEEDS_DIR / name) for name in REPOSITORY_SEEDS} == REPOSITORY_SEEDS


def test_a_bad_municipalities_file_is_refused_with_file_line_and_rule(tmp_path, capsys):
    bad = ("oktmo8,name,kind,control_digit\n"
           "9601000,Озерный муниципальный район,municipal_district,\n"  # 2: Excel lost a leading digit
           "35605000,Степной муниципальный округ,municipal_okrug,\n"    # 3: Crimea's prefix
           f"{PRIMORSK},город Приморск,city_okrug,5\n"                  # 4: control number is 9
           "99702000,Приморский район,село,\n"                          # 5: no such kind
           f"{PRIMORSK},город Приморск-2,city_okrug,\n"                 # 6: ОКТМО again
           "99703000,Приморск,city_okrug,\n"                            # 7: the same name once «город» is dropped
           "99704000,,city_okrug,\n")                                   # 8: no name
    code, _, err = init(tmp_path, capsys, municipalities=bad)
    name = next((tmp_path / "input").glob("*.csv")).name
    assert code == 2
    assert err.splitlines() == [
        f"shnor: регион {CODE} не настроен, ничего не записано:",
        f"  {name}, строка 2: ОКТМО «9601000» — должно быть 8 цифр (потерян ведущий ноль? сохраните столбец как текст)",
        f"  {name}, строка 3: ОКТМО «35605000» не начинается с префикса ОКТМО региона «99»",
        f"  {name}, строка 4: контрольное число «5» не сходится с кодом ОКТМО {PRIMORSK} (по коду — 9)",
        f"  {name}, строка 5: вид МО «село» не из справочника: municipal_district (муниципальный район), city_okrug "
        "(городской округ), municipal_okrug (муниципальный округ)",
        f"  {name}, строка 6: ОКТМО «{PRIMORSK}» уже указан в строке 4",
        f"  {name}, строка 7: наименование «Приморск» неотличимо при сопоставлении названий от «город Приморск» "
        "(строка 4): без слов «район», «город», «округ» они совпадают, а сроки действия пересекаются",
        f"  {name}, строка 8: не указано наименование"]
    assert seeds(tmp_path, "ref_regions.csv") == (DBT_SEEDS_DIR / "ref_regions.csv").read_text(encoding="utf-8")
    assert seeds(tmp_path, "ref_municipalities.csv") == (DBT_SEEDS_DIR / "ref_municipalities.csv").read_text(encoding="utf-8")
    assert not (tmp_path / "copy" / "calendars" / f"{CODE}_2025.csv").exists()


ZABAIKALSKY = PROJECT_ROOT / "tests" / "fixtures" / "real" / "zabaikalsky" / "municipalities_76.csv"


def test_the_real_classifier_rows_register_a_city_and_a_district_of_one_stem_and_renames(tmp_path, capsys):
    """Забайкальский край from ОКТМО (tests/fixtures/real/zabaikalsky): город Петровск-Забайкальский (76715000) and
    Петровск-Забайкальский муниципальный район (76636000) are two municipalities; three districts renamed to
    муниципальные округа follow their okrugs by date. One rule (shnor_core.names.municipality_identity) decides."""
    home, copy = tmp_path / "home", tmp_path / "copy"
    region = ["region", "init", "75", "--name", "Забайкальский край", "--oktmo-prefix", "76", "--institution", "ИРО",
              "--year", "2023", "--project", str(copy)]
    assert cli.main(["--home", str(home), *region, "--municipalities", str(ZABAIKALSKY)]) == 0, capsys.readouterr().err
    assert "добавлено 38, уже были 0" in capsys.readouterr().out
    added = [line.split(",") for line in seeds(tmp_path, "ref_municipalities.csv").splitlines() if line.startswith("76")]
    assert len(added) == 38
    assert {row[0]: row[2] for row in added if "Петровск" in row[2]} == {
        "76636000": "Петровск-Забайкальский муниципальный район", "76715000": "город Петровск-Забайкальский"}
    assert sorted((row[0], row[4], row[5]) for row in added if row[2].startswith("Акшинский")) == [
        ("76503000", "2023-01-01", ""), ("76603000", "2014-01-01", "2022-12-31")]
    # the district kept open beside its okrug: the two share a name's identity on the same days
    overlapping = write(tmp_path / "input" / "mo_76.csv", ZABAIKALSKY.read_text(encoding="utf-8").replace(
        "Акшинский муниципальный район,municipal_district,2014-01-01,2022-12-31",
        "Акшинский муниципальный район,municipal_district,2014-01-01,"))
    assert cli.main(["--home", str(tmp_path / "home2"), *region[:-1], str(tmp_path / "copy2"),
                     "--municipalities", str(overlapping)]) == 2
    assert ("mo_76.csv, строка 37: наименование «Акшинский муниципальный округ» неотличимо при сопоставлении названий "
            "от «Акшинский муниципальный район» (строка 3)") in capsys.readouterr().err


def test_rows_that_contradict_the_seeds_are_refused(tmp_path, capsys):
    assert init(tmp_path, capsys)[0] == 0
    before = {name: seeds(tmp_path, name) for name in REPOSITORY_SEEDS}
    code, _, err = init(tmp_path, capsys, "--institution", "ГБОУ ИРО Тестовой области", new_region=False)
    assert code == 2 and (f"ref_regions.csv, строка 4: регион {CODE} уже есть в справочнике с другими значениями: "
                          f"учреждение «{INSTITUTION}», а задано «ГБОУ ИРО Тестовой области»") in err
    renamed = MUNICIPALITIES.replace("город Приморск", "город-курорт Приморск")
    code, _, err = init(tmp_path, capsys, municipalities=renamed)
    assert code == 2 and (f"строка 4: ОКТМО {PRIMORSK} уже есть в ref_municipalities.csv (строка 73) с другими "
                          "значениями: наименование «город Приморск» — в файле «город-курорт Приморск»") in err
    code, _, err = init(tmp_path, capsys, "--name", "Другая область", "--oktmo-prefix", "35", "--institution", "ГАУ",
                        municipalities="ОКТМО,Наименование,Вид\n35604000,Бахчисарайский район,муниципальный район\n",
                        code="98", new_region=False)
    assert code == 2 and "ref_regions.csv, строка 3: префикс ОКТМО «35» уже у региона 35 «Республика Крым»" in err
    code, _, err = init(tmp_path, capsys, code="97", new_region=False)
    assert code == 2 and "для нового региона укажите --name, --oktmo-prefix, --institution" in err
    assert {name: seeds(tmp_path, name) for name in REPOSITORY_SEEDS} == before


def test_the_registry_is_checked_before_anything_is_written_then_landed_once(tmp_path, capsys):
    stray = REGISTRY + "99009009,МБОУ СОШ № 9,99999000\n"  # line 6: an ОКТМО of the region that is no municipality
    registry = write(tmp_path / "input" / "Реестр ОО Тестовой области.csv", stray)
    code, _, err = init(tmp_path, capsys, "--registry", str(registry))
    assert code == 2 and ("реестр Реестр ОО Тестовой области.csv, строка 6: ОКТМО МО «99999000» школы 99009009 — не "
                          "муниципальное образование региона") in err
    assert not (tmp_path / "copy" / "calendars" / f"{CODE}_2025.csv").exists()
    assert seeds(tmp_path, "ref_regions.csv") == (DBT_SEEDS_DIR / "ref_regions.csv").read_text(encoding="utf-8")
    landed = tmp_path / "home" / "landing" / "reference" / registry.name
    assert not landed.exists()
    write(registry, REGISTRY)
    code, out, _ = init(tmp_path, capsys, "--registry", str(registry))
    assert code == 0 and "школ региона 4, проверен; положен в" in out and landed.read_text(encoding="utf-8") == REGISTRY
    code, out, _ = init(tmp_path, capsys, "--registry", str(registry))
    assert code == 0 and "уже лежит в" in out and "Ничего не изменилось" in out


def test_crimea_and_the_demo_are_regions_of_data_alone(tmp_path):
    """Crimea (seed 003) needs no code of its own: its seeds rows, its calendar of four kinds of window, its form
    catalogues with their report texts, and a registry in the home; so does the Krasnodar demo."""
    home = DataHome(tmp_path / "home")
    crimea_region.write_registry(home)
    crimea = region_overview("35", home)
    assert (crimea["region_name"], crimea["oktmo_prefix"], crimea["institution"]) == (
        "Республика Крым", "35", "ГКУ РК «ИМАЦ»")
    assert crimea["municipalities"] == 25 and crimea["municipality_kinds"] == {"municipal_district": 14, "city_okrug": 11}
    assert [(w["monitoring_id"], w["kind"]) for w in crimea["windows"]] == [
        ("shnor-identification-2024", "school_form"), ("shnor-deficits-2024", "school_form"),
        ("shnor-dynamics-2024", "computed"), ("risk-dynamics-2024", "computed"),
        ("municipal-shnor-2024", "municipal_two_year")]
    assert crimea["forms"]["municipal_shnor_v2024"] == {"level": "municipality", "letter_rules": 0,
                                                        "report_texts_missing": []}
    assert crimea["registry_files"] == ["Реестр ОО Республики Крым.csv"] and crimea["problems"] == []
    demo = region_overview("23", DataHome(tmp_path / "empty"))
    assert (demo["municipalities"], demo["institution"], [w["monitoring_id"] for w in demo["windows"]]) == (
        44, "ГБОУ ИРО Краснодарского края", ["mph-2025", "mnc-mtkp-2025"])
    assert demo["forms"][FORM]["letter_rules"] == 14 and demo["problems"] == []  # no school window: no registry needed
    assert region_overview("35", DataHome(tmp_path / "empty"))["problems"] == [
        "у региона есть школьные окна, а в landing/reference каталога данных нет реестра школ"]


@pytest.mark.parametrize("code, prefix, count, year", [("23", "03", 44, "2025"), ("35", "35", 25, "2024")])
def test_the_project_regions_set_up_again_from_their_own_rows_change_nothing(tmp_path, capsys, code, prefix, count,
                                                                             year):
    """The Krasnodar demo and Crimea are regions like any other: their own municipalities, written out as an
    operator would (kinds in words, no control numbers), set up again change nothing."""
    lines = (DBT_SEEDS_DIR / "ref_municipalities.csv").read_text(encoding="utf-8").splitlines()[1:]
    titles = {"municipal_district": "муниципальный район", "city_okrug": "городской округ"}
    own = [line.split(",") for line in lines if line.startswith(prefix)]
    assert len(own) == count
    municipalities = "ОКТМО,Наименование,Вид\n" + "".join(f"{r[0]},{r[2]},{titles[r[3]]}\n" for r in own)
    result, out, err = init(tmp_path, capsys, "--year", year, municipalities=municipalities, code=code,
                            new_region=False)  # their calendar of that year is there already
    assert result == 0, err
    assert f"добавлено 0, уже были {count}" in out and "Ничего не изменилось" in out
    for name in REPOSITORY_SEEDS:
        assert seeds(tmp_path, name) == (DBT_SEEDS_DIR / name).read_text(encoding="utf-8")


def test_runtime_code_names_no_region():
    """What is region-specific is reference data: no runtime file names a region or its institution, and the demo's
    window id is only the documented default of the command line (and an example in a docstring)."""
    runtime = [path for folder in ("shnor", "shnor_core", "reports", "ingestion", "dags", "plugins")
               for path in sorted((PROJECT_ROOT / folder).rglob("*")) if path.suffix in (".py", ".html", ".yaml", ".js")]
    assert len(runtime) > 50
    words = ("Краснодар", "Крым", "Кубан", "ИМАЦ", "ИРО ", "Krasnodar", "Crimea")
    assert [(path.name, word) for path in runtime for word in words if word in path.read_text(encoding="utf-8")] == []
    assert sorted(path.relative_to(PROJECT_ROOT).as_posix() for path in runtime
                  if "mph-2025" in path.read_text(encoding="utf-8")) == ["shnor/cli.py", "shnor/timetable.py"]


def test_a_note_says_when_no_rule_of_the_letter_applies():
    """A region's own form with no rule of the letter (and no lists for the rules on lists): the notes say so rather
    than «no municipality needs a recommendation». The sections read only the cycle's mart_recommendation rows."""
    cycle = SimpleNamespace(recommendation=pd.DataFrame())
    regional, municipal = Document("Аналитическая справка", []), Document("Аналитическая справка", [])
    regional_note._recommendations(regional, cycle, INSTITUTION)
    municipal_note._recommendations(municipal, cycle, OZERNY, INSTITUTION)
    # sections are numbered in order when the note is written (Document.number_sections): here the only one
    assert [block.text for block in regional.number_sections().blocks] == ["1. Адресные рекомендации", no_rules()]
    assert [block.text for block in municipal.number_sections().blocks] == ["1. Рекомендации", no_rules()]


# ---- region 99 through its calendar, the copy selected by environment only ----

def run_shnor(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "shnor.cli", *args], env=env, cwd=PROJECT_ROOT, capture_output=True,
                          text=True)


@pytest.fixture(scope="module")
def region99(tmp_path_factory):
    root = tmp_path_factory.mktemp("region99")
    home = DataHome(root / "home")
    registry = write(root / "input" / "Реестр ОО Тестовой области.csv", REGISTRY)
    source = write(root / "input" / "mo.csv", MUNICIPALITIES)
    assert cli.main(["--home", str(home.root), "region", "init", CODE, "--name", NAME, "--oktmo-prefix", PREFIX,
                     "--institution", INSTITUTION, "--municipalities", str(source), "--registry", str(registry),
                     "--year", "2025", "--project", str(root / "copy")]) == 0
    calendar = root / "copy" / "calendars" / f"{CODE}_2025.csv"
    skeleton = calendar.read_text(encoding="utf-8")
    calendar.write_text(skeleton.replace(f"# {WINDOW},", f"{WINDOW},"), encoding="utf-8")  # the operator's one edit
    env = {**os.environ, **reference_environment(root / "copy"), "SHNOR_HOME": str(home.root)}
    templates = run_shnor(env, "templates", "--monitoring", WINDOW)
    assert templates.returncode == 0, templates.stderr
    landing = home.submissions_landing(WINDOW)
    for oktmo, overrides in [(OZERNY, {"MNC_6": [1, 0, 1, 1, 1], "MTKP_6": [1, 1, 0]}), (STEPNOY, {})]:
        path = fill_template(home.root / "templates" / WINDOW / f"{WINDOW}_{oktmo}.xlsx", landing / f"{oktmo}.xlsx",
                             FORM, catalogue_values(FORM, presence_default=1, **overrides))
        record_arrival(landing, path.name, datetime(2025, 6, 5, 10), "почта")
    cycle = subprocess.run([sys.executable, "-c", "import sys; from shnor.cycle import run_window_in_process; "
                            "from shnor_core.settings import DataHome; run_window_in_process(DataHome.from_env(), sys.argv[1])",
                            WINDOW], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert cycle.returncode == 0, cycle.stderr[-3000:]
    return {"home": home, "env": env, "skeleton": skeleton, "root": root, "templates": templates.stdout}


def mart(home: DataHome, sql: str) -> list[tuple]:
    return [tuple(row) for row in warehouse.query(home.warehouse, sql, [WINDOW]).itertuples(index=False)]


@pytest.mark.slow
def test_its_marts_hold_its_three_municipalities(region99):
    home = region99["home"]
    assert "Шаблонов: 3" in region99["templates"]
    assert mart(home, "select municipality_oktmo, municipality_name, submission_status, is_late from "
                      "marts.mart_submission_status where monitoring_id = ? order by 1") == [
        (OZERNY, "Озерный муниципальный район", "accepted", False),
        (STEPNOY, "Степной муниципальный округ", "accepted", False), (PRIMORSK, "город Приморск", "missing", False)]
    # МП: 8 items of 0/1 (МП-1…7, 13); МНЦ: 1 + 2 + 3 + 5 + 8 + 5 = 24; МТКП: 1 + 3 + 3 + 4 + 4 + 3 = 18.
    # Озерный lacks МНЦ-6.2 and МТКП-6.3; the region's mean of МНЦ is (23/24 + 24/24) / 2 = 47/48.
    scores = mart(home, "select municipality_oktmo, section_code, section_score, section_max, region_mean_share "
                        "from marts.mart_section_scores where monitoring_id = ? order by 1, 2")
    assert [row[:4] for row in scores] == [(OZERNY, "mnc", 23, 24), (OZERNY, "mph", 8, 8), (OZERNY, "mtkp", 17, 18),
                                           (STEPNOY, "mnc", 24, 24), (STEPNOY, "mph", 8, 8), (STEPNOY, "mtkp", 18, 18)]
    assert scores[0][4] == pytest.approx(47 / 48) and scores[2][4] == pytest.approx(35 / 36)
    assert warehouse.query(home.warehouse, "select count(*) as n from raw.schools").iloc[0]["n"] == 4


@pytest.mark.slow
def test_its_reports_name_its_own_institution(region99):
    folder = region99["home"].reports / WINDOW
    note = WordDocument(str(folder / f"spravka_{WINDOW}.docx"))
    assert note.core_properties.author == INSTITUTION
    paragraphs = [p.text.replace("\u00a0", " ") for p in note.paragraphs]
    # rule courses_contests: МНЦ-6.2 and МТКП-6.3 both absent, a mean of 0 — under the weak line (50 %); the item
    # names it in its statement and its value in the table under it
    assert ("3. Озерный муниципальный район провести работу по активизации руководящих сотрудников и "
            "педагогических кадров для участия в конкурсах и мероприятиях, а также прохождения курсов повышения "
            f"квалификации в {INSTITUTION}.") in paragraphs
    body = list(note.element.body)
    item = next(p for p in note.paragraphs if p.text.replace("\u00a0", " ").startswith("3. Озерный"))
    table = next(t for t in note.tables if t._tbl is body[body.index(item._p) + 2])  # below the item and its caption
    assert [c.text.replace("\u00a0", " ") for c in table.rows[1].cells] == ["Озерный муниципальный район", "0 %", "50 %"]
    assert not [p for p in paragraphs if "Краснодар" in p]
    assert f"{NAME}; окно сбора данных 01.06.2025 – 11.06.2025" in paragraphs
    municipal = WordDocument(str(next((folder / "municipalities").glob(f"{OZERNY} *.docx"))))
    assert municipal.core_properties.author == INSTITUTION
    assert any(f"квалификации в {INSTITUTION}." in p.text.replace("\u00a0", " ") for p in municipal.paragraphs)


@pytest.mark.slow
def test_every_example_window_of_the_skeleton_schedules(region99, tmp_path):
    """Each commented example, uncommented as it stands, is a valid row of its kind (checked by ``shnor calendar
    show``, the scheduler's own plan): 3 runs for each kind with a form (open, reminder, close), 1 for computed."""
    skeleton = region99["skeleton"]
    uncommented = "\n".join(line[2:] if line.startswith("# ") and f",{CODE}," in line else line
                            for line in skeleton.splitlines()) + "\n"
    path = write(tmp_path / f"{CODE}_2025.csv", uncommented)
    shown = run_shnor(region99["env"], "calendar", "show", "--file", str(path), "--json")
    assert shown.returncode == 0, shown.stderr
    runs = json.loads(shown.stdout)
    assert sorted((r["kind"], r["event"]) for r in runs) == sorted(
        [(kind, event) for kind in ("municipal_form", "school_form", "municipal_two_year")
         for event in ("open", "reminder", "close")] + [("computed", "close")])
    assert {r["region"] for r in runs} == {CODE}


@pytest.mark.slow
def test_region_show_reads_the_copy_it_is_pointed_at(region99):
    shown = run_shnor(region99["env"], "region", "show", CODE, "--json")
    assert shown.returncode == 0, shown.stdout + shown.stderr
    overview = json.loads(shown.stdout)
    assert (overview["municipalities"], overview["institution"], overview["registry_files"]) == (
        3, INSTITUTION, ["Реестр ОО Тестовой области.csv"])
    assert overview["municipality_kinds"] == {"municipal_district": 1, "municipal_okrug": 1, "city_okrug": 1}
    assert [w["monitoring_id"] for w in overview["windows"]] == [WINDOW] and overview["problems"] == []
    unknown = run_shnor({**region99["env"], **reference_environment(PROJECT_ROOT)}, "region", "show", CODE)
    assert unknown.returncode == 2 and "Регион с кодом «99» отсутствует в справочнике регионов" in unknown.stderr
