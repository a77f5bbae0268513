"""The cycle's reports opened as a person would, their numbers checked against the marts: the regional
note (.docx and its PDF, rendered to PNG pages), a municipal note, and the formatted marts export."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from docx import Document as WordDocument
from openpyxl import load_workbook

from reports.document import Document, Paragraph, percent
from reports.feedback import write_feedback_workbook
from reports.pdf_writer import MissingGlyphs, write_pdf
from reports.templates import issue_template
from shnor_core import warehouse
from shnor_core.demo import DEMO_MARK
from shnor_core.reference import load_municipalities
from shnor_core.settings import PROJECT_ROOT
from tests.notes import named_in, note_items, plain
from tests.workbooks import MONITORING_ID, form_values, write_submission

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def folder(sample_cycle):
    return sample_cycle.reports / MONITORING_ID


def marts(home, sql, params=None):
    return warehouse.query(home.warehouse, sql, params)


def table_after(word, caption: str):
    """The table that follows the paragraph with this caption: its beginning («Таблица 1», «Таблица П2.1») or its
    title after the number the note gave it («Расчётный список ШНОР по годам»)."""
    body = word.element.body
    for index, element in enumerate(body):
        text = plain("".join(element.itertext())) if element.tag.endswith("}p") else ""
        if text.startswith(caption) or re.sub(r"^(Таблица|Рисунок) П?[\d.]+\.\s+", "", text).startswith(caption):
            following = body[index + 1]
            return next(t for t in word.tables if t._tbl is following)
    raise AssertionError(f"no table after «{caption}»")


def test_regional_note_tables_match_the_marts(sample_cycle, folder):
    word = WordDocument(folder / f"spravka_{MONITORING_ID}.docx")
    text = plain("\n".join(p.text for p in word.paragraphs))
    assert "Аналитическая справка" in text and "Краснодарский край" in text
    assert DEMO_MARK.upper() in word.sections[0].header.paragraphs[0].text

    sections = marts(sample_cycle, "select * from marts.mart_section_scores where monitoring_id = ?", [MONITORING_ID])
    totals = sections.groupby("municipality_name")[["section_score", "section_max"]].sum()
    table = table_after(word, "Таблица П4")  # the shares behind the heatmap (figure 3), in appendix 4
    rows = {plain(row.cells[0].text): [cell.text for cell in row.cells[1:]] for row in table.rows[1:]}
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
    rules = marts(sample_cycle, "select * from marts.mart_recommendation where monitoring_id = ? and item_number is not null "
                  "order by rule_order", [MONITORING_ID])
    items = note_items(word)
    everyone = set(rules["municipality_name"]) | set(rules["partner_name"].dropna())
    for number, group in rules.groupby("item_number"):
        named = set(group.loc[group["in_letter"], "municipality_name"]) | set(group.loc[group["in_letter"], "partner_name"].dropna())
        if group["scope"].iloc[0] == "municipality" and not named:
            assert int(number) not in items
            continue
        assert named_in(items[int(number)], everyone) == named, f"пункт {number}"
    paragraphs = [plain(p.text) for p in word.paragraphs]
    measures = marts(sample_cycle, "select measure_number, min(measure_wording) as wording, min(due_date) as due_date "
                     "from marts.mart_recommendation where monitoring_id = ? and measure_code is not null and in_letter "
                     "group by measure_number order by measure_number", [MONITORING_ID])
    for row in measures.itertuples():
        assert f"{row.measure_number}. {row.wording} (до {row.due_date:%d.%m.%Y})." in paragraphs
    # window closes 11.06.2025; measure 1 (internships, triggered by item 12) is due 91 days later by its rule
    assert measures.iloc[0]["due_date"].strftime("%d.%m.%Y") == "10.09.2025"


def test_regional_note_shows_the_computed_list_the_checks_and_the_published_list(sample_cycle, folder):
    word = WordDocument(folder / f"spravka_{MONITORING_ID}.docx")
    changes = marts(sample_cycle, "select result_year, sum(computed_on_list) as on_list, sum(computed_entered) as entered, "
                                  "sum(computed_exited) as exited, sum(computed_persisting) as persisting, "
                                  "sum(cusp_schools) as cusp from marts.mart_shnor_municipality_lists "
                                  "where computed_on_list is not null group by 1 order by 1")
    by_year = {plain(row.cells[0].text): [plain(c.text) for c in row.cells[1:]] for row in table_after(word, "Расчётный список ШНОР по годам").rows[1:]}
    for row in changes.itertuples():
        cells = by_year[str(row.result_year)]
        assert (cells[0], cells[6]) == (str(int(row.on_list)), str(int(row.cusp)))
        assert cells[3:6] == (["—"] * 3 if pd.isna(row.entered) else
                              [str(int(row.entered)), str(int(row.persisting)), str(int(row.exited))])
    cusp = marts(sample_cycle, "select school_name from marts.mart_shnor_list_status where result_year = 2025 and is_cusp")
    assert sorted(plain(r.cells[1].text) for r in table_after(word, "Школы, близкие к низким результатам").rows[1:]) == sorted(cusp["school_name"])
    # the data-quality annex: ШНОР served above ШНОР listed, with both numbers, per municipality
    served = marts(sample_cycle, "select municipality_name, subject_code, reported_value, reference_value from "
                                 "marts.mart_data_quality_checks where monitoring_id = ? and check_code = "
                                 "'served_above_listed'", [MONITORING_ID])
    table = table_after(word, "Таблица П1.1")
    header = [plain(c.text) for c in table.rows[0].cells]
    shown = {(plain(row.cells[0].text), header[i]): plain(cell.text) for row in table.rows[1:]
             for i, cell in enumerate(row.cells) if i and plain(cell.text) != "—"}
    display = dict(marts(sample_cycle, "select distinct indicator_code, indicator_display_code "
                                       "from marts.mart_indicator_scores").itertuples(index=False))
    assert shown == {(r.municipality_name, display[r.subject_code]): f"{int(r.reported_value)} при {int(r.reference_value)}"
                     for r in served.itertuples()}
    assert served["municipality_name"].nunique() == 41  # the issue's count on the demo region
    # published and computed regional lists side by side: every difference with its reason
    compared = marts(sample_cycle, "select municipality_name, school_name, reason from marts.mart_regional_list_comparison "
                                   "where result_year = 2025 and difference <> 'both'")
    # a table per side (only in the published list, only in the computed one): no column saying the same in every row
    sides = [plain(p.text) for p in word.paragraphs if re.match(r"Таблица П2\.[23]\. Школы только в", plain(p.text))]
    assert sides and all(text.endswith("причины") for text in sides)
    tables = [table_after(word, text) for text in sides]
    # a row per reason: «МО: школа, школа; МО: школа» (the reason stated once, not in every municipality's row)
    listed = {(named.split(": ")[0], plain(r.cells[0].text), school) for table in tables for r in table.rows[1:]
              for named in plain(r.cells[1].text).split("; ") for school in named.split(": ", 1)[1].split(", ")}
    assert all(len({plain(r.cells[0].text) for r in t.rows[1:]}) == len(t.rows) - 1 for t in tables)
    assert listed == {(r.municipality_name, r.reason, r.school_name) for r in compared.itertuples()}


ARTEFACTS = PROJECT_ROOT / "var" / "test-artefacts" / "reports"  # the pages as PNG, to look at


def test_regional_note_pdf_renders_with_cyrillic(folder):
    pdfium = pytest.importorskip("pypdfium2")
    pdf = pdfium.PdfDocument(folder / f"spravka_{MONITORING_ID}.pdf")
    assert len(pdf) >= 5
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    text = ""
    for index in range(len(pdf)):
        page = pdf[index]
        image = page.render(scale=1).to_pil().convert("L")
        page.render(scale=1.5).to_pil().save(ARTEFACTS / f"spravka_page_{index + 1}.png")
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
    text = plain("\n".join(p.text for p in word.paragraphs))
    assert f"Аналитическая справка: {name}" in text and "Статус формы: принята" in text
    sections = marts(sample_cycle, "select * from marts.mart_section_scores where monitoring_id = ? and "
                                   "municipality_oktmo = ? order by section_order", [MONITORING_ID, oktmo])
    first = table_after(word, "Разделы формы")  # after the list of abbreviations
    assert [row.cells[1].text for row in first.rows[1:]] == [percent(s) for s in sections["section_share"]]
    schools = marts(sample_cycle, "select school_name from marts.mart_school_identification where municipality_oktmo = ? "
                                  "and result_year = 2025 and (is_regional_shnor or is_federal_shnor)", [oktmo])
    shnor_table = next(t for t in word.tables if t.rows[0].cells[0].text == "Школа")
    assert sorted(plain(row.cells[0].text) for row in shnor_table.rows[1:]) == sorted(schools["school_name"])
    own = marts(sample_cycle, "select evidence, threshold_text from marts.mart_recommendation where monitoring_id = ? "
                              "and municipality_oktmo = ? and (scope = 'municipality') = meets_condition",
                [MONITORING_ID, oktmo])
    holding = marts(sample_cycle, "select count(*) as n from marts.mart_recommendation where monitoring_id = ? and "
                                  "municipality_oktmo = ? and statement_holds", [MONITORING_ID, oktmo]).iloc[0]["n"]
    lines = [plain(p.text) for p in word.paragraphs if p.style.name == "List Number"]
    assert len(own) + holding == len(lines) > 0  # a region-wide statement that holds is one more line
    for row in own.itertuples():
        assert any(plain(f"Значения: {row.evidence}; порог — {row.threshold_text}") in line for line in lines)
    assert len(list((folder / "municipalities").glob("*.docx"))) == 44


def test_marts_export_is_formatted(sample_cycle, folder):
    workbook = load_workbook(folder / f"vygruzka_{MONITORING_ID}.xlsx")
    assert workbook.sheetnames == ["Показатели", "Разделы", "Рекомендации", "ШНОР", "Сравнение списков",
                                   "Динамика списков", "Наставничество", "Дорожная карта", "Исполнение ДК", "Состав ДК",
                                   "Кадры по МО", "Кадры ШНОР", "Кураторы", "Постпроект", "Вход и выход из списка",
                                   "Списки опубл. и расчёт", "Качество данных", "Источники"]
    sheet = workbook["Показатели"]
    scores = marts(sample_cycle, "select * from marts.mart_indicator_scores where monitoring_id = ? "
                                 "order by section_order, indicator_number, municipality_name", [MONITORING_ID])
    assert sheet.max_row == len(scores) + 1 == 44 * 25 + 1
    # the last column: each row's reference, which shnor explain resolves (tests/test_explain.py)
    assert sheet.freeze_panes == "B2" and sheet.auto_filter.ref == f"A1:L{len(scores) + 1}"
    assert sheet["L1"].value == "Ссылка (shnor explain)" and re.fullmatch(r"R-[0-9a-f]{12}", sheet["L2"].value)
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


# --- typography, codes, charts, marks: what a methodologist checks on the page -----------------------------

ONE_LETTER_WORDS = ("в", "к", "с", "у", "о", "и", "а", "В", "К", "С", "У", "О", "И", "А", "№")


def pdf_lines(path, hyphens: bool = False) -> list[str]:
    """The PDF's text lines; a word hyphenated across two lines comes whole (its break marked if ``hyphens``)."""
    pdfium = pytest.importorskip("pypdfium2")
    pdf = pdfium.PdfDocument(path)
    lines = []
    for index in range(len(pdf)):
        text = pdf[index].get_textpage().get_text_range().replace("\r", "")
        lines += (text if hyphens else text.replace("\ufffe", "")).split("\n")
    return lines


