"""The DAGs of a cycle, one after another, in ONE process (``python -m shnor.dag_runner DAG_ID… [--conf
JSON] [--logical-date DATE] [--pause-before DAG_ID --pause-file PATH]``): what ``airflow dags test`` does for one DAG, without paying Airflow's start-up and the DAG folder's
parsing once per DAG. Run by ``shnor.airflow_local.run_cycle`` with the home's Airflow environment; its
output is the run's log. Exits non-zero at the first DAG run that did not succeed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="shnor.dag_runner")
    parser.add_argument("dag_ids", nargs="+")
    parser.add_argument("--conf", default=None)
    parser.add_argument("--logical-date", default=None, help="the runs' logical date (a scheduled run)")
    parser.add_argument("--pause-before", default=None, help="before this DAG, create --pause-file and wait for a line "
                                                             "on standard input (the caller's turn)")
    parser.add_argument("--pause-file", default=None)
    options = parser.parse_args(argv)
    # Airflow is imported here, in the child the runner is started as: the CLI process never imports it
    from airflow._shared.timezones.timezone import parse  # noqa: PLC0415
    from airflow.cli.commands.dag_command import dag_test  # noqa: PLC0415

    logical_date = parse(options.logical_date) if options.logical_date else None

    for dag_id in options.dag_ids:
        if dag_id == options.pause_before and options.pause_file:
            Path(options.pause_file).touch()
            sys.stdin.readline()  # the caller's line, or its end: go on
        try:
            dag_test(argparse.Namespace(conf=options.conf, logical_date=logical_date, use_executor=False,
                                        mark_success_pattern=None, bundle_name=None, dag_id=dag_id, dagfile_path=None,
                                        show_dagrun=False, imgcat_dagrun=False, save_dagrun=None))
        except SystemExit as failed:  # "DagRun failed": the tasks' logs above say why
            print(f"shnor.dag_runner: {dag_id}: {failed}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
