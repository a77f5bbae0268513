"""A municipality may have several versions in the ОКТМО reference (a district turned into a municipal okrug in
2024–2025: a new name and kind from valid_from, the old version closed by valid_to). int_municipalities and
dim_municipality keep one row per version; everything else names a municipality through int_current_municipalities
(one row per ОКТМО, the current version), so no join multiplies a mart's rows by the versions. This file guards
that one rule: no model or macro joins the versioned reference directly (its grain is unit-tested in
int_current_municipalities.yml, and its uniqueness data-tested there)."""

from __future__ import annotations

import re

from shnor_core.settings import DBT_PROJECT_DIR

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
