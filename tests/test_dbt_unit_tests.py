"""What dbt checks in CI (`make test`) rather than in every monitoring cycle (dbt_project/selectors.yml): the
unit tests (formulas against hand-computed inputs, in each model's YAML) and the exhaustive data tests of the
intermediate models and the seeds (selector ci_only_tests). Each runs once, here, where the code changes — both
`dbt test` runs in one dbt process that parses the project once (dbt's programmatic runner, as
shnor.dbt_runner runs the freshness check and the build)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from shnor.dbt_runner import dbt_command, dbt_environment

RUNS = {"unit": ["--select", "test_type:unit"], "ci_only": ["--selector", "ci_only_tests"]}
_TESTS_IN_ONE_PROCESS = """
import json, sys
from pathlib import Path
from dbt.cli.main import dbtRunner
common, runs, out = json.loads(sys.argv[1])
parsed = dbtRunner().invoke(["parse", *common, "--no-write-json"])
runner = dbtRunner(manifest=parsed.result)
found = {}
for name, selection in runs.items():
    done = runner.invoke(["test", *common, *selection])
    found[name] = {"success": done.success, "results": [
        {"unique_id": r.node.unique_id, "status": getattr(r.status, "value", str(r.status))}
        for r in (done.result.results if done.result is not None else [])]}
Path(out).write_text(json.dumps(found))
"""


@pytest.fixture(scope="module")
def tested(sample_cycle, tmp_path_factory) -> dict[str, list[dict]]:
    out = tmp_path_factory.mktemp("dbt-tests") / "results.json"
    completed = subprocess.run([sys.executable, "-c", _TESTS_IN_ONE_PROCESS,
                                json.dumps([dbt_command()[1:], RUNS, str(out)])],
                               env=dbt_environment(sample_cycle), capture_output=True, text=True)
    assert completed.returncode == 0 and out.is_file(), (completed.stdout[-4000:], completed.stderr[-2000:])
    found = json.loads(out.read_text())
    runs = {}
    for name, run in found.items():
        assert run["success"], (name, completed.stdout[-4000:])
        hooks = [r for r in run["results"] if r["unique_id"].startswith("operation.")]  # the on-run-end hook
        assert {r["status"] for r in hooks} <= {"success"}
        runs[name] = [r for r in run["results"] if r not in hooks]
    return runs


def test_every_dbt_unit_test_passes(tested):
    results = tested["unit"]
    assert len(results) >= 20 and {r["status"] for r in results} == {"pass"}
    assert all(r["unique_id"].startswith("unit_test.") for r in results)


def test_the_data_tests_left_out_of_the_cycle_pass_on_the_demo_data(sample_cycle, tested):
    """The selector holds the data tests defined on intermediate models and seeds, and only those; the cycle's
    build (the default selector `cycle`) runs none of them."""
    manifest = json.loads((sample_cycle.dbt_artifacts / "target" / "manifest.json").read_text())
    results = tested["ci_only"]
    nodes = [manifest["nodes"][r["unique_id"]] for r in results]
    assert len(results) >= 100 and {r["status"] for r in results} == {"pass"}
    assert {n["resource_type"] for n in nodes} == {"test"}
    assert {n["original_file_path"].split("/")[0] + ("/intermediate" if "/intermediate/" in n["original_file_path"]
                                                     else "") for n in nodes} == {"models/intermediate", "seeds"}
