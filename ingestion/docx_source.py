"""A Word document (.docx) as rows the table engine reads: a municipality's roadmap arrives as the
approving order with the roadmap table in its appendix (seed 001). A bespoke step, because a document is
paragraphs and tables rather than sheets; what it hands on is what a workbook would give.

- Every run of tables becomes one ``SheetRows`` («Таблица 1», …) whose title rows are the document's
  paragraphs before it, one per row — the first ones (the order's heading: authority, municipality, date,
  subject «… на 2022 год») and those just above the table (the appendix's title), not the order's whole
  text: the engine finds the table's header below them, within the rows it searches, and reads the year
  and the municipality from them, as from a sheet's title rows.
- A table continued on the next page: tables that follow one another with only empty paragraphs (page
  breaks) between them and have the same number of columns are one table. A continuation that starts by
  repeating the header rows of the first part (and its numbering row «1 2 3 4 5») has the repeat dropped.
- Merged cells: a horizontally merged cell gives its text to its first grid column and leaves the
  others empty, and the continuation of a vertically merged cell is empty — as a workbook gives a merged
  value to its first cell only.
- A row split over two pages (its number cell empty on the second page) is merged into the row above by
  the engine (``rows.continuation: merge`` in the layout), for documents and workbooks alike: a roadmap
  pasted into Excel from a PDF has the same split rows.

The archive checks of ``shnor_core.safety`` (zip bombs, XML entities, truncation) run before python-docx
opens the file.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from ingestion.workbook_source import SheetRows
from shnor_core.safety import UnsafeWorkbook, document_format
from shnor_core.text import fold

REPEATED_HEADER_ROWS = 4  # how many leading rows of a table's first part a continuation may repeat
HEADING_PARAGRAPHS, ABOVE_TABLE_PARAGRAPHS = 10, 15  # title rows kept: within the header search's 40 rows


def load_docx(path: Path) -> list[SheetRows]:
    """The document's tables, each run of continued tables as one sheet; raises UnsafeWorkbook for
    hostile files and for a document without a table."""
    document_format(path)
    document = Document(str(path))
    paragraphs: list[str] = []
    runs: list[tuple[list[str], list[tuple]]] = []  # (paragraphs before the table, its rows)
    open_run: list[tuple] | None = None  # rows of the run a next table may continue
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            text = block.text.strip()
            if text:
                paragraphs.append(text)
                open_run = None  # text between two tables: the second is a table of its own
            continue
        rows = table_rows(block)
        if not rows:
            continue
        if open_run is not None and _width(rows) == _width(open_run):
            open_run.extend(without_repeated_header(open_run, rows))
            continue
        open_run = list(rows)
        runs.append((list(paragraphs), open_run))
    if not runs:
        raise UnsafeWorkbook("в документе нет таблицы: дорожная карта или отчёт ожидаются таблицей")
    return [SheetRows(f"Таблица {index}", [(text,) for text in _title_paragraphs(before)] + rows, True)
            for index, (before, rows) in enumerate(runs, start=1)]


def _title_paragraphs(paragraphs: list[str]) -> list[str]:
    if len(paragraphs) <= HEADING_PARAGRAPHS + ABOVE_TABLE_PARAGRAPHS:
        return paragraphs
    return paragraphs[:HEADING_PARAGRAPHS] + paragraphs[-ABOVE_TABLE_PARAGRAPHS:]


def table_rows(table: Table) -> list[tuple]:
    """A table's rows by grid column, the text of each cell (paragraphs joined by line breaks)."""
    rows = []
    for tr in table._tbl.tr_lst:
        row: list[str | None] = [None] * tr.grid_before
        for tc in tr.tc_lst:
            text = None if tc.vMerge == "continue" else (_Cell(tc, table).text.strip() or None)
            row.append(text)
            row.extend([None] * (tc.grid_span - 1))
        rows.append(tuple(row))
    return rows


def without_repeated_header(first_part: list[tuple], continuation: list[tuple]) -> list[tuple]:
    """A continuation's rows without the leading rows that repeat the first part's header (and numbering)."""
    header = {_key(row) for row in first_part[:REPEATED_HEADER_ROWS] if any(row)}
    start = 0
    while start < len(continuation) and _key(continuation[start]) in header:
        start += 1
    return continuation[start:]


def _key(row: tuple) -> tuple[str, ...]:
    return tuple(fold(cell) for cell in row)


def _width(rows: list[tuple]) -> int:
    return max(len(row) for row in rows)
