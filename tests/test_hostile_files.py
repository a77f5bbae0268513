"""Hostile and broken files are refused with a clear reason, without exhausting memory."""

from __future__ import annotations

import zipfile

import pytest

from ingestion.submission_reader import read_submission
from shnor_core.safety import ENCRYPTION_STREAM, OLE_MAGIC
from tests.workbooks import MONITORING_ID, form_values, write_submission


def refusal(path, form, municipalities) -> str:
    result = read_submission(path, form, MONITORING_ID, municipalities)
    assert not result.accepted and result.rows.empty
    [error] = result.errors
    return error.rule


@pytest.fixture
def good_form(tmp_path):
    return write_submission(tmp_path / "good.xlsx", "МО Абинский район", form_values())


def test_text_file_is_not_a_workbook(tmp_path, form, municipalities):
    path = tmp_path / "form.xlsx"
    path.write_text("это не книга Excel")
    assert refusal(path, form, municipalities) == "файл не является книгой Excel (.xlsx или .xls)"


def test_empty_file(tmp_path, form, municipalities):
    path = tmp_path / "form.xlsx"
    path.write_bytes(b"")
    assert refusal(path, form, municipalities) == "файл пуст"


def test_truncated_archive(tmp_path, good_form, form, municipalities):
    data = good_form.read_bytes()
    path = tmp_path / "truncated.xlsx"
    path.write_bytes(data[: len(data) // 2])
    assert "повреждена или обрезана" in refusal(path, form, municipalities)


def test_zip_bomb(tmp_path, good_form, form, municipalities):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(good_form) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in source.infolist():
            bomb.writestr(item, source.read(item))
        bomb.writestr("xl/media/padding.bin", b"\0" * (150 * 1024 * 1024))  # 150 MB of zeros packs to ~150 KB
    assert path.stat().st_size < 1024 * 1024
    assert "zip-бомбу" in refusal(path, form, municipalities)


def test_xml_entity_definitions(tmp_path, good_form, form, municipalities):
    path = tmp_path / "xxe.xlsx"
    with zipfile.ZipFile(good_form) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as hostile:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/workbook.xml":
                data = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>' + data
            hostile.writestr(item, data)
    assert "DTD/сущностей" in refusal(path, form, municipalities)


def test_password_protected_workbook(tmp_path, form, municipalities):
    # Excel saves a password-protected workbook as a compound file holding an "EncryptionInfo" stream.
    path = tmp_path / "secret.xlsx"
    path.write_bytes(OLE_MAGIC + b"\0" * 504 + ENCRYPTION_STREAM + b"\0" * 1024)
    assert "защищена паролем" in refusal(path, form, municipalities)


def test_a_good_file_passes_the_same_checks(good_form, form, municipalities):
    assert read_submission(good_form, form, MONITORING_ID, municipalities).accepted
