"""The sample region through one window, built once and copied for each user.

Every xdist worker used to build the same sample cycle (generate, ingest, validate, dbt build, publish, reports:
about a minute and a half of CPU) for itself, and so did tests that only needed it as their starting point.
The first worker to ask builds it under an exclusive lock; every caller gets its own copy, so a test may change
its home (publish again, delete the warehouse) without touching another's.

The build is kept between sessions in a cache folder (``SHNOR_TEST_CACHE``, by default
``~/.cache/shnor/test-cycle``) under a key hashed from everything the build reads: the clone's folder, the
content of every file of the code, the dbt project, the sample region's generator, the catalogues, calendars and expectations, the pinned
versions, the ``SHNOR_*`` environment and the day (documents carry their date). A change to any of them is
another key, so a stale build is never reused; a clean clone (an empty cache, as in CI) builds it once."""

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


def built_sample_cycle() -> Path:
    """The folder of the built cycle for this key: built here under the lock unless a finished one is there."""
    cache = cache_folder()
    cache.mkdir(parents=True, exist_ok=True)
    built = cache / build_key()
    with open(cache / f"{built.name}.lock", "w") as lock:  # one build per key; other keys build meanwhile
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (built / _SUMMARY).exists():  # the summary is written last: without it, no build or a broken one
            shutil.rmtree(built, ignore_errors=True)
            home = DataHome(built)
            generate_sample_region(home)
            summary = run_window_in_process(home, MONITORING_ID)
            (built / _SUMMARY).write_text(json.dumps(summary, ensure_ascii=False, default=str), encoding="utf-8")
            for old in cache.iterdir():  # keys of past days: no session uses them any more
                if time.time() - old.stat().st_mtime > _KEPT_SECONDS:
                    shutil.rmtree(old) if old.is_dir() else old.unlink()
    return built


def copy_of_sample_cycle(tmp_path_factory: pytest.TempPathFactory, name: str) -> tuple[DataHome, dict]:
    """A fresh copy of the built sample cycle and the summary its run returned (JSON: values as text where not)."""
    copy = tmp_path_factory.mktemp(name)
    shutil.copytree(built_sample_cycle(), copy, dirs_exist_ok=True, symlinks=True)
    return DataHome(copy), json.loads((copy / _SUMMARY).read_text(encoding="utf-8"))
