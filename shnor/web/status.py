"""What the pages show about windows and municipalities: the calendar's windows with a municipal form, and
each municipality's status in a window, from the upload page's own records combined with what the
pipeline has published (``published/shnor_marts.duckdb``, table ``marts.mart_submission_status``), which
also knows the files region staff placed in the landing folder by hand.

The published copy is opened read-only for each request (``shnor.publish`` swaps it atomically); the
warehouse itself is never opened.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import duckdb
import openpyxl

from reports.excel import put_text, style_header
from shnor.archive import landed_workbooks
from shnor.publish import published_marts
from shnor.web.store import Account, Upload
from shnor_core.reference import Monitoring, Municipality, current_municipalities, load_calendar, oktmo_prefix
from shnor_core.settings import DataHome
from shnor_core.sources import SUBMISSION, landing_folder

log = logging.getLogger(__name__)

MISSING, ACCEPTED, REFUSED = "missing", "accepted", "refused"
STATE_LABELS = {MISSING: "не сдана", ACCEPTED: "принята", REFUSED: "отклонена"}
SUPERSEDED_LABEL = "заменена новой версией"
LATE_LABEL = "с опозданием"


@dataclass(frozen=True)
class Window:
    monitoring: Monitoring
    today: date

    @property
    def monitoring_id(self) -> str:
        return self.monitoring.monitoring_id

    @property
    def opens(self) -> date:
        return date.fromisoformat(self.monitoring.window_open)

    @property
    def closes(self) -> date:  # inclusive
        return date.fromisoformat(self.monitoring.window_close)

    @property
    def grace_until(self) -> date:  # inclusive: after it the window's cycle runs
        return self.closes + timedelta(days=self.monitoring.grace_days)

    @property
    def phase(self) -> str:
        if self.today < self.opens:
            return "upcoming"
        if self.today <= self.closes:
            return "open"
        return "grace" if self.today <= self.grace_until else "closed"

    @property
    def accepting(self) -> bool:
        return self.phase in ("open", "grace")

    @property
    def phase_label(self) -> str:
        return {"upcoming": "ещё не открыто", "open": "идёт приём", "grace": "льготный срок (с опозданием)",
                "closed": "приём завершён"}[self.phase]

    def is_late(self, moment: datetime) -> bool:
        """Late as the pipeline counts it (mart_submission_status.is_late): received after the closing day."""
        return moment.astimezone(timezone.utc).date() > self.closes


def form_windows() -> list[Monitoring]:
    """Calendar windows that collect a municipal form, newest first."""
    return sorted((m for m in load_calendar().values() if m.form_id and m.level == "municipality"),
                  key=lambda m: m.window_open, reverse=True)


def in_region(monitoring: Monitoring, oktmo: str) -> bool:
    return oktmo.startswith(oktmo_prefix(monitoring.region_code))


def visible_windows(account: Account, today: date) -> list[Window]:
    """Region staff: every window with a form. A municipality: its region's windows that have opened."""
    windows = [Window(m, today) for m in form_windows()]
    if account.is_region:
        return windows
    return [w for w in windows if in_region(w.monitoring, account.municipality_oktmo) and w.phase != "upcoming"]


def find_window(account: Account, monitoring_id: str, today: date) -> Window | None:
    return next((w for w in visible_windows(account, today) if w.monitoring_id == monitoring_id), None)


@dataclass
class Version:
    upload: Upload
    label: str
    late: bool


@dataclass
class MunicipalStatus:
    municipality: Municipality
    state: str
    late: bool = False
    versions: list[Version] = field(default_factory=list)  # the page's uploads, newest first
    pipeline: dict | None = None  # the published mart's row, if the window has been built
    current_upload: Upload | None = None  # the current version when it came through the page
    current_received_at: datetime | None = None

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def last_upload(self) -> Upload | None:
        return self.versions[0].upload if self.versions else None


def published_status(home: DataHome, monitoring_id: str) -> dict[str, dict]:
    """The pipeline's last published view of a window, per municipality ОКТМО (empty before the first build)."""
    path: Path = published_marts(home)
    if not path.exists():
        return {}
    try:
        con = duckdb.connect(str(path), read_only=True)
        try:
            cursor = con.execute(
                "select municipality_oktmo, submission_status, is_late, versions_received, versions_rejected, "
                "current_file, current_sha256, current_received_at from marts.mart_submission_status "
                "where monitoring_id = ?", [monitoring_id])
            names = [column[0] for column in cursor.description]
            rows = [dict(zip(names, row)) for row in cursor.fetchall()]
        finally:
            con.close()
    except duckdb.Error as error:  # a copy published before the mart existed, or mid-swap on an odd filesystem
        log.warning("published marts not readable: %s", error)
        return {}
    return {row["municipality_oktmo"]: row for row in rows}


