"""Airflow on a data home as a newcomer meets it: plain ``airflow`` commands with nothing but ``AIRFLOW_HOME``
set see the project's DAGs (the home's ``airflow.cfg`` names the DAG and plugin folders, so the calendar
timetable deserializes), and ``shnor airflow``'s standalone serves a UI where the DAGs and a run show —
screenshots in ``var/test-artefacts/airflow/`` — and leaves no process behind when stopped."""

from __future__ import annotations

import configparser
import importlib.util
import json
import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from shnor.airflow_local import (
    airflow_config_path,
    ensure_metadata_db,
    migrated_db_cache,
    run_dag,
    write_airflow_config,
)
from shnor_core.settings import DAGS_DIR, PLUGINS_DIR, PROJECT_ROOT, DataHome
from tests.test_dags import DAG_IDS as CALENDAR_DAG_IDS
from tests.workbooks import MONITORING_ID

DAG_IDS = sorted(CALENDAR_DAG_IDS)  # counted by hand from the bundled calendars (tests/test_dags.py)
OPEN_DAG = "shnor_open__mph-2025"
AIRFLOW = Path(sys.executable).with_name("airflow")
CHROMIUM = Path("/usr/bin/chromium")
ARTEFACTS = PROJECT_ROOT / "var" / "test-artefacts" / "airflow"


def plain_airflow(home: DataHome, *args: str) -> subprocess.CompletedProcess:
    """``airflow …`` as a person would type it after ``export AIRFLOW_HOME=…``: no other Airflow setting
    in the environment (none of the variables the test session or shnor set)."""
    environment = {"PATH": "/usr/bin:/bin", "HOME": str(home.root), "AIRFLOW_HOME": str(home.airflow_home),
                   "LANG": "C.UTF-8"}
    return subprocess.run([str(AIRFLOW), *args], env=environment, capture_output=True, text=True, timeout=600)


def test_the_config_names_the_project_and_keeps_its_secrets(tmp_path):
    home = DataHome(tmp_path / "home")
    path = write_airflow_config(home)
    config = configparser.ConfigParser(interpolation=None)
    config.read(path)
    assert config["core"]["dags_folder"] == str(DAGS_DIR) and config["core"]["plugins_folder"] == str(PLUGINS_DIR)
    assert config["core"]["load_examples"] == "False"
    assert config["database"]["sql_alchemy_conn"] == f"sqlite:///{home.airflow_home / 'airflow.db'}"
    assert config["core"]["execution_api_server_url"] == "http://localhost:8080/execution/"
    secrets = config["core"]["fernet_key"], config["api_auth"]["jwt_secret"]
    assert all(secrets) and oct(path.stat().st_mode & 0o777) == "0o600"

    config["webserver"] = {"default_ui_timezone": "Europe/Moscow"}  # an operator's own setting
    with open(path, "w") as handle:
        config.write(handle)
    write_airflow_config(home, port=8099)
    again = configparser.ConfigParser(interpolation=None)
    again.read(path)
    assert (again["core"]["fernet_key"], again["api_auth"]["jwt_secret"]) == secrets  # made once per home
    assert again["webserver"]["default_ui_timezone"] == "Europe/Moscow"
    assert again["api"]["port"] == "8099"
    assert again["core"]["execution_api_server_url"] == "http://localhost:8099/execution/"  # moves with the port
    write_airflow_config(home)  # no port given: the file's stays
    assert "8099" in airflow_config_path(home).read_text()


def test_a_new_home_starts_from_the_users_migrated_database(tmp_path, monkeypatch):
    """``airflow db migrate`` once per user and Airflow version: a home without a database gets a copy of the
    cached one (here a stand-in, so that no migration runs), and the home's own file is its own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    cached = migrated_db_cache()
    assert cached.parent.parent == tmp_path / "cache" / "shnor" / "airflow-db"
    cached.parent.mkdir(parents=True)
    with sqlite3.connect(cached) as con:
        con.execute("create table alembic_version (version_num text)")
        con.execute("insert into alembic_version values ('migrated')")
    home = DataHome(tmp_path / "home")
    ensure_metadata_db(home)
    database = home.airflow_home / "airflow.db"
    with sqlite3.connect(database) as con:
        assert con.execute("select version_num from alembic_version").fetchall() == [("migrated",)]
        con.execute("create table dag_run (dag_id text)")  # the home's runs stay in the home
    with sqlite3.connect(cached) as con:
        assert con.execute("select name from sqlite_master where name = 'dag_run'").fetchall() == []
    assert list(home.airflow_home.glob(".migrated-*"))  # and it is not migrated again


@pytest.mark.slow
def test_plain_airflow_dags_list_works_with_only_airflow_home_set(tmp_path):
    home = DataHome(tmp_path / "home")
    write_airflow_config(home)
    ensure_metadata_db(home)
    serialized = plain_airflow(home, "dags", "reserialize")  # what the DAG processor (or a `dags test`) stores
    assert serialized.returncode == 0, serialized.stderr[-3000:]
    listed = plain_airflow(home, "dags", "list", "--output", "json")
    assert listed.returncode == 0, listed.stderr[-3000:]
    assert "TimetableNotRegistered" not in listed.stdout + listed.stderr
    dags = json.loads(next(line for line in listed.stdout.splitlines() if line.startswith("[")))  # after warnings
    assert sorted(d["dag_id"] for d in dags) == DAG_IDS
    assert all(str(d["is_paused"]) == "True" for d in dags)  # nothing runs until someone unpauses it
    errors = plain_airflow(home, "dags", "list-import-errors", "--output", "json")
    assert errors.returncode == 0 and ("[]" in errors.stdout or "No data found" in errors.stdout), errors.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK) and not os.environ.get("CI"),
                    reason=f"no headless Chromium at {CHROMIUM} (Debian package `chromium`; .ci/run installs it)")
def test_the_ui_shows_the_dags_and_the_run_and_stops_cleanly(tmp_path):
    spec = importlib.util.spec_from_file_location("airflow_screenshots", PROJECT_ROOT / "tools" / "airflow_screenshots.py")
    screenshots = sys.modules[spec.name] = importlib.util.module_from_spec(spec)  # its dataclass needs it there
    spec.loader.exec_module(screenshots)
    home = DataHome(tmp_path / "home")
    run_dag(home, OPEN_DAG, {"monitoring_id": MONITORING_ID})  # a run, as the demo's `dags test` makes

    screens = screenshots.take_screenshots(home, free_port(), ARTEFACTS, dag_id=OPEN_DAG)

    assert [path.name for path in screens.paths] == ["airflow_dags.png", "airflow_dag_runs.png",
                                                     f"airflow_{OPEN_DAG}.png"]
    assert all(path.stat().st_size > 20_000 for path in screens.paths)  # pictures, not blank pages
    assert f"{len(DAG_IDS)} Dags" in screens.dag_list and all(dag_id in screens.dag_list for dag_id in DAG_IDS)
    assert "monitoring calendar: open" in screens.dag_list  # the calendar timetable, deserialized
    assert "1 Dag Run" in screens.runs and OPEN_DAG in screens.runs and "Success" in screens.runs
    assert not group_alive(screens.process_group)  # scheduler, workers, API server: all stopped
