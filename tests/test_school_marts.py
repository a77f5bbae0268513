"""School marts on the sample region, checked against figures worked out here from the raw tables alone:
ИОР, context index, each identification rule with its reasons, a suppressed cell, the federal/regional
comparison and two-year dynamics of one municipality, a risk profile, and mentoring coverage."""

from __future__ import annotations

import pandas as pd
import pytest

from shnor_core import warehouse

pytestmark = pytest.mark.slow

MIN_PARTICIPANTS, RISK_SHARE, LOWEST_SHARE = 10, 0.30, 0.10


@pytest.fixture(scope="module")
def region(sample_cycle):
    return sample_cycle


def sql(home, query, params=None):
    return warehouse.query(home.warehouse, query, params)


@pytest.fixture(scope="module")
def vpr_cells(region):
    """ВПР cells from raw: participants, share of «2», mean mark, suppressed when under 10 participants."""
    raw = sql(region, "select school_code, year, subject, grade, metric, value from raw.assessment_results "
                      "where procedure = 'ВПР'")
    cells = raw.pivot_table(index=["school_code", "year", "subject", "grade"], columns="metric", values="value")
    cells = cells.reset_index()
    cells["mean"] = sum(k * cells[f"mark_{k}_share"] for k in (2, 3, 4, 5))
    cells["suppressed"] = cells["participants"] < MIN_PARTICIPANTS
    return cells


@pytest.fixture(scope="module")
def identification(region):
    return sql(region, "select * from marts.mart_school_identification")


def hand_ior(cells: pd.DataFrame, year: int) -> pd.Series:
    """z-scores within subject and grade over unsuppressed cells; ИОР = mean over cells of 0.5·(−z₂) + 0.5·z_mean."""
    used = cells[(cells["year"] == year) & ~cells["suppressed"]].copy()
    for column in ("mark_2_share", "mean"):
        group = used.groupby(["subject", "grade"])[column]
        used[f"z_{column}"] = (used[column] - group.transform("mean")) / group.transform(lambda s: s.std(ddof=0))
    used["score"] = 0.5 * -used["z_mark_2_share"] + 0.5 * used["z_mean"]
    return used.groupby("school_code")["score"].mean()


def test_ior_matches_a_hand_computation(vpr_cells, identification):
    expected = hand_ior(vpr_cells, 2025)
    marts = identification[identification["result_year"] == 2025].set_index("school_code")["ior"].dropna()
    assert len(marts) == len(expected) > 1100
    assert (marts.sort_index() - expected.sort_index()).abs().max() < 1e-9
    school = expected.idxmin()  # the weakest school of the region, its ИОР recomputed by hand
    assert marts[school] == pytest.approx(expected[school]) and expected[school] < -1.5


def test_context_index_and_cluster(region, identification):
    context = sql(region, "select * from raw.oo1_context").set_index("school_code")
    index = ((context["locality"] == "сельская").astype(int) + (context["pupils_total"] < 100).astype(int)
             + (context["pupils_ovz"] / context["pupils_total"] >= 0.07).astype(int)
             + (context["teacher_vacancies"] / context["teachers_total"] >= 0.05).astype(int))
    marts = identification[identification["result_year"] == 2025].set_index("school_code")
    assert (marts["context_index"] == index.reindex(marts.index)).all()
    # one school with two factors: a ШССУ, compared only with the other ШССУ
    school = index[index == 2].index[0]
    row = marts.loc[school]
    assert row["is_sscu"] and row["cluster_code"] == "difficult"
    assert row["ior_cluster_size"] == ((marts["cluster_code"] == "difficult") & marts["ior"].notna()).sum()


