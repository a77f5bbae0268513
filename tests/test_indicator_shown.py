"""One name and one way of writing values for an indicator: the upload page, `shnor check-submission` and the
«Ошибки» workbook all show ИП-8 / МТКП-2 with the form's wording (never the key MPH-8) and values as typed
(5 and −3, never 5.0)."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from shnor_core.settings import DataHome
from shnor_core.text import typed_number
from tests.web_support import OKTMO, client_for, make_app, upload
from tests.workbooks import form_values, write_submission

SHNOR = str(Path(sys.executable).with_name("shnor"))
# Titles as the catalogue forms/shnor_mph_v2021.csv words them (display_code, indicator_label)
MTKP_2 = "МТКП-2. Качество кадрового состава тьюторского корпуса"
MPH_8 = "ИП-8. Количество ШНОР, участников муниципальных методических мероприятий для этих школ"
MNC_3 = "МНЦ-3. Доступность наставнической помощи"


@pytest.fixture(scope="module")
def refused(tmp_path_factory) -> Path:
    """A form with 5.0 typed in a 0/1 cell of МТКП-2 (C61) and a count of −3 in ИП-8 (D16)."""
    folder = tmp_path_factory.mktemp("shown")
    return write_submission(folder / "abinsk.xlsx", "МО Абинский район", form_values(MTKP_2=[1, 5.0, 0], MPH_8=[-3]))


def test_typed_number():
    assert [typed_number(v) for v in (5.0, 5, -3.0, 2.5, 2.25, None, "?", "5.0")] == [
        "5", "5", "−3", "2,5", "2,25", "", "?", "5.0"]  # text is shown as the cell held it


def test_check_submission_names_indicators_by_title_and_values_as_typed(refused):
    completed = subprocess.run([SHNOR, "check-submission", str(refused)], capture_output=True, text=True)
    assert completed.returncode == 1, completed.stderr
    out = completed.stdout
    assert f"ОШИБКА C61 [{MTKP_2}] «5»" in out and f"ОШИБКА D16 [{MPH_8}] «−3»" in out
    assert f"  {MNC_3}: 3 из 3" in out  # МНЦ-3's three sub-items left at 1
    assert "MTKP-2" not in out and "MPH-8" not in out and "5.0" not in out


def test_upload_page_and_feedback_workbook_show_the_same(refused, tmp_path):
    app = make_app(DataHome(tmp_path / "home"))
    client, token = client_for(app, "abinsk")
    record_id = upload(client, token, OKTMO["abinsk"], refused).json()["upload_id"]
    page = client.get(f"/uploads/{record_id}").text
    assert MTKP_2 in page and MPH_8 in page and "MTKP-2" not in page and "MPH-8" not in page
    assert ">5</td>" in page and ">−3</td>" in page and ">5.0<" not in page and ">-3.0<" not in page
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(f"/uploads/{record_id}/feedback").content))
    rows = {row[1]: row[2:4] for row in workbook["Ошибки"].iter_rows(min_row=2, values_only=True) if row[1]}
    assert rows["C61"] == (MTKP_2, "5") and rows["D16"] == (MPH_8, "−3")


def test_upload_page_scores_by_title(tmp_path):
    app = make_app(DataHome(tmp_path / "home"))
    client, token = client_for(app, "abinsk")
    form = write_submission(tmp_path / "abinsk.xlsx", "МО Абинский район",
                            form_values(presence_default=0, MNC_3=[1, 1, 0], MPH_8=[7]))
    page = client.get(f"/uploads/{upload(client, token, OKTMO['abinsk'], form).json()['upload_id']}").text
    assert f"<td>{MNC_3}</td><td class=\"num\">2</td><td class=\"num\">3</td>" in page
    assert f"<td>{MPH_8}</td><td class=\"num\">7</td><td class=\"num\">—</td>" in page
    assert "MNC-3" not in page


@pytest.mark.slow
def test_municipal_note_names_indicators_as_the_upload_page(sample_cycle):
    """The note's «Показатели формы» table: each row starts with the title the page and the checker print."""
    from docx import Document as WordDocument  # noqa: PLC0415 — only this slow test reads Word files

    from shnor_core import warehouse  # noqa: PLC0415 — as above: the marts behind the note
    from shnor_core.reference import shown_indicator  # noqa: PLC0415 — as above
    scores = warehouse.query(sample_cycle.warehouse, "select indicator_code, score from marts.mart_indicator_scores "
                             "where monitoring_id = 'mph-2025' and municipality_oktmo = '03601000' "
                             "order by section_order, indicator_number")
    word = WordDocument(sample_cycle.reports / "mph-2025" / "municipalities" / "03601000 Абинский муниципальный район.docx")
    table = next(t for t in word.tables if t.rows[0].cells[0].text == "Показатель" and len(t.rows) == len(scores) + 1)
    shown = [(row.cells[0].text.replace("\u00a0", " "), row.cells[1].text) for row in table.rows[1:]]
    assert shown == [(shown_indicator(r.indicator_code).replace("\u00a0", " "), typed_number(r.score))
                     for r in scores.itertuples()]
