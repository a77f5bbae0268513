"""The ``shnor`` command run inside the test's own process: ``shnor.cli.main``, which the console script calls,
with the arguments, standard input, output, errors and exit code of a finished ``shnor`` process.

A new ``shnor`` process imports the whole code base (pandas, openpyxl, DuckDB, the readers and the reports) before
it parses its arguments: about 4 s of CPU on the 2-core test machine, once per call. A test about what a command
says and returns calls it here; a test about the process itself (a server it starts, a signal, a lock held by
another process) starts ``shnor`` for real."""

from __future__ import annotations

import io
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout

from shnor.cli import main


def shnor(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    """``shnor ARGS…`` with ``stdin`` as its standard input; the exit code as the process would end with it
    (argparse's refusals exit 2; a ``SystemExit`` with a message prints it and exits 1, as Python does)."""
    out, err = io.StringIO(), io.StringIO()
    given, sys.stdin = sys.stdin, io.StringIO(stdin)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exited:
                if isinstance(exited.code, str):
                    print(exited.code, file=sys.stderr)
                code = exited.code if isinstance(exited.code, int) else int(exited.code is not None)
    finally:
        sys.stdin = given
    return subprocess.CompletedProcess(["shnor", *args], code or 0, out.getvalue(), err.getvalue())
