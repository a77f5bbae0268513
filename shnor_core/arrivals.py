"""When the system received a file. The order of a municipality's versions is the order they arrived,
never the file's modification time (which the sender controls: a mail client or a copy keeps it, and a
corrected form with an older mtime would otherwise never become current).

A landing folder may hold ``.arrivals.json`` written by whoever took the file in on the system's behalf
(the upload page, a mail fetcher, the demo generator), naming each file's arrival time and who brought it.
Entries are keyed by the file's content (sha256), not its name: a correction written over a landed file
under the same name is another content, so it never inherits the arrival of the version it replaced. A
file without an entry for its content arrived when it was placed in the folder (or overwritten there): its
inode change time (set by the system, not settable by the sender), never later than now. The archive keeps
the arrival time in its sidecar, so a rerun from the archive sees the same order.
"""

from __future__ import annotations

import fcntl
import json
import os
from datetime import datetime, timezone
from pathlib import Path

from shnor_core.lineage import file_sha256

ARRIVALS_FILE = ".arrivals.json"
_LOCK_FILE = ".arrivals.lock"


def utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _read(folder: Path) -> dict[str, dict]:
    path = Path(folder) / ARRIVALS_FILE
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def record_arrival(folder: Path, file_name: str, received_at: datetime, received_by: str,
                   sha256: str | None = None) -> None:
    """Note that the content ``sha256`` (by default: of ``file_name`` in ``folder`` as it is now) arrived in
    ``folder`` as ``file_name`` at ``received_at`` (UTC), brought by ``received_by``. Writers take turns
    (a lock file), so two uploads at once never lose each other's entry."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    sha256 = sha256 or file_sha256(folder / file_name)
    with open(folder / _LOCK_FILE, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        entries = _read(folder)
        entries[sha256] = {"file": file_name, "received_by": received_by,
                           "received_at": received_at.replace(tzinfo=None).isoformat(timespec="microseconds")}
        staged = folder / f"{ARRIVALS_FILE}.{os.getpid()}"
        staged.write_text(json.dumps(entries, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(staged, folder / ARRIVALS_FILE)


def arrival(path: Path, sha256: str | None = None) -> tuple[datetime, str]:
    """When a landed file's content (``sha256``, hashed when not given) arrived and who brought it
    (``landing`` when it was put in the folder by hand)."""
    path = Path(path)
    entry = _read(path.parent).get(sha256 or file_sha256(path))
    if entry:
        return datetime.fromisoformat(entry["received_at"]), entry.get("received_by", "")
    changed = datetime.fromtimestamp(path.stat().st_ctime, timezone.utc).replace(tzinfo=None)
    return min(changed, utc_now()), "landing"
