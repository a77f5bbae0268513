"""Render a reports.document.Document to .docx (python-docx): A4, Times New Roman, header rows repeated.

Typeset as a Russian methodologist expects: Russian as the text's language with Word's automatic
hyphenation on, no one-letter preposition or conjunction at a line's end (no-break spaces), numbers
right-aligned in tables, a caption kept with its table (and a chart with its caption, a heading with what
follows), tables and figures numbered in order, and the title, subject, author (the issuing institution)
and language in the file's properties."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor

from reports.document import Bullets, Document, Figure, Heading, Paragraph, Table, keep_short_words
from reports.wording import say

PAGE_WIDTH_CM = 17.0
TABLE_STYLE_NAME, TABLE_STYLE = "Table Grid", "TableGrid"  # the default template's grid table
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
    # style ids looked up once: python-docx resolves a style object by scanning every style of the document
    styles = {name: word.styles[name].style_id for name in ("Heading 1", "Heading 2", "Heading 3", "List Number",
                                                            "List Bullet")}
    word.styles[TABLE_STYLE_NAME].font.size = Pt(10)
    comments = _Comments()
    for block in document.blocks:
        _add_block(word, block, styles, comments)
    comments.write(word)
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


class _Comments:
    """The references (``shnor explain``) as Word comments, their texts written at the end as one piece of XML:
    python-docx looks for a free id among all comments for every new one (quadratic: a third of a note's .docx)."""

    def __init__(self):
        self.texts: list[str] = []

    def new(self, ref: str) -> tuple[str, str]:
        """A comment on ``ref``: the XML that opens its range and that which closes it with its reference mark."""
        number = len(self.texts)
        self.texts.append(ref)
        return (f'<w:commentRangeStart w:id="{number}"/>',
                f'<w:commentRangeEnd w:id="{number}"/><w:r><w:rPr><w:rStyle w:val="CommentReference"/></w:rPr>'
                f'<w:commentReference w:id="{number}"/></w:r>')

    def write(self, word) -> None:
        if not self.texts:
            return
        author, initials = escape(say("common.reference_author"), {'"': "&quot;"}), "Ш"
        day = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        comments = word.part._comments_part.element
        comments.extend(parse_xml(f"<w:comments {nsdecls('w')}>" + "".join(
            f'<w:comment w:id="{number}" w:author="{author}" w:initials="{initials}" w:date="{day}"><w:p><w:pPr>'
            f'<w:pStyle w:val="CommentText"/></w:pPr><w:r><w:rPr><w:rStyle w:val="CommentReference"/></w:rPr>'
            f'<w:annotationRef/></w:r><w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p></w:comment>'
            for number, text in enumerate(self.texts)) + "</w:comments>"))


def _paragraph(word, text: str, style: str | None = None, align: str | None = None, keep: bool = False,
               bold: bool = False, italic: bool = False, comment: tuple[str, str] = ("", "")) -> None:
    """A paragraph of one run written as WordprocessingML (python-docx appends a run's text character by
    character): its style id, kept with the next paragraph, alignment; ``comment`` the XML around its run."""
    properties = ((f'<w:pStyle w:val="{style}"/>' if style else "") + ("<w:keepNext/>" if keep else "")
                  + (f'<w:jc w:val="{align}"/>' if align else ""))
    run = ("<w:rPr>" + ("<w:b/>" if bold else "") + ("<w:i/>" if italic else "") + "</w:rPr>") if bold or italic else ""
    lines = "<w:br/>".join(f'<w:t xml:space="preserve">{escape(line)}</w:t>' for line in text.split("\n"))
    word.element.body._insert_p(parse_xml(f"<w:p {nsdecls('w')}><w:pPr>{properties}</w:pPr>{comment[0]}<w:r>{run}"
                                          f"{lines}</w:r>{comment[1]}</w:p>"))


def _add_block(word, block, styles: dict, comments: _Comments) -> None:
    if isinstance(block, Heading):
        _paragraph(word, keep_short_words(block.text), styles[f"Heading {block.level}"], keep=True)
    elif isinstance(block, Paragraph):
        _paragraph(word, keep_short_words(block.text), align="both", bold=block.bold,
                   comment=comments.new(block.ref) if block.ref else ("", ""))
    elif isinstance(block, Bullets):
        style = styles["List Number" if block.numbered else "List Bullet"]
        for index, item in enumerate(block.items):
            ref = block.refs[index] if block.refs else None
            _paragraph(word, keep_short_words(item), style, comment=comments.new(ref) if ref else ("", ""))
    elif isinstance(block, Table):
        _add_table(word, block, comments)
    elif isinstance(block, Figure):
        picture = word.add_paragraph()
        picture.add_run().add_picture(str(block.path), width=Cm(PAGE_WIDTH_CM))
        picture.paragraph_format.keep_with_next = True  # the chart stays with its caption below
        _paragraph(word, keep_short_words(block.caption), align="center", italic=True,
                   comment=comments.new(block.ref) if block.ref else ("", ""))


TWIPS_PER_CM = 567


def _cell(text: str, width: int, align: str | None, header: bool, keep: bool, comment: tuple[str, str] = ("", "")) -> str:
    """One cell as WordprocessingML: its width, alignment, kept with the next row (the header and first row stay
    with the caption), bold in the header; ``comment`` the XML around its text of the comment on it."""
    paragraph = (("<w:keepNext/>" if keep else "") + (f'<w:jc w:val="{align}"/>' if align else ""))
    run = "<w:rPr><w:b/></w:rPr>" if header else ""
    return (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr><w:p><w:pPr>{paragraph}</w:pPr>{comment[0]}'
            f'<w:r>{run}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>{comment[1]}</w:p></w:tc>')


def _add_table(word, block: Table, comments: _Comments) -> None:
    """A table written as one piece of XML (python-docx builds a cell in dozens of calls): the header row
    repeated on every page, no row broken across pages, numbers right-aligned under centred headings."""
    if block.caption:  # never alone at a page's foot: it goes with the table
        _paragraph(word, keep_short_words(block.caption), keep=True, italic=True)
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
    table = parse_xml(f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblStyle w:val="{TABLE_STYLE}"/><w:tblW w:w="0" w:type="auto"/>'
                      f'<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
                      f'w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>{"".join(rows)}</w:tbl>')
    word.element.body._insert_tbl(table)  # before the section's properties, which end the body
    word.add_paragraph()

