"""Matching the names people write for municipalities to the region's reference list.

Municipalities arrive as "МО Кореновский район", "г. Геленджик", "Славянский р-н", a file name such as
"МО_Славянский_район_2022", and as the education authority that stands for one, in any case:
«Комитет образования администрации городского округа "Город Чита"», «Управление образования администрации
МР "Акшинский район"», «Отдел образования Красночикойского района», «ЗАТО п.Горный». The rule:

1. The text loses the region's own name («Забайкальского края»), quotes and punctuation; its words are put
   in their dictionary form by a morphological analyser (pymorphy3: «Акшинского» → «акшинский», «Читы» →
   «чита»), and the words that say what kind of body or municipality it is (управление, администрация,
   муниципальный, район, округ, город, г., п., пгт, р-н, МР, ГО, МО, ЗАТО …) are set aside as *kind words*.
   What remains is the name's *core* ("акшинский", "чита", "горячий ключ"); a feminine adjective is no part of it,
   for it names a school («Акшинская СОШ»), never a district.
2. A reference municipality matches when its core equals the written core (score 1.0), or appears as a run of
   words in a longer text such as a file name (0.95), or — for a two-part name such as «Город Краснокаменск и
   Краснокаменский район» — when the written core is one of its parts and of no other municipality (0.9).
   A misspelt letter or two is absorbed by a similarity score (rapidfuzz ``ratio``) only when one municipality
   clearly wins (``FUZZY_MIN_RATIO``, ``FUZZY_MARGIN``).
3. Several municipalities with one core — a city and a district of the same stem («город Петровск-Забайкальский»
   and «Петровск-Забайкальский район»), or a district and the okrug it was renamed to — are told apart by the
   date the text speaks of (``on_date`` against ``valid_from``/``valid_to``), then by the kind words (город, г.,
   городской округ, ЗАТО, п. → the city; район, р-н, МР → the district; муниципальный округ → the okrug). What
   neither settles («Петровск-Забайкальский» alone) matches nothing and names both candidates.
4. A body of the region itself («Министерство образования … Забайкальского края», «краевые ОО») matches no
   municipality and says so (``regional_body``): its schools belong to the region.
Every answer carries its evidence in Russian: which parts agreed and the score.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from rapidfuzz.fuzz import ratio

from shnor_core.reference import Municipality
from shnor_core.text import cyrillic_lookalikes, lemma, lemmas, normalize_text

FUZZY_MIN_RATIO = 0.85  # similarity a misspelt core must reach (rapidfuzz ratio / 100: one wrong letter in 9 ≈ 0.89)
FUZZY_MARGIN = 0.1  # and by how much it must beat the next municipality, or nothing is matched

# Kind words, as dictionary forms or as written abbreviations; each says which kinds of municipality it names.
_CITY_WORDS = {"город", "городской", "город-курорт", "г", "гор", "го", "зато", "п", "пос", "пгт", "поселок", "рп"}
_DISTRICT_WORDS = {"район", "р-н", "мр", "мр-н", "р"}
_OKRUG = "округ"
_OTHER_NOISE = {  # words of an authority's or a form's name that never tell municipalities apart
    "муниципальный", "образование", "мо", "администрация", "комитет", "управление", "отдел", "департамент",
    "по", "и", "в", "на", "при", "курорт", "образовательный", "учреждение", "казенный", "мку", "му", "уо", "ко",
    "сельский", "поселение", "городское", "молодежный", "политика", "наука", "спорт", "культура", "дело",
    "с", "село", "ст-ца", "станица",
}
_REGION_PHRASE = re.compile(
    r"\b[\w-]+(?:ого|его)\s+(?:кра[яюе]|област[иью])\b|\bреспублик[аиеу]\s+[\w-]+\b"
    r"|\b[\w-]+(?:ого|его)\s+[\w-]+(?:ого|его)\s+автономного\s+округа\b|\b[\w-]+(?:ий|ый|ой)\s+краев\w*\b")
_REGIONAL_BODY = re.compile(
    r"\bминистерств|\bкраев\w*\s+(?:государственн\w*\s+)?(?:учреждени|организаци|подчинени|оо\b|школ)"
    r"|\b(?:регионального|краевого|республиканского)\s+подчинени|\bгосударственн\w*\s+(?:обще)?образовательн\w*\s+"
    r"(?:организаци|учреждени)|\bгоу\b|\bгбоу\b|\bгкоу\b|\bгаоу\b")
_AUTHORITY = re.compile(r"\b(?:департамент|комитет|управлени|отдел)\w*")
_WORD = re.compile(r"[а-яa-z0-9]+(?:-[а-яa-z0-9]+)*")
# A municipality named by an adjective agrees with «район»/«округ»: a feminine form names a school («Акшинская СОШ»)
_FEMININE = re.compile(r"[сц]к(?:ая|ую)$")


@dataclass(frozen=True)
class NameMatch:
    municipality: Municipality | None
    score: float
    candidates: tuple[str, ...] = ()  # official names of the closest municipalities, when nothing matched
    evidence: str = ""  # in Russian: which parts agreed and the score
    regional_body: bool = False  # the text names a body of the region (a ministry): its schools are the region's


@dataclass(frozen=True)
class _Written:
    core: tuple[str, ...]  # the name's words as written (normalised)
    classes: frozenset[str]  # kind words found: "city", "district", "okrug"


def _read(name: str) -> _Written:
    text = cyrillic_lookalikes(normalize_text(name).replace("_", " "))
    text = _REGION_PHRASE.sub(" ", text)
    words = _WORD.findall(text.replace(".", " "))
    core, classes = [], set()
    for index, word in enumerate(words):
        base = word if len(word) <= 3 else lemma(word)
        following = lemma(words[index + 1]) if index + 1 < len(words) else ""
        if base in _CITY_WORDS:
            classes.add("city")
        elif base in _DISTRICT_WORDS:
            classes.add("district")
        elif base == _OKRUG:
            preceding = lemma(words[index - 1]) if index else ""
            classes.add("city" if preceding == "городской" else "okrug")
        elif base == "муниципальный" and following in ("район", "округ"):
            continue  # the kind is taken from the noun that follows
        elif base not in _OTHER_NOISE and not _FEMININE.search(word):
            core.append(word)
    return _Written(tuple(core), frozenset(classes))


def municipality_core(name: str) -> str:
    """The distinguishing words of a name in their dictionary forms: «Акшинского муниципального округа» →
    "акшинский", «МО город Горячий Ключ» → "горячий ключ"."""
    return " ".join(lemma(word) for word in _read(name).core)


def municipality_identity(name: str, kind: str) -> tuple[str, str]:
    """What tells two reference rows apart when names are matched: the core and whether it is a city. A city and
    a district of one stem differ; two rows with one identity cannot both be matched from a written name."""
    return municipality_core(name), "city" if kind == "city_okrug" else "district"


_KIND_PREFERENCE = {  # per written kind: the reference kinds it names, most literal first
    "city": (("city_okrug",),),
    "district": (("municipal_district",), ("municipal_okrug",)),  # people keep writing «район» after a rename
    "okrug": (("municipal_okrug",), ("municipal_district",)),
}
_CLASS_TITLES = {"city": "город", "district": "район", "okrug": "муниципальный округ"}


def _valid_on(municipality: Municipality, on_date: date) -> bool:
    since, until, day = municipality.valid_from, municipality.valid_to, on_date.isoformat()
    return (not since or since <= day) and (not until or day <= until)


def _words_agree(written: tuple[str, ...], reference: tuple[str, ...]) -> bool:
    return len(written) == len(reference) and all(lemmas(a) & lemmas(b) for a, b in zip(written, reference))


def _settle(found: list[Municipality], written: _Written, on_date: date | None) -> tuple[Municipality | None, str]:
    """One municipality out of several that share a core: by date, then by kind words; else None."""
    notes = []
    if len(found) > 1 and on_date is not None:
        valid = [m for m in found if _valid_on(m, on_date)]
        if valid and len(valid) < len(found):
            found, _ = valid, notes.append(f"действует на {on_date.isoformat()}")
    if len(found) == 1:
        return found[0], "; ".join(notes)
    if len(written.classes) == 1:
        (kind_class,) = written.classes
        for kinds in _KIND_PREFERENCE[kind_class]:
            fitting = [m for m in found if m.kind in kinds]
            if len(fitting) == 1:
                notes.append(f"вид по словам «{_CLASS_TITLES[kind_class]}»")
                return fitting[0], "; ".join(notes)
            if fitting:
                break
    return None, ""


def match_municipality(name: str, reference: list[Municipality], on_date: date | None = None) -> NameMatch:
    """Best reference municipality for a written name, with a score in [0, 1] and its evidence; None when unsure
    (then the closest municipalities are named) or when the name is the region's own body."""
    return _match(str(name or ""), tuple(reference), on_date)


