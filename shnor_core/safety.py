"""Checks a landed file before any parser opens it, so hostile files are refused cheaply and safely.

Refused, each with a reason a municipality can act on: files that are not workbooks, truncated
archives, archives whose unpacked size is far beyond a form's (zip bombs), XML with DTD/entity
declarations anywhere in a part (entity expansion), password-protected (encrypted) workbooks, oversized
files, and sheets with more rows than any table the warehouse reads (a form with 900 000 stray rows would
otherwise keep a parser busy for minutes). Every XML part is streamed once, in chunks, never held whole:
memory stays small whatever the file holds.

Rows and cells are counted by what the file is, not how it is spelt: every part the workbook names as a
worksheet (its relationships and [Content_Types].xml, whatever the part's name or folder) is parsed by a
streaming XML parser (lxml: no entities resolved, no network, libxml2's size limits on), which sees
``<row\t>``, ``<x:row>`` and a sheet named ``.bin`` as the rows they are. Rows count by the highest row a
cell sits on as well as by elements, and cells by the grid a reader allocates (highest row × widest
column): one cell at row 1 000 000 costs a reader a million rows. Reading stops at the first bound crossed
— the table's (``MAX_SHEET_ROWS``) or the reader's own (a form's catalogue) — so the refusal costs the same
whatever follows.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
MAX_MEMBERS = 2000
# No table the warehouse reads has more rows on one sheet: a region's ВПР per school is ~2 000 rows, the
# country's ~45 000. Student-level results come as CSV, read by DuckDB, not as workbooks.
MAX_SHEET_ROWS = 200_000
MAX_SHEET_CELLS = 5_000_000  # ~25 columns of MAX_SHEET_ROWS
CHUNK_BYTES = 1 << 20

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: legacy .xls, or an encrypted .xlsx
ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")
ZIP_MAGIC = b"PK\x03\x04"
_DECLARATIONS = (b"<!DOCTYPE", b"<!ENTITY")
MAX_COLUMNS = 16_384  # Excel's widest sheet (column XFD)
MAX_PACKAGE_PART_BYTES = 4 * CHUNK_BYTES  # [Content_Types].xml and a relationships part: a few KB in a real file
_WORKSHEET_RELATIONSHIP = "/relationships/worksheet"  # the end of a relationship's Type
_OFFICE_DOCUMENT = "/relationships/officeDocument"
_WORKSHEET_CONTENT = "spreadsheetml.worksheet+xml"  # in a part's ContentType
_CELL_REFERENCE = re.compile(r"([A-Za-z]{1,3})(\d{1,7})$")


class UnsafeWorkbook(ValueError):
    """The file must not be parsed; the message says why, in Russian."""


@dataclass(frozen=True)
class SheetBound:
    """The most rows and cells a sheet may hold, and what sets the bound (for the refusal's wording)."""
    rows: int = MAX_SHEET_ROWS
    cells: int = MAX_SHEET_CELLS
    what: str = ""


@dataclass(frozen=True)
class WorkbookFacts:
    format: str  # "xlsx" | "xls"
    sheet_rows: dict[str, int] = field(default_factory=dict)  # worksheet part → rows it holds (xlsx only)
    sheet_cells: dict[str, int] = field(default_factory=dict)  # worksheet part → cells it holds

    @property
    def max_sheet_rows(self) -> int:
        return max(self.sheet_rows.values(), default=0)

    @property
    def max_sheet_cells(self) -> int:
        return max(self.sheet_cells.values(), default=0)


def workbook_format(path: Path) -> str:
    """'xlsx' or 'xls' for a file that is safe to open; raises UnsafeWorkbook otherwise."""
    return inspect_workbook(path).format


def _file_head(path: Path, too_large: str) -> bytes:
    """The first bytes of a file that is a file, not empty and not too large (the checks before any parsing)."""
    if path.is_dir():
        raise UnsafeWorkbook("это папка, а не файл")
    size = path.stat().st_size
    if size == 0:
        raise UnsafeWorkbook("файл пуст")
    if size > MAX_FILE_BYTES:
        raise UnsafeWorkbook(f"{too_large} ({size // 1024 // 1024} МБ, допустимо до {MAX_FILE_BYTES // 1024 // 1024} МБ)")
    with open(path, "rb") as handle:
        return handle.read(8)


def inspect_workbook(path: Path, bound: SheetBound = SheetBound()) -> WorkbookFacts:
    """The safety checks, and the rows each sheet holds; raises UnsafeWorkbook for a file not to parse (a
    ``bound`` tighter than a table's: a reader's own, such as a form's catalogue)."""
    path = Path(path)
    head = _file_head(path, "файл слишком велик для формы мониторинга")
    if head == OLE_MAGIC:
        if _contains(path, ENCRYPTION_STREAM):
            raise UnsafeWorkbook("книга защищена паролем (зашифрована): снимите пароль и отправьте файл повторно")
        return WorkbookFacts("xls")  # the legacy format holds at most 65 536 rows a sheet
    if head[:4] != ZIP_MAGIC:
        raise UnsafeWorkbook("файл не является книгой Excel (.xlsx или .xls)")
    return WorkbookFacts("xlsx", *_check_archive(path, bound=bound))


def _contains(path: Path, needle: bytes) -> bool:
    """Whether the file holds these bytes anywhere (read in chunks that overlap by the needle's length)."""
    tail = b""
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            if needle in tail + chunk:
                return True
            tail = chunk[-len(needle):]
    return False


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


class _SheetCounter:
    """Rows and cells of one worksheet part, fed chunk by chunk; raises UnsafeWorkbook at the first bound crossed."""

    def __init__(self, bound: SheetBound):
        self.bound = bound
        self.rows = self.elements = self.highest_row = self.widest = 0
        self.parser = etree.XMLPullParser(events=("start", "end"), tag="{*}row", resolve_entities=False,
                                          no_network=True, huge_tree=False, load_dtd=False)
        self.open_row = None

    @property
    def cells(self) -> int:
        """The cells a reader holds: those written, or the grid they span when that is larger."""
        return max(self.elements, self.highest_row * self.widest)

    def feed(self, chunk: bytes) -> None:
        try:
            self.parser.feed(chunk)
            for event, row in self.parser.read_events():
                if event == "start":
                    self.open_row = row
                    continue
                self.open_row = None
                self._count(row)
                row.clear()
                while row.getprevious() is not None:  # keep no finished row: memory stays flat
                    del row.getparent()[0]
        except etree.XMLSyntaxError as error:
            raise UnsafeWorkbook(f"лист книги повреждён (ошибка XML: {error.msg})") from error
        if self.open_row is not None and len(self.open_row) > MAX_COLUMNS:  # one row with a million cells
            self._check(self.rows + 1, len(self.open_row))

    def _count(self, row) -> None:
        self.rows += 1
        self.elements += len(row)
        number = row.get("r")
        self.highest_row = max(self.highest_row, self.rows, int(number) if number and number.isdigit() else 0)
        if len(row):  # cells are written left to right: the last is the widest (its own row number counts too)
            found = _CELL_REFERENCE.match(row[-1].get("r") or "")
            if found:
                self.widest = max(self.widest, _column_number(found[1]))
                self.highest_row = max(self.highest_row, int(found[2]))
            self.widest = max(self.widest, len(row))
        self._check(self.highest_row, self.widest)

    def _check(self, rows: int, columns: int) -> None:
        if columns > MAX_COLUMNS:
            raise UnsafeWorkbook(f"на листе ячейка в столбце № {columns:,}, а в Excel их не больше "
                                 f"{MAX_COLUMNS:,}".replace(",", " ") + " — книга повреждена или подделана")
        if rows > self.bound.rows or self.cells > self.bound.cells:
            raise UnsafeWorkbook(too_large(rows, self.cells, self.bound.rows, self.bound.cells, self.bound.what))


def _stream_part(archive: zipfile.ZipFile, member: zipfile.ZipInfo, counter: _SheetCounter | None) -> tuple[bool, int]:
    """Stream one XML part: whether it declares a DTD or entities, and bytes unpacked; a worksheet's rows and
    cells go to its counter, which stops the reading at the first bound crossed."""
    unpacked, tail = 0, b""
    with archive.open(member) as part:
        while chunk := part.read(CHUNK_BYTES):
            unpacked += len(chunk)
            window = tail + chunk
            if any(d in window.upper() for d in _DECLARATIONS):
                return True, unpacked
            if counter is not None:
                counter.feed(chunk)
            if unpacked > MAX_UNPACKED_BYTES:
                break
            tail = chunk[-32:]
    return False, unpacked


def _package_xml(archive: zipfile.ZipFile, name: str, of: str):
    """A small part of the package (content types, relationships) parsed safely, or None when absent."""
    try:
        member = archive.getinfo(name)
    except KeyError:
        return None
    with archive.open(member) as part:
        data = part.read(MAX_PACKAGE_PART_BYTES + 1)
    if len(data) > MAX_PACKAGE_PART_BYTES:
        raise UnsafeWorkbook(f"служебная часть {of} {name} подозрительно велика")
    if any(d in data.upper() for d in _DECLARATIONS):
        raise UnsafeWorkbook(f"часть {of} {name} содержит объявления DTD/сущностей XML — такие файлы не принимаются")
    try:
        return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
    except etree.XMLSyntaxError as error:
        raise UnsafeWorkbook(f"{_broken(of)}: часть {name} не читается ({error.msg})") from error


def _targets(archive: zipfile.ZipFile, source: str, type_suffix: str, of: str) -> set[str]:
    """The parts ``source``'s relationships of a type point at, as names in the archive."""
    folder, name = posixpath.split(source)
    relationships = _package_xml(archive, posixpath.join(folder, "_rels", f"{name}.rels"), of)
    targets = set()
    for relationship in relationships if relationships is not None else []:
        target = relationship.get("Target") or ""
        if (relationship.get("Type") or "").endswith(type_suffix) and relationship.get("TargetMode") != "External":
            targets.add(target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target)))
    return targets


