"""The hand-labelled corpus of written names (tests/fixtures/names/, sources in its README): no written name is
ever matched to a wrong school or municipality (precision 100 %), and each category keeps the recall measured
when the rule was written (the floors below; printed with ``-s``)."""

import csv
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from shnor_core.names import match_municipality
from shnor_core.reference import Municipality, load_municipalities
from shnor_core.school_names import SchoolMatcher, SchoolRef

NAMES = Path(__file__).parent / "fixtures" / "names"

# Recall floors per category, as measured on the corpus (counts in docs/names.md): a change to the rule may raise
# them, never lower them silently.
SCHOOL_RECALL_FLOORS = {
    "verbatim": 1.0, "legal-form": 1.0, "quotes": 1.0, "number-form": 1.0, "code/login": 1.0,
    "village-named": 1.0, "genitive-settlement": 1.0, "repeated-number-settlement": 1.0, "honours": 1.0,
    "village-adjective": 0.75, "kind-variant": 0.0,
}
MUNICIPALITY_RECALL_FLOORS = {
    "official": 1.0, "authority": 1.0, "genitive": 1.0, "abbreviation": 1.0, "file-name": 1.0, "rename-date": 1.0,
    "city-vs-district": 1.0, "misspelt": 1.0, "regional-body": 1.0, "ambiguous": 1.0, "unknown": 1.0,
}


def _rows(name: str) -> list[dict[str, str]]:
    with open(NAMES / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _report(title: str, totals: Counter, found: Counter) -> None:
    print(f"\n{title}")
    for category in sorted(totals):
        print(f"  {category:28} {found[category]:3} / {totals[category]:3} = {found[category] / totals[category]:.0%}")


def test_school_corpus_precision_and_recall():
    pairs = _rows("school_pairs.csv")
    assert len(pairs) >= 300 and {p["region"] for p in pairs} >= {"75", "23", "35", "moscow"}
    matcher = SchoolMatcher([SchoolRef(r["code"], r["name"], r["municipality_oktmo"], r["login"] or None,
                                       r["inn"] or None, r["ogrn"] or None)
                             for name in ("registry_regions.csv", "registry_moscow.csv") for r in _rows(name)])
    wrong, totals, found = [], Counter(), Counter()
    for pair in pairs:
        match = matcher.match(pair["written"], pair["municipality_oktmo"])
        matched = match.school.code if match.school else None
        if pair["expected"] == "same":
            totals[pair["category"]] += 1
            found[pair["category"]] += matched == pair["registry_code"]
        if matched is not None and (pair["expected"] != "same" or matched != pair["registry_code"]):
            wrong.append((pair["written"], pair["expected"], pair["registry_code"], matched, match.evidence))
        assert match.school is None or match.evidence, pair["written"]
    _report(f"Школы: {len(pairs)} пар, совпадений {sum(found.values())} из {sum(totals.values())}", totals, found)
    assert not wrong, wrong  # precision 100 %: no written name matched to a wrong school
    low = {c: found[c] / totals[c] for c in totals if found[c] / totals[c] < SCHOOL_RECALL_FLOORS[c]}
    assert not low, low


def _zabaykalsky() -> list[Municipality]:
    return [Municipality(r["oktmo8"], r["name"], r["kind"], r["valid_from"] or None, r["valid_to"] or None)
            for r in _rows("municipalities_75.csv")]


def test_municipality_corpus_precision_and_recall():
    rows = _rows("municipality_names.csv")
    assert len(rows) >= 60
    references = {"75": _zabaykalsky(), "23": load_municipalities("23")}
    wrong, totals, found = [], Counter(), Counter()
    for row in rows:
        on_date = date.fromisoformat(row["on_date"]) if row["on_date"] else None
        match = match_municipality(row["written"], references[row["region"]], on_date)
        if match.municipality:
            answer = match.municipality.oktmo
        elif match.regional_body:
            answer = "regional"
        else:
            answer = "ambiguous" if len(match.candidates) > 1 and match.score == 0.5 else "none"
        totals[row["category"]] += 1
        found[row["category"]] += answer == row["expected"]
        if match.municipality and answer != row["expected"]:
            wrong.append((row["written"], row["expected"], answer, match.evidence))
    _report(f"МО: {len(rows)} написаний", totals, found)
    assert not wrong, wrong
    low = {c: found[c] / totals[c] for c in totals if found[c] / totals[c] < MUNICIPALITY_RECALL_FLOORS[c]}
    assert not low, low


@pytest.mark.parametrize("written", ["Петровск-Забайкальский", "Петровск-Забайкальского"])
def test_a_city_and_a_district_of_one_stem_are_never_guessed(written):
    match = match_municipality(written, _zabaykalsky())
    assert match.municipality is None
    assert set(match.candidates) == {'городской округ "Город Петровск-Забайкальский"',
                                     "Петровск-Забайкальский муниципальный район"}
