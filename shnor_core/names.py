"""Matching the names people write for municipalities to the region's reference list.

Municipalities arrive as "МО Кореновский район", "г. Геленджик", "город-курорт Геленджик",
"МО город Геленджик", "Кореновский муниципальный район", "Славянский р-н", a file name such as
"МО_Славянский_район_2022" or "мониторинг МНЦ Славянский 2024". All reduce to one core ("кореновский",
"геленджик") which is compared with the reference list's cores; a fuzzy fallback absorbs a misspelt
letter or two — in the whole text or in any run of its words — but only when one candidate clearly wins
(``FUZZY_MIN_RATIO``, ``FUZZY_MARGIN``); otherwise nothing is matched and the candidates are named.
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
    "р-н", "мо", "го", "г",
]
FUZZY_MIN_RATIO = 0.85  # similarity a misspelt name must reach (difflib ratio: one wrong letter in 9 ≈ 0.89)
FUZZY_MARGIN = 0.1  # and by how much it must beat the next municipality, or nothing is matched
_NOISE_RE = re.compile(r"\b(" + "|".join(re.escape(w) for w in sorted(_NOISE, key=len, reverse=True)) + r")\b\.?")


def municipality_core(name: str) -> str:
    core = _NOISE_RE.sub(" ", normalize_text(name).replace("_", " "))
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
    scored = sorted(((_best_ratio(core, ref_core), ref_core) for ref_core in by_core), reverse=True)
    best_score, best_core = scored[0]
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    if best_score >= FUZZY_MIN_RATIO and best_score - runner_up >= FUZZY_MARGIN:
        return NameMatch(by_core[best_core], round(best_score, 3))
    return NameMatch(None, round(best_score, 3), tuple(c for _, c in scored[:3]))


def _best_ratio(core: str, ref_core: str) -> float:
    """Similarity of a written core to a reference core: of the whole text, or of the best run of as
    many words as the reference name has (a misspelt district inside a file name)."""
    words, size = core.split(), len(ref_core.split())
    runs = [" ".join(words[i:i + size]) for i in range(max(1, len(words) - size + 1))]
    return max(difflib.SequenceMatcher(None, text, ref_core).ratio() for text in [core, *runs])


def municipality_title(municipality: Municipality) -> str:
    """The name's core, capitalised as written: "Абинский", "Усть-Лабинский", "Горячий ключ"."""
    return "-".join(part[:1].upper() + part[1:] for part in municipality_core(municipality.name).split("-"))


def display_name(municipality: Municipality) -> str:
    """How a municipality writes its own name on a form: "МО Абинский район", "МО город Сочи",
    "МО Алексеевский муниципальный округ"."""
    title = municipality_title(municipality)
    if municipality.kind == "municipal_district":
        return f"МО {title} район"
    if municipality.kind == "municipal_okrug":
        return f"МО {title} муниципальный округ"
    return f"МО город {title}"
