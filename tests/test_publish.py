"""BI readers never block a build nor see a half-built state: a reader is held open across a rebuild."""

from __future__ import annotations

import dis
import importlib.util
import inspect
import os
import signal
import sys
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from shnor import publish
from shnor.cycle import publish_marts, run_window_in_process
from shnor.dbt_runner import build_record, last_build_id
from shnor.fingerprints import remember
from shnor.publish import published_build, published_folder, published_marts
from shnor_core import warehouse
from tests.shared_cycle import copy_of_sample_cycle
from tests.workbooks import MONITORING_ID, form_values, write_submission

_FINGERPRINT = Path(__file__).resolve().parents[1] / "tools" / "mart_fingerprint.py"
_spec = importlib.util.spec_from_file_location("mart_fingerprint", _FINGERPRINT)
mart_fingerprint = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mart_fingerprint)

pytestmark = pytest.mark.slow

ABINSK_MNC3 = ("select score from marts.mart_indicator_scores where monitoring_id = 'mph-2025' "
               "and municipality_oktmo = '03601000' and indicator_code = 'MNC-3'")


def test_reader_open_across_a_rebuild(tmp_path_factory):
    home, _ = copy_of_sample_cycle(tmp_path_factory, "home")  # the sample region through its window
    reader = duckdb.connect(str(published_marts(home)), read_only=True)  # a BI tool's session
    assert reader.execute(ABINSK_MNC3).fetchall() == [(3.0,)]  # all three items of МНЦ-3 in the sample's form
    rows_before = reader.execute("select count(*) from marts.mart_indicator_scores").fetchall()

    # a corrected resubmission arrives; the cycle runs again up to the published marts while the reader stays open,
    # as the cycle's DAG reruns it: dbt rebuilds what is downstream of the new rows, the publish swaps every mart
    landing = home.submissions_landing(MONITORING_ID)
    write_submission(landing / "Абинский, исправлено.xlsx", "МО Абинский район", form_values(MNC_3=[1, 0, 0]))
    rebuilt = run_window_in_process(home, MONITORING_ID, reports=False, skip_unchanged=True)  # what BI readers see
    marts = warehouse.query(home.warehouse, "select count(*) as n from information_schema.tables "
                            "where table_schema = 'marts'").iloc[0]["n"]
    assert rebuilt["dbt"]["dbt_results"] and rebuilt["published"]["tables"] == marts >= 12  # every mart published

    assert reader.execute(ABINSK_MNC3).fetchall() == [(3.0,)]  # the open session keeps its snapshot
    assert reader.execute("select count(*) from marts.mart_indicator_scores").fetchall() == rows_before
    reader.close()
    with duckdb.connect(str(published_marts(home)), read_only=True) as fresh:
        assert fresh.execute(ABINSK_MNC3).fetchall() == [(1.0,)]

    parquet = pq.read_table(published_folder(home) / "parquet" / "mart_indicator_scores.parquet").to_pandas()
    abinsk = parquet[(parquet.municipality_oktmo == "03601000") & (parquet.indicator_code == "MNC-3")]
    assert abinsk["score"].tolist() == [1.0]
    assert not list(published_folder(home).glob(".staged-*"))  # nothing half-written left behind


def _killed_publish(home, line: int) -> int:
    """A publish in a forked process that SIGKILLs itself when it reaches ``line`` of publish_marts: a crash at
    that stage boundary, nothing of the process left to clean up after itself. Its wait status."""
    child = os.fork()
    if child == 0:
        signal.alarm(120)  # a child stuck on a lock another thread held at fork ends (SIGALRM), never hangs the test
        def each_line(frame, event, arg):
            if event == "line" and frame.f_lineno == line:
                os.kill(os.getpid(), signal.SIGKILL)
            return each_line
        sys.settrace(lambda frame, event, arg: each_line if frame.f_code is publish.publish_marts.__code__ else None)
        try:
            publish.publish_marts(home, skip_unchanged=True)
        finally:
            os._exit(0)  # the line was not reached (the skip's return)
    return os.waitpid(child, 0)[1]


