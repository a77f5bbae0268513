"""The same workbook bytes handed in to two windows of one form (mph-2025 and mnc-mtkp-2025 both collect
shnor_mph_v2021): an arrival of the second window, never silently "already known".

Built by hand. Window 1 (mph-2025) takes three forms:
  - Абинский: window 1's issued template, filled (its hidden sheet names window 1);
  - Анапа: a form written for window 1 without the hidden sheet (its header shows window 1's period);
  - Армавир: a hand-made form that names no window (no title, no period, no hidden sheet).
The very same three files are copied, byte for byte, into window 2's landing folder, beside Армавир's own
form for window 2 (landed twice, under two names). Window 2 refuses the three copies (the first two by the cell that names window 1, the third
as the same file window 1 holds: one file counts for one window), takes Армавир's own form once (its second name changes
nothing), and each window's summary lists every file it was handed. A rerun of both windows changes nothing.
"""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from reports.templates import issue_template
from shnor import ingest
from shnor.cycle import run_windows_in_process
from shnor.run_report import cycle_summary, print_summary
from shnor.web import intake
from shnor.web.accounts import add_account
from shnor.web.status import Window
from shnor.web.store import Store
from shnor_core import warehouse
from shnor_core.lineage import file_sha256
from shnor_core.reference import get_monitoring, load_municipalities
from shnor_core.settings import DataHome
from tests.workbooks import fill_template, form_values, write_submission

slow = pytest.mark.slow  # the tests of a built season; the upload page's test builds nothing

WINDOW_1, WINDOW_2 = "mph-2025", "mnc-mtkp-2025"
ABINSK, ANAPA, ARMAVIR = "03601000", "03703000", "03705000"
FORM_ID = "shnor_mph_v2021"


def no_window_form(path: Path) -> Path:
    """A form as a municipality might make it: the table and its municipality, no title, period or hidden sheet."""
    write_submission(path, "МО город Армавир", form_values(MPH_8=[7]), demo=False)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    for row in sheet.iter_rows(max_row=6, max_col=2):
        if str(row[0].value or "").startswith("Период") or row[0].row == 1:
            row[0].value = row[1].value = None
    workbook.save(path)
    return path


@pytest.fixture(scope="module")
def season(tmp_path_factory):
    home = DataHome(tmp_path_factory.mktemp("home"))
    first, second = home.submissions_landing(WINDOW_1), home.submissions_landing(WINDOW_2)
    abinsk = next(m for m in load_municipalities("23") if m.oktmo == ABINSK)
    template = issue_template(home, WINDOW_1, abinsk, demo=False)
    fill_template(template, first / "Абинский.xlsx", FORM_ID, form_values(MPH_8=[3]))
    write_submission(first / "Анапа.xlsx", "МО город-курорт Анапа", form_values(MPH_8=[4]), demo=False)
    no_window_form(first / "Армавир.xlsx")
    second.mkdir(parents=True, exist_ok=True)
    for name in ("Абинский.xlsx", "Анапа.xlsx", "Армавир.xlsx"):
        shutil.copyfile(first / name, second / f"повторно {name}")
    write_submission(second / "Армавир окно 2.xlsx", "МО город Армавир", form_values(MPH_8=[9]), demo=False,
                     monitoring_id=WINDOW_2)
    shutil.copyfile(second / "Армавир окно 2.xlsx", second / "Армавир окно 2_копия.xlsx")  # twice in one window
    stages = run_windows_in_process(home, [WINDOW_1, WINDOW_2], reports=False)
    summaries = {window: cycle_summary(home, window, 0, Path("log")) for window in (WINDOW_1, WINDOW_2)}
    return home, stages, summaries


def held(home):
    return warehouse.query(home.warehouse, f"select * from {warehouse.WINDOW_ARRIVALS_TABLE} order by source_file")


@slow
def test_window_2_counts_the_copies_as_its_arrivals_and_refuses_them(season):
    home, stages, _ = season
    assert stages["submissions"][WINDOW_1] == {"kind": "submission", "files": 3, "new": 3, "already_known": 0,
                                               "read_errors": 0}
    second = stages["submissions"][WINDOW_2]
    assert (second["files"], second["new"], second["already_known"], len(second["other_window"])) == (4, 1, 0, 3)
    assert second["same_in_window"] == [{"file": "Армавир окно 2_копия.xlsx", "same_as": "Армавир окно 2.xlsx"}]
    assert {entry["file"]: entry["taken_in"] for entry in second["other_window"]} == {
        "повторно Абинский.xlsx": WINDOW_1, "повторно Анапа.xlsx": WINDOW_1, "повторно Армавир.xlsx": WINDOW_1}


