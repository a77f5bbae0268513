"""The dbt project only points down: staging reads sources and seeds, intermediate reads staging, intermediate and
seeds, marts read any of those and other marts — never an arrow up (an `int_` model reading a `dim_`/`fct_`/`mart_`).
Checked over dbt's own manifest (`dbt parse`, no warehouse needed), so a new ref that breaks the direction is named
here with the file it is in."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from shnor_core.settings import DBT_PROJECT_DIR

# the layer of a model is its folder under models/; what it may read, by resource type and layer
LAYERS = ("staging", "intermediate", "marts")
PREFIXES = {"staging": ("stg_",), "intermediate": ("int_",), "marts": ("dim_", "fct_", "mart_")}
MAY_READ = {
    "staging": {"staging"},
    "intermediate": {"staging", "intermediate"},
    "marts": {"staging", "intermediate", "marts"},
}


@pytest.fixture(scope="module")
def manifest(tmp_path_factory) -> dict:
    target = tmp_path_factory.mktemp("dbt_target")
    environment = {**os.environ, "DBT_TARGET_PATH": str(target), "DBT_LOG_PATH": str(target / "logs"),
                   "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
                   "SHNOR_WAREHOUSE": str(target / "parse_only.duckdb")}
    dbt = Path(sys.executable).with_name("dbt")
    completed = subprocess.run(
        [str(dbt), "parse", "--no-partial-parse", "--project-dir", str(DBT_PROJECT_DIR),
         "--profiles-dir", str(DBT_PROJECT_DIR)], env=environment, capture_output=True, text=True)
    assert completed.returncode == 0, completed.stdout[-4000:]
    return json.loads((target / "manifest.json").read_text(encoding="utf-8"))


def layer(node: dict) -> str:
    return node["original_file_path"].split("/")[1]


def models(manifest: dict) -> dict[str, dict]:
    return {key: node for key, node in manifest["nodes"].items() if node["resource_type"] == "model"}


def upward_refs(manifest: dict) -> list[str]:
    """Every ref from a model to a model of a layer it may not read, as «model (file) → model (layer)»."""
    nodes = models(manifest)
    offenders = []
    for node in nodes.values():
        for parent_id in node["depends_on"]["nodes"]:
            parent = nodes.get(parent_id)
            if parent is not None and layer(parent) not in MAY_READ[layer(node)]:
                offenders.append(f"{node['name']} ({node['original_file_path']}) → {parent['name']} "
                                 f"({layer(parent)})")
    return sorted(offenders)


def test_every_model_lives_in_a_layer_and_is_named_for_it(manifest):
    misplaced = sorted(f"{node['name']} ({node['original_file_path']})" for node in models(manifest).values()
                       if layer(node) not in LAYERS or not node["name"].startswith(PREFIXES[layer(node)]))
    assert misplaced == [], "модели вне своего слоя или с чужим префиксом: " + "; ".join(misplaced)


def test_refs_only_point_down(manifest):
    offenders = upward_refs(manifest)
    assert offenders == [], "ссылки вверх по слоям dbt: " + "; ".join(offenders)


def test_an_upward_ref_is_named():
    """The check itself, on a manifest made by hand: of three refs one points up, and it is named."""
    def model(name: str, path: str, *parents: str) -> dict:
        return {"resource_type": "model", "name": name, "original_file_path": f"models/{path}/{name}.sql",
                "depends_on": {"nodes": [f"model.shnor.{parent}" for parent in parents]}}
    nodes = [model("stg_files", "staging/shared"), model("int_current", "intermediate/shared", "stg_files"),
             model("dim_school", "marts/schools", "int_current"),
             model("int_ior", "intermediate/schools", "int_current", "dim_school")]
    hand_made = {"nodes": {f"model.shnor.{node['name']}": node for node in nodes}}
    assert upward_refs(hand_made) == [
        "int_ior (models/intermediate/schools/int_ior.sql) → dim_school (marts)"]
