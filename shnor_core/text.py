"""Text as people type it, reduced for tolerant comparison: one normalisation for every reader."""

from __future__ import annotations

import html
import re

_SPACES = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^\w]")


def normalize_text(text: object) -> str:
    """Lower-case, ё→е, HTML entities and non-breaking spaces resolved, runs of white space folded."""
    value = str(text or "")
    if "&" in value:
        value = html.unescape(value)
    value = value.replace("\xa0", " ").replace("ё", "е").replace("Ё", "Е")
    return _SPACES.sub(" ", value).strip().lower()


def clean_text(value: object) -> str:
    """A cell's text as stored: HTML entities (``&quot;``) resolved, non-breaking spaces and line breaks
    made spaces, runs of white space folded; case kept."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    value = str(value)
    if "&" in value:
        value = html.unescape(value)
    return _SPACES.sub(" ", value.replace("\xa0", " ")).strip()


def fold(text: object) -> str:
    """Text reduced to letters and digits, for tolerant comparison of labels."""
    return _NOT_WORD.sub("", normalize_text(text))


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
