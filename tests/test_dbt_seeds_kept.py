"""A full build whose seeds the warehouse already holds (``shnor.dbt_runner.seeds_loaded``) builds selector
``cycle_seeds_loaded``: every node of the cycle but the seeds themselves — the tests that compare a model with a
seed (``relationships`` to ``ref_*``) still run. Checked with dbt's own selection (``dbt ls``, no warehouse
needed)."""

from __future__ import annotations

import json
import subprocess
import sys

from shnor.dbt_runner import dbt_command, dbt_environment
from shnor_core.settings import DBT_PROJECT_DIR, DataHome

# both selections listed by one dbt process: the project parsed once, handed to both
_LIST_BOTH = """
import json, sys
from dbt.cli.main import dbtRunner
common = json.loads(sys.argv[1])
parsed = dbtRunner().invoke(["parse", *common, "--no-write-json"])
runner = dbtRunner(manifest=parsed.result)
listed = {}
for selector in ("cycle", "cycle_seeds_loaded"):
    result = runner.invoke(["ls", *common, "--selector", selector, "--resource-type", "all", "--output", "json",
                            "--output-keys", "unique_id", "--quiet"])
    listed[selector] = [json.loads(line)["unique_id"] for line in result.result]
print(json.dumps(listed))
"""


def test_cycle_with_loaded_seeds_is_the_cycle_without_its_seeds(tmp_path):
    completed = subprocess.run([sys.executable, "-c", _LIST_BOTH, json.dumps(dbt_command()[1:])],
                               env=dbt_environment(DataHome(tmp_path)), capture_output=True, text=True)
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    listed = {selector: set(nodes) for selector, nodes in json.loads(completed.stdout.splitlines()[-1]).items()}
    seeds = {f"seed.shnor.{path.stem}" for path in (DBT_PROJECT_DIR / "seeds").glob("*.csv")}
    assert len(seeds) == 21  # the files of dbt_project/seeds, counted by hand
    assert listed["cycle"] - listed["cycle_seeds_loaded"] == seeds
    assert listed["cycle_seeds_loaded"] < listed["cycle"]
    # the tests that check a model against a seed stay, e.g. every row fate's code is a known reason
    assert any(node.startswith("test.shnor.relationships_mart_row_fates_fate_code__fate_code__ref_row_fate_reasons_")
               for node in listed["cycle_seeds_loaded"])