def worksheet_parts(archive: zipfile.ZipFile, of: str = "книги") -> set[str]:
    """Every part a reader may take as a worksheet: named so by the workbook's relationships or by
    [Content_Types].xml (by part or by extension), or lying in ``xl/worksheets/`` — whatever its name."""
    names = set(archive.namelist())
    parts = {n for n in names if n.startswith("xl/worksheets/") and "/_rels/" not in n}
    types = _package_xml(archive, "[Content_Types].xml", of)
    for entry in types if types is not None else []:
        if _WORKSHEET_CONTENT not in (entry.get("ContentType") or ""):
            continue
        if entry.get("PartName"):
            parts.add(entry.get("PartName").lstrip("/"))
        elif entry.get("Extension"):
            parts |= {n for n in names if n.lower().endswith("." + entry.get("Extension").lower())}
    for workbook in _targets(archive, "", _OFFICE_DOCUMENT, of):
        parts |= _targets(archive, workbook, _WORKSHEET_RELATIONSHIP, of)
    return parts & names


def _check_archive(path: Path, of: str = "книги", as_what: str = "книгой Excel",
                   bound: SheetBound = SheetBound()) -> tuple[dict[str, int], dict[str, int]]:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS:
                raise UnsafeWorkbook(f"архив {of} содержит подозрительно много частей")
            unpacked = sum(member.file_size for member in members)
            packed = sum(member.compress_size for member in members) or 1
            if unpacked > MAX_UNPACKED_BYTES or unpacked / packed > MAX_COMPRESSION_RATIO:
                raise UnsafeWorkbook(f"распакованный размер {of} многократно превышает размер формы (похоже на «zip-бомбу»)")
            names = {member.filename for member in members}
            if "[Content_Types].xml" not in names:
                raise UnsafeWorkbook(f"архив не является {as_what}: нет [Content_Types].xml")
            sheets = worksheet_parts(archive, of)
            sheet_rows, sheet_cells, streamed = {}, {}, 0
            for member in members:
                is_sheet = member.filename in sheets
                if not (is_sheet or member.filename.endswith((".xml", ".rels", ".vml"))):
                    continue
                counter = _SheetCounter(bound) if is_sheet else None
                declared, size = _stream_part(archive, member, counter)
                streamed += size
                if declared:
                    raise UnsafeWorkbook(f"часть {of} {member.filename} содержит объявления DTD/сущностей XML — "
                                         "такие файлы не принимаются")
                if streamed > MAX_UNPACKED_BYTES:  # the directory understated the sizes
                    raise UnsafeWorkbook(f"распакованный размер {of} многократно превышает размер формы (похоже на «zip-бомбу»)")
                if counter is not None:
                    sheet_rows[member.filename], sheet_cells[member.filename] = counter.highest_row, counter.cells
            bad = archive.testzip()
            if bad is not None:
                raise UnsafeWorkbook(f"архив {of} повреждён (часть {bad})")
            return sheet_rows, sheet_cells
    except zipfile.BadZipFile as error:
        raise UnsafeWorkbook(f"{_broken(of)}: {error}") from error
    except (EOFError, zipfile.LargeZipFile, NotImplementedError) as error:
        raise UnsafeWorkbook(f"{_broken(of)}: {type(error).__name__}") from error


