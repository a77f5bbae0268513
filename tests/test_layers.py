"""The house's layers (docs/architecture.md, "Layers"): which package may import which, no import cycle
between modules, and the linter's rules (an import inside a function must say why it is there)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from shnor_core.settings import PROJECT_ROOT

PACKAGES = ["shnor_core", "ingestion", "reports", "shnor", "sample_region", "benchmarks", "dags", "plugins"]
# Who may import whom. The base imports nothing of ours; readers and reports build on the base only;
# orchestration and the command line on top; DAG files and the plugin only compose the orchestration.
ALLOWED = {
    "shnor_core": {"shnor_core"},
    "ingestion": {"shnor_core", "ingestion"},
    "reports": {"shnor_core", "reports"},
    "shnor": {"shnor_core", "ingestion", "reports", "shnor"},
    "sample_region": {"shnor_core", "reports", "sample_region"},
    "benchmarks": {"shnor_core", "ingestion", "reports", "shnor", "sample_region", "benchmarks"},
    "dags": {"shnor"},
    "plugins": {"shnor"},
}
# No exception: the demo generator and the benchmark are scripts the command line runs (python -m sample_region,
# python -m benchmarks), never imports.


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((PROJECT_ROOT / package).rglob("*.py")):
            relative = path.relative_to(PROJECT_ROOT).with_suffix("")
            parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
            found[".".join(parts)] = path
    return found


def imports_of(path: Path, known: dict[str, Path]) -> set[str]:
    """Our modules this file imports, at any depth (module level or inside functions)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in names if name in known}


def graph() -> dict[str, set[str]]:
    known = modules()
    return {module: imports_of(path, known) - {module} for module, path in known.items()}


def test_no_arrow_runs_back_up_between_packages():
    wrong = []
    for module, imported in graph().items():
        allowed = ALLOWED[module.split(".")[0]]
        wrong += [f"{module} → {target}" for target in sorted(imported) if target.split(".")[0] not in allowed]
    assert wrong == []


def test_no_import_cycle_between_modules():
    edges = graph()
    cycles, state = [], {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for target in sorted(edges[module]):
            if state.get(target) == "open":
                cycles.append(" → ".join(path[path.index(target):] + [module, target]) if target in path
                              else f"{module} → {target}")
            elif target not in state:
                visit(target, path + [module])
        state[module] = "done"

    for module in sorted(edges):
        if module not in state:
            visit(module, [])
    assert cycles == []


def test_linter_rules_hold():
    """ruff: unused and undefined names, sorted imports, and PLC0415 — an import inside a function is
    allowed only with a `noqa: PLC0415` comment saying why (a heavy optional dependency)."""
    completed = subprocess.run([str(Path(sys.executable).with_name("ruff")), "check", str(PROJECT_ROOT)],
                               capture_output=True, text=True)
    assert completed.returncode == 0, completed.stdout
