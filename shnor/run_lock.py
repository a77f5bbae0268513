"""One run at a time per data home. DuckDB admits one writer per file: a second ``shnor run`` on the same
home would start its ingest and fail midway on the warehouse lock, so it is refused at once instead,
naming the run that holds the home. The lock is the operating system's (``flock``): a run killed with
-9 releases it with its process, and the next run starts cleanly.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone

from shnor_core.settings import DataHome

LOCK_FILE = ".run.lock"


class HomeBusy(RuntimeError):
    """Another run holds this data home."""


@contextmanager
def run_lock(home: DataHome, command: str | None = None) -> Iterator[None]:
    home.root.mkdir(parents=True, exist_ok=True)
    path = home.root / LOCK_FILE
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(path)
            raise HomeBusy(f"в каталоге данных {home.root} уже идёт прогон: PID {holder.get('pid', '?')} "
                           f"(«{holder.get('command', '?')}», начат {holder.get('started_at', '?')} UTC). "
                           "Дождитесь его окончания; отчёты и витрины для чтения — в published/") from None
        os.ftruncate(descriptor, 0)
        os.write(descriptor, json.dumps({
            "pid": os.getpid(), "command": command or " ".join(["shnor", *sys.argv[1:]]),
            "started_at": datetime.now(timezone.utc).strftime("%d.%m.%Y %H:%M:%S")}, ensure_ascii=False).encode())
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def _holder(path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}
