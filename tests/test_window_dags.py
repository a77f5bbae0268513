"""The window-open and reminder DAGs, run for real on Airflow/SQLite."""

from __future__ import annotations

import openpyxl
import pytest

from reports.templates import templates_folder
from shnor.airflow_local import ensure_metadata_db, run_dag, run_dags
from shnor_core.settings import DataHome
from tests.workbooks import MONITORING_ID, form_values, write_submission

pytestmark = pytest.mark.slow


def test_window_open_issues_templates_and_reminder_lists_who_is_missing(tmp_path):
    home = DataHome(tmp_path / "home")
    opened = []

    def land_three_forms(_log):  # between the two runs: the templates are out, three МО send forms
        opened.extend(templates_folder(home, MONITORING_ID).glob("*.xlsx"))
        landing = home.submissions_landing(MONITORING_ID)
        write_submission(landing / "Абинский.xlsx", "МО Абинский район", form_values())
        write_submission(landing / "Геленджик.xlsx", "г. Геленджик", form_values())
        write_submission(landing / "Кореновский.xlsx", "МО Кореновский район", form_values(MNC_2=[2, 1]))

    # both DAGs in one Airflow process, the forms landing between their runs
    ensure_metadata_db(home)
    run_dags(home, (f"shnor_open__{MONITORING_ID}", f"shnor_reminder__{MONITORING_ID}"),
             {"monitoring_id": MONITORING_ID}, pauses={f"shnor_reminder__{MONITORING_ID}": land_three_forms})
    assert len(opened) == 44

    sheet = openpyxl.load_workbook(home.reports / MONITORING_ID / f"napominanie_{MONITORING_ID}.xlsx")["Не сдали"]
    listed = {row[1]: row[2] for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert len(listed) == 42  # 44 less the two accepted
    assert listed["Кореновский муниципальный район"] == "отклонена, ждём исправленную"
    assert listed["Щербиновский муниципальный район"] == "не поступала"
    assert "Абинский муниципальный район" not in listed
    [notification] = list((home.root / "notifications").glob("*.log"))
    text = notification.read_text(encoding="utf-8")
    assert text.startswith("Напоминание: Мониторинг результативности системы методической помощи ШНОР — срок 2025-06-11")
    assert "Не сдали принятую форму: 42 МО." in text


def test_a_periodic_window_runs_as_its_own_occurrence(tmp_path, monkeypatch):
    """«По итогам четверти»: one DAG per event for the row; a run at the second quarter's date works on that
    quarter's window (found from the run's data interval, with no conf)."""
    calendars = tmp_path / "calendars"
    calendars.mkdir()
    (calendars / "23_2025.csv").write_text(
        "monitoring_id,region_code,track,title,kind,form_id,school_group,window_open,window_close,grace_days,"
        "periodicity,repeat_until\n"
        "roadmap-q,23,1,Дорожная карта по итогам четверти,municipal_form,shnor_mph_v2021,,2025-01-10,2025-01-20,2,"
        "quarterly,2025-12-31\n", encoding="utf-8")
    monkeypatch.setenv("SHNOR_CALENDARS_DIR", str(calendars))
    home = DataHome(tmp_path / "home")
    run_dag(home, "shnor_open__roadmap-q", None, logical_date="2025-04-10")
    assert [p.name for p in (home.root / "templates").iterdir()] == ["roadmap-q-02"]
    assert len(list(templates_folder(home, "roadmap-q-02").glob("*.xlsx"))) == 44
