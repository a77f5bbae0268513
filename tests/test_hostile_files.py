"""Hostile and broken files are refused with a clear reason, without exhausting memory."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile

import pytest

from ingestion.submission_reader import read_submission
from shnor_core.safety import ENCRYPTION_STREAM, OLE_MAGIC, UnsafeWorkbook, inspect_workbook
from tests.workbooks import MONITORING_ID, SPELLING_TRICKS, form_values, raw_workbook, write_submission


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


TRICK_ROWS = 900_000

# The checks in a process of their own, so its memory is its own (resident memory sampled while they run).
_MEASURED = """
import json, os, sys, threading, time
from shnor.checker import check_file
from shnor_core.safety import UnsafeWorkbook, inspect_workbook
page, peak, done = os.sysconf("SC_PAGE_SIZE"), [0], threading.Event()
def sample():
    while not done.wait(0.002):
        peak[0] = max(peak[0], int(open("/proc/self/statm").read().split()[1]) * page)
threading.Thread(target=sample, daemon=True).start()
started = time.monotonic()
try:
    inspect_workbook(sys.argv[1])
    table = None
except UnsafeWorkbook as refusal:
    table = str(refusal)
table_seconds = time.monotonic() - started
started = time.monotonic()
verdict = check_file(sys.argv[1], "submission", sys.argv[2])
form_seconds = time.monotonic() - started
done.set()
print(json.dumps({"table": table, "table_seconds": table_seconds, "form_seconds": form_seconds,
                  "peak_mb": peak[0] / 2**20, "accepted": verdict.accepted, "errors": verdict.errors}, ensure_ascii=False))
"""


@pytest.fixture(scope="module")
def spelling_tricks(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tricks")
    return {trick: raw_workbook(folder / f"МО Абинский район {n}.xlsx", TRICK_ROWS, **spelling)
            for n, (trick, spelling) in enumerate(SPELLING_TRICKS.items())}


@pytest.mark.parametrize("trick", SPELLING_TRICKS)
def test_a_900000_row_sheet_is_refused_however_it_is_spelt(spelling_tricks, trick):
    """Refused by the table's bound (200 000 rows) and by the form's (432) — reading stops at the first
    bound crossed; time and peak memory printed, never asserted."""
    path = spelling_tricks[trick]
    completed = subprocess.run([sys.executable, "-c", _MEASURED, str(path), MONITORING_ID], capture_output=True,
                               text=True, timeout=600)
    outcome = json.loads(completed.stdout.splitlines()[-1])
    unpacked = sum(item.file_size for item in zipfile.ZipFile(path).infolist())
    print(f"\n{trick}: {path.stat().st_size / 2**20:.1f} MB packed, {unpacked / 2**20:.0f} MB unpacked; table bound "
          f"{outcome['table_seconds']:.2f} s, form bound {outcome['form_seconds']:.2f} s, peak {outcome['peak_mb']:.0f} MB")
    assert outcome["table"] is not None and outcome["table"].startswith("файл слишком большой: на листе больше "
                                                                        "200 000 строк, а в таблице")
    assert not outcome["accepted"]
    [error] = outcome["errors"]
    assert error["rule"].startswith("файл слишком большой: на листе больше 432 строк, а в форме")


def test_one_cell_a_million_rows_down_is_a_million_rows(tmp_path):
    """A reader allocates every row up to the lowest cell: one cell in row 1 000 000 is a million rows."""
    path = raw_workbook(tmp_path / "МО Абинский район.xlsx", rows=1, first_row=1_000_000)
    with pytest.raises(UnsafeWorkbook, match="на листе больше 200 000 строк"):
        inspect_workbook(path)


def test_one_row_wider_than_excel_is_refused_before_it_ends(tmp_path):
    """A row of 300 000 cells (Excel has 16 384 columns) is refused while it is read, not built whole."""
    path = raw_workbook(tmp_path / "МО Абинский район.xlsx", rows=1)
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    cells = "".join(f"<c><v>{n}</v></c>" for n in range(300_000))
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(
        b'<row r="1">', b'<row r="1">' + cells.encode())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    with pytest.raises(UnsafeWorkbook, match="а в Excel их не больше 16 384"):
        inspect_workbook(path)