def _broken(of: str) -> str:
    return "книга повреждена или обрезана" if of == "книги" else "документ повреждён или обрезан"


def document_format(path: Path) -> str:
    """'docx' for a Word document that is safe to open (the same archive checks as a workbook's);
    raises UnsafeWorkbook otherwise. A Word 97–2003 document (.doc) is refused with what to do."""
    path = Path(path)
    head = _file_head(path, "документ слишком велик")
    if head == OLE_MAGIC:
        raise UnsafeWorkbook("документ Word 97–2003 (.doc) или зашифрованный документ не читается: сохраните его "
                             "как .docx без пароля и отправьте повторно")
    if head[:4] != ZIP_MAGIC:
        raise UnsafeWorkbook("файл не является документом Word (.docx)")
    _check_archive(path, "документа", "документом Word")
    return "docx"


def too_large(rows: int, cells: int, max_rows: int, max_cells: int, what: str = "") -> str:
    """The refusal of a sheet bigger than its table can be (counted up to the first bound crossed)."""
    found = (f"больше {max_rows:,} строк" if rows > max_rows else f"больше {max_cells:,} ячеек").replace(",", " ")
    limit = f"{max_rows:,} строк и {max_cells:,} ячеек".replace(",", " ")
    return f"файл слишком большой: на листе {found}, а {what or 'в таблице'} не бывает больше {limit} — удалите лишние строки"
