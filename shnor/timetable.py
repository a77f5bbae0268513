"""An Airflow timetable that follows the regional monitoring calendar instead of a cron line.

Every run's data interval is one monitoring window: from 00:00 UTC of its first day to 00:00 UTC
after its last day (both dates are inclusive in the calendar). Depending on ``event``, the run fires:

- ``close``    at the end of the window plus its grace days: the window's data is processed;
- ``open``     when the window opens: its templates are issued;
- ``reminder`` ``reminder_days`` before the window closes: municipalities yet to submit are reminded.

Runs are named after their monitoring (``scheduled__mph-2025``), so a run is found by its cycle.
Between windows nothing runs; after the last window of the calendar the timetable yields nothing
more until the calendar gets new rows. With catchup off, windows whose firing time has passed are
skipped except the most recent one, as Airflow does for interval timetables.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from airflow.exceptions import AirflowTimetableInvalid
from airflow.timetables.base import DagRunInfo, DataInterval, TimeRestriction, Timetable
from pendulum import DateTime, instance

from shnor_core.reference import Monitoring, load_calendar

EVENTS = ("close", "open", "reminder")


def _midnight(day: date) -> DateTime:
    return instance(datetime.combine(day, time(0), tzinfo=timezone.utc))


@dataclass(frozen=True)
class ScheduledWindow:
    monitoring: Monitoring
    data_interval: DataInterval
    fires_at: DateTime


def window_interval(monitoring: Monitoring) -> DataInterval:
    start = _midnight(date.fromisoformat(monitoring.window_open))
    end = _midnight(date.fromisoformat(monitoring.window_close) + timedelta(days=1))
    return DataInterval(start, end)


class MonitoringCalendarTimetable(Timetable):
    """Runs on the windows of ``calendars/*.csv`` (of one region, if given)."""

    periodic = True

    def __init__(self, event: str = "close", region_code: str | None = None, reminder_days: int = 2,
                 with_form_only: bool = False, calendar_source: str | None = None):
        if event not in EVENTS:
            raise ValueError(f"event must be one of {EVENTS}, not {event!r}")
        self.event, self.region_code, self.reminder_days = event, region_code, reminder_days
        self.with_form_only = with_form_only
        self.calendar_source = calendar_source  # a calendar file or folder; default: the project's calendars/
        self.description = f"Календарь мониторингов ({event}{', регион ' + region_code if region_code else ''})"

    @property
    def summary(self) -> str:
        return f"monitoring calendar: {self.event}"

    def serialize(self) -> dict:
        return {"event": self.event, "region_code": self.region_code, "reminder_days": self.reminder_days,
                "with_form_only": self.with_form_only, "calendar_source": self.calendar_source}

    @classmethod
    def deserialize(cls, data: dict) -> MonitoringCalendarTimetable:
        return cls(**data)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MonitoringCalendarTimetable) and self.serialize() == other.serialize()

    def __hash__(self) -> int:
        return hash(tuple(sorted(self.serialize().items())))

    def validate(self) -> None:
        """Airflow keys runs by their logical date (the window's start): two windows of one DAG must not
        open on the same day."""
        starts: dict[DateTime, str] = {}
        for window in self.windows():
            other = starts.setdefault(window.data_interval.start, window.monitoring.monitoring_id)
            if other != window.monitoring.monitoring_id:
                raise AirflowTimetableInvalid(
                    f"monitorings {other} and {window.monitoring.monitoring_id} open on the same day; "
                    "give them different window_open dates or different regions' DAGs")

    def fires_at(self, monitoring: Monitoring, interval: DataInterval) -> DateTime:
        if self.event == "open":
            return interval.start
        if self.event == "reminder":
            return max(interval.start, interval.end - timedelta(days=self.reminder_days))
        return interval.end + timedelta(days=monitoring.grace_days)

    def windows(self) -> list[ScheduledWindow]:
        """Every window this timetable schedules, in firing order (ties broken by window start)."""
        scheduled = []
        calendar = load_calendar(Path(self.calendar_source)) if self.calendar_source else load_calendar()
        for monitoring in calendar.values():
            if self.region_code and monitoring.region_code != self.region_code:
                continue
            if self.with_form_only and not monitoring.form_id:
                continue
            interval = window_interval(monitoring)
            scheduled.append(ScheduledWindow(monitoring, interval, self.fires_at(monitoring, interval)))
        return sorted(scheduled, key=lambda w: (w.fires_at, w.data_interval.start, w.monitoring.monitoring_id))

    def window_of(self, data_interval: DataInterval | None,
                  windows: list[ScheduledWindow] | None = None) -> ScheduledWindow | None:
        if data_interval is None:
            return None
        return next((w for w in windows or self.windows() if w.data_interval == data_interval), None)

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
            now = instance(datetime.now(timezone.utc))
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
        return run_type.generate_run_id(suffix=f"{window.monitoring.monitoring_id}__{run_after.isoformat()}")


def monitoring_for_interval(data_interval_start: datetime | None, data_interval_end: datetime | None) -> str | None:
    """The monitoring whose window is exactly this data interval, if any (for tasks of scheduled runs)."""
    if data_interval_start is None or data_interval_end is None:
        return None
    wanted = DataInterval(instance(data_interval_start), instance(data_interval_end))
    return next((m.monitoring_id for m in load_calendar().values() if window_interval(m) == wanted), None)
