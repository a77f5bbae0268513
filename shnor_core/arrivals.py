"""When the system received a file. The order of a municipality's versions is the order they arrived,
never the file's modification time (which the sender controls: a mail client or a copy keeps it, and a
corrected form with an older mtime would otherwise never become current).

A landing folder may hold ``.arrivals.json`` written by whoever took the file in on the system's behalf
(the upload page, a mail fetcher, the demo generator), naming each file's arrival time and who brought it.
A file without an entry arrived when it was placed in the folder: its inode change time (set by the system
when the file is created or moved in, not settable by the sender), never later than now. The archive keeps
the arrival time in its sidecar, so a rerun from the archive sees the same order.
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path

ARRIVALS_FILE = ".arrivals.json"


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


def record_arrival(folder: Path, file_name: str, received_at: datetime, received_by: str) -> None:
    """Note that ``file_name`` arrived in ``folder`` at ``received_at`` (UTC), brought by ``received_by``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    entries = _read(folder)
    entries[file_name] = {"received_at": received_at.replace(tzinfo=None).isoformat(timespec="microseconds"),
                          "received_by": received_by}
    staged = folder / f"{ARRIVALS_FILE}.{os.getpid()}"
    staged.write_text(json.dumps(entries, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(staged, folder / ARRIVALS_FILE)


def arrival(path: Path) -> tuple[datetime, str]:
    """When a landed file arrived and who brought it (``landing`` when it was put in the folder by hand)."""
    path = Path(path)
    entry = _read(path.parent).get(path.name)
    if entry:
        return datetime.fromisoformat(entry["received_at"]), entry.get("received_by", "")
    changed = datetime.fromtimestamp(path.stat().st_ctime, timezone.utc).replace(tzinfo=None)
    return min(changed, utc_now()), "landing"
