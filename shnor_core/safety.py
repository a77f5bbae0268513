"""Checks a landed file before any parser opens it, so hostile files are refused cheaply and safely.

Refused, each with a reason a municipality can act on: files that are not workbooks, truncated
archives, archives whose unpacked size is far beyond a form's (zip bombs), XML with DTD/entity
declarations anywhere in a part (entity expansion), password-protected (encrypted) workbooks, oversized
files, and sheets with more rows than any table the warehouse reads (a form with 900 000 stray rows would
otherwise keep a parser busy for minutes). Every XML part is streamed once, in chunks, never held whole:
memory stays small whatever the file holds. What the scan counts (rows per sheet) is returned, so a
reader with a tighter bound of its own (a form's catalogue) refuses a file before parsing it.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

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
_ROW_TAGS = (b"<row ", b"<row>", b":row ", b":row>")  # with or without a namespace prefix
_CELL_TAGS = (b"<c ", b"<c>", b":c ", b":c>")


class UnsafeWorkbook(ValueError):
    """The file must not be parsed; the message says why, in Russian."""


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


def inspect_workbook(path: Path) -> WorkbookFacts:
    """The safety checks, and the rows each sheet holds; raises UnsafeWorkbook for a file not to parse."""
    path = Path(path)
    head = _file_head(path, "файл слишком велик для формы мониторинга")
    if head == OLE_MAGIC:
        if _contains(path, ENCRYPTION_STREAM):
            raise UnsafeWorkbook("книга защищена паролем (зашифрована): снимите пароль и отправьте файл повторно")
        return WorkbookFacts("xls")  # the legacy format holds at most 65 536 rows a sheet
    if head[:4] != ZIP_MAGIC:
        raise UnsafeWorkbook("файл не является книгой Excel (.xlsx или .xls)")
    return WorkbookFacts("xlsx", *_check_archive(path))


def _contains(path: Path, needle: bytes) -> bool:
    """Whether the file holds these bytes anywhere (read in chunks that overlap by the needle's length)."""
    tail = b""
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            if needle in tail + chunk:
                return True
            tail = chunk[-len(needle):]
    return False


def _count(tags: tuple[bytes, ...], window: bytes, tail: bytes) -> int:
    """Tags in the window that do not lie wholly in the carried tail (those were counted with the last chunk)."""
    return sum(window.count(tag) - tail.count(tag) for tag in tags)


def _stream_part(archive: zipfile.ZipFile, member: zipfile.ZipInfo,
                 count: bool) -> tuple[bool, int, int, int]:
    """Stream one XML part: whether it declares a DTD or entities, its rows and cells, bytes unpacked."""
    declared, rows, cells, unpacked, tail = False, 0, 0, 0, b""
    with archive.open(member) as part:
        while chunk := part.read(CHUNK_BYTES):
            unpacked += len(chunk)
            window = tail + chunk
            if any(d in window.upper() for d in _DECLARATIONS):
                declared = True
                break
            if count:
                rows += _count(_ROW_TAGS, window, tail)
                cells += _count(_CELL_TAGS, window, tail)
            if unpacked > MAX_UNPACKED_BYTES:
                break
            tail = chunk[-32:]
    return declared, rows, cells, unpacked


def _check_archive(path: Path, of: str = "книги", as_what: str = "книгой Excel") -> tuple[dict[str, int], dict[str, int]]:
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
            sheet_rows, sheet_cells, streamed = {}, {}, 0
            for member in members:
                if not member.filename.endswith((".xml", ".rels", ".vml")):
                    continue
                is_sheet = member.filename.startswith("xl/worksheets/")
                declared, rows, cells, size = _stream_part(archive, member, is_sheet)
                streamed += size
                if declared:
                    raise UnsafeWorkbook(f"часть {of} {member.filename} содержит объявления DTD/сущностей XML — "
                                         "такие файлы не принимаются")
                if streamed > MAX_UNPACKED_BYTES:  # the directory understated the sizes
                    raise UnsafeWorkbook(f"распакованный размер {of} многократно превышает размер формы (похоже на «zip-бомбу»)")
                if is_sheet:
                    sheet_rows[member.filename], sheet_cells[member.filename] = rows, cells
                    if rows > MAX_SHEET_ROWS or cells > MAX_SHEET_CELLS:
                        raise UnsafeWorkbook(too_large(rows, cells, MAX_SHEET_ROWS, MAX_SHEET_CELLS))
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
    """The refusal of a sheet bigger than its table can be."""
    found = f"{rows:,} строк и {cells:,} ячеек".replace(",", " ")
    limit = f"{max_rows:,} строк и {max_cells:,} ячеек".replace(",", " ")
    return f"файл слишком большой: на листе {found}, а {what or 'в таблице'} не бывает больше {limit} — удалите лишние строки"
