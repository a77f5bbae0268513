"""Render a reports.document.Document to PDF (fpdf2) with the DejaVu fonts matplotlib ships, so Cyrillic
prints on any machine without system fonts; a character the font lacks is an error, never a blank box.

Typeset as a Russian methodologist expects: justified paragraphs hyphenated by pyphen's bundled ru_RU
dictionary (soft hyphens, which fpdf2 breaks at with a visible hyphen), no one-letter preposition or
conjunction at a line's end (a no-break space ties it to the next word), numbers right-aligned in tables, a
caption never left alone at a page's foot (nor a heading), tables and figures numbered in order, and the
document's title, subject, author (the issuing institution) and language in the file's metadata."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import matplotlib
import pyphen
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.fonts import FontFace
from PIL import Image

from reports.document import Bullets, Document, Figure, Heading, Paragraph, Table, keep_short_words

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
REGULAR, BOLD = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
HEADING_SIZES = {1: 14, 2: 12, 3: 11}
SOFT_HYPHEN = "\u00ad"
KEEP_WITH_NEXT_MM = 32  # a heading or a table's caption needs this much room below it, or it starts a new page
_LONG_WORD = re.compile(r"[А-Яа-яЁё]{6,}")


class MissingGlyphs(ValueError):
    pass


def check_glyphs(text: str, font: Path = REGULAR) -> None:
    covered = TTFont(font).getBestCmap()
    missing = sorted({ch for ch in text if not ch.isspace() and ord(ch) not in covered})
    if missing:
        raise MissingGlyphs(f"В шрифте {font.name} нет символов: {' '.join(missing)}")


@cache
def _russian() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="ru_RU", left=2, right=2)  # never a single letter left or carried over


def hyphenate(text: str) -> str:
    """Soft hyphens where a Russian word may break («муни­ци­паль­ный»); abbreviations (ШНОР, МНЦ) stay whole."""
    def soft(match: re.Match) -> str:
        word = match.group()
        return word if word.isupper() else _russian().inserted(word, hyphen=SOFT_HYPHEN)
    return _LONG_WORD.sub(soft, text)


def typeset(text: str) -> str:
    return hyphenate(keep_short_words(text))


class _Pages(FPDF):
    def __init__(self, document: Document):
        super().__init__(format="A4")
        self.document = document
        self.add_font("DejaVu", "", str(REGULAR))
        self.add_font("DejaVu", "B", str(BOLD))
        self.set_margins(20, 18, 15)
        self.set_auto_page_break(True, margin=18)
        self.set_title(document.title + (f": {document.subtitle[0]}" if document.subtitle else ""))
        self.set_subject("; ".join(document.subtitle))
        if document.author:
            self.set_author(document.author)
        self.set_creator("Хранилище мониторингов ШНОР")
        self.set_lang("ru-RU")

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

    def keep_room(self, height: float) -> None:
        """Start a new page unless ``height`` mm fit below the current line."""
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()


def write_pdf(document: Document, path: Path) -> Path:
    document.number_captions()
    check_glyphs(document.text())
    pdf = _Pages(document)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 16)
    pdf.multi_cell(0, 8, keep_short_words(document.title), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 11)
    for line in document.subtitle:
        pdf.multi_cell(0, 6, keep_short_words(line), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for block in document.blocks:
        _add_block(pdf, block)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


def _add_block(pdf: _Pages, block) -> None:
    if isinstance(block, Heading):
        pdf.ln(2)
        pdf.keep_room(KEEP_WITH_NEXT_MM)  # a heading stays with what it heads
        pdf.set_font("DejaVu", "B", HEADING_SIZES.get(block.level, 11))
        pdf.multi_cell(0, 7, keep_short_words(block.text), new_x="LMARGIN", new_y="NEXT")
    elif isinstance(block, Paragraph):
        pdf.set_font("DejaVu", "B" if block.bold else "", 10.5)
        pdf.multi_cell(0, 5.5, typeset(block.text), align="J", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)
    elif isinstance(block, Bullets):
        pdf.set_font("DejaVu", "", 10.5)
        for number, item in enumerate(block.items, start=1):
            marker = f"{number}." if block.numbered else "•"
            pdf.multi_cell(0, 5.5, f"{marker} {typeset(item)}", align="J", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)
    elif isinstance(block, Table):
        _add_table(pdf, block)
    elif isinstance(block, Figure):
        pdf.set_font("DejaVu", "", 9)
        caption = keep_short_words(block.caption)
        caption_height = 5 * len(pdf.multi_cell(0, 5, caption, align="C", dry_run=True, output="LINES")) + 2
        _add_figure(pdf, block.path, caption_height)
        pdf.multi_cell(0, 5, caption, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)


def _add_figure(pdf: FPDF, path: Path, caption_height: float) -> None:
    """Full width, or smaller and centred when a tall chart would not fit a page with its caption below it;
    a new page if the two do not fit this one."""
    with Image.open(path) as image:
        ratio = image.height / image.width
    room = pdf.eph - caption_height - 4  # the header line above
    width = min(pdf.epw, room / ratio)
    if pdf.get_y() + width * ratio + caption_height > pdf.page_break_trigger:
        pdf.add_page()
    pdf.image(str(path), x=pdf.l_margin + (pdf.epw - width) / 2, w=width)


def _add_table(pdf: _Pages, block: Table) -> None:
    numeric = block.numeric_columns()
    if block.caption:
        pdf.set_font("DejaVu", "", 9.5)
        caption = keep_short_words(block.caption)
        lines = len(pdf.multi_cell(0, 5, caption, dry_run=True, output="LINES"))
        pdf.keep_room(5 * lines + KEEP_WITH_NEXT_MM)  # the caption, the header and the first rows together
        pdf.multi_cell(0, 5, caption, new_x="LMARGIN", new_y="NEXT")
    else:
        pdf.keep_room(KEEP_WITH_NEXT_MM / 2)
    pdf.set_font("DejaVu", "", 8.5)
    with pdf.table(col_widths=tuple(block.widths or [1] * len(block.columns)), text_align="LEFT", line_height=4.5,
                   headings_style=FontFace(emphasis="BOLD", fill_color=(221, 235, 247)), padding=1) as table:
        heading = table.row()
        for title, is_number in zip(block.columns, numeric):
            heading.cell(typeset(title), align="CENTER" if is_number else "LEFT")
        for values in block.rows:
            row = table.row()
            for value, is_number in zip(values, numeric):
                row.cell(value if is_number else typeset(value), align="RIGHT" if is_number else "LEFT")
    pdf.ln(3)
