"""Benchmark harness: each stage of a cycle at a chosen scale, wall time and peak memory, next to the honest
baseline doing the same work on the same files in the same run, with the ratios. Figures, never assertions.

``shnor benchmark --regions 1 --runs 3`` generates the synthetic country (``sample_region.scale``), then
runs every measured pass in a child process that sees the generated reference overlay. Our pipeline:
ingest (read + archive + load), validate, dbt build, publish, reports. The baseline
(``benchmarks.pandas_baseline``): what an analyst writes without this project — ``pandas.read_excel`` per file
and one concat per kind, pandas checks standing for our GX suites, the marts with pandas groupby/merge, and the
same reports written by the same report code from those frames. Its marts are checked equal to ours in the
run (first pass), and our fixed start-up (Airflow process, dbt, GX) is measured on its own.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from statistics import median

import pandas as pd

from benchmarks import airflow_path, pandas_baseline
from reports.regional_note import CycleMarts
from sample_region.scale import generate_scaled, overlay_environment
from shnor import cycle, ingest
from shnor.airflow_local import airflow_environment
from shnor.dbt_runner import dbt_build, dbt_command, dbt_environment
from shnor.validation import _gx as gx_context
from shnor.validation import _suite as gx_suite
from shnor_core.settings import DAGS_DIR, DataHome
from shnor_core.sources import SOURCE_KINDS

OUR_STAGES = ["ingest", "validate", "dbt_build", "publish", "reports"]
SAME_DATA_STAGES = ["ingest", "validate", "dbt_build_same"]  # our data stages on the baseline's work (its marts only)
OUR_REPORT_STAGES = {"reports"}  # every other stage of ours is a data stage (read, validate, transform to marts)
BASELINE_STAGES = ["read", "validate", "transform", "reports"]
BASELINE_DATA_STAGES = ["read", "validate", "transform"]
STAGE_TITLES = {"ingest": "приём (чтение, архив, загрузка)", "validate": "проверка GX", "dbt_build": "dbt build",
                "publish": "публикация витрин", "reports": "отчёты"}
BASELINE_TITLES = {"read": "чтение: pandas.read_excel (openpyxl) по файлу, одна concat на вид",
                   "validate": "проверка: правила наборов GX условиями pandas",
                   "transform": "витрины: pandas groupby/merge", "reports": "отчёты: тот же код отчётов"}


@dataclass
class StageResult:
    stage: str
    seconds: float
    peak_mb: float


def _rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _children_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


@contextmanager
def measured(stage: str, results: list[StageResult]):
    """Wall time and the peak resident memory of this process (sampled) or of a child it waited for."""
    peak = [_rss_mb()]
    stop = threading.Event()

    def sample():
        while not stop.wait(0.02):
            peak[0] = max(peak[0], _rss_mb())

    sampler = threading.Thread(target=sample, daemon=True)
    children_before = _children_peak_mb()
    sampler.start()
    started = time.perf_counter()
    try:
        yield
    finally:
        seconds = time.perf_counter() - started
        stop.set()
        sampler.join()
        children = _children_peak_mb()
        results.append(StageResult(stage, seconds, max(peak[0], children if children > children_before else 0)))


def ingest_everything(home: DataHome, monitorings: list[str]) -> None:
    for monitoring_id in monitorings:
        ingest.ingest_submissions(home, monitoring_id)
    ingest.ingest_context(home)
    ingest.ingest_school_data(home)


def run_ours(home: DataHome, monitorings: list[str], same_marts: bool = False) -> list[StageResult]:
    """Our stages in this process; with ``same_marts`` (a point with the baseline), also — after the cycle, timed
    apart and outside the whole cycle — ``dbt build`` of only the marts the baseline computes, with their upstream
    models and tests, so the data stages are compared on the same work."""
    results: list[StageResult] = []
    ingest.load_reference(home)
    with measured("ingest", results):
        ingest_everything(home, monitorings)
    with measured("validate", results):
        ingest.validate_pending(home)
    with measured("dbt_build", results):
        dbt_build(home)
    with measured("publish", results):
        cycle.publish_marts(home)
    with measured("reports", results):
        for monitoring_id in monitorings:
            cycle.build_reports(home, monitoring_id)
    if same_marts:
        with measured("dbt_build_same", results):
            dbt_build(home, select=[f"+{name}" for name in pandas_baseline.REPRODUCED_MARTS])
    return results


BASELINE_MARTS = "baseline_marts.pickle"  # the baseline's marts, kept in its home for the equality check


def run_baseline(home: DataHome, monitorings: list[str], ours: DataHome) -> list[StageResult]:
    """The honest baseline over the same landed files (``benchmarks.pandas_baseline``), reports included; the
    marts it does not reproduce (``pandas_baseline.NOT_REPRODUCED``) are read from our run of the same files
    (``ours``) before its clock starts."""
    borrowed = {monitoring_id: CycleMarts(ours, monitoring_id) for monitoring_id in monitorings}
    results: list[StageResult] = []
    with measured("read", results):
        reference = pandas_baseline.load_reference()
        sources = pandas_baseline.read_all(home, pandas_baseline.cycle_monitorings(monitorings, reference), reference)
    with measured("validate", results):
        pandas_baseline.validate(sources)
    with measured("transform", results):
        marts = pandas_baseline.build_marts(sources, reference)
    with measured("reports", results):
        for monitoring_id in monitorings:
            pandas_baseline.write_reports(home, monitoring_id, marts, reference, borrowed[monitoring_id])
    pd.to_pickle(marts, home.root / BASELINE_MARTS)  # outside the clock
    return results


def measure_startup(home: DataHome) -> list[StageResult]:
    """Our fixed start-up, each in a fresh process or on no data: the Airflow process that runs the cycle's DAGs
    (interpreter, Airflow import, the DAG folder parsed), dbt's process alone, a whole ``dbt build`` of the project
    on empty raw tables, and Great Expectations' import with its context and suites."""
    results: list[StageResult] = []
    parse_dags = ("from airflow.dag_processing.dagbag import DagBag; import sys; "
                  "bag = DagBag(dag_folder=sys.argv[1]); assert not bag.import_errors, bag.import_errors")
    with measured("airflow_start", results):
        subprocess.run([sys.executable, "-c", parse_dags, str(DAGS_DIR)], env=airflow_environment(home), check=True,
                       capture_output=True)
    with measured("dbt_start", results):
        subprocess.run([dbt_command()[0], "--version"], env=dbt_environment(home), check=True, capture_output=True)
    ingest.load_reference(home)  # the raw tables, empty
    with measured("dbt_empty", results):
        dbt_build(home)
    with measured("gx_start", results):  # this process has not imported GX yet
        gx_context()
        for kind in SOURCE_KINDS.values():
            gx_suite(kind.suite)
    return results


