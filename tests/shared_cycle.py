"""The sample region through one window, built once and copied for each user.

Every xdist worker used to build the same sample cycle (generate, ingest, validate, dbt build, publish, reports:
about a minute and a half of CPU) for itself, and so did tests that only needed it as their starting point.
The first worker to ask builds it under an exclusive lock; every caller gets its own copy, so a test may change
its home (publish again, delete the warehouse) without touching another's.

The build is kept between sessions in a cache folder (``SHNOR_TEST_CACHE``, by default
``~/.cache/shnor/test-cycle``) under a key hashed from everything the build reads: the clone's folder, the content
of every file of the code, the dbt project, the sample region's generator, the catalogues, calendars and
expectations, the pinned versions, the ``SHNOR_*`` environment and the day (documents carry their date). A change
to any of them is another key, so a stale build is never reused; a new build removes the clone's older ones. An
empty cache (a new machine, as in CI) builds it once per session, as before."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from sample_region.generator import generate_sample_region
from shnor.cycle import run_window_in_process
from shnor_core.settings import PROJECT_ROOT, DataHome
from tests.workbooks import MONITORING_ID

_SUMMARY = "cycle-summary.json"
# what the build reads: the code, the dbt project, the generator and the reference it fills the forms from
_INPUTS = ("shnor", "shnor_core", "ingestion", "reports", "dbt_project", "sample_region", "forms", "calendars",
           "expectations", "dags", "plugins", "pyproject.toml", "constraints.txt")
_NOT_INPUTS = {"__pycache__", "target", "logs", "dbt_packages", ".user.yml"}
_KEPT_SECONDS = 2 * 24 * 3600  # a key holds the day: older builds are never asked for again


def cache_folder() -> Path:
    return Path(os.environ.get("SHNOR_TEST_CACHE") or Path.home() / ".cache" / "shnor" / "test-cycle")


def build_key() -> str:
    """A hash of every input of the build (see the module's docstring)."""
    digest = hashlib.sha256(f"{PROJECT_ROOT}|{sys.version}|{MONITORING_ID}|{datetime.now(timezone.utc):%Y-%m-%d}".encode())
    for name, value in sorted(os.environ.items()):
        if name.startswith("SHNOR_") and name != "SHNOR_TEST_CACHE":
            digest.update(f"{name}={value}\n".encode())
    for top in _INPUTS:
        root = PROJECT_ROOT / top
        files = [root] if root.is_file() else sorted(
            path for path in root.rglob("*") if path.is_file() and not _NOT_INPUTS & set(path.relative_to(root).parts))
        for path in files:
            digest.update(str(path.relative_to(PROJECT_ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:24]


def _clone() -> str:
    """This clone's prefix of its builds' names: a new build replaces the clone's older ones."""
    return hashlib.sha256(str(PROJECT_ROOT).encode()).hexdigest()[:8]


def _build(built: Path) -> None:
    shutil.rmtree(built, ignore_errors=True)
    home = DataHome(built)
    generate_sample_region(home)
    summary = run_window_in_process(home, MONITORING_ID)
    # written last: a folder without it is a build that did not finish
    (built / _SUMMARY).write_text(json.dumps(summary, ensure_ascii=False, default=str), encoding="utf-8")


def _drop_older_builds(cache: Path, kept: Path) -> None:
    """This clone's other builds (older code) and any build of past days, unless a session holds one now."""
    for old in cache.glob("*.lock"):
        folder = old.with_suffix("")
        if folder == kept or not (folder.name.startswith(_clone()) or time.time() - old.stat().st_mtime > _KEPT_SECONDS):
            continue
        with open(old, "w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # being built or copied
            shutil.rmtree(folder, ignore_errors=True)
            old.unlink()


def copy_of_sample_cycle(tmp_path_factory: pytest.TempPathFactory, name: str) -> tuple[DataHome, dict]:
    """A fresh copy of the built sample cycle and the summary its run returned (JSON: values as text where not).
    The first caller for a key builds it under the key's lock; each copy is made under it too (a second or two),
    so no session removes a build another is copying."""
    cache = cache_folder()
    cache.mkdir(parents=True, exist_ok=True)
    built = cache / f"{_clone()}-{build_key()}"
    copy = tmp_path_factory.mktemp(name)
    with open(built.with_suffix(".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (built / _SUMMARY).exists():
            _build(built)
        shutil.copytree(built, copy, dirs_exist_ok=True, symlinks=True)
    _drop_older_builds(cache, built)
    return DataHome(copy), json.loads((copy / _SUMMARY).read_text(encoding="utf-8"))
