"""Render a reports.document.Document to PDF with Typst, in-process (the ``typst`` package bundles the compiler).

The layout is the template ``reports/typst/note.typ``; the document reaches it as JSON in ``sys.inputs``, so
its text is data and never markup. One compiler per process, its fonts loaded once — the DejaVu fonts
matplotlib ships, so Cyrillic prints on any machine without system fonts, and nothing is fetched (the
template uses no Typst package). A character the font lacks is an error, never a blank box.

Typst typesets what a Russian methodologist expects (the template says how): Russian hyphenation
(``lang: "ru"``), no hyphen in file names, codes and numbers, no one-letter preposition or conjunction at a
line's end (no-break spaces, ``keep_short_words``), headings and list items ragged right, a heading kept with
what follows, table headers repeated on every page and never a single row widowed, numbers right-aligned,
captions numbered in order, and the document's title, subject, author and language in the file's metadata."""

from __future__ import annotations

import json
import os
import re
from functools import cache
from pathlib import Path

import matplotlib
import typst
from fontTools.ttLib import TTFont
from PIL import Image

from reports.document import Bullets, Document, Figure, Heading, Paragraph, Table, keep_short_words
from reports.wording import say

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
REGULAR = FONT_DIR / "DejaVuSans.ttf"
TEMPLATE = Path(__file__).parent / "typst" / "note.typ"
TEXT_HEIGHT_MM, TEXT_WIDTH_MM = 297 - 18 - 20 - 12, 210 - 20 - 15  # the page's text area less the header line
FIGURE_CAPTION_MM = 14  # room a figure's caption takes below it


class MissingGlyphs(ValueError):
    pass


@cache
def _covered() -> frozenset[int]:
    return frozenset(TTFont(REGULAR).getBestCmap())


def check_glyphs(text: str) -> None:
    missing = sorted(ch for ch in set(text) if not ch.isspace() and ord(ch) not in _covered())
    if missing:
        raise MissingGlyphs(f"В шрифте {REGULAR.name} нет символов: {' '.join(missing)}")


@cache
def fonts() -> typst.Fonts:
    """matplotlib's DejaVu fonts, loaded once per process: no system font and no font of Typst's own is used."""
    return typst.Fonts(include_system_fonts=False, include_embedded_fonts=False, font_paths=[str(FONT_DIR)])


@cache
def compiler() -> typst.Compiler:
    """The process's one compiler of notes: the template parsed once for every note of a cycle."""
    return typst.Compiler(str(TEMPLATE), root="/", font_paths=fonts(), ignore_system_fonts=True)


def _figure_width(path: Path) -> float:
    """The share of the text width a chart takes: full width, or less when a tall chart would not fit a page
    with its caption."""
    with Image.open(path) as image:
        ratio = image.height / image.width
    return round(min(1.0, (TEXT_HEIGHT_MM - FIGURE_CAPTION_MM) / (TEXT_WIDTH_MM * ratio)), 3)


# What never breaks with a hyphen (a hyphenated file name is another name): file names and codes (ИП-5, МНЦ-3,
# ОО-1, ШНОР). Numbers need no mark: hyphenation breaks words of letters only.
_UNHYPHENATED = re.compile(r"[^\s«»(),;:]+\.(?:xlsx|xls|docx|pdf|csv)\b|\b[А-ЯЁA-Z]{2,}[А-ЯЁA-Z0-9-]*")
LONG_PARAGRAPH = 1500  # letters: a paragraph this long may break across pages (a shorter one moves whole)


def _text(text: str):
    """A text for the template: short words kept with the next, and what must not be hyphenated marked — the
    text itself, or a list of strings and one-string lists (the unhyphenated parts; note.typ ``txt``)."""
    text = keep_short_words(text)
    parts, done = [], 0
    for match in _UNHYPHENATED.finditer(text):
        if match.start() > done:
            parts.append(text[done:match.start()])
        parts.append([match.group()])
        done = match.end()
    if not parts:
        return text
    if done < len(text):
        parts.append(text[done:])
    return parts


def _block(block) -> dict:
    if isinstance(block, Heading):
        return {"kind": "heading", "text": _text(block.text), "level": block.level}
    if isinstance(block, Paragraph):
        return {"kind": "paragraph", "text": _text(block.text), "bold": block.bold,
                "long": len(block.text) > LONG_PARAGRAPH, "ref": block.ref}
    if isinstance(block, Bullets):
        return {"kind": "bullets", "items": [_text(item) for item in block.items], "numbered": block.numbered,
                "refs": block.refs}
    if isinstance(block, Table):
        return {"kind": "table", "columns": [_text(title) for title in block.columns],
                "rows": [[_text(value) for value in row] for row in block.rows],
                "widths": block.widths or [1] * len(block.columns), "numeric": block.numeric_columns(),
                "caption": _text(block.caption) if block.caption else None, "refs": block.refs,
                "ref-column": block.ref_column}
    if isinstance(block, Figure):
        if block.chart is not None:  # drawn by Typst itself, vector
            return {"kind": "figure", "chart": block.chart, "caption": _text(block.caption), "ref": block.ref}
        return {"kind": "figure", "chart": None, "path": str(Path(block.path).resolve()),
                "width": _figure_width(block.path), "caption": _text(block.caption), "ref": block.ref}
    raise TypeError(f"unknown block {type(block).__name__}")


def document_json(document: Document) -> str:
    return json.dumps({
        "title": keep_short_words(document.title), "subtitle": [keep_short_words(line) for line in document.subtitle],
        "meta-title": document.title + (f": {document.subtitle[0]}" if document.subtitle else ""),
        "subject": "; ".join(document.subtitle), "author": document.author or "", "footer": document.footer,
        "mark": document.mark, "page-numbering": say("common.page_numbering"), "blocks": [_block(block) for block in document.blocks]}, ensure_ascii=False)


def write_pdf(document: Document, path: Path) -> Path:
    document.number_sections().number_captions()
    check_glyphs(document.text())
    pdf = compiler().compile(format="pdf", sys_inputs={"document": document_json(document)})
    path.parent.mkdir(parents=True, exist_ok=True)
    staged = path.with_name(f".{path.name}.{os.getpid()}")
    staged.write_bytes(pdf)
    os.replace(staged, path)
    return path
