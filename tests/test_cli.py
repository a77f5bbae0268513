"""The `shnor` command on files a person would check by hand."""

from __future__ import annotations

import json

import docx
import openpyxl

from sample_region.generator import generate_sample_region
from shnor_core.settings import DataHome
from tests.cli_in_process import shnor as run
from tests.workbooks import form_values, write_submission


def test_check_submission_json_for_an_accepted_file(tmp_path):
    path = write_submission(tmp_path / "Абинский.xlsx", "МО Абинский район", form_values(presence_default=0, MNC_3=[1, 1, 0]))
    completed = run("check-submission", str(path), "--json")
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout)
    assert report["municipality"] == "Абинский муниципальный район"
    mnc3 = next(i for i in report["indicators"] if i["code"] == "MNC-3")
    assert mnc3 == {"section": "Эффективность работы муниципального наставнического центра (МНЦ)",
                    "number": 3, "code": "MNC-3", "display_code": "МНЦ-3", "score": 2.0, "max": 3}
    assert report["errors"] == []


def test_check_submission_refuses_with_cells(tmp_path):
    path = write_submission(tmp_path / "Абинский.xlsx", "МО Абинский район", form_values(MTKP_2=[1, "?", 0]))
    completed = run("check-submission", str(path))
    assert completed.returncode == 1
    assert "ОШИБКА" in completed.stdout and "[МТКП-2. Качество кадрового состава тьюторского корпуса]" in completed.stdout \
        and "Форма отклонена" in completed.stdout


def test_sample_region_is_deterministic(tmp_path):
    first = generate_sample_region(DataHome(tmp_path / "a"))
    second = generate_sample_region(DataHome(tmp_path / "b"))
    assert len(first.schools) == len(second.schools) == 1200
    assert [s.code for s in first.schools] == [s.code for s in second.schools]
    assert len(first.submissions) == 44

    def cells(path):
        return [row for row in openpyxl.load_workbook(path).active.iter_rows(values_only=True)]

    assert cells(first.submissions[5]) == cells(second.submissions[5])
    assert cells(first.context_file) == cells(second.context_file)
    support = first.support_sources, second.support_sources
    assert {kind: len(paths) for kind, paths in support[0].items()} == {kind: len(paths) for kind, paths in support[1].items()}
    assert len(support[0]["roadmaps"]) == 44
    for kind in ("roadmaps", "roadmap_reports", "people", "development"):
        for one, other in zip(support[0][kind], support[1][kind]):
            if one.suffix == ".docx":
                assert [p.text for p in docx.Document(one).paragraphs] == [p.text for p in docx.Document(other).paragraphs]
                assert [c.text for t in docx.Document(one).tables for r in t.rows for c in r.cells] == \
                    [c.text for t in docx.Document(other).tables for r in t.rows for c in r.cells]
            else:
                assert cells(one) == cells(other), one.name


def test_templates_command(tmp_path):
    completed = run("--home", str(tmp_path), "templates")
    assert completed.returncode == 0, completed.stderr
    assert len(list((tmp_path / "templates" / "mph-2025").glob("*.xlsx"))) == 44
