"""A new form version is a new catalogue file and a calendar row (forms/README.md, «Новая версия формы»): a
catalogue written here by hand — two sections, a single 0/1 item, an indicator of two sub-items, a count — is
picked up by ``shnor templates`` and ``shnor check-submission`` with no code change, in a copy of the project's
forms and calendars selected by environment (the repository's own catalogues are never written)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import openpyxl
import pytest

from shnor_core.reference import load_form
from shnor_core.settings import FORMS_DIR, PROJECT_ROOT, DataHome, calendars_dir, reference_environment

pytestmark = pytest.mark.slow

FORM_ID, WINDOW, ABINSK = "mentoring_v2026", "mentoring-2026", "03601000"
CATALOGUE = """form_id,section_code,section_order,section_title,indicator_number,indicator_code,display_code,indicator_label,item_number,item_label,kind,printed_max,level,origin
mentoring_v2026,team,1,Наставничество в ШНОР,1,MENT-1,НАС-1,Наставники закреплены за каждой ШНОР приказом,1,,presence,,municipality,hand_made_test
mentoring_v2026,team,1,Наставничество в ШНОР,2,MENT-2,НАС-2,Планы работы наставников,1,утверждены руководителем,presence,2,municipality,hand_made_test
mentoring_v2026,team,1,Наставничество в ШНОР,2,MENT-2,НАС-2,Планы работы наставников,2,размещены на сайте управления образованием,presence,2,municipality,hand_made_test
mentoring_v2026,results,2,Итоги наставничества,1,MENT-3,НАС-3,"Количество ШНОР, вышедших из перечня",1,,count,,municipality,hand_made_test
"""
CALENDAR = ("monitoring_id,region_code,track,title,kind,form_id,school_group,window_open,window_close,grace_days,"
            "periodicity,repeat_until,submission_address\n"
            f"{WINDOW},23,1,Мониторинг наставничества в ШНОР,municipal_form,{FORM_ID},,2026-03-02,2026-03-13,2,,,"
            "monitoring@example.org\n")


@pytest.fixture(scope="module")
def new_form(tmp_path_factory):
    root = tmp_path_factory.mktemp("form-version")
    shutil.copytree(FORMS_DIR, root / "reference" / "forms")
    shutil.copytree(calendars_dir(), root / "reference" / "calendars")
    (root / "reference" / "forms" / f"{FORM_ID}.csv").write_text(CATALOGUE, encoding="utf-8")
    (root / "reference" / "calendars" / "23_2026.csv").write_text(CALENDAR, encoding="utf-8")
    home = DataHome(root / "home")
    env = {**os.environ, **reference_environment(root / "reference"), "SHNOR_HOME": str(home.root)}
    assert set(reference_environment(root / "reference")) == {"SHNOR_FORMS_DIR", "SHNOR_CALENDARS_DIR"}
    templates = shnor(env, "templates", "--monitoring", WINDOW)
    assert templates.returncode == 0, templates.stderr
    return {"home": home, "env": env, "forms": root / "reference" / "forms", "out": templates.stdout}


def shnor(env, *args):
    return subprocess.run([sys.executable, "-m", "shnor.cli", *args], env=env, cwd=PROJECT_ROOT, capture_output=True,
                          text=True)


def fill(new_form, values: list[int], name: str):
    """The template of Абинский район filled in the order of the catalogue's items (as a person fills it)."""
    template = new_form["home"].root / "templates" / WINDOW / f"{WINDOW}_{ABINSK}.xlsx"
    workbook = openpyxl.load_workbook(template)
    sheet = workbook["Мониторинг"]
    editable = [cell for row in sheet.iter_rows() for cell in row if cell.protection.locked is False]
    assert len(editable) == len(load_form(FORM_ID, new_form["forms"]).items()) == 4
    for cell, value in zip(editable, values):
        cell.value = value
    target = new_form["home"].root / name
    workbook.save(target)
    return target, [cell.coordinate for cell in editable]


def test_templates_follow_the_new_catalogue(new_form):
    assert "Шаблонов: 44" in new_form["out"]  # one per municipality of Краснодарский край
    sheet = openpyxl.load_workbook(new_form["home"].root / "templates" / WINDOW / f"{WINDOW}_{ABINSK}.xlsx")["Мониторинг"]
    texts = [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None]
    for text in ("Мониторинг наставничества в ШНОР", "Наставничество в ШНОР", "Итоги наставничества",
                 "Наставники закреплены за каждой ШНОР приказом", "- утверждены руководителем;",
                 "- размещены на сайте управления образованием;", "Количество ШНОР, вышедших из перечня",
                 "Средний балл по показателю (от 0 до 2)", "monitoring@example.org"):
        assert text in texts, text


def test_the_checker_scores_a_form_of_the_new_version(new_form):
    path, _ = fill(new_form, [1, 1, 0, 3], "filled.xlsx")  # НАС-1 present; НАС-2: 1 of 2; НАС-3: 3 schools
    checked = shnor(new_form["env"], "check-submission", str(path), "--monitoring", WINDOW, "--json")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    report = json.loads(checked.stdout)
    assert report["status"] == "accepted" and report["municipality"] == "Абинский муниципальный район"
    assert [(i["section"], i["number"], i["code"], i["display_code"], i["score"], i["max"]) for i in report["indicators"]] == [
        ("Наставничество в ШНОР", 1, "MENT-1", "НАС-1", 1.0, 1), ("Наставничество в ШНОР", 2, "MENT-2", "НАС-2", 1.0, 2),
        ("Итоги наставничества", 1, "MENT-3", "НАС-3", 3.0, None)]


def test_the_checker_refuses_a_bad_value_of_the_new_version_by_its_cell(new_form):
    path, cells = fill(new_form, [1, 2, 0, 3], "bad.xlsx")  # a 2 in НАС-2's first 0/1 sub-item
    checked = shnor(new_form["env"], "check-submission", str(path), "--monitoring", WINDOW, "--json")
    assert checked.returncode == 1, checked.stdout + checked.stderr
    report = json.loads(checked.stdout)
    assert report["status"] == "refused"
    assert [(e["cell"], e["value"], e["rule"]) for e in report["errors"]] == [
        (cells[1], "2", "балл наличия должен быть 0 или 1")]  # the value as typed (issue 30), never 2.0
