"""Who may see a mart's rows is declared, never guessed: every mart names its municipality key (row-level
security for municipal users on PostgreSQL) or says why every municipality may read it whole."""

from __future__ import annotations

import json

from shnor_core import warehouse


def undeclared(manifest: dict, columns: dict[str, set[str]]) -> list[str]:
    """Marts that would reach municipal users without a declared rule, or declare a column they lack."""
    problems = []
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model" or node["config"].get("schema") != "marts":
            continue
        name, meta = node["name"], node["config"].get("meta") or {}
        key, region_wide = meta.get("municipality_key"), meta.get("region_wide")
        if key and key not in columns.get(name, set()):
            problems.append(f"{name}: municipality_key «{key}» is not one of its columns")
        elif not key and not region_wide:
            problems.append(f"{name}: declares neither meta.municipality_key nor meta.region_wide")
    return problems


def built_columns(home) -> dict[str, set[str]]:
    frame = warehouse.query(home.warehouse, "select table_name, column_name from information_schema.columns "
                                            "where table_schema = 'marts'")
    return frame.groupby("table_name")["column_name"].agg(set).to_dict()


def manifest_of(home) -> dict:
    return json.loads((home.dbt_artifacts / "target" / "manifest.json").read_text(encoding="utf-8"))


def test_every_mart_declares_who_may_see_its_rows(sample_cycle):
    manifest = manifest_of(sample_cycle)
    marts = [n for n in manifest["nodes"].values() if n["resource_type"] == "model" and n["config"].get("schema") == "marts"]
    assert len(marts) >= 20
    assert undeclared(manifest, built_columns(sample_cycle)) == []


def test_a_mart_keyed_by_another_column_is_refused_until_declared(sample_cycle):
    manifest = manifest_of(sample_cycle)
    node = {"resource_type": "model", "name": "mart_new_by_mo", "config": {"schema": "marts", "meta": {}}}
    manifest["nodes"]["model.shnor.mart_new_by_mo"] = node
    columns = {**built_columns(sample_cycle), "mart_new_by_mo": {"mo_oktmo", "value"}}
    assert undeclared(manifest, columns) == ["mart_new_by_mo: declares neither meta.municipality_key nor meta.region_wide"]
    node["config"]["meta"] = {"municipality_key": "municipality_oktmo"}  # declared, but the wrong column
    assert undeclared(manifest, columns) == ["mart_new_by_mo: municipality_key «municipality_oktmo» is not one of its columns"]
    node["config"]["meta"] = {"municipality_key": "mo_oktmo"}
    assert undeclared(manifest, columns) == []
