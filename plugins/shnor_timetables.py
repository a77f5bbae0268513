"""Airflow plugin registering the project's timetable, so scheduled DAGs can be serialized."""

from airflow.plugins_manager import AirflowPlugin

from shnor.timetable import MonitoringCalendarTimetable


class ShnorTimetablesPlugin(AirflowPlugin):
    name = "shnor_timetables"
    timetables = [MonitoringCalendarTimetable]
