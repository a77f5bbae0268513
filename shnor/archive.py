"""Where landed files go: the immutable archive (by sha256, with a sidecar saying what each file is)
and the quarantine of refused files (the file, its reasons and a feedback workbook to send back)."""

from __future__ import annotations

import json
import os
import shutil
import stat
from datetime import datetime
from pathlib import Path

from reports.feedback import write_feedback_workbook
from shnor_core.arrivals import arrival
from shnor_core.lineage import file_sha256
from shnor_core.settings import DataHome
from shnor_core.sources import SourceKind

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".csv", ".docx", ".doc"}  # a .doc is refused with what to do
ARCHIVE_SIDECAR = "source.json"


def landed_workbooks(folder: Path) -> list[Path]:
    """Workbooks (and Word documents: roadmaps) in a landing folder, skipping lock files ("~$…") and hidden files."""
    if not folder.exists():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.suffix.lower() in WORKBOOK_SUFFIXES and not p.name.startswith(("~$", ".")))


class NotARegularFile(OSError):
    """A landing entry that is not a regular file (a directory, a pipe, a device): never opened."""


def landed_sha256(path: Path, known: str | None = None) -> str:
    """The content hash of a landing entry that is a regular file; raises OSError for anything else, before
    opening it (a named pipe would block the run). A ``known`` hash (an archived file's: ``archived_sha256``)
    is returned once the file is found readable, without reading its bytes again."""
    mode = os.stat(path).st_mode  # follows a link: a broken one raises FileNotFoundError
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(path)
    if not stat.S_ISREG(mode):
        raise NotARegularFile(path)
    if known is None:
        return file_sha256(path)
    open(path, "rb").close()  # a file without read rights is refused as before (PermissionError)
    return known


def unreadable_reason(path: Path, error: OSError) -> str:
    """Why a landing entry could not be taken in, in words an operator acts on."""
    if isinstance(error, IsADirectoryError):
        return "это папка, а не файл: переместите её из папки приёма"
    if isinstance(error, NotARegularFile):
        return "это не обычный файл (канал, устройство или сокет): удалите его из папки приёма"
    if isinstance(error, FileNotFoundError):
        if path.is_symlink():
            return "ссылка ведёт на несуществующий файл: положите в папку приёма сам файл"
        return "файл исчез из папки приёма во время обработки: он будет принят при следующем запуске, если вернётся"
    if isinstance(error, PermissionError):
        return "нет прав на чтение файла: проверьте права доступа к нему"
    return f"файл не читается ({error.strerror or type(error).__name__}): проверьте его и положите заново"


def archive_file(home: DataHome, path: Path, sha256: str, sidecar: dict) -> Path:
    """Copy a landed file into the archive once, with a sidecar saying what it is and when it arrived
    (``received_at``, ``received_by``); the archive is never rewritten."""
    target = home.archive / sha256[:2] / sha256 / path.name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        staged = target.with_name(f".{target.name}.{os.getpid()}")  # a copy cut short (the file vanished) never lands
        try:
            shutil.copy2(path, staged)
            (target.parent / ARCHIVE_SIDECAR).write_text(json.dumps(sidecar, ensure_ascii=False), encoding="utf-8")
            os.replace(staged, target)
        finally:
            staged.unlink(missing_ok=True)
    return target


def archived_sha256(archived: Path) -> str:
    """An archived file's content hash: its folder's name. The archive is content-addressed and never
    rewritten (``archive_file`` names the folder by the hash computed when the file landed, and renames the
    whole copy into place), so its files are not hashed again on every run."""
    return Path(archived).parent.name


def archived_arrival(archived: Path) -> tuple[datetime, str] | None:
    """When an archived file first arrived, as its sidecar recorded it."""
    sidecar = archived.parent / ARCHIVE_SIDECAR
    if not sidecar.exists():
        return None
    meta = json.loads(sidecar.read_text(encoding="utf-8"))
    if not meta.get("received_at"):
        return None
    return datetime.fromisoformat(meta["received_at"]), meta.get("received_by", "")


def received(path: Path, sha256: str | None = None) -> tuple[datetime, str]:
    """When a file's content arrived: the archive's record for an archived file, else its arrival in landing."""
    return archived_arrival(path) or arrival(path, sha256)


def archived_files(home: DataHome, kind: SourceKind, monitoring_id: str | None = None) -> list[Path]:
    """Archived files of a kind (and monitoring): what a backfill on a fresh warehouse reads again."""
    found = []
    for sidecar in sorted(home.archive.glob(f"*/*/{ARCHIVE_SIDECAR}")):
        meta = json.loads(sidecar.read_text(encoding="utf-8"))
        if meta["source_kind"] == kind.name and (monitoring_id is None or meta.get("monitoring_id") == monitoring_id):
            found.append(sidecar.parent / meta["source_file"])
    return found


def quarantine_folder(home: DataHome, sha256: str, window: str | None = None) -> Path:
    """Where a refused file waits: by its content, and by the window it was refused for when the same bytes are
    held for another window (``window``), so neither refusal overwrites the other."""
    return home.quarantine / (sha256 if window is None else f"{sha256}.{window}")


def quarantine_file(home: DataHome, archived: Path, sha256: str, reasons: list[dict],
                    window: str | None = None) -> Path:
    """The refused file, its reasons as JSON, and a feedback workbook to send back to the municipality."""
    folder = quarantine_folder(home, sha256, window)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy2(archived, folder / archived.name)
    (folder / "reasons.json").write_text(json.dumps(reasons, ensure_ascii=False, indent=1), encoding="utf-8")
    write_feedback_workbook(archived, reasons, folder / f"Ошибки - {Path(archived.name).stem}.xlsx")
    return folder
