"""Great Expectations on raw tables: one suite file per raw table in ``expectations/``.

GX has no DuckDB dialect (see docs/architecture.md), so the rows of the files waiting for validation are
read into pandas, one frame per kind, and validated there in one run. Failed rows are mapped back to
their file and source cells, so a municipality sees which cell broke which rule.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd

from shnor_core.settings import EXPECTATIONS_DIR
from shnor_core.source_read import cap_errors


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
    import great_expectations as gx  # noqa: PLC0415 - seconds to import: only when validating
    from great_expectations.data_context.types.base import ProgressBarsConfig  # noqa: PLC0415

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
    """One file's rows through its suite (the whole frame is one file)."""
    outcomes, result_json = validate_files(frame.assign(source_sha256="file"), suite_name)
    outcome = outcomes.get("file", ValidationOutcome(suite_name, True))
    outcome.result_json = result_json
    return outcome


def validate_files(frame: pd.DataFrame, suite_name: str) -> tuple[dict[str, ValidationOutcome], dict]:
    """One GX validation over the rows of many files of a kind (each row names its file by
    ``source_sha256``): a file fails on the expectations its own rows broke, so one bad municipality never
    fails the others, and GX runs once per kind instead of once per file. Uniqueness expectations carry
    ``source_sha256`` in their columns, so they hold within each file. Returns each file's outcome and the
    batch's GX result (for Data Docs)."""
    _, _, batch_definition = _gx()
    frame = frame.reset_index(drop=True)
    result = batch_definition.get_batch(batch_parameters={"dataframe": frame}).validate(
        _suite(suite_name), result_format="COMPLETE"
    )
    files = frame["source_sha256"]
    outcomes = {sha256: ValidationOutcome(suite_name, True) for sha256 in files.unique()}
    for item in result.results:
        config = item.expectation_config
        rule = (config.meta or {}).get("rule", config.type)
        column = config.kwargs.get("column") or ",".join(c for c in config.kwargs.get("column_list", []) or []
                                                          if c != "source_sha256")
        details = item.result or {}
        failing_rows = [int(index) for index in details.get("unexpected_index_list") or []]
        unexpected = files.iloc[failing_rows].value_counts().to_dict() if failing_rows else {}
        whole_table_failed = not item.success and not failing_rows  # no rows to blame: every file fails
        for sha256, outcome in outcomes.items():
            failed = whole_table_failed or sha256 in unexpected
            outcome.results.append({"expectation": config.type, "column": column or None, "success": not failed,
                                    "unexpected_count": int(unexpected.get(sha256, 0)), "rule": rule})
            if failed:
                outcome.success = False
            if whole_table_failed:
                outcome.cell_errors.append({"file": "", "sheet": "", "cell": "", "indicator": "", "value": "", "rule": rule})
        for index in failing_rows:
            row = frame.iloc[index]
            outcomes[row["source_sha256"]].cell_errors.append({
                "file": row.get("source_file", ""), "sheet": row.get("source_sheet", ""),
                "cell": row.get("source_cell", f"строка {row.get('source_row', '')}"),
                "indicator": row.get("indicator_code", row.get("school_code", "")),
                "value": "" if column not in row or pd.isna(row.get(column)) else str(row.get(column)),
                "rule": rule,
            })
    for outcome in outcomes.values():
        outcome.cell_errors = cap_errors(outcome.cell_errors)
    return outcomes, result.to_json_dict()


def save_result(result_json: dict, folder: Path, suite: str, batch_id: str) -> Path:
    """The GX result of one validation run of a suite, kept for Data Docs."""
    path = folder / suite / f"{batch_id}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result_json, ensure_ascii=False, indent=1), encoding="utf-8")
    return path
