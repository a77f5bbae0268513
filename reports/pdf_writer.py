"""Render a reports.document.Document to PDF (fpdf2) with the DejaVu fonts matplotlib ships, so Cyrillic
prints on any machine without system fonts; a character the font lacks is an error, never a blank box."""

from __future__ import annotations

from pathlib import Path

import matplotlib
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.fonts import FontFace
from PIL import Image

from reports.document import Bullets, Document, Figure, Heading, Paragraph, Table

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
REGULAR, BOLD = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
HEADING_SIZES = {1: 14, 2: 12, 3: 11}


class MissingGlyphs(ValueError):
    pass


def check_glyphs(text: str, font: Path = REGULAR) -> None:
    covered = TTFont(font).getBestCmap()
    missing = sorted({ch for ch in text if not ch.isspace() and ord(ch) not in covered})
    if missing:
        raise MissingGlyphs(f"В шрифте {font.name} нет символов: {' '.join(missing)}")


class _Pages(FPDF):
    def __init__(self, document: Document):
        super().__init__(format="A4")
        self.document = document
        self.add_font("DejaVu", "", str(REGULAR))
        self.add_font("DejaVu", "B", str(BOLD))
        self.set_margins(20, 18, 15)
        self.set_auto_page_break(True, margin=18)

    def header(self):
        if self.document.mark:
            self.set_font("DejaVu", "B", 8)
            self.set_text_color(192, 0, 0)
            self.cell(0, 5, self.document.mark.upper(), align="R", new_x="LMARGIN", new_y="NEXT")
            self.set_text_color(0, 0, 0)

    def footer(self):
        self.set_y(-14)
        self.set_font("DejaVu", "", 7)
        self.multi_cell(0, 3.5, f"{self.document.footer}   Стр. {self.page_no()} из {{nb}}", align="L")


def write_pdf(document: Document, path: Path) -> Path:
    check_glyphs(document.text())
    pdf = _Pages(document)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 16)
    pdf.multi_cell(0, 8, document.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 11)
    for line in document.subtitle:
        pdf.multi_cell(0, 6, line, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for block in document.blocks:
        _add_block(pdf, block)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


def _add_block(pdf: FPDF, block) -> None:
    if isinstance(block, Heading):
        pdf.ln(2)
        pdf.set_font("DejaVu", "B", HEADING_SIZES.get(block.level, 11))
        pdf.multi_cell(0, 7, block.text, new_x="LMARGIN", new_y="NEXT")
    elif isinstance(block, Paragraph):
        pdf.set_font("DejaVu", "B" if block.bold else "", 10.5)
        pdf.multi_cell(0, 5.5, block.text, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)
    elif isinstance(block, Bullets):
        pdf.set_font("DejaVu", "", 10.5)
        for number, item in enumerate(block.items, start=1):
            marker = f"{number}." if block.numbered else "•"
            pdf.multi_cell(0, 5.5, f"{marker} {item}", align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)
    elif isinstance(block, Table):
        _add_table(pdf, block)
    elif isinstance(block, Figure):
        _add_figure(pdf, block.path)
        pdf.set_font("DejaVu", "", 9)
        pdf.multi_cell(0, 5, block.caption, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)


def _add_figure(pdf: FPDF, path: Path) -> None:
    """Full width, or smaller and centred when a tall chart would not fit a page; a new page if it does not fit this one."""
    with Image.open(path) as image:
        ratio = image.height / image.width
    room = pdf.eph - 14  # the caption below it stays on the same page
    width = min(pdf.epw, room / ratio)
    if pdf.get_y() + width * ratio > pdf.page_break_trigger - 10:
        pdf.add_page()
    pdf.image(str(path), x=pdf.l_margin + (pdf.epw - width) / 2, w=width)


def _add_table(pdf: FPDF, block: Table) -> None:
    if block.caption:
        pdf.set_font("DejaVu", "", 9.5)
        pdf.multi_cell(0, 5, block.caption, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 8.5)
    with pdf.table(col_widths=tuple(block.widths or [1] * len(block.columns)), text_align="LEFT", line_height=4.5,
                   headings_style=FontFace(emphasis="BOLD", fill_color=(221, 235, 247)), padding=1) as table:
        for values in [block.columns, *block.rows]:
            row = table.row()
            for value in values:
                row.cell(value)
    pdf.ln(3)
