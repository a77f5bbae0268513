"""Fingerprints of the warehouse's marts: row count and an order-independent content checksum per table.

    python tools/mart_fingerprint.py warehouse/shnor.duckdb > before.json
    python tools/mart_fingerprint.py warehouse/shnor.duckdb --schema marts --schema reference > after.json
    python tools/mart_fingerprint.py --compare before.json after.json [--allow-new] [--rounded]
    python tools/mart_fingerprint.py warehouse/shnor.duckdb --like before.json > after.json

The checksum of a table is the sum (modulo 2**128) of DuckDB's hash of every row, the row hashed as all
its columns in their order: adding up does not depend on the order of rows, and unlike a XOR a duplicated
row still counts. Any change of a value (a float's last bit included), of the number of rows or of the
column list (names, order, types) changes the fingerprint. DuckDB's hash is deterministic but not
promised across DuckDB versions, so compare fingerprints made with the same version (it is recorded).

A second checksum (checksum_rounded) hashes floating-point columns rounded to --float-digits decimals:
DuckDB adds up doubles in parallel, in an order that can change from one build to the next, so an average
can differ in its last bit between two builds of the same project on the same data. Without --rounded
such a table is reported as differing "beyond N decimals only"; with --rounded it is a note.

--like BEFORE.json fingerprints each table over BEFORE's columns only, in BEFORE's order, each cast to its
type in BEFORE: a build that only adds columns, or narrows a column's type without changing a value (HUGEINT
to BIGINT, a whole DOUBLE to BIGINT), then compares equal, and the columns it added are listed apart
(added_columns). A value that changed, or does not survive the cast back (12.5 cast to BIGINT and back), differs.

--compare exits 1 when a table differs or is missing from the second file; tables that only the second
file has are listed as new and count as differences unless --allow-new is given.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import duckdb

MODULUS = 2**128
FLOAT_TYPES = {"DOUBLE", "FLOAT", "REAL"}


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def row_hash(columns: list[tuple[str, str]], float_digits: int | None = None) -> str:
    """The SQL hash of a row; with ``float_digits``, floating-point columns rounded to that many decimals."""
    def value(name: str, kind: str) -> str:
        if float_digits is not None and kind in FLOAT_TYPES:
            return f"round({quote(name)}, {float_digits})"
        return quote(name)
    return f"hash({', '.join(value(name, kind) for name, kind in columns)})"


def table_fingerprint(con: duckdb.DuckDBPyConnection, schema: str, table: str, float_digits: int,
                      like: list[str] | None = None) -> dict:
    """A table's row count and checksums; with ``like`` (another fingerprint's "name TYPE" column list), over
    those columns only, each cast to that type, the table's other columns listed as added."""
    own = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position", [schema, table]).fetchall()
    relation = f"{quote(schema)}.{quote(table)}"
    added: list[str] = []
    if like is None:
        columns, selected = own, relation
    else:
        wanted = [tuple(column.split(" ", 1)) for column in like]
        present = {name for name, _ in own}
        columns = [(name, kind) for name, kind in wanted if name in present]
        added = [f"{name} {kind}" for name, kind in own if name not in {n for n, _ in wanted}]
        casts = ", ".join(f"cast({quote(name)} as {kind}) as {quote(name)}" for name, kind in columns)
        selected = f"(select {casts} from {relation})" if columns else relation
    rows, exact, rounded = con.execute(
        f"select count(*), sum(cast({row_hash(columns)} as hugeint)), "
        f"sum(cast({row_hash(columns, float_digits)} as hugeint)) from {selected}").fetchone()
    result = {
        "rows": int(rows),
        "checksum": format(int(exact or 0) % MODULUS, "032x"),
        "checksum_rounded": format(int(rounded or 0) % MODULUS, "032x"),
        "columns": [f"{name} {kind}" for name, kind in columns],
    }
    if like is not None:
        result["added_columns"] = added
    return result


def fingerprint(warehouse: Path, schemas: list[str], float_digits: int = 10, like: dict | None = None) -> dict:
    """Every table's fingerprint; with ``like`` (an earlier fingerprint), over the columns each table had then."""
    earlier = like["tables"] if like else {}
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in (select unnest(?)) and table_type = 'BASE TABLE' "
            "order by table_schema, table_name", [schemas]).fetchall()
        return {
            "warehouse": str(warehouse),
            "duckdb_version": duckdb.__version__,
            "schemas": schemas,
            "float_digits": float_digits,
            "like": like.get("warehouse") if like else None,
            "tables": {f"{schema}.{table}": table_fingerprint(
                con, schema, table, float_digits,
                earlier[f"{schema}.{table}"]["columns"] if f"{schema}.{table}" in earlier else None)
                for schema, table in tables},
        }
    finally:
        con.close()


