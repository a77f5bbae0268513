"""CPU time of a cycle's reports stage on a built home: ``reports.cycle_reports.write_reports`` (regional note,
the municipal notes in .docx and PDF, the workbooks), the note workers' CPU included.

It runs in a process of its own, so the workers the notes are shared among are reaped when it ends and their
CPU counts (``RUSAGE_CHILDREN``); the set-up (imports, reading the marts) is measured apart and left out.

    shnor benchmark --reports $SHNOR_HOME [--runs 3]
    python -m benchmarks.reports_speed $SHNOR_HOME [--monitoring mph-2025] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from statistics import median

_CHILD = """
import json, os, sys, time
from pathlib import Path
setup = os.times()
from reports.cycle_reports import write_reports
from reports.provenance import provenance
from reports.regional_note import CycleMarts
from shnor_core.settings import DataHome
home = DataHome(Path(sys.argv[1]))
marts, origin = CycleMarts(home, sys.argv[2]), provenance(home, sys.argv[2])
before = os.times()
started = time.perf_counter()
write_reports(marts, origin)
after = os.times()
print(json.dumps({"setup": before.user + before.system - setup.user - setup.system,
                  "own": after.user + after.system - before.user - before.system,
                  "wall": time.perf_counter() - started}))
"""


def measure(home: str, monitoring_id: str) -> dict:
    """One pass: CPU seconds of the reports stage (this process and its note workers) and its wall time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([sys.executable, "-c", _CHILD, home, monitoring_id], capture_output=True, text=True, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    child = json.loads(done.stdout.strip().splitlines()[-1])
    total = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return {"cpu": total - child["setup"], "own": child["own"], "wall": child["wall"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("home")
    parser.add_argument("--monitoring", default="mph-2025")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    report(args.home, args.monitoring, args.runs)


def report(home: str, monitoring_id: str, runs: int) -> None:
    """``runs`` passes, their median and range printed (``shnor benchmark --reports HOME`` too)."""
    passes = [measure(home, monitoring_id) for _ in range(runs)]
    for key, title in (("cpu", "процессорное время этапа отчётов (с рабочими процессами справок)"),
                       ("own", "из него в основном процессе"), ("wall", "по часам")):
        values = [p[key] for p in passes]
        print(f"{title}: медиана {median(values):.2f} с ({min(values):.2f}–{max(values):.2f}, прогонов {len(values)})")
    print(time.strftime("замер %Y-%m-%d %H:%M UTC", time.gmtime()))


if __name__ == "__main__":
    main()
