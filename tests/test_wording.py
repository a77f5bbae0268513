"""Every sentence a report prints comes from a wording template (reports/wording/*.yaml) or a rule's seed: the
report code lays out and renders, it writes no Russian prose. And the letter names at most five municipalities
in a sentence: more go to the table under the item."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pandas as pd

from reports import letter
from reports.wording import FOLDER, fields, templates
from shnor_core.settings import PROJECT_ROOT

REPORTS = PROJECT_ROOT / "reports"
CYRILLIC = re.compile("[А-Яа-яЁё]")


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def russian_prose(path: Path) -> list[str]:
    """String literals and f-strings with Cyrillic and three words or more (a field counts as a word); docstrings,
    comments, errors' messages and regular expressions aside."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree)
    parts = {id(part) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for part in node.values}
    # an error's message (a programmer's mistake, not a report's sentence) and a regular expression are not prose
    skip |= {id(inner) for node in ast.walk(tree) if isinstance(node, ast.Raise) for inner in ast.walk(node)}
    skip |= {id(inner) for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
             and node.func.attr == "compile" for inner in ast.walk(node)}
    prose = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.JoinedStr):  # an f-string as a whole: its fields count as words
            text = "".join(part.value if isinstance(part, ast.Constant) else " {} " for part in node.values)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip | parts:
            text = node.value
        else:
            continue
        if CYRILLIC.search(text) and len(text.split()) >= 3:
            prose.append(f"{path.name}:{node.lineno}: {text.strip()[:60]}")
    return prose


def test_report_code_writes_no_russian_prose():
    assert [line for path in sorted(REPORTS.glob("*.py")) for line in russian_prose(path)] == []


def test_the_detector_finds_prose():
    sample = FOLDER.parent.parent / "var" / "test_wording_sample.py"
    sample.parent.mkdir(parents=True, exist_ok=True)
    sample.write_text('"""Модуль с описанием."""\nx = f"Принято {n} форм из {m}"\ny = "Итого"\nz = "Доля от максимума"\n',
                      encoding="utf-8")
    assert [line.split(": ", 1)[1] for line in russian_prose(sample)] == ["Принято  {}  форм из  {}", "Доля от максимума"]


def test_every_key_the_code_says_has_a_template():
    used = set()
    for path in REPORTS.glob("*.py"):
        used |= set(re.findall(r"""(?:say|headers)\(\s*["']([a-z_]+\.[A-Za-z_]+)["']\s*[,)]""", path.read_text(encoding="utf-8")))
    assert used, "the scan finds the calls"
    assert sorted(used - templates().keys()) == []


def test_templates_name_plain_fields():
    for key, template in templates().items():
        texts = template if isinstance(template, list) else [template]
        for text in texts:
            assert isinstance(text, str), key
            assert all(re.fullmatch(r"[a-z_]+", name) for name in fields(text)), key


# --- the letter: a statement names at most five municipalities ---------------------------------------------

def _rule(names: list[str]) -> pd.DataFrame:
    """Seven hand-made rows of one item-3 rule, as mart_recommendation has them: all named, values 0 %, 10 % …"""
    return pd.DataFrame([{
        "rule_order": 3, "rule_code": "courses_contests", "item_number": 3.0, "title": "Курсы", "scope": "municipality",
        "statement_holds": False, "layout": "inline", "in_letter": True, "rank_in_rule": rank,
        "template": "{municipalities} провести работу по активизации участия в курсах.", "template_unmet": None,
        "member_template": "{municipality} ({value})", "municipality_name": name, "value_text": f"{rank * 10} %",
        "threshold_text": "50 %", "due_date": pd.Timestamp("2025-09-10"), "evidence": f"курсы — {rank * 10} %",
        "practice_fields": None, "partner_name": None, "cluster_name": None, "cap_value": None, "evaluated_count": 44,
        "school_year": None, "next_year": None, "list_label": None,
        "monitoring_id": "mph-2025", "municipality_oktmo": f"036{rank:02d}000"}  # the key of each row's reference
        for rank, name in enumerate(names)])


def test_more_than_five_municipalities_go_to_the_table():
    names = [f"МО {letter_}" for letter_ in "АБВГДЕЖ"]
    (item,) = letter.letter_items(_rule(names), "ИРО")
    assert item.text == "Муниципальным образованиям из таблицы ниже провести работу по активизации участия в курсах."
    assert [(n.municipality, n.value, n.threshold, n.due, n.evidence) for n in item.named][:2] == [
        ("МО А", "0 %", "50 %", "10.09.2025", "курсы — 0 %"), ("МО Б", "10 %", "50 %", "10.09.2025", "курсы — 10 %")]
    assert len(item.named) == 7


def test_up_to_five_are_named_in_the_sentence():
    (item,) = letter.letter_items(_rule(["МО А", "МО Б", "МО В"]), "ИРО")
    assert item.text == "МО А, МО Б, МО В провести работу по активизации участия в курсах."
