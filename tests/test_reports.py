"""The cycle's reports opened as a person would, their numbers checked against the marts: the regional
note (.docx and its PDF, rendered to PNG pages), a municipal note, and the formatted marts export."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from docx import Document as WordDocument
from openpyxl import load_workbook

from reports.document import Document, Paragraph, percent
from reports.pdf_writer import MissingGlyphs, write_pdf
from shnor_core import warehouse
from shnor_core.demo import DEMO_MARK
from tests.workbooks import MONITORING_ID

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def folder(sample_cycle):
    return sample_cycle.reports / MONITORING_ID


def marts(home, sql, params=None):
    return warehouse.query(home.warehouse, sql, params)


def table_after(word, caption: str):
    """The table that follows the paragraph with this caption."""
    body = word.element.body
    for index, element in enumerate(body):
        if element.tag.endswith("}p") and "".join(element.itertext()).startswith(caption):
            following = body[index + 1]
            return next(t for t in word.tables if t._tbl is following)
    raise AssertionError(f"no table after «{caption}»")


def test_regional_note_tables_match_the_marts(sample_cycle, folder):
    word = WordDocument(folder / f"spravka_{MONITORING_ID}.docx")
    text = "\n".join(p.text for p in word.paragraphs)
    assert "Аналитическая справка" in text and "Краснодарский край" in text
    assert DEMO_MARK.upper() in word.sections[0].header.paragraphs[0].text

    sections = marts(sample_cycle, "select * from marts.mart_section_scores where monitoring_id = ?", [MONITORING_ID])
    totals = sections.groupby("municipality_name")[["section_score", "section_max"]].sum()
    table = table_after(word, "Таблица 1")
    rows = {row.cells[0].text: [cell.text for cell in row.cells[1:]] for row in table.rows[1:]}
    assert len(rows) == 45  # 44 municipalities and the region
    for name, values in rows.items():
        if name == "В среднем по региону":
            assert values[-1] == percent(totals["section_score"].sum() / totals["section_max"].sum())
            continue
        assert values[-1] == percent(totals.loc[name, "section_score"] / totals.loc[name, "section_max"])
        own = sections[sections["municipality_name"] == name].sort_values("section_order")
        assert values[:-1] == [percent(share) for share in own["section_share"]]
    abinsky = rows["Абинский муниципальный район"]
    assert abinsky[-1] == percent(totals.loc["Абинский муниципальный район", "section_score"]
                                  / totals.loc["Абинский муниципальный район", "section_max"])


def test_regional_note_recommendation_groups_are_the_marts(sample_cycle, folder):
    word = WordDocument(folder / f"spravka_{MONITORING_ID}.docx")
    rules = marts(sample_cycle, "select * from marts.mart_recommendations where monitoring_id = ? order by rule_order",
                  [MONITORING_ID])
    paragraphs = [p.text for p in word.paragraphs if p.style.name == "List Number"]
    for wording, group in rules.groupby("wording", sort=False):
        line = next(text for text in paragraphs if text.endswith(f" — {wording}."))
        assert set(line[: -len(f" — {wording}.")].split(", ")) == set(group["municipality_name"])
    measures = marts(sample_cycle, "select * from marts.mart_report_texts where monitoring_id = ? and text_kind = 'measure'",
                     [MONITORING_ID])
    for row in measures.itertuples():
        assert any(text.startswith(row.text) and text.endswith(f"до {row.due_date:%d.%m.%Y}.") for text in paragraphs)
    # window closes 11.06.2025; the first measure is due two months later
    assert measures.sort_values("text_order").iloc[0]["due_date"].strftime("%d.%m.%Y") == "11.08.2025"


def test_regional_note_pdf_renders_with_cyrillic(folder, tmp_path):
    pdfium = pytest.importorskip("pypdfium2")
    pdf = pdfium.PdfDocument(folder / f"spravka_{MONITORING_ID}.pdf")
    assert len(pdf) >= 5
    text = ""
    for index in range(len(pdf)):
        page = pdf[index]
        image = page.render(scale=1).to_pil().convert("L")
        image.save(tmp_path / f"page_{index + 1}.png")
        dark = sum(image.histogram()[:128])
        assert dark > 1000, f"page {index + 1} is blank"
        text += page.get_textpage().get_text_range()
    for words in ("Аналитическая справка", "Адресные рекомендации", "Абинский муниципальный район", "ШНОР",
                  DEMO_MARK.upper()):
        assert words in text
    assert "\ufffd" not in text  # no replacement characters: every glyph was in the font
    raw = (folder / f"spravka_{MONITORING_ID}.pdf").read_bytes()
    assert b"DejaVuSans" in raw


def test_a_character_the_font_lacks_is_refused(tmp_path):
    with pytest.raises(MissingGlyphs, match="漢"):
        write_pdf(Document("Справка", [], [Paragraph("Школа 漢")]), tmp_path / "x.pdf")


def test_municipal_note_of_one_municipality(sample_cycle, folder):
    oktmo, name = "03701000", "город Краснодар"
    word = WordDocument(folder / "municipalities" / f"{oktmo} {name}.docx")
    text = "\n".join(p.text for p in word.paragraphs)
    assert f"Аналитическая справка: {name}" in text and "Статус формы: принята" in text
    sections = marts(sample_cycle, "select * from marts.mart_section_scores where monitoring_id = ? and "
                                   "municipality_oktmo = ? order by section_order", [MONITORING_ID, oktmo])
    first = word.tables[0]
    assert [row.cells[1].text for row in first.rows[1:]] == [percent(s) for s in sections["section_share"]]
    schools = marts(sample_cycle, "select school_name from marts.mart_school_identification where municipality_oktmo = ? "
                                  "and result_year = 2025 and (is_regional_shnor or is_federal_shnor)", [oktmo])
    shnor_table = next(t for t in word.tables if t.rows[0].cells[0].text == "Школа")
    assert sorted(row.cells[0].text for row in shnor_table.rows[1:]) == sorted(schools["school_name"])
    own = marts(sample_cycle, "select wording from marts.mart_recommendations where monitoring_id = ? "
                              "and municipality_oktmo = ?", [MONITORING_ID, oktmo])
    for wording in own["wording"]:
        assert wording[1:] in text
    assert len(list((folder / "municipalities").glob("*.docx"))) == 44


def test_marts_export_is_formatted(sample_cycle, folder):
    workbook = load_workbook(folder / f"vygruzka_{MONITORING_ID}.xlsx")
    assert workbook.sheetnames == ["Показатели", "Разделы", "Рекомендации", "ШНОР", "Сравнение списков",
                                   "Динамика списков", "Наставничество", "Дорожная карта", "Исполнение ДК", "Состав ДК",
                                   "Кадры по МО", "Кадры ШНОР", "Кураторы", "Постпроект", "Источники"]
    sheet = workbook["Показатели"]
    scores = marts(sample_cycle, "select * from marts.mart_indicator_scores where monitoring_id = ? "
                                 "order by section_order, indicator_number, municipality_name", [MONITORING_ID])
    assert sheet.max_row == len(scores) + 1 == 44 * 25 + 1
    assert sheet.freeze_panes == "B2" and sheet.auto_filter.ref == f"A1:K{len(scores) + 1}"
    assert sheet["E2"].value == pytest.approx(scores.iloc[0]["score"]) and sheet["G2"].number_format == "0%"
    rules = [rule for ranges in sheet.conditional_formatting for rule in ranges.rules]
    assert any(rule.operator == "lessThan" and rule.formula == ["0.5"] for rule in rules)
    sources = workbook["Источники"]
    values = {row[0].value: row[1].value for row in sources.iter_rows(max_row=6)}
    assert values["Данные"] == DEMO_MARK and re.match(r"\d+\.\d+\.\d+", values["Версия"])


def test_export_names_the_versions_used(sample_cycle, folder):
    workbook = load_workbook(folder / f"vygruzka_{MONITORING_ID}.xlsx")
    sources = workbook["Источники"]
    used = [row[2].value for row in sources.iter_rows(min_row=9) if row[2].value]
    status = marts(sample_cycle, "select current_file, current_sha256 from marts.mart_submission_status "
                                 "where monitoring_id = ? and current_file is not null", [MONITORING_ID])
    assert sorted(used) == sorted(f"{r.current_file} ({r.current_sha256[:12]})" for r in status.itertuples())
    assert not pd.isna(status["current_sha256"]).any()
