"""A municipal form's indicator scores for one file, by the very SQL dbt runs: the staging models of the
form items and the submission values and the scoring macros of ``dbt_project/macros/form_scores.sql`` are
rendered with plain Jinja (``source()`` pointing at this process's own tables) and run in an in-memory
DuckDB. The checker and the upload page report exactly the scores and maxima the marts will hold.
"""

from __future__ import annotations

from functools import cache

import duckdb
import jinja2
import pandas as pd

from shnor_core.reference import Form, read_form_rows
from shnor_core.settings import DBT_PROJECT_DIR

_STAGING = DBT_PROJECT_DIR / "models" / "staging" / "forms"


def _render(text: str, **context) -> str:
    return jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(text).render(**context)


@cache
def scoring_sql() -> str:
    """One query over the tables ``raw_form_items`` and ``raw_submission_values`` (raw columns): each
    indicator's score (mean over units of the sum of its sub-items) beside its maximum."""
    def source(schema: str, table: str) -> str:
        return f"raw_{table}"

    macros, lineage = (jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(
        (DBT_PROJECT_DIR / "macros" / name).read_text(encoding="utf-8")).module
        for name in ("form_scores.sql", "lineage.sql"))
    staged_items = _render((_STAGING / "stg_form_items.sql").read_text(encoding="utf-8"), source=source)
    staged_values = _render((_STAGING / "stg_submission_values.sql").read_text(encoding="utf-8"), source=source,
                            source_row_id=lineage.source_row_id)
    unit_scores = macros.unit_indicator_scores(f"({staged_values})")
    scores = macros.indicator_scores(f"({unit_scores})")
    maxima = macros.form_indicator_maxima(f"({staged_items})")
    return f"""
        select maxima.section_code, maxima.section_title, maxima.indicator_number, maxima.indicator_code,
               scores.score, maxima.max_score, maxima.indicator_display_code
        from ({scores}) as scores
        inner join ({maxima}) as maxima
            on scores.form_id = maxima.form_id and scores.indicator_code = maxima.indicator_code
        order by maxima.section_order, maxima.indicator_number"""


def indicator_scores(values: pd.DataFrame, form: Form) -> list[dict]:
    """Scores of a read submission (rows of raw.submission_values) against its form's catalogue."""
    if values.empty:
        return []
    items = pd.DataFrame(read_form_rows(form.catalogue_path)).astype(
        {"section_order": "int64", "indicator_number": "int64", "item_number": "int64"})
    con = duckdb.connect()
    try:
        con.register("raw_form_items", items)
        con.register("raw_submission_values", values)
        rows = con.execute(scoring_sql()).fetchall()
    finally:
        con.close()
    return [{"section": title, "number": int(number), "code": code, "display_code": display, "score": float(score),
             "max": None if maximum is None else int(maximum)}
            for _, title, number, code, score, maximum, display in rows]
