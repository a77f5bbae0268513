"""Before a window closes: which municipalities (or, for a school-level form, which schools, by
municipality) have not yet sent an accepted form, told to people.

The list is read from the file registry (``raw.files``), not the marts, so it is right even before
the window's dbt build. It goes to a workbook in the reports folder and through an Airflow notifier:
by default a file notifier (``$SHNOR_HOME/notifications/``); a deployment that sets
``SHNOR_NOTIFY_EMAIL`` gets e-mail through the SMTP provider's notifier and its ``smtp_default``
connection.
"""

from __future__ import annotations

import logging
import os
from datetime import datetime, timezone

import openpyxl
from airflow.sdk import BaseNotifier

from reports.excel import mark_sheet, put_text, style_header
from shnor_core import warehouse
from shnor_core.demo import DEMO_MARK, holds_demo_data
from shnor_core.reference import current_municipalities, get_monitoring, oktmo_prefix
from shnor_core.settings import DataHome

log = logging.getLogger(__name__)


class FileNotifier(BaseNotifier):
    """Appends the message to a dated file and the task log: the notifier of a laptop or a test."""

    template_fields = ("subject", "message")

    def __init__(self, folder, subject: str, message: str):
        super().__init__()
        self.folder, self.subject, self.message = folder, subject, message

    def notify(self, context) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{datetime.now(timezone.utc):%Y-%m-%d}.log"
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(f"{self.subject}\n{self.message}\n\n")
        log.info("%s\n%s", self.subject, self.message)


def reminder_notifier(home: DataHome, subject: str, message: str) -> BaseNotifier:
    address = os.environ.get("SHNOR_NOTIFY_EMAIL")
    if address:
        from airflow.providers.smtp.notifications.smtp import SmtpNotifier  # noqa: PLC0415 - optional provider, only with e-mail

        return SmtpNotifier(to=address, subject=subject, html_content=message.replace("\n", "<br>"))
    return FileNotifier(home.root / "notifications", subject, message)


def _received(home: DataHome, monitoring_id: str, key: str) -> tuple[set, set]:
    """Who sent an accepted form and who only refused ones, by municipality or by school (``key``)."""
    with warehouse.connect(home.warehouse) as con:
        files = con.execute(
            f"select {key}, status from {warehouse.FILES_TABLE} "
            "where source_kind = 'submission' and monitoring_id = ?", [monitoring_id]).fetchall()
    accepted = {who for who, status in files if status == "accepted"}
    return accepted, {who for who, status in files if status == "rejected"} - accepted


def _state(who: str, refused: set) -> str:
    return "отклонена, ждём исправленную" if who in refused else "не поступала"


def not_yet_accepted(home: DataHome, monitoring_id: str) -> list[dict]:
    """Municipalities of the monitoring's region without an accepted form, with what they did send."""
    monitoring = get_monitoring(monitoring_id)
    accepted, refused = _received(home, monitoring_id, "municipality_oktmo")
    return [{"oktmo": m.oktmo, "name": m.name, "state": _state(m.oktmo, refused)}
            for m in current_municipalities(monitoring.region_code) if m.oktmo not in accepted]


def schools_not_yet_accepted(home: DataHome, monitoring_id: str) -> list[dict]:
    """A school-level form: the registry's schools of the region without an accepted form, by municipality."""
    monitoring = get_monitoring(monitoring_id)
    accepted, refused = _received(home, monitoring_id, "school_code")
    with warehouse.connect(home.warehouse) as con:
        schools = con.execute(
            "select school_code, school_name, municipality_oktmo from raw.schools where source_sha256 = ("
            f"select source_sha256 from {warehouse.FILES_TABLE} where source_kind = 'school_registry' "
            "and status <> 'rejected' order by received_at desc limit 1) and municipality_oktmo like ? "
            "order by municipality_oktmo, school_code", [oktmo_prefix(monitoring.region_code) + "%"]).fetchall() \
            if con.execute("select count(*) from information_schema.tables where table_schema = 'raw' "
                           "and table_name = 'schools'").fetchall()[0][0] else []
    names = {m.oktmo: m.name for m in current_municipalities(monitoring.region_code)}
    return [{"oktmo": oktmo, "name": names.get(oktmo, oktmo), "school_code": code, "school_name": name,
             "state": _state(code, refused)} for code, name, oktmo in schools if code not in accepted]


def send_reminder(home: DataHome, monitoring_id: str) -> dict:
    monitoring = get_monitoring(monitoring_id)
    by_school = monitoring.level == "school"
    missing = schools_not_yet_accepted(home, monitoring_id) if by_school else not_yet_accepted(home, monitoring_id)
    columns = ([("ОКТМО", "oktmo"), ("Муниципальное образование", "name"), ("Код ОО", "school_code"),
                ("Образовательная организация", "school_name"), ("Состояние", "state")] if by_school else
               [("ОКТМО", "oktmo"), ("Муниципальное образование", "name"), ("Состояние", "state")])
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Не сдали"
    put_text(sheet["A1"], f"{monitoring.title}: окно закрывается {monitoring.window_close}")
    for column, (title, _) in enumerate(columns, start=1):
        put_text(sheet.cell(3, column), title)
    style_header(sheet[3])
    for row, item in enumerate(missing, start=4):
        for column, (_, key) in enumerate(columns, start=1):
            put_text(sheet.cell(row, column), item[key])
    sheet.column_dimensions["B"].width = 45
    if by_school:
        sheet.column_dimensions["D"].width = 45
    mark_sheet(sheet, DEMO_MARK if holds_demo_data(home) else None)
    path = home.reports / monitoring_id / f"napominanie_{monitoring_id}.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)

    subject = f"Напоминание: {monitoring.title} — срок {monitoring.window_close}"
    if by_school:
        per_municipality: dict[str, list[str]] = {}
        for item in missing:
            per_municipality.setdefault(item["name"], []).append(f"{item['school_name']} ({item['state']})")
        lines = [f"Не сдали принятую форму: {len(missing)} школ."] + [
            f"- {name}: {len(schools)} — {'; '.join(schools)}" for name, schools in per_municipality.items()]
    else:
        lines = [f"Не сдали принятую форму: {len(missing)} МО."] + [f"- {m['name']}: {m['state']}" for m in missing]
    reminder_notifier(home, subject, "\n".join(lines)).notify({})
    return {"missing": len(missing), "report": str(path)}
