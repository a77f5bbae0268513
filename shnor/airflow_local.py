"""Running the project's DAGs on the embedded default: Airflow on SQLite under the data home.

``airflow dags test`` runs a whole DAG in one process without a scheduler, which is what a laptop,
the demo and the end-to-end test need; ``shnor.dag_runner`` does the same for the cycle's three DAGs in
one process. The home's ``airflow.cfg`` names the project's DAG and plugin folders and the SQLite database,
so plain ``airflow …`` commands with only ``AIRFLOW_HOME`` set see the same Airflow, and ``shnor airflow``
(:func:`serve_airflow`) opens its UI: ``airflow standalone`` on that home, where the demo's runs show.
"""

from __future__ import annotations

import base64
import configparser
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path

from shnor.windows import close_dag_id
from shnor_core.reference import get_monitoring
from shnor_core.settings import DAGS_DIR, PLUGINS_DIR, DataHome, keep_in_user_cache, user_cache
from shnor_core.warehouse import WarehouseBusy

DEFAULT_PORT = 8080
SIMPLE_AUTH_MANAGER = "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager"
ADMIN_USER = "admin"


def airflow_config_path(home: DataHome) -> Path:
    return home.airflow_home / "airflow.cfg"


def passwords_file(home: DataHome) -> Path:
    """Where Airflow's simple auth manager keeps the password it generates for each user (as JSON)."""
    return home.airflow_home / "simple_auth_manager_passwords.json.generated"


def _generated_secrets() -> dict[tuple[str, str], str]:
    from cryptography.fernet import Fernet  # noqa: PLC0415 - only when a home's Airflow config is first written

    return {("core", "fernet_key"): Fernet.generate_key().decode(),
            ("api_auth", "jwt_secret"): base64.b64encode(os.urandom(16)).decode()}


def airflow_settings(home: DataHome, port: int = DEFAULT_PORT) -> dict[tuple[str, str], str]:
    """What the home's ``airflow.cfg`` must say so that any Airflow process started with only
    ``AIRFLOW_HOME`` set runs this project: its DAGs and plugins (the calendar timetable), the home's
    SQLite database, no example DAGs, the standalone's executor and auth manager, and the execution API
    on the UI's port (the workers of a LocalExecutor report there)."""
    return {
        ("core", "dags_folder"): str(DAGS_DIR),
        ("core", "plugins_folder"): str(PLUGINS_DIR),
        ("core", "load_examples"): "False",
        ("core", "unit_test_mode"): "False",
        ("core", "executor"): "LocalExecutor",
        ("core", "parallelism"): "4",  # the LocalExecutor starts this many workers: 32 by default, a laptop needs few
        ("core", "dags_are_paused_at_creation"): "True",  # the UI shows the calendar; nothing runs until unpaused
        ("core", "auth_manager"): SIMPLE_AUTH_MANAGER,
        ("core", "simple_auth_manager_users"): f"{ADMIN_USER}:admin",
        ("core", "execution_api_server_url"): f"http://localhost:{port}/execution/",
        ("database", "sql_alchemy_conn"): f"sqlite:///{home.airflow_home / 'airflow.db'}",
        ("api", "host"): "127.0.0.1",
        ("api", "port"): str(port),
        ("cosmos", "enable_telemetry"): "False",
    }