def test_each_rule_identifies_a_school_with_its_reasons(region, vpr_cells, identification):
    reasons = sql(region, "select * from marts.mart_school_identification_reasons where result_year = 2025")
    by_rule = {rule: group.set_index("school_code") for rule, group in reasons.groupby("rule_code")}
    marts = identification[identification["result_year"] == 2025].set_index("school_code")

    # lowest ИОР: the bottom 10 % of the favourable cluster, by hand
    favourable = marts[(marts["cluster_code"] == "favourable") & marts["ior"].notna()]["ior"].sort_values()
    bottom = set(favourable.index[: int(LOWEST_SHARE * len(favourable))])
    assert bottom <= set(by_rule["lowest_ior"].index)
    weakest = favourable.index[0]
    assert f"место 1 из {len(favourable)} в кластере «Благоприятные условия»" in by_rule["lowest_ior"].loc[weakest, "reason_detail"]

    # several low procedures in a year (ВПР; ЕГЭ counted the same way from its own table)
    results = sql(region, "select * from marts.fct_assessment_results where not is_suppressed")
    low = results[results["low_result_share"] >= RISK_SHARE]
    per_year = low[low["assessment_year"] == 2025].groupby("school_code").size()
    several = set(per_year[per_year >= 2].index)
    assert several and several == set(by_rule["risk_several_procedures"].index)
    school = sorted(several)[0]
    shares = low[(low["school_code"] == school) & (low["assessment_year"] == 2025)]["low_result_share"]
    for share in shares:
        assert f"— {round(share * 100, 1):.1f} %" in by_rule["risk_several_procedures"].loc[school, "reason_detail"]

    # the same procedure low two years running
    keys = ["school_code", "assessment_procedure", "subject", "grade"]
    both = low[low["assessment_year"] == 2025].merge(low[low["assessment_year"] == 2024], on=keys)
    assert set(both["school_code"]) == set(by_rule["risk_repeated_procedure"].index) != set()

    # ФИОКО's biased results: flagged, kept in the mart, not identified for it
    biased = set(sql(region, "select school_code from raw.school_lists where list_kind = 'biased_results'")["school_code"])
    assert biased == set(by_rule["biased_results"].index) and biased <= set(marts.index)
    assert marts.loc[sorted(biased), "is_biased_results"].all()
    only_biased = biased - several - set(by_rule["risk_repeated_procedure"].index) - set(by_rule["lowest_ior"].index)
    assert only_biased and not marts.loc[sorted(only_biased), "is_regional_shnor"].any()
    assert (marts["is_regional_shnor"] == marts.index.isin(several | set(both["school_code"])
                                                            | set(by_rule["lowest_ior"].index))).all()


def test_a_small_cell_is_suppressed_and_left_out_of_the_ior(region, vpr_cells, identification):
    small = vpr_cells[(vpr_cells["year"] == 2025) & vpr_cells["suppressed"]].iloc[0]
    fact = sql(region, "select * from marts.fct_assessment_results where school_code = ? and assessment_year = 2025 "
                       "and subject = ? and grade = ?", [small["school_code"], small["subject"], int(small["grade"])]).iloc[0]
    assert fact["is_suppressed"] and pd.isna(fact["low_result_share"]) and pd.isna(fact["mean_result"])
    assert fact["participants"] == small["participants"] < 10
    row = identification[(identification["school_code"] == small["school_code"]) & (identification["result_year"] == 2025)]
    unsuppressed = ((vpr_cells["school_code"] == small["school_code"]) & (vpr_cells["year"] == 2025)
                    & ~vpr_cells["suppressed"]).sum()
    assert row["ior_cells_used"].fillna(0).iloc[0] == unsuppressed < 2