STARTUP_TITLES = {"airflow_start": "процесс Airflow: запуск, импорт, разбор папки DAG (один на цикл `shnor run`)",
                  "dbt_start": "процесс dbt: запуск без работы (`dbt --version`)",
                  "dbt_empty": "`dbt build` всего проекта на пустых сырых таблицах",
                  "gx_start": "Great Expectations: импорт, контекст и наборы"}


def child_main(argv: list[str]) -> None:
    """One measured pass in this process: ``ours``, ``baseline`` or ``startup`` over a generated home."""
    mode, root, monitorings, other = argv[0], Path(argv[1]), argv[2].split(","), (argv[3:] or [""])[0]
    home = DataHome(root)
    passes = {"ours": lambda home, m: run_ours(home, m, same_marts=other == "same-marts"),
              "baseline": lambda home, m: run_baseline(home, m, DataHome(Path(other))),
              "startup": lambda home, _: measure_startup(home)}
    results = passes[mode](home, monitorings)
    print("BENCHMARK-RESULT " + json.dumps([asdict(r) for r in results]))


def _child(mode: str, home: DataHome, monitorings: list[str], overlay: Path, other: str = "") -> list[StageResult]:
    env = {**os.environ, **overlay_environment(overlay), "SHNOR_HOME": str(home.root)}
    completed = subprocess.run([sys.executable, "-m", "benchmarks.benchmark", mode, str(home.root), ",".join(monitorings),
                                *([other] if other else [])], env=env, capture_output=True, text=True,
                               cwd=Path(__file__).resolve().parents[1])  # benchmarks/ is not installed: run from the clone
    line = next((l for l in completed.stdout.splitlines() if l.startswith("BENCHMARK-RESULT ")), None)
    if completed.returncode != 0 or line is None:
        raise RuntimeError(f"benchmark pass {mode} failed:\n{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}")
    return [StageResult(**r) for r in json.loads(line.removeprefix("BENCHMARK-RESULT "))]


