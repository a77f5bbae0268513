"""Real public files (tests/fixtures/real/corpus.yaml): each is read right, with the figures counted by hand,
or refused with its reason — never accepted and wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ingestion.detect import ReadContext, read_source, read_summary
from ingestion.school_names import SchoolMatcher
from shnor_core.reference import load_municipalities

CORPUS = Path(__file__).parent / "fixtures" / "real"
MANIFEST = yaml.safe_load((CORPUS / "corpus.yaml").read_text(encoding="utf-8"))


def test_every_file_of_the_corpus_is_listed_with_its_origin():
    # a folder is a fixture set with its own test and README (zabaikalsky/: tests/test_real_region.py)
    files = {p.name for p in CORPUS.iterdir() if p.is_file() and p.name not in ("corpus.yaml", "README.md")}
    assert files == set(MANIFEST)
    assert all(entry["origin"] for entry in MANIFEST.values())


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_a_real_file_reads_right_or_is_refused_with_its_reason(name):
    expected = MANIFEST[name]
    read = read_source(CORPUS / name, ReadContext(load_municipalities(), SchoolMatcher([])))
    if expected["status"] != "accepted":
        assert not read.accepted and read.rows.empty
        assert read.unreadable == (expected["status"] == "unreadable")
        assert any(expected["reason"] in e.rule for e in read.errors), read.errors
        return
    assert read.accepted and read.layout == expected["layout"], read.errors
    summary = read_summary(read)
    assert summary["schools"] == expected["schools"] and summary["municipalities"] == expected["municipalities"]
    [group] = summary["results"]
    assert (group["procedure"], group["year"], group["participants"]) == (
        expected["procedure"], expected["year"], expected["participants"])
    totals = read.rows.groupby("metric")["value"].sum().to_dict()
    assert totals == {"participants": expected["participants"], "score_220_plus": expected["score_220_plus"],
                      "score_160_plus": expected["score_160_plus"]}
