"""What was not read, said wherever a file is checked (issue 29): a municipal form holding a sheet of notes
beside its table, written as one block per school with no «Количественные показатели» column. ``check-submission``
(text and JSON) and the upload page's verdict show the same list, from one code path (``Verdict.not_read``); the
pipeline keeps it in the file's data-quality record."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import openpyxl
import pytest

from shnor import ingest
from shnor.cli import main
from shnor.web.store import SCHEMA, Store
from shnor_core import warehouse
from shnor_core.settings import DataHome
from shnor_core.sources import SUBMISSION, landing_folder
from tests.test_unknown_exports import write_form_in_school_blocks
from tests.web_support import MONITORING, NAMES, OKTMO, client_for, make_app, upload
from tests.workbooks import form_values, write_submission


def write_form_with_notes(folder: Path) -> Path:
    """Абинский район's form in blocks per school, a sheet «Пояснения» with a line of text and a blank sheet."""
    base = write_submission(folder / "base.xlsx", NAMES["abinsk"], form_values(MNC_3=[1, 0, 1], MPH_8=[3]))
    path = write_form_in_school_blocks(folder / "abinsk.xlsx", base)
    workbook = openpyxl.load_workbook(path)
    workbook.create_sheet("Пояснения").append(["Данные формы — на 1 июня 2025 года"])
    workbook.create_sheet("Лист2")  # blank: nothing to say about it
    workbook.save(path)
    return path


def expected_not_read(path: Path) -> list[dict]:
    """Counted by hand from the workbook: the notes sheet, and the first block's header row (the first «№ п/п»)."""
    sheet = openpyxl.load_workbook(path)["Мониторинг"]
    header = next(row[0].row for row in sheet.iter_rows() if row[0].value == "№ п/п")
    return [{"sheet": "Пояснения", "cell": "", "indicator": "лист",
             "rule": "лист не прочитан: таблица формы — на листе «Мониторинг»"},
            {"sheet": "Мониторинг", "cell": f"строка {header}", "indicator": "столбцы",
             "rule": "в шапке формы не найдены столбцы «Количественные показатели» (количества прочитаны из столбца "
                     "«Баллы»)"}]


def test_check_submission_lists_the_sheet_and_the_column_not_read(tmp_path, capsys):
    path = write_form_with_notes(tmp_path)
    assert main(["--home", str(tmp_path / "home"), "check-submission", str(path), "--monitoring", MONITORING]) == 0
    text = capsys.readouterr().out
    assert "НЕ ПРОЧИТАНО лист «Пояснения» [лист]: лист не прочитан: таблица формы — на листе «Мониторинг»" in text
    assert "«Количественные показатели» (количества прочитаны из столбца «Баллы»)" in text and "Лист2" not in text
    assert main(["--home", str(tmp_path / "home"), "check-submission", str(path), "--monitoring", MONITORING,
                 "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["status"] == "accepted" and report["not_read"] == expected_not_read(path)


def test_the_pipeline_keeps_the_same_list_in_the_files_data_quality_record(tmp_path):
    home = DataHome(tmp_path / "home")
    landing = landing_folder(home, SUBMISSION, MONITORING)
    landing.mkdir(parents=True)
    path = write_form_with_notes(tmp_path)
    (landing / path.name).write_bytes(path.read_bytes())
    ingest.load_reference(home)
    ingest.ingest_submissions(home, MONITORING)
    notes = warehouse.query(home.warehouse, "select sheet, cell, indicator, rule from audit.file_errors "
                                            "where stage = 'not_read' order by sheet desc")
    assert notes.to_dict("records") == expected_not_read(path)
    assert warehouse.query(home.warehouse, "select status from raw.files").iloc[0]["status"] == "read"


@pytest.fixture
def app(tmp_path):
    return make_app(DataHome(tmp_path / "home"))


def test_the_upload_verdict_shows_what_was_not_read(app, tmp_path):
    path = write_form_with_notes(tmp_path)
    client, token = client_for(app, "abinsk")
    response = upload(client, token, OKTMO["abinsk"], path)
    record = app.state.store.upload(response.json()["upload_id"])
    assert record.accepted and record.not_read == expected_not_read(path)  # what check-submission's JSON says
    page = client.get(f"/uploads/{record.id}").text
    assert "Форма принята" in page and 'id="not-read"' in page and "Не прочитано" in page
    assert "Пояснения" in page and "лист не прочитан: таблица формы — на листе «Мониторинг»" in page
    assert "«Количественные показатели» (количества прочитаны из столбца «Баллы»)" in page


def test_a_form_read_whole_says_nothing_was_left(app, tmp_path):
    path = write_submission(tmp_path / "abinsk.xlsx", NAMES["abinsk"], form_values())
    client, token = client_for(app, "abinsk")
    record = app.state.store.upload(upload(client, token, OKTMO["abinsk"], path).json()["upload_id"])
    assert record.accepted and record.not_read == []
    assert 'id="not-read"' not in client.get(f"/uploads/{record.id}").text


def test_a_store_made_before_kept_uploads_without_a_list(tmp_path):
    """A store created before the column existed gains it; its old uploads read as having said nothing."""
    home = DataHome(tmp_path / "home")
    old = Store(home).path
    old.unlink()
    column = ("    not_read_json text not null default '[]',  -- sheets skipped, form columns not found "
              "(shnor.checker.Verdict.not_read)\n")
    assert column in SCHEMA
    with sqlite3.connect(old) as con:
        con.executescript(SCHEMA.replace(column, ""))
        con.execute("insert into uploads (monitoring_id, municipality_oktmo, login, uploaded_at, original_name, "
                    "stored_file, sha256, size_bytes, accepted, errors_json, indicators_json, check_seconds) values "
                    "('mph-2025', '03601000', 'abinsk', '2025-06-05T10:00:00+00:00', 'abinsk.xlsx', 'uploads/a.xlsx', "
                    "'00', 1, 1, '[]', '[]', 0.1)")
        columns = {row[1] for row in con.execute("pragma table_info(uploads)")}
    assert "not_read_json" not in columns
    store = Store(home)
    with store.connect() as con:
        assert "not_read_json" in {row["name"] for row in con.execute("pragma table_info(uploads)")}
    assert store.upload(1).not_read == [] and store.upload(1).accepted