@dataclass
class ScalePoint:
    label: str
    regions: int
    schools_per_municipality: int
    student_rows: int
    baseline: bool


def measure(point: ScalePoint, runs: int, workdir: Path) -> dict:
    """Generate once, then ``runs`` passes of ours and of the baseline on fresh copies of the landing files; the
    first pass's marts compared, ours against the baseline's; our fixed start-up measured once."""
    source = DataHome(workdir / f"{point.label}-source")
    started = time.perf_counter()
    country = generate_scaled(source, point.regions, point.schools_per_municipality, point.student_rows)
    generated = time.perf_counter() - started
    ours, baseline, equality = [], [], None
    for run in range(runs):
        home = DataHome(workdir / f"{point.label}-run{run}")
        shutil.copytree(source.landing, home.landing)
        ours.append({"stages": _child("ours", home, country.monitorings, country.overlay,
                                      "same-marts" if point.baseline else "")})
        if point.baseline:
            other = DataHome(workdir / f"{point.label}-baseline{run}")
            shutil.copytree(source.landing, other.landing)
            baseline.append({"stages": _child("baseline", other, country.monitorings, country.overlay,
                                              str(home.root))})
            if equality is None:
                equality = marts_equality(other, home, country)
            shutil.rmtree(other.root)
        shutil.rmtree(home.root)
    startup = DataHome(workdir / f"{point.label}-startup")
    fixed = _child("startup", startup, country.monitorings, country.overlay)
    shutil.rmtree(startup.root, ignore_errors=True)
    return {"point": asdict(point), "generated_seconds": generated, "municipalities": country.municipalities,
            "schools": country.schools, "student_rows": country.student_rows, "ours": ours, "baseline": baseline,
            "equality": equality, "startup": fixed}


def marts_equality(baseline: DataHome, ours: DataHome, country) -> dict:
    """The baseline's marts against ours from the same files: for each mart it computes, what differs."""
    marts = pd.read_pickle(baseline.root / BASELINE_MARTS)
    monitorings = pandas_baseline.cycle_monitorings(country.monitorings, pandas_baseline.load_reference(
        Path(overlay_environment(country.overlay)["SHNOR_DBT_PROJECT_DIR"]) / "seeds",
        Path(overlay_environment(country.overlay)["SHNOR_CALENDARS_DIR"])))
    differences = pandas_baseline.compare_with_warehouse(marts, ours.warehouse, monitorings)
    return {"marts": len(marts), "rows": int(sum(len(frame) for frame in marts.values())),
            "differing": {name: found for name, found in differences.items() if found}}


def _stage_median(passes: list[dict], stage: str) -> tuple[float, float]:
    seconds = [next(s.seconds for s in p["stages"] if s.stage == stage) for p in passes]
    peaks = [next(s.peak_mb for s in p["stages"] if s.stage == stage) for p in passes]
    return median(seconds), max(peaks)


def _total(passes: list[dict], stages) -> float:
    return median(sum(s.seconds for s in p["stages"] if s.stage in stages) for p in passes)


