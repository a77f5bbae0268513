"""Great Expectations on raw tables: one suite file per raw table in ``expectations/``.

GX has no DuckDB dialect (see docs/architecture.md), so the rows of the files waiting for validation are
read into pandas, one frame per kind, and validated there in one run. Failed rows are mapped back to
their file and source cells, so a municipality sees which cell broke which rule. The run's GX result
names which rows were whose file (``meta.shnor_files``), so Data Docs show one result per file
(:func:`split_by_file`).
"""

from __future__ import annotations

import copy
import json
import logging
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd

from shnor_core.settings import EXPECTATIONS_DIR
from shnor_core.source_read import cap_errors
from shnor_core.text import typed_number


@dataclass
class ValidationOutcome:
    suite: str
    success: bool
    results: list[dict] = field(default_factory=list)
    cell_errors: list[dict] = field(default_factory=list)
    result_json: dict = field(default_factory=dict)


def load_suite_definition(name: str) -> dict:
    """A suite as its file says, each expectation described by its Russian rule (``meta.rule``): GX's
    Data Docs print an expectation's ``description`` instead of their English template."""
    suite = json.loads((EXPECTATIONS_DIR / f"{name}.json").read_text(encoding="utf-8"))
    for expectation in suite["expectations"]:
        rule = (expectation.get("meta") or {}).get("rule")
        if rule and not expectation.get("description"):
            expectation["description"] = rule_description(rule, expectation["kwargs"])
    return suite


def rule_description(rule: str, kwargs: dict) -> str:
    """«Балл наличия должен быть 0 или 1 (столбец value)»: the rule as a person reads it, with its column."""
    columns = kwargs.get("column") or ", ".join(c for c in kwargs.get("column_list") or [] if c != "source_sha256")
    text = rule[:1].upper() + rule[1:]
    return f"{text} (столбец {columns})" if columns else text


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
                "value": "" if column not in row or pd.isna(row.get(column)) else typed_number(row.get(column)),
                "rule": rule,
            })
    for outcome in outcomes.values():
        outcome.cell_errors = cap_errors(outcome.cell_errors)
    result_json = result.to_json_dict()
    result_json.setdefault("meta", {})["shnor_files"] = _file_rows(frame)
    return outcomes, result_json


def _file_rows(frame: pd.DataFrame) -> list[dict]:
    """Which rows of the validated frame were whose file: runs of row positions ``[start, stop)``."""
    files = []
    for sha256, positions in frame.groupby("source_sha256", sort=False).indices.items():
        positions = sorted(int(p) for p in positions)
        runs, start = [], positions[0]
        for previous, current in zip(positions, positions[1:]):
            if current != previous + 1:
                runs.append([start, previous + 1])
                start = current
        runs.append([start, positions[-1] + 1])
        name = frame["source_file"].iloc[positions[0]] if "source_file" in frame else ""
        files.append({"source_sha256": str(sha256), "source_file": "" if pd.isna(name) else str(name),
                      "rows": len(positions), "runs": runs})
    return files


def split_by_file(result_json: dict) -> list[tuple[dict, dict]]:
    """One GX result per file out of a run over many (each file's rows, its failures, its statistics), as
    if each file had been validated alone; pairs of (file entry of ``meta.shnor_files``, result). A result
    saved without the file map is returned whole."""
    files = (result_json.get("meta") or {}).get("shnor_files")
    if not files:
        return [({}, result_json)]
    return [(entry, _file_result(result_json, entry)) for entry in files]


def _file_result(result_json: dict, entry: dict) -> dict:
    runs = [range(start, stop) for start, stop in entry["runs"]]

    def position(index: int) -> int | None:  # the row's position within its file, or None if not its row
        offset = 0
        for run in runs:
            if index in run:
                return offset + index - run.start
            offset += len(run)
        return None

    single = copy.deepcopy(result_json)
    single["meta"] = {key: value for key, value in single.get("meta", {}).items() if key != "shnor_files"}
    single["meta"]["shnor_file"] = {key: entry[key] for key in ("source_sha256", "source_file", "rows")}
    passed = 0
    for item in single["results"]:
        details = item.get("result") or {}
        indices = details.get("unexpected_index_list")
        if indices is None:  # an expectation on the whole table: its verdict holds for every file
            passed += bool(item["success"])
            continue
        values = details.get("unexpected_list") or [None] * len(indices)
        own = [(position(int(index)), value) for index, value in zip(indices, values)]
        own = [(where, value) for where, value in own if where is not None]
        failed_table_wide = not item["success"] and not indices
        item["success"] = not own and not failed_table_wide
        passed += item["success"]
        rows = entry["rows"]
        partial = [value for _, value in own[:20]]
        counts: dict = {}
        for value in partial:
            counts[json.dumps(value, sort_keys=True, default=str)] = counts.get(json.dumps(value, sort_keys=True, default=str), 0) + 1
        item["result"] = {
            "element_count": rows, "unexpected_count": len(own),
            "unexpected_percent": 100 * len(own) / rows if rows else 0.0,
            "partial_unexpected_list": partial,
            "partial_unexpected_counts": [{"value": json.loads(value), "count": count} for value, count in counts.items()],
            "unexpected_list": [value for _, value in own], "unexpected_index_list": [where for where, _ in own],
        }
    total = len(single["results"])
    single["success"] = passed == total
    single["statistics"] = {"evaluated_expectations": total, "successful_expectations": passed,
                            "unsuccessful_expectations": total - passed,
                            "success_percent": 100 * passed / total if total else 100.0}
    return single


def save_result(result_json: dict, folder: Path, suite: str, batch_id: str) -> Path:
    """The GX result of one validation run of a suite, kept for Data Docs."""
    path = folder / suite / f"{batch_id}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result_json, ensure_ascii=False, indent=1), encoding="utf-8")
    return path