def compare(first: dict, second: dict, allow_new: bool = False,
            rounded: bool = False) -> tuple[list[str], list[str], list[str]]:
    """Differences, notes and the tables only the second fingerprint has. A table whose exact checksums
    differ while the rounded ones agree differs only beyond the rounding (the last bits of floating-point
    values): a difference unless ``rounded``, then a note."""
    differences, notes, new = [], [], []
    a, b = first["tables"], second["tables"]
    digits = first.get("float_digits")
    for name in sorted(a):
        if name not in b:
            differences.append(f"{name}: missing from the second file")
            continue
        changed = []
        if a[name]["rows"] != b[name]["rows"]:
            changed.append(f"rows {a[name]['rows']} → {b[name]['rows']}")
        if a[name]["columns"] != b[name]["columns"]:
            changed.append("columns")
        if b[name].get("added_columns"):
            notes.append(f"{name}: columns added: {', '.join(b[name]['added_columns'])}")
        exact_differs = a[name]["checksum"] != b[name]["checksum"]
        if a[name]["checksum_rounded"] != b[name]["checksum_rounded"]:
            changed.append("content")
        elif exact_differs and not rounded:
            changed.append(f"floating-point values beyond {digits} decimals only")
        elif exact_differs:
            notes.append(f"{name}: equal with floating-point values rounded to {digits} decimals, "
                         "not bit for bit")
        if changed:
            differences.append(f"{name}: differs ({', '.join(changed)})")
    for name in sorted(set(b) - set(a)):
        new.append(name)
        if not allow_new:
            differences.append(f"{name}: only in the second file")
    return differences, notes, new


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("warehouse", nargs="?", type=Path, help="DuckDB file to fingerprint")
    parser.add_argument("--schema", action="append", dest="schemas",
                        help="schema to include (repeatable; default: marts)")
    parser.add_argument("--output", type=Path, help="write the JSON here instead of standard output")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("FIRST", "SECOND"),
                        help="compare two fingerprint files; exit 1 on differences")
    parser.add_argument("--allow-new", action="store_true",
                        help="with --compare: tables only in SECOND (new marts) are not differences")
    parser.add_argument("--rounded", action="store_true",
                        help="with --compare: compare the checksums of rows with floating-point values rounded")
    parser.add_argument("--like", type=Path, metavar="BEFORE",
                        help="fingerprint each table over BEFORE's columns only, each cast to its type in BEFORE")
    parser.add_argument("--float-digits", type=int, default=10,
                        help="decimals floating-point values are rounded to for checksum_rounded (default 10)")
    args = parser.parse_args(argv)

    if args.compare:
        first, second = (json.loads(path.read_text(encoding="utf-8")) for path in args.compare)
        if first.get("duckdb_version") != second.get("duckdb_version"):
            print(f"warning: DuckDB versions differ ({first.get('duckdb_version')} vs "
                  f"{second.get('duckdb_version')}): checksums may not be comparable", file=sys.stderr)
        if first.get("float_digits") != second.get("float_digits"):
            parser.error("the two fingerprints rounded floating-point values differently (--float-digits)")
        differences, notes, new = compare(first, second, args.allow_new, args.rounded)
        same = sorted(set(first["tables"]) & set(second["tables"]))
        differing = {line.split(":")[0] for line in differences}
        print(f"tables compared: {len(same)}, identical: {len(set(same) - differing)}"
              + (f" (floating-point values rounded to {first.get('float_digits')} decimals)" if args.rounded else ""))
        for name in new:
            print(f"new in the second file: {name} ({second['tables'][name]['rows']} rows)")
        for line in notes + differences:
            print(line)
        return 1 if differences else 0

    if args.warehouse is None:
        parser.error("give a DuckDB file to fingerprint, or --compare FIRST SECOND")
    like = json.loads(args.like.read_text(encoding="utf-8")) if args.like else None
    if like and like.get("float_digits") != args.float_digits:
        parser.error("--like: BEFORE rounded floating-point values to another number of decimals (--float-digits)")
    result = fingerprint(args.warehouse, args.schemas or ["marts"], args.float_digits, like)
    text = json.dumps(result, ensure_ascii=False, indent=1)
    if args.output:
        args.output.write_text(text + "\n", encoding="utf-8")
        for name, table in result["tables"].items():
            print(f"{name:60} {table['rows']:>9} {table['checksum']}")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