def test_pdf_is_hyphenated_and_no_one_letter_word_ends_a_line(folder):
    lines = [line.strip() for line in pdf_lines(folder / f"spravka_{MONITORING_ID}.pdf", hyphens=True) if line.strip()]
    hanging = [line for line in lines if line.split()[-1] in ONE_LETTER_WORDS]
    assert hanging == []
    # pdfium joins a word broken at a line's end and marks the break with U+FFFE
    hyphenated = [line for line in lines if re.search("[а-яё]\ufffe[а-яё]", line)]
    assert len(hyphenated) >= 5, "the justified paragraphs break long words"
    assert not [line for line in lines if re.match(r"—\s*[А-Яа-яЁё]", line)]  # a dash in a sentence never starts a line


def test_documents_carry_title_author_and_language(folder):
    pdfium = pytest.importorskip("pypdfium2")
    metadata = pdfium.PdfDocument(folder / f"spravka_{MONITORING_ID}.pdf").get_metadata_dict()
    assert metadata["Title"].startswith("Аналитическая справка") and metadata["Author"] == "ГБОУ ИРО Краснодарского края"
    word = WordDocument(folder / f"spravka_{MONITORING_ID}.docx")
    assert word.core_properties.author == "ГБОУ ИРО Краснодарского края"
    assert word.core_properties.title.startswith("Аналитическая справка") and word.core_properties.language == "ru-RU"
    settings = word.settings.element.xml
    assert 'autoHyphenation w:val="true"' in settings.replace("w:autoHyphenation", "autoHyphenation")
    municipal = WordDocument(folder / "municipalities" / "03601000 Абинский муниципальный район.docx")
    assert municipal.core_properties.author == "ГБОУ ИРО Краснодарского края"


