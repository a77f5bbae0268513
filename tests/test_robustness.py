"""Nothing stalls, nothing hides, nothing leaks: each gap measured in the issue, reproduced and closed —
bounded work per file, entity declarations anywhere in a part, messages and exit codes, leftovers of a
killed publish and run, one run per home, a warehouse held by a reader, keyed pseudonyms."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from ingestion.people import person_id
from shnor import ingest
from shnor.airflow_local import airflow_environment, ensure_metadata_db, fail_interrupted_runs
from shnor.cycle import publish_marts
from shnor.publish import published_folder
from shnor.run_lock import HomeBusy, run_lock
from shnor_core import warehouse
from shnor_core.safety import ENCRYPTION_STREAM, OLE_MAGIC
from shnor_core.settings import DataHome, pseudonym_key
from shnor_core.sources import SUBMISSION, landing_folder
from tests.cli_in_process import shnor
from tests.workbooks import MONITORING_ID, form_values, write_submission

STRAY_ROWS = 900_000


def with_stray_rows(form: Path, target: Path, rows: int = STRAY_ROWS) -> Path:
    """The form a person sends after dragging a formula down a whole column: ``rows`` more rows, each
    with a cell, written straight into the sheet's XML (as Excel stores them)."""
    with zipfile.ZipFile(form) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                stray = "".join(f'<row r="{n}"><c r="E{n}" t="n"><v>0</v></c></row>' for n in range(200, 200 + rows))
                data = data.replace(b"</sheetData>", stray.encode() + b"</sheetData>")
                data = data.replace(b'<dimension ref="A1:D84"/>', b"")
            out.writestr(item, data)
    return target


@pytest.fixture(scope="module")
def huge_form(tmp_path_factory):
    folder = tmp_path_factory.mktemp("huge")
    good = write_submission(folder / "good.xlsx", "МО Абинский район", form_values())
    return with_stray_rows(good, folder / "МО Абинский район.xlsx")


def test_a_form_with_900000_stray_rows_is_refused_before_parsing(huge_form):
    """In a process of its own, so its memory is its own: the figures are printed, not asserted in time."""
    unpacked = sum(i.file_size for i in zipfile.ZipFile(huge_form).infolist())
    # resident memory sampled while the check runs (ru_maxrss would carry over the pytest process it forked from)
    script = """
import json, os, sys, threading, time
from shnor.checker import check_file
page, peak, done = os.sysconf("SC_PAGE_SIZE"), [0], threading.Event()
def sample():
    while not done.wait(0.002):
        peak[0] = max(peak[0], int(open("/proc/self/statm").read().split()[1]) * page)
threading.Thread(target=sample, daemon=True).start()
started = time.monotonic()
verdict = check_file(sys.argv[1], "submission", "%s")
seconds = time.monotonic() - started
done.set()
print(json.dumps({"seconds": seconds, "peak_mb": peak[0] / 2**20, "accepted": verdict.accepted,
                  "errors": verdict.errors}, ensure_ascii=False))
""" % MONITORING_ID
    completed = subprocess.run([sys.executable, "-c", script, str(huge_form)], capture_output=True, text=True,
                               timeout=600)
    outcome = json.loads(completed.stdout.splitlines()[-1])
    print(f"\n900 000 stray rows: {huge_form.stat().st_size / 2**20:.1f} MB packed, {unpacked / 2**20:.0f} MB "
          f"unpacked; refused in {outcome['seconds']:.1f} s, peak {outcome['peak_mb']:.0f} MB")
    assert not outcome["accepted"]
    [error] = outcome["errors"]
    # reading stops at the first bound crossed: the form's 432 rows (84 of the form + 900 000 are never all read)
    assert error["rule"].startswith("файл слишком большой: на листе больше 432 строк")
    assert outcome["peak_mb"] < 500


def test_a_form_larger_than_its_catalogue_allows_is_refused_by_the_form_bound(tmp_path, form, municipalities):
    """5 000 rows pass the bound of any table but not a form's: seed 004's catalogue allows 432."""
    from ingestion.submission_reader import form_bounds, read_submission  # noqa: PLC0415 - this test's own reader

    good = write_submission(tmp_path / "good.xlsx", "МО Абинский район", form_values())
    bigger = with_stray_rows(good, tmp_path / "МО Абинский район.xlsx", rows=5_000)
    result = read_submission(bigger, form, MONITORING_ID, municipalities)
    assert form_bounds(form) == (4 * (3 + 25 + 55) + 100, (4 * (3 + 25 + 55) + 100) * 64)
    [error] = result.errors
    assert result.unreadable and error.rule.startswith("файл слишком большой: на листе больше 432 строк")
    assert f"в форме «{form.form_id}» не бывает больше 432 строк" in error.rule


