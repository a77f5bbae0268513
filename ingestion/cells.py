"""What people type into cells: presence marks, counts and indicator numbers as they really write them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from shnor_core.text import is_blank, normalize_text

_YES = {"да", "есть", "имеется", "+", "yes"}
_NO = {"нет", "отсутствует", "no"}
_NOT_APPLICABLE = {"*", "х", "x"}
BLANK_RULE = "значение не заполнено"


def parse_number_cell(value: object) -> int | None:
    """An indicator number as people write it: 3, 3.0, "3", "3.", " 3) "."""
    if isinstance(value, bool) or is_blank(value):
        return None
    if isinstance(value, (int, float)):
        return int(value) if float(value).is_integer() else None
    match = re.fullmatch(r"\s*(\d{1,3})\s*[.)]?\s*", str(value))
    return int(match.group(1)) if match else None


@dataclass(frozen=True)
class ParsedValue:
    value: float | None
    not_applicable: bool = False
    error: str | None = None


def parse_value(raw: object, kind: str) -> ParsedValue:
    """One filled cell: 1, 0, "1,0", "0.0", "да", "нет", " 1 ", "*" (not applicable)."""
    if is_blank(raw):
        return ParsedValue(None, error=BLANK_RULE)
    if isinstance(raw, bool):
        return ParsedValue(float(raw))
    if isinstance(raw, (int, float)):
        number = float(raw)
    else:
        text = normalize_text(raw)
        if text in _NOT_APPLICABLE:
            return ParsedValue(None, not_applicable=True)
        if text in _YES:
            return ParsedValue(1.0)
        if text in _NO:
            return ParsedValue(0.0)
        try:
            number = float(text.replace(" ", "").replace(",", "."))
        except ValueError:
            expected = "0 или 1 (да/нет)" if kind == "presence" else "целое число"
            return ParsedValue(None, error=f"значение не является числом: ожидается {expected}")
    if kind == "count" and not number.is_integer():
        return ParsedValue(number, error="количество должно быть целым числом")
    return ParsedValue(number)
