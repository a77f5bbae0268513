"""The benchmark harness at a small size, as a smoke test: it runs every stage of ours and of the naive
baseline and prints their figures. No timing is asserted — machines here are shared and noisy."""

from __future__ import annotations

import pytest

from benchmarks.benchmark import ScalePoint, main

pytestmark = pytest.mark.slow


def test_harness_runs_every_stage_and_the_baseline(tmp_path):
    output = tmp_path / "BENCHMARKS.md"
    text = main([ScalePoint("дымовой", regions=1, schools_per_municipality=2, student_rows=3000, baseline=True)],
                runs=1, output=output, workdir=tmp_path / "work")
    assert "44 МО, 88 школ" in text and "строк результатов участников" in text
    for stage in ("приём (чтение, архив, загрузка)", "проверка GX", "dbt build", "публикация витрин", "отчёты",
                  "весь цикл", "чтение файлов (наивно)", "загрузка (наивно)", "проверка GX (наивно)"):
        assert f"| {stage}" in text or f"| **{stage}" in text, stage
    assert "раза быстрее" in text and "Машина:" in text
    assert output.read_text(encoding="utf-8").strip() == text.strip()
