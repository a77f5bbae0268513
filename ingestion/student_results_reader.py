"""Student-level results (ФИС ОКО / РЦОИ exports: one row per participant with a pseudonymous participant
code and the mark), aggregated on read to the school cells every other results reader gives.

Millions of rows are read and grouped by DuckDB (in memory, never through pandas rows); participant
codes are not kept — only counts and mark shares per school, procedure, subject, grade and year leave
the reader, with the school's registry name as its written name. A mark outside 2–5 or an unknown school code is an error naming the file's line.
"""

from __future__ import annotations

import codecs
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from ingestion.school_names import SchoolMatcher
from ingestion.workbook_source import decode_text
from shnor_core.demo import mentions_demo
from shnor_core.lineage import file_sha256
from shnor_core.safety import UnsafeWorkbook
from shnor_core.source_read import CellError, SourceRead, empty_frame
from shnor_core.sources import ASSESSMENT, RESULT_COLUMNS

HEADER = {"Код ОО": "school_code", "Процедура": "procedure", "Год": "year", "Предмет": "subject", "Класс": "grade",
          "Код участника": "participant", "Отметка": "mark"}
MAX_ERRORS = 20  # a broken export lists its first errors, not a million


def is_student_results(path: Path) -> bool:
    """A CSV whose header line names the participant code (in UTF-8 or Windows-1251)."""
    with open(path, "rb") as handle:
        head = handle.readline(65536)
    try:
        return "код участника" in decode_text(head).lower()
    except UnsafeWorkbook:
        return False


def _is_utf8(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 22):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
        return True
    except UnicodeDecodeError:
        return False


@contextmanager
def utf8_file(path: Path) -> Iterator[Path]:
    """The file itself when it is UTF-8; else (a Windows-1251 export) a UTF-8 copy streamed to a temporary
    file, which DuckDB's CSV reader needs."""
    if _is_utf8(path):
        yield path
        return
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "utf8.csv"
        with open(path, encoding="cp1251", newline="") as source, open(copy, "w", encoding="utf-8", newline="") as target:
            shutil.copyfileobj(source, target, 1 << 22)
        yield copy


def read_student_results(path: Path, matcher: SchoolMatcher, sha256: str | None = None) -> SourceRead:
    path = Path(path)
    sha256 = sha256 or file_sha256(path)
    result = SourceRead(path, sha256, ASSESSMENT.name, empty_frame(RESULT_COLUMNS), layout="student_results_csv")
    con = duckdb.connect()
    columns = ", ".join(f'"{source}" as {name}' for source, name in HEADER.items())
    try:
        with utf8_file(path) as readable:
            con.execute(f"create table students as select {columns}, row_number() over () + 1 as line "
                        f"from read_csv(?, header = true, all_varchar = true, delim = ';')", [str(readable)])
    except (duckdb.Error, UnicodeDecodeError) as error:
        result.errors.append(CellError(path.name, "", "заголовок", "", "", f"не таблица участников: {error}"))
        return result
    known = pd.DataFrame([(ref.code, ref.name, ref.municipality_oktmo) for refs in matcher.by_municipality.values()
                          for _, ref in refs], columns=["school_code", "school_name", "municipality_oktmo"])
    con.register("registry", known)
    bad_marks = con.execute("select line, mark from students where try_cast(mark as integer) not between 2 and 5 "
                            "or try_cast(mark as integer) is null order by line limit ?", [MAX_ERRORS]).fetchall()
    result.errors += [CellError(path.name, "", f"строка {line}", "Отметка", str(mark), "отметка должна быть от 2 до 5")
                      for line, mark in bad_marks]
    unknown = con.execute("select school_code, min(line) from students anti join registry using (school_code) "
                          "group by school_code order by 2 limit ?", [MAX_ERRORS]).fetchall()
    result.errors += [CellError(path.name, "", f"строка {line}", "Код ОО", str(code), "кода ОО нет в реестре школ")
                      for code, line in unknown]
    if result.errors:
        return result
    cells = con.execute("""
        select procedure, cast(year as bigint) as year, subject, cast(grade as bigint) as grade,
               registry.municipality_oktmo, students.school_code, registry.school_name as school_name_raw,
               count(*) as participants,
               avg(case when mark = '2' then 1.0 else 0.0 end) as mark_2_share,
               avg(case when mark = '3' then 1.0 else 0.0 end) as mark_3_share,
               avg(case when mark = '4' then 1.0 else 0.0 end) as mark_4_share,
               avg(case when mark = '5' then 1.0 else 0.0 end) as mark_5_share,
               min(line) as first_line
        from students join registry using (school_code)
        group by all
    """).df()
    metrics = ["participants", "mark_2_share", "mark_3_share", "mark_4_share", "mark_5_share"]
    rows = cells.melt(id_vars=[c for c in cells.columns if c not in metrics], value_vars=metrics,
                      var_name="metric", value_name="value")
    rows = rows.assign(municipality_name_raw=None, school_ogrn=None, match_score=1.0,
                       source_file=path.name, source_sha256=sha256, source_sheet=None,
                       source_row=rows.pop("first_line"), source_cell=None)
    result.rows = rows[list(RESULT_COLUMNS)].astype(RESULT_COLUMNS)
    with open(path, encoding="utf-8-sig", errors="replace") as handle:
        result.is_demo = mentions_demo([handle.read(4096)])
    return result