def _statement_lines(function) -> list[int]:
    """Every line of the function where a statement starts (its body only, not the signature or docstring)."""
    first_body = inspect.getsourcelines(function)[1] + 1
    lines = sorted({line for _, line in dis.findlinestarts(function.__code__) if line})
    source = inspect.getsource(publish).splitlines()
    return [line for line in lines if line > first_body and not source[line - 1].strip().startswith(('"""', "#"))]


def _new_build(home, round_: int) -> None:
    """What a successful dbt build leaves: changed marts, then its record (shnor.dbt_runner.dbt_build)."""
    with duckdb.connect(str(home.warehouse)) as con:
        con.execute(f"update marts.mart_indicator_scores set score = {round_} where municipality_oktmo = '03601000' "
                    "and indicator_code = 'MNC-3' and monitoring_id = 'mph-2025'")
    remember(build_record(home), f"build {round_}")


def _marts_of(path) -> dict:
    return mart_fingerprint.fingerprint(path, ["marts"])["tables"]


def test_a_publish_killed_at_any_stage_is_redone_by_the_next_run(tmp_path_factory):
    """kill -9 at every statement of publish_marts, after a build that changed a mart: readers see the old copy or
    the new one, never half; the next run's publish — marts unchanged, so dbt skips — compares what is published
    with the warehouse's build and publishes it: warehouse = published DuckDB = Parquet, the build the reports
    are fingerprinted by (its record) named in all, no staged leftover."""
    home, _ = copy_of_sample_cycle(tmp_path_factory, "killed-publish")
    # two marts publish as all do, in a fraction of the time: a kill inside the loop over the marts always falls on
    # the first of them, so more marts would add no statement killed, only copying and comparing (each round
    # publishes and fingerprints them all)
    with duckdb.connect(str(home.warehouse)) as con:
        for (table,) in con.execute("select table_name from information_schema.tables where table_schema = 'marts' "
                                    "and table_name not in ('mart_indicator_scores', 'dim_municipality')").fetchall():
            con.execute(f"drop table marts.{table}")
    folder = published_folder(home)
    publish_marts(home)
    assert published_build(home) == last_build_id(home) is not None
    lines = _statement_lines(publish.publish_marts)
    assert len(lines) >= 30
    killed_at = []
    for round_, line in enumerate(lines, start=10):
        before = published_build(home)
        _new_build(home, round_)
        status = _killed_publish(home, line)
        if os.WIFSIGNALED(status):
            assert os.WTERMSIG(status) == signal.SIGKILL, line
            killed_at.append(line)
        else:
            assert os.WEXITSTATUS(status) == 0, line
        with duckdb.connect(str(published_marts(home)), read_only=True) as reader:  # whole: the old or the new
            [(copied,)] = reader.execute("select build_id from publication.build").fetchall()
        assert copied in (before, last_build_id(home)), line

        publish_marts(home, skip_unchanged=True)  # the next run: dbt finds nothing new, publish decides alone
        assert published_build(home) == last_build_id(home), line
        assert _marts_of(published_marts(home)) == _marts_of(home.warehouse), line
        parquet = folder / "parquet"
        scores = pq.read_table(parquet / "mart_indicator_scores.parquet")
        assert scores.schema.metadata[b"build_id"].decode() == last_build_id(home), line
        abinsk = scores.to_pandas().query("municipality_oktmo == '03601000' and indicator_code == 'MNC-3' "
                                          "and monitoring_id == 'mph-2025'")
        assert abinsk["score"].tolist() == [float(round_)], line
        assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".") and p.name != publish.MARKER) == [], line
        assert len(list(folder.glob("parquet-*"))) <= 2, line

    assert len(killed_at) == len(lines) - 1  # every statement but the skip's return, which a new build never reaches
    assert publish_marts(home, skip_unchanged=True)["unchanged"]  # converged: the next run has nothing to publish
