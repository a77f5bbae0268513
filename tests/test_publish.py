"""BI readers never block a build nor see a half-built state: a reader is held open across a full rebuild."""

from __future__ import annotations

import duckdb
import pyarrow.parquet as pq
import pytest

from shnor.cycle import run_window_in_process
from shnor.publish import published_folder, published_marts
from shnor_core import warehouse
from tests.shared_cycle import copy_of_sample_cycle
from tests.workbooks import MONITORING_ID, form_values, write_submission

pytestmark = pytest.mark.slow

ABINSK_MNC3 = ("select score from marts.mart_indicator_scores where monitoring_id = 'mph-2025' "
               "and municipality_oktmo = '03601000' and indicator_code = 'MNC-3'")


def test_reader_open_across_a_full_rebuild(tmp_path_factory):
    home, _ = copy_of_sample_cycle(tmp_path_factory, "home")  # the sample region through its window
    reader = duckdb.connect(str(published_marts(home)), read_only=True)  # a BI tool's session
    assert reader.execute(ABINSK_MNC3).fetchall() == [(3.0,)]  # all three items of МНЦ-3 in the sample's form
    rows_before = reader.execute("select count(*) from marts.mart_indicator_scores").fetchall()

    # a corrected resubmission arrives; the whole cycle runs again while the reader stays open
    landing = home.submissions_landing(MONITORING_ID)
    write_submission(landing / "Абинский, исправлено.xlsx", "МО Абинский район", form_values(MNC_3=[1, 0, 0]))
    rebuilt = run_window_in_process(home, MONITORING_ID)
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
