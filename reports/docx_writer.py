"""Render a reports.document.Document to .docx (python-docx): A4, Times New Roman, header rows repeated."""

from __future__ import annotations

from pathlib import Path

from docx import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from reports.document import Bullets, Document, Figure, Heading, Paragraph, Table

PAGE_WIDTH_CM = 17.0


def write_docx(document: Document, path: Path) -> Path:
    word = WordDocument()
    section = word.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2)
    normal = word.styles["Normal"]
    normal.font.name, normal.font.size = "Times New Roman", Pt(12)
    if document.mark:
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = header.add_run(document.mark.upper())
        run.bold, run.font.color.rgb = True, RGBColor(0xC0, 0, 0)
    section.footer.paragraphs[0].add_run(document.footer).font.size = Pt(8)

    title = word.add_heading(document.title, level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line in document.subtitle:
        word.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.CENTER
    for block in document.blocks:
        _add_block(word, block)
    path.parent.mkdir(parents=True, exist_ok=True)
    word.save(path)
    return path


def _add_block(word, block) -> None:
    if isinstance(block, Heading):
        word.add_heading(block.text, level=block.level)
    elif isinstance(block, Paragraph):
        word.add_paragraph().add_run(block.text).bold = block.bold
    elif isinstance(block, Bullets):
        style = "List Number" if block.numbered else "List Bullet"
        for item in block.items:
            word.add_paragraph(item, style=style)
    elif isinstance(block, Table):
        _add_table(word, block)
    elif isinstance(block, Figure):
        word.add_picture(str(block.path), width=Cm(PAGE_WIDTH_CM))
        caption = word.add_paragraph(block.caption)
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
        caption.runs[0].italic = True


def _add_table(word, block: Table) -> None:
    if block.caption:
        word.add_paragraph().add_run(block.caption).italic = True
    table = word.add_table(rows=len(block.rows) + 1, cols=len(block.columns))
    table.style = "Table Grid"
    table.style.font.size = Pt(10)
    widths = block.widths or [1] * len(block.columns)
    widths = [Cm(PAGE_WIDTH_CM * width / sum(widths)) for width in widths]
    for row, values in zip(table.rows, [block.columns, *block.rows]):
        for cell, value, width in zip(row.cells, values, widths):
            cell.text = value
            cell.width = width
    for cell in table.rows[0].cells:
        cell.paragraphs[0].runs[0].bold = True
    _repeat_as_header(table.rows[0])
    word.add_paragraph()


def _repeat_as_header(row) -> None:
    """Mark the row as a header row, so Word repeats it on every page the table spans."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)