def test_the_huge_form_never_delays_the_other_municipalities(tmp_path, huge_form):
    home = DataHome(tmp_path / "home")
    landing = landing_folder(home, SUBMISSION, MONITORING_ID)
    landing.mkdir(parents=True)
    (landing / huge_form.name).write_bytes(huge_form.read_bytes())
    write_submission(landing / "Апшеронский.xlsx", "МО Апшеронский район", form_values())
    write_submission(landing / "Ейский.xlsx", "МО Ейский район", form_values())
    ingest.load_reference(home)
    summary = ingest.ingest_submissions(home, MONITORING_ID)
    ingest.validate_pending(home)
    statuses = dict(warehouse.query(home.warehouse, "select source_file, status from raw.files").itertuples(index=False))
    assert statuses == {huge_form.name: "rejected", "Апшеронский.xlsx": "accepted", "Ейский.xlsx": "accepted"}
    assert summary["read_errors"] == 1
    [folder] = list(home.quarantine.iterdir())
    reasons = json.loads((folder / "reasons.json").read_text(encoding="utf-8"))
    assert len(reasons) == 1 and "слишком большой" in reasons[0]["rule"]
    assert (folder / "reasons.json").stat().st_size < 10_000
    assert warehouse.query(home.warehouse, "select count(*) as n from audit.file_errors").iloc[0]["n"] == 1


def test_errors_are_capped_per_rule_with_the_rest_counted(tmp_path, form, municipalities):
    from ingestion.submission_reader import read_submission  # noqa: PLC0415 - only this test reads by hand

    blank = write_submission(tmp_path / "Апшеронский.xlsx", "МО Апшеронский район",
                             form_values(presence_default=None, count_default=None))
    result = read_submission(blank, form, MONITORING_ID, municipalities)
    stored = result.errors_as_dicts()
    assert len(result.errors) == 55  # every value cell blank
    assert len(stored) == 51 and stored[-1]["rule"] == "и ещё 5 таких же ошибок (показаны первые 50): значение не заполнено"


def test_errors_of_a_file_are_capped_whatever_their_rules(tmp_path):
    """1 000 errors each with a rule of its own (the value in its text): the per-rule cap keeps them all, the
    per-file one keeps the first MAX_ERRORS_PER_FILE and counts the other 1 000 − 200 = 800 in one line — in
    what is stored and in the feedback workbook's «Ошибки» sheet (a header, 200 errors, the count)."""
    from reports.feedback import ERRORS_SHEET, write_feedback_workbook  # noqa: PLC0415 - only this test writes one
    from shnor_core.source_read import MAX_ERRORS_PER_FILE, cap_errors  # noqa: PLC0415 - only this test caps by hand

    errors = [{"file": "f.xlsx", "sheet": "Форма", "cell": f"C{n}", "indicator": "", "value": str(n),
               "rule": f"значение «{n}» не является числом"} for n in range(1, 1001)]
    capped = cap_errors(errors)
    assert MAX_ERRORS_PER_FILE == 200
    assert len(capped) == 201 and capped[:200] == errors[:200]
    assert capped[-1]["rule"] == "и ещё 800 ошибок (показаны первые 200)"
    text = tmp_path / "f.xlsx"
    text.write_text("не книга")
    feedback = write_feedback_workbook(text, capped, tmp_path / "Ошибки.xlsx")
    sheet = openpyxl.load_workbook(feedback)[ERRORS_SHEET]
    rules = [row[4] for row in sheet.iter_rows(min_row=2, values_only=True) if row[4]]
    assert len(rules) == 201 and rules[-1] == "и ещё 800 ошибок (показаны первые 200)"