def municipal_status(window: Window, municipality: Municipality, uploads: list[Upload],
                     pipeline: dict | None) -> MunicipalStatus:
    """One municipality in one window. The current version is the latest accepted one, whether it came
    through the page or was placed in the landing folder by hand (known from the published mart); a
    re-upload of a file already landed counts at its first landing, as the pipeline counts it."""
    by_id = {u.id: u for u in uploads}
    original = {u.id: by_id.get(u.duplicate_of, u) for u in uploads}
    candidates: list[tuple[datetime, Upload | None]] = [
        (u.uploaded_at, u) for u in uploads if u.accepted and u.duplicate_of is None]
    web_shas = {u.sha256 for u in uploads if u.accepted}
    if pipeline and pipeline["submission_status"] == "accepted" and pipeline["current_sha256"] not in web_shas:
        received = pipeline["current_received_at"]
        if received is not None:
            candidates.append((received.replace(tzinfo=timezone.utc), None))  # placed by hand
    status = MunicipalStatus(municipality, MISSING, pipeline=pipeline)
    if candidates:
        received, current = max(candidates, key=lambda c: c[0])
        status.state, status.current_upload, status.current_received_at = ACCEPTED, current, received
        status.late = window.is_late(received) if current is not None else bool(pipeline["is_late"])
    elif uploads or (pipeline and pipeline["versions_received"]):
        status.state = REFUSED
    for upload in reversed(uploads):
        if not upload.accepted:
            label = STATE_LABELS[REFUSED]
        elif status.current_upload is not None and original[upload.id].id == status.current_upload.id:
            label = STATE_LABELS[ACCEPTED]
        else:
            label = SUPERSEDED_LABEL
        status.versions.append(Version(upload, label, window.is_late(upload.uploaded_at)))
    return status


def window_statuses(home: DataHome, window: Window, uploads: list[Upload]) -> list[MunicipalStatus]:
    """Every municipality of the window's region."""
    pipeline = published_status(home, window.monitoring_id)
    by_oktmo: dict[str, list[Upload]] = {}
    for upload in uploads:
        by_oktmo.setdefault(upload.municipality_oktmo, []).append(upload)
    return [municipal_status(window, m, by_oktmo.get(m.oktmo, []), pipeline.get(m.oktmo))
            for m in current_municipalities(window.monitoring.region_code)]


def landing_files(home: DataHome, monitoring_id: str) -> list[Path]:
    """The window's landing folder as the pipeline will see it (files from the page and placed by hand); an
    entry that is not a file (a folder, a broken link) is the cycle summary's to report, never offered here."""
    return [path for path in landed_workbooks(landing_folder(home, SUBMISSION, monitoring_id)) if path.is_file()]


def reminder_workbook(window: Window, statuses: list[MunicipalStatus]) -> bytes:
    """Who has not handed in an accepted form yet, as a workbook to send reminders from."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Не сдали"
    put_text(sheet["A1"], f"{window.monitoring.title}: приём до {window.closes:%d.%m.%Y} включительно, "
                          f"льготный срок до {window.grace_until:%d.%m.%Y}")
    for column, title in enumerate(["ОКТМО", "Муниципальное образование", "Состояние", "Последняя загрузка"], start=1):
        put_text(sheet.cell(3, column), title)
    style_header(sheet[3])
    for row, status in enumerate(statuses, start=4):
        last = status.last_upload
        values = [status.municipality.oktmo, status.municipality.name,
                  "отклонена, ждём исправленную" if status.state == REFUSED else "не поступала",
                  f"{last.uploaded_at:%d.%m.%Y %H:%M} UTC" if last else ""]
        for column, value in enumerate(values, start=1):
            put_text(sheet.cell(row, column), value)
    sheet.column_dimensions["B"].width = 45
    sheet.column_dimensions["C"].width = 30
    sheet.column_dimensions["D"].width = 22
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
