"""The dbt unit tests (formulas against hand-computed inputs, in each model's YAML) pass. They are left out of
the monitoring cycle's builds (dbt_project/selectors.yml) and run here, where the code changes."""

from __future__ import annotations

import json
import subprocess

from shnor.dbt_runner import dbt_command, dbt_environment


def test_every_dbt_unit_test_passes(sample_cycle):
    completed = subprocess.run(dbt_command("test", "--select", "test_type:unit"), env=dbt_environment(sample_cycle),
                               capture_output=True, text=True)
    assert completed.returncode == 0, completed.stdout[-4000:]
    results = json.loads((sample_cycle.dbt_artifacts / "target" / "run_results.json").read_text())["results"]
    assert len(results) >= 20 and {r["status"] for r in results} == {"pass"}
    assert all(r["unique_id"].startswith("unit_test.") for r in results)
