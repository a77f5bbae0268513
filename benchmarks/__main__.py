"""``python -m benchmarks`` (or ``shnor benchmark``, which runs this from the clone): the cycle's stages on
synthetic regions, the honest pandas baseline, the Airflow path. A development tool: not installed with the
package, never imported by it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from benchmarks import dbt_fixed_cost, reports_speed
from benchmarks.benchmark import ScalePoint, main
from shnor import cli_russian


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="shnor benchmark",
                                     description="замеры этапов цикла на синтетических регионах и базовый вариант")
    parser.add_argument("--airflow", action="store_true",
                        help="путь пользователя: shnor run (Airflow) на демо-регионе — первый прогон, повторный без "
                             "нового и с одной исправленной формой, разбивка по записям Airflow")
    parser.add_argument("--regions", type=int, nargs="*", default=None,
                        help="число регионов по 44 МО (1 4 16 — рост); по умолчанию 1, а с --airflow — ни одного")
    parser.add_argument("--schools", type=int, default=25, help="школ в МО (регион: 44 × 25 = 1100)")
    parser.add_argument("--national", action="store_true", help="ещё и масштаб страны: 57 регионов, ~40 000 школ")
    parser.add_argument("--students", type=int, default=10_000_000, help="строк результатов участников для страны")
    parser.add_argument("--runs", type=int, default=3, help="повторов каждого замера (медиана)")
    parser.add_argument("--no-baseline", action="store_true", help="без базового варианта")
    parser.add_argument("--output", type=Path, help="дописать результаты в этот файл (BENCHMARKS.md)")
    parser.add_argument("--reports", metavar="КАТАЛОГ", help="только этап отчётов окна mph-2025 на построенном каталоге "
                        "данных (shnor demo): справка региона, справки МО в .docx и PDF, выгрузки — процессорное время")
    parser.add_argument("--dbt", action="store_true", help="только постоянная цена dbt build: процессорное время сборки "
                        "на пустых сырых таблицах (--runs сборок подряд; python -m benchmarks.dbt_fixed_cost --help)")
    return parser.parse_args(argv)


def run(argv: list[str]) -> int:
    args = parse(argv)
    if args.dbt:
        return dbt_fixed_cost.main(["--runs", str(args.runs)])
    if args.reports:
        reports_speed.report(args.reports, "mph-2025", args.runs)
        return 0
    regions = args.regions if args.regions is not None else ([] if args.airflow else [1])
    points = [ScalePoint(f"{count}× регион", count, args.schools, 0, count == 1 and not args.no_baseline)
              for count in regions]
    if args.national:
        points.append(ScalePoint("страна", 57, 16, args.students, not args.no_baseline))
    main(points, args.runs, args.output, airflow=args.airflow)
    return 0


if __name__ == "__main__":
    cli_russian.install()
    sys.exit(run(sys.argv[1:]))
