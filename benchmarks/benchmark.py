"""Benchmark harness: each stage of a cycle at a chosen scale, wall time and peak memory, next to a naive
baseline doing the same file work in the same run, with the ratio. Figures, never assertions.

``shnor benchmark --regions 1 --runs 3`` generates the synthetic country (``sample_region.scale``), then
runs every measured pass in a child process that sees the generated reference overlay. Our pipeline:
ingest (read + archive + load), validate, dbt build, publish, reports. The naive baseline: every file read
with ``pandas.read_excel(engine="openpyxl")`` and walked row by row, rows inserted one at a time, GX run on
pandas file by file.
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

from benchmarks import airflow_path, naive_baseline
from sample_region.scale import generate_scaled, overlay_environment
from shnor import cycle, ingest
from shnor.dbt_runner import dbt_build
from shnor_core.settings import DataHome

OUR_STAGES = ["ingest", "validate", "dbt_build", "publish", "reports"]
BASELINE_STAGES = ["read", "load", "validate"]
STAGE_TITLES = {"read": "чтение файлов", "ingest": "приём (чтение, архив, загрузка)", "load": "загрузка",
                "validate": "проверка GX", "dbt_build": "dbt build", "publish": "публикация витрин",
                "reports": "отчёты"}


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


def run_ours(home: DataHome, monitorings: list[str]) -> list[StageResult]:
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
    return results


def run_baseline(home: DataHome, monitorings: list[str]) -> list[StageResult]:
    results: list[StageResult] = []
    with measured("read", results):
        files = naive_baseline.read_all(home, monitorings)
    with measured("load", results):
        naive_baseline.load_row_by_row(home.root / "naive.duckdb", files)
    ingest.load_reference(home)  # the raw rows GX validates, loaded outside the clock
    ingest_everything(home, monitorings)
    with measured("validate", results):
        naive_baseline.validate_file_by_file(home)
    return results


def child_main(argv: list[str]) -> None:
    """One measured pass in this process: ``ours`` or ``baseline`` over a generated home."""
    mode, root, monitorings = argv[0], Path(argv[1]), argv[2].split(",")
    home = DataHome(root)
    results = run_ours(home, monitorings) if mode == "ours" else run_baseline(home, monitorings)
    print("BENCHMARK-RESULT " + json.dumps([asdict(r) for r in results]))


def _child(mode: str, home: DataHome, monitorings: list[str], overlay: Path) -> list[StageResult]:
    env = {**os.environ, **overlay_environment(overlay), "SHNOR_HOME": str(home.root)}
    completed = subprocess.run([sys.executable, "-m", "benchmarks.benchmark", mode, str(home.root), ",".join(monitorings)],
                               env=env, capture_output=True, text=True)
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
    """Generate once, then ``runs`` passes of ours and of the baseline on fresh copies of the landing files."""
    source = DataHome(workdir / f"{point.label}-source")
    started = time.perf_counter()
    country = generate_scaled(source, point.regions, point.schools_per_municipality, point.student_rows)
    generated = time.perf_counter() - started
    ours, baseline = [], []
    for run in range(runs):
        home = DataHome(workdir / f"{point.label}-run{run}")
        shutil.copytree(source.landing, home.landing)
        ours.append({"stages": _child("ours", home, country.monitorings, country.overlay)})
        if point.baseline:
            naive = DataHome(workdir / f"{point.label}-naive{run}")
            shutil.copytree(source.landing, naive.landing)
            baseline.append({"stages": _child("baseline", naive, country.monitorings, country.overlay)})
            shutil.rmtree(naive.root)
        shutil.rmtree(home.root)
    return {"point": asdict(point), "generated_seconds": generated, "municipalities": country.municipalities,
            "schools": country.schools, "student_rows": country.student_rows, "ours": ours, "baseline": baseline}


def _stage_median(passes: list[dict], stage: str) -> tuple[float, float]:
    seconds = [next(s.seconds for s in p["stages"] if s.stage == stage) for p in passes]
    peaks = [next(s.peak_mb for s in p["stages"] if s.stage == stage) for p in passes]
    return median(seconds), max(peaks)


def summarise(measurement: dict) -> list[str]:
    """The figures of one scale point as Markdown lines."""
    point, ours = measurement["point"], measurement["ours"]
    lines = [f"### {point['label']}: {measurement['municipalities']} МО, {measurement['schools']} школ"
             + (", " + f"{measurement['student_rows']:,}".replace(",", " ") + " строк результатов участников"
                if measurement["student_rows"] else ""),
             "", f"Данные сгенерированы за {measurement['generated_seconds']:.0f} с; прогонов: {len(ours)} "
                 "(время — медиана, память — максимум).", "",
             "| этап | время, с | пик памяти, МБ |", "|---|---|---|"]
    whole = median(sum(s.seconds for s in p["stages"]) for p in ours)
    for stage in OUR_STAGES:
        seconds, peak = _stage_median(ours, stage)
        lines.append(f"| {STAGE_TITLES[stage]} | {seconds:.1f} | {peak:.0f} |")
    peak_all = max(s.peak_mb for p in ours for s in p["stages"])
    lines.append(f"| **весь цикл: от файлов до отчётов** | **{whole:.1f}** | **{peak_all:.0f}** |")
    if measurement["baseline"]:
        naive = measurement["baseline"]
        ours_files = median(sum(s.seconds for s in p["stages"] if s.stage in ("ingest", "validate")) for p in ours)
        naive_files = median(sum(s.seconds for s in p["stages"]) for p in naive)
        ours_rest = whole - ours_files
        lines += ["", "Наивный базовый вариант (тот же прогон, те же файлы):", "",
                  "| этап | время, с | пик памяти, МБ |", "|---|---|---|"]
        for stage in BASELINE_STAGES:
            seconds, peak = _stage_median(naive, stage)
            lines.append(f"| {STAGE_TITLES[stage]} (наивно) | {seconds:.1f} | {peak:.0f} |")
        lines += ["", f"- от файлов до проверенных сырых таблиц: наивно {naive_files:.1f} с, у нас {ours_files:.1f} с — "
                      f"**в {naive_files / ours_files:.1f} раза быстрее**;",
                  f"- весь цикл (наивные файловые этапы + те же dbt и отчёты): {naive_files + ours_rest:.1f} с против "
                  f"{whole:.1f} с — в {(naive_files + ours_rest) / whole:.1f} раза."]
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
