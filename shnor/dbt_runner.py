"""dbt on the warehouse: ``dbt build`` (seeds, models, data and unit tests) and the environment every
dbt command of the project runs in."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

from shnor.fingerprints import dbt_inputs, dbt_project_inputs, reference_inputs, remember, unchanged
from shnor.identity import identity_digest, resolve_identity
from shnor.postgres import copy_raw_tables, ensure_access_model
from shnor_core import warehouse
from shnor_core.settings import DBT_PROJECT_DIR, PROJECT_ROOT, DataHome, keep_in_user_cache, user_cache


def dbt_command(*args: str) -> list[str]:
    dbt = Path(sys.executable).with_name("dbt")
    return [str(dbt), *args, "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]


PARTIAL_PARSE_FILE = "partial_parse.msgpack"


def parse_cache(target: str | None = None, project_dir: Path = DBT_PROJECT_DIR) -> Path:
    """Where the last successful build's parsed project is kept for homes that have none yet, per user (never a
    shared folder: dbt trusts what it loads), dbt version, project folder and target. dbt reparses whatever it
    finds changed (files by their hash, vars, the profile's keys, its version), so a copy made from another home
    of the same project is as good as the home's own; a fresh home (the demo, a test, a benchmark) then skips
    dbt's full parse, which costs more than building the marts of a region."""
    key = hashlib.sha256(f"{version('dbt-core')}|{project_dir.resolve()}|{dbt_target(target)}".encode()).hexdigest()
    return user_cache("dbt-parse") / key[:16] / PARTIAL_PARSE_FILE


# What of the caller's environment a dbt process gets: what the profile reads (SHNOR_*: target, warehouse, threads,
# the PostgreSQL connection), dbt's own settings (DBT_*), libpq's (PG*: SSL mode, service files), locale, time
# zone, the user's folders and Python's own. Nothing else: dbt scrubs every log line of the whole environment's
# values (its secret masking walks os.environ per event), so an Airflow worker's hundred variables were paid for
# on each of some ten thousand log events per build; and the credentials of other systems have no business there.
DBT_ENVIRONMENT_NAMES = ("PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "TZ", "TMPDIR", "TEMP", "TMP")
DBT_ENVIRONMENT_PREFIXES = ("SHNOR_", "DBT_", "PG", "LC_", "XDG_", "PYTHON")


def dbt_environment(home: DataHome, target: str | None = None) -> dict[str, str]:
    """What every dbt command of the project runs with: the caller's environment cut to what dbt reads
    (``DBT_ENVIRONMENT_*``), the home's warehouse, artifacts and logs, Python's bytecode cached (even when the
    caller writes none: ``PYTHONDONTWRITEBYTECODE``, then in the user cache); the parsed project it starts from — the
    home's own (also for ``dbt docs generate``, which writes elsewhere), else the cache of :func:`parse_cache`,
    else — for a copy of the reference (``shnor region init --project``) that has none yet — the cache of the
    project it was copied from: dbt reparses only the files the copy changed (its seeds' new rows), about half the
    CPU of a full parse; else none (a full parse)."""
    home.dbt_artifacts.mkdir(parents=True, exist_ok=True)
    environment = {
        **{name: value for name, value in os.environ.items()
           if name in DBT_ENVIRONMENT_NAMES or name.startswith(DBT_ENVIRONMENT_PREFIXES)},
        "SHNOR_WAREHOUSE": str(home.warehouse),
        "DBT_TARGET_PATH": str(home.dbt_artifacts / "target"),
        "DBT_LOG_PATH": str(home.dbt_artifacts / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    if environment.pop("PYTHONDONTWRITEBYTECODE", None):
        # without bytecode a dbt process compiles its ≈ 1 300 modules from source on every start (≈ 2 s of CPU of
        # each build); honour "nothing written beside the installed code" with a bytecode cache of our own instead
        environment.setdefault("PYTHONPYCACHEPREFIX", str(user_cache("pycache")))
    parsed = next((path for path in (home.dbt_artifacts / "target" / PARTIAL_PARSE_FILE, parse_cache(target),
                                     parse_cache(target, PROJECT_ROOT / "dbt_project")) if path.is_file()), None)
    if parsed is not None:
        environment["DBT_PARTIAL_PARSE_FILE_PATH"] = str(parsed)
    return environment


def keep_parse(home: DataHome, target: str | None = None) -> None:
    """The home's parsed project into :func:`parse_cache` after a successful build (replaced whole, so a build
    starting meanwhile reads the old copy or the new one, never half of one); a cache that cannot be written is
    only a slower next fresh home."""
    parsed = home.dbt_artifacts / "target" / PARTIAL_PARSE_FILE
    if parsed.is_file():
        keep_in_user_cache(parsed, parse_cache(target))


def dbt_target(target: str | None = None) -> str:
    return target or os.environ.get("SHNOR_DBT_TARGET", "duckdb")


def build_record(home: DataHome) -> Path:
    return home.dbt_artifacts / "last_build.json"


def last_build_id(home: DataHome) -> str | None:
    """Which successful build the warehouse's marts are: a digest of its record (inputs and time), new with
    every build; None before the first."""
    try:
        return hashlib.sha256(build_record(home).read_bytes()).hexdigest()[:16]
    except OSError:
        return None


def seeds_record(home: DataHome) -> Path:
    """The dbt project (:func:`shnor.fingerprints.dbt_project_inputs`) of the last successful build, whose seeds
    the warehouse holds."""
    return home.dbt_artifacts / "state" / ".seeds.json"


def seeds_loaded(home: DataHome, target: str) -> bool:
    """Whether the warehouse's seed tables are those of the project as it is: the dbt project (seed files, their
    column types, the macros that load them) unchanged since the last successful build and every seed's table
    there. A seed's table is rebuilt from its file only, so loading it again changes nothing — 21 nodes of every
    full build. DuckDB only (on PostgreSQL another process may have changed the database: seeds always load)."""
    if target != "duckdb" or not unchanged(seeds_record(home), dbt_project_inputs(target)) \
            or not home.warehouse.exists():
        return False
    seeds = {path.stem for path in (DBT_PROJECT_DIR / "seeds").glob("*.csv")}
    with warehouse.connect(home.warehouse, read_only=True) as con:
        tables = {name for (name,) in con.execute("select table_name from information_schema.tables "
                                                  "where table_schema = 'reference'").fetchall()}
    return seeds <= tables


def build_state(home: DataHome) -> Path:
    """The last cycle build's view of the raw tables (dbt's ``sources.json``: each source's newest ``loaded_at``),
    kept for the next build's ``--state``, with the reference digest it was built with (``.inputs.json``)."""
    return home.dbt_artifacts / "state"


# One dbt process for the build and the freshness check before it (dbt's programmatic dbtRunner, invoked in turn
# in one Python process, as dbt documents): the project is parsed once and handed to both, and the manifest is
# written once, by the build — not two processes each starting dbt, parsing and writing it.
# The freshness check writes sources.json (what each raw table holds now); its exit status 1 is a stale source (a
# kind not delivered yet), not a failure. The build's exit status is the process's.
# dbt's console log is off (`--log-level none`): dbt formats every event for each of its loggers before the level
# decides, so its console logger formatted every debug event of a build to print the info lines nobody read (the
# output is read only when a build fails). The file log (`logs/dbt.log`, debug: every statement; dbt ties its level
# to the console's unless told, hence `--log-level-file`) stays the full record; what a failure needs in the
# error — each failed node, its message and its compiled SQL — the process prints itself from dbt's results.
_FRESHER_MARK = "shnor: fresher_sources"
_FRESHNESS_THEN_BUILD = f"""
import json, sys
from pathlib import Path
from dbt.cli.main import dbtRunner

def report(invoked):
    if invoked.exception is not None:
        print(f"{{type(invoked.exception).__name__}}: {{invoked.exception}}")
    for result in getattr(invoked.result, "results", None) or []:
        if result.status not in ("success", "pass", "skipped", "no-op"):
            compiled = getattr(result.node, "compiled_path", None)
            print(f"{{result.status}}: {{result.node.unique_id}}: {{result.message}}"
                  + (f" ({{compiled}})" if compiled else ""))

plan = json.loads(sys.argv[1])
selection = plan["build"]
if plan["freshness"]:
    parsed = dbtRunner().invoke(["parse", *plan["common"], "--no-write-json"])
    if not parsed.success:
        report(parsed)
        sys.exit(2)
    runner = dbtRunner(manifest=parsed.result)
    checked = runner.invoke(["source", "freshness", *plan["common"], "--no-write-json"])
    if checked.result is not None:
        checked.result.write(plan["sources"])
        selection = plan["fresher"] or selection
else:
    runner = dbtRunner()
built = runner.invoke(["build", *plan["common"], *selection])
report(built)
if plan["fresher"] and selection == plan["fresher"]:
    print("{_FRESHER_MARK}")
sys.exit(0 if built.success else 1)
"""


def dbt_build(home: DataHome, target: str | None = None, skip_unchanged: bool = False,
              select: list[str] | None = None) -> dict:
    """``dbt build`` in its own process.

    A separate process keeps dbt's DuckDB connection out of the caller, which matters under
    ``airflow dags test`` where every task shares one process. Names are resolved first, every build
    (``shnor.identity``: the identity tables staging reads). With the ``postgres`` target
    (``SHNOR_DBT_TARGET=postgres``) the raw and identity tables are then copied to PostgreSQL. With
    ``skip_unchanged`` (the cycle's DAG), a build whose inputs are those of the last successful build is
    not run again: the marts are already what it would make; and when only the raw tables changed since the
    last cycle build (same dbt project, catalogues and calendars), dbt builds only what is downstream of the
    sources that received rows since (selector ``fresher_sources``: dbt's ``source_status:fresher+`` against
    that build's ``sources.json``). ``select`` builds only those nodes (dbt's selection syntax: tests, a
    benchmark's subset) and, like the cycle's build, not their unit tests (CI runs those once:
    tests/test_dbt_unit_tests.py); such a build is never recorded as the project's build.
    """
    target = dbt_target(target)
    fingerprint = dbt_inputs(home, target)
    if skip_unchanged and not select and unchanged(build_record(home), fingerprint):
        return {"dbt_results": {}, "unchanged": True}
    identity = resolve_identity(home)
    if target == "postgres":
        copy_raw_tables(home)
        ensure_access_model()
    environment = dbt_environment(home, target)
    target_path = home.dbt_artifacts / "target"
    # a full build whose seeds the warehouse already holds builds everything of the cycle but them (the tests that
    # compare a mart with a seed still run)
    project, seeds_kept = dbt_project_inputs(target), not select and seeds_loaded(home, target)
    selection = (["--select", *select, "--exclude-resource-type", "unit_test"] if select
                 else ["--selector", "cycle_seeds_loaded"] if seeds_kept else [])
    # what names resolved to is part of the reference: a registry or a decision re-keys archived rows, whose
    # sources did not receive a row, so only a full build applies it
    reference, state = f"{reference_inputs(home, target)}:{identity_digest(home)}", build_state(home)
    freshness = not select
    if freshness:
        (target_path / "sources.json").unlink(missing_ok=True)
    # with only new raw rows since the last cycle build: what is downstream of the sources that received rows, if
    # the freshness check could tell (its sources.json)
    fresher = ["--selector", "fresher_sources", "--state", str(state)] if freshness and skip_unchanged \
        and (state / "sources.json").is_file() and unchanged(state / ".inputs.json", reference) else None
    results_path = target_path / "run_results.json"
    results_path.unlink(missing_ok=True)  # never report a previous build's results
    completed = subprocess.run(
        [sys.executable, "-c", _FRESHNESS_THEN_BUILD,
         json.dumps({"common": [*dbt_command()[1:], "--target", target, "--log-level", "none",
                                "--log-level-file", environment.get("DBT_LOG_LEVEL_FILE", "debug")],
                     "freshness": freshness,
                     "build": selection, "fresher": fresher, "sources": str(target_path / "sources.json")})],
        env=environment, capture_output=True, text=True)
    selection = fresher if fresher and completed.stdout.rstrip().endswith(_FRESHER_MARK) else selection
    statuses: dict[str, int] = {}
    if results_path.exists():
        for result in json.loads(results_path.read_text())["results"]:
            statuses[result["status"]] = statuses.get(result["status"], 0) + 1
    if completed.returncode != 0:
        raise RuntimeError(f"dbt build failed ({statuses}):\n{completed.stdout[-4000:]}\n{completed.stderr[-2000:]}")
    if not select:
        remember(build_record(home), fingerprint)
        remember(seeds_record(home), project)
        if (target_path / "sources.json").is_file():
            state.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(target_path / "sources.json", state / "sources.json")
            remember(state / ".inputs.json", reference)
    keep_parse(home, target)
    return {"dbt_results": statuses, "nodes": sum(statuses.values()), "identity": identity,
            "only_downstream_of_new_data": "fresher_sources" in selection}
