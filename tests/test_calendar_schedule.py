"""The calendar is the truth: ``shnor calendar show`` lists exactly the runs Airflow's scheduler creates
from the DAG folder, for every bundled calendar and for a calendar with two monitorings opening on one day;
a calendar with mistakes never breaks a DAG file — its bad rows are left out with a warning naming them,
the rest still schedule."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from shnor.airflow_local import ensure_metadata_db
from shnor_core.reference import WINDOW_KINDS, load_calendar
from shnor_core.settings import PROJECT_ROOT, DataHome
from tests.cli_in_process import shnor

pytestmark = pytest.mark.slow

HEADER = "monitoring_id,region_code,track,title,kind,form_id,school_group,window_open,window_close,grace_days,periodicity,repeat_until\n"
# Two monitorings open on 01.09.2025 (a school form and a computed one); a third opens on 05.09 while the
# first is still open, in the same track; and a quarterly row («по итогам четверти») has four windows.
SAME_DAY = HEADER + (
    "ident-2025,35,1,Идентификация ШНОР,school_form,shnor_identification_v2024,,2025-09-01,2025-09-12,2,,\n"
    "dyn-2025,35,1,Динамика результатов ШНОР,computed,,shnor,2025-09-01,2025-09-20,0,,\n"
    "mun-2025,35,1,Работа МО со ШНОР,municipal_form,municipal_shnor_v2024,,2025-09-05,2025-09-30,1,,\n"
    "roadmap-q,35,3,Дорожная карта по итогам четверти,municipal_form,municipal_shnor_v2024,,2025-01-10,2025-01-20,2,quarterly,2025-12-31\n")
BROKEN = HEADER + (
    "good-2025,35,1,Верная строка,computed,,all,2025-03-01,2025-03-10,0,,\n"
    "good-2025,35,1,Тот же идентификатор,computed,,all,2025-04-01,2025-04-10,0,,\n"
    "reversed-2025,35,1,Закрытие раньше открытия,computed,,all,2025-05-10,2025-05-01,0,,\n"
    "survey-2025,35,1,Неизвестный вид,survey,,,2025-06-01,2025-06-10,0,,\n"
    "noform-2025,35,1,Неизвестная форма,municipal_form,no_such_form,,2025-06-01,2025-06-10,0,,\n"
    "overlap-q,35,1,Окна длиннее периода,municipal_form,municipal_shnor_v2024,,2025-01-10,2025-05-20,0,quarterly,2025-12-31\n"
    "level-2025,35,2,Школьная форма по муниципальному каталогу,school_form,municipal_shnor_v2024,,2025-07-01,2025-07-10,0,,\n"
    "also-good-2025,35,2,Ещё верная строка,school_form,resource_deficits_v2024,,2025-03-01,2025-03-12,0,,\n")
COMPARED = ("dag_id", "run_id", "logical_date", "data_interval_start", "data_interval_end", "fires_at")


BUNDLED = sorted((PROJECT_ROOT / "calendars").glob("*.csv"))


def calendar_folder(root: Path, name: str, text: str | None = None, copy: Path | None = None) -> Path:
    """A folder of one calendar file: a copy of a bundled one, or ``35_2025.csv`` with ``text``."""
    folder = root / name
    folder.mkdir()
    if copy is not None:
        shutil.copy(copy, folder / copy.name)
    else:
        (folder / "35_2025.csv").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def scheduled(tmp_path_factory) -> dict[str, tuple[Path, dict]]:
    """Each calendar of this file (the bundled ones, SAME_DAY, BROKEN) in a folder of its own, and the runs the
    scheduler created from it: one ``tests.scheduler_runs`` process imports Airflow once for all of them (each
    calendar is parsed and scheduled in a child process and a fresh Airflow database of its own)."""
    ensure_metadata_db(DataHome(tmp_path_factory.mktemp("migrated")))  # the empty database each run starts from
    root, output = tmp_path_factory.mktemp("calendars"), tmp_path_factory.mktemp("scheduler")
    folders = {calendar.name: calendar_folder(root, f"bundled-{calendar.stem}", copy=calendar) for calendar in BUNDLED}
    folders |= {"same-day": calendar_folder(root, "same-day", SAME_DAY), "broken": calendar_folder(root, "broken", BROKEN)}
    completed = subprocess.run([sys.executable, "-m", "tests.scheduler_runs", str(output), *map(str, folders.values())],
                               cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr[-3000:]
    return {key: (folder, json.loads((output / f"{folder.name}.json").read_text(encoding="utf-8")))
            for key, folder in folders.items()}


def calendar_show(folder: Path) -> subprocess.CompletedProcess:
    return shnor("calendar", "show", "--file", str(folder), "--json")


def projected(runs: list[dict]) -> list[tuple]:
    return sorted(tuple(run[key] for key in COMPARED) for run in runs)


@pytest.mark.parametrize("calendar", BUNDLED, ids=lambda p: p.name)
def test_calendar_show_equals_the_scheduler_for_each_bundled_calendar(calendar, scheduled):
    folder, created = scheduled[calendar.name]
    shown = calendar_show(folder)
    assert shown.returncode == 0, shown.stderr
    assert created["import_errors"] == {} and created["warnings"] == {}
    assert projected(json.loads(shown.stdout)) == projected(created["runs"])
    # every window of the file got a run for every event of its kind: none lost
    windows = load_calendar(folder)
    expected = sorted((w.monitoring_id, event) for w in windows.values() for event in WINDOW_KINDS[w.kind].events)
    got = sorted((run["run_id"].split("__")[1], run["dag_id"].split("__")[0].removeprefix("shnor_"))
                 for run in created["runs"])
    assert got == expected


def test_two_monitorings_on_one_day_run_independently(scheduled):
    folder, created = scheduled["same-day"]
    shown = calendar_show(folder)
    assert shown.returncode == 0, shown.stderr
    assert projected(json.loads(shown.stdout)) == projected(created["runs"])
    runs = created["runs"]
    assert len({run["run_id"] for run in runs}) == len(runs)
    assert len({(run["dag_id"], run["logical_date"]) for run in runs}) == len(runs)  # Airflow's unique key
    # the two windows opening on 01.09 each get their own processing run, on their own dates
    closes = {run["run_id"].split("__")[1]: run for run in runs if run["dag_id"].startswith("shnor_close__")}
    assert closes["ident-2025"]["logical_date"] == closes["dyn-2025"]["logical_date"] == "2025-09-01T00:00:00+00:00"
    assert closes["ident-2025"]["dag_id"] != closes["dyn-2025"]["dag_id"]
    assert (closes["ident-2025"]["fires_at"], closes["dyn-2025"]["fires_at"], closes["mun-2025"]["fires_at"]) == (
        "2025-09-15T00:00:00+00:00", "2025-09-21T00:00:00+00:00", "2025-10-02T00:00:00+00:00")
    opens = sorted((run["dag_id"], run["fires_at"][:10]) for run in runs if run["dag_id"].startswith("shnor_open__"))
    assert opens == [("shnor_open__ident-2025", "2025-09-01"), ("shnor_open__mun-2025", "2025-09-05"),
                     *[("shnor_open__roadmap-q", day) for day in ("2025-01-10", "2025-04-10", "2025-07-10", "2025-10-10")]]
    # the quarterly row: one DAG per event, a run per quarter
    quarterly = sorted(run["run_id"].split("__")[1] for run in runs if run["dag_id"] == "shnor_close__roadmap-q")
    assert quarterly == ["roadmap-q-01", "roadmap-q-02", "roadmap-q-03", "roadmap-q-04"]


def test_bad_rows_are_left_out_with_a_warning_and_the_rest_schedules(scheduled):
    folder, created = scheduled["broken"]
    assert created["import_errors"] == {}  # the DAG file never raises because of the calendar
    [warnings] = created["warnings"].values()
    left_out = sorted(int(w.split("строка ")[1].split(":")[0]) for w in warnings)
    assert left_out == [3, 4, 5, 6, 7, 8]
    assert any("35_2025.csv, строка 3: мониторинг «good-2025»: идентификатор уже занят окном «good-2025» "
               "(35_2025.csv, строка 2)" in w for w in warnings)
    assert {run["dag_id"] for run in created["runs"]} == {
        "shnor_close__good-2025", "shnor_open__also-good-2025", "shnor_reminder__also-good-2025", "shnor_close__also-good-2025"}
    shown = calendar_show(folder)
    assert shown.returncode == 1
    assert projected(json.loads(shown.stdout)) == projected(created["runs"])
    errors = shown.stderr.splitlines()
    assert len(errors) == 6
    for line, reason in [(4, "окно закрывается раньше, чем открывается"), (5, "неизвестный вид окна «survey»"),
                         (6, "неизвестная форма «no_such_form»"), (7, "окна повторяющегося мониторинга перекрываются"),
                         (8, "форма «municipal_shnor_v2024» заполняется на уровне «municipality»")]:
        assert any(f"35_2025.csv, строка {line}: " in error and reason in error for error in errors), (line, errors)