def write_airflow_config(home: DataHome, port: int | None = None) -> Path:
    """Write (or bring up to date) the home's ``airflow.cfg``; settings it holds besides ours are kept,
    and so are its secrets (Fernet key, JWT secret), made once per home. ``port`` None keeps the port
    the file names (8080 at first)."""
    path = airflow_config_path(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    config = configparser.ConfigParser(interpolation=None)
    config.optionxform = str  # keys as written
    if path.exists():
        config.read(path, encoding="utf-8")
    if port is None:
        port = int(config.get("api", "port", fallback=str(DEFAULT_PORT)))
    wanted = airflow_settings(home, port)
    if not (config.get("core", "fernet_key", fallback="") and config.get("api_auth", "jwt_secret", fallback="")):
        wanted = {**_generated_secrets(), **wanted}
    changed = False
    for (section, key), value in wanted.items():
        if not config.has_section(section):
            config.add_section(section)
        if config.get(section, key, fallback=None) != value:
            config.set(section, key, value)
            changed = True
    if changed:
        staged = path.with_name(f".{path.name}.{os.getpid()}")
        with open(staged, "w", encoding="utf-8") as handle:
            config.write(handle)
        staged.chmod(0o600)  # it holds the home's secrets
        os.replace(staged, path)
    return path


def airflow_environment(home: DataHome) -> dict[str, str]:
    write_airflow_config(home)
    return {
        **os.environ,
        "SHNOR_HOME": str(home.root),
        "AIRFLOW_HOME": str(home.airflow_home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS_DIR),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(PLUGINS_DIR),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home.airflow_home / 'airflow.db'}",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }


def migrated_db_cache() -> Path:
    """Where an empty metadata database fresh from ``airflow db migrate`` is kept for homes that have none yet,
    per user and Airflow version: what the migrations write (their revision, the log templates, the default
    pool) is the same for every home, and no secret of a home is in it (the DAGs, runs and connections come
    later, in the home's own copy)."""
    return user_cache("airflow-db") / version("apache-airflow") / "airflow.db"


def ensure_metadata_db(home: DataHome) -> None:
    """``airflow db migrate`` once per metadata database and Airflow version. It costs seconds of CPU (an
    Airflow start-up and every migration): a home without a database starts from a copy of the empty migrated
    one of :func:`migrated_db_cache`, made by the first migration of that Airflow version for this user."""
    marker = home.airflow_home / f".migrated-{version('apache-airflow')}"
    if marker.exists():
        return
    database, cached = home.airflow_home / "airflow.db", migrated_db_cache()
    if not database.exists() and cached.exists():
        database.parent.mkdir(parents=True, exist_ok=True)
        staged = database.with_name(f".{database.name}.{os.getpid()}")
        shutil.copyfile(cached, staged)
        os.replace(staged, database)
        marker.touch()
        return
    fresh = not database.exists()
    completed = subprocess.run([str(Path(sys.executable).with_name("airflow")), "db", "migrate"],
                               env=airflow_environment(home), capture_output=True, text=True)
    if completed.returncode != 0:
        raise RuntimeError(f"airflow db migrate failed:\n{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}")
    if fresh:
        keep_in_user_cache(database, cached)  # a copy of the database just migrated from nothing
    marker.touch()


_WAREHOUSE_BUSY = re.compile(r"WarehouseBusy: (?P<message>[^\n]+)")
_RUN_FINISHED = re.compile(r"DagRun Finished: dag_id=(?P<dag_id>[\w.-]+),.*?\bstate=(?P<state>\w+)")


def run_state_from_log(log: Path, dag_id: str) -> str | None:
    """The final state ``airflow dags test`` logs for the run ("DagRun Finished: … state=success")."""
    states = [m["state"] for m in _RUN_FINISHED.finditer(log.read_text(encoding="utf-8", errors="replace"))
              if m["dag_id"] == dag_id]
    return states[-1] if states else None


ASSET_DAGS = ("shnor_build_marts", "shnor_publish_reports")
DOCS_DAG = "shnor_build_docs"  # after the reports (asset shnor_reports): never before the cycle's outputs


def cycle_dags(monitoring_id: str) -> tuple[str, ...]:
    """The DAGs that process a window one after another: its calendar row's close DAG, then marts, reports."""
    return (close_dag_id(get_monitoring(monitoring_id)), *ASSET_DAGS)


@dataclass(frozen=True)
class TaskDone:
    """A task of the cycle that has finished, as Airflow recorded it."""

    dag_id: str
    task_id: str
    state: str
    seconds: float


def run_cycle(home: DataHome, monitoring_id: str, progress: Callable[[TaskDone], None] | None = None,
              done: Callable[[Path], None] | None = None) -> list[Path]:
    """One monitoring window through the DAGs that the asset chain runs one after another under a
    scheduler: processing at close (the window's calendar-row DAG), marts, reports, then the documentation, in
    one Airflow process (``shnor.dag_runner``). Each task that finishes is reported to ``progress`` as it
    finishes (read from Airflow's own records); ``done`` (given the run's log) is called when the reports are
    written, before the documentation starts: the caller's «done» line never waits for the docs."""
    ensure_metadata_db(home)
    fail_interrupted_runs(home)
    return [run_dags(home, (*cycle_dags(monitoring_id), DOCS_DAG), {"monitoring_id": monitoring_id}, progress,
                     pauses={DOCS_DAG: done} if done else None)]


def run_dags(home: DataHome, dag_ids: tuple[str, ...], conf: dict | None,
             progress: Callable[[TaskDone], None] | None = None, logical_date: str | None = None,
             pauses: dict[str, Callable[[Path], None]] | None = None,
             confs: dict[str, dict | None] | None = None) -> Path:
    """Run DAGs end to end in one process (with ``conf``, or the DAG's own in ``confs``; or as their scheduled
    runs at ``logical_date``); raises with the log's path unless every run succeeded. Before each DAG named in
    ``pauses`` the process waits until its callback, given the log, has returned (the warehouse is free
    meanwhile: no DAG runs) — files land between two DAGs as they would between two runs of a scheduler,
    without another Airflow start-up."""
    runs_folder(home).mkdir(parents=True, exist_ok=True)
    started = datetime.now(timezone.utc)
    names = "+".join(dag_ids) if len(dag_ids) < 4 else f"{dag_ids[0]}+{len(dag_ids) - 1}"  # a file name's length
    log = runs_folder(home) / f"{started:%Y%m%dT%H%M%S%f}_{names}.log"
    paused = log.with_suffix(".paused")
    command = [sys.executable, "-m", "shnor.dag_runner", *dag_ids]
    if conf is not None:
        command += ["--conf", json.dumps(conf)]
    for dag_id, own in (confs or {}).items():
        command += ["--conf-of", dag_id, json.dumps(own)]
    if logical_date:
        command += ["--logical-date", logical_date]
    for dag_id in pauses or {}:
        command += ["--pause-before", dag_id]
    if pauses:
        command += ["--pause-file", str(paused)]
    with open(log, "w", encoding="utf-8") as handle:
        child = subprocess.Popen(command, env=airflow_environment(home), stdout=handle, stderr=subprocess.STDOUT,
                                 stdin=subprocess.PIPE if pauses else None, text=True)
        seen: set[tuple[str, str, str]] = set()
        try:
            while child.poll() is None:
                _report(home, started, seen, progress)
                if pauses and paused.exists():
                    _report(home, started, seen, progress)
                    before = paused.read_text(encoding="utf-8").strip()
                    paused.unlink()
                    pauses[before](log)
                    child.stdin.write("\n")
                    child.stdin.flush()
                time.sleep(0.5)
        except BaseException:  # a callback failed (or Ctrl+C): no DAG runs on behind the caller's back
            child.kill()
            child.wait()
            raise
        finally:
            if child.stdin:
                child.stdin.close()
        _report(home, started, seen, progress)
    states = {dag_id: run_state_from_log(log, dag_id) for dag_id in dag_ids}
    if child.returncode != 0 or any(state != "success" for state in states.values()):
        held = _WAREHOUSE_BUSY.search(log.read_text(encoding="utf-8", errors="replace"))
        if held:  # a task found the warehouse held by another process: say who, here, not only in the log
            raise WarehouseBusy(f"{held['message'].strip()}; журнал: {log}")
        failed = next((d for d, state in states.items() if state != "success"), dag_ids[-1])
        raise RuntimeError(f"DAG {failed} не выполнен (код {child.returncode}, состояние {states[failed]}); "
                           f"журнал: {log}")
    return log


def _report(home: DataHome, since: datetime, seen: set, progress) -> None:
    if progress is None:
        return
    database = home.airflow_home / "airflow.db"
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=1) as con:
            rows = con.execute(
                "select dag_id, run_id, task_id, state, (julianday(end_date) - julianday(start_date)) * 86400 "
                "from task_instance where end_date is not null and start_date >= ? order by end_date",
                [since.strftime("%Y-%m-%d %H:%M:%S")]).fetchall()
    except sqlite3.Error:  # Airflow is writing: the next poll sees it
        return
    for dag_id, run_id, task_id, state, seconds in rows:
        if (dag_id, run_id, task_id) not in seen:
            seen.add((dag_id, run_id, task_id))
            progress(TaskDone(dag_id, task_id, state, seconds or 0.0))


