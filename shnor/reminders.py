"""Before a window closes: which municipalities have not yet sent an accepted form, told to people.

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
from shnor_core.reference import get_monitoring, load_municipalities
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


def not_yet_accepted(home: DataHome, monitoring_id: str) -> list[dict]:
    """Municipalities of the monitoring's region without an accepted form, with what they did send."""
    monitoring = get_monitoring(monitoring_id)
    with warehouse.connect(home.warehouse) as con:
        files = con.execute(
            f"select municipality_oktmo, status from {warehouse.FILES_TABLE} "
            "where source_kind = 'submission' and monitoring_id = ?", [monitoring_id]).fetchall()
    accepted = {oktmo for oktmo, status in files if status == "accepted"}
    refused = {oktmo for oktmo, status in files if status == "rejected"}
    return [{"oktmo": m.oktmo, "name": m.name, "state": "отклонена, ждём исправленную" if m.oktmo in refused else "не поступала"}
            for m in load_municipalities(monitoring.region_code) if m.oktmo not in accepted]


def send_reminder(home: DataHome, monitoring_id: str) -> dict:
    monitoring = get_monitoring(monitoring_id)
    missing = not_yet_accepted(home, monitoring_id)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Не сдали"
    put_text(sheet["A1"], f"{monitoring.title}: окно закрывается {monitoring.window_close}")
    for column, title in enumerate(["ОКТМО", "Муниципальное образование", "Состояние"], start=1):
        put_text(sheet.cell(3, column), title)
    style_header(sheet[3])
    for row, item in enumerate(missing, start=4):
        for column, key in enumerate(["oktmo", "name", "state"], start=1):
            put_text(sheet.cell(row, column), item[key])
    sheet.column_dimensions["B"].width = 45
    mark_sheet(sheet, DEMO_MARK if holds_demo_data(home) else None)
    path = home.reports / monitoring_id / f"napominanie_{monitoring_id}.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)

    subject = f"Напоминание: {monitoring.title} — срок {monitoring.window_close}"
    lines = [f"Не сдали принятую форму: {len(missing)} МО."] + [f"- {m['name']}: {m['state']}" for m in missing]
    reminder_notifier(home, subject, "\n".join(lines)).notify({})
    return {"missing": len(missing), "report": str(path)}
