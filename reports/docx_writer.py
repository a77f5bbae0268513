"""Render a reports.document.Document to .docx (WordprocessingML on a skeleton python-docx makes once): A4, Times New Roman, header rows repeated.

Typeset as a Russian methodologist expects: Russian as the text's language with Word's automatic
hyphenation on, no one-letter preposition or conjunction at a line's end (no-break spaces), numbers
right-aligned in tables, a caption kept with its table (and a chart with its caption, a heading with what
follows), tables and figures numbered in order, and the title, subject, author (the issuing institution)
and language in the file's properties."""

from __future__ import annotations

import io
import os
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.image.image import Image
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from reports import charts
from reports.document import Bullets, Document, Figure, Heading, Paragraph, Table, keep_short_words
from reports.wording import say

PAGE_WIDTH_CM = 17.0
TABLE_STYLE_NAME, TABLE_STYLE = "Table Grid", "TableGrid"  # the default template's grid table
LANGUAGE = "ru-RU"
CONTENT_TYPES = "[Content_Types].xml"
DOCUMENT, COMMENTS, RELATIONS, CORE = ("word/document.xml", "word/comments.xml", "word/_rels/document.xml.rels",
                                       "docProps/core.xml")
STYLES = ("Title", "Heading 1", "Heading 2", "Heading 3", "List Number", "List Bullet")


@dataclass(frozen=True)
class _Skeleton:
    """A document's package without its text: every part python-docx writes for an empty document of the
    house style (page, fonts, Russian, header mark, footer, styles), and the style ids the body refers to."""

    parts: dict[str, bytes]
    styles: dict[str, str]


@lru_cache(maxsize=4)
def _skeleton(mark: str | None, footer: str) -> _Skeleton:
    """Made once per process for a cycle's notes (they share the mark and the footer): a note then costs its
    body's XML and a zip, where python-docx opened its default template and serialised every part per note."""
    word = WordDocument()
    section = word.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2)
    normal = word.styles["Normal"]
    normal.font.name, normal.font.size = "Times New Roman", Pt(12)
    _russian(word)
    if mark:
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = header.add_run(mark.upper())
        run.bold, run.font.color.rgb = True, RGBColor(0xC0, 0, 0)
    section.footer.paragraphs[0].add_run(footer).font.size = Pt(8)
    word.styles[TABLE_STYLE_NAME].font.size = Pt(10)
    styles = {name: word.styles[name].style_id for name in STYLES}
    word.part._comments_part  # noqa: B018 — the comments part and its relationship, filled per document
    for paragraph in list(word.element.body.iterchildren(qn("w:p"))):
        word.element.body.remove(paragraph)
    package = io.BytesIO()
    word.save(package)
    with zipfile.ZipFile(package) as unpacked:
        parts = {name: unpacked.read(name) for name in unpacked.namelist()}
    types = parts.pop(CONTENT_TYPES).decode()
    if 'Extension="png"' not in types:  # the charts' pictures
        types = types.replace("<Default ", '<Default Extension="png" ContentType="image/png"/><Default ', 1)
    return _Skeleton({CONTENT_TYPES: types.encode(), **parts}, styles)


