"""What a cycle's reports say, as plain text, to compare two runs of the reports stage (a speed-up must not
change a word): every .docx (paragraphs with their style and alignment, table cells, comments, pictures'
sizes, file properties), every PDF (pdftotext, page count) and every workbook (each sheet's cell values and
number formats), with the times of day and the code's commit the documents print blanked out (PDF lines compared word by word).

    python -m tools.reports_digest $SHNOR_HOME/reports/mph-2025 > after.txt   # then diff against before.txt
"""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

from docx import Document as WordDocument
from openpyxl import load_workbook

_MADE = re.compile(r"\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}( UTC)?|\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?Z?"
                   r"|datetime\.datetime\([^)]*\)|\([0-9a-f]{7,40}\)")  # times of day and the code's commit


def _text(element) -> str:
    return "".join(text.text or "" for text in element.iter("{*}t"))


def _docx(path: Path) -> list[str]:
    word = WordDocument(str(path))
    lines = [f"props: {word.core_properties.title} | {word.core_properties.subject} | {word.core_properties.author}"
             f" | {word.core_properties.language} | {word.core_properties.comments}"]
    body = word.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            style = child.pPr.pStyle.val if child.pPr is not None and child.pPr.pStyle is not None else ""
            jc = child.pPr.jc_val if child.pPr is not None else None
            keep = child.pPr is not None and child.pPr.keepNext_val
            pictures = [f"{e.get('cx')}x{e.get('cy')}" for e in child.iter("{*}extent")]
            lines.append(f"p[{style}|{jc}|{'keep' if keep else ''}|{' '.join(pictures)}] {_text(child)}")
        elif tag == "tbl":
            for row in child.iterchildren("{*}tr"):
                lines.append("row: " + " ‖ ".join(_text(cell) for cell in row.iterchildren("{*}tc")))
    with zipfile.ZipFile(path) as package:
        comments = package.read("word/comments.xml").decode() if "word/comments.xml" in package.namelist() else ""
    lines += [f"comment: {text}" for text in re.findall(r"<w:t[^>]*>([^<]*)</w:t>", comments)]
    return lines


def _pdf(path: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    # words and their order per line; the spacing of -layout follows the glyphs' widths of a whole page
    return [f"pages: {text.count(chr(12))}", *(" ".join(line.split()) for line in text.splitlines())]


def _xlsx(path: Path) -> list[str]:
    lines = []
    for sheet in load_workbook(path).worksheets:
        lines.append(f"sheet: {sheet.title} {sheet.dimensions} freeze={sheet.freeze_panes} filter={sheet.auto_filter.ref}")
        for row in sheet.iter_rows():
            lines.append(" | ".join(f"{cell.value!r}:{cell.number_format}" for cell in row if cell.value is not None))
    return lines


def digest(folder: Path) -> list[str]:
    readers = {".docx": _docx, ".pdf": _pdf, ".xlsx": _xlsx}
    lines = []
    for path in sorted(folder.rglob("*")):
        if path.suffix in readers:
            lines.append(f"=== {path.relative_to(folder)}")
            lines += [_MADE.sub("<время>", line) for line in readers[path.suffix](path)]
    return lines


if __name__ == "__main__":
    print("\n".join(digest(Path(sys.argv[1]))))