def _times(baseline: float, ours: float) -> str:
    """How we compare with the baseline, in words: faster or slower, and by how much."""
    if ours <= baseline:
        return f"у нас **в {baseline / ours:.1f} раза быстрее**"
    return f"у нас **в {ours / baseline:.1f} раза медленнее**"


def summarise(measurement: dict) -> list[str]:
    """The figures of one scale point as Markdown lines."""
    point, ours = measurement["point"], measurement["ours"]
    lines = [f"### {point['label']}: {measurement['municipalities']} МО, {measurement['schools']} школ"
             + (", " + f"{measurement['student_rows']:,}".replace(",", " ") + " строк результатов участников"
                if measurement["student_rows"] else ""),
             "", f"Данные сгенерированы за {measurement['generated_seconds']:.0f} с; прогонов: {len(ours)} "
                 "(время — медиана, память — максимум).", "",
             "| этап | время, с | пик памяти, МБ |", "|---|---|---|"]
    whole = _total(ours, OUR_STAGES)
    for stage in OUR_STAGES:
        seconds, peak = _stage_median(ours, stage)
        lines.append(f"| {STAGE_TITLES[stage]} | {seconds:.1f} | {peak:.0f} |")
    peak_all = max(s.peak_mb for p in ours for s in p["stages"] if s.stage in OUR_STAGES)
    lines.append(f"| **весь цикл: от файлов до отчётов** | **{whole:.1f}** | **{peak_all:.0f}** |")
    if measurement["baseline"]:
        lines += _baseline_lines(measurement, whole)
    if measurement.get("startup"):
        lines += _startup_lines(measurement["startup"], whole)
    return lines


def _baseline_lines(measurement: dict, whole: float) -> list[str]:
    ours, other = measurement["ours"], measurement["baseline"]
    lines = ["", "Базовый вариант аналитика (`benchmarks/pandas_baseline.py`; тот же прогон, те же файлы, те же отчёты):", "",
             "| этап | время, с | пик памяти, МБ |", "|---|---|---|"]
    for stage in BASELINE_STAGES:
        seconds, peak = _stage_median(other, stage)
        lines.append(f"| {BASELINE_TITLES[stage]} | {seconds:.1f} | {peak:.0f} |")
    other_whole = _total(other, BASELINE_STAGES)
    lines.append(f"| **весь цикл** | **{other_whole:.1f}** | **{max(s.peak_mb for p in other for s in p['stages']):.0f}** |")
    ours_data, other_data = _total(ours, SAME_DATA_STAGES), _total(other, BASELINE_DATA_STAGES)
    ours_reports, other_reports = _total(ours, OUR_REPORT_STAGES), _total(other, ["reports"])
    same_build, _ = _stage_median(ours, "dbt_build_same")
    not_reproduced = ", ".join(f"`{name}`" for name in pandas_baseline.NOT_REPRODUCED)
    lines += ["", f"**Что базовый вариант не воспроизводит** (и потому ни в одном отношении ниже не участвует): "
                  f"{not_reproduced} — письмо региона, сверки, вычисленный список, дорожные карты и люди. Для тех же "
                  "документов его отчёты берут эти таблицы из наших витрин тех же файлов (прочитаны до его замера); "
                  "наши данные сравниваются с ним по той же работе: приём, проверка и `dbt build` только "
                  f"{len(pandas_baseline.REPRODUCED_MARTS)} витрин, которые он считает, с их моделями-источниками "
                  f"и тестами ({same_build:.1f} с против {_stage_median(ours, 'dbt_build')[0]:.1f} с у полного "
                  "`dbt build`).", "",
              f"- данные (чтение, проверка, те же витрины): базовый {other_data:.1f} с, у нас {ours_data:.1f} с — "
              f"{_times(other_data, ours_data)} (цель на масштабе страны — в 5 раз быстрее);",
              f"- отчёты (те же документы, те же библиотеки): базовый {other_reports:.1f} с, у нас {ours_reports:.1f} с — "
              f"{ours_reports / other_reports:.2f} от базового (цель — не более 1,2);",
              f"- весь цикл: базовый {other_whole:.1f} с (без витрин, которых он не считает), у нас {whole:.1f} с "
              f"(все витрины) — {_times(other_whole, whole)}; на той же работе (наш `dbt build` только тех же витрин): "
              f"{ours_data + ours_reports:.1f} с — {_times(other_whole, ours_data + ours_reports)}."]
    equality = measurement.get("equality")
    if equality:
        if equality["differing"]:
            lines.append(f"- **витрины базового варианта НЕ совпали с нашими** в {len(equality['differing'])} из "
                         f"{equality['marts']}: " + "; ".join(f"{name}: {found[0]}" for name, found in equality["differing"].items()))
        else:
            rows = f"{equality['rows']:,}".replace(",", "\u00a0")
            lines.append(f"- витрины базового варианта сверены с нашими в этом прогоне: {equality['marts']} витрин, "
                         f"{rows} строк — совпали (строки без учёта порядка, числа с точностью 1e-9).")
    return lines