def test_numbers_are_right_aligned_and_captions_keep_with_their_tables(folder):
    word = WordDocument(folder / f"spravka_{MONITORING_ID}.docx")
    indicators = table_after(word, "Таблица 1")
    header, first = indicators.rows[0], indicators.rows[1]
    assert first.cells[0].text.startswith("ИП-1. ")  # Cyrillic codes, as the form's sections are named
    assert first.cells[0].paragraphs[0].alignment is None  # text: left
    assert all(cell.paragraphs[0].alignment == 2 for cell in first.cells[1:])  # numbers: right (WD_ALIGN 2)
    assert all(cell.paragraphs[0].alignment == 1 for cell in header.cells[1:])  # their headings centred
    body = list(word.element.body)
    captions = [p for p in word.paragraphs if re.match(r"Таблица (П?\d+)\.", p.text)]
    assert len(captions) >= 4
    for caption in captions:
        assert caption.paragraph_format.keep_with_next  # never alone at a page's foot
        assert body[body.index(caption._p) + 1].tag.endswith("}tbl")
    numbers = [int(m[1]) for p in captions if (m := re.match(r"Таблица (\d+)\.", p.text))]
    assert numbers == list(range(1, len(numbers) + 1))  # numbered in order, whoever wrote which
    figures = [int(m[1]) for p in word.paragraphs if (m := re.match(r"Рисунок (\d+)\.", p.text))]
    assert figures == list(range(1, len(figures) + 1)) and len(figures) >= 3


