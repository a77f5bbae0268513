"""Render a reports.document.Document to .docx (python-docx): A4, Times New Roman, header rows repeated.

Typeset as a Russian methodologist expects: Russian as the text's language with Word's automatic
hyphenation on, no one-letter preposition or conjunction at a line's end (no-break spaces), numbers
right-aligned in tables, a caption kept with its table (and a chart with its caption, a heading with what
follows), tables and figures numbered in order, and the title, subject, author (the issuing institution)
and language in the file's properties."""

from __future__ import annotations

from pathlib import Path

from docx import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from reports.document import Bullets, Document, Figure, Heading, Paragraph, Table, keep_short_words

PAGE_WIDTH_CM = 17.0
LANGUAGE = "ru-RU"


def write_docx(document: Document, path: Path) -> Path:
    document.number_sections().number_captions()
    word = WordDocument()
    section = word.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2)
    normal = word.styles["Normal"]
    normal.font.name, normal.font.size = "Times New Roman", Pt(12)
    _russian(word)
    properties = word.core_properties
    properties.title = document.title + (f": {document.subtitle[0]}" if document.subtitle else "")
    properties.subject = "; ".join(document.subtitle)
    properties.author = properties.last_modified_by = document.author or ""
    properties.language = LANGUAGE
    properties.comments = document.footer
    if document.mark:
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = header.add_run(document.mark.upper())
        run.bold, run.font.color.rgb = True, RGBColor(0xC0, 0, 0)
    section.footer.paragraphs[0].add_run(document.footer).font.size = Pt(8)

    title = word.add_heading(keep_short_words(document.title), level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line in document.subtitle:
        word.add_paragraph(keep_short_words(line)).alignment = WD_ALIGN_PARAGRAPH.CENTER
    for block in document.blocks:
        _add_block(word, block)
    path.parent.mkdir(parents=True, exist_ok=True)
    word.save(path)
    return path


def _russian(word) -> None:
    """Russian as the language of the text (Word's spelling and hyphenation rules) and automatic hyphenation on."""
    properties = word.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    language = properties.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        properties.append(language)
    language.set(qn("w:val"), LANGUAGE)
    language.set(qn("w:eastAsia"), LANGUAGE)
    settings = word.settings.element
    hyphenation = settings.find(qn("w:autoHyphenation"))
    if hyphenation is None:
        hyphenation = OxmlElement("w:autoHyphenation")
        settings.append(hyphenation)
    hyphenation.set(qn("w:val"), "true")


def _add_block(word, block) -> None:
    if isinstance(block, Heading):
        word.add_heading(keep_short_words(block.text), level=block.level).paragraph_format.keep_with_next = True
    elif isinstance(block, Paragraph):
        paragraph = word.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        paragraph.add_run(keep_short_words(block.text)).bold = block.bold
    elif isinstance(block, Bullets):
        style = "List Number" if block.numbered else "List Bullet"
        for item in block.items:
            word.add_paragraph(keep_short_words(item), style=style)
    elif isinstance(block, Table):
        _add_table(word, block)
    elif isinstance(block, Figure):
        word.add_picture(str(block.path), width=Cm(PAGE_WIDTH_CM))
        word.paragraphs[-1].paragraph_format.keep_with_next = True  # the chart stays with its caption below
        caption = word.add_paragraph(keep_short_words(block.caption))
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
        caption.runs[0].italic = True


def _add_table(word, block: Table) -> None:
    if block.caption:
        caption = word.add_paragraph()
        caption.add_run(keep_short_words(block.caption)).italic = True
        caption.paragraph_format.keep_with_next = True  # never alone at a page's foot: it goes with the table
    numeric = block.numeric_columns()
    table = word.add_table(rows=len(block.rows) + 1, cols=len(block.columns))
    table.style = "Table Grid"
    table.style.font.size = Pt(10)
    widths = block.widths or [1] * len(block.columns)
    widths = [Cm(PAGE_WIDTH_CM * width / sum(widths)) for width in widths]
    for index, (row, values) in enumerate(zip(table.rows, [block.columns, *block.rows])):
        for cell, value, width, is_number in zip(row.cells, values, widths, numeric):
            cell.text = value if is_number and index else keep_short_words(value)
            cell.width = width
            paragraph = cell.paragraphs[0]
            if is_number:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if index == 0 else WD_ALIGN_PARAGRAPH.RIGHT
            if index <= 1:
                paragraph.paragraph_format.keep_with_next = True  # the header and the first row with the caption
        _cant_split(row)
    for cell in table.rows[0].cells:
        cell.paragraphs[0].runs[0].bold = True
    _repeat_as_header(table.rows[0])
    word.add_paragraph()


def _cant_split(row) -> None:
    """A row is never broken across two pages."""
    properties = row._tr.get_or_add_trPr()
    element = OxmlElement("w:cantSplit")
    element.set(qn("w:val"), "true")
    properties.append(element)


def _repeat_as_header(row) -> None:
    """Mark the row as a header row, so Word repeats it on every page the table spans."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)
