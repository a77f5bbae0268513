"""What an analyst finds on opening the published marts in a BI tool: every table and every column described in
Russian (the models' YAML, written as comments by dbt's persist_docs and carried into the published copy and its
Parquet files), and a «start here» table listing each mart with the question it answers."""

from __future__ import annotations

import json
import re

import duckdb
import pyarrow.parquet as pq
import pytest
import yaml

from shnor.publish import published_folder, published_marts
from shnor_core.settings import DBT_PROJECT_DIR

pytestmark = pytest.mark.slow


def doc_blocks() -> dict[str, str]:
    """The project's doc blocks ({% docs name %}…{% enddocs %} in models/**/*.md), as dbt renders them."""
    blocks = {}
    for path in sorted((DBT_PROJECT_DIR / "models").rglob("*.md")):
        for name, text in re.findall(r"{%\s*docs\s+(\w+)\s*%}(.*?){%\s*enddocs\s*%}", path.read_text(encoding="utf-8"), re.S):
            blocks[name] = text.strip()
    return blocks


def documented() -> dict[str, dict]:
    """Each published mart's YAML (a model of the marts layer stored outside schema marts is not published): its
    description and its columns' descriptions, a doc block ("{{ doc('name') }}") replaced by its text as dbt renders it."""
    blocks = doc_blocks()

    def rendered(text: str) -> str:
        return re.sub(r"{{\s*doc\(\s*['\"](\w+)['\"]\s*\)\s*}}", lambda match: blocks[match[1]], text).strip()

    models = {}
    for path in sorted((DBT_PROJECT_DIR / "models" / "marts").rglob("*.yml")):
        for model in yaml.safe_load(path.read_text(encoding="utf-8"))["models"]:
            config = model.get("config") or {}
            if config.get("materialized") == "ephemeral" or config.get("schema", "marts") != "marts":
                continue  # not published: no table, or a table of its own schema (lineage.fct_source_row_fates)
            models[model["name"]] = {"description": rendered(model["description"]),
                                     "columns": {c["name"]: rendered(c["description"]) for c in model["columns"]}}
    return models


@pytest.fixture(scope="module")
def published(sample_cycle):
    con = duckdb.connect(str(published_marts(sample_cycle)), read_only=True)
    yield con
    con.close()


def test_every_published_table_and_column_carries_its_description(published):
    tables = dict(published.execute("select table_name, comment from duckdb_tables() where schema_name = 'marts'").fetchall())
    columns = published.execute("select table_name, column_name, comment from duckdb_columns() "
                                "where schema_name = 'marts'").fetchall()
    models = documented()
    assert len(tables) >= 24 and set(tables) == set(models)
    assert all(comment and comment.strip() for comment in tables.values()), [t for t, c in tables.items() if not c]
    undescribed = [(table, column) for table, column, comment in columns if not (comment or "").strip()]
    assert not undescribed, f"столбцы без описания: {undescribed}"
    for table, column, comment in columns:  # the YAML's words, not some other text
        assert comment == models[table]["columns"][column], (table, column)
    assert tables["mart_indicator_scores"] == models["mart_indicator_scores"]["description"]
    assert len(columns) > 250


def test_parquet_files_carry_the_descriptions_too(sample_cycle):
    models = documented()
    for path in sorted((published_folder(sample_cycle) / "parquet").glob("*.parquet")):
        metadata = pq.read_metadata(path).metadata
        model = models[path.stem]
        assert metadata[b"description"].decode() == model["description"], path.name
        assert json.loads(metadata[b"column_descriptions"].decode()) == model["columns"], path.name


def test_the_guide_lists_every_mart_with_its_question(published):
    guide = published.execute("select mart_name, table_name, topic, question, grain, key_columns, mart_description "
                              "from marts.mart_guide order by guide_order").fetchall()
    tables = {row[0] for row in published.execute("select table_name from duckdb_tables() where schema_name = 'marts'").fetchall()}
    assert {row[0] for row in guide} == tables  # every published table, the guide itself first
    assert guide[0][0] == "mart_guide" and guide[1][0] == "mart_municipality_totals"
    for name, table, topic, question, grain, key_columns, description in guide:
        assert table == f"marts.{name}" and "?" in question, name
        assert topic in {"Формы мониторинга", "Школьные формы и расчётные окна", "Дорожные карты и кадры", "Школы", "Справочники"} and grain and description
        columns = {row[0] for row in published.execute(
            "select column_name from duckdb_columns() where schema_name = 'marts' and table_name = ?", [name]).fetchall()}
        assert set(key_columns.split(", ")) <= columns, (name, key_columns)  # the key names real columns
    totals = next(row for row in guide if row[0] == "mart_municipality_totals")
    assert "итоговый балл" in totals[3].lower()

