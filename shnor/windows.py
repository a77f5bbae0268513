"""Which DAGs the calendar makes: one per calendar row (a monitoring, or the windows of a periodic row) and
per event its kind of window needs (``shnor_core.reference.WINDOW_KINDS``):

| kind | open (templates) | reminder | close (processing) |
|---|---|---|---|
| municipal_form, municipal_two_year | one template per municipality | municipalities without an accepted form | forms in, validation, marts, reports |
| school_form | one template per school, a folder per municipality | schools without an accepted form, by municipality | forms in, validation, marts, completeness, report |
| computed | — | — | data already landed in, marts from the warehouse, report |

``dags/shnor_calendar.py`` builds these DAGs and ``shnor calendar show`` lists their runs from the same
plan, so the command shows exactly what the scheduler gets. A DAG per row rather than per event, because
Airflow 3 keys a DAG's runs by logical date (unique per DAG): two monitorings opening on the same day in
one DAG would make the scheduler skip one of them ("run already exists"). A row's own windows never share
a day (``check_calendar`` refuses periodic windows that overlap).

This module is read when DAG files are parsed: it imports nothing heavy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from shnor_core.reference import WINDOW_KINDS, CalendarProblem, Monitoring, WindowKind, check_calendar

EVENT_TITLES = {"open": "открытие окна: шаблоны", "reminder": "напоминание до закрытия окна",
                "close": "закрытие окна: обработка данных"}
REMINDER_DAYS = 2  # the reminder fires this many days before a window closes
DAG_START = datetime(2024, 1, 1, tzinfo=timezone.utc)  # every calendar DAG's start_date


class CalendarWarning(UserWarning):
    """A calendar row left out of the schedule (Airflow shows it as the DAG file's import warning)."""


def dag_id(event: str, series_id: str) -> str:
    return f"shnor_{event}__{series_id}"


@dataclass(frozen=True)
class WindowDag:
    """One scheduled DAG: an event of one calendar row, with the row's windows as its runs."""

    event: str
    series_id: str
    windows: tuple[Monitoring, ...]

    @property
    def dag_id(self) -> str:
        return dag_id(self.event, self.series_id)

    @property
    def first(self) -> Monitoring:
        return self.windows[0]

    @property
    def kind(self) -> WindowKind:
        return WINDOW_KINDS[self.first.kind]

    @property
    def is_periodic(self) -> bool:
        return len(self.windows) > 1 or self.first.monitoring_id != self.series_id

    def description(self) -> str:
        m = self.first
        return (f"{m.title} ({self.kind.title}; регион {m.region_code}, трек {m.track or '—'}): {EVENT_TITLES[self.event]}. "
                f"Окна: " + ", ".join(f"{w.monitoring_id} {w.window_open} — {w.window_close}" for w in self.windows)
                + f". Строка {m.source_line} файла calendars/{m.source_file}.")


@dataclass
class CalendarPlan:
    dags: list[WindowDag]
    problems: list[CalendarProblem]

    def by_id(self) -> dict[str, WindowDag]:
        return {d.dag_id: d for d in self.dags}


def calendar_plan(source: Path | None = None) -> CalendarPlan:
    """The DAGs of a calendar folder or file (default: the project's calendars) and the rows left out."""
    check = check_calendar(source)
    dags = [WindowDag(event, series_id, tuple(windows))
            for series_id, windows in check.series().items()
            for event in WINDOW_KINDS[windows[0].kind].events]
    return CalendarPlan(dags, check.problems)


def close_dag_id(monitoring: Monitoring) -> str:
    """The DAG that processes a window (what ``shnor run`` and a rerun trigger)."""
    return dag_id("close", monitoring.series_id)


def event_dag_id(monitoring: Monitoring, event: str) -> str:
    if event not in monitoring.window_kind.events:
        raise KeyError(f"У окна {monitoring.monitoring_id} вида {monitoring.kind} нет события «{event}»")
    return dag_id(event, monitoring.series_id)
