"""A rerun rewrites a municipal note only when what it shows changed (issue 33: a rerun does the work its new data
needs): the same marts keep all 44 notes as they are; one municipality's changed figure rewrites its note alone;
a note whose PDF is gone is written again."""

from __future__ import annotations

import pytest
from docx import Document as WordDocument

from reports.municipal_note import write_municipal_notes
from reports.provenance import provenance
from reports.regional_note import CycleMarts
from tests.shared_cycle import copy_of_sample_cycle

pytestmark = pytest.mark.slow

MONITORING_ID = "mph-2025"
ABINSK, ANAPA = "03601000", "03703000"


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return copy_of_sample_cycle(tmp_path_factory, "notes-kept")[0]


def _write(home, marts=None) -> tuple[list[str], dict[str, int]]:
    said: list[str] = []
    marts = marts or CycleMarts(home, MONITORING_ID)
    write_municipal_notes(home, MONITORING_ID, marts, provenance(home, MONITORING_ID), said.append)
    folder = home.reports / MONITORING_ID / "municipalities"
    return said, {path.name: path.stat().st_mtime_ns for path in folder.iterdir() if path.suffix in (".docx", ".pdf")}


def test_a_note_is_rewritten_only_when_what_it_shows_changed(home):
    _write(home)  # the cycle's notes carry no record of their content yet: all 44 written, and recorded
    said, first = _write(home)
    assert len(first) == 88  # 44 × (.docx, PDF)
    assert "справки МО без изменений (их данные те же, файлы не переписаны): 44 из 44" in said
    said, again = _write(home)
    assert again == first  # not one file touched

    marts = CycleMarts(home, MONITORING_ID)
    abinsk = marts.sections["municipality_oktmo"] == ABINSK
    marts.sections.loc[abinsk, "section_share"] = 0.777  # as a rebuild that changed Abinsk's figures only
    said, after = _write(home, marts)
    rewritten = sorted(name for name in after if after[name] != first[name])
    assert rewritten == ["03601000 Абинский муниципальный район.docx", "03601000 Абинский муниципальный район.pdf"]
    assert "справки МО без изменений (их данные те же, файлы не переписаны): 43 из 44" in said
    word = WordDocument(home.reports / MONITORING_ID / "municipalities" / rewritten[0])
    shown = [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    assert shown.count("78\xa0%") >= int(abinsk.sum()) > 0  # each section's share, as changed

    anapa_pdf = next((home.reports / MONITORING_ID / "municipalities").glob(f"{ANAPA} *.pdf"))
    anapa_pdf.unlink()
    said, last = _write(home)  # the marts as built again: Abinsk back, Anapa's lost PDF written
    assert sorted(name for name in last if last[name] != after.get(name)) == sorted(
        [*rewritten, anapa_pdf.name, anapa_pdf.with_suffix(".docx").name])
