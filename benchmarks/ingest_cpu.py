"""``python -m benchmarks.ingest_cpu``: CPU-seconds of taking the demo region's files in (reference, school
data, the window's forms: hash, archive, read, record; no GX, no dbt), first run and a rerun with nothing new.

CPU time (user + system of the ingesting process and the reader workers it waited for), not the clock: on a
shared, loaded machine the clock measures the neighbours. Each run ingests a fresh copy of the same landing
folder, so runs compare the code, not the files.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_INGEST = """
import sys
from pathlib import Path
from shnor.ingest import ingest_school_data, ingest_submissions, load_reference
from shnor_core.settings import DataHome
home = DataHome(Path(sys.argv[1]))
load_reference(home)
ingest_school_data(home)
ingest_submissions(home, sys.argv[2])
"""


def _child_cpu(argv: list[str]) -> tuple[float, float]:
    """CPU-seconds and wall seconds of one child process (and the children it waited for)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    subprocess.run(argv, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description="CPU-секунды приёма файлов демо-региона")
    parser.add_argument("--monitoring", default="mph-2025")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="shnor-ingest-cpu-") as folder:
        source = Path(folder) / "source"
        subprocess.run([sys.executable, "-m", "shnor.cli", "--home", str(source), "sample-region",
                        "--monitoring", args.monitoring], check=True, stdout=subprocess.DEVNULL)
        files = sum(1 for p in (source / "landing").rglob("*") if p.is_file() and not p.name.startswith("."))
        print(f"файлов в landing: {files}")
        for run in range(args.runs):
            home = Path(folder) / f"run{run}"
            shutil.copytree(source, home, symlinks=True)
            first = _child_cpu([sys.executable, "-c", _INGEST, str(home), args.monitoring])
            rerun = _child_cpu([sys.executable, "-c", _INGEST, str(home), args.monitoring])
            print(f"прогон {run + 1}: первый приём {first[0]:.1f} с CPU ({first[1]:.1f} с по часам), "
                  f"повтор без нового {rerun[0]:.1f} с CPU ({rerun[1]:.1f} с по часам)", flush=True)
            shutil.rmtree(home)
    return 0


if __name__ == "__main__":
    sys.exit(main())
