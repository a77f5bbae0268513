"""Airflow DAG ``shnor_build_docs``: the documentation sites (dbt docs, GX Data Docs, «Проверки файлов»)
after a cycle's reports, so they never delay its outputs; each is rebuilt only when what it shows changed
(``shnor.cycle.build_docs``: dbt docs with the dbt project, GX pages for new validations only).

Triggered by the asset ``shnor_reports``.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import dag

from shnor import tasks


@dag(
    dag_id="shnor_build_docs",
    schedule=[tasks.REPORTS],
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    tags=["shnor", "docs"],
    doc_md=__doc__,
)
def shnor_build_docs():
    tasks.build_docs()


shnor_build_docs()