def test_section_shares_are_a_heatmap_and_the_table_is_in_the_appendix(sample_cycle, folder):
    word = WordDocument(folder / f"spravka_{MONITORING_ID}.docx")
    heatmap = next(p for p in word.paragraphs if p.text.startswith("Рисунок 3. Доля от максимального балла по разделам"))
    body = list(word.element.body)
    assert body[body.index(heatmap._p) - 1].xpath(".//pic:pic")  # the picture right above its caption
    assert (folder / "charts" / "sections.png").stat().st_size > 30_000
    appendix = next(p for p in word.paragraphs if plain(p.text).startswith("Приложение 4. Доля"))
    assert body.index(appendix._p) > body.index(heatmap._p)
    assert table_after(word, "Таблица П4") is not None


def test_no_english_indicator_code_in_what_people_read(sample_cycle, folder):
    codes = re.compile(r"\b(MPH|MNC|MTKP)-\d")
    word = WordDocument(folder / "municipalities" / "03601000 Абинский муниципальный район.docx")
    texts = [p.text for p in word.paragraphs] + [c.text for t in word.tables for r in t.rows for c in r.cells]
    assert not [t for t in texts if codes.search(t)]
    assert "МНЦ-3" in "\n".join(texts)
    assert not [line for line in pdf_lines(folder / f"spravka_{MONITORING_ID}.pdf") if codes.search(line)]
    for name in (f"vygruzka_{MONITORING_ID}.xlsx", f"svodka_{MONITORING_ID}.xlsx"):
        workbook = load_workbook(folder / name)
        shown = [c for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for c in row
                 if isinstance(c, str) and codes.search(c)]
        assert shown == [], name


def test_municipal_notes_come_as_pdf_too(folder):
    pdfs = sorted((folder / "municipalities").glob("*.pdf"))
    assert len(pdfs) == 44 == len(list((folder / "municipalities").glob("*.docx")))
    lines = pdf_lines(folder / "municipalities" / "03601000 Абинский муниципальный район.pdf")
    assert any("Аналитическая справка: Абинский" in line for line in lines)
    assert any("среднее по региону (по показателю)" in line or "Рисунок 1." in line for line in lines)


def every_sheet_marked(path) -> list[str]:
    """The sheets of a workbook that do not show the demo mark (in a cell, and in the printed header)."""
    workbook = load_workbook(path)
    unmarked = []
    for sheet in workbook.worksheets:
        if sheet.sheet_state == "veryHidden":
            continue  # the template's machine metadata: it records is_demo instead
        cells = [str(c).upper() for row in sheet.iter_rows(values_only=True) for c in row if c]
        if DEMO_MARK.upper() not in cells and DEMO_MARK not in [c.lower() for c in cells]:
            unmarked.append(sheet.title)
        elif DEMO_MARK.upper() not in (sheet.oddHeader.right.text or ""):
            unmarked.append(f"{sheet.title} (печать)")
    return unmarked


