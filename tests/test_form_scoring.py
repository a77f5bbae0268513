"""The checker scores a form by dbt's own SQL: on every demo form its scores and maxima equal the marts'."""

from __future__ import annotations

import pandas as pd

from shnor.checker import check_file
from shnor_core import warehouse
from shnor_core.sources import SUBMISSION, landing_folder
from tests.workbooks import MONITORING_ID


def test_checker_scores_equal_the_marts_on_the_demo_forms(sample_cycle):
    marts = warehouse.query(sample_cycle.warehouse, "select municipality_oktmo, indicator_code, score, max_score "
                                                    "from marts.mart_indicator_scores where monitoring_id = ?",
                            [MONITORING_ID])
    expected = {(r.municipality_oktmo, r.indicator_code): (r.score, None if pd.isna(r.max_score) else int(r.max_score))
                for r in marts.itertuples()}
    forms = sorted(landing_folder(sample_cycle, SUBMISSION, MONITORING_ID).glob("*.xlsx"))
    assert len(forms) == 44
    compared = 0
    for path in forms:
        verdict = check_file(path, SUBMISSION.name, MONITORING_ID)
        assert verdict.accepted, (path.name, verdict.errors)
        oktmo = verdict.read.municipality.oktmo
        for item in verdict.indicators:
            score, maximum = expected[(oktmo, item["code"])]
            assert abs(item["score"] - score) < 1e-12 and item["max"] == maximum, (path.name, item)
            compared += 1
    assert compared == 44 * 25 == len(expected)
