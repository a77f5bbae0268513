"""Seed 000's letter, computed: municipalities weak in named areas land in exactly those groups.

Every municipality of Краснодарский край submits a strong form (all sub-items present) except the
ones the letter of 16.01.2023 names in each group, which are weak in that group's sub-items.
A second cycle of the same form then shows the dynamics. Every rule checked here reads the forms only, so the
region has no school data, and both windows are built by one ``dbt build`` (a window's previous cycle is chosen
by the calendar, not by the order of builds).
"""

from __future__ import annotations

import pytest

from shnor.cycle import run_windows_in_process
from shnor_core import warehouse
from shnor_core.names import display_name, match_municipality
from shnor_core.reference import load_municipalities
from shnor_core.settings import DataHome
from tests.workbooks import form_values, write_submission

pytestmark = pytest.mark.slow

# Groups of the letter (points 3, 4, 5, 6, 8), municipalities as the letter writes them.
LETTER = {
    "courses_contests": ["МО город Анапа", "МО Апшеронский район", "МО Белоглинский район", "МО Гулькевичский район",
                         "МО Динской район", "МО Калининский район", "МО город Краснодар", "МО Лабинский район"],
    "tutor_interaction": ["МО Белореченский район", "МО город Горячий Ключ", "МО Ейский район", "МО Кавказский район",
                          "МО Курганинский район", "МО Славянский район", "МО город Сочи"],
    "remote_digital": ["МО город Геленджик", "МО Кавказский район", "МО Каневской район", "МО Крымский район"],
    "contests_innovation": ["МО Ейский район", "МО Приморско-Ахтарский район"],
    "media_library": ["МО Куцевский район", "МО Северский район", "МО Туапсинский район", "МО Щербиновский район"],
}
# What "weak" means in each area: the form's sub-items that the rule reads, set to 0.
WEAKNESS = {
    "courses_contests": {"MNC_6": [1, 0, 1, 1, 1], "MTKP_6": [1, 1, 0]},
    "tutor_interaction": {"MTKP_4": [0, 0, 0, 1]},
    "remote_digital": {"MNC_3": [0, 1, 1], "MTKP_3": [0, 1, 1]},
    "contests_innovation": {"MNC_6": [1, 1, 1, 0, 0]},
    "media_library": {"MNC_3": [1, 0, 1], "MTKP_3": [1, 0, 1]},
}
CYCLE_1, CYCLE_2 = "mph-2025", "mnc-mtkp-2025"


def merge(*overrides):
    merged = {}
    for override in overrides:
        for code, values in override.items():
            merged[code] = [min(a, b) for a, b in zip(merged[code], values)] if code in merged else values
    return merged


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    home = DataHome(tmp_path_factory.mktemp("home"))
    municipalities = load_municipalities("23")
    named = {area: {match_municipality(name, municipalities).municipality.oktmo for name in names}
             for area, names in LETTER.items()}
    landing = home.submissions_landing(CYCLE_1)
    for municipality in municipalities:
        weak = [WEAKNESS[area] for area, members in named.items() if municipality.oktmo in members]
        write_submission(landing / f"{municipality.oktmo}.xlsx", display_name(municipality), form_values(**merge(*weak)))

    second = home.submissions_landing(CYCLE_2)
    # the second window's template (its window in the header): unchanged values are still a file of their own
    write_submission(second / "Абинский.xlsx", "МО Абинский район", form_values(MNC_3=[1, 0, 0], MPH_8=[5]),
                     monitoring_id=CYCLE_2)
    write_submission(second / "Армавир.xlsx", "МО город Армавир", form_values(), monitoring_id=CYCLE_2)
    run_windows_in_process(home, [CYCLE_1, CYCLE_2], reports=False)
    return home, named


def rows(home, sql, params):
    return warehouse.query(home.warehouse, sql, params)


def test_each_group_lists_exactly_the_letters_municipalities(region):
    home, named = region
    selected = rows(home, "select rule_code, municipality_oktmo from marts.mart_recommendation where monitoring_id = ? "
                    "and in_letter and rule_code in (select unnest(?))", [CYCLE_1, list(LETTER)])
    found = {rule: set(group["municipality_oktmo"]) for rule, group in selected.groupby("rule_code")}
    assert found == named


def test_evidence_shows_the_values_that_selected_each(region):
    home, named = region
    sochi = match_municipality("МО город Сочи", load_municipalities("23")).municipality.oktmo
    evidence = rows(home, "select indicator_code, item_number, item_share from marts.mart_recommendation_evidence "
                    "where monitoring_id = ? and rule_code = 'tutor_interaction' and municipality_oktmo = ? "
                    "order by item_number", [CYCLE_1, sochi])
    assert list(evidence.itertuples(index=False, name=None)) == [
        ("MTKP-4", 1, 0.0), ("MTKP-4", 2, 0.0), ("MTKP-4", 3, 0.0), ("MTKP-4", 4, 1.0)]
    share = rows(home, "select rule_value as evidence_share, region_mean_value as region_mean_share "
                 "from marts.mart_recommendation where monitoring_id = ? and rule_code = 'tutor_interaction' "
                 "and municipality_oktmo = ?", [CYCLE_1, sochi]).iloc[0]
    assert share["evidence_share"] == 0.25
    # 7 municipalities at 0.25, 37 at 1.0: (7 · 0.25 + 37) / 44
    assert share["region_mean_share"] == pytest.approx((7 * 0.25 + 37) / 44)


def test_practices_come_from_municipalities_strong_in_the_area(region):
    home, named = region
    practices = rows(home, "select rule_code, municipality_oktmo from marts.mart_recommended_practices "
                     "where monitoring_id = ? and rule_code in (select unnest(?))", [CYCLE_1, list(LETTER)])
    for rule, group in practices.groupby("rule_code"):
        assert set(group["municipality_oktmo"]) == {m.oktmo for m in load_municipalities("23")} - named[rule]


def test_dynamics_between_two_cycles(region):
    home, _ = region
    abinsk = rows(home, "select indicator_code, previous_score, score, change_direction from marts.mart_indicator_scores "
                  "where monitoring_id = ? and municipality_oktmo = '03601000'", [CYCLE_2]).set_index("indicator_code")
    assert tuple(abinsk.loc["MNC-3", ["previous_score", "score", "change_direction"]]) == (3.0, 1.0, "worsened")
    assert tuple(abinsk.loc["MPH-8", ["previous_score", "score", "change_direction"]]) == (0.0, 5.0, "improved")
    dynamics = rows(home, "select municipality_oktmo, indicators_improved, indicators_worsened, indicators_unchanged "
                    "from marts.mart_municipality_dynamics where monitoring_id = ? order by 1", [CYCLE_2])
    assert list(dynamics.itertuples(index=False, name=None)) == [("03601000", 1, 1, 23), ("03705000", 0, 0, 25)]
    section = rows(home, "select section_score, section_max, previous_share, change_direction from marts.mart_section_scores "
                   "where monitoring_id = ? and municipality_oktmo = '03601000' and section_code = 'mnc'", [CYCLE_2]).iloc[0]
    # МНЦ has 1+2+3+5+8+5 = 24 sub-items; two of МНЦ-3's are now absent
    assert (section["section_score"], section["section_max"], section["previous_share"], section["change_direction"]) == (
        22.0, 24, 1.0, "worsened")
