"""Matching a municipality's own wording of a roadmap activity to the catalogue (dbt seed
``roadmap_catalogue``: the 25 activities of seed 001), the way school names are matched to the registry:
a score in [0, 1], a sure match loaded, anything else left for a person in ``audit.name_review`` with its
candidates — never guessed.

Wordings differ in inflection, order and abbreviation ("Стажировки управленческих команд школ с низкими
образовательными результатами" for "Организация стажировок для управленческих команд ШНОР"). Both are
reduced to sets of word stems (a light suffix stripper for Russian, "школ с низкими образовательными
результатами" read as "ШНОР", function words dropped), compared by the Dice coefficient with each stem
weighed by how rare it is in the catalogue ("стажировки" tells more than "организация"); a catalogue
activity is also compared without the parenthesis that lists its parts, and a wording that holds all of
an activity's words and more (its seminars listed) scores by the share of the activity it holds. A wording
matches the best catalogue activity when its score reaches ``accept`` and beats the next one by
``margin``; both thresholds are in the roadmap layouts (``settings.catalogue_match``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from shnor_core.reference import RoadmapActivity
from shnor_core.text import normalize_text

_SHNOR = re.compile(r"\b(школ\w*|общеобразовательн\w* организаци\w*|оо)\s+с\s+низкими\s+образовательными\s+"
                    r"результатами\b")
_FUNCTION_WORDS = {"для", "по", "в", "во", "и", "с", "со", "на", "о", "об", "от", "к", "ко", "из", "за", "а", "также",
                   "том", "числе", "их", "или", "при", "под", "не", "как", "далее", "год", "года", "г"}
_ENDINGS = sorted("""ами ями ого его ому ему ыми ими ых их ой ей ый ий ая яя ое ее ую юю ов ев ам ям ах ях ом ем
                  ия ие ию ией ием иях иями ии ость ости ов ей ы и а я о е у ю ь""".split(), key=len, reverse=True)
STEM_LENGTH = 6
CONTAINED = 0.9  # the score of a wording that holds every word of a catalogue activity


def stem(word: str) -> str:
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            word = word[: -len(ending)]
            break
    return word[:STEM_LENGTH]


def stems(text: object) -> frozenset[str]:
    """The content words of a wording, stemmed: what two wordings are compared by."""
    folded = _SHNOR.sub(" шнор ", normalize_text(text))
    return frozenset(stem(word) for word in re.findall(r"[а-яa-z]+", folded)
                     if len(word) >= 3 and word not in _FUNCTION_WORDS)


def similarity(first: frozenset[str], second: frozenset[str], weight=lambda word: 1.0) -> float:
    """Dice coefficient of two stem sets, each stem weighed (by how rare it is in the catalogue)."""
    total = sum(map(weight, first)) + sum(map(weight, second))
    return 2 * sum(map(weight, first & second)) / total if total else 0.0


@dataclass(frozen=True)
class ActivityMatch:
    activity: RoadmapActivity | None
    score: float
    reason: str
    candidates: tuple[RoadmapActivity, ...] = ()


class ActivityMatcher:
    def __init__(self, catalogue: tuple[RoadmapActivity, ...], accept: float, margin: float):
        self.catalogue, self.accept, self.margin = catalogue, accept, margin
        # an activity is compared with its whole wording and with it less the parenthesis that lists its parts
        self._stems = [(activity, [stems(activity.name), stems(re.sub(r"\([^)]*\)", " ", activity.name))])
                       for activity in catalogue]
        self._exact = {" ".join(normalize_text(a.name).split()): a for a in catalogue}
        frequency: dict[str, int] = {}
        for _, (words, _) in self._stems:
            for word in words:
                frequency[word] = frequency.get(word, 0) + 1
        # a word of every activity ("организация", "ШНОР") says little; a rare one ("стажировки") much
        self._weights = {word: math.log(1 + len(catalogue) / count) for word, count in frequency.items()}
        self._unknown = math.log(1 + len(catalogue))

    def _weight(self, word: str) -> float:
        return self._weights.get(word, self._unknown)

    def _score(self, own: frozenset[str], activity: frozenset[str]) -> float:
        """The Dice coefficient, or — for a wording that holds the whole catalogue activity and more (seed
        001's item 9 lists its six seminars) — the weighed share of the activity's words it holds, a little
        discounted so that a wording of its own is always preferred."""
        covered = sum(map(self._weight, own & activity)) / (sum(map(self._weight, activity)) or 1.0)
        return max(similarity(own, activity, self._weight), CONTAINED * covered)

    def match(self, wording: object) -> ActivityMatch:
        exact = self._exact.get(" ".join(normalize_text(wording).split()))
        if exact is not None:
            return ActivityMatch(exact, 1.0, "формулировка совпадает с каталогом")
        own = stems(wording)
        scored = sorted(((round(max(self._score(own, words) for words in forms), 3), activity)
                         for activity, forms in self._stems), key=lambda pair: pair[0], reverse=True)
        (best, activity), runner_up = scored[0], scored[1][0] if len(scored) > 1 else 0.0
        candidates = tuple(a for _, a in scored[:3])
        if best < self.accept:
            return ActivityMatch(None, best, "мероприятие не найдено в каталоге (своё мероприятие МО?)", candidates)
        if best - runner_up < self.margin:
            return ActivityMatch(None, best, "несколько мероприятий каталога подходят под формулировку", candidates)
        return ActivityMatch(activity, best, "совпадение слов формулировки")

    def resolve(self, wording: str, municipality_oktmo: str | None, where: dict,
                review: list[dict]) -> tuple[str | None, float]:
        """The catalogue code to load (a sure match), else None with the wording left in ``review``."""
        match = self.match(wording)
        if match.activity is None:
            review.append({**where, "written_name": wording, "municipality_oktmo": municipality_oktmo,
                           "score": match.score, "reason": match.reason, "name_kind": "roadmap_activity",
                           "candidates": "; ".join(f"№ {a.number} {a.name}" for a in match.candidates)})
            return None, match.score
        return match.activity.code, match.score
