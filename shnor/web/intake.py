"""Taking one upload in: the workbook streamed to disk under a generated name (never the sender's), checked
by the pipeline's own checker (``shnor.checker.check_file``), then landed in the window's landing folder
exactly as a file placed there by hand, or kept with its feedback workbook if refused. Nothing is lost:
every upload stays under ``$SHNOR_HOME/uploads/<monitoring>/<oktmo>/``.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath, PureWindowsPath

from python_multipart.multipart import MultipartParser, parse_options_header

from reports.feedback import write_feedback_workbook
from reports.form_workbook import write_form_workbook
from shnor.checker import Verdict, check_file
from shnor.ingest import same_file_elsewhere
from shnor.web.accounts import municipality_by_oktmo
from shnor.web.settings import uploads_folder, web_folder
from shnor.web.status import Window, form_windows
from shnor.web.store import Account, Store
from shnor_core.arrivals import record_arrival
from shnor_core.lineage import file_sha256
from shnor_core.names import display_name
from shnor_core.reference import load_form, load_municipalities, region_name
from shnor_core.settings import DataHome
from shnor_core.sources import SUBMISSION, landing_folder

WORKBOOK_SUFFIXES = (".xlsx", ".xls")
FILE_FIELD = "workbook"
MAX_FIELD_BYTES = 4096
MULTIPART_OVERHEAD = 64 * 1024  # headers and small fields around the file

# One check at a time in a process: Great Expectations' context is shared and not documented thread-safe.
# A check takes a fraction of a second once GX is imported (see warm_up_checker).
_CHECK_LOCK = threading.Lock()


class UploadRefused(Exception):
    """The upload cannot be taken at all (no verdict): an HTTP status and a message in Russian."""

    def __init__(self, status_code: int, message: str):
        super().__init__(message)
        self.status_code, self.message = status_code, message


def size_limit_message(limit: int) -> str:
    return f"Файл больше {limit // 1024 // 1024} МБ: форма мониторинга не может быть такой большой"


# --- one upload at a time per municipality and window ------------------------------------------------

@contextmanager
def upload_slot(home: DataHome, monitoring_id: str, oktmo: str) -> Iterator[None]:
    """An exclusive, non-blocking lock on (window, municipality), held while a file is received and checked;
    a file lock, so it holds across processes as well as threads."""
    folder = web_folder(home) / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(folder / f"{monitoring_id}__{oktmo}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        raise UploadRefused(409, "Форма этого муниципалитета в это окно уже загружается: дождитесь результата "
                                 "проверки и при необходимости повторите") from None
    try:
        yield
    finally:
        fcntl.flock(descriptor, fcntl.LOCK_UN)
        os.close(descriptor)


# --- receiving: multipart streamed to disk ----------------------------------------------------------

@dataclass
class Received:
    path: Path | None = None
    original_name: str = ""
    size: int = 0
    fields: dict[str, str] = field(default_factory=dict)


def display_file_name(sent: str) -> str:
    """The name a browser sent, for showing only: its last path segment, without control characters."""
    name = PureWindowsPath(PurePosixPath(sent).name).name
    return "".join(c for c in name if c.isprintable()).strip()[:200] or "без имени"


class _Sink:
    """Callbacks of python-multipart's streaming parser: the file part goes straight into a file,
    small fields into memory; every limit is checked as bytes arrive."""

    def __init__(self, staging: Path, limit: int):
        self.staging, self.limit = staging, limit
        self.received = Received()
        self._header_field = b""
        self._header_value = b""
        self._headers: dict[bytes, bytes] = {}
        self._handle = None
        self._field_name: str | None = None
        self._field_value = bytearray()

    def callbacks(self) -> dict:
        return {"on_part_begin": self._part_begin, "on_header_field": self._header_field_data,
                "on_header_value": self._header_value_data, "on_header_end": self._header_end,
                "on_headers_finished": self._headers_finished, "on_part_data": self._part_data,
                "on_part_end": self._part_end}

    def _part_begin(self) -> None:
        self._headers, self._field_name, self._field_value = {}, None, bytearray()

    def _header_field_data(self, data: bytes, start: int, end: int) -> None:
        self._header_field += data[start:end]

    def _header_value_data(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _header_end(self) -> None:
        self._headers[self._header_field.lower()] = self._header_value
        self._header_field, self._header_value = b"", b""

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" not in options:
            self._field_name = name
            return
        sent = options[b"filename"].decode("utf-8", "replace")
        if name != FILE_FIELD or not sent:  # another file field, or the file input left empty
            self._field_name = None
            return
        if self.received.path is not None:
            raise UploadRefused(400, "Загружайте по одному файлу")
        suffix = PurePosixPath(display_file_name(sent)).suffix.lower()
        if suffix not in WORKBOOK_SUFFIXES:
            raise UploadRefused(415, "Принимаются только книги Excel: файлы .xlsx или .xls")
        self.received.original_name = display_file_name(sent)
        self.received.path = self.staging / f".incoming-{uuid.uuid4().hex}{suffix}"
        self._handle = open(self.received.path, "xb")

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self._handle is not None:
            self.received.size += end - start
            if self.received.size > self.limit:
                raise UploadRefused(413, size_limit_message(self.limit))
            self._handle.write(data[start:end])
        elif self._field_name is not None:
            self._field_value += data[start:end]
            if len(self._field_value) > MAX_FIELD_BYTES:
                raise UploadRefused(400, "Слишком длинное поле формы")

    def _part_end(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        elif self._field_name is not None:
            self.received.fields[self._field_name] = self._field_value.decode("utf-8", "replace")

    def abort(self) -> None:
        if self._handle is not None:
            self._handle.close()
        if self.received.path is not None:
            self.received.path.unlink(missing_ok=True)


async def receive_workbook(content_type: str, body: AsyncIterator[bytes], staging: Path, limit: int) -> Received:
    """Stream a multipart/form-data body: its file field ``workbook`` into ``staging``, in chunks, refused
    (and removed) as soon as it passes ``limit`` bytes."""
    kind, options = parse_options_header(content_type)
    if kind != b"multipart/form-data" or not options.get(b"boundary"):
        raise UploadRefused(400, "Ожидается отправка формы с файлом (multipart/form-data)")
    staging.mkdir(parents=True, exist_ok=True)
    sink = _Sink(staging, limit)
    parser = MultipartParser(options[b"boundary"], callbacks=sink.callbacks())
    total = 0
    try:
        async for chunk in body:
            total += len(chunk)
            if total > limit + MULTIPART_OVERHEAD:
                raise UploadRefused(413, size_limit_message(limit))
            parser.write(chunk)
        parser.finalize()
    except UploadRefused:
        sink.abort()
        raise
    except Exception as error:  # a broken body, or the browser went away mid-upload
        sink.abort()
        raise UploadRefused(400, "Файл получен не полностью: повторите загрузку") from error
    if sink.received.path is None:
        raise UploadRefused(400, "Выберите файл формы (.xlsx или .xls)")
    return sink.received


# --- checking and landing ---------------------------------------------------------------------------

def check(path: Path, monitoring_id: str, sha256: str | None = None) -> tuple[Verdict, float]:
    """The pipeline's verdict on a municipal form (its ``sha256`` when known: hashed once), and how long it took."""
    with _CHECK_LOCK:
        started = time.monotonic()
        verdict = check_file(path, SUBMISSION.name, monitoring_id, sha256=sha256)
        return verdict, time.monotonic() - started


