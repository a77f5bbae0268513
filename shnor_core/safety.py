"""Checks a landed file before any parser opens it, so hostile files are refused cheaply and safely.

Refused, each with a reason a municipality can act on: files that are not workbooks, truncated
archives, archives whose unpacked size is far beyond a form's (zip bombs), XML with DTD/entity
declarations (entity expansion), password-protected (encrypted) workbooks, and oversized files.
Only the zip directory and the first bytes of each XML part are read: memory stays small.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
MAX_MEMBERS = 2000
XML_HEAD_BYTES = 4096

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: legacy .xls, or an encrypted .xlsx
ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")
ZIP_MAGIC = b"PK\x03\x04"


class UnsafeWorkbook(ValueError):
    """The file must not be parsed; the message says why, in Russian."""


def workbook_format(path: Path) -> str:
    """'xlsx' or 'xls' for a file that is safe to open; raises UnsafeWorkbook otherwise."""
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        raise UnsafeWorkbook("файл пуст")
    if size > MAX_FILE_BYTES:
        raise UnsafeWorkbook(f"файл слишком велик для формы мониторинга ({size // 1024 // 1024} МБ, допустимо до "
                             f"{MAX_FILE_BYTES // 1024 // 1024} МБ)")
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head == OLE_MAGIC:
        with open(path, "rb") as handle:
            if ENCRYPTION_STREAM in handle.read(min(size, 1 << 20)):
                raise UnsafeWorkbook("книга защищена паролем (зашифрована): снимите пароль и отправьте файл повторно")
        return "xls"
    if head[:4] != ZIP_MAGIC:
        raise UnsafeWorkbook("файл не является книгой Excel (.xlsx или .xls)")
    _check_archive(path)
    return "xlsx"


def document_format(path: Path) -> str:
    """'docx' for a Word document that is safe to open (the same archive checks as a workbook's);
    raises UnsafeWorkbook otherwise. A Word 97–2003 document (.doc) is refused with what to do."""
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        raise UnsafeWorkbook("файл пуст")
    if size > MAX_FILE_BYTES:
        raise UnsafeWorkbook(f"документ слишком велик ({size // 1024 // 1024} МБ, допустимо до "
                             f"{MAX_FILE_BYTES // 1024 // 1024} МБ)")
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head == OLE_MAGIC:
        raise UnsafeWorkbook("документ Word 97–2003 (.doc) или зашифрованный документ не читается: сохраните его "
                             "как .docx без пароля и отправьте повторно")
    if head[:4] != ZIP_MAGIC:
        raise UnsafeWorkbook("файл не является документом Word (.docx)")
    _check_archive(path, "документа", "документом Word")
    return "docx"


def _check_archive(path: Path, of: str = "книги", as_what: str = "книгой Excel") -> None:
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
            for member in members:
                if member.filename.endswith((".xml", ".rels", ".vml")):
                    with archive.open(member) as part:
                        head = part.read(XML_HEAD_BYTES).upper()
                    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                        raise UnsafeWorkbook(f"часть {of} {member.filename} содержит объявления DTD/сущностей XML — "
                                             "такие файлы не принимаются")
            bad = archive.testzip()
            if bad is not None:
                raise UnsafeWorkbook(f"архив {of} повреждён (часть {bad})")
    except zipfile.BadZipFile as error:
        raise UnsafeWorkbook(f"{_broken(of)}: {error}") from error
    except (EOFError, zipfile.LargeZipFile, NotImplementedError) as error:
        raise UnsafeWorkbook(f"{_broken(of)}: {type(error).__name__}") from error


def _broken(of: str) -> str:
    return "книга повреждена или обрезана" if of == "книги" else "документ повреждён или обрезан"
