"""Where things live. Every path derives from two roots so tests and deployments can move them.

- the project root (code, dbt project, GX suites, form catalogues): fixed by this file's location;
- the data home (landing, archive, quarantine, warehouse, reports): ``SHNOR_HOME``, default ``./var``.
  A home is defined by its root alone: every folder and file of an installation is below it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
# Reference data can be swapped for a run (benchmarks over synthetic regions: sample_region.scale).
DBT_PROJECT_DIR = Path(os.environ.get("SHNOR_DBT_PROJECT_DIR", PROJECT_ROOT / "dbt_project"))
DBT_SEEDS_DIR = DBT_PROJECT_DIR / "seeds"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"
FORMS_DIR = PROJECT_ROOT / "forms"
CALENDARS_DIR = Path(os.environ.get("SHNOR_CALENDARS_DIR", PROJECT_ROOT / "calendars"))


def calendars_dir() -> Path:
    """The calendars folder as the environment says now (a DAG file reads it each time it is parsed)."""
    return Path(os.environ.get("SHNOR_CALENDARS_DIR", PROJECT_ROOT / "calendars"))

PLUGINS_DIR = PROJECT_ROOT / "plugins"
DAGS_DIR = PROJECT_ROOT / "dags"


@dataclass(frozen=True)
class DataHome:
    """The folders of one installation's data, all under one root."""

    root: Path

    @classmethod
    def from_env(cls) -> "DataHome":
        return cls(Path(os.environ.get("SHNOR_HOME", PROJECT_ROOT / "var")).resolve())

    @property
    def landing(self) -> Path:
        return self.root / "landing"

    def submissions_landing(self, monitoring_id: str) -> Path:
        return self.landing / "submissions" / monitoring_id

    @property
    def archive(self) -> Path:
        return self.root / "archive"

    @property
    def quarantine(self) -> Path:
        return self.root / "quarantine"

    @property
    def validation(self) -> Path:
        return self.root / "validation"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse" / "shnor.duckdb"

    @property
    def dbt_artifacts(self) -> Path:
        return self.root / "dbt"

    @property
    def airflow_home(self) -> Path:
        return self.root / "airflow"
