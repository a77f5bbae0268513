"""One place per threshold: a threshold is a dbt var (dbt_project.yml, described in macros/letter_thresholds.sql) or
a row of seed methodology_parameters (with its unit and source), never both; mart_letter_thresholds publishes all
of them, and the reports ask that mart for a threshold by name."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import yaml

from shnor_core.settings import DBT_PROJECT_DIR

ROOT = Path(__file__).resolve().parents[1]


def dbt_vars() -> set[str]:
    project = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))
    return set(project["vars"])


def described_vars() -> dict[str, str]:
    macro = (DBT_PROJECT_DIR / "macros" / "letter_thresholds.sql").read_text(encoding="utf-8")
    return {name: text for name, text in re.findall(r"\('(\w+)', '\w+', '([^']+)'\)", macro)}


def seed_parameters() -> list[dict]:
    with (DBT_PROJECT_DIR / "seeds" / "methodology_parameters.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_every_var_is_a_described_threshold():
    assert dbt_vars() == set(described_vars())
    assert all(re.search("[а-яё]", text) for text in described_vars().values())


def test_no_threshold_is_both_a_var_and_a_seed_row():
    parameters = [row["parameter"] for row in seed_parameters()]
    assert len(parameters) == len(set(parameters)) == 9
    assert dbt_vars() & set(parameters) == set()
    assert all(row["unit"].strip() and row["source"].strip() for row in seed_parameters())


def test_reports_ask_the_mart_for_thresholds_it_publishes():
    """Every threshold a report reads by name (``marts.threshold("…")``) is a var or a seed row."""
    asked = {name for path in (ROOT / "reports").glob("*.py")
             for name in re.findall(r"threshold\(\"(\w+)\"\)", path.read_text(encoding="utf-8"))}
    assert {"letter_weak_line", "shnor_exit_cycles", "shnor_cusp_band"} <= asked
    assert asked <= dbt_vars() | {row["parameter"] for row in seed_parameters()}
