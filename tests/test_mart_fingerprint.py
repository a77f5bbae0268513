"""tools/mart_fingerprint.py: the checksum ignores row order and catches any changed value."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import duckdb
import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "tools" / "mart_fingerprint.py"
_spec = importlib.util.spec_from_file_location("mart_fingerprint", SCRIPT)
mart_fingerprint = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mart_fingerprint)

ROWS = [("03601000", "mnc", 0.5, 3), ("03605000", "mnc", 0.25, 1), ("03605000", "mnc", 0.25, 1)]


def warehouse(path: Path, rows: list[tuple], extra_table: bool = False) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.scores (oktmo varchar, section varchar, share double, score integer)")
        con.executemany("insert into marts.scores values (?, ?, ?, ?)", rows)
        if extra_table:
            con.execute("create table marts.totals as select 1 as n")
    return path


def test_row_order_does_not_matter_and_any_value_does(tmp_path):
    base = mart_fingerprint.fingerprint(warehouse(tmp_path / "a.duckdb", ROWS), ["marts"])
    reordered = mart_fingerprint.fingerprint(warehouse(tmp_path / "b.duckdb", ROWS[::-1]), ["marts"])
    assert base["tables"] == reordered["tables"]
    assert base["tables"]["marts.scores"]["rows"] == 3

    changed = [ROWS[0], ROWS[1], ("03605000", "mnc", 0.25, 2)]
    other = mart_fingerprint.fingerprint(warehouse(tmp_path / "c.duckdb", changed), ["marts"])
    assert other["tables"]["marts.scores"]["checksum"] != base["tables"]["marts.scores"]["checksum"]
    # two equal rows replaced by two other equal rows: a XOR would not see it, a sum does
    swapped = [ROWS[0], ("03605000", "mnc", 0.75, 1), ("03605000", "mnc", 0.75, 1)]
    swapped_print = mart_fingerprint.fingerprint(warehouse(tmp_path / "d.duckdb", swapped), ["marts"])
    assert swapped_print["tables"]["marts.scores"]["checksum"] != base["tables"]["marts.scores"]["checksum"]


def test_last_bit_of_a_float_is_a_difference_unless_rounded(tmp_path):
    base = mart_fingerprint.fingerprint(warehouse(tmp_path / "a.duckdb", ROWS), ["marts"])
    nudged = [(ROWS[0][0], ROWS[0][1], 0.5 + 2**-52, ROWS[0][3])] + ROWS[1:]
    other = mart_fingerprint.fingerprint(warehouse(tmp_path / "b.duckdb", nudged), ["marts"])
    differences, notes, _ = mart_fingerprint.compare(base, other)
    assert differences == ["marts.scores: differs (floating-point values beyond 10 decimals only)"]
    differences, notes, _ = mart_fingerprint.compare(base, other, rounded=True)
    assert differences == [] and len(notes) == 1


def test_compare_exit_codes(tmp_path, capsys):
    before, after = tmp_path / "before.json", tmp_path / "after.json"
    assert mart_fingerprint.main([str(warehouse(tmp_path / "a.duckdb", ROWS)), "--output", str(before)]) == 0
    assert mart_fingerprint.main([str(warehouse(tmp_path / "b.duckdb", ROWS[::-1], extra_table=True)),
                                  "--output", str(after)]) == 0
    assert json.loads(after.read_text(encoding="utf-8"))["tables"]["marts.totals"]["rows"] == 1
    capsys.readouterr()
    assert mart_fingerprint.main(["--compare", str(before), str(after)]) == 1
    assert "marts.totals: only in the second file" in capsys.readouterr().out
    assert mart_fingerprint.main(["--compare", str(before), str(after), "--allow-new"]) == 0
    output = capsys.readouterr().out
    assert "tables compared: 1, identical: 1" in output and "new in the second file: marts.totals" in output
    assert mart_fingerprint.main(["--compare", str(after), str(before)]) == 1
    assert "marts.totals: missing from the second file" in capsys.readouterr().out


@pytest.mark.parametrize("schemas", [["marts"], ["reference"]])
def test_only_the_schemas_asked_for(tmp_path, schemas):
    path = warehouse(tmp_path / "a.duckdb", ROWS)
    with duckdb.connect(str(path)) as con:
        con.execute("create schema reference; create table reference.regions as select '23' as region_code")
    tables = mart_fingerprint.fingerprint(path, schemas)["tables"]
    assert all(name.startswith(schemas[0] + ".") for name in tables) and tables


def test_like_compares_over_the_earlier_columns_and_their_types(tmp_path, capsys):
    """A build that adds a column and narrows a sum's HUGEINT (here a DOUBLE count) to BIGINT compares equal
    with --like; a value that changed still differs."""
    before_path = warehouse(tmp_path / "a.duckdb", ROWS)
    with duckdb.connect(str(before_path)) as con:
        con.execute("create table marts.counts as select cast(sum(score) as hugeint) as total, 2.0 as schools "
                    "from marts.scores")
    before = tmp_path / "before.json"
    assert mart_fingerprint.main([str(before_path), "--output", str(before)]) == 0

    def after(name: str, total: str, schools: str) -> Path:
        path = warehouse(tmp_path / f"{name}.duckdb", ROWS[::-1])
        with duckdb.connect(str(path)) as con:
            con.execute("alter table marts.scores add column is_demo boolean default true")
            con.execute(f"create table marts.counts as select cast({total} as bigint) as total, {schools} as schools, "
                        "2025 as monitoring_year")
        return path

    same, printed = after("b", "5", "cast(2 as bigint)"), tmp_path / "same.json"
    assert mart_fingerprint.main([str(same), "--like", str(before), "--output", str(printed)]) == 0
    tables = json.loads(printed.read_text(encoding="utf-8"))["tables"]
    assert tables["marts.scores"]["added_columns"] == ["is_demo BOOLEAN"]
    assert tables["marts.counts"]["added_columns"] == ["monitoring_year INTEGER"]
    capsys.readouterr()
    assert mart_fingerprint.main(["--compare", str(before), str(printed)]) == 0
    output = capsys.readouterr().out
    assert "tables compared: 2, identical: 2" in output and "marts.scores: columns added: is_demo BOOLEAN" in output
    # without --like the same build differs: its columns (and so its rows' hashes) are not those of before
    plain = tmp_path / "plain.json"
    assert mart_fingerprint.main([str(same), "--output", str(plain)]) == 0
    assert mart_fingerprint.main(["--compare", str(before), str(plain)]) == 1

    for name, total, schools in (("c", "6", "cast(2 as bigint)"), ("d", "5", "2.5")):
        printed = tmp_path / f"{name}.json"
        assert mart_fingerprint.main([str(after(name, total, schools)), "--like", str(before), "--output", str(printed)]) == 0
        capsys.readouterr()
        assert mart_fingerprint.main(["--compare", str(before), str(printed)]) == 1
        assert "marts.counts: differs (content)" in capsys.readouterr().out
