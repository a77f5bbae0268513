"""The typography rules of the notes, on hand-written text: one-letter words and «№» tied to what follows,
Russian hyphenation in the PDF (Typst) but never inside a file name or a code, numbered captions, which table
columns are numbers."""

from __future__ import annotations

import re

import pytest

from reports.document import Bullets, Document, Figure, Heading, Paragraph, Table, keep_short_words, percent
from reports.pdf_writer import write_pdf

NBSP = "\u00a0"


def test_one_letter_words_and_numero_stay_with_the_next_word():
    text = "Школы в сложных условиях и МО с опозданием — № 5, а также к 2025 году"
    assert keep_short_words(text) == (f"Школы в{NBSP}сложных условиях и{NBSP}МО с{NBSP}опозданием{NBSP}— №{NBSP}5, "
                                      f"а{NBSP}также к{NBSP}2025 году")
    assert keep_short_words("В регионе") == f"В{NBSP}регионе"
    assert keep_short_words("МБОУ СОШ-в работе") == "МБОУ СОШ-в работе"  # a letter inside a word is not a word
    assert percent(0.563) == f"56{NBSP}%"


def _pdf_text(path) -> str:
    """A PDF's text; pdfium joins a word hyphenated at a line's end and marks the break with U+FFFE."""
    pdfium = pytest.importorskip("pypdfium2")
    pdf = pdfium.PdfDocument(path)
    text = "\n".join(pdf[index].get_textpage().get_text_range() for index in range(len(pdf)))
    return re.sub(r"Стр\. \d+ из \d+\s*", "", text)  # the page's footer, read between a word's two halves


# Long Russian words, a file name, codes: 40 repetitions fill a page of justified lines, many of them broken.
SENTENCE = ("Муниципальные образования представили сведения о методическом сопровождении общеобразовательных "
            "организаций в файле Красноармейский_муниципальный_район.xlsx; коды МНЦ-3, ИП-5, ОО-1, ШНОР, МТКП. ")


def test_russian_words_are_hyphenated_but_never_file_names_and_codes(tmp_path):
    note = Document("Справка", [], [Heading("1. Раздел"), Paragraph(SENTENCE * 40), Bullets([SENTENCE * 3])])
    text = _pdf_text(write_pdf(note, tmp_path / "x.pdf"))
    assert len(re.findall("[а-яё]{2}\ufffe[а-яё]{2}", text)) >= 5, "justified Russian text breaks long words"
    assert not re.search("[\\w.-]\ufffe[\\w.-]*(xlsx|МНЦ|МТКП|ШНОР|ОО|ИП)", text)  # no break in a file name or code
    assert not re.search("[А-ЯЁ]\ufffe|\ufffe[А-ЯЁ]", text)  # nor in an abbreviation
    assert text.count("Красноармейский_муниципальный_район.xlsx;") == 43  # whole, every time
    assert not re.search("(^|[\\s\u00a0])[а-яё]\ufffe|\ufffe[а-яё]([\\s\u00a0.,;]|$)", text)  # no single letter


def test_captions_are_numbered_in_order_appendix_apart(tmp_path):
    picture = tmp_path / "x.png"
    note = Document("Справка", [], [Table(["a"], [["1"]], caption="Таблица 3. Третья по старой нумерации"),
                                    Figure(picture, "Рисунок. Без номера"),
                                    Table(["a"], [["1"]], caption="Таблица П1. В приложении"),
                                    Table(["a"], [["1"]], caption="Таблица 1. Вторая"),
                                    Figure(picture, "Рисунок 7. Второй")])
    note.number_captions().number_captions()  # twice: the .docx and the PDF of one note
    assert [b.caption for b in note.blocks] == ["Таблица 1. Третья по старой нумерации", "Рисунок 1. Без номера",
                                                "Таблица П1. В приложении", "Таблица 2. Вторая", "Рисунок 2. Второй"]


def test_numeric_columns_are_those_holding_numbers():
    table = Table(["МО", "Доля", "Место", "Балл", "Статус"],
                  [["Абинский", percent(0.5), "12 из 44", "7,3", "принята"],
                   ["Сочи", "—", "1 из 44", f"774{NBSP}689", "—"]])
    assert table.numeric_columns() == [False, True, True, True, False]
    assert Table(["a", "b"], [["x", "1"]], numeric=[True, False]).numeric_columns() == [True, False]
