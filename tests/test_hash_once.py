"""Parse once, hash once (issue 33): a file's sha256 and the header fit detection found travel with it, so
each process that takes the file in reads its bytes to hash them once and parses the workbook once.

Counted by wrapping the functions that do the work (calls, not time): ``shnor_core.lineage.file_sha256``'s
digest (every file hash in the project goes through it), the safety scan and calamine's load in
``ingestion.workbook_source``, openpyxl's load, and ``fit_file`` (fitting one layout's header to the sheets)
per layout. The upload page and the pipeline are separate processes (the web service, an Airflow task): each
must hash and parse the file it is handed itself, so a form uploaded and then taken in is hashed twice and
parsed twice in all — once in each — and a rerun hashes the landed file once more and parses nothing.
"""

from __future__ import annotations

import hashlib
import shutil
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest

import ingestion.detect
import ingestion.tables
import ingestion.workbook_source
import shnor_core.lineage
from shnor import ingest
from shnor.checker import check_file
from shnor.web import intake
from shnor.web.accounts import add_account
from shnor.web.status import Window
from shnor.web.store import Store
from shnor_core import warehouse
from shnor_core.lineage import file_sha256
from shnor_core.reference import get_monitoring
from shnor_core.settings import DataHome
from shnor_core.sources import SCHOOL_REGISTRY, landing_folder
from tests.workbooks import MONITORING_ID, form_values, write_submission

ABINSKY = "03601000"  # «Абинский муниципальный район», Краснодарский край (the window's region)


@pytest.fixture
def counted(monkeypatch) -> Counter:
    """Calls of the hashing and parsing functions, from the moment the fixture is used."""
    calls: Counter = Counter()

    def counting(name, function):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return function(*args, **kwargs)
        return wrapper

    calamine = ingestion.workbook_source.python_calamine
    monkeypatch.setattr(shnor_core.lineage, "hashlib", SimpleNamespace(sha256=counting("hash", hashlib.sha256)))
    monkeypatch.setattr(ingestion.workbook_source, "python_calamine", SimpleNamespace(
        CalamineWorkbook=SimpleNamespace(from_path=counting("calamine", calamine.CalamineWorkbook.from_path))))
    monkeypatch.setattr(ingestion.workbook_source, "inspect_workbook",
                        counting("safety scan", ingestion.workbook_source.inspect_workbook))
    monkeypatch.setattr(openpyxl, "load_workbook", counting("openpyxl", openpyxl.load_workbook))
    fit_file = ingestion.tables.fit_file

    def fit_counted(layout, sheets, file_name):
        calls[f"fit {layout.name}"] += 1
        return fit_file(layout, sheets, file_name)

    monkeypatch.setattr(ingestion.tables, "fit_file", fit_counted)
    monkeypatch.setattr(ingestion.detect, "fit_file", fit_counted)
    return calls


def _work(calls: Counter) -> dict[str, int]:
    """The counts, with fits summed over layouts (and the most any one layout was fitted)."""
    fits = [n for name, n in calls.items() if name.startswith("fit ")]
    work = {name: n for name, n in calls.items() if not name.startswith("fit ")}
    if fits:
        work["layouts fitted"], work["most fits of one layout"] = len(fits), max(fits)
    calls.clear()
    return work


def test_an_uploaded_form_is_hashed_and_parsed_once_by_the_page_and_once_by_the_pipeline(tmp_path, counted):
    home = DataHome(tmp_path / "home")
    store = Store(home)
    account = add_account(store, "abinsk", "пароль-для-проверки-1", ABINSKY)
    staged = tmp_path / "staged.xlsx"
    write_submission(staged, "МО Абинский район", form_values())
    (intake.uploads_folder(home) / MONITORING_ID / ABINSKY).mkdir(parents=True)
    ingest.load_reference(home)
    counted.clear()

    upload = intake.take_in(home, store, account, Window(get_monitoring(MONITORING_ID), date(2025, 4, 1)),
                            intake.Received(staged, "Абинский.xlsx", staged.stat().st_size), datetime(2025, 4, 1, 9))
    assert store.upload(upload).accepted
    assert _work(counted) == {"hash": 1, "safety scan": 1, "calamine": 1}  # was 2 hashes: page, then its check

    summary = ingest.ingest_submissions(home, MONITORING_ID)
    assert (summary["new"], summary["read_errors"]) == (1, 0)
    assert _work(counted) == {"hash": 1, "safety scan": 1, "calamine": 1}

    rerun = ingest.ingest_submissions(home, MONITORING_ID)
    assert (rerun["files"], rerun["already_known"]) == (1, 1)
    assert _work(counted) == {"hash": 1}  # the landed file; its archived copy is known by its folder (was 2)


def _write_registry(path: Path) -> Path:
    """A school registry as an operator exports it: three schools of two municipalities."""
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Реестр"
    sheet.append(["Код ОО", "Наименование ОО", "ОКТМО МО"])
    sheet.append(["2301001", "МБОУ СОШ № 1 г. Абинска", ABINSKY])
    sheet.append(["2301002", "МБОУ СОШ № 2 г. Абинска", ABINSKY])
    sheet.append(["2302001", "МБОУ СОШ № 1 г. Апшеронска", "03605000"])
    workbook.save(path)
    return path


def test_a_landed_table_is_fitted_by_detection_once_and_read_by_that_fit(tmp_path, counted):
    home = DataHome(tmp_path / "home")
    path = _write_registry(landing_folder(home, SCHOOL_REGISTRY) / "Реестр ОО.xlsx")
    ingest.load_reference(home)
    counted.clear()

    verdict = check_file(path, SCHOOL_REGISTRY.name)  # `shnor check`: the checker's own hash
    assert verdict.accepted and len(verdict.read.rows) == 3
    checked = _work(counted)
    assert checked["most fits of one layout"] == 1  # the reader used detection's fit (was 2 for the chosen one)
    assert {k: checked[k] for k in ("hash", "safety scan", "calamine")} == {"hash": 1, "safety scan": 1, "calamine": 1}
    assert "openpyxl" not in checked

    summary = ingest.ingest_registry(home)
    assert (summary["new"], summary["read_errors"]) == (1, 0)
    assert _work(counted) == checked  # the pipeline does exactly the checker's work
    recorded = "select source_sha256, count(*) as n from raw.schools group by source_sha256"
    first = warehouse.query(home.warehouse, recorded).values.tolist()
    assert first == [[file_sha256(path), 3]]

    home.warehouse.unlink()  # a backfill: the warehouse and the landing folder are lost, the archive remains
    shutil.rmtree(home.landing)
    ingest.load_reference(home)
    counted.clear()
    assert ingest.ingest_registry(home)["new"] == 1
    assert "hash" not in _work(counted)  # the archived file is known by its folder's name: not hashed again
    assert warehouse.query(home.warehouse, recorded).values.tolist() == first