def runs_folder(home: DataHome) -> Path:
    """Every run's own log (one file per DAG run, never overwritten)."""
    return home.airflow_home / "runs"


_FAIL_RUNNING = """
from airflow.models.dagrun import DagRun
from airflow.utils import timezone
from airflow.utils.session import create_session
from airflow.utils.state import DagRunState, State, TaskInstanceState
with create_session() as session:
    for run in session.query(DagRun).filter(DagRun.state.in_([DagRunState.RUNNING, DagRunState.QUEUED])):
        run.state, run.end_date = DagRunState.FAILED, timezone.utcnow()
        for ti in run.get_task_instances(session=session):
            if ti.state not in State.finished:
                ti.state = TaskInstanceState.FAILED
        print("INTERRUPTED", run.dag_id, run.run_id)
"""


def fail_interrupted_runs(home: DataHome) -> list[str]:
    """Runs a killed ``airflow dags test`` left "running" are marked failed: on the embedded default only
    one run holds a home at a time (shnor.run_lock), so any run still "running" was interrupted."""
    database = home.airflow_home / "airflow.db"
    if not database.exists():
        return []
    with sqlite3.connect(database) as con:
        running = con.execute("select count(*) from dag_run where state in ('running', 'queued')").fetchone()[0]
    if not running:
        return []
    completed = subprocess.run([sys.executable, "-c", _FAIL_RUNNING], env=airflow_environment(home),
                               capture_output=True, text=True)
    if completed.returncode != 0:
        raise RuntimeError(f"не удалось пометить прерванные запуски Airflow: {completed.stderr[-2000:]}")
    return [line.split(" ", 1)[1] for line in completed.stdout.splitlines() if line.startswith("INTERRUPTED ")]


