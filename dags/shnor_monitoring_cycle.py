"""Airflow DAG ``shnor_monitoring_cycle``: one monitoring window from landed files to the summary report.

What runs, in order (the work lives in ``shnor.pipeline``; this file only says what runs when):
reference catalogues → municipal submissions → ОО-1 context → GX validation of every new file
→ dbt build (seeds, models, tests) → summary workbook.

The tasks write one DuckDB file, which allows a single writer: they form one chain and the DAG
allows one active run at a time.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import Param, dag, task


def _home():
    from shnor.settings import DataHome

    return DataHome.from_env()


@dag(
    dag_id="shnor_monitoring_cycle",
    schedule=None,
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    tags=["shnor", "monitoring"],
    doc_md=__doc__,
    params={"monitoring_id": Param("mph-2025", type="string", description="Мониторинг из календаря (monitoring_calendar)")},
)
def shnor_monitoring_cycle():
    @task
    def load_reference() -> dict:
        from shnor.pipeline import load_reference

        return load_reference(_home())

    @task
    def ingest_submissions(params=None) -> dict:
        from shnor.pipeline import ingest_submissions

        return ingest_submissions(_home(), params["monitoring_id"])

    @task
    def ingest_context() -> dict:
        from shnor.pipeline import ingest_context

        return ingest_context(_home())

    @task
    def validate_new_files() -> dict:
        from shnor.pipeline import validate_pending

        return validate_pending(_home())

    @task
    def dbt_build() -> dict:
        from shnor.pipeline import dbt_build

        return dbt_build(_home())

    @task
    def build_reports(params=None) -> dict:
        from shnor.pipeline import build_reports

        return build_reports(_home(), params["monitoring_id"])

    load_reference() >> ingest_submissions() >> ingest_context() >> validate_new_files() >> dbt_build() >> build_reports()


shnor_monitoring_cycle()
