"""The benchmark harness at a small size, as a smoke test: it runs every stage of ours and of the pandas
baseline, checks the baseline's marts against ours from the same files, measures our fixed start-up and prints
the figures. No timing is asserted — machines here are shared and noisy."""

from __future__ import annotations

import pytest

from benchmarks.benchmark import BASELINE_TITLES, STAGE_TITLES, STARTUP_TITLES, ScalePoint, main

# A development tool's smoke test (issue 31): `make benchmark-smoke`, not `make test` — the baseline's marts are
# compared with ours on every `make test` by tests/test_pandas_baseline.py.
pytestmark = [pytest.mark.slow, pytest.mark.benchmark]


def test_harness_runs_every_stage_and_the_baseline(tmp_path):
    output = tmp_path / "BENCHMARKS.md"
    text = main([ScalePoint("дымовой", regions=1, schools_per_municipality=2, student_rows=3000, baseline=True)],
                runs=1, output=output, workdir=tmp_path / "work")
    assert "44 МО, 88 школ" in text and "строк результатов участников" in text
    for title in [*STAGE_TITLES.values(), *BASELINE_TITLES.values(), *STARTUP_TITLES.values(), "весь цикл"]:
        assert f"| {title}" in text or f"| **{title}" in text, title
    for ratio in ("- данные (чтение, проверка, те же витрины): базовый", "- отчёты (те же документы, те же библиотеки): базовый",
                  "- весь цикл: базовый"):
        assert ratio in text, ratio
    # the baseline computed the marts the reports read, and they are ours, from the same files
    assert "витрины базового варианта сверены с нашими в этом прогоне" in text and "совпали" in text
    assert "НЕ совпали" not in text
    assert "нашего цикла" in text and "Машина:" in text
    assert output.read_text(encoding="utf-8").strip() == text.strip()