def test_federal_regional_comparison_and_dynamics_of_one_municipality(region, identification):
    oktmo = "03701000"  # город Краснодар
    schools = set(sql(region, "select school_code from raw.schools where municipality_oktmo = ?", [oktmo])["school_code"])
    lists = sql(region, "select year, school_code from raw.school_lists where list_kind = 'shnor_federal'")
    federal = {year: set(group["school_code"]) & schools for year, group in lists.groupby("year")}
    regional = {year: set(group["school_code"]) & schools
                for year, group in identification[identification["is_regional_shnor"]].groupby("result_year")}
    comparison = sql(region, "select * from marts.mart_shnor_municipality_lists where municipality_oktmo = ? "
                             "and result_year = 2025", [oktmo]).iloc[0]
    assert (comparison["in_both"], comparison["only_federal"], comparison["only_regional"]) == (
        len(federal[2025] & regional[2025]), len(federal[2025] - regional[2025]), len(regional[2025] - federal[2025]))
    assert comparison["regional_schools"] > 0
    row = comparison  # each methodology's moves: its columns of the same row
    for methodology, members in (("federal", federal), ("regional", regional)):
        assert (row[f"{methodology}_stayed"], row[f"{methodology}_entered"], row[f"{methodology}_left_list"]) == (
            len(members[2025] & members[2024]), len(members[2025] - members[2024]), len(members[2024] - members[2025]))


def test_risk_profile_of_one_school(region):
    context = sql(region, "select * from raw.oo1_context").set_index("school_code")
    profiles = sql(region, "select school_code, factor_code from marts.mart_school_risk_profiles where result_year = 2025")
    school = profiles.groupby("school_code").size().idxmax()  # the school with the most risk factors
    c = context.loc[school]
    mark_2 = sql(region, "select avg(low_result_share) as s from marts.fct_assessment_results where school_code = ? "
                         "and assessment_year = 2025 and assessment_procedure = 'ВПР' and not is_suppressed",
                 [school]).iloc[0]["s"]
    expected = {code for code, met in {
        "low_equipment": 100 * c["computers_total"] / c["pupils_total"] < 10,
        "no_internet": not c["has_internet"],
        "staff_shortage": c["teacher_vacancies"] / c["teachers_total"] >= 0.05,
        "low_qualification": c["teachers_higher_category"] / c["teachers_total"] < 0.15,
        "ageing_staff": c["teachers_60_plus"] / c["teachers_total"] >= 0.30,
        "failure_risk": mark_2 >= 0.25,
        "high_ovz_share": c["pupils_ovz"] / c["pupils_total"] >= 0.07,
    }.items() if met}
    assert set(profiles[profiles["school_code"] == school]["factor_code"]) == expected and len(expected) >= 3


def test_mentoring_coverage(region):
    # this year's assignments (the sample also has last year's curators, for continuity)
    mentored = set(sql(region, "select school_code from raw.mentor_assignments where year = 2025")["school_code"])
    for list_kind, year in (("project_500", 2025), ("shnor_federal", 2025)):
        listed = sql(region, "select l.school_code, s.municipality_oktmo from raw.school_lists l join raw.schools s "
                             "using (school_code) where l.list_kind = ? and l.year = ?", [list_kind, year])
        uncovered = listed[~listed["school_code"].isin(mentored)].groupby("municipality_oktmo").size()
        marts = sql(region, "select * from marts.mart_mentoring_coverage where list_kind = ? and result_year = ?",
                    [list_kind, year]).set_index("municipality_oktmo")
        assert marts["listed_schools"].sum() == len(listed)
        assert marts["schools_without_mentor"].to_dict() == uncovered.reindex(marts.index, fill_value=0).to_dict()
    # the sample's «500+» list has 18 schools and 17 with a curator: one goes without, and the mart shows it
    coverage = sql(region, "select sum(listed_schools) as listed, sum(schools_without_mentor) as uncovered "
                           "from marts.mart_mentoring_coverage where list_kind = 'project_500' and result_year = 2025").iloc[0]
    assert (coverage["listed"], coverage["uncovered"]) == (18, 1)
    people = sql(region, "select person_id, count(distinct school_code) as n from raw.mentor_assignments "
                         "where year = 2025 group by 1")
    load = sql(region, "select sum(schools_mentored) as schools from marts.mart_mentor_load where assignment_year = 2025").iloc[0]
    assert (people["n"] > 1).sum() == 4 and load["schools"] == 17  # 13 curators, every third holds two schools