def warm_up_checker() -> float | None:
    """Check one generated form, so the first real upload does not wait for Great Expectations' import
    (seconds). Run in a background thread at start-up."""
    windows = form_windows()
    if not windows:
        return None
    monitoring = windows[0]
    municipality = load_municipalities(monitoring.region_code)[0]
    form = load_form(monitoring.form_id)
    with tempfile.TemporaryDirectory(prefix="shnor-web-warm-") as folder:
        path = write_form_workbook(Path(folder) / "warm.xlsx", form, monitoring, region_name(monitoring.region_code),
                                   display_name(municipality), {(i.section_code, i.indicator_number, i.item_number): 0
                                                                for i in form.items()})
        return check(path, monitoring.monitoring_id)[1]


def stored_name(oktmo: str, moment: datetime, sha256: str, suffix: str) -> str:
    """``<oktmo>_<МО_Название_район>_<UTC time>_<sha256 prefix><suffix>``: made by us, safe as a path, unique
    per version, and naming the account's municipality, so a form that does not write its municipality is
    read as the account's (the reader falls back on the file name), never as another's."""
    municipality = municipality_by_oktmo(oktmo)
    title = display_name(municipality).replace(" ", "_") if municipality else "МО"
    return f"{oktmo}_{title}_{moment:%Y%m%dT%H%M%S}Z_{sha256[:12]}{suffix}"


