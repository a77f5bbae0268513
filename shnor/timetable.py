"""An Airflow timetable that follows the windows of one calendar row instead of a cron line.

Every run's data interval is one monitoring window: from 00:00 UTC of its first day to 00:00 UTC
after its last day (both dates are inclusive in the calendar). Depending on ``event``, the run fires:

- ``close``    at the end of the window plus its grace days: the window's data is processed;
- ``open``     when the window opens: its templates are issued;
- ``reminder`` ``reminder_days`` before the window closes: whoever has not submitted is reminded.

Each timetable holds its windows (serialized with the DAG): the DAG file reads the calendar when it is
parsed, and the scheduler never reads calendar files, so a calendar edited with a mistake cannot break
it. One DAG per calendar row and event (``shnor.windows``) because Airflow keys a DAG's runs by their
logical date — the data interval's start — with a unique constraint on (dag_id, logical_date): two windows
of one DAG opening on the same day could not both be runs. A row's windows (one, or the occurrences of a
periodic row) never overlap, so each has its own logical date and they fire in the order they open.

Runs are named after their monitoring (``scheduled__mph-2025__…``). Between windows nothing runs;
after the last window the timetable yields nothing. With catchup off, windows whose firing time has
passed are skipped except the most recent one, as Airflow does for interval timetables.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from airflow.exceptions import AirflowTimetableInvalid
from airflow.timetables.base import DagRunInfo, DataInterval, TimeRestriction, Timetable
from airflow.utils.types import DagRunType
from pendulum import DateTime, instance

from shnor_core.reference import Monitoring

EVENTS = ("close", "open", "reminder")


def _midnight(day: date) -> DateTime:
    return instance(datetime.combine(day, time(0), tzinfo=timezone.utc))


def _now() -> DateTime:
    return instance(datetime.now(timezone.utc))


@dataclass(frozen=True)
class CalendarWindow:
    """What the scheduler needs of a window: its monitoring, its dates and grace days."""

    monitoring_id: str
    window_open: str
    window_close: str
    grace_days: int

    @classmethod
    def of(cls, window: Monitoring | CalendarWindow | dict | list | tuple) -> CalendarWindow:
        if isinstance(window, CalendarWindow):
            return window
        if isinstance(window, Monitoring):
            return cls(window.monitoring_id, window.window_open, window.window_close, window.grace_days)
        if isinstance(window, dict):
            return cls(window["monitoring_id"], window["window_open"], window["window_close"], int(window["grace_days"]))
        monitoring_id, opens, closes, grace = window
        return cls(monitoring_id, opens, closes, int(grace))

    @property
    def data_interval(self) -> DataInterval:
        return DataInterval(_midnight(date.fromisoformat(self.window_open)),
                            _midnight(date.fromisoformat(self.window_close) + timedelta(days=1)))


@dataclass(frozen=True)
class ScheduledWindow:
    window: CalendarWindow
    data_interval: DataInterval
    fires_at: DateTime

    @property
    def monitoring_id(self) -> str:
        return self.window.monitoring_id


def window_interval(monitoring: Monitoring) -> DataInterval:
    return CalendarWindow.of(monitoring).data_interval


class MonitoringCalendarTimetable(Timetable):
    """Runs on the given windows (the windows of one calendar row), at the moment ``event`` says."""

    periodic = True

    def __init__(self, event: str = "close", windows: Iterable = (), reminder_days: int = 2):
        if event not in EVENTS:
            raise ValueError(f"event must be one of {EVENTS}, not {event!r}")
        self.event, self.reminder_days = event, reminder_days
        self.calendar_windows = tuple(CalendarWindow.of(w) for w in windows)
        ids = ", ".join(w.monitoring_id for w in self.calendar_windows[:3])
        more = "…" if len(self.calendar_windows) > 3 else ""
        self.description = f"Календарь мониторингов ({event}): {ids}{more}"

    @property
    def summary(self) -> str:
        return f"monitoring calendar: {self.event}"

    def serialize(self) -> dict:
        return {"event": self.event, "reminder_days": self.reminder_days,
                "windows": [[w.monitoring_id, w.window_open, w.window_close, w.grace_days] for w in self.calendar_windows]}

    @classmethod
    def deserialize(cls, data: dict) -> MonitoringCalendarTimetable:
        return cls(data["event"], data.get("windows", ()), data.get("reminder_days", 2))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MonitoringCalendarTimetable) and self.serialize() == other.serialize()

    def __hash__(self) -> int:
        return hash(repr(self.serialize()))

    def validate(self) -> None:
        """The windows of one DAG must have distinct logical dates (Airflow's unique key) and fire in the order
        they open, so the run with the latest logical date is always the latest run. ``shnor.windows`` only
        builds timetables that pass (a calendar row that would not is left out with a warning)."""
        windows = self.windows()
        starts = [w.data_interval.start for w in windows]
        if len(set(starts)) != len(starts) or starts != sorted(starts):
            raise AirflowTimetableInvalid(
                "windows of one DAG must open on different days and fire in the order they open: "
                + ", ".join(w.monitoring_id for w in windows))

    def fires_at(self, window: CalendarWindow, interval: DataInterval) -> DateTime:
        if self.event == "open":
            return interval.start
        if self.event == "reminder":
            return max(interval.start, interval.end - timedelta(days=self.reminder_days))
        return interval.end + timedelta(days=window.grace_days)

    def windows(self) -> list[ScheduledWindow]:
        """Every window this timetable schedules, in firing order (ties broken by window start)."""
        scheduled = [ScheduledWindow(w, w.data_interval, self.fires_at(w, w.data_interval)) for w in self.calendar_windows]
        return sorted(scheduled, key=lambda w: (w.fires_at, w.data_interval.start, w.monitoring_id))

    def window_of(self, data_interval: DataInterval | None,
                  windows: list[ScheduledWindow] | None = None) -> ScheduledWindow | None:
        if data_interval is None:
            return None
        return next((w for w in windows or self.windows() if w.data_interval == data_interval), None)

    def monitoring_of(self, data_interval_start: datetime | None, data_interval_end: datetime | None) -> str | None:
        """The monitoring whose window is exactly this data interval, if it is one of this timetable's."""
        if data_interval_start is None or data_interval_end is None:
            return None
        window = self.window_of(DataInterval(instance(data_interval_start), instance(data_interval_end)))
        return window.monitoring_id if window else None

    def next_dagrun_info(self, *, last_automated_data_interval: DataInterval | None,
                         restriction: TimeRestriction) -> DagRunInfo | None:
        candidates = self.windows()
        if last_automated_data_interval is not None:
            last = self.window_of(last_automated_data_interval, candidates)
            if last is not None:
                candidates = candidates[candidates.index(last) + 1:]
            else:
                candidates = [w for w in candidates if w.data_interval.start > last_automated_data_interval.start]
        if restriction.earliest is not None:
            candidates = [w for w in candidates if w.data_interval.start >= restriction.earliest]
        if not restriction.catchup:
            now = _now()
            passed = [w for w in candidates if w.fires_at <= now]
            if passed:
                candidates = candidates[candidates.index(passed[-1]):]
        if not candidates:
            return None
        chosen = candidates[0]
        if restriction.latest is not None and chosen.data_interval.start > restriction.latest:
            return None
        return DagRunInfo(run_after=chosen.fires_at, data_interval=chosen.data_interval)

    def infer_manual_data_interval(self, *, run_after: DateTime) -> DataInterval:
        """A manual run covers the latest window that has opened by then (or just that moment)."""
        opened = [w for w in self.windows() if w.data_interval.start <= run_after]
        if not opened:
            return DataInterval.exact(run_after)
        return max(opened, key=lambda w: w.data_interval.start).data_interval

    def generate_run_id(self, *, run_type, run_after: DateTime, data_interval: DataInterval | None, **extra) -> str:
        window = self.window_of(data_interval)
        if window is None:
            return super().generate_run_id(run_type=run_type, run_after=run_after, data_interval=data_interval, **extra)
        return run_type.generate_run_id(suffix=f"{window.monitoring_id}__{run_after.isoformat()}")


def scheduled_runs(timetable: MonitoringCalendarTimetable, earliest: datetime | None = None) -> list[tuple[str, DagRunInfo]]:
    """(run id, run info) of every run the timetable yields from ``earliest`` (a DAG's start date) with catchup,
    each found from the one before as the scheduler finds it."""
    restriction = TimeRestriction(earliest=instance(earliest) if earliest else None, latest=None, catchup=True)
    runs, last = [], None
    while (info := timetable.next_dagrun_info(last_automated_data_interval=last, restriction=restriction)) is not None:
        runs.append((timetable.generate_run_id(run_type=DagRunType.SCHEDULED, run_after=info.run_after,
                                               data_interval=info.data_interval), info))
        last = info.data_interval
    return runs
