"""dbt's freshness check and build run in one dbt process (``shnor.dbt_runner``), and that process gets only the
environment dbt reads — without losing what the two processes gave: the raw tables' ``sources.json`` kept for
the next build, and a rerun whose only news is raw rows building only what is downstream of them."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from shnor.dbt_runner import build_state, dbt_build, dbt_environment, seeds_loaded
from shnor.ingest import load_reference
from shnor_core import warehouse
from shnor_core.settings import DataHome


def test_dbt_gets_only_what_it_reads(tmp_path, monkeypatch):
    monkeypatch.setenv("AIRFLOW__CORE__FERNET_KEY", "not for dbt")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not for dbt")
    monkeypatch.setenv("SHNOR_PG_HOST", "db.example")
    monkeypatch.setenv("DBT_ENV_SECRET_TOKEN", "masked by dbt")
    monkeypatch.setenv("PGSSLMODE", "require")
    environment = dbt_environment(DataHome(tmp_path))
    assert "AIRFLOW__CORE__FERNET_KEY" not in environment and "AWS_SECRET_ACCESS_KEY" not in environment
    assert environment["SHNOR_PG_HOST"] == "db.example" and environment["PGSSLMODE"] == "require"
    assert environment["DBT_ENV_SECRET_TOKEN"] == "masked by dbt"
    assert environment["PATH"] and environment["SHNOR_WAREHOUSE"] == str(DataHome(tmp_path).warehouse)


def test_dbt_keeps_its_bytecode_when_the_caller_writes_none(tmp_path, monkeypatch):
    """Without bytecode every dbt process would compile its modules from source on each start: with
    PYTHONDONTWRITEBYTECODE it gets a bytecode cache of its own in the user cache, never beside the installed code."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    monkeypatch.delenv("PYTHONPYCACHEPREFIX", raising=False)
    environment = dbt_environment(DataHome(tmp_path / "home"))
    assert "PYTHONDONTWRITEBYTECODE" not in environment
    assert environment["PYTHONPYCACHEPREFIX"] == str(tmp_path / "cache" / "shnor" / "pycache")
    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE")
    assert "PYTHONPYCACHEPREFIX" not in dbt_environment(DataHome(tmp_path / "home"))


@pytest.mark.slow
def test_freshness_then_build_in_one_process_and_a_rerun_builds_downstream_only(tmp_path):
    home = DataHome(tmp_path / "home")
    load_reference(home)
    first = dbt_build(home, skip_unchanged=True)
    assert not first["only_downstream_of_new_data"] and first["dbt_results"].keys() <= {"success", "pass"}
    sources = json.loads((build_state(home) / "sources.json").read_text())
    # the freshness check saw every raw table with freshness configured, the file registry among them
    assert "source.shnor.raw.files" in {result["unique_id"] for result in sources["results"]}
    manifest = home.dbt_artifacts / "target" / "manifest.json"
    assert manifest.is_file()
    # the warehouse holds the project's seeds: a full build would leave them (selector cycle_seeds_loaded) — not
    # for another target, nor when a seed's table is gone
    assert seeds_loaded(home, "duckdb") and not seeds_loaded(home, "postgres")

    # one refused file registered: raw.files is the only source with a newer row
    with warehouse.connect(home.warehouse) as con:
        warehouse.record_file(con, source_sha256="0" * 64, source_kind="submission", source_file="отказ.xlsx",
                              archived_path="archive/0", received_at=datetime(2026, 12, 7, 12), is_demo=False,
                              status="rejected")
    rerun = dbt_build(home, skip_unchanged=True)
    assert rerun["only_downstream_of_new_data"]
    # no seed is rebuilt for a new file: the seeds are not downstream of raw.files
    assert 0 < rerun["nodes"] < first["nodes"]
    built = json.loads((home.dbt_artifacts / "target" / "run_results.json").read_text())["results"]
    assert not [result for result in built if result["unique_id"].startswith("seed.")]

    # a file of an unknown kind with an unknown status: the staging tests of every cycle stop the build, and the
    # one accepted_values_columns test of stg_files names each column with the value it did not expect
    with warehouse.connect(home.warehouse) as con:
        warehouse.record_file(con, source_sha256="1" * 64, source_kind="weird", source_file="странный.xlsx",
                              archived_path="archive/1", received_at=datetime(2026, 12, 7, 13), is_demo=False,
                              status="lost")
    with pytest.raises(RuntimeError, match="dbt build failed") as failed:
        dbt_build(home, select=["stg_files"])
    # the error names the failed test and where its compiled SQL is (dbt's console log is off; the process reports)
    assert "fail: test.shnor.accepted_values_columns_stg_files_" in str(failed.value)
    assert "stg_files.yml/accepted_values_columns_" in str(failed.value)
    (compiled,) = (home.dbt_artifacts / "target" / "compiled").rglob("stg_files.yml/accepted_values_columns_*.sql")
    with warehouse.connect(home.warehouse, read_only=True) as con:
        assert sorted(con.execute(compiled.read_text()).fetchall()) == [("file_status", "lost", 1),
                                                                        ("source_kind", "weird", 1)]
    with warehouse.connect(home.warehouse) as con:
        con.execute("drop table reference.ref_regions")
    assert not seeds_loaded(home, "duckdb")
