"""Great Expectations on raw tables: one suite file per raw table in ``expectations/``.

GX has no DuckDB dialect (see docs/architecture.md), so each file's rows are read over a
read-only connection into pandas and validated there. Failed rows are mapped back to their
source cells so a municipality sees which cell broke which rule.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd

from shnor.settings import EXPECTATIONS_DIR


@dataclass
class ValidationOutcome:
    suite: str
    success: bool
    results: list[dict] = field(default_factory=list)
    cell_errors: list[dict] = field(default_factory=list)
    result_json: dict = field(default_factory=dict)


def load_suite_definition(name: str) -> dict:
    return json.loads((EXPECTATIONS_DIR / f"{name}.json").read_text(encoding="utf-8"))


@cache
def _gx():
    """One ephemeral GX context per process; imported lazily because importing GX takes seconds."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch_definition = context.data_sources.add_pandas("raw").add_dataframe_asset("file").add_batch_definition_whole_dataframe("whole")
    return gx, context, batch_definition


@cache
def _suite(name: str):
    gx, context, _ = _gx()
    return context.suites.add(gx.ExpectationSuite(**load_suite_definition(name)))


def validate_frame(frame: pd.DataFrame, suite_name: str) -> ValidationOutcome:
    _, _, batch_definition = _gx()
    frame = frame.reset_index(drop=True)
    result = batch_definition.get_batch(batch_parameters={"dataframe": frame}).validate(
        _suite(suite_name), result_format="COMPLETE"
    )
    outcome = ValidationOutcome(suite_name, bool(result.success), result_json=result.to_json_dict())
    for item in result.results:
        config = item.expectation_config
        rule = (config.meta or {}).get("rule", config.type)
        column = config.kwargs.get("column") or ",".join(config.kwargs.get("column_list", []) or [])
        details = item.result or {}
        outcome.results.append({
            "expectation": config.type, "column": column or None, "success": bool(item.success),
            "unexpected_count": details.get("unexpected_count"), "rule": rule,
        })
        if item.success:
            continue
        for index in details.get("unexpected_index_list") or []:
            row = frame.iloc[int(index)]
            outcome.cell_errors.append({
                "file": row.get("source_file", ""), "sheet": row.get("source_sheet", ""),
                "cell": row.get("source_cell", f"строка {row.get('source_row', '')}"),
                "indicator": row.get("indicator_code", row.get("school_code", "")),
                "value": "" if column not in row or pd.isna(row.get(column)) else str(row.get(column)),
                "rule": rule,
            })
        if not details.get("unexpected_index_list"):
            outcome.cell_errors.append({"file": "", "sheet": "", "cell": "", "indicator": "", "value": "", "rule": rule})
    return outcome


def save_result(outcome: ValidationOutcome, folder: Path, sha256: str) -> Path:
    path = folder / outcome.suite / f"{sha256}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(outcome.result_json, ensure_ascii=False, indent=1), encoding="utf-8")
    return path
