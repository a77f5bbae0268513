"""docs/architecture.md is the map of the house: every path, module, function and dbt model it names in
backticks exists, so the map cannot drift from the code unnoticed."""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAP = ROOT / "docs" / "architecture.md"
OUR_PACKAGES = ("shnor_core", "shnor", "ingestion", "reports", "sample_region", "benchmarks")
DOTTED_NAME = re.compile(rf"(?:{'|'.join(OUR_PACKAGES)})(?:\.[A-Za-z_][A-Za-z0-9_]*)+")
MODEL_NAME = re.compile(r"(stg|int|dim|fct|mart)_[a-z0-9_]+")
PLACEHOLDER = re.compile(r"[<>*{}…]|\s")
# Folders of a data home ($SHNOR_HOME, `shnor_core.settings.DataHome`), not of the repository: the map names
# where a run writes.
HOME_FOLDERS = ("landing", "archive", "quarantine", "validation", "reports", "warehouse", "published", "secrets",
                "uploads", "web", "identity", "docs/proverki.html", "var/")  # var/: the default home in a checkout
# Where the map's relative paths are relative to: the repository, the dbt project, its models, the upload site.
PATH_BASES = (ROOT, ROOT / "dbt_project", ROOT / "dbt_project" / "models", ROOT / "shnor" / "web")


def named_in_map() -> list[str]:
    return sorted(set(re.findall(r"`([^`\n]+)`", MAP.read_text(encoding="utf-8"))))


@cache
def dbt_nodes() -> frozenset[str]:
    """Models and seeds (a seed such as `mart_questions` is named like the mart it feeds)."""
    project = ROOT / "dbt_project"
    return frozenset(path.stem for path in [*(project / "models").rglob("*.sql"), *(project / "seeds").glob("*.csv")])


@cache
def top_level_names(module_file: Path) -> dict[str, ast.AST]:
    tree = ast.parse(module_file.read_text(encoding="utf-8"))
    names: dict[str, ast.AST] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names[node.name] = node
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                if isinstance(target, ast.Name):
                    names[target.id] = node
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                names[(alias.asname or alias.name).split(".")[0]] = node
    return names


def dotted_name_exists(dotted: str) -> bool:
    """`package.module.attribute[.member]`: the longest module prefix is a file or package, the rest is defined
    at its top level (a member of a class inside that class)."""
    parts = dotted.split(".")
    for split in range(len(parts), 0, -1):
        base = ROOT.joinpath(*parts[:split])
        module_file = base.with_suffix(".py") if base.with_suffix(".py").is_file() else base / "__init__.py"
        if not module_file.is_file():
            continue
        rest = parts[split:]
        if not rest:
            return True
        node = top_level_names(module_file).get(rest[0])
        if node is None:
            return False
        if len(rest) == 1:
            return True
        return isinstance(node, ast.ClassDef) and any(
            getattr(member, "name", None) == rest[1]
            or any(getattr(t, "id", None) == rest[1] for t in getattr(member, "targets", [getattr(member, "target", None)]))
            for member in node.body
        )
    return False


def path_exists(written: str) -> bool:
    return any((base / written).exists() for base in PATH_BASES)


def dangling(token: str) -> bool:
    if PLACEHOLDER.search(token) or token.startswith(("$SHNOR_HOME/", "/")):  # a home's path, a URL
        return False
    if token.startswith(HOME_FOLDERS):
        return False
    if "/" in token:
        return not path_exists(token.rstrip("/"))
    if DOTTED_NAME.fullmatch(token):
        return not dotted_name_exists(token)
    if MODEL_NAME.fullmatch(token):
        return token not in dbt_nodes() and not dotted_name_exists(f"reports.{token}")
    return False


def test_the_map_names_a_fair_share_of_the_house():
    tokens = named_in_map()
    assert sum("/" in token for token in tokens) > 40
    assert sum(MODEL_NAME.fullmatch(token) is not None for token in tokens) > 20
    assert sum(DOTTED_NAME.fullmatch(token) is not None for token in tokens) > 20


def test_every_path_module_and_model_the_map_names_exists():
    missing = [token for token in named_in_map() if dangling(token)]
    assert not missing, f"docs/architecture.md names what the code no longer has: {missing}"


def test_a_stale_name_is_caught():
    assert dangling("shnor/no_such_module.py")
    assert dangling("shnor.cycle.no_such_function")
    assert dangling("mart_no_such_mart")
    assert not dangling("shnor.cycle.run_window_in_process")
    assert not dangling("shnor_core/")