@lru_cache(maxsize=1 << 14)  # readers ask for the same few names on every row
def _cores(reference: tuple[Municipality, ...]) -> dict[tuple[str, ...], list[Municipality]]:
    cores: dict[tuple[str, ...], list[Municipality]] = {}
    for municipality in reference:
        cores.setdefault(_read(municipality.name).core, []).append(municipality)
    return cores


@lru_cache(maxsize=1 << 14)
def _match(name: str, reference: tuple[Municipality, ...], on_date: date | None) -> NameMatch:
    written = _read(name)
    regional = bool(_REGIONAL_BODY.search(normalize_text(name))
                    or (_AUTHORITY.search(normalize_text(name)) and _REGION_PHRASE.search(normalize_text(name))
                        and not written.core))
    if not written.core:
        return NameMatch(None, 0.0, evidence="в названии нет имени МО" + ("; орган региона" if regional else ""),
                         regional_body=regional)
    cores = _cores(reference)
    shown = " ".join(written.core)
    tiers = (
        (1.0, "название совпало", lambda ref: _words_agree(written.core, ref)),
        (0.95, "название найдено в тексте", lambda ref: _contains(written.core, ref)),
        (0.9, "название — часть составного имени МО",
         lambda ref: len(ref) > len(written.core) and _contains(ref, written.core)),
    )
    for score, how, agrees in tiers:
        hits = [ref for ref in cores if agrees(ref)]
        if score == 0.95:  # a run inside a longer run («краснокаменск» in «краснокаменск краснокаменский») yields
            hits = [ref for ref in hits if not any(other != ref and _contains(other, ref) for other in hits)]
        if not hits:
            continue
        found = [m for ref in hits for m in cores[ref]]
        if len(hits) == 1 or score == 1.0:
            chosen, notes = _settle(found, written, on_date)
            if chosen is not None:
                evidence = f"{how}: «{shown}» = «{chosen.name}»" + (f"; {notes}" if notes else "") + f"; оценка {score}"
                return NameMatch(chosen, score, evidence=evidence)
        names = tuple(m.name for m in found)
        return NameMatch(None, 0.5, names, f"подходят несколько МО: {'; '.join(names)} — нужен выбор человека",
                         regional_body=False)
    if regional:
        return NameMatch(None, 0.0, evidence="орган образования региона, не МО", regional_body=True)
    return _fuzzy(written, cores, on_date)


