"""What dbt checks in CI (`make test`) rather than in every monitoring cycle (dbt_project/selectors.yml): the
unit tests (formulas against hand-computed inputs, in each model's YAML) and the exhaustive data tests of the
intermediate models and the seeds (selector ci_only_tests). Each runs once, here, where the code changes."""

from __future__ import annotations

import json
import subprocess

from shnor.dbt_runner import dbt_command, dbt_environment


def _run(home, *selection: str) -> list[dict]:
    completed = subprocess.run(dbt_command("test", *selection), env=dbt_environment(home), capture_output=True,
                               text=True)
    assert completed.returncode == 0, completed.stdout[-4000:]
    results = json.loads((home.dbt_artifacts / "target" / "run_results.json").read_text())["results"]
    hooks = [r for r in results if r["unique_id"].startswith("operation.")]  # the project's on-run-end hook
    assert {r["status"] for r in hooks} <= {"success"}
    return [r for r in results if r not in hooks]


def test_every_dbt_unit_test_passes(sample_cycle):
    results = _run(sample_cycle, "--select", "test_type:unit")
    assert len(results) >= 20 and {r["status"] for r in results} == {"pass"}
    assert all(r["unique_id"].startswith("unit_test.") for r in results)


def test_the_data_tests_left_out_of_the_cycle_pass_on_the_demo_data(sample_cycle):
    """The selector holds the data tests defined on intermediate models and seeds, and only those; the cycle's
    build (the default selector `cycle`) runs none of them."""
    manifest = json.loads((sample_cycle.dbt_artifacts / "target" / "manifest.json").read_text())
    results = _run(sample_cycle, "--selector", "ci_only_tests")
    nodes = [manifest["nodes"][r["unique_id"]] for r in results]
    assert len(results) >= 100 and {r["status"] for r in results} == {"pass"}
    assert {n["resource_type"] for n in nodes} == {"test"}
    assert {n["original_file_path"].split("/")[0] + ("/intermediate" if "/intermediate/" in n["original_file_path"]
                                                     else "") for n in nodes} == {"models/intermediate", "seeds"}
