"""Every sentence a report prints, in one place: the templates of ``reports/wording/*.yaml`` (a file per part of
the reports, its name the first part of a key), filled with values already formatted where the report is
composed. The rules' own words stay in their seeds (``recommendation_rules``, ``report_texts``), read through
the marts. The .docx and the PDF are rendered from the same blocks, so each sentence exists once."""

from __future__ import annotations

import string
from functools import cache
from pathlib import Path

import yaml

FOLDER = Path(__file__).parent / "wording"


class WordingError(KeyError):
    """A key with no template, or a template naming a value the caller did not give."""


@cache
def templates() -> dict[str, str]:
    found = {}
    for path in sorted(FOLDER.glob("*.yaml")):
        for key, text in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            found[f"{path.stem}.{key}"] = text
    return found


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _template(key: str):
    try:
        return templates()[key]
    except KeyError:
        raise WordingError(f"нет шаблона текста {key} в {FOLDER}") from None


def headers(key: str, **values) -> list[str]:
    """A table's column titles (a list in the wording file), each filled with ``values``."""
    return [title.format(**values) for title in _template(key)]


def say(key: str, **values) -> str:
    """The template ``key`` (``file.name``) filled with ``values``."""
    template = _template(key)
    missing = fields(template) - values.keys()
    if missing:
        raise WordingError(f"шаблон {key}: не заданы значения {sorted(missing)}")
    return template.format(**values)
