"""No threshold lives in the reports' Python: the weak line, the strong line, caps and bands are dbt vars (read
through mart_letter_thresholds) and rules are seeds. A threshold typed into reports/ would show as a numeric
literal given to a threshold-like argument, compared with, or printed as a percentage in a sentence."""

from __future__ import annotations

import ast
import re
from pathlib import Path

REPORTS = Path(__file__).resolve().parents[1] / "reports"
THRESHOLD_WORDS = {"weak", "strong", "threshold", "cap", "below", "above", "limit", "band"}


def docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                found.add(id(first.value))
    return found


def number(node: ast.AST) -> bool:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        node = node.operand
    return isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool)


def test_no_threshold_literal_in_reports():
    found = []
    for path in sorted(REPORTS.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = docstrings(tree)
        for node in ast.walk(tree):
            where = f"{path.name}:{getattr(node, 'lineno', '?')}"
            if isinstance(node, ast.keyword) and node.arg and THRESHOLD_WORDS & set(node.arg.split("_")) \
                    and number(node.value):
                found.append(f"{where}: {node.arg}={ast.unparse(node.value)}")
            if isinstance(node, ast.Compare):
                for operand in (node.left, *node.comparators):
                    if number(operand) and isinstance(operand, ast.Constant) and isinstance(operand.value, float):
                        found.append(f"{where}: comparison with {operand.value}")
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip \
                    and re.search(r"\d\s?%", node.value) and node.value not in ("0%",):
                found.append(f"{where}: text {node.value!r}")
    assert found == [], "thresholds typed into reports/: " + "; ".join(found)


def test_the_check_sees_a_typed_threshold(tmp_path):
    """The check itself: the literals the reports used to hold are caught."""
    source = 'chart(weak_below=0.5)\nif share < 0.5:\n    caption = "оранжевым — ниже 50 %"\n'
    tree = ast.parse(source)
    kinds = [type(n).__name__ for n in ast.walk(tree)
             if (isinstance(n, ast.keyword) and number(n.value)) or (isinstance(n, ast.Compare))
             or (isinstance(n, ast.Constant) and isinstance(n.value, str) and re.search(r"\d\s?%", n.value))]
    assert kinds.count("keyword") == 1 and kinds.count("Compare") == 1 and kinds.count("Constant") == 1