def run_dag(home: DataHome, dag_id: str, conf: dict | None = None, migrate: bool = True,
            logical_date: str | None = None) -> Path:
    """Run one DAG end to end (with ``conf``, or as its scheduled run at ``logical_date``: the window is then
    found from the run's data interval); raises with the log's path unless the run succeeded."""
    if migrate:
        ensure_metadata_db(home)
        fail_interrupted_runs(home)
    return run_dags(home, (dag_id,), conf, logical_date=logical_date)


def admin_password(home: DataHome, timeout: float = 0) -> str | None:
    """The password Airflow's simple auth manager generated for ``admin`` (``airflow standalone`` writes it
    into the home at its first start); None if it has not yet been written."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            password = json.loads(passwords_file(home).read_text(encoding="utf-8")).get(ADMIN_USER)
        except (FileNotFoundError, json.JSONDecodeError):
            password = None
        if password or time.monotonic() >= deadline:
            return password
        time.sleep(0.5)


def start_standalone(home: DataHome, port: int = DEFAULT_PORT, log: Path | None = None) -> subprocess.Popen:
    """``airflow standalone`` (scheduler, DAG processor, triggerer, API server and UI) on the home, in a
    process group of its own: its components are its children and :func:`stop_standalone` ends them all."""
    write_airflow_config(home, port)
    ensure_metadata_db(home)
    environment = {**airflow_environment(home), "AIRFLOW__API__PORT": str(port),
                   "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://localhost:{port}/execution/"}
    output = open(log, "w", encoding="utf-8") if log is not None else None  # noqa: SIM115 - the child holds it
    try:
        return subprocess.Popen([str(Path(sys.executable).with_name("airflow")), "standalone"], env=environment,
                                stdout=output, stderr=subprocess.STDOUT if output else None, start_new_session=True)
    finally:
        if output is not None:
            output.close()


def stop_standalone(process: subprocess.Popen, grace: float = 10) -> None:
    """Stop every process of the standalone's group (stopping the standalone alone leaves its components
    running): a terminate first (each component shuts down), then, after ``grace`` seconds, a kill for
    whatever still runs (the LocalExecutor's idle workers may not exit on their own)."""
    group = process.pid  # start_new_session: the group is led by the standalone itself
    for sent in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(group, sent)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and _group_alive(group):
            process.poll()
            time.sleep(0.2)
        if not _group_alive(group):
            break
    process.wait(timeout=grace)


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def wait_until_serving(port: int, process: subprocess.Popen, timeout: float = 180) -> None:
    """Until the UI answers on the port (or the standalone ended, or the time ran out)."""
    import urllib.error  # noqa: PLC0415 - only while waiting for a UI
    import urllib.request  # noqa: PLC0415

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"airflow standalone завершился с кодом {process.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/monitor/health", timeout=3):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(1)
    raise TimeoutError(f"Airflow не ответил на порту {port} за {timeout:.0f} с")


def serve_airflow(home: DataHome, port: int = DEFAULT_PORT, say=print) -> int:
    """``shnor airflow``: the Airflow UI on the home until Ctrl+C (or SIGTERM), with the address and the
    login printed; on the way out every component of the standalone is stopped."""
    log = home.airflow_home / "standalone.log"
    process = start_standalone(home, port, log)

    def stop(*_):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        say(f"Запускается Airflow (журнал: {log}) …")
        wait_until_serving(port, process)
        password = admin_password(home, timeout=30)
        say(f"Airflow: http://localhost:{port}/")
        say(f"  вход: {ADMIN_USER} / {password or 'см. ' + str(passwords_file(home))}")
        say(f"  пароль хранится в {passwords_file(home)}")
        say(f"  каталог Airflow: {home.airflow_home} (для команд airflow: export AIRFLOW_HOME={home.airflow_home})")
        say("  DAG на паузе: календарь и прошедшие запуски видны, новые запуски — только после снятия с паузы")
        say("Остановить: Ctrl+C")
        process.wait()
        return process.returncode or 0
    except KeyboardInterrupt:
        say("Останавливается Airflow …")
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
        stop_standalone(process)
