"""Airflow DAG ``shnor_build_marts``: ``dbt build`` whenever the raw tables change, then publish.

Triggered by the asset ``shnor_raw_tables``. Publishing swaps in a fresh copy of the marts for BI
readers (DuckDB file + Parquet) and updates the asset ``shnor_marts`` (which triggers
``shnor_publish_reports``), passing on which monitorings changed.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import Param, dag

from shnor import tasks


@dag(
    dag_id="shnor_build_marts",
    schedule=[tasks.RAW_TABLES],
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    tags=["shnor", "dbt"],
    doc_md=__doc__,
    params={"monitoring_id": Param("", type="string", description="Для ручного запуска: мониторинг для отчётов"),
            "monitoring_ids": Param([], type="array", description="Для ручного запуска: несколько окон сразу")},
)
def shnor_build_marts():
    tasks.publish_marts(tasks.dbt_build())


shnor_build_marts()