def _contains(text: tuple[str, ...], run: tuple[str, ...]) -> bool:
    size = len(run)
    return any(_words_agree(text[i:i + size], run) for i in range(len(text) - size + 1))


def _fuzzy(written: _Written, cores: dict[tuple[str, ...], list[Municipality]], on_date: date | None) -> NameMatch:
    """A misspelt core: the best run of the written words, scored against each reference core — as the words
    were written and as their dictionary forms (the analyser may take a misspelt word for another form:
    «Славянскй» → "славянскя")."""
    writings = [list(written.core), [lemma(word) for word in written.core]]
    scored = []
    for ref in cores:
        target, size = " ".join(lemma(word) for word in ref), len(ref)
        texts = [text for words in writings for text in
                 [" ".join(words), *(" ".join(words[i:i + size]) for i in range(max(1, len(words) - size + 1)))]]
        scored.append((max(ratio(text, target) for text in texts) / 100, ref))
    scored.sort(key=lambda pair: pair[0], reverse=True)
    best_score, best = scored[0]
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    if best_score >= FUZZY_MIN_RATIO and best_score - runner_up >= FUZZY_MARGIN:
        chosen, notes = _settle(cores[best], written, on_date)
        if chosen is not None:
            evidence = (f"похожее название: «{' '.join(written.core)}» ≈ «{chosen.name}», сходство {best_score:.2f}, "
                        f"следующее {runner_up:.2f}" + (f"; {notes}" if notes else ""))
            return NameMatch(chosen, round(best_score, 3), evidence=evidence)
    names = tuple(m.name for _, ref in scored[:3] for m in cores[ref])
    return NameMatch(None, round(best_score, 3), names,
                     f"МО не найдено: ближайшее сходство {best_score:.2f}, следующее {runner_up:.2f}")


def municipality_title(municipality: Municipality) -> str:
    """The name's core, capitalised as written: "Абинский", "Усть-Лабинский", "Горячий ключ"."""
    core = " ".join(_read(municipality.name).core)
    return "-".join(part[:1].upper() + part[1:] for part in core.split("-"))


def display_name(municipality: Municipality) -> str:
    """How a municipality writes its own name on a form: "МО Абинский район", "МО город Сочи",
    "МО Алексеевский муниципальный округ"."""
    title = municipality_title(municipality)
    if municipality.kind == "municipal_district":
        return f"МО {title} район"
    if municipality.kind == "municipal_okrug":
        return f"МО {title} муниципальный округ"
    return f"МО город {title}"