@slow
def test_each_refusal_names_the_file_sheet_cell_and_rule(season):
    home, _, _ = season
    reasons = {row.source_file: row for row in held(home).itertuples() if row.outcome == "held_for_another_window"}
    assert len(reasons) == 3  # one reason each
    template = reasons["повторно Абинский.xlsx"]
    assert (template.sheet, template.cell, template.value) == ("_meta", "B2", WINDOW_1)
    assert template.rule.startswith(f"файл — шаблон окна «{WINDOW_1}», а сдан в окно «{WINDOW_2}»")
    period = reasons["повторно Анапа.xlsx"]
    assert (period.sheet, period.cell, period.value) == ("Мониторинг", "B4", "01.06.2025 – 11.06.2025")
    assert period.rule.startswith(f"период формы «01.06.2025 – 11.06.2025» — окно «{WINDOW_1}», а файл сдан в окно "
                                  f"«{WINDOW_2}»")
    same = reasons["повторно Армавир.xlsx"]
    assert (same.sheet, same.cell, same.value, same.taken_file) == ("", "", "Армавир.xlsx", "Армавир.xlsx")
    assert same.rule.startswith(f"этот файл побайтно совпадает с файлом «Армавир.xlsx», поступившим в окно «{WINDOW_1}»")
    for name in reasons:  # quarantined for window 2, with its reasons; window 1's copy is not touched
        sha256 = file_sha256(home.submissions_landing(WINDOW_2) / name)
        folder = home.quarantine / f"{sha256}.{WINDOW_2}"
        assert (folder / name).exists() and json.loads((folder / "reasons.json").read_text())[0]["file"] == name
        assert not (home.quarantine / sha256).exists()


@slow
def test_the_archive_keeps_each_content_once(season):
    home, _, _ = season
    assert len(list(home.archive.glob("*/*/source.json"))) == 4  # three contents of window 1, one of window 2


@slow
def test_each_window_summary_says_what_became_of_every_file(season):
    _, _, summaries = season
    outcomes = {window: {entry["file"]: entry["status"] for entry in summary["window_files"]}
                for window, summary in summaries.items()}
    assert outcomes[WINDOW_1] == {"Абинский.xlsx": "accepted", "Анапа.xlsx": "accepted", "Армавир.xlsx": "accepted"}
    assert outcomes[WINDOW_2] == {"повторно Абинский.xlsx": "held_for_another_window",
                                  "повторно Анапа.xlsx": "held_for_another_window",
                                  "повторно Армавир.xlsx": "held_for_another_window",
                                  "Армавир окно 2.xlsx": "accepted", "Армавир окно 2_копия.xlsx": "same_in_window"}
    assert summaries[WINDOW_1]["refused"] == []
    refused = {entry["file"]: entry for entry in summaries[WINDOW_2]["refused"]}
    assert set(refused) == {"повторно Абинский.xlsx", "повторно Анапа.xlsx", "повторно Армавир.xlsx"}
    assert all(entry["held_for"] == {"window": WINDOW_1, "file": entry["file"].removeprefix("повторно ")}
               for entry in refused.values())
    assert summaries[WINDOW_1]["accepted"] == ["Абинский муниципальный район", "город Армавир", "город-курорт Анапа"]
    assert summaries[WINDOW_2]["accepted"] == ["город Армавир"]


@slow
def test_the_printed_summary_of_window_2_says_it_in_words(season, capsys):
    _, _, summaries = season
    print_summary(summaries[WINDOW_2])
    printed = capsys.readouterr().out.splitlines()
    assert "  файлы окна: всего 5, приняты 1, отклонены проверкой 0, тот же файл, что в другом окне, — 3, тот же файл, " \
           "что уже сдан в это окно, — 1" in printed
    assert any(line.startswith("  формы МО: принято 1, отклонено 3,") for line in printed)
    assert any(line.startswith("  ОТКЛОНЁН повторно Армавир.xlsx: этот файл побайтно совпадает с файлом «Армавир.xlsx»")
               for line in printed)


