"""The cycle on the path users run: ``shnor run`` on the demo region, timed from outside as a user waits for it,
with the stage breakdown read from Airflow's own task records. Figures, never assertions.

Each pass takes a fresh home with the demo region's landing files (``sample_region``, as ``shnor demo`` writes
them), migrates its Airflow database (once per home: timed apart), then runs ``shnor run`` twice as a
subprocess: the first cycle (every file new) and a rerun with nothing new (``shnor.fingerprints`` skips the
unchanged build, publish, reports and docs). Wall time is the subprocess's; memory is the peak of the summed
resident memory of its whole process tree (the CLI, the Airflow process, dbt, the report workers), sampled
every 100 ms. The breakdown comes from the home's ``airflow/airflow.db`` (``task_instance``: start and end of
each task), so Airflow's fixed start-up (from the Airflow process's launch to its first task), the time between
tasks and DAG runs, and the CLI around it are each visible.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from statistics import median

from sample_region.generator import generate_sample_region
from shnor.airflow_local import ensure_metadata_db, runs_folder
from shnor_core.settings import DataHome

MONITORING = "mph-2025"
TARGETS = {"first": 45.0, "rerun": 8.0, "corrected": 20.0}  # seconds, issue 33 (2 cores)
PASS_TITLES = {"first": "первый прогон (все файлы новые)", "rerun": "повторный прогон (ничего нового)",
               "corrected": "повторный прогон с одной исправленной формой"}
TASK_TITLES = {
    "load_reference": "справочники (первая задача: импорт этапов в процесс Airflow)",
    "resolve_monitoring": "окно запуска",
    "ingest_submissions": "формы МО",
    "ingest_context": "ОО-1",
    "ingest_school_data": "данные школ, дорожные карты, люди",
    "validate_new_files": "проверка GX",
    "dbt_build": "dbt build",
    "publish_marts": "публикация витрин",
    "build_reports": "отчёты",
    "build_docs": "документация (dbt docs, Data Docs)",
}
_LOG_STAMP = re.compile(r"^(\d{8}T\d{12})_")


@dataclass
class TaskRecord:
    dag_id: str
    task_id: str
    start: float  # seconds since the command started
    end: float

    @property
    def seconds(self) -> float:
        return self.end - self.start


@dataclass
class CyclePass:
    """One ``shnor run`` as a user waits for it, and what Airflow recorded of it."""

    wall: float
    peak_mb: float
    airflow_launch: float  # seconds from the command's start to the Airflow process's launch (the CLI before it)
    tasks: list[TaskRecord] = field(default_factory=list)
    load: float = 0.0  # the machine's 1-minute load average when the pass started
    cpu: float = 0.0  # CPU seconds (user + system) of the command and every process it waited for
    done: float = 0.0  # seconds from the command's start to its «done» line (the summary; the docs come after it)

    @property
    def airflow_startup(self) -> float:
        """Airflow's fixed start-up: from its process's launch to its first task's start (interpreter, Airflow,
        the DAG folder parsed, the first DAG run created)."""
        return (min(t.start for t in self.tasks) - self.airflow_launch) if self.tasks else 0.0

    @property
    def between_tasks(self) -> float:
        """Time inside the Airflow process when no task ran: between tasks and between the three DAG runs."""
        ordered = sorted(self.tasks, key=lambda t: t.start)
        return sum(max(0.0, b.start - a.end) for a, b in zip(ordered, ordered[1:]))

    @property
    def after_last_task(self) -> float:
        """From the last task's end to the command's exit (Airflow's shutdown, the closing summary)."""
        return self.wall - max(t.end for t in self.tasks) if self.tasks else 0.0

    def until(self, task_id: str) -> float:
        """From the command's start to the end of a task (the reports: what the cycle is for)."""
        return next((t.end for t in self.tasks if t.task_id == task_id), self.wall)

    def task(self, task_id: str) -> float:
        return sum(t.seconds for t in self.tasks if t.task_id == task_id)


def _tree_rss_mb(root: int) -> float:
    """The summed resident memory of a process and all its descendants."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = int(fields[21])
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack += children.get(pid, [])
    return total * os.sysconf("SC_PAGE_SIZE") / 2**20


def task_records(home: DataHome, since: datetime) -> list[TaskRecord]:
    """The tasks Airflow started since ``since``, as it recorded them (``task_instance``)."""
    with sqlite3.connect(f"file:{home.airflow_home / 'airflow.db'}?mode=ro", uri=True) as con:
        rows = con.execute("select dag_id, task_id, start_date, end_date from task_instance "
                           "where start_date >= ? and end_date is not null order by start_date",
                           [since.strftime("%Y-%m-%d %H:%M:%S.%f")]).fetchall()
    def offset(stamp: str) -> float:
        return (datetime.fromisoformat(stamp).replace(tzinfo=timezone.utc) - since).total_seconds()
    return [TaskRecord(dag_id, task_id, offset(start), offset(end)) for dag_id, task_id, start, end in rows]


def _airflow_launch(home: DataHome, since: datetime, before: set[Path]) -> float:
    """When the command launched its Airflow process: the stamp of the run log it opened just before."""
    new = sorted(set(runs_folder(home).glob("*.log")) - before)
    match = _LOG_STAMP.match(new[-1].name) if new else None
    if not match:
        return 0.0
    return (datetime.strptime(match[1], "%Y%m%dT%H%M%S%f").replace(tzinfo=timezone.utc) - since).total_seconds()


def run_command(home: DataHome, monitoring_id: str = MONITORING) -> CyclePass:
    """``shnor --home HOME run --monitoring ID`` as a user runs it, timed and sampled from outside."""
    before = set(runs_folder(home).glob("*.log"))
    load = os.getloadavg()[0]
    since = datetime.now(timezone.utc)
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "shnor.cli", "--home", str(home.root), "run",
                              "--monitoring", monitoring_id], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True)
    peak = [0.0]
    stop = threading.Event()

    def sample():
        while not stop.wait(0.1):
            peak[0] = max(peak[0], _tree_rss_mb(child.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, done = [], 0.0
    for line in child.stdout:
        output.append(line)
        if not done and line.startswith("Цикл мониторинга") and " выполнен за " in line:
            done = time.perf_counter() - started
    _, status, usage = os.wait4(child.pid, 0)  # the child's resources with those of the processes it waited for
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    stop.set()
    sampler.join()
    if child.returncode != 0:
        raise RuntimeError(f"shnor run завершился с кодом {child.returncode}:\n{''.join(output)[-4000:]}")
    return CyclePass(wall, peak[0], _airflow_launch(home, since, before), task_records(home, since), load,
                     usage.ru_utime + usage.ru_stime, done or wall)


def correct_one_form(home: DataHome, monitoring_id: str = MONITORING) -> Path:
    """A municipality sends its form again: the same workbook saved anew (new bytes, a new sha256), landed
    beside the first as «(исправлено)» — the pipeline takes it as that municipality's newer version."""
    import openpyxl  # noqa: PLC0415 - only the corrected pass writes a workbook

    first = sorted(home.submissions_landing(monitoring_id).glob("*.xlsx"))[0]
    corrected = first.with_name(f"{first.stem} (исправлено).xlsx")
    book = openpyxl.load_workbook(first)
    book.save(corrected)
    return corrected


def measure(runs: int, workdir: Path, monitoring_id: str = MONITORING) -> dict:
    """``runs`` fresh homes of the demo region, each: Airflow's database migrated, a first cycle, a rerun with
nothing new, and a rerun with one corrected form."""
    source = DataHome(workdir / "airflow-source")
    region = generate_sample_region(source, monitoring_id)
    passes: dict[str, list[CyclePass]] = {"first": [], "rerun": [], "corrected": []}
    migrations = []
    for run in range(runs):
        home = DataHome(workdir / f"airflow-run{run}")
        shutil.copytree(source.landing, home.landing)
        started = time.perf_counter()
        ensure_metadata_db(home)
        migrations.append(time.perf_counter() - started)
        passes["first"].append(run_command(home, monitoring_id))
        passes["rerun"].append(run_command(home, monitoring_id))
        correct_one_form(home, monitoring_id)
        passes["corrected"].append(run_command(home, monitoring_id))
        shutil.rmtree(home.root)
    shutil.rmtree(source.root, ignore_errors=True)
    return {"monitoring_id": monitoring_id, "forms": len(region.submissions), "schools": len(region.schools),
            "migrations": migrations, "passes": {k: [asdict(p) for p in v] for k, v in passes.items()}}


def _passes(measurement: dict, kind: str) -> list[CyclePass]:
    return [CyclePass(**{**p, "tasks": [TaskRecord(**t) for t in p["tasks"]]}) for p in measurement["passes"][kind]]


def _spread(values: list[float]) -> str:
    """A median with the spread of the runs: «12,3 (11,9–14,0)»."""
    if len(values) == 1:
        return f"{values[0]:.1f}"
    return f"{median(values):.1f} ({min(values):.1f}–{max(values):.1f})"


def summarise(measurement: dict) -> list[str]:
    """The Airflow path's figures as Markdown lines: totals against the targets, then the stage breakdown."""
    kinds = [kind for kind in PASS_TITLES if measurement["passes"].get(kind)]
    passes = {kind: _passes(measurement, kind) for kind in kinds}
    first = passes["first"]
    everything = [p for kind in kinds for p in passes[kind]]
    lines = [f"### Путь пользователя: `shnor run` (Airflow), демо-регион: {measurement['forms']} форм МО, "
             f"{measurement['schools']} школ", "",
             f"Прогонов: {len(first)}, каждый на новом каталоге данных: первый цикл, затем повторный без новых файлов"
             f"{' и повторный с одной исправленной формой' if 'corrected' in kinds else ''}. "
             "Время — медиана (в скобках — от минимума до максимума); память — пик суммы резидентной памяти всего "
             "дерева процессов команды (CLI, процесс Airflow, dbt, процессы отчётов). Средняя загрузка машины "
             f"(load average, 1 мин) в начале прогонов: {_spread([p.load for p in everything])}.", "",
             "Процессорное время — сумма user + system команды и всех процессов, которых она дождалась (Airflow, "
             "dbt, процессы отчётов): на загруженной машине оно растёт гораздо меньше, чем время по часам, и "
             "показывает работу; на двух ядрах время по часам не может быть меньше его половины. «До итога» — до "
             "строки «Цикл … выполнен» (отчёты готовы); документация собирается после неё.", "",
             "| | время, с | цель, с | доля цели | процессорное время, с | пик памяти, МБ |",
             "|---|---|---|---|---|---|"]
    for kind in kinds:
        walls = [p.wall for p in passes[kind]]
        lines.append(f"| **{PASS_TITLES[kind]}**: `shnor run` целиком | **{_spread(walls)}** | {TARGETS[kind]:.0f} | "
                     f"{median(walls) / TARGETS[kind]:.2f} | {_spread([p.cpu for p in passes[kind]])} | "
                     f"{max(p.peak_mb for p in passes[kind]):.0f} |")
        done = [p.done or p.until("build_reports") for p in passes[kind]]
        lines.append(f"| {PASS_TITLES[kind]}: до итога (отчёты готовы) | {_spread(done)} | {TARGETS[kind]:.0f} | "
                     f"{median(done) / TARGETS[kind]:.2f} | | |")
    lines += ["", f"`airflow db migrate` нового каталога (один раз на каталог, до первого цикла): "
                  f"{_spread(measurement['migrations'])} с.", "",
              "Разбивка по записям Airflow (`airflow/airflow.db`, таблица `task_instance`), секунды:", "",
              "| этап | " + " | ".join({"first": "первый прогон", "rerun": "повторный",
                                         "corrected": "с исправленной формой"}[kind] for kind in kinds) + " |",
              "|---|" + "---|" * len(kinds)]
    rows = [("CLI до запуска процесса Airflow (импорт, блокировка каталога)", lambda p: p.airflow_launch),
            ("**запуск Airflow**: процесс, импорт, разбор папки DAG — до первой задачи", lambda p: p.airflow_startup)]
    dags = list(dict.fromkeys(t.dag_id for p in first for t in sorted(p.tasks, key=lambda t: t.start)))
    for dag in dags:
        for task_id in dict.fromkeys(t.task_id for p in first for t in p.tasks if t.dag_id == dag):
            title = f"{dag}: `{task_id}` — {TASK_TITLES.get(task_id, task_id)}"
            rows.append((title, lambda p, task_id=task_id: p.task(task_id)))
    rows += [("Airflow между задачами и запусками DAG", lambda p: p.between_tasks),
             ("после последней задачи: завершение, итоговая сводка", lambda p: p.after_last_task)]
    for title, value in rows:
        lines.append(f"| {title} | " + " | ".join(_spread([value(p) for p in passes[kind]]) for kind in kinds) + " |")
    fixed = [p.airflow_launch + p.airflow_startup + p.between_tasks + p.after_last_task for p in first]
    lines += ["", f"- постоянные затраты оркестровки (CLI, запуск Airflow, промежутки между задачами, завершение) в "
                  f"первом прогоне: {_spread(fixed)} с — {median(fixed) / median(p.wall for p in first):.0%} цикла;"]
    lines.append("- " + "; ".join(f"{PASS_TITLES[kind]}: {median(p.wall for p in passes[kind]) / TARGETS[kind]:.2f} "
                                  f"цели {TARGETS[kind]:.0f} с" for kind in kinds) + ".")
    return lines