def _share(part: float, whole: float) -> str:
    return f"{100 * part / whole:.0f} %"


def _startup_lines(startup: list[StageResult], whole: float) -> list[str]:
    seconds = {s.stage: s.seconds for s in startup}
    fixed = seconds["dbt_empty"] + seconds["gx_start"]
    lines = ["", "Постоянные затраты запуска (не зависят от объёма данных; замерены отдельно, на пустых данных):", "",
             "| что | время, с | доля нашего цикла |", "|---|---|---|"]
    for stage in ("airflow_start", "dbt_start", "dbt_empty", "gx_start"):
        lines.append(f"| {STARTUP_TITLES[stage]} | {seconds[stage]:.1f} | {_share(seconds[stage], whole)} |")
    lines += ["", f"dbt без данных и запуск GX вместе — {fixed:.1f} с, {_share(fixed, whole)} нашего цикла "
                  f"({whole:.1f} с); запуск процесса Airflow ({seconds['airflow_start']:.1f} с) добавляется к циклу, "
                  "запущенному через Airflow (`shnor run`)."]
    return lines


def machine_description() -> str:
    cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines()
                if l.startswith("model name")), platform.processor())
    memory = next(int(l.split()[1]) for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal"))
    return (f"{cpu}; {os.cpu_count()} ядра; {memory / 2**20:.0f} ГиБ памяти; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}")


def code_version() -> str:
    """The commit measured (and whether the work tree had changes besides it)."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=Path(__file__).resolve().parents[1], capture_output=True,
                              text=True).stdout.strip()
    commit = git("rev-parse", "--short", "HEAD") or "неизвестен"
    return commit + (" (с незафиксированными изменениями)" if git("status", "--porcelain", "--untracked-files=no") else "")


def main(points: list[ScalePoint], runs: int, output: Path | None, workdir: Path | None = None,
         airflow: bool = False) -> str:
    """Measure the Airflow path (``airflow``) and each scale point; the figures as Markdown, appended to ``output``."""
    workdir = workdir or Path(tempfile.mkdtemp(prefix="shnor-benchmark-"))
    lines = [f"## Замеры {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC", "",
             f"Машина: {machine_description()}. Код: {code_version()}.", ""]
    try:
        if airflow:
            summary = airflow_path.summarise(airflow_path.measure(runs, workdir))
            lines += summary + [""]
            print("\n".join(summary), flush=True)
        for point in points:
            measurement = measure(point, runs, workdir)
            lines += summarise(measurement) + [""]
            print("\n".join(summarise(measurement)), flush=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    text = "\n".join(lines)
    if output:
        previous = output.read_text(encoding="utf-8") if output.exists() else ""
        output.write_text((previous.rstrip() + "\n\n" if previous else "") + text + "\n", encoding="utf-8")
    return text


if __name__ == "__main__":
    child_main(sys.argv[1:])
