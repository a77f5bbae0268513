"""``python -m sample_region`` (run by ``shnor sample-region`` and ``shnor demo``): write the demo region's landing
files. Its own entry, so that the command line runs the generator without importing it: orchestration never depends
on demo data (tests/test_layers.py)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sample_region.generator import DEFAULT_MONITORING, DEFAULT_SEED, generate_sample_region
from shnor_core.settings import DataHome


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="shnor sample-region", description="файлы демонстрационного региона")
    parser.add_argument("--home", help="каталог данных (по умолчанию $SHNOR_HOME или ./var)")
    parser.add_argument("--monitoring", default=DEFAULT_MONITORING, help="идентификатор мониторинга из календаря")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="зерно генератора (те же файлы при том же)")
    args = parser.parse_args(argv)
    home = DataHome(Path(args.home).resolve()) if args.home else DataHome.from_env()
    region = generate_sample_region(home, args.monitoring, args.seed)
    print(f"Демонстрационный регион: {len(region.submissions)} форм, {len(region.schools)} школ")
    print(f"  формы:  {region.submissions[0].parent}")
    print(f"  ОО-1:   {region.context_file}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
