"""The typography rules of the notes, on hand-written text: one-letter words and «№» tied to what follows,
Russian hyphenation points, numbered captions, which table columns are numbers."""

from __future__ import annotations

from reports.document import Document, Figure, Table, keep_short_words, percent
from reports.pdf_writer import SOFT_HYPHEN, hyphenate

NBSP = "\u00a0"


def test_one_letter_words_and_numero_stay_with_the_next_word():
    text = "Школы в сложных условиях и МО с опозданием — № 5, а также к 2025 году"
    assert keep_short_words(text) == (f"Школы в{NBSP}сложных условиях и{NBSP}МО с{NBSP}опозданием{NBSP}— №{NBSP}5, "
                                      f"а{NBSP}также к{NBSP}2025 году")
    assert keep_short_words("В регионе") == f"В{NBSP}регионе"
    assert keep_short_words("МБОУ СОШ-в работе") == "МБОУ СОШ-в работе"  # a letter inside a word is not a word
    assert percent(0.563) == f"56{NBSP}%"


def test_russian_words_get_soft_hyphens_and_abbreviations_none():
    assert hyphenate("муниципального") == SOFT_HYPHEN.join(["му", "ни", "ци", "паль", "но", "го"])
    assert hyphenate("ШНОР МНЦ МТКП") == "ШНОР МНЦ МТКП"
    broken = hyphenate("образования").split(SOFT_HYPHEN)
    assert len(broken[0]) >= 2 and len(broken[-1]) >= 2  # never a single letter left or carried over


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