@slow
def test_each_window_marts_hold_its_own_files_values(season):
    home, _, _ = season
    counts = warehouse.query(home.warehouse, """
        select monitoring_id, municipality_oktmo, score, previous_score from marts.mart_indicator_scores
        where indicator_code = 'MPH-8' and score is not null order by 1, 2""").astype(object)
    counts = counts.where(counts.notna(), None)
    # window 2: Армавир's own form only (9; its window-1 count, 7, is the previous cycle's)
    assert list(counts.itertuples(index=False, name=None)) == [
        (WINDOW_2, ARMAVIR, 9.0, 7.0), (WINDOW_1, ABINSK, 3.0, None), (WINDOW_1, ANAPA, 4.0, None),
        (WINDOW_1, ARMAVIR, 7.0, None)]
    raw = warehouse.query(home.warehouse, "select monitoring_id, count(distinct source_sha256) as files "
                                          "from raw.submission_values group by 1 order by 1")
    assert list(raw.itertuples(index=False, name=None)) == [(WINDOW_2, 1), (WINDOW_1, 3)]


@slow
def test_a_rerun_of_both_windows_changes_nothing(season):
    home, _, summaries = season
    before = held(home)
    again = {window: ingest.ingest_submissions(home, window) for window in (WINDOW_1, WINDOW_2)}
    assert again[WINDOW_1] == {"kind": "submission", "files": 3, "new": 0, "already_known": 3, "read_errors": 0}
    assert again[WINDOW_2] == {"kind": "submission", "files": 4, "new": 0, "already_known": 4, "read_errors": 0,
                               "same_in_window": [{"file": "Армавир окно 2_копия.xlsx", "same_as": "Армавир окно 2.xlsx"}]}
    after = held(home)
    assert after.drop(columns="seen_at").equals(before.drop(columns="seen_at"))
    assert (after["seen_at"] == before["seen_at"]).all()  # not even rewritten
    for window in (WINDOW_1, WINDOW_2):
        assert cycle_summary(home, window, 0, Path("log"))["window_files"] == summaries[window]["window_files"]


def test_the_upload_page_gives_the_pipelines_verdict_on_window_1s_file_sent_for_window_2(tmp_path):
    home = DataHome(tmp_path / "home")
    store = Store(home)
    armavir = add_account(store, "armavir", "пароль-для-проверки-1", ARMAVIR)
    abinsk = add_account(store, "abinsk", "пароль-для-проверки-2", ABINSK)
    own_form = no_window_form(tmp_path / "Армавир.xlsx")
    template = issue_template(home, WINDOW_1, next(m for m in load_municipalities("23") if m.oktmo == ABINSK), demo=False)
    window_1_template = fill_template(template, tmp_path / "Абинский.xlsx", FORM_ID, form_values())

    def upload(account, path, window, hour):
        staged = tmp_path / f"staged-{hour}{path.suffix}"
        shutil.copyfile(path, staged)
        (intake.uploads_folder(home) / window / account.municipality_oktmo).mkdir(parents=True, exist_ok=True)
        return store.upload(intake.take_in(home, store, account, Window(get_monitoring(window), date(2025, 10, 1)),
                                           intake.Received(staged, path.name, staged.stat().st_size),
                                           datetime(2025, 10, 1, hour)))

    first = upload(armavir, own_form, WINDOW_1, 9)
    assert first.accepted and first.landed_file
    again = upload(armavir, own_form, WINDOW_2, 10)  # the same bytes, for window 2
    assert not again.accepted and again.landed_file is None and again.feedback_file
    assert [(e["value"], e["rule"]) for e in again.errors] == [(
        "Армавир.xlsx", f"этот файл побайтно совпадает с файлом «Армавир.xlsx», поступившим в окно «{WINDOW_1}» "
        f"01.10.2025 09:00 UTC, и учтён там: один файл учитывается в одном окне. Если показатели не изменились, "
        f"заполните форму окна «{WINDOW_2}» (в ней указан её период) и сдайте её")]
    refused = upload(abinsk, window_1_template, WINDOW_2, 11)  # window 1's template: the reader's own rule
    assert not refused.accepted
    assert [(e["sheet"], e["cell"], e["value"]) for e in refused.errors] == [("_meta", "B2", WINDOW_1)]
    assert list(home.submissions_landing(WINDOW_2).glob("*.xlsx")) == []
    assert len(list(home.submissions_landing(WINDOW_1).glob("*.xlsx"))) == 1
