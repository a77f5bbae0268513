"""The DAGs of a cycle, one after another, in ONE process (``python -m shnor.dag_runner DAG_ID… [--conf
JSON] [--conf-of DAG_ID JSON]… [--logical-date DATE] [--pause-before DAG_ID]… [--pause-file PATH]``): what
``airflow dags test`` does for one DAG, without paying Airflow's start-up once per DAG. Before each DAG named
by ``--pause-before`` it writes that DAG's id into the pause file and waits for a line on standard input. Run
by ``shnor.airflow_local.run_dags`` with the home's Airflow environment; its output is the run's log. Exits non-zero at the first DAG run that did not succeed.
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
    parser.add_argument("--conf-of", nargs=2, action="append", default=[], metavar=("DAG_ID", "JSON"),
                        help="this DAG's own conf, in place of --conf (null: none)")
    parser.add_argument("--pause-before", action="append", default=[],
                        help="before this DAG, write its id into --pause-file and wait for a line on standard "
                             "input (the caller's turn)")
    parser.add_argument("--pause-file", default=None)
    options = parser.parse_args(argv)
    # Airflow is imported here, in the child the runner is started as: the CLI process never imports it
    from airflow._shared.timezones.timezone import parse  # noqa: PLC0415
    from airflow.cli.commands.dag_command import dag_test  # noqa: PLC0415

    logical_date = parse(options.logical_date) if options.logical_date else None
    confs = {dag_id: None if conf == "null" else conf for dag_id, conf in options.conf_of}

    for dag_id in options.dag_ids:
        if dag_id in options.pause_before and options.pause_file:
            staged = Path(f"{options.pause_file}.part")
            staged.write_text(dag_id, encoding="utf-8")
            staged.replace(options.pause_file)  # whole: the caller reads the id as soon as the file is there
            sys.stdin.readline()  # the caller's line, or its end: go on
        try:
            dag_test(argparse.Namespace(conf=confs.get(dag_id, options.conf), logical_date=logical_date,
                                        use_executor=False, mark_success_pattern=None, bundle_name=None, dag_id=dag_id,
                                        dagfile_path=None, show_dagrun=False, imgcat_dagrun=False, save_dagrun=None))
        except SystemExit as failed:  # "DagRun failed": the tasks' logs above say why
            print(f"shnor.dag_runner: {dag_id}: {failed}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
