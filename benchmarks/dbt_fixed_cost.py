"""``python -m benchmarks.dbt_fixed_cost`` (``shnor benchmark --dbt``): the CPU-seconds of ``dbt build`` on empty
raw tables — dbt's fixed cost, which every cycle and every test that builds pays whatever the data.

A fresh data home gets the reference tables only (``shnor.ingest.load_reference``: form catalogues, calendars,
every raw table empty), then ``shnor.dbt_runner.dbt_build`` runs ``--runs`` times in a child process each; the
figure is that child's CPU time with the dbt processes it waited for (user + system), not the clock: on a shared,
loaded machine the clock measures the neighbours. The first build starts from the per-user parse cache (as a
fresh home does); the later ones from the home's own parse, as a cycle's rebuild does.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_SETUP = """
import sys
from pathlib import Path
from shnor.ingest import load_reference
from shnor_core.settings import DataHome
load_reference(DataHome(Path(sys.argv[1])))
"""

_BUILD = """
import json, sys
from pathlib import Path
from shnor.dbt_runner import dbt_build
from shnor_core.settings import DataHome
result = dbt_build(DataHome(Path(sys.argv[1])))
print(json.dumps({"statuses": result["dbt_results"], "nodes": result["nodes"]}))
"""


def child_cpu(argv: list[str], environment: dict[str, str]) -> tuple[float, float, str]:
    """CPU-seconds (user + system of the child and the processes it waited for), wall seconds and stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    completed = subprocess.run(argv, env=environment, check=True, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, time.monotonic() - started, completed.stdout


def measure(runs: int, threads: int | None) -> list[float]:
    environment = dict(os.environ)
    if threads:
        environment["SHNOR_DBT_THREADS"] = str(threads)
    cpu_seconds = []
    with tempfile.TemporaryDirectory(prefix="shnor-dbt-cost-") as folder:
        home = str(Path(folder) / "home")
        subprocess.run([sys.executable, "-c", _SETUP, home], env=environment, check=True)
        for run in range(runs):
            cpu, wall, stdout = child_cpu([sys.executable, "-c", _BUILD, home], environment)
            built = json.loads(stdout.strip().splitlines()[-1])
            print(f"сборка {run + 1}{f' (потоков: {threads})' if threads else ''}: {cpu:.1f} с CPU, {wall:.1f} с по "
                  f"часам, узлов {built['nodes']} {built['statuses']}", flush=True)
            cpu_seconds.append(cpu)
    return cpu_seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="shnor benchmark --dbt",
                                     description="процессорное время dbt build на пустых сырых таблицах")
    parser.add_argument("--runs", type=int, default=3, help="сборок подряд на одном каталоге")
    parser.add_argument("--threads", type=int, nargs="*", default=[0],
                        help="потоки dbt (по очереди; 0 — как в профиле)")
    args = parser.parse_args(argv)
    for threads in args.threads:
        cpu = measure(args.runs, threads or None)
        print(f"итого{f' (потоков: {threads})' if threads else ''}: {', '.join(f'{c:.1f}' for c in cpu)} с CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
