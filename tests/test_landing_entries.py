"""No entry can stop a window: whatever sits in a landing folder that is not a regular readable file (a
directory named like a workbook, a broken link, a named pipe, a file without read rights, a file that
vanished between listing and reading) is recorded with a Russian reason and skipped, while every other
municipality's form is taken in."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from shnor import archive, ingest
from shnor.run_report import print_summary
from shnor_core import warehouse
from shnor_core.settings import DataHome
from shnor_core.sources import SUBMISSION, landing_folder
from tests.workbooks import MONITORING_ID, form_values, write_submission


@pytest.fixture
def window(tmp_path):
    """Two good forms beside four entries no one can read as a file."""
    home = DataHome(tmp_path / "home")
    landing = landing_folder(home, SUBMISSION, MONITORING_ID)
    landing.mkdir(parents=True)
    write_submission(landing / "Абинский.xlsx", "МО Абинский район", form_values())
    write_submission(landing / "Ейский.xlsx", "МО Ейский район", form_values())
    (landing / "Апшеронский.xlsx").mkdir()  # a folder someone named like the form
    (landing / "Апшеронский.xlsx" / "форма.xlsx").write_bytes(b"inside")
    (landing / "Белореченский.xlsx").symlink_to(tmp_path / "нет такого файла.xlsx")
    os.mkfifo(landing / "Кавказский.xlsx")  # opening it to hash would block the run for ever
    ingest.load_reference(home)
    return home, landing


def _statuses(home: DataHome) -> dict[str, str]:
    return dict(warehouse.query(home.warehouse, f"select source_file, status from {warehouse.FILES_TABLE}")
                .itertuples(index=False))


def test_entries_that_are_not_files_never_stop_the_others(window, monkeypatch):
    home, landing = window
    listed = archive.landed_workbooks
    vanished = landing / "Выселковский.xlsx"  # listed, then gone before it was read (a mover took it)
    monkeypatch.setattr(ingest, "landed_workbooks", lambda folder: listed(folder) + [vanished])
    summary = ingest.ingest_submissions(home, MONITORING_ID)
    ingest.validate_pending(home)
    assert _statuses(home) == {"Абинский.xlsx": "accepted", "Ейский.xlsx": "accepted"}
    reasons = {Path(entry["file"]).name: entry["reason"] for entry in summary["unreadable"]}
    assert reasons == {
        "Апшеронский.xlsx": "это папка, а не файл: переместите её из папки приёма",
        "Белореченский.xlsx": "ссылка ведёт на несуществующий файл: положите в папку приёма сам файл",
        "Кавказский.xlsx": "это не обычный файл (канал, устройство или сокет): удалите его из папки приёма",
        "Выселковский.xlsx": "файл исчез из папки приёма во время обработки: он будет принят при следующем "
                             "запуске, если вернётся",
    }
    recorded = warehouse.query(home.warehouse, f"select entry_path, reason from {warehouse.UNREADABLE_TABLE} "
                                               "where monitoring_id = ?", [MONITORING_ID])
    assert sorted(Path(p).name for p in recorded["entry_path"]) == sorted(reasons)


def test_a_file_without_read_rights_is_recorded(window):
    if os.geteuid() == 0:
        pytest.skip("root reads every file: the rights cannot be taken away here")
    home, landing = window
    locked = write_submission(landing / "Гулькевичский.xlsx", "МО Гулькевичский район", form_values())
    locked.chmod(0)
    summary = ingest.ingest_submissions(home, MONITORING_ID)
    reasons = {Path(entry["file"]).name: entry["reason"] for entry in summary["unreadable"]}
    assert reasons["Гулькевичский.xlsx"] == "нет прав на чтение файла: проверьте права доступа к нему"


def test_a_fixed_entry_leaves_the_record_and_the_operator_sees_the_rest(window, capsys):
    home, landing = window
    ingest.ingest_submissions(home, MONITORING_ID)
    (landing / "Апшеронский.xlsx" / "форма.xlsx").unlink()
    (landing / "Апшеронский.xlsx").rmdir()
    write_submission(landing / "Апшеронский.xlsx", "МО Апшеронский район", form_values())
    (landing / "Кавказский.xlsx").unlink()
    summary = ingest.ingest_submissions(home, MONITORING_ID)
    assert [Path(entry["file"]).name for entry in summary["unreadable"]] == ["Белореченский.xlsx"]
    assert summary["new"] == 1  # the corrected Апшеронский
    recorded = warehouse.query(home.warehouse, f"select entry_path, reason from {warehouse.UNREADABLE_TABLE}")
    assert [Path(p).name for p in recorded["entry_path"]] == ["Белореченский.xlsx"]
    print_summary({"monitoring_id": MONITORING_ID, "seconds": 1, "accepted": [], "late": [], "missing": [],
                   "refused": [], "warehouse": "", "reports": "", "validation": "", "log": "",
                   "unreadable": [{"entry": p, "kind": "submission", "reason": r}
                                  for p, r in recorded.itertuples(index=False)]})
    assert "НЕ ПРИНЯТ" in capsys.readouterr().out


def test_a_clean_folder_leaves_no_record(window):
    home, landing = window
    ingest.ingest_submissions(home, MONITORING_ID)
    for name in ("Белореченский.xlsx", "Кавказский.xlsx"):
        (landing / name).unlink()
    (landing / "Апшеронский.xlsx" / "форма.xlsx").unlink()
    (landing / "Апшеронский.xlsx").rmdir()
    summary = ingest.ingest_submissions(home, MONITORING_ID)
    assert "unreadable" not in summary
    assert warehouse.query(home.warehouse, f"select count(*) as n from {warehouse.UNREADABLE_TABLE}").iloc[0]["n"] == 0
