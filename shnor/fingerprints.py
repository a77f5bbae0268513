"""What a build's or the reports' result depends on, as one digest, so a rerun with nothing new skips the
work (a second cycle of the same window, the reminder run that found no new file). dbt's result depends on
the files the warehouse took in (their hashes, statuses and arrival), the catalogues and calendars, people's
decisions on names (the crosswalk) and the dbt project itself; the reports', on the marts and the code that writes
them (``reports.provenance.code_digest``)."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path

from shnor.identity import crosswalk_path
from shnor_core import warehouse
from shnor_core.settings import CALENDARS_DIR, DBT_PROJECT_DIR, FORMS_DIR, PROJECT_ROOT, DataHome

_DBT_INPUTS = ("models", "macros", "seeds", "tests", "dbt_project.yml", "selectors.yml", "profiles.yml")
# The code that resolves names before each build (shnor.identity and the matchers it calls): a better matcher
# re-resolves archived rows on the next cycle's build, as a new registry or decision does.
_IDENTITY_CODE = ("shnor/identity.py", "shnor_core/names.py", "shnor_core/school_names.py",
                  "ingestion/school_names.py")


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


def reference_inputs(home: DataHome, target: str) -> str:
    """What a build reads besides the raw tables: the dbt project, the forms' catalogues, the calendars and how
    names resolve (the code of ``shnor.identity`` and the matchers, people's decisions in the crosswalk). A change
    here rebuilds everything; a change of the raw tables alone, only what is downstream of it."""
    digest = hashlib.sha256(dbt_project_inputs(target).encode())
    _digest_files(digest, _files(FORMS_DIR, CALENDARS_DIR, *(PROJECT_ROOT / name for name in _IDENTITY_CODE)),
                  PROJECT_ROOT)
    if crosswalk_path(home).exists():
        _digest_files(digest, [crosswalk_path(home)], home.root)
    return digest.hexdigest()


def dbt_inputs(home: DataHome, target: str) -> str:
    digest = hashlib.sha256(reference_inputs(home, target).encode())
    if home.warehouse.exists():
        with warehouse.connect(home.warehouse, read_only=True) as con:
            rows = con.execute(f"select source_sha256, status, received_at from {warehouse.FILES_TABLE} "
                               "order by source_sha256").fetchall()
        digest.update(json.dumps(rows, default=str).encode())
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
