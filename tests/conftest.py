"""Shared fixtures. Airflow reads its configuration at import, so its home is set before any test imports it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

_AIRFLOW_HOME = Path(tempfile.mkdtemp(prefix="shnor-airflow-"))
os.environ.setdefault("AIRFLOW_HOME", str(_AIRFLOW_HOME))
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
os.environ.setdefault("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", f"sqlite:///{_AIRFLOW_HOME / 'airflow.db'}")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
os.environ.setdefault("AIRFLOW__CORE__PLUGINS_FOLDER", str(Path(__file__).resolve().parents[1] / "plugins"))

import pytest  # noqa: E402

from shnor_core.reference import get_monitoring, load_form, load_municipalities  # noqa: E402
from tests.shared_cycle import copy_of_sample_cycle  # noqa: E402
from tests.workbooks import MONITORING_ID  # noqa: E402


@pytest.fixture(scope="session")
def form():
    return load_form(get_monitoring(MONITORING_ID).form_id)


@pytest.fixture(scope="session")
def municipalities():
    return load_municipalities("23")


@pytest.fixture(scope="session")
def sample_cycle(tmp_path_factory):
    """The sample region through one window without Airflow (ingest, validate, dbt build, publish, reports):
    the home that school-mart and report tests read; this worker's own copy of the session's one build."""
    return copy_of_sample_cycle(tmp_path_factory, "sample-cycle")[0]


# The files that take longest, longest first (`--durations`, 2 cores): pytest-xdist (`--dist loadfile`, with
# `--no-loadscope-reorder` in pyproject) hands whole files to its workers in this order, so the long ones start
# at once and the short ones fill the end, and no worker finishes long before the other. `test_reports` comes first:
# it builds the session's sample cycle while the other worker runs an end-to-end file that does not need it.
LONGEST_FIRST = (
    "test_reports.py", "test_end_to_end.py", "test_crimea_windows.py", "test_postgres.py", "test_letter.py",
    "test_identity_every_kind.py", "test_backfill.py", "test_publish.py", "test_identity.py", "test_dbt_one_process.py",
    "test_dbt_unit_tests.py", "test_roadmap_marts.py", "test_row_accounting.py", "test_recommendations.py",
    "test_airflow_local.py", "test_window_dags.py", "test_calendar_schedule.py", "test_regions.py",
    "test_corrections.py", "test_real_region.py", "test_registry_forms.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Files in the order above, then the other files with slow tests, then the rest (each in collection order;
    a file's tests keep theirs: the sort is stable)."""
    slow_files = {item.path.name for item in items if item.get_closest_marker("slow")}
    rank = {name: place for place, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank) + (item.path.name not in slow_files)))