def write_docx(document: Document, path: Path) -> Path:
    """The skeleton's parts with the document's body, comments, pictures and properties written as XML."""
    document.number_sections().number_captions()
    charts.render(document_charts(document))
    skeleton = _skeleton(document.mark, document.footer)
    styles = skeleton.styles
    body = [_paragraph(keep_short_words(document.title), styles["Title"], align="center", preserve=False)]
    body += [_paragraph(keep_short_words(line), align="center", preserve=False) for line in document.subtitle]
    comments, pictures = _Comments(), _Pictures()
    for block in document.blocks:
        _add_block(body, block, styles, comments, pictures)
    parts = dict(skeleton.parts)
    xml = parts[DOCUMENT].decode()
    end = xml.rindex("<w:sectPr")
    parts[DOCUMENT] = (xml[:end] + "".join(body) + xml[end:]).encode()
    parts[COMMENTS] = comments.xml(parts[COMMENTS].decode()).encode()
    relations = parts[RELATIONS].decode()
    parts[RELATIONS] = relations.replace("</Relationships>", pictures.relations() + "</Relationships>").encode()
    parts.update(pictures.media())
    parts[CORE] = _core(document).encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    staged = path.with_name(f".{path.name}.{os.getpid()}")
    with zipfile.ZipFile(staged, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():  # the content types first, as Word writes them
            package.writestr(name, data)
    os.replace(staged, path)
    return path


def document_charts(document: Document) -> list:
    """The document's charts (``reports.charts.Chart``), whose PNGs its pictures are."""
    return [block.image for block in document.blocks if isinstance(block, Figure) and block.chart is not None]


def _core(document: Document) -> str:
    """The file's properties: title, subject, author (the issuing institution), language, the footer as comments."""
    def text(value: str) -> str:
        return escape(value) if value else ""
    title = document.title + (f": {document.subtitle[0]}" if document.subtitle else "")
    author, made = text(document.author or ""), datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return ("<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title>{text(title)}</dc:title><dc:subject>{text('; '.join(document.subtitle))}</dc:subject>"
            f"<dc:creator>{author}</dc:creator><cp:keywords/><dc:description>{text(document.footer)}</dc:description>"
            f"<cp:lastModifiedBy>{author}</cp:lastModifiedBy><cp:revision>1</cp:revision>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{made}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{made}</dcterms:modified>'
            f"<cp:category/><dc:language>{LANGUAGE}</dc:language></cp:coreProperties>")


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


class _Comments:
    """The references (``shnor explain``) as Word comments, numbered here and their texts written as one piece
    of XML into the skeleton's (empty) comments part."""

    def __init__(self):
        self.texts: list[str] = []

    def new(self, ref: str) -> tuple[str, str]:
        """A comment on ``ref``: the XML that opens its range and that which closes it with its reference mark."""
        number = len(self.texts)
        self.texts.append(ref)
        return (f'<w:commentRangeStart w:id="{number}"/>',
                f'<w:commentRangeEnd w:id="{number}"/><w:r><w:rPr><w:rStyle w:val="CommentReference"/></w:rPr>'
                f'<w:commentReference w:id="{number}"/></w:r>')

    def xml(self, empty: str) -> str:
        """The skeleton's comments part with these comments in it."""
        author, initials = escape(say("common.reference_author"), {'"': "&quot;"}), "Ш"
        day = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        comments = "".join(
            f'<w:comment w:id="{number}" w:author="{author}" w:initials="{initials}" w:date="{day}"><w:p><w:pPr>'
            f'<w:pStyle w:val="CommentText"/></w:pPr><w:r><w:rPr><w:rStyle w:val="CommentReference"/></w:rPr>'
            f'<w:annotationRef/></w:r><w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p></w:comment>'
            for number, text in enumerate(self.texts))
        if empty.rstrip().endswith("/>"):  # an empty root element written as one tag
            return empty.rstrip()[:-2] + f">{comments}</w:comments>"
        return empty.replace("</w:comments>", f"{comments}</w:comments>")


PICTURE_WIDTH = Cm(PAGE_WIDTH_CM)


class _Pictures:
    """The charts' PNGs as image parts (``word/media``), each with its relationship and inline drawing."""

    def __init__(self):
        self.files: list[Path] = []

    def drawing(self, path: Path) -> str:
        self.files.append(Path(path))
        number = len(self.files)
        width, height = Image.from_file(str(path)).scaled_dimensions(PICTURE_WIDTH, None)
        return ('<w:r><w:drawing><wp:inline xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
                'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">'
                f'<wp:extent cx="{width}" cy="{height}"/><wp:docPr id="{number}" name="Picture {number}"/>'
                '<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr><a:graphic>'
                '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:nvPicPr>'
                f'<pic:cNvPr id="0" name="{escape(Path(path).name, {chr(34): "&quot;"})}"/><pic:cNvPicPr/></pic:nvPicPr>'
                f'<pic:blipFill><a:blip r:embed="rIdPicture{number}"/><a:stretch><a:fillRect/></a:stretch>'
                f'</pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{width}" cy="{height}"/></a:xfrm>'
                '<a:prstGeom prst="rect"/></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing>'
                '</w:r>')

    def relations(self) -> str:
        return "".join(f'<Relationship Id="rIdPicture{number}" Type="http://schemas.openxmlformats.org/officeDocument/'
                       f'2006/relationships/image" Target="media/image{number}.png"/>'
                       for number in range(1, len(self.files) + 1))

    def media(self) -> dict[str, bytes]:
        return {f"word/media/image{number}.png": path.read_bytes() for number, path in enumerate(self.files, start=1)}


def _paragraph(text: str, style: str | None = None, align: str | None = None, keep: bool = False,
               bold: bool = False, italic: bool = False, comment: tuple[str, str] = ("", ""),
               preserve: bool = True) -> str:
    """A paragraph of one run as WordprocessingML: its style id, kept with the next paragraph, alignment;
    ``comment`` the XML around its run."""
    properties = ((f'<w:pStyle w:val="{style}"/>' if style else "") + ("<w:keepNext/>" if keep else "")
                  + (f'<w:jc w:val="{align}"/>' if align else ""))
    run = ("<w:rPr>" + ("<w:b/>" if bold else "") + ("<w:i/>" if italic else "") + "</w:rPr>") if bold or italic else ""
    space = ' xml:space="preserve"' if preserve else ""
    lines = "<w:br/>".join(f"<w:t{space}>{escape(line)}</w:t>" for line in text.split("\n"))
    return f"<w:p><w:pPr>{properties}</w:pPr>{comment[0]}<w:r>{run}{lines}</w:r>{comment[1]}</w:p>"


def _add_block(body: list[str], block, styles: dict, comments: _Comments, pictures: _Pictures) -> None:
    if isinstance(block, Heading):
        body.append(_paragraph(keep_short_words(block.text), styles[f"Heading {block.level}"], keep=True))
    elif isinstance(block, Paragraph):
        body.append(_paragraph(keep_short_words(block.text), align="both", bold=block.bold,
                               comment=comments.new(block.ref) if block.ref else ("", "")))
    elif isinstance(block, Bullets):
        style = styles["List Number" if block.numbered else "List Bullet"]
        for index, item in enumerate(block.items):
            ref = block.refs[index] if block.refs else None
            body.append(_paragraph(keep_short_words(item), style, comment=comments.new(ref) if ref else ("", "")))
    elif isinstance(block, Table):
        _add_table(body, block, comments)
    elif isinstance(block, Figure):
        # the chart stays with its caption below
        body.append(f"<w:p><w:pPr><w:keepNext/></w:pPr>{pictures.drawing(block.path)}</w:p>")
        body.append(_paragraph(keep_short_words(block.caption), align="center", italic=True,
                               comment=comments.new(block.ref) if block.ref else ("", "")))


TWIPS_PER_CM = 567


def _cell(text: str, width: int, align: str | None, header: bool, keep: bool, comment: tuple[str, str] = ("", "")) -> str:
    """One cell as WordprocessingML: its width, alignment, kept with the next row (the header and first row stay
    with the caption), bold in the header; ``comment`` the XML around its text of the comment on it."""
    paragraph = (("<w:keepNext/>" if keep else "") + (f'<w:jc w:val="{align}"/>' if align else ""))
    run = "<w:rPr><w:b/></w:rPr>" if header else ""
    return (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr><w:p><w:pPr>{paragraph}</w:pPr>{comment[0]}'
            f'<w:r>{run}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>{comment[1]}</w:p></w:tc>')


def _add_table(body: list[str], block: Table, comments: _Comments) -> None:
    """A table: the header row repeated on every page, no row broken across pages, numbers right-aligned under
    centred headings; an empty paragraph after it (Word joins two tables that touch)."""
    if block.caption:  # never alone at a page's foot: it goes with the table
        body.append(_paragraph(keep_short_words(block.caption), keep=True, italic=True))
    numeric = block.numeric_columns()
    widths = block.widths or [1] * len(block.columns)
    widths = [round(PAGE_WIDTH_CM * TWIPS_PER_CM * width / sum(widths)) for width in widths]
    refs = [None, *(block.refs or [None] * len(block.rows))]
    rows = []
    for index, (values, ref) in enumerate(zip([block.columns, *block.rows], refs, strict=True)):
        header = index == 0
        cells = "".join(_cell(value if is_number and not header else keep_short_words(value), width,
                              ("center" if header else "right") if is_number else None, header, index <= 1,
                              comments.new(ref) if ref and column == block.ref_column else ("", ""))
                        for column, (value, width, is_number) in enumerate(zip(values, widths, numeric)))
        properties = '<w:cantSplit w:val="true"/>' + ('<w:tblHeader w:val="true"/>' if header else "")
        rows.append(f"<w:tr><w:trPr>{properties}</w:trPr>{cells}</w:tr>")
    grid = "".join(f'<w:gridCol w:w="{width}"/>' for width in widths)
    body.append(f'<w:tbl><w:tblPr><w:tblStyle w:val="{TABLE_STYLE}"/><w:tblW w:w="0" w:type="auto"/>'
                f'<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
                f'w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>{"".join(rows)}</w:tbl><w:p/>')
