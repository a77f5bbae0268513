"""What the real corpus (tests/test_real_corpus.py) taught the engine, each built by hand from the real file's
wording: a subject heading with a unit and a bracketed remark, the below-minimum and 100-point columns as two regions
head them, a region's file read against another region's municipalities; and ``layouts infer``'s draft, saved as
the operator would save it, read back."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from ingestion.detect import ReadContext, read_source, read_summary
from ingestion.layout_spec import parse_layout
from ingestion.school_names import SchoolMatcher
from ingestion.table_reader import read_with_layout
from ingestion.workbook_source import load_table_source
from shnor.cli import main
from shnor_core.lineage import file_sha256
from tests.test_unknown_exports import write_unknown_ege

ABINSK, SLAVYANSK = "03601000", "03645000"


def write_regional_ege(path: Path, region_line: str) -> Path:
    """The Еврейская АО template's shape with Краснодарский край's municipalities: a «Субъект Российской Федерации»
    line, subjects over their measures with «, чел.» and a remark in brackets, the numbering row, a region total."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "2023"
    sheet.append(["Информация о результатах ЕГЭ выпускников школ в 2023 году"])
    sheet.append([f"Субъект Российской Федерации\n______{region_line}______"])
    sheet.append(["Муниципальное образование", "Образовательная организация (школа)", "Русский язык, чел.", None, None,
                  None, None, "География, чел. \n(в т.ч. участвовавшие в 2022 году)"])
    sheet.append([None, None] + ["приняло участие", "не преодолен min порог", "высокобалльники \n(80-99 баллов)",
                                 "получили 100 баллов", "средний балл"] * 2)
    sheet.append(list(range(1, 13)))
    sheet.append(["ВСЕГО по региону", None, 50, 2, 6, 1, 66.0, 4, None, None, None, 55.0])
    sheet.append(["Абинский район", "МБОУ СОШ № 1", 20, 2, 1, None, 58.5, 3, None, None, None, 54.0])
    sheet.append([None, "МБОУ ООШ № 2", 12, None, None, None, 61.0, None, None, None, None, 0])
    sheet.append(["Славянский район", "МБОУ СОШ № 5", 18, None, 5, 1, 79.0, 1, None, None, None, 58.0])
    for cells in ("A3:A4", "B3:B4", "C3:G3", "H3:L3"):
        sheet.merge_cells(cells)
    workbook.save(path)
    return path


def test_a_subject_with_a_remark_and_the_columns_two_regions_head_their_own_way(tmp_path, municipalities):
    path = write_regional_ege(tmp_path / "ege.xlsx", "Краснодарский край")
    read = read_source(path, ReadContext(municipalities, SchoolMatcher([])))
    assert read.accepted and read.layout == "regional_exam_per_school", read.errors
    sums = read.rows.groupby(["subject", "metric"])["value"].sum().to_dict()
    # by hand: Russian 20 + 12 + 18; below the minimum 2 (blank cells unknown, not 0); 80–99 1 + 5; 100 points 1
    assert {k: v for k, v in sums.items() if k[0] == "Русский язык" and k[1] != "mean_score"} == {
        ("Русский язык", "participants"): 50.0, ("Русский язык", "below_minimum"): 2.0,
        ("Русский язык", "score_80_99"): 6.0, ("Русский язык", "score_100"): 1.0}
    # «География, чел. (в т.ч. участвовавшие в 2022 году)» is География; ООШ № 2 has no participant: no mean 0
    assert sums[("География", "participants")] == 4.0
    geography = read.rows[read.rows["subject"] == "География"]
    assert "МБОУ ООШ № 2" not in set(geography["school_name_raw"])
    assert set(read.rows["subject"]) == {"Русский язык", "География"}
    assert set(read.rows["municipality_oktmo"]) == {ABINSK, SLAVYANSK}


def test_a_region_file_titled_for_another_subject_is_refused_naming_both(tmp_path, municipalities):
    refused = read_source(write_regional_ege(tmp_path / "ege.xlsx", "Ставропольский край"),
                          ReadContext(municipalities, SchoolMatcher([])))
    assert not refused.accepted and refused.rows.empty
    [error] = refused.errors
    assert "файл другого субъекта РФ: в заголовке назван «ставропольский край»" in error.rule
    assert "а справочник муниципалитетов — Краснодарский край" in error.rule
    # the region's own name in any case is the region's: «Краснодарского края» is read
    kept = read_source(write_regional_ege(tmp_path / "ege2.xlsx", "Результаты Краснодарского края"),
                       ReadContext(municipalities, SchoolMatcher([])))
    assert kept.accepted, kept.errors


def test_the_draft_of_layouts_infer_saved_as_a_file_reads_the_file_back(tmp_path, capsys, municipalities):
    """The draft as saved by ``layouts infer --output`` (its guesses kept as comments) is a layout file; read back
    it refuses the file for the one thing its comments ask the operator to settle (the subject, named nowhere but in
    the title's words), and once the operator writes it down it reads the file as its trial read said."""
    path = write_unknown_ege(tmp_path / "ege_matematika.xlsx")
    saved = tmp_path / "ege_matematika_draft.yaml"
    assert main(["layouts", "infer", str(path), "--name", "ege_matematika_draft", "--output", str(saved)]) == 0
    capsys.readouterr()
    text = saved.read_text(encoding="utf-8")
    assert "# ПРОБНОЕ ЧТЕНИЕ: строк 21, школ 3, муниципалитетов 2" in text and "[subject]: не удалось определить" in text

    def read_back():
        return read_with_layout(parse_layout(saved), path, file_sha256(path), load_table_source(path),
                                ReadContext(municipalities, SchoolMatcher([])))

    [error] = read_back().errors
    assert error.indicator == "subject"
    saved.write_text(text + "constants:\n  subject: Математика (базовый уровень)\n", encoding="utf-8")
    read = read_back()
    assert read.accepted, read.errors
    summary = read_summary(read)  # by hand: 3 schools × 7 values in 2 municipalities, 24 + 10 + 30 participants
    assert (summary["rows"], summary["schools"], summary["municipalities"]) == (21, 3, 2)
    [group] = summary["results"]
    assert (group["procedure"], group["year"], group["subject"], group["grade"], group["participants"]) == (
        "ЕГЭ", 2024, "Математика (базовый уровень)", 11, 64.0)
    # the school as written, with its login (no registry here to give its code)
    slavyansk = read.rows[read.rows["school_name_raw"] == "(sch233045) МБОУ СОШ № 5"].set_index("metric")["value"]
    assert slavyansk.to_dict() == {"metric_1": 30.0, "participants": 30.0, "mark_2_share": 0.0, "mark_3_share": 0.3,
                         "mark_4_share": 0.5, "mark_5_share": 0.2, "mean_score": 3.9}
    assert set(read.rows["municipality_oktmo"]) == {ABINSK, SLAVYANSK}
