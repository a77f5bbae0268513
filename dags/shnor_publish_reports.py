"""Airflow DAG ``shnor_publish_reports``: the reports of every monitoring whose marts changed.

Triggered by the asset ``shnor_marts``; reads marts only. Its asset ``shnor_reports`` triggers
``shnor_build_docs``: the documentation sites come after the cycle's outputs, never before them.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import Param, dag

from shnor import tasks


@dag(
    dag_id="shnor_publish_reports",
    schedule=[tasks.MARTS],
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    tags=["shnor", "reports"],
    doc_md=__doc__,
    params={"monitoring_id": Param("", type="string", description="Для ручного запуска: мониторинг"),
            "monitoring_ids": Param([], type="array", description="Для ручного запуска: несколько окон сразу")},
)
def shnor_publish_reports():
    tasks.build_reports()


shnor_publish_reports()
