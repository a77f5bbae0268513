"""What a build's or the reports' result depends on, as one digest, so a rerun with nothing new skips the
work (a second cycle of the same window, the reminder run that found no new file). dbt's result depends on
the files the warehouse took in (their hashes, statuses and arrival), the catalogues and calendars, and
the dbt project itself; the reports', on the marts and the code that writes them."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path

from shnor_core import warehouse
from shnor_core.settings import CALENDARS_DIR, DBT_PROJECT_DIR, FORMS_DIR, PROJECT_ROOT, DataHome

_DBT_INPUTS = ("models", "macros", "seeds", "tests", "dbt_project.yml", "selectors.yml", "profiles.yml")


def _files(*roots: Path) -> list[Path]:
    return sorted(p for root in roots for p in ([root] if root.is_file() else root.rglob("*")) if p.is_file())


def _digest_files(digest, paths: list[Path], base: Path) -> None:
    for path in paths:
        digest.update(str(path.relative_to(base) if path.is_relative_to(base) else path).encode())
        digest.update(path.read_bytes())


def dbt_project_inputs(target: str) -> str:
    """The dbt project as dbt parses it for a target: its manifest is made of these files (hashed here rather
    than the manifest itself, which carries the time of each parse), so dbt docs change only when this does."""
    digest = hashlib.sha256(target.encode())
    _digest_files(digest, _files(*(DBT_PROJECT_DIR / name for name in _DBT_INPUTS if (DBT_PROJECT_DIR / name).exists())),
                  DBT_PROJECT_DIR)
    return digest.hexdigest()


def reference_inputs(target: str) -> str:
    """What a build reads besides the raw tables: the dbt project, the forms' catalogues and the calendars. A
    change here rebuilds everything; a change of the raw tables alone, only what is downstream of it."""
    digest = hashlib.sha256(dbt_project_inputs(target).encode())
    _digest_files(digest, _files(FORMS_DIR, CALENDARS_DIR), PROJECT_ROOT)
    return digest.hexdigest()


def dbt_inputs(home: DataHome, target: str) -> str:
    digest = hashlib.sha256(reference_inputs(target).encode())
    if home.warehouse.exists():
        with warehouse.connect(home.warehouse, read_only=True) as con:
            rows = con.execute(f"select source_sha256, status, received_at from {warehouse.FILES_TABLE} "
                               "order by source_sha256").fetchall()
        digest.update(json.dumps(rows, default=str).encode())
    return digest.hexdigest()


def code_inputs() -> str:
    """The report writers and the reference they read (a changed template or wording writes new reports)."""
    digest = hashlib.sha256()
    _digest_files(digest, _files(PROJECT_ROOT / "reports", PROJECT_ROOT / "shnor_core"), PROJECT_ROOT)
    return digest.hexdigest()


def unchanged(record: Path, fingerprint: str) -> bool:
    """Whether the last successful piece of work recorded in ``record`` had this fingerprint."""
    try:
        return json.loads(record.read_text(encoding="utf-8"))["fingerprint"] == fingerprint
    except (OSError, ValueError, KeyError):
        return False


def remember(record: Path, fingerprint: str) -> None:
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps({"fingerprint": fingerprint, "at": datetime.now(timezone.utc).isoformat()}),
                      encoding="utf-8")
