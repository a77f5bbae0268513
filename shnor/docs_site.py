"""Static documentation sites built by the pipeline: dbt docs (models, columns, tests, lineage) and
GX Data Docs (suites and every file's validation result), under ``$SHNOR_HOME/docs``.

GX Data Docs are rendered from the validation results the pipeline already saved as JSON
(``$SHNOR_HOME/validation/<suite>/<sha256>.json``): nothing is validated twice.
"""

from __future__ import annotations

import logging
import shutil
import subprocess

from shnor.dbt_runner import dbt_command, dbt_environment
from shnor.validation import load_suite_definition
from shnor_core.settings import DataHome


def docs_folder(home: DataHome):
    return home.root / "docs"


def build_dbt_docs(home: DataHome) -> str:
    target = docs_folder(home) / "dbt"
    completed = subprocess.run(dbt_command("docs", "generate", "--static", "--target-path", str(target)),
                               env=dbt_environment(home), capture_output=True, text=True)
    if completed.returncode != 0:
        raise RuntimeError(f"dbt docs generate failed:\n{completed.stdout[-3000:]}")
    return str(target / "static_index.html")


def build_gx_data_docs(home: DataHome) -> str:
    # GX takes seconds to import: only the tasks that use it pay for it
    import great_expectations as gx  # noqa: PLC0415
    from great_expectations.core.run_identifier import RunIdentifier  # noqa: PLC0415
    from great_expectations.data_context.types.base import ProgressBarsConfig  # noqa: PLC0415
    from great_expectations.data_context.types.resource_identifiers import (  # noqa: PLC0415
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    project = home.root / "gx_project"
    shutil.rmtree(project, ignore_errors=True)  # rebuilt from the saved results each time
    context = gx.get_context(mode="file", project_root_dir=str(project))
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    for folder in sorted(p for p in home.validation.glob("*") if p.is_dir()):
        context.suites.add(gx.ExpectationSuite(**load_suite_definition(folder.name)))
        for result_file in sorted(folder.glob("*.json")):
            result = context.validation_results_store.deserialize(result_file.read_text(encoding="utf-8"))
            key = ValidationResultIdentifier(ExpectationSuiteIdentifier(folder.name),
                                             RunIdentifier(run_name=result_file.stem[:16]), result_file.stem)
            context.validation_results_store.set(key, result)
    context.build_data_docs()
    target = docs_folder(home) / "gx"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(project / "gx" / "uncommitted" / "data_docs" / "local_site", target)
    return str(target / "index.html")


def build_docs(home: DataHome) -> dict:
    return {"dbt_docs": build_dbt_docs(home), "gx_data_docs": build_gx_data_docs(home),
            "validated_files": sum(1 for _ in home.validation.glob("*/*.json"))}