def test_the_demo_mark_is_on_every_sheet_of_every_workbook(sample_cycle, folder, tmp_path):
    workbooks = sorted(folder.glob("*.xlsx"))
    assert {p.name for p in workbooks} >= {f"vygruzka_{MONITORING_ID}.xlsx", f"svodka_{MONITORING_ID}.xlsx"}
    template = issue_template(sample_cycle, MONITORING_ID, load_municipalities("23")[0])  # a demo home: marked
    submitted = write_submission(tmp_path / "f.xlsx", "МО Абинский район", form_values(MNC_2=[2, 1]))
    feedback = write_feedback_workbook(submitted, [{"sheet": "Мониторинг", "cell": "C20", "indicator": "MNC-2",
                                                    "value": "2", "rule": "балл наличия должен быть 0 или 1"}],
                                       tmp_path / "feedback.xlsx")
    for path in [*workbooks, template, feedback]:
        assert every_sheet_marked(path) == [], path.name
    meta = dict(load_workbook(template)["_meta"].iter_rows(values_only=True))
    assert meta["is_demo"] == "true"


# --- the letter and the notes as a methodologist reads them (issue 30) --------------------------------------

def _recommendation_paragraphs(word) -> list[str]:
    """The body paragraphs of the regional note's sections «Адресные рекомендации» and «Меры…» (tables aside)."""
    found, inside = [], False
    for paragraph in word.paragraphs:
        text = plain(paragraph.text)
        if paragraph.style.name == "Heading 1":
            inside = bool(re.match(r"\d+\. (Адресные рекомендации|Меры)", text))
            continue
        if inside:
            found.append(text)
    return found


def test_no_paragraph_of_the_letter_names_more_than_five_municipalities(sample_cycle, folder):
    word = WordDocument(folder / f"spravka_{MONITORING_ID}.docx")
    everyone = set(marts(sample_cycle, "select municipality_name from marts.dim_municipality")["municipality_name"])
    paragraphs = _recommendation_paragraphs(word)
    assert len(paragraphs) > 10
    crowded = {text[:60]: len(named_in(text, everyone)) for text in paragraphs if len(named_in(text, everyone)) > 5}
    assert crowded == {}
    assert not [text for text in paragraphs if "обеспечить его" in text]  # the letter says what to do


def test_abbreviations_are_listed_and_counts_are_whole(sample_cycle, folder):
    word = WordDocument(folder / f"spravka_{MONITORING_ID}.docx")
    listed = {plain(row.cells[0].text): plain(row.cells[1].text) for row in word.tables[0].rows[1:]}
    assert {"ИОР", "МНЦ", "МТКП", "ШНОР", "ОО-1", "ФИОКО"} <= listed.keys()
    assert listed["ИОР"].startswith("индекс образовательных результатов")
    headings = [plain(p.text) for p in word.paragraphs if p.style.name == "Heading 1"]
    assert headings[0] == "Список сокращений"
    numbers = [int(m[1]) for text in headings if (m := re.match(r"(\d+)\. ", text))]
    assert numbers == list(range(1, len(numbers) + 1))  # sections numbered without gaps
    municipal = WordDocument(folder / "municipalities" / "03601000 Абинский муниципальный район.docx")
    indicators = table_after(municipal, "Показатели формы")
    counts = marts(sample_cycle, "select indicator_display_code, score from marts.mart_indicator_scores where "
                                 "monitoring_id = ? and municipality_oktmo = '03601000' and indicator_kind = 'count'",
                   [MONITORING_ID])
    shown = {plain(row.cells[0].text).split(".")[0]: row.cells[1].text for row in indicators.rows[1:]}
    assert {code: shown[code] for code in counts["indicator_display_code"]} == {
        r.indicator_display_code: str(int(r.score)) for r in counts.itertuples()}  # «2», never «2,0»


def test_municipal_note_reports_the_assessment_results_it_has(sample_cycle, folder):
    word = WordDocument(folder / "municipalities" / "03601000 Абинский муниципальный район.docx")
    text = plain("\n".join(p.text for p in word.paragraphs))
    assert "противоречий" not in text.lower()
    results = marts(sample_cycle, "select count(*) as n from marts.fct_assessment_results r join "
                                  "marts.mart_school_identification s using (school_code) where s.result_year = 2025 and "
                                  "(s.is_regional_shnor or s.is_federal_shnor) and r.municipality_oktmo = '03601000' and "
                                  "r.assessment_year in (2024, 2025) and not r.is_suppressed").iloc[0]["n"]
    if results:
        table = table_after(word, "Результаты оценочных процедур ШНОР, ")  # the caption, not the heading
        assert len(table.rows) > 1
    else:
        assert "Результатов оценочных процедур ШНОР муниципального образования" in text