def test_an_entity_declaration_after_a_long_comment_is_refused(tmp_path):
    good = write_submission(tmp_path / "good.xlsx", "МО Абинский район", form_values())
    padded = tmp_path / "МО Абинский район.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(padded, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/workbook.xml":
                body = data.split(b"?>", 1)[-1]  # after the XML declaration, if any
                data = b"<!--" + b"x" * 5000 + b'-->\n<!DOCTYPE x [<!ENTITY a "aaaa">]>' + body
            out.writestr(item, data)
    completed = shnor("check-submission", str(padded), "--json")
    report = json.loads(completed.stdout)
    assert completed.returncode == 2 and report["status"] == "unreadable"
    assert "DTD/сущностей" in report["errors"][0]["rule"]


def test_messages_that_used_to_break(tmp_path):
    encrypted = tmp_path / "зашифрована.xlsx"  # over 1 MB, the stream name far into the file
    encrypted.write_bytes(OLE_MAGIC + os.urandom(1_500_000) + ENCRYPTION_STREAM + b"\0" * 512)
    completed = shnor("check-results", str(encrypted), "--json")
    assert completed.returncode == 2, completed.stderr
    assert "защищена паролем" in json.loads(completed.stdout)["errors"][0]["rule"]
    folder = tmp_path / "папка.xlsx"
    folder.mkdir()
    completed = shnor("check-submission", str(folder), "--json")
    assert completed.returncode == 2 and json.loads(completed.stdout)["errors"][0]["rule"] == "это папка, а не файл"
    students = tmp_path / "результаты_участников.csv"
    students.write_bytes("Код ОО;Процедура;Год;Предмет;Класс;Код участника;Отметка\n"
                         "23001001;ВПР;2025;Математика;5;p1;4\n".encode("cp1251"))
    completed = shnor("check-results", str(students), "--json")
    report = json.loads(completed.stdout)
    assert report["layout"] == "student_results_csv"  # a Windows-1251 export, recognised and read
    assert report["errors"] == [{"cell": "строка 2", "indicator": "Код ОО", "value": "23001001",
                                 "rule": "кода ОО нет в реестре школ"}]  # no registry given: refused, but read


def test_a_publish_killed_midway_leaves_nothing_the_next_one_keeps(sample_cycle):
    folder = published_folder(sample_cycle)
    before = sorted(p.name for p in (folder / "parquet").iterdir())
    script = ("import sys; from shnor.cycle import publish_marts; from shnor_core.settings import DataHome; "
              "[publish_marts(DataHome(__import__('pathlib').Path(sys.argv[1]))) for _ in range(50)]")
    publisher = subprocess.Popen([sys.executable, "-c", script, str(sample_cycle.root)])
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list(folder.glob(".parquet-*.partial")):
        time.sleep(0.005)
    publisher.send_signal(signal.SIGKILL)
    publisher.wait()
    (folder / ".staged-20200101T000000Z.duckdb.wal").write_bytes(b"wal")  # what a kill may also leave
    publish_marts(sample_cycle)  # the next publish (here: a new process would only import the same code first)
    assert list(folder.glob(".staged-*")) == [] and list(folder.glob(".parquet-*")) == []
    assert sorted(p.name for p in (folder / "parquet").iterdir()) == before  # the link: a complete export
    assert all(len(list(p.iterdir())) == len(before) for p in folder.glob("parquet-*"))


