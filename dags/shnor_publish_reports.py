"""Airflow DAG ``shnor_publish_reports``: the reports of every monitoring whose marts changed, then the
documentation sites (dbt docs, GX Data Docs) — after the reports, so they never delay them.

Triggered by the asset ``shnor_marts``; reads marts only.
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
    tasks.build_reports() >> tasks.build_docs()  # documentation off the cycle's critical path: after reports


shnor_publish_reports()
