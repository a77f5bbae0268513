"""Real public files (tests/fixtures/real/corpus.yaml): each is read right, with the figures counted by hand,
or refused with its reason — never accepted and wrong (procedure, subject, year, municipality, school)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ingestion.detect import ReadContext, read_source, read_summary
from ingestion.school_names import SchoolMatcher
from shnor_core.reference import load_municipalities

CORPUS = Path(__file__).parent / "fixtures" / "real"
MANIFEST = yaml.safe_load((CORPUS / "corpus.yaml").read_text(encoding="utf-8"))


def read(name: str, reference: str | None = None):
    municipalities = load_municipalities(path=CORPUS / reference) if reference else load_municipalities()
    return read_source(CORPUS / name, ReadContext(municipalities, SchoolMatcher([])))


def test_every_file_of_the_corpus_is_listed_with_its_origin():
    # a folder holds a file with its reference (eao/) or is a fixture set of its own test too (zabaikalsky/)
    files = {p.name for p in CORPUS.iterdir() if p.is_file() and p.name not in ("corpus.yaml", "README.md")}
    assert files == {name for name in MANIFEST if "/" not in name}
    assert all((CORPUS / name).is_file() and entry["origin"] for name, entry in MANIFEST.items())


def test_the_corpus_holds_ten_files_of_five_origins_read_or_refused():
    origins = {entry["origin"].split(",")[0].split(" — ")[0] for entry in MANIFEST.values()}
    assert len(MANIFEST) >= 10 and len(origins) >= 5, origins
    assert {entry["status"] for entry in MANIFEST.values()} == {"accepted", "refused", "unreadable"}


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_a_real_file_reads_right_or_is_refused_with_its_reason(name):
    expected = MANIFEST[name]
    read_back = read(name, expected.get("reference"))
    if expected["status"] != "accepted":
        assert not read_back.accepted and read_back.rows.empty
        assert read_back.unreadable == (expected["status"] == "unreadable")
        assert any(expected["reason"] in e.rule for e in read_back.errors), read_back.errors
        return
    assert read_back.accepted and read_back.layout == expected["layout"], read_back.errors
    rows, summary = read_back.rows, read_summary(read_back)
    for key in ("schools", "municipalities"):
        if key in expected:
            assert summary[key] == expected[key], key
    if "school_rows" in expected:  # every school row of every year read, none more (no total, no numbering row)
        per_year = rows[["year", "source_sheet", "source_row"]].drop_duplicates().groupby("year").size().to_dict()
        assert per_year == expected["school_rows"]
    groups = summary["results"]
    assert len(groups) == expected["groups"]
    assert {g["procedure"] for g in groups} == {expected["procedure"]}
    participants = {(g["year"], g["subject"]): g["participants"] for g in groups}
    for result in expected["results"]:
        assert participants[(result["year"], result["subject"])] == result["participants"], result
    for metric in expected.get("metrics", []):
        chosen = rows[(rows["year"] == metric["year"]) & (rows["metric"] == metric["metric"])
                      & (rows["subject"].isna() if metric["subject"] is None else rows["subject"] == metric["subject"])]
        assert chosen["value"].sum() == metric["value"], metric
    if "municipality_codes" in expected:
        resolved = rows.groupby("municipality_name_raw")["municipality_oktmo"].agg(lambda codes: sorted(set(codes.dropna())))
        assert {written: [code] for written, code in expected["municipality_codes"].items()} == resolved.to_dict()
    for reason in expected.get("not_read", []):
        assert any(reason in n.rule for n in read_back.not_read), read_back.not_read


@pytest.mark.parametrize("name", sorted(name for name, entry in MANIFEST.items() if "foreign" in entry))
def test_a_region_file_read_against_another_regions_municipalities_is_refused(name):
    """Еврейская АО has a «Ленинский район», so has Крым (35627000): read against the project's own reference
    (Краснодарский край, Республика Крым) the ЕАО workbook would put Ленинский's schools in Крым. The title names
    the subject of the RF; a file of another subject is refused, naming both."""
    refused = read(name)
    assert not refused.accepted and refused.rows.empty
    [error] = refused.errors
    assert MANIFEST[name]["foreign"] in error.rule and "Республика Крым" in error.rule, error.rule