def test_a_killed_airflow_run_is_marked_failed_on_the_next_start(tmp_path):
    home = DataHome(tmp_path / "home")
    ensure_metadata_db(home)
    run = subprocess.Popen([str(Path(sys.executable).with_name("airflow")), "dags", "test", "shnor_open__mph-2025",
                            "--conf", json.dumps({"monitoring_id": MONITORING_ID})], env=airflow_environment(home),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    database = home.airflow_home / "airflow.db"
    deadline = time.monotonic() + 180
    running = []
    while time.monotonic() < deadline and not running and run.poll() is None:
        with sqlite3.connect(database) as con:
            running = con.execute("select run_id from dag_run where state = 'running'").fetchall()
        time.sleep(0.1)
    os.killpg(run.pid, signal.SIGKILL)
    run.wait()
    if not running:
        pytest.skip("the run finished before it could be killed")
    assert [line.split()[0] for line in fail_interrupted_runs(home)] == ["shnor_open__mph-2025"]
    with sqlite3.connect(database) as con:
        assert con.execute("select state from dag_run").fetchall() == [("failed",)]


def test_two_runs_at_once_give_one_clear_refusal(tmp_path):
    home = DataHome(tmp_path / "home")
    with run_lock(home, "shnor run --monitoring mph-2025"):
        completed = shnor("--home", str(home.root), "build")
        assert completed.returncode == 3
        assert f"PID {os.getpid()}" in completed.stderr and "shnor run --monitoring mph-2025" in completed.stderr
        with pytest.raises(HomeBusy):
            with run_lock(home):
                pass
    with run_lock(home):  # released with its holder
        pass


def test_a_reader_holding_the_warehouse_is_named(tmp_path, monkeypatch):
    database = tmp_path / "shnor.duckdb"
    with warehouse.connect(database):
        pass
    reader = subprocess.Popen([sys.executable, "-c", f"import duckdb, time; c = duckdb.connect('{database}', "
                               "read_only=True); print('open', flush=True); time.sleep(60)"], stdout=subprocess.PIPE,
                              text=True)
    assert reader.stdout.readline().strip() == "open"
    try:
        started = time.monotonic()
        with pytest.raises(warehouse.WarehouseBusy) as busy:
            with warehouse.connect(database, wait=1.0):
                pass
        assert time.monotonic() - started >= 1.0  # it waited before explaining
        assert f"процесс {reader.pid}" in str(busy.value) and "published/shnor_marts.duckdb" in str(busy.value)
    finally:
        reader.kill()
        reader.wait()
    with warehouse.connect(database, wait=5.0):  # the holder gone, the run goes on
        pass


def test_a_stored_pseudonym_cannot_be_recomputed_without_the_key(tmp_path, monkeypatch):
    from tests.test_real_layouts import write_list  # noqa: PLC0415 - the hand-made list builder

    home = DataHome(tmp_path / "home")
    folder = landing_folder(home, ingest.SOURCE_KINDS["mentor_assignments"])
    folder.mkdir(parents=True)
    write_list(folder / "kuratory_2024.xlsx", "Кураторы",
               ["ФИО куратора", "МО", "Курируемая ОО"], [["Иванова Анна Сергеевна", "г. Сочи", "СОШ № 88"]])
    monkeypatch.delenv("SHNOR_PSEUDONYM_KEY", raising=False)
    ingest.load_reference(home)
    ingest.ingest_school_data(home)
    [stored] = warehouse.query(home.warehouse, "select person_id from raw.mentor_assignments")["person_id"]
    assert stored == person_id("Иванова Анна Сергеевна", pseudonym_key(home))  # stable with the home's key
    assert stored != person_id("Иванова Анна Сергеевна", b"shnor-default-salt-change-in-production")
    assert stored != person_id("Иванова Анна Сергеевна")  # a key made up by another process
    assert (home.root / "secrets" / "pseudonym.key").stat().st_mode & 0o077 == 0
    monkeypatch.setenv("SHNOR_ENV", "production")
    with pytest.raises(RuntimeError, match="SHNOR_PSEUDONYM_KEY не задан"):
        pseudonym_key(DataHome(tmp_path / "production"))
    monkeypatch.setenv("SHNOR_PSEUDONYM_KEY", "from-the-deployment")
    assert pseudonym_key(DataHome(tmp_path / "production")) == b"from-the-deployment"


def test_files_read_in_worker_processes_load_exactly_as_read_here(tmp_path, monkeypatch):
    """Many files are read in parallel workers while one process writes: the rows are the same."""
    from sample_region.generator import generate_sample_region  # noqa: PLC0415 - this test's own data

    generated = tmp_path / "generated"
    generate_sample_region(DataHome(generated))
    loaded = {}
    for threshold, name in ((10**9, "here"), (1, "workers")):
        home = DataHome(tmp_path / name)
        shutil.copytree(generated, home.root)  # the same files in both homes, their times of arrival kept
        monkeypatch.setattr(ingest, "PARALLEL_READ_MIN_FILES", threshold)
        ingest.load_reference(home)
        ingest.ingest_submissions(home, MONITORING_ID)
        loaded[name] = warehouse.query(home.warehouse, "select * exclude (loaded_at, source_sha256) from "
                                                       "raw.submission_values order by source_file, source_cell, unit_label")
    assert len(loaded["here"]) == 44 * 55 and loaded["here"].equals(loaded["workers"])
