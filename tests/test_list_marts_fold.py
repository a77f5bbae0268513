"""The list marts retired by the fold of issue 31 (CHANGELOG.md) are reproducible from the marts that replace them:
each retired mart's SQL, as dbt compiled it before the fold (tests/fixtures/retired_list_marts/), run on the sample
cycle's warehouse, gives exactly the rows a query of mart_shnor_municipality_lists gives (the mapping of the
changelog, written as SQL). What a BI report read from a retired mart it can read from the new one."""

from __future__ import annotations

from pathlib import Path

import pytest

from shnor_core import warehouse

RETIRED = Path(__file__).parent / "fixtures" / "retired_list_marts"

LISTS = "marts.mart_shnor_municipality_lists"
# Each retired mart's columns, in its order, from the new mart: the rows of a block that is not empty.
REPLACEMENTS = {
    "mart_shnor_comparison": f"""
        select municipality_oktmo, municipality_name, result_year, federal_schools, regional_schools, in_both,
               only_federal, only_regional, biased_schools, has_no_federal_listed_school
        from {LISTS} where federal_schools is not null""",
    "mart_shnor_dynamics": " union all ".join(f"""
        select lists.municipality_oktmo, lists.municipality_name, '{methodology}' as methodology,
               labels.label as methodology_label, lists.result_year, lists.{methodology}_previous_schools,
               lists.{methodology}_schools, lists.{methodology}_stayed, lists.{methodology}_entered,
               lists.{methodology}_left_list
        from {LISTS} as lists
        left join reference.code_labels as labels on labels.code_set = 'methodology' and labels.code = '{methodology}'
        where lists.{methodology}_stayed is not null""" for methodology in ("federal", "regional")),
    "mart_shnor_list_changes": f"""
        select municipality_oktmo, municipality_name, result_year, computed_on_list, computed_identified,
               computed_kept_by_exit_rule, computed_entered, computed_persisting, computed_exited, cusp_schools
        from {LISTS} where computed_on_list is not null""",
}


@pytest.mark.parametrize("retired", sorted(REPLACEMENTS))
def test_every_row_of_a_retired_list_mart_is_in_the_new_one(sample_cycle, retired):
    before = (RETIRED / f"{retired}.sql").read_text(encoding="utf-8")
    after = REPLACEMENTS[retired]
    rows = warehouse.query(sample_cycle.warehouse, f"select count(*) as n from ({before}) as retired").iloc[0]["n"]
    # the retired mart's rows (is_demo, added after the build, aside) against the new query's, duplicates counted
    missing = warehouse.query(sample_cycle.warehouse, f"select * from ({before}) as retired except all ({after})")
    extra = warehouse.query(sample_cycle.warehouse, f"({after}) except all select * from ({before}) as retired")
    assert rows > 0
    assert missing.empty, missing.head()
    assert extra.empty, extra.head()


def test_the_sample_cycle_has_what_the_fold_is_checked_on(sample_cycle):
    """Moves to compare (two years of each methodology's list, the computed list's second year), so that the
    reproduction above is checked on counts, not on empty blocks."""
    lists = warehouse.query(sample_cycle.warehouse, f"""
        select count(distinct result_year) as years, sum(federal_stayed) as federal_stayed,
               sum(regional_entered) as regional_entered, sum(computed_persisting) as computed_persisting,
               sum(cusp_schools) as cusp from {LISTS}""").iloc[0]
    assert lists["years"] == 2
    assert min(lists["federal_stayed"], lists["regional_entered"], lists["computed_persisting"], lists["cusp"]) > 0