def _place(source: Path, target: Path, sha256: str, moment: datetime, login: str) -> None:
    """Copy whole under a hidden name (the pipeline skips names starting with "."), then rename, so the
    pipeline never sees half a file; the upload time is recorded as the file's arrival (shnor_core.arrivals),
    which orders the municipality's versions."""
    staged = target.with_name(f".{target.name}.part")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, staged)
    record_arrival(target.parent, target.name, moment, f"страница приёма форм: {login}", sha256)
    os.replace(staged, target)


def mismatch_error(file_name: str, sheet: str, written: str, own: str) -> dict:
    return {"file": file_name, "sheet": sheet, "cell": "", "indicator": "", "value": written,
            "rule": f"форма заполнена за другое муниципальное образование («{written}»), а вы вошли как «{own}»: "
                    "муниципалитет может сдать форму только за себя"}


def take_in(home: DataHome, store: Store, account: Account, window: Window, received: Received,
            moment: datetime) -> int:
    """Check a received workbook and record the upload: accepted → landed (unless the same file was landed
    before); refused → its feedback workbook. Returns the upload's id."""
    oktmo = account.municipality_oktmo
    suffix = received.path.suffix
    sha256 = file_sha256(received.path)
    folder = uploads_folder(home) / window.monitoring_id / oktmo
    kept = folder / stored_name(oktmo, moment, sha256, suffix)
    os.replace(received.path, kept)  # same folder: the staging file simply gets its name

    verdict, seconds = check(kept, window.monitoring_id, sha256)
    errors = list(verdict.errors)
    read_municipality = verdict.read.municipality
    accepted = verdict.accepted
    if read_municipality is not None and read_municipality.oktmo != oktmo:
        own = municipality_by_oktmo(oktmo)
        errors.append(mismatch_error(kept.name, verdict.read.details.get("sheet", ""), read_municipality.name,
                                     own.name if own else oktmo))
        accepted = False
    elsewhere = store.accepted_in_another_window(window.monitoring_id, oktmo, sha256) if accepted else None
    if elsewhere is not None:  # a form that names no window, sent again for a new window: as the pipeline refuses it
        errors.append(same_file_elsewhere(kept.name, elsewhere.original_name, elsewhere.monitoring_id,
                                          elsewhere.uploaded_at, window.monitoring_id))
        accepted = False

    landed = feedback = duplicate = None
    if accepted:
        earlier = store.accepted_with_sha(window.monitoring_id, oktmo, sha256)
        if earlier is not None:
            duplicate = earlier.id  # already in the landing folder: the pipeline knows it by its sha256
        else:
            landed = landing_folder(home, SUBMISSION, window.monitoring_id) / kept.name
            _place(kept, landed, sha256, moment, account.login)
    else:
        feedback = write_feedback_workbook(kept, errors, folder / f"{kept.stem}.feedback.xlsx")

    def relative(path: Path | None) -> str | None:
        return str(path.relative_to(home.root)) if path is not None else None

    return store.add_upload(
        monitoring_id=window.monitoring_id, municipality_oktmo=oktmo, login=account.login, uploaded_at=moment,
        original_name=received.original_name, stored_file=relative(kept), landed_file=relative(landed),
        feedback_file=relative(feedback), sha256=sha256, size_bytes=received.size, accepted=accepted,
        read_municipality_oktmo=read_municipality.oktmo if read_municipality else None, errors=errors,
        indicators=verdict.indicators if accepted else [], not_read=verdict.not_read, check_seconds=seconds,
        duplicate_of=duplicate)
