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
