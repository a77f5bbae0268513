"""The sample region through one window, built once per test session and copied for each user.

Every xdist worker used to build the same sample cycle (generate, ingest, validate, dbt build, publish, reports:
about a minute and a half of CPU) for itself, and so did tests that only needed it as their starting point.
The first worker to ask builds it under an exclusive lock in the folder all workers share; every caller gets
its own copy, so a test may change its home (publish again, delete the warehouse) without touching another's."""

from __future__ import annotations

import fcntl
import json
import shutil
from pathlib import Path

import pytest

from sample_region.generator import generate_sample_region
from shnor.cycle import run_window_in_process
from shnor_core.settings import DataHome
from tests.workbooks import MONITORING_ID

_BUILT, _SUMMARY = "sample-cycle-built", "cycle-summary.json"


def _shared_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pytest's base folder of this session; under xdist each worker has its own below the shared one."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if base.name.startswith("popen-gw") else base


def copy_of_sample_cycle(tmp_path_factory: pytest.TempPathFactory, name: str) -> tuple[DataHome, dict]:
    """A fresh copy of the built sample cycle and the summary its run returned (JSON: values as text where not)."""
    shared = _shared_folder(tmp_path_factory)
    built = shared / _BUILT
    with open(shared / f"{_BUILT}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (built / _SUMMARY).exists():
            shutil.rmtree(built, ignore_errors=True)  # a build interrupted in an earlier session of this folder
            home = DataHome(built)
            generate_sample_region(home)
            summary = run_window_in_process(home, MONITORING_ID)
            (built / _SUMMARY).write_text(json.dumps(summary, ensure_ascii=False, default=str), encoding="utf-8")
    copy = tmp_path_factory.mktemp(name)
    shutil.copytree(built, copy, dirs_exist_ok=True, symlinks=True)
    return DataHome(copy), json.loads((copy / _SUMMARY).read_text(encoding="utf-8"))
