"""Text as people type it, reduced for tolerant comparison: one normalisation for every reader."""

from __future__ import annotations

import html
import re
from functools import cache

_SPACES = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^\w]")


def normalize_text(text: object) -> str:
    """Lower-case, ё→е, HTML entities and non-breaking spaces resolved, runs of white space folded."""
    value = str(text or "")
    if "&" in value:
        value = html.unescape(value)
    value = value.replace("\xa0", " ").replace("ё", "е").replace("Ё", "Е")
    return _SPACES.sub(" ", value).strip().lower()


_LATIN_LOOKALIKES = str.maketrans("aeopcxykmthbi", "аеорсхукмтнви")
_MIXED_WORD = re.compile(r"\w*(?:[а-я][a-z]|[a-z][а-я])\w*")


def cyrillic_lookalikes(text: str) -> str:
    """Latin letters typed inside a Russian word («Могочинскiй», «COШ» in a Cyrillic run) made Cyrillic; words
    wholly in Latin («sch750001») are left alone. Expects lower case."""
    return _MIXED_WORD.sub(lambda word: word.group().translate(_LATIN_LOOKALIKES), text)


def clean_text(value: object) -> str:
    """A cell's text as stored: HTML entities (``&quot;``) resolved, non-breaking spaces and line breaks
    made spaces, runs of white space folded; case kept."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    value = str(value)
    if "&" in value:
        value = html.unescape(value)
    return _SPACES.sub(" ", value.replace("\xa0", " ")).strip()


def typed_number(value: object) -> str:
    """A value as a person types it: 5 (never «5.0»), −3 with a minus sign, 2,5 with a comma; text unchanged."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value in (float("inf"), float("-inf")):
        return str(value)  # text (as the cell held it) stays as typed
    text = str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0")
    return text.replace(".", ",").replace("-", "−")


def fold(text: object) -> str:
    """Text reduced to letters and digits, for tolerant comparison of labels."""
    return _NOT_WORD.sub("", normalize_text(text))


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_NAME_TAGS = ("NOUN", "ADJF")  # the parses a name of a place or a person can take
_PLACE = ("Geox",)
_ADJECTIVE = re.compile(r"[сц]к(?:ий|ая|ое|ой|ого|ому|им|ом|их|ие|ую|ых|ими)$")


@cache
def _morph():
    """The Russian morphological analyser (pymorphy3 with its bundled dictionaries), loaded once on first use."""
    import pymorphy3  # noqa: PLC0415 — loaded on first use: ~0.1 s and ~15 MB that most commands never need

    return pymorphy3.MorphAnalyzer()


@cache
def lemma(word: str, prefer: tuple[str, ...] = _PLACE) -> str:
    """A word's dictionary form, for names of places and people: «Акшинского» → «акшинский», «села» → «село»,
    «Читы» → «чита». A parse with a ``prefer`` grammeme (a place, by default) wins; else the analyser's likeliest
    noun or adjective; a word it reads only as a verb («Кокуй») stays as written. Lower case, ё as е."""
    word = normalize_text(word)
    if _ADJECTIVE.search(word):  # «Урейская»: an unknown adjective is guessed as a noun unless told
        prefer = ("ADJF", *prefer)
    parses = _morph().parse(word)
    names = [p for p in parses if any(tag in p.tag for tag in _NAME_TAGS)]
    found = next((p for tag in prefer for p in names if tag in p.tag), names[0] if names else None)
    return found.normal_form.replace("ё", "е") if found is not None else word


@cache
def lemmas(word: str) -> frozenset[str]:
    """Every dictionary form a word may have as a name (nouns and adjectives), and the word itself: two writings
    of a name agree when these sets meet («Агинское» and «Агинского» share «агинский»)."""
    word = normalize_text(word)
    forms = {p.normal_form.replace("ё", "е") for p in _morph().parse(word)
             if any(tag in p.tag for tag in _NAME_TAGS)}
    parts = word.split("-")  # «петровска-забайкальского»: the analyser guesses the whole, its parts it knows
    joined = "-".join(lemma(part) for part in parts) if len(parts) > 1 and min(map(len, parts)) > 2 else word
    return frozenset({word, lemma(word), joined, *forms})
