"""The calendar timetable yields exactly the 2024 windows of seed 003 (Республика Крым).

A timetable holds the windows it schedules (a calendar row's); here one timetable over a region's windows
checks the window arithmetic, as the rows' DAGs together yield the same runs (tests/test_calendar_schedule.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from airflow.exceptions import AirflowTimetableInvalid
from airflow.timetables.base import DataInterval, TimeRestriction
from airflow.utils.types import DagRunType
from pendulum import instance

from shnor import cli
from shnor.timetable import MonitoringCalendarTimetable
from shnor_core.reference import Monitoring, load_calendar


def utc(text: str):
    return instance(datetime.fromisoformat(text).replace(tzinfo=timezone.utc))


# By hand from seed 003: windows are inclusive dates; the interval ends at 00:00 after the last day;
# processing fires at that moment plus the calendar's 2 grace days.
CRIMEA_2024 = [
    ("shnor-identification-2024", "2024-09-02", "2024-09-14", "2024-09-16"),
    ("shnor-deficits-2024", "2024-09-16", "2024-10-01", "2024-10-03"),
    ("shnor-dynamics-2024", "2024-10-07", "2024-10-26", "2024-10-28"),
    ("risk-dynamics-2024", "2024-10-14", "2024-11-01", "2024-11-03"),
    ("municipal-shnor-2024", "2024-11-11", "2024-12-17", "2024-12-19"),
]


def region_timetable(region_code: str, event: str = "close", reminder_days: int = 2) -> MonitoringCalendarTimetable:
    windows = [w for w in load_calendar().values() if w.region_code == region_code]
    return MonitoringCalendarTimetable(event, windows, reminder_days)


def all_runs(timetable, restriction):
    runs, last = [], None
    while (info := timetable.next_dagrun_info(last_automated_data_interval=last, restriction=restriction)) is not None:
        runs.append(info)
        last = info.data_interval
        assert len(runs) < 50
    return runs


def test_yields_exactly_the_seed_003_windows_with_catchup():
    timetable = region_timetable("35")
    runs = all_runs(timetable, TimeRestriction(earliest=None, latest=None, catchup=True))
    assert [(r.data_interval.start, r.data_interval.end, r.run_after) for r in runs] == [
        (utc(start), utc(end), utc(fires)) for _, start, end, fires in CRIMEA_2024]
    run_ids = [timetable.generate_run_id(run_type=DagRunType.SCHEDULED, run_after=r.run_after,
                                         data_interval=r.data_interval) for r in runs]
    assert [run_id.split("__")[1] for run_id in run_ids] == [m for m, *_ in CRIMEA_2024]


def test_nothing_between_windows_and_nothing_after_the_last():
    timetable = region_timetable("35")
    catchup = TimeRestriction(earliest=None, latest=None, catchup=True)
    after_last = DataInterval(utc("2024-11-11"), utc("2024-12-17"))
    assert timetable.next_dagrun_info(last_automated_data_interval=after_last, restriction=catchup) is None
    # a run for the first window is followed directly by the second: no run in the gap 14.09–16.09
    first = DataInterval(utc("2024-09-02"), utc("2024-09-14"))
    following = timetable.next_dagrun_info(last_automated_data_interval=first, restriction=catchup)
    assert following.data_interval.start == utc("2024-09-16")


def test_catchup_off_runs_only_the_latest_missed_window():
    timetable = region_timetable("35")
    runs = all_runs(timetable, TimeRestriction(earliest=None, latest=None, catchup=False))
    assert [timetable.monitoring_of(r.data_interval.start, r.data_interval.end) for r in runs] == ["municipal-shnor-2024"]


def test_start_and_end_dates_bound_the_windows():
    timetable = region_timetable("35")
    runs = all_runs(timetable, TimeRestriction(earliest=utc("2024-10-01"), latest=utc("2024-10-31"), catchup=True))
    assert [r.data_interval.start for r in runs] == [utc("2024-10-07"), utc("2024-10-14")]


def test_open_and_reminder_events():
    opening = region_timetable("23", "open")
    reminder = region_timetable("23", "reminder", reminder_days=2)
    restriction = TimeRestriction(earliest=None, latest=None, catchup=True)
    assert [r.run_after for r in all_runs(opening, restriction)] == [utc("2025-06-01"), utc("2025-10-01")]
    # mph-2025 closes on 11.06 (interval ends 12.06 00:00): reminded two days before, 10.06 00:00
    assert [r.run_after for r in all_runs(reminder, restriction)] == [utc("2025-06-10"), utc("2025-11-29")]


def test_manual_runs_take_the_latest_opened_window():
    timetable = region_timetable("35")
    interval = timetable.infer_manual_data_interval(run_after=utc("2024-10-20"))
    assert interval == DataInterval(utc("2024-10-14"), utc("2024-11-01"))
    assert timetable.infer_manual_data_interval(run_after=utc("2024-01-01")).start == utc("2024-01-01")


def test_calendars_are_valid_and_same_day_windows_are_refused_in_one_timetable():
    for region in ("23", "35"):
        region_timetable(region).validate()
    twin = Monitoring("a", "23", "1", "A", "", "2025-03-01", "2025-03-10", 0, "school")
    with pytest.raises(AirflowTimetableInvalid):  # one DAG cannot hold both: the calendar gives each row its own
        MonitoringCalendarTimetable("close", [twin, Monitoring(**{**twin.__dict__, "monitoring_id": "b"})]).validate()


def test_timetable_serializes_its_windows():
    timetable = region_timetable("35", "reminder", reminder_days=3)
    restored = MonitoringCalendarTimetable.deserialize(timetable.serialize())
    assert restored == timetable and restored.reminder_days == 3
    assert [w.monitoring_id for w in restored.windows()] == [m for m, *_ in CRIMEA_2024]


def test_quarterly_and_half_year_rows_expand(tmp_path):
    path = tmp_path / "23_2025.csv"
    path.write_text(
        "monitoring_id,region_code,track,title,kind,form_id,school_group,window_open,window_close,grace_days,periodicity,repeat_until\n"
        "roadmap-q,23,1,По итогам четверти,municipal_form,shnor_mph_v2021,,2025-10-27,2025-11-07,2,quarterly,2026-06-01\n"
        "roadmap-h,23,1,По итогам полугодия,municipal_form,shnor_mph_v2021,,2025-12-25,2026-01-15,0,half_year,2026-06-30\n",
        encoding="utf-8")
    windows = load_calendar(path)
    assert [(w.monitoring_id, w.window_open, w.window_close) for w in windows.values()] == [
        ("roadmap-q-01", "2025-10-27", "2025-11-07"), ("roadmap-q-02", "2026-01-27", "2026-02-07"),
        ("roadmap-q-03", "2026-04-27", "2026-05-07"),
        ("roadmap-h-01", "2025-12-25", "2026-01-15"), ("roadmap-h-02", "2026-06-25", "2026-07-15"),
    ]


def test_calendar_show_prints_the_runs(tmp_path):
    shnor = str(Path(sys.executable).with_name("shnor"))
    completed = subprocess.run([shnor, "calendar", "show", "--region", "35", "--year", "2024", "--event", "close", "--json"],
                               capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr
    runs = json.loads(completed.stdout)
    assert [(r["monitoring_id"], r["data_interval_start"][:10], r["fires_at"][:10]) for r in runs] == [
        (m, start, fires) for m, start, _, fires in CRIMEA_2024]
    broken = tmp_path / "bad.csv"
    broken.write_text("monitoring_id,region_code,track,title,kind,form_id,school_group,window_open,window_close,grace_days,"
                      "periodicity,repeat_until\nx,23,1,X,computed,,all,2025-05-10,2025-05-01,0,,\n", encoding="utf-8")
    refused = subprocess.run([shnor, "calendar", "show", "--file", str(broken)], capture_output=True, text=True)
    assert refused.returncode == 1 and "bad.csv, строка 2: мониторинг «x»: окно закрывается раньше" in refused.stderr


def test_calendar_show_says_why_a_window_before_the_dags_start_has_no_run(tmp_path, capsys):
    """Issue 27: a region loading its history saw «Запуски: 0» and no reason."""
    history = tmp_path / "history.csv"
    history.write_text("monitoring_id,region_code,track,title,kind,form_id,school_group,window_open,window_close,"
                       "grace_days,periodicity,repeat_until\nold-2023,23,1,Динамика 2023,computed,,all,2023-10-02,"
                       "2023-10-20,0,,\n", encoding="utf-8")
    assert cli.main(["calendar", "show", "--file", str(history)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == ["Запуски: 0", "  old-2023: окно 2023-10-02 — 2023-10-20 открывается раньше даты начала расписания DAG "
                   "(01.01.2024): планировщик его не запустит. Загрузить историю: shnor run --monitoring old-2023 или "
                   "shnor backfill --year 2023"]
