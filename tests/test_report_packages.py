"""The .docx written as XML on a package skeleton, and charts drawn many per Typst compile (issue 30, speed): a
hand-made document read back by python-docx says exactly what was put in, and a chart's PNG drawn among others
is the same file as drawn alone."""

from __future__ import annotations

import docx
from docx.shared import Cm

from reports import charts
from reports.document import Bullets, Document, Figure, Heading, Paragraph, Table
from reports.docx_writer import write_docx


def _chart(path, shares):
    return charts.shares_by_name(path, ["Первое МО", "Второе МО"], shares, None, "", "Доля")


def _document(tmp_path, name: str, refs: list[str]) -> Document:
    return Document(title="Справка: проба", subtitle=["окно 2025"], footer="подвал справки", mark="демонстрационные данные",
                    author="ИРО края").add(
        Heading("Формы", numbered=True),
        Paragraph("Текст «=СУММ(A1)» & <теги>", ref=refs[0]),
        Bullets(["первый пункт", "второй пункт"], refs=[refs[1], None]),
        Table(["Имя", "Доля"], [["А", "5 %"], ["Б", "7 %"]], caption="Таблица 1. Доли", refs=[refs[2], refs[3]]),
        Figure(_chart(tmp_path / f"{name}.png", [0.05, 0.07]), "Рисунок 1. Доли", ref=refs[4]))


def test_a_hand_made_document_reads_back_as_written(tmp_path):
    refs = ["R-000000000001", "R-000000000002", "R-000000000003", "R-000000000004", "R-000000000005"]
    word = docx.Document(write_docx(_document(tmp_path, "first", refs), tmp_path / "first.docx"))
    paragraphs = [(p.style.name, p.text.replace("\u00a0", " ")) for p in word.paragraphs if p.text]
    assert paragraphs == [("Title", "Справка: проба"), ("Normal", "окно 2025"), ("Heading 1", "1. Формы"),
                          ("Normal", "Текст «=СУММ(A1)» & <теги>"), ("List Bullet", "первый пункт"),
                          ("List Bullet", "второй пункт"), ("Normal", "Таблица 1. Доли"), ("Normal", "Рисунок 1. Доли")]
    [table] = word.tables
    assert [[cell.text for cell in row.cells] for row in table.rows] == [["Имя", "Доля"], ["А", "5 %"], ["Б", "7 %"]]
    assert [comment.text for comment in word.comments] == refs  # five references put in, five comments
    [picture] = word.inline_shapes
    assert picture.width == Cm(17)
    properties = word.core_properties
    assert (properties.title, properties.author, properties.language) == ("Справка: проба: окно 2025", "ИРО края", "ru-RU")
    assert word.sections[0].header.paragraphs[0].text == "ДЕМОНСТРАЦИОННЫЕ ДАННЫЕ"
    assert word.sections[0].footer.paragraphs[0].text == "подвал справки"
    # a second document on the same skeleton has its own comments, numbered from the start
    second = docx.Document(write_docx(_document(tmp_path, "second", ["R-a", "R-b", "R-c", "R-d", "R-e"]),
                                      tmp_path / "second.docx"))
    assert [comment.text for comment in second.comments] == ["R-a", "R-b", "R-c", "R-d", "R-e"]


def test_a_chart_drawn_among_others_is_the_same_png_as_drawn_alone(tmp_path):
    alone, first, second = (_chart(tmp_path / f"{name}.png", shares) for name, shares in
                            (("alone", [0.05, 0.07]), ("first", [0.05, 0.07]), ("second", [0.9, 0.0])))
    assert not alone.path.exists()  # drawn when rendered, not when made
    charts.render([alone])
    charts.render([first, second])
    assert alone.path.read_bytes() == first.path.read_bytes() != second.path.read_bytes()
    stamp = first.path.stat().st_mtime_ns
    charts.render([first])  # drawn once
    assert first.path.stat().st_mtime_ns == stamp
