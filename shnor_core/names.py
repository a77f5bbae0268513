"""Matching the names people write for municipalities to the region's reference list.

Municipalities arrive as "МО Кореновский район", "г. Геленджик", "город-курорт Геленджик",
"МО город Геленджик", "Кореновский муниципальный район". All reduce to one core word ("кореновский",
"геленджик") which is compared with the reference list's cores; a fuzzy fallback absorbs small typos
but only when one candidate clearly wins.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from shnor_core.reference import Municipality
from shnor_core.text import normalize_text

_NOISE = [
    "муниципальное образование", "муниципального образования", "муниципальный район", "муниципальный округ",
    "городской округ", "город-курорт", "город курорт", "городского округа", "район", "округ", "город",
    "мо", "го", "г",
]
_NOISE_RE = re.compile(r"\b(" + "|".join(re.escape(w) for w in sorted(_NOISE, key=len, reverse=True)) + r")\b\.?")


def municipality_core(name: str) -> str:
    core = _NOISE_RE.sub(" ", normalize_text(name))
    return " ".join(re.sub(r"[^\w\- ]", " ", core).split())


@dataclass(frozen=True)
class NameMatch:
    municipality: Municipality | None
    score: float
    candidates: tuple[str, ...] = ()


def match_municipality(name: str, reference: list[Municipality]) -> NameMatch:
    """Best reference municipality for a written name, with a score in [0, 1]; None when unsure."""
    core = municipality_core(name)
    if not core:
        return NameMatch(None, 0.0)
    by_core = {municipality_core(m.name): m for m in reference}
    if core in by_core:
        return NameMatch(by_core[core], 1.0)
    contained = [ref_core for ref_core in by_core if re.search(rf"(?<![\w-]){re.escape(ref_core)}(?![\w-])", core)]
    if len(contained) == 1:  # a longer text, such as a file name, that names exactly one municipality
        return NameMatch(by_core[contained[0]], 0.95)
    scored = sorted(
        ((difflib.SequenceMatcher(None, core, ref_core).ratio(), ref_core) for ref_core in by_core),
        reverse=True,
    )
    best_score, best_core = scored[0]
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    if best_score >= 0.85 and best_score - runner_up >= 0.1:
        return NameMatch(by_core[best_core], round(best_score, 3))
    return NameMatch(None, round(best_score, 3), tuple(c for _, c in scored[:3]))


def municipality_title(municipality: Municipality) -> str:
    """The name's core, capitalised as written: "Абинский", "Усть-Лабинский", "Горячий ключ"."""
    return "-".join(part[:1].upper() + part[1:] for part in municipality_core(municipality.name).split("-"))


def display_name(municipality: Municipality) -> str:
    """How a municipality writes its own name on a form: "МО Абинский район", "МО город Сочи"."""
    title = municipality_title(municipality)
    return f"МО {title} район" if municipality.kind == "municipal_district" else f"МО город {title}"
