"""A municipality may have several versions in the ОКТМО reference (a district turned into a municipal okrug in
2024–2025: a new name and kind from valid_from, the old version closed by valid_to). int_municipalities and
dim_municipality keep one row per version; everything else names a municipality through int_current_municipalities
(one row per ОКТМО, the current version), so no join multiplies a mart's rows by the versions. This file guards
that one rule: no model or macro joins the versioned reference directly, and on the sample cycle a second version
of one municipality changes no mart's number of rows and leaves its old name in none of them."""

from __future__ import annotations

import re
import subprocess

import duckdb
import pytest

from shnor.dbt_runner import dbt_command, dbt_environment
from shnor_core.settings import DBT_PROJECT_DIR
from tests.shared_cycle import copy_of_sample_cycle

VERSIONED = re.compile(r"""ref\(\s*['"](int_municipalities|dim_municipality)['"]\s*\)""")
# the versioned reference itself: the current view of it, and its publication as is
MAY_READ_VERSIONS = {"int_current_municipalities.sql", "dim_municipality.sql"}


def test_only_the_current_view_reads_the_versioned_reference():
    offenders = sorted(
        f"{path.relative_to(DBT_PROJECT_DIR)}: {match.group(0)}"
        for folder in ("models", "macros", "tests")
        for path in (DBT_PROJECT_DIR / folder).rglob("*.sql")
        if path.name not in MAY_READ_VERSIONS
        for match in VERSIONED.finditer(path.read_text(encoding="utf-8")))
    assert offenders == [], ("модели соединяются со справочником МО, где у ОКТМО может быть несколько редакций "
                             "(строки умножатся); соединяйте с int_current_municipalities: " + "; ".join(offenders))


def test_the_guard_finds_a_direct_join():
    sql = "inner join {{ ref(\"dim_municipality\") }} as m on m.municipality_oktmo = s.municipality_oktmo"
    assert [match.group(1) for match in VERSIONED.finditer(sql)] == ["dim_municipality"]


RENAMED = "03601000"  # Абинский муниципальный район of the sample region (Krasnodar, ОКТМО prefix 03)
NEW_NAME = "Абинский муниципальный округ"


def _mart_rows(warehouse) -> dict[str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        tables = [name for (name,) in connection.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1").fetchall()]
        return {name: connection.execute(f"select count(*) from marts.{name}").fetchone()[0] for name in tables}


def _names_of_renamed(warehouse) -> dict[str, set[str]]:
    """Per mart with both columns, the names it gives the renamed ОКТМО."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        tables = [name for (name,) in connection.execute(
            "select table_name from information_schema.columns where table_schema = 'marts' "
            "and column_name in ('municipality_oktmo', 'municipality_name') "
            "group by table_name having count(*) = 2 order by 1").fetchall()]
        return {name: {value for (value,) in connection.execute(
            f"select distinct municipality_name from marts.{name} where municipality_oktmo = ?", [RENAMED]).fetchall()}
            for name in tables}


@pytest.mark.slow
def test_a_second_version_of_a_municipality_duplicates_no_mart_row(tmp_path_factory):
    """The sample cycle rebuilt with 03601000 a district until 2024-12-31 and a municipal okrug from 2025-01-01
    (the seed's table edited in place, as a region's maintainer adds the row): every mart keeps its number of rows
    but dim_municipality, which gains the one version; the marts' grain tests pass; every mart that names the
    municipality names it as today."""
    home = copy_of_sample_cycle(tmp_path_factory, "two-versions")[0]
    before = _mart_rows(home.warehouse)
    with duckdb.connect(str(home.warehouse)) as connection:
        connection.execute("update reference.ref_municipalities set valid_to = date '2024-12-31' where oktmo8 = ?",
                           [RENAMED])
        connection.execute(
            "insert into reference.ref_municipalities (oktmo8, control_digit, name, kind, valid_from, valid_to) "
            "select oktmo8, control_digit, ?, 'municipal_okrug', date '2025-01-01', null "
            "from reference.ref_municipalities where oktmo8 = ?", [NEW_NAME, RENAMED])
    built = subprocess.run(dbt_command("build", "--select", "int_municipalities+", "--exclude", "resource_type:unit_test",
                                       "resource_type:exposure"),
                           env=dbt_environment(home), capture_output=True, text=True)
    assert built.returncode == 0, built.stdout[-4000:]
    after = _mart_rows(home.warehouse)
    assert after == {**before, "dim_municipality": before["dim_municipality"] + 1}
    named = _names_of_renamed(home.warehouse)
    assert named.pop("dim_municipality") == {"Абинский муниципальный район", NEW_NAME}
    assert {name: names for name, names in named.items() if names - {NEW_NAME}} == {}
    assert sum(1 for names in named.values() if names) >= 10  # the renamed ОКТМО is in the marts that name it
